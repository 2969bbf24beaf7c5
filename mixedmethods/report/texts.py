"""The report's sentences, per language, from templates/text/<language>.yaml."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..resources import templates_dir
from ..yamlio import load_yaml


class Texts:
    """Look up ``section.key`` and fill its ``{placeholders}``.

    >>> Texts("en").get("survey.differ")
    'differed significantly'
    """

    def __init__(self, language: str, folder: Path | None = None) -> None:
        path = (folder or templates_dir() / "text") / f"{language}.yaml"
        if not path.is_file():
            raise ConfigError(f"no report texts for language {language!r}", file=path)
        self.language = language
        self.data: dict[str, Any] = load_yaml(path, error=ConfigError)

    def raw(self, key: str) -> Any:
        node: Any = self.data
        for part in key.split("."):
            node = node[part]
        return node

    def get(self, key: str, **values: Any) -> str:
        text = self.raw(key)
        return str(text).format(**values) if values else str(text)
