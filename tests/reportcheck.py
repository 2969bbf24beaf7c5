"""Checks of a built report against results.json and against the study's own vocabulary.

Used by tests/test_study_shapes.py and tests/test_done_when_study.py.

Numbers: :func:`printed_numbers` finds, in the report's sentences, every
number with decimals (``3.42``, ``.61``, ``−.02``; ``3,42`` and ``,61`` in
French) and every percentage (``42%``, ``42 %``, ``12.5%``). It leaves out
integers (counts, years, table and figure numbers), version numbers and
dates, and thresholds written after ``<`` or ``>`` (``p < .001``).
:func:`unmatched_numbers` says which of them are not in results.json: a
printed number d with f decimals matches a JSON number v when
``|v - d| <= 0.5 * 10**-f`` (it is v rounded to the printed decimals; the
APA leading zero may be dropped, which the parse already undoes); a
percentage p matches v or 100 v by the same rule. The tests also let a
number match the study's own instrument files (a scale's ``min_answered``
printed as "50%" is a setting, not a result). Numbers written in the
sentence templates themselves (``templates/text/<language>.yaml``, such as
``.05`` or ``95%``) are constants of the prose and are allowed.

Names: :func:`foreign_names` lists bundled ids and labels (the instruments
shipped in ``instruments/`` and the groups of ``mixedmethods init``) and any
id-shaped token (containing ``_``, or ``word.word``) that is not one of the
study's own ids, found in the report's text.
"""

from __future__ import annotations

import bisect
import json
import math
import re
from pathlib import Path
from typing import Any, Iterable

REPO = Path(__file__).resolve().parent.parent
MINUS = "\u2212"
_VERSION = re.compile(r"\d+(?:\.\d+){2,}")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?:T[\d:]+)?")
_THRESHOLD = re.compile(r"[<>≤≥]\s*[−-]?\d*[.,]?\d+")
_FILE_EXT = ("json", "xlsx", "docx", "csv", "sav", "png", "txt", "yaml", "qdpx", "qdc", "sqlite", "zip", "org",
             "com", "pdf")


def report_paragraphs(docx_path: Path) -> list[str]:
    """The text of every paragraph of the document body (sentences, headings, captions; not table cells)."""
    from docx import Document

    return [p.text for p in Document(str(docx_path)).paragraphs if p.text.strip()]


def report_text(docx_path: Path) -> str:
    """All text of a document: paragraphs and table cells."""
    from docx import Document

    document = Document(str(docx_path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def printed_numbers(text: str, language: str) -> list[tuple[float, int, bool, str]]:
    """Numbers with decimals and percentages in ``text``: (value, decimals, is_percent, as printed).

    >>> [n[:3] for n in printed_numbers("M = 3.42, r = .61, p < .001, 42% and −.02 (v1.2.3)", "en")]
    [(3.42, 2, False), (0.61, 2, False), (42.0, 0, True), (-0.02, 2, False)]
    >>> [n[:3] for n in printed_numbers("M = 3,42 ; IC [−0,10 ; ,55], 12,5 % et 1 000 messages", "fr")]
    [(3.42, 2, False), (-0.1, 2, False), (0.55, 2, False), (12.5, 1, True)]
    >>> printed_numbers("10,000 messages in 2026-03-01", "en")
    []
    >>> printed_numbers("U = 1\u202f714,5", "fr")[0][:3]
    (1714.5, 1, False)
    """
    text = _VERSION.sub(" ", text)
    text = _DATE.sub(" ", text)
    text = _THRESHOLD.sub(" ", text)
    mark = "." if language == "en" else ","
    if language == "en":
        text = re.sub(r"(?<=\d),(?=\d{3}(?!\d))", "", text)  # thousands separators
    else:  # French thousands: a narrow no-break space (U+202F, CLDR fr), as apa.py writes them
        text = re.sub("(?<=\\d)\u202f(?=\\d{3}(?!\\d))", "", text)
    pattern = re.compile(rf"(?<![\w.,])([{MINUS}-]?)(\d*)(?:\{mark}(\d+))?(\s?%)?(?![\d])")
    found = []
    for match in pattern.finditer(text):
        sign, whole, fraction, pct = match.groups()
        if not (whole or fraction) or not (fraction or pct):
            continue
        if fraction is None and match.group(0).endswith(mark):
            continue
        value = float(f"{whole or '0'}.{fraction or '0'}") * (-1 if sign else 1)
        found.append((value, len(fraction or ""), bool(pct), match.group(0).strip()))
    return found


def json_numbers(data: Any) -> list[float]:
    """Every number in a JSON document (booleans are not numbers here), sorted."""
    found: list[float] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
        elif isinstance(node, (int, float)) and not isinstance(node, bool):
            if not (isinstance(node, float) and (math.isnan(node) or math.isinf(node))):
                found.append(float(node))

    walk(data)
    return sorted(found)


def _near(sorted_values: list[float], target: float, tolerance: float) -> bool:
    i = bisect.bisect_left(sorted_values, target - tolerance)
    return i < len(sorted_values) and sorted_values[i] <= target + tolerance


def template_constants(language: str) -> set[tuple[float, bool]]:
    """Numbers written in the sentence templates of ``language`` (constants of the prose)."""
    path = REPO / "templates" / "text" / f"{language}.yaml"
    text = path.read_text(encoding="utf-8") if path.is_file() else ""
    return {(round(v, 6), pct) for v, _, pct, _ in printed_numbers(text, language)}


def unmatched_numbers(paragraphs: Iterable[str], results: Any, language: str,
                      given: Iterable[str] = ()) -> list[str]:
    """Printed numbers (see :func:`printed_numbers`) that match no number of ``results`` (rule in module doc).

    ``given``: texts of the study itself (its title, an instrument's version) whose numbers may be printed.
    """
    values = json_numbers(results)
    hundred = sorted(100 * v for v in values)
    constants = template_constants(language)
    for text in given:
        constants |= {(round(v, 6), pct) for v, _, pct, _ in printed_numbers(text, language)}
    missing = []
    for paragraph in paragraphs:
        for value, decimals, is_percent, shown in printed_numbers(paragraph, language):
            if (round(value, 6), is_percent) in constants:
                continue
            tolerance = 0.5 * 10 ** -decimals + 1e-9
            if _near(values, value, tolerance) or (is_percent and _near(hundred, value, tolerance)):
                continue
            missing.append(f"{shown!r} in: {paragraph[:160]}")
    return missing


def bundled_vocabulary() -> tuple[set[str], set[str]]:
    """Ids and labels (en and fr, two words or more, or all capitals) of the bundled instruments and groups."""
    import yaml

    from mixedmethods.study import default_study_yaml

    folder = REPO / "instruments"
    ids: set[str] = set()
    labels: set[str] = set()

    def add_labels(label: Any) -> None:
        for text in (label.values() if isinstance(label, dict) else [label] if isinstance(label, str) else []):
            if len(text.split()) >= 2 or (text.isupper() and len(text) > 3):
                labels.add(text)

    survey = yaml.safe_load((folder / "survey.yaml").read_text(encoding="utf-8"))
    for question in survey["questions"]:
        ids.add(question["id"])
        if question.get("role") == "profile" or question["id"] == survey.get("group_question"):
            add_labels(question["label"])
    for scale in survey.get("scales", []):
        ids.add(scale["id"])
        add_labels(scale["label"])
    group_list = next(q["choices"] for q in survey["questions"] if q["id"] == survey["group_question"])
    for choice in survey["choice_lists"][group_list]:
        ids.add(choice["value"])
        add_labels(choice["label"])

    def walk(codes: list) -> None:
        for code in codes:
            ids.add(code["id"])
            add_labels(code["label"])
            walk(code.get("codes", []))

    walk(yaml.safe_load((folder / "codebook.yaml").read_text(encoding="utf-8"))["codes"])
    for construct in yaml.safe_load((folder / "constructs.yaml").read_text(encoding="utf-8"))["constructs"]:
        ids.add(construct["id"])
        add_labels(construct["label"])
    for group, label in default_study_yaml()["groups"].items():
        ids.add(group)
        add_labels(label)
    labels |= {"CARICOM", "Sixth Committee", "Sixième Commission"}
    return ids, labels


_ID_TOKEN = re.compile(r"(?<![\w.@/-])[A-Za-z][\w-]*(?:\.[A-Za-z][\w-]*)+|[A-Za-z]\w*_\w*")


def _template_text(language: str) -> str:
    path = REPO / "templates" / "text" / f"{language}.yaml"
    return path.read_text(encoding="utf-8") if path.is_file() else ""


def _template_words(language: str) -> set[str]:
    """Words and id-shaped tokens of the sentence templates (the tool's own prose)."""
    text = _template_text(language)
    return set(re.findall(r"\w+", text)) | set(_ID_TOKEN.findall(text))


def foreign_names(text: str, own_ids: set[str], language: str, allowed: Iterable[str] = ()) -> list[str]:
    """Bundled ids or labels, or id-shaped tokens not among ``own_ids``, found in ``text``.

    A bundled id that is a plain word (``group``, ``training``), or a bundled
    label, is looked for only when the sentence templates of ``language`` do
    not use it themselves, since the tool's own prose may (a draft
    recommendation rule says "rules of use", which is also a bundled code's
    label). ``allowed``: more tokens that
    may appear (the chat metric names, for instance).

    >>> foreign_names("Scores of security.leaks and q_x_1 differ in the CARICOM group", {"q_x_1"}, "en")
    ['label CARICOM', 'id security.leaks']
    """
    ids, labels = bundled_vocabulary()
    prose = _template_words(language)
    allowed = set(allowed) | own_ids
    found = []
    folded = text.casefold()
    prose_text = _template_text(language).casefold()
    for label in sorted(labels):
        if label.casefold() in folded and label not in allowed and label.casefold() not in prose_text:
            found.append(f"label {label}")
    for token in sorted(ids - allowed):
        if re.fullmatch(r"[a-z]+", token) and token in prose:
            continue
        if re.search(rf"(?<![\w.-]){re.escape(token)}(?![\w-]|\.\w)", text):
            found.append(f"id {token}")
    for token in sorted(set(_ID_TOKEN.findall(text))):
        if token in allowed or token in prose or token.rsplit(".", 1)[-1].lower() in _FILE_EXT:
            continue
        if f"id {token}" in found:
            continue
        if "_" in token or re.fullmatch(r"[a-z][\w-]*\.[a-z][\w-]*", token):
            found.append(f"token {token}")
    return found
