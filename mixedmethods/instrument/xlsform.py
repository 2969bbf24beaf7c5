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
from .questionnaire import Question, Questionnaire, questionnaire_from_dict
from .xlsform_types import BEGIN_END, question_type

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


# Types written under another name than the one stored (``phone`` is XLSForm's ``phone number``).
_WRITTEN_AS = {"phone": "phone number"}


def _type_cell(q: Question) -> str:
    if q.type in ("select_one", "select_multiple"):
        return f"{q.type} {q.choices}"
    if q.type == "likert":
        return f"select_one {q.choices}"
    written = _WRITTEN_AS.get(q.type, q.type)
    return f"{written} {q.xlsform['list']}" if "list" in q.xlsform else written


def _group_rows(current: list[str], target: list[str], repeats: set[str], width: int) -> list[list[Any]]:
    """begin/end rows that take the open groups from ``current`` to ``target`` (both lists of names)."""
    shared = 0
    while shared < min(len(current), len(target)) and current[shared] == target[shared]:
        shared += 1
    rows: list[list[Any]] = []
    for depth in range(len(current), shared, -1):
        kind = "repeat" if "/".join(current[:depth]) in repeats else "group"
        rows.append([f"end_{kind}", None] + [None] * width)
    for depth in range(shared + 1, len(target) + 1):
        kind = "repeat" if "/".join(target[:depth]) in repeats else "group"
        rows.append([f"begin_{kind}", target[depth - 1]] + [None] * width)
    return rows


def write_xlsform(questionnaire: Questionnaire, path: Path) -> None:
    """Write ``questionnaire`` as an XLSForm workbook that pyxform accepts.

    Groups and repeats become begin/end rows; the XLSForm columns kept in ``Question.xlsform`` are written
    back as they were read.
    """
    from openpyxl import Workbook

    langs = questionnaire.languages
    kept = [c for c in _KEPT_COLUMNS if c != "appearance" and any(c in q.xlsform for q in questionnaire.questions)]
    book = Workbook()
    survey = book.active
    survey.title = "survey"
    header = ["type", "name", *[_column("label", x) for x in langs], *[_column("hint", x) for x in langs],
              *[_column("short", x) for x in langs],
              "required", "relevant", "constraint", "appearance", "reverse", "role", *kept]
    survey.append(header)
    repeats = {q.repeat for q in questionnaire.questions if q.repeat}
    open_groups: list[str] = []
    for q in questionnaire.questions:
        target = q.group.split("/") if q.group else []
        for row in _group_rows(open_groups, target, repeats, len(header) - 2):
            survey.append(row)
        open_groups = target
        appearance = "likert" if q.type == "likert" else q.xlsform.get("appearance", "")
        survey.append([
            _type_cell(q), q.id.rsplit("/", 1)[-1], *[q.label.get(x, "") for x in langs],
            *[q.hint.get(x, "") for x in langs], *[q.short.get(x, "") for x in langs],
            "yes" if q.required else "", q.relevant or q.xlsform.get("relevant", ""),
            _constraint(q.min, q.max) or q.xlsform.get("constraint", ""),
            appearance, "yes" if q.reverse else "", q.role or "",
            *[q.xlsform.get(c, "") for c in kept],
        ])
    for row in _group_rows(open_groups, [], repeats, len(header) - 2):
        survey.append(row)
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


_HEADER = re.compile(r"(?i)^(label|hint|title|short|guidance_hint|constraint_message|required_message)\s*::?\s*(.+)$")
# Columns kept as written in ``Question.xlsform`` (neither checked nor evaluated by the tool).
_KEPT_COLUMNS = ("appearance", "choice_filter", "calculation", "parameters", "default", "read_only",
                 "repeat_count", "constraint_message", "required_message", "trigger")


def _header_name(value: Any) -> str:
    """Column names compare case-insensitively; ``label:English`` (one colon) is pyxform's older spelling."""
    text = str(value).strip() if value is not None else ""
    m = _HEADER.match(text)
    if m:
        return f"{m.group(1).lower()}::{m.group(2).strip()}"
    return "_".join(text.lower().split())


def _rows(sheet: Any, shown: str = "") -> tuple[list[str], list[tuple[int, dict[str, Any]]]]:
    if hasattr(sheet, "reset_dimensions"):  # some tools declare A1:AMJ1048576; read the rows that exist
        sheet.reset_dimensions()
    try:
        rows = list(sheet.iter_rows(values_only=True))
    except Exception as exc:  # read-only openpyxl parses a sheet's XML only now: damaged cells surface here
        raise InstrumentError(f"sheet {sheet.title!r} cannot be read ({type(exc).__name__}); is the workbook "
                              "complete?", file=shown or None) from None
    if not rows:
        return [], []
    header = [_header_name(h) for h in rows[0]]
    records = []
    for number, values in enumerate(rows[1:], start=2):
        record = {h: v for h, v in zip(header, values) if h and v not in (None, "")
                  and not (isinstance(v, str) and not v.strip())}
        if record:
            records.append((number, record))
    return header, records


def _language_code(name: str) -> str:
    name = name.strip()
    m = re.match(r"^(.*?)\s*\((\w[\w-]*)\)$", name)
    if m:
        return m.group(2)
    return {v.lower(): k for k, v in LANGUAGE_NAMES.items()}.get(name.lower(), name.lower())


def _translations(record: dict[str, Any], kind: str, plain: str) -> dict[str, str]:
    """Texts per language; the untranslated column is the default language ``plain``."""
    out: dict[str, str] = {}
    for key, value in record.items():
        if key.startswith(f"{kind}::"):
            out[_language_code(key[len(kind) + 2:])] = str(value)
    if kind in record:  # untranslated column
        out.setdefault(plain, str(record[kind]))
    return out


def _number(text: str | None) -> float | int | None:
    if text is None:
        return None
    value = float(text)
    return int(value) if value.is_integer() else value


def _text(value: Any) -> str:
    if isinstance(value, bool):  # a cell typed FALSE in Excel is still the name FALSE
        return str(value).upper()
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


class _Where:
    """Names the file and sheet in errors: every refusal says sheet, row and column."""

    def __init__(self, shown: str) -> None:
        self.shown = shown

    def error(self, message: str, sheet: str, row: int | None = None, column: str | None = None) -> InstrumentError:
        return InstrumentError(f"sheet {sheet!r}: {message}", file=self.shown, row=row, column=column)


def _sheets(book: Any, where: _Where) -> dict[str, Any]:
    """Sheets by lower-case name; a workbook whose only sheet has type and name columns is its survey."""
    sheets = {name.strip().lower(): book[name] for name in book.sheetnames}
    if "survey" not in sheets:
        first = book[book.sheetnames[0]] if book.sheetnames else None
        header = _rows(first, where.shown)[0] if first else []
        if "type" in header and "name" in header:
            sheets["survey"] = first
        else:
            raise InstrumentError("an XLSForm needs a sheet named 'survey'", file=where.shown)
    return sheets


def _read_settings(sheets: dict[str, Any]) -> dict[str, Any]:
    if "settings" not in sheets:
        return {}
    _, settings = _rows(sheets["settings"])
    return settings[0][1] if settings else {}


def _read_choices(sheets: dict[str, Any], plain: str, where: _Where) -> dict[str, list[dict[str, Any]]]:
    choice_lists: dict[str, list[dict[str, Any]]] = {}
    if "choices" not in sheets:
        return choice_lists
    _, choices = _rows(sheets["choices"], where.shown)
    for row, rec in choices:
        name = rec.get("list_name")
        if name is None or rec.get("name") is None:
            column = "list_name" if name is None else "name"
            raise where.error("each choice needs list_name and name", "choices", row=row, column=column)
        value = _text(rec["name"])
        listed = choice_lists.setdefault(str(name).strip(), [])
        if any(c["value"] == value for c in listed):  # repeated with another choice_filter key: one value
            continue
        listed.append({"value": value, "label": _translations(rec, "label", plain) or value})
    return choice_lists


def _relevant_and_range(item: dict[str, Any], rec: dict[str, Any]) -> None:
    """Skip logic and range constraints the tool evaluates; anything else is kept as written."""
    from .relevance import RelevanceSyntaxError, compile_relevance

    if rec.get("relevant"):
        text = str(rec["relevant"]).strip()
        try:
            compile_relevance(text)
            item["relevant"] = text
        except RelevanceSyntaxError:
            item["xlsform"]["relevant"] = text
    if rec.get("constraint"):
        m = _CONSTRAINT.match(str(rec["constraint"]))
        if not m:
            item["xlsform"]["constraint"] = str(rec["constraint"])
            return
        low, high, only_high = m.groups()
        if low is not None:
            item["min"] = _number(low)
        if (high or only_high) is not None:
            item["max"] = _number(high or only_high)


def _add_other(choice_lists: dict[str, list[dict[str, Any]]], name: str, languages: list[str]) -> None:
    """``or_other``: pyxform adds the choice ``other`` to the list."""
    if not any(c["value"] == "other" for c in choice_lists.get(name, [])):
        choice_lists.setdefault(name, []).append({"value": "other", "label": {x: "Other" for x in languages}})


def read_xlsform(path: Path, display: str | None = None) -> Questionnaire:
    """Read an XLSForm written by :func:`write_xlsform` or by another tool (every form pyxform converts).

    Groups become a path prefix (``Question.group``), repeats mark their questions (``Question.repeat``),
    loops are unrolled per choice as pyxform does, ``or_other`` adds the choice ``other`` and a text question
    ``NAME_other``, and types the tool does not analyse are kept as typed raw values (``RAW_TYPES``).
    """
    from openpyxl import load_workbook

    shown = display or str(path)
    where = _Where(shown)
    from ..safeinput import check_zip_file

    check_zip_file(path, shown, "cannot open as an Excel workbook")  # a zip bomb is refused before openpyxl reads it
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken file
        raise InstrumentError(f"cannot open as an Excel workbook ({type(exc).__name__})", file=shown) from None
    sheets = _sheets(book, where)
    header, survey = _rows(sheets["survey"], where.shown)
    for needed in ("type", "name"):
        if needed not in header:
            raise where.error(f"needs a column {needed!r}", "survey", row=1, column=needed)
    setting = _read_settings(sheets)
    default = setting.get("default_language")
    plain = _language_code(str(default)) if default else "und"
    languages: list[str] = [plain] if default else []
    for h in header:
        if h.startswith(("label::", "hint::", "short::")):
            code = _language_code(h.split("::", 1)[1])
            if code not in languages:
                languages.append(code)
    if any(h in ("label", "hint", "short") for h in header) and plain not in languages:
        languages.append(plain)
    languages = languages or ["und"]
    if "choices" in sheets:  # a language may appear only in choice labels
        for h in _rows(sheets["choices"], where.shown)[0]:
            if h.startswith("label::") and _language_code(h[len("label::"):]) not in languages:
                languages.append(_language_code(h[len("label::"):]))
    choice_lists = _read_choices(sheets, plain, where)
    flat = str(setting.get("flat", "")).strip().lower() in ("true", "yes", "1")
    questions = _read_questions(survey, choice_lists, languages, plain, where, flat)
    data: dict[str, Any] = {"id": _text(setting.get("form_id", path.stem)), "version": "1", "languages": languages}
    if setting:
        data["version"] = _text(setting.get("version", "1"))
        titles = {k[len("title_"):]: str(v) for k, v in setting.items() if k.startswith("title_")}
        titles = {k: v for k, v in titles.items() if k in languages}
        data["title"] = titles or {languages[0]: str(setting.get("form_title", data["id"]))}
        for key in ("group_question", "participant_key"):
            if setting.get(key):
                data[key] = str(setting[key])
    scales = []
    if "scales" in sheets:
        _, rows = _rows(sheets["scales"], where.shown)
        for _row, rec in rows:
            scales.append({"id": str(rec.get("scale")), "label": _translations(rec, "label", plain)
                           or str(rec.get("scale")), "items": str(rec.get("items", "")).split(),
                           "scoring": rec.get("scoring", "mean"), "min_answered": float(rec.get("min_answered", 0.75))})
    used = {q["choices"] for q in questions if q.get("choices")}
    data.update({"choice_lists": {k: v for k, v in choice_lists.items() if k in used},
                 "questions": questions, "scales": scales})
    return questionnaire_from_dict(data, shown)


def _read_questions(survey: list[tuple[int, dict[str, Any]]], choice_lists: dict[str, list[dict[str, Any]]],
                    languages: list[str], plain: str, where: _Where, flat: bool = False) -> list[dict[str, Any]]:
    """Survey rows -> question mappings; ``flat`` (a setting) drops group names from paths, as pyxform does."""
    questions: list[dict[str, Any]] = []
    stack: list[tuple[str, str, int]] = []  # (kind, name, index in questions where it began)
    loops: list[tuple[str, int, str]] = []  # (loop name, first question index, choice list)
    for row, rec in survey:
        text = str(rec.get("type", "")).strip()
        if not text:
            if rec.get("name") or any(k.startswith("label") for k in rec):
                raise where.error("a row with a name or label needs a type", "survey", row=row, column="type")
            continue
        m = BEGIN_END.match(text)
        if m:
            kind = {"lgroup": "repeat", "looped group": "repeat"}.get(m.group(2).lower(), m.group(2).lower())
            if m.group(1).lower() == "begin":
                if rec.get("name") is None:
                    raise where.error(f"begin {kind} needs a name", "survey", row=row, column="name")
                count = rec.get("repeat_count")
                if kind == "repeat" and isinstance(count, (int, float)) and not isinstance(count, bool):
                    # pyxform stores a fixed repeat count in a calculate NAME_count next to the repeat
                    counted = f"{_text(rec['name']).strip()}_count"
                    counter = {"id": counted, "type": "calculate", "label": counted,
                               "xlsform": {"calculation": _text(count)}}
                    outer = [n for k, n, _ in stack if not (flat and k == "group")]
                    if outer:
                        counter["group"] = "/".join(outer)
                    questions.append(counter)
                stack.append((kind, _text(rec["name"]).strip(), len(questions)))
                if kind == "loop":
                    if m.group(3) not in choice_lists:
                        raise where.error(f"loop over {m.group(3)!r}: no such choice list", "survey", row=row,
                                          column="type")
                    loops.append((_text(rec["name"]).strip(), len(questions), m.group(3)))
            else:
                if not stack:
                    raise where.error(f"end {kind} without a begin", "survey", row=row, column="type")
                began = stack.pop()
                if began[0] == "loop":
                    _unroll(questions, loops.pop(), choice_lists, [n for _, n, _ in stack])
            continue
        try:
            parsed = question_type(text)
        except ValueError as exc:
            raise where.error(str(exc), "survey", row=row, column="type") from None
        if parsed is None:
            continue
        qtype, list_name, or_other, raw_list = parsed
        if rec.get("name") is None:
            raise where.error("a question needs a name", "survey", row=row, column="name")
        name = _text(rec["name"]).strip()
        item: dict[str, Any] = {"id": name, "type": qtype, "xlsform": {},
                                "label": _translations(rec, "label", plain) or name}
        if list_name is not None:
            if list_name not in choice_lists:
                raise where.error(f"choice list {list_name!r} is not on the choices sheet", "survey", row=row,
                                  column="type")
            item["choices"] = list_name
            if or_other:
                _add_other(choice_lists, list_name, languages)
            if qtype == "select_one" and str(rec.get("appearance", "")).strip() == "likert":
                item["type"] = "likert"
        if raw_list is not None:
            item["xlsform"]["list"] = raw_list
        for kind in ("hint", "short"):
            translated = {code: t for code, t in _translations(rec, kind, plain).items() if t}
            if translated:
                item[kind] = translated
        if str(rec.get("required", "")).strip().lower() in ("yes", "true", "true()", "1"):
            item["required"] = True
        _relevant_and_range(item, rec)
        if str(rec.get("reverse", "")).strip().lower() in ("yes", "true", "1"):
            item["reverse"] = True
        if rec.get("role"):
            item["role"] = str(rec["role"]).strip()
        for column in _KEPT_COLUMNS:
            if rec.get(column) is not None and not (column == "appearance" and item["type"] == "likert"):
                item["xlsform"][column] = _text(rec[column])
        names = [n for k, n, _ in stack if not (flat and k == "group")]
        if names:
            item["group"] = "/".join(names)
        repeats = [i for i, (kind, _, _) in enumerate(stack) if kind == "repeat"]
        if repeats:
            item["repeat"] = "/".join(n for k, n, _ in stack[: repeats[-1] + 1] if not (flat and k == "group"))
        if not item["xlsform"]:
            del item["xlsform"]
        questions.append(item)
        if or_other:
            other = {"id": f"{name}_other", "type": "text", "label": {x: "Specify other." for x in languages},
                     "relevant": (f"${{{name}}} = 'other'" if qtype == "select_one"
                                  else f"selected(${{{name}}}, 'other')")}
            other.update({k: item[k] for k in ("group", "repeat") if k in item})
            questions.append(other)
    if stack:
        raise where.error(f"begin {stack[-1][0]} {stack[-1][1]!r} has no end {stack[-1][0]}", "survey",
                          column="type")
    _unique_ids(questions)
    _keep_unresolved_relevance(questions)
    return questions


def _unroll(questions: list[dict[str, Any]], loop: tuple[str, int, str],
            choice_lists: dict[str, list[dict[str, Any]]], outer: list[str]) -> None:
    """A loop repeats its questions once per choice, under ``loop/choice/`` (as pyxform does)."""
    name, first, list_name = loop
    body = questions[first:]
    del questions[first:]
    for choice in choice_lists[list_name]:
        for item in body:
            copy = {**item, "group": "/".join([*outer, name, choice["value"]])}
            questions.append(copy)


def _unique_ids(questions: list[dict[str, Any]]) -> None:
    """Names repeated in different groups (or loops) are told apart by their path."""
    counts: dict[str, int] = {}
    for q in questions:
        counts[q["id"]] = counts.get(q["id"], 0) + 1
    for q in questions:
        if counts[q["id"]] > 1 and q.get("group"):
            q["id"] = f"{q['group']}/{q['id']}"


def _keep_unresolved_relevance(questions: list[dict[str, Any]]) -> None:
    """Skip logic naming a row that is not a question here (a note, a group, metadata, a renamed loop
    question), or that cannot be read, cannot be evaluated: it is kept as written in ``xlsform`` instead."""
    from .relevance import RelevanceSyntaxError, compile_relevance

    ids = {q["id"] for q in questions}
    for q in questions:
        if "relevant" not in q:
            continue
        try:
            unresolved = any(r not in ids for r in compile_relevance(q["relevant"]).references)
        except RelevanceSyntaxError:  # e.g. the "other" answer's rule built from a question named ","
            unresolved = True
        if unresolved:
            q.setdefault("xlsform", {})["relevant"] = q.pop("relevant")
