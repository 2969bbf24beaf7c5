"""KoboToolbox export (.xlsx or CSV; "XML values and headers" or "labels").

Kobo writes group paths (``profile/group``), select_multiple answers as
space-separated values *and*, optionally, as one 0/1 column per option
(``profile/working_languages/fr``), and its own columns: ``_id``, ``_uuid``,
``_submission_time``, ``_validation_status``, ``_notes``, ``_status``,
``_submitted_by``, ``__version__``, ``_tags``, ``_index``, ``$edited``,
``meta/...``, ``formhub/uuid``, ``start``, ``end``, ``today``, ``deviceid``
and, next to each geopoint, ``_<name>_latitude``/``_longitude``/
``_altitude``/``_precision``. Those are recognised and skipped; ``_uuid`` and
``_submission_time`` identify and date the submission, and a
``_validation_status`` other than approved is recorded as a note.

An .xlsx export holds one more sheet per repeat group; each row points to its
parent by ``_parent_table_name`` and ``_parent_index`` (the parent sheet's
``_index``), nested repeats to the repeat sheet above them. Every answer of
those rows is returned as a :class:`RepeatRow` linked to its submission's
file row. CSV exports are written with ``;`` between quoted cells. In a
"labels" export the headers are question labels (any language of the
questionnaire) and answers are choice labels, which validation maps back.
Reference: KoboToolbox documentation, "Exporting and downloading your data"
(https://support.kobotoolbox.org/export_download.html).
"""

from __future__ import annotations

import re

from ...errors import InputFileError
from ...sources import register
from . import RawRow, RawSurvey, RepeatRow
from .tabular import Sheet, closest, header_key

NAME = "kobo"
META_NAMES = {"start", "end", "today", "deviceid", "username", "simserial", "subscriberid", "phonenumber", "audit",
              "instanceid", "instancename", "deprecatedid", "rootuuid"}
META_GROUPS = {"meta", "formhub"}
_GEO_PART = re.compile(r"^_?(?P<name>.+)_(latitude|longitude|altitude|precision)$")
VALIDATION_NOTES = {"validation_status_not_approved": "not approved", "validation_status_on_hold": "on hold",
                    "not approved": "not approved", "on hold": "on hold"}
TRUE_VALUES = {"1", "true", "yes", "vrai", "oui", "sí", "si"}
FALSE_VALUES = {"", "0", "false", "no", "faux", "non"}


def detect(sheet: Sheet, questionnaire) -> bool:
    return "_uuid" in sheet.header or "_submission_time" in sheet.header


def is_metadata(column: str, header: list[str]) -> bool:
    """Whether ``column`` is one of Kobo's own columns rather than a question (see the module docstring)."""
    parts = column.split("/")
    last = parts[-1]
    if last.startswith(("_", "$")) or parts[0] in META_GROUPS:
        return True
    if len(parts) == 1 and last.casefold() in META_NAMES:
        return True
    geo = _GEO_PART.match(last)  # a geopoint part written without the leading "_"
    return bool(geo) and any(h.split("/")[-1] == geo["name"] for h in header)


class _Columns:
    """Maps headers to question ids by name (XML headers) or by label in any language (labels export)."""

    def __init__(self, questionnaire):
        self.questionnaire = questionnaire
        self.by_id = {q.id: q for q in questionnaire.questions}
        self.by_label: dict[str, str] = {}
        for q in questionnaire.questions:
            for text in q.label.values():
                self.by_label.setdefault(header_key(text), q.id)

    def question(self, part: str) -> str | None:
        return part if part in self.by_id else self.by_label.get(header_key(part))

    def option(self, qid: str, part: str) -> str | None:
        question = self.by_id[qid]
        if question.type != "select_multiple":
            return None
        choices = self.questionnaire.choice_list(question)
        if part in choices.values():
            return part
        for choice in choices.choices:  # a "labels" export names the option by its label
            if any(header_key(label) == header_key(part) for label in choice.label.values()):
                return choice.value
        return None

    def map(self, column: str) -> tuple[str, str | None] | None:
        """(question id, option or None) for a header, or None when it names no question."""
        whole = self.by_label.get(header_key(column))
        if whole:
            return whole, None
        parts = column.split("/")
        qid = self.question(parts[-1])
        if qid:
            return qid, None
        if len(parts) >= 2:
            parent = self.question(parts[-2])
            option = self.option(parent, parts[-1]) if parent else None
            if option:
                return parent, option
        return None


@register("survey", NAME, detect=detect, suffixes=(".csv", ".xlsx"), stores="survey responses",
          recognised_by='`_uuid` or `_submission_time` columns',
          description=('KoboToolbox "XML values and headers" or "labels" (.xlsx or `;` CSV): group paths '
                       '(`section/question`), select_multiple as space-separated values or 0/1 option columns, '
                       'Kobo metadata and geopoint parts skipped, repeat-group sheets kept as repeat rows'))
def read(sheet: Sheet, questionnaire, shown: str) -> RawSurvey:
    columns = _Columns(questionnaire)
    direct: dict[int, str] = {}
    split: dict[int, tuple[str, str]] = {}
    for index, column in enumerate(sheet.header):
        if not column:
            continue
        found = columns.map(column)
        if found is None and is_metadata(column, sheet.header):
            continue
        if found is None:
            hint = closest(column.split("/")[-1], [*columns.by_id, *(t for q in questionnaire.questions
                                                                     for t in q.label.values())])
            raise InputFileError("unknown column; expected a question of the questionnaire (group paths like "
                                 "'group/question' are fine) or Kobo metadata"
                                 + (f"; did you mean {hint!r}?" if hint else ""), file=shown, row=1, column=column)
        qid, option = found
        if option is None:
            if qid in direct.values():
                raise InputFileError(f"two columns match question {qid!r}", file=shown, row=1, column=column)
            direct[index] = qid
        else:
            split[index] = (qid, option)
    position = {name: i for i, name in enumerate(sheet.header)}
    rows = [_row(number, values, sheet.header, position, direct, split, shown)
            for number, values in zip(sheet.numbers, sheet.rows)]
    return RawSurvey(NAME, rows, _repeats(sheet, position, columns), stamp_column="_submission_time")


def _row(number: int, values: list[str], header: list[str], position: dict[str, int], direct: dict[int, str],
         split: dict[int, tuple[str, str]], shown: str) -> RawRow:
    answers = {qid: values[i] for i, qid in direct.items() if values[i] != ""}
    columns = {qid: header[i] for i, qid in direct.items()}
    chosen: dict[str, list[str]] = {}
    for i, (qid, option) in split.items():
        if qid in answers:  # the space-separated column wins when both are exported
            continue
        columns.setdefault(qid, header[i].rsplit("/", 1)[0])
        cell = values[i].strip().casefold()
        if cell in TRUE_VALUES:
            chosen.setdefault(qid, []).append(option)
        elif cell not in FALSE_VALUES:
            raise InputFileError(f"expected 0 or 1 in an option column, got {values[i]!r}", file=shown,
                                 row=number, column=header[i])
        else:
            chosen.setdefault(qid, [])
    for qid, options in chosen.items():
        if options:
            answers[qid] = " ".join(options)

    def meta(name: str) -> str | None:
        return (values[position[name]] or None) if name in position else None

    status = (meta("_validation_status") or "").strip().casefold()
    note = (f"KoboToolbox validation status: {VALIDATION_NOTES[status]} (response kept)"
            if status in VALIDATION_NOTES else None)
    return RawRow(number, answers, columns, meta("_uuid"), meta("_submission_time"), note=note)


def _repeats(sheet: Sheet, position: dict[str, int], columns: _Columns) -> list[RepeatRow]:
    """Every answer in the repeat sheets, linked to the main sheet's file row through ``_parent_index`` chains."""
    main_rows: dict[str, int] = {}
    if "_index" in position:
        main_rows = {values[position["_index"]]: number for number, values in zip(sheet.numbers, sheet.rows)}
    repeat_sheets = {name: other for name, other in sheet.others.items()
                     if "_parent_index" in other.header and "_index" in other.header}
    parent_of: dict[tuple[str, str], tuple[str | None, str]] = {}
    for name, other in repeat_sheets.items():
        at = {h: i for i, h in enumerate(other.header)}
        for values in other.rows:
            table = values[at["_parent_table_name"]] if "_parent_table_name" in at else None
            parent_of[(name, values[at["_index"]])] = (table if table in repeat_sheets else None,
                                                       values[at["_parent_index"]])

    def submission_row(name: str, index: str) -> int | None:
        seen = set()
        key: tuple[str | None, str] = (name, index)
        while key[0] is not None and key not in seen:
            seen.add(key)
            if key not in parent_of:
                return None
            key = parent_of[key]
        return main_rows.get(key[1]) if key[0] is None else None

    found = []
    for name, other in repeat_sheets.items():
        at = {h: i for i, h in enumerate(other.header)}
        answer_columns = []
        for i, column in enumerate(other.header):
            if not column or is_metadata(column, other.header):
                continue
            mapped = columns.map(column)
            qid = (mapped[0] if mapped[1] is None else f"{mapped[0]}/{mapped[1]}") if mapped else column.split("/")[-1]
            answer_columns.append((i, qid))
        for number, values in zip(other.numbers, other.rows):
            parent = submission_row(name, values[at["_index"]])
            for i, qid in answer_columns:
                if values[i] != "":
                    found.append(RepeatRow(parent, name, number, qid, values[i]))
            if not any(values[i] != "" for i, _ in answer_columns):  # an empty repeat row still counts
                found.append(RepeatRow(parent, name, number, "", ""))
    return found
