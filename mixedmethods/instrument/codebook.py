"""The codebook as data: hierarchical codes with labels, definitions, inclusion and exclusion notes.

Read from ``instruments/codebook.yaml`` (format in ``docs/interviews.md``) or
from a REFI-QDA codebook (``.qdc``, :mod:`.qdc`). Coders refer to a code by
its id or by its label in any language; :meth:`Codebook.resolve` maps either to
the id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from ..normalise import text_key
from ..errors import InstrumentError
from ..yamlio import LineDict, load_yaml
from .questionnaire import Label, in_language, parse_label

TEXT_FIELDS = ("definition", "include", "exclude", "example")
_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]*$")
_COLOR = re.compile(r"^#[0-9A-Fa-f]{6}$")


@dataclass
class Code:
    """One code; ``codes`` are its children. Text fields are per language."""

    id: str
    label: Label
    definition: Label = field(default_factory=dict)
    include: Label = field(default_factory=dict)
    exclude: Label = field(default_factory=dict)
    example: Label = field(default_factory=dict)
    color: str | None = None
    codes: list["Code"] = field(default_factory=list)

    def text(self, language: str) -> str:
        return in_language(self.label, language, self.id)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id}
        if self.color:
            data["color"] = self.color
        data["label"] = dict(self.label)
        for name in TEXT_FIELDS:
            if getattr(self, name):
                data[name] = dict(getattr(self, name))
        if self.codes:
            data["codes"] = [c.to_dict() for c in self.codes]
        return data


@dataclass
class Codebook:
    """A hierarchical codebook. Top-level codes are the themes."""

    id: str
    version: str
    languages: list[str]
    codes: list[Code]

    def walk(self) -> Iterator[tuple[Code, Code | None]]:
        """Every code with its parent (None for themes), depth first in file order."""

        def visit(code: Code, parent: Code | None) -> Iterator[tuple[Code, Code | None]]:
            yield code, parent
            for child in code.codes:
                yield from visit(child, code)

        for theme in self.codes:
            yield from visit(theme, None)

    def ids(self) -> list[str]:
        return [code.id for code, _ in self.walk()]

    def code(self, code_id: str) -> Code:
        for code, _ in self.walk():
            if code.id == code_id:
                return code
        raise KeyError(code_id)

    def theme_of(self, code_id: str) -> str:
        """The top-level code above (or equal to) ``code_id``."""
        for theme in self.codes:
            if any(c.id == code_id for c, _ in Codebook("", "", [], [theme]).walk()):
                return theme.id
        raise KeyError(code_id)

    def resolve(self, name: str) -> str | None:
        """The id of the code named ``name`` (its id, or its label in any language), else None."""
        wanted = text_key(name)
        for code, _ in self.walk():
            if text_key(code.id) == wanted or any(text_key(v) == wanted for v in code.label.values()):
                return code.id
        return None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "version": self.version, "languages": list(self.languages),
                "codes": [c.to_dict() for c in self.codes]}


def load_codebook(path: Path, display: str | None = None) -> Codebook:
    """Read and validate a codebook from YAML or a REFI-QDA ``.qdc`` file."""
    shown = display or str(path)
    if path.suffix.lower() == ".qdc":
        from .qdc import read_qdc

        return read_qdc(path, shown)
    return codebook_from_dict(load_yaml(path, error=InstrumentError, display=shown), shown)


def codebook_from_dict(data: Any, file: str) -> Codebook:
    """Build a :class:`Codebook` from parsed YAML, checking ids, labels and colours."""
    if not isinstance(data, dict) or "codes" not in data:
        raise InstrumentError("expected a mapping with id, languages and codes", file=file)
    top = data if isinstance(data, LineDict) else LineDict(data)
    for key in top:
        if key not in ("id", "version", "languages", "codes"):
            raise InstrumentError(f"unknown key {key!r}; expected id, version, languages, codes", file=file,
                                  line=top.line_of(key))
    languages = top.get("languages", ["en"])
    if not isinstance(languages, list) or not languages or not all(isinstance(x, str) for x in languages):
        raise InstrumentError("languages: expected a list of language codes such as [en, fr]", file=file,
                              line=top.line_of("languages"))
    seen: set[str] = set()

    def text(value: Any, what: str, line: int | None) -> Label:
        return parse_label(value, what, file, line, languages)

    def build(item: Any) -> Code:
        line = getattr(item, "line", None)
        if not isinstance(item, dict) or "id" not in item:
            raise InstrumentError("each code needs an id", file=file, line=line)
        code_id = str(item["id"])
        for key in item:
            if key not in ("id", "label", "color", "codes", *TEXT_FIELDS):
                raise InstrumentError(f"code {code_id!r}: unknown key {key!r}", file=file, line=item.line_of(key))
        if not _ID.match(code_id):
            raise InstrumentError(f"code id {code_id!r}: use letters, digits, '.', '_' or '-', starting with a "
                                  "letter", file=file, line=line)
        if code_id in seen:
            raise InstrumentError(f"duplicate code id {code_id!r}", file=file, line=line)
        seen.add(code_id)
        color = item.get("color")
        if color is not None and not _COLOR.match(str(color)):
            raise InstrumentError(f"code {code_id!r}: color must look like #1b9e77", file=file,
                                  line=item.line_of("color"))
        children = item.get("codes") or []
        if not isinstance(children, list):
            raise InstrumentError(f"code {code_id!r}: codes must be a list", file=file, line=item.line_of("codes"))
        return Code(code_id, text(item.get("label", code_id), f"code {code_id!r} label", line),
                    **{name: text(item[name], f"code {code_id!r} {name}", item.line_of(name))
                       for name in TEXT_FIELDS if name in item},
                    color=str(color) if color else None, codes=[build(child) for child in children])

    codes = top["codes"]
    if not isinstance(codes, list) or not codes:
        raise InstrumentError("codes: expected a non-empty list", file=file, line=top.line_of("codes"))
    return Codebook(str(top.get("id", Path(file).stem)), str(top.get("version", "1")), languages,
                    [build(item) for item in codes])
