"""XLSForm <-> questionnaire, both ways, losing nothing.

XLSForm (https://xlsform.org) is the spreadsheet format of ODK, KoboToolbox
and SurveyCTO. The standard sheets carry the questions (``survey``), the
choice lists (``choices``) and the form settings (``settings``); labels are
``label::English (en)`` columns. What XLSForm has no column for is written in
columns and a sheet that XLSForm tools ignore:

* ``survey``: ``appearance = likert`` marks Likert items; ``reverse = yes``
  marks reverse-keyed items; ``min``/``max`` become the standard
  ``constraint`` (``. >= 0 and . <= 45``) and are read back from it.
* ``settings``: ``title::French (fr)`` for titles in other languages,
  ``group_question`` and ``participant_key``.
* ``scales`` sheet: ``scale``, ``label::...``, ``items`` (space-separated),
  ``scoring``, ``min_answered``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..errors import InstrumentError
from .questionnaire import Questionnaire, questionnaire_from_dict

LANGUAGE_NAMES = {"en": "English", "fr": "French", "es": "Spanish", "pt": "Portuguese", "ar": "Arabic",
                  "de": "German", "ru": "Russian", "zh": "Chinese"}
_TRANSLATED = re.compile(r"^(label|hint|title|short)::\s*([^()]+?)\s*(?:\((\w[\w-]*)\))?\s*$")
_CONSTRAINT = re.compile(r"^\s*\.\s*>=\s*(-?[\d.]+)\s*(?:and\s*\.\s*<=\s*(-?[\d.]+))?\s*$|^\s*\.\s*<=\s*(-?[\d.]+)\s*$")


def _column(kind: str, language: str) -> str:
    return f"{kind}::{LANGUAGE_NAMES.get(language, language)} ({language})"


def _constraint(minimum: float | None, maximum: float | None) -> str:
    def fmt(x: float) -> str:
        return str(int(x)) if float(x).is_integer() else str(x)

    parts = []
    if minimum is not None:
        parts.append(f". >= {fmt(minimum)}")
    if maximum is not None:
        parts.append(f". <= {fmt(maximum)}")
    return " and ".join(parts)


def write_xlsform(questionnaire: Questionnaire, path: Path) -> None:
    """Write ``questionnaire`` as an XLSForm workbook that pyxform accepts."""
    from openpyxl import Workbook

    langs = questionnaire.languages
    book = Workbook()
    survey = book.active
    survey.title = "survey"
    survey.append(["type", "name", *[_column("label", x) for x in langs], *[_column("hint", x) for x in langs],
                   *[_column("short", x) for x in langs],
                   "required", "relevant", "constraint", "appearance", "reverse", "role"])
    for q in questionnaire.questions:
        if q.type in ("select_one", "select_multiple"):
            qtype = f"{q.type} {q.choices}"
        elif q.type == "likert":
            qtype = f"select_one {q.choices}"
        else:
            qtype = q.type
        survey.append([
            qtype, q.id, *[q.label.get(x, "") for x in langs], *[q.hint.get(x, "") for x in langs],
            *[q.short.get(x, "") for x in langs],
            "yes" if q.required else "", q.relevant or "", _constraint(q.min, q.max),
            "likert" if q.type == "likert" else "", "yes" if q.reverse else "", q.role or "",
        ])
    choices = book.create_sheet("choices")
    choices.append(["list_name", "name", *[_column("label", x) for x in langs]])
    for name, choice_list in questionnaire.choice_lists.items():
        for c in choice_list.choices:
            choices.append([name, c.value, *[c.label.get(x, "") for x in langs]])
    settings = book.create_sheet("settings")
    settings.append(["form_title", "form_id", "version", "default_language",
                     *[f"title_{x}" for x in langs], "group_question", "participant_key"])
    first = langs[0]
    settings.append([questionnaire.title.get(first, questionnaire.id), questionnaire.id, questionnaire.version,
                     f"{LANGUAGE_NAMES.get(first, first)} ({first})", *[questionnaire.title.get(x, "") for x in langs],
                     questionnaire.group_question or "", questionnaire.participant_key or ""])
    scales = book.create_sheet("scales")
    scales.append(["scale", *[_column("label", x) for x in langs], "items", "scoring", "min_answered"])
    for s in questionnaire.scales:
        scales.append([s.id, *[s.label.get(x, "") for x in langs], " ".join(s.items), s.scoring, s.min_answered])
    # Text cells so that choice values like "1" stay text when read back.
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.number_format = "@"
    book.save(path)


def _rows(sheet: Any) -> tuple[list[str], list[tuple[int, dict[str, Any]]]]:
    rows = list(sheet.iter_rows(values_only=True))
    if not rows:
        return [], []
    header = [str(h).strip() if h is not None else "" for h in rows[0]]
    records = []
    for number, values in enumerate(rows[1:], start=2):
        record = {h: v for h, v in zip(header, values) if h and v not in (None, "")}
        if record:
            records.append((number, record))
    return header, records


def _translations(record: dict[str, Any], kind: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in record.items():
        m = _TRANSLATED.match(key)
        if m and m.group(1) == kind:
            name, code = m.group(2), m.group(3)
            if not code:
                code = {v.lower(): k for k, v in LANGUAGE_NAMES.items()}.get(name.lower(), name.lower())
            out[code] = str(value)
    if kind in record:  # untranslated column
        out.setdefault("und", str(record[kind]))
    return out


def _number(text: str | None) -> float | int | None:
    if text is None:
        return None
    value = float(text)
    return int(value) if value.is_integer() else value


def read_xlsform(path: Path, display: str | None = None) -> Questionnaire:
    """Read an XLSForm written by :func:`write_xlsform` or by another tool."""
    from openpyxl import load_workbook

    shown = display or str(path)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken file
        raise InstrumentError(f"cannot open as an Excel workbook ({type(exc).__name__})", file=shown) from None
    if "survey" not in book.sheetnames:
        raise InstrumentError("an XLSForm needs a sheet named 'survey'", file=shown)
    header, survey = _rows(book["survey"])
    for needed in ("type", "name"):
        if needed not in header:
            raise InstrumentError(f"sheet 'survey' needs a column {needed!r}", file=shown, row=1)
    languages: list[str] = []
    for h in header:
        m = _TRANSLATED.match(h)
        if m:
            code = m.group(3) or {v.lower(): k for k, v in LANGUAGE_NAMES.items()}.get(m.group(2).lower(),
                                                                                      m.group(2).lower())
            if code not in languages:
                languages.append(code)
    languages = languages or ["und"]
    questions = []
    for row, rec in survey:
        type_words = str(rec.get("type", "")).split()
        if not type_words or type_words[0] in ("begin_group", "end_group", "begin", "end", "note", "calculate",
                                               "start", "end", "today", "deviceid"):
            continue
        qtype = type_words[0]
        item: dict[str, Any] = {"id": str(rec.get("name", "")), "type": qtype,
                                "label": _translations(rec, "label") or str(rec.get("name"))}
        if qtype in ("select_one", "select_multiple"):
            if len(type_words) != 2:
                raise InstrumentError(f"expected '{qtype} LIST_NAME'", file=shown, row=row, column="type")
            item["choices"] = type_words[1]
            if qtype == "select_one" and str(rec.get("appearance", "")).strip() == "likert":
                item["type"] = "likert"
        for kind in ("hint", "short"):
            translated = {code: text for code, text in _translations(rec, kind).items() if text}
            if translated:
                item[kind] = translated
        if str(rec.get("required", "")).strip().lower() in ("yes", "true", "true()", "1"):
            item["required"] = True
        if rec.get("relevant"):
            item["relevant"] = str(rec["relevant"])
        if rec.get("constraint"):
            m = _CONSTRAINT.match(str(rec["constraint"]))
            if not m:
                raise InstrumentError("only range constraints like '. >= 0 and . <= 45' are supported",
                                      file=shown, row=row, column="constraint")
            low, high, only_high = m.groups()
            if low is not None:
                item["min"] = _number(low)
            if (high or only_high) is not None:
                item["max"] = _number(high or only_high)
        if str(rec.get("reverse", "")).strip().lower() in ("yes", "true", "1"):
            item["reverse"] = True
        if rec.get("role"):
            item["role"] = str(rec["role"]).strip()
        questions.append(item)
    choice_lists: dict[str, list[dict[str, Any]]] = {}
    if "choices" in book.sheetnames:
        _, choices = _rows(book["choices"])
        for row, rec in choices:
            name = rec.get("list_name") or rec.get("list name")
            if name is None or rec.get("name") is None:
                raise InstrumentError("each choice needs list_name and name", file=shown, row=row)
            value = rec["name"]
            value = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
            choice_lists.setdefault(str(name), []).append(
                {"value": value, "label": _translations(rec, "label") or value})
    data: dict[str, Any] = {"id": path.stem, "version": "1", "languages": languages}
    if "settings" in book.sheetnames:
        _, settings = _rows(book["settings"])
        if settings:
            rec = settings[0][1]
            data["id"] = str(rec.get("form_id", path.stem))
            data["version"] = str(rec.get("version", "1"))
            titles = {k[len("title_"):]: str(v) for k, v in rec.items() if k.startswith("title_")}
            data["title"] = titles or {languages[0]: str(rec.get("form_title", data["id"]))}
            for key in ("group_question", "participant_key"):
                if rec.get(key):
                    data[key] = str(rec[key])
    scales = []
    if "scales" in book.sheetnames:
        _, rows = _rows(book["scales"])
        for _row, rec in rows:
            scales.append({"id": str(rec.get("scale")), "label": _translations(rec, "label") or str(rec.get("scale")),
                           "items": str(rec.get("items", "")).split(), "scoring": rec.get("scoring", "mean"),
                           "min_answered": float(rec.get("min_answered", 0.75))})
    data.update({"choice_lists": choice_lists, "questions": questions, "scales": scales})
    return questionnaire_from_dict(data, shown)
