"""The report's sentences, per language, from templates/text/<language>.yaml.

A study may override any sentence, and the recommendation rules, in its own
``templates/text/<language>.yaml``: its keys replace the bundled ones of the
same path (mappings are merged key by key; a list such as ``recommendations``
replaces the bundled list whole). Keys it leaves out keep the bundled text.

Whole numbers filled into a sentence are written in the report's locale
(``19,046`` / ``19 046``, :func:`.apa.integer`), except the placeholders in
:data:`NOT_GROUPED` (table and figure numbers, seeds, years), which are labels
rather than quantities, and the numbers of a chapter's tables and figures however they are named
(:class:`.chapter_body.MarkedNumber`). Decimals are formatted by the chapters (:mod:`.apa`)
because only they know how many decimals a statistic takes.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from . import apa
from .chapter_body import MarkedNumber
from ..resources import templates_dir
from ..yamlio import load_yaml_once


# French elision and contraction before a vowel, for names filled into sentences ("dans le {group}" with the
# group "équipe du Nord"): le/la -> l', du -> de l', au -> à l', de -> d'. A mute h is left alone (it may be aspirated).
_FRENCH_ELISION = [(re.compile(rf"\b{before} (?=[aeiouyàâéèêëîïôûœAEIOUYÀÂÉÈÊËÎÏÔÛŒ])"), after)
                   for before, after in (("[Ll][ea]", "l'"), ("[Dd]u", "de l'"), ("[Aa]u", "à l'"), ("[Dd]e", "d'"))]


def french_elision(text: str) -> str:
    """Elide and contract articles before a vowel (a capital stays a capital).

    >>> french_elision("12 dans le équipe du Nord, le score du équipe de l'Est et la autre")
    "12 dans l'équipe du Nord, le score de l'équipe de l'Est et l'autre"
    >>> french_elision("Le équipe, Du équipe, Au équipe")
    "L'équipe, De l'équipe, À l'équipe"
    """
    for pattern, replacement in _FRENCH_ELISION:
        text = pattern.sub(lambda m: replacement if m.group(0)[0].islower() else replacement[0].upper()
                           + replacement[1:], text)
    return text


# Placeholders whose whole numbers are labels, not quantities: never grouped by thousands.
NOT_GROUPED = frozenset({"table", "figure", "figure2", "seed", "year", "version"})


def localise_values(values: dict[str, Any], language: str) -> dict[str, Any]:
    """``values`` with every whole number (not a bool, not in :data:`NOT_GROUPED`) written by :func:`.apa.integer`.

    >>> localise_values({"n": 19046, "table": 12, "seed": 20240, "ok": True, "name": "x"}, "en")
    {'n': '19,046', 'table': 12, 'seed': 20240, 'ok': True, 'name': 'x'}
    """
    import numbers

    return {key: apa.integer(value, language)
            if isinstance(value, numbers.Integral) and not isinstance(value, (bool, MarkedNumber))
            and key not in NOT_GROUPED else value for key, value in values.items()}


def merge_texts(bundled: dict[str, Any], own: dict[str, Any]) -> dict[str, Any]:
    """``bundled`` with ``own`` laid over it, mapping by mapping.

    >>> merge_texts({"a": {"x": 1, "y": 2}, "r": [1, 2]}, {"a": {"y": 3}, "r": [9]})
    {'a': {'x': 1, 'y': 3}, 'r': [9]}
    """
    merged = dict(bundled)
    for key, value in own.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge_texts(merged[key], value)
        else:
            merged[key] = value
    return merged


class Texts:
    """Look up ``section.key`` and fill its ``{placeholders}``.

    ``study_root``: a study folder whose ``templates/text/<language>.yaml``, if
    present, overrides the bundled sentences. Each file is parsed once per
    process (:func:`~mixedmethods.yamlio.load_yaml_once`; a build makes a
    Texts for every document and workbook of each language).

    >>> Texts("en").get("survey.differ")
    'differed significantly'
    """

    def __init__(self, language: str, folder: Path | None = None, study_root: Path | None = None) -> None:
        path = (folder or templates_dir() / "text") / f"{language}.yaml"
        if not path.is_file():
            raise ConfigError(f"no report texts for language {language!r}", file=path)
        self.language = language
        # The bundled sentences are read with libyaml; a folder given by the caller may be anyone's.
        self.data: dict[str, Any] = load_yaml_once(path, error=ConfigError, bundled=folder is None)
        own = study_root / "templates" / "text" / f"{language}.yaml" if study_root is not None else None
        if own is not None and own.is_file():
            data = load_yaml_once(own, error=ConfigError, display=f"templates/text/{language}.yaml")
            if not isinstance(data, dict):
                raise ConfigError("expected a mapping of sections to sentences, as in the bundled texts",
                                  file=f"templates/text/{language}.yaml")
            self.data = merge_texts(self.data, data)

    def raw(self, key: str) -> Any:
        node: Any = self.data
        for part in key.split("."):
            node = node[part]
        return node

    def get(self, key: str, **values: Any) -> str:
        text = str(self.raw(key)).format(**localise_values(values, self.language)) if values else str(self.raw(key))
        # Only filled sentences: a name put after an article may start with a vowel.
        return french_elision(text) if self.language == "fr" and values else text
