"""Qualtrics "Download data" exports (CSV, or Excel .xlsx).

Header rows: (1) column names - metadata (``StartDate``, ``Status``,
``ResponseId``, ``RecordedDate``...) and the questions' export tags
(``Q1``, matrix rows ``Q5_1``, or names the team gave, ``trust_1``); (2) the
question texts, matrix rows as ``Question - Statement``; (3) ImportId JSON,
``{"ImportId":"QID1"}`` or ``{"ImportId":"startDate","timeZone":"..."}``.
CSV exports have all three; a file with only the first two is read too.

A column is a question of the questionnaire when its name is a question id
(case, ``_`` and spaces ignored), its ImportId is one (``QID5``), or its
question text, or the statement after `` - ``, is a question label in any
language of the questionnaire. "Split multi-value fields" columns
(ImportId with ``choiceId``) are read back into one select_multiple answer.
Answers are choice texts ("Use choice text") or recode values ("Use numeric
values"); validation accepts both, so numeric codes must be the
questionnaire's choice values.

Not answers and never read: IP address, location, recipient names,
durations, display order (``_DO``), timing and Text iQ columns, Qualtrics'
``Q_`` fields, and embedded data whose name is no question id. Used:
``ResponseId`` (submission id), ``RecordedDate`` (submission time),
``ExternalReference`` (the participant key, e.g. the invitation code, when
the questionnaire has one and it was not asked), ``RecipientEmail`` (linkage
only, never stored). Rows whose ``Status`` is a survey preview, a test or
spam are recorded as row rejects, not stored; ``Finished`` = false rows are
kept with a note. Reference: Qualtrics support, "Understanding Your
Dataset" (https://www.qualtrics.com/support/survey-platform/data-and-analysis-module/data/download-data/understanding-your-dataset/).
"""

from __future__ import annotations

import json
import re

from ...errors import InputFileError
from ...normalise import text_key
from ...sources import register
from . import RawRow, RawSurvey, normal_name
from .tabular import Sheet

NAME = "qualtrics"
# ImportId (or, without the ImportId row, the column name) of each metadata column -> what we use it for.
METADATA = {"startdate": None, "enddate": None, "status": "status", "ipaddress": None, "progress": "progress",
            "duration": None, "durationinseconds": None, "finished": "finished", "recordeddate": "submitted_at",
            "recordid": "submission_id", "responseid": "submission_id", "recipientlastname": None,
            "recipientfirstname": None, "recipientemail": "email", "externalreference": "participant_key",
            "externaldatareference": "participant_key", "locationlatitude": None, "locationlongitude": None,
            "distributionchannel": "channel", "userlanguage": None}
# Status codes and labels of responses that are no respondent's answer (Qualtrics' "Response Type").
NOT_RESPONSES = {"1": "Survey Preview", "2": "Survey Test", "8": "Spam", "9": "Survey Preview Spam",
                 "12": "Imported Spam", "17": "Offline Survey Preview", "40": "EX Spam"}
NOT_CHANNELS = {"preview", "test"}
FALSE = {"0", "false", "no"}
# Columns Qualtrics adds around answers: display order, timing, Text iQ, its own Q_ fields.
_AUXILIARY = re.compile(r"(^Q_)|(_DO(_|$))|(_(FIRST_CLICK|LAST_CLICK|PAGE_SUBMIT|CLICK_COUNT)$)|(_TEXT_.+)|"
                        r"(_(First Click|Last Click|Page Submit|Click Count)$)|( - (Parent Topics|Topics|Sentiment"
                        r"( Polarity| Score)?|Actionability|Effort|Emotion( Intensity)?)$)", re.IGNORECASE)
_IMPORT_ID = re.compile(r'^\{\s*"ImportId"\s*:')


def _import_row(sheet: Sheet) -> int | None:
    """Index in ``sheet.rows`` of the ImportId header row, or None when the export has none."""
    for index, row in enumerate(sheet.rows[:2]):
        if any(_IMPORT_ID.match(cell) for cell in row):
            return index
    return None


def _json(cell: str) -> dict:
    try:
        value = json.loads(cell) if cell else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def detect(sheet: Sheet, questionnaire) -> bool:
    names = {normal_name(h) for h in sheet.header}
    return _import_row(sheet) is not None or {"responseid", "recordeddate", "status"} <= names


def _key(text: str) -> str:
    return text_key(text).rstrip(" ?:*")


class _Columns:
    """What each column of the export is: metadata, an answer, one option of a select_multiple, or skipped."""

    def __init__(self, sheet: Sheet, questionnaire, shown: str) -> None:
        self.questionnaire = questionnaire
        import_row = _import_row(sheet)
        if import_row is not None:
            texts = sheet.rows[0] if import_row == 1 else []
            import_ids = [_json(cell) for cell in sheet.rows[import_row]]
            self.header_rows = 1 + import_row + 1
        else:  # two header rows, unless the row below the names is already a response (ResponseId R_...)
            response_id = next((i for i, h in enumerate(sheet.header) if normal_name(h) == "responseid"), None)
            first = sheet.rows[0] if sheet.rows else []
            has_texts = bool(first) and not (response_id is not None and re.fullmatch(r"R_\w+", first[response_id]))
            texts = first if has_texts else []
            import_ids = []
            self.header_rows = 1 + has_texts
        texts = texts + [""] * (len(sheet.header) - len(texts))
        import_ids = import_ids + [{}] * (len(sheet.header) - len(import_ids))
        self.by_id = {normal_name(q.id): q for q in questionnaire.questions}
        self.by_label: dict[str, object] = {}
        for q in questionnaire.questions:
            for label in q.label.values():
                self.by_label.setdefault(_key(label), q)
        self.meta: dict[str, int] = {}
        self.answers: dict[int, str] = {}
        self.options: dict[int, tuple[str, str | None]] = {}  # column -> (question id, option value or None)
        for index, column in enumerate(sheet.header):
            if not column:
                continue
            info = import_ids[index]
            ident = str(info.get("ImportId", ""))
            role_key = normal_name(ident) if ident else normal_name(column)
            if role_key in METADATA:
                role = METADATA[role_key]
                if role:
                    self.meta.setdefault(role, index)
                continue
            text = texts[index]
            question = self._question(column, ident, text)
            if question is not None and "choiceId" not in info:
                self._answer(index, question.id, shown, column)
                continue
            option = self._option(column, ident, info, text)
            if option is not None:
                self.options[index] = option
                continue
            if _AUXILIARY.search(column) or _AUXILIARY.search(ident) or _AUXILIARY.search(text or ""):
                continue
            if (ident and not ident.upper().startswith("QID")) or (not ident and text == column):
                # Embedded data that names no question (panel ids, URL parameters): not read. Without the
                # ImportId row it is told apart by its second header row, which repeats its name.
                continue
            if re.search(r"_\d+_TEXT$", ident or column, re.IGNORECASE):
                continue  # the text typed next to a choice ("Other, please specify") of an unmapped option
            raise InputFileError("column matches no question of the questionnaire (by id, Qualtrics export tag or "
                                 "QID, or question text in any language)", file=shown, row=1, column=column)
        if not self.answers and not self.options:
            raise InputFileError("no column matches a question of the questionnaire", file=shown, row=1)

    def _answer(self, index: int, qid: str, shown: str, column: str) -> None:
        if qid in self.answers.values():
            raise InputFileError(f"two columns match question {qid!r}", file=shown, row=1, column=column)
        self.answers[index] = qid

    def _question(self, column: str, ident: str, text: str):
        for name in (column, re.sub(r"_TEXT$", "", ident, flags=re.IGNORECASE)):
            if name and normal_name(name) in self.by_id:
                return self.by_id[normal_name(name)]
        # Qualtrics adds " - Selected Choice" to a question that has a text-entry option.
        text = re.sub(r" - Selected Choice$", "", text or "")
        if text:
            if _key(text) in self.by_label:
                return self.by_label[_key(text)]
            # Matrix rows, "Question text - Statement": the statement is the item's label.
            for match in re.finditer(r" - ", text):
                found = self.by_label.get(_key(text[match.end():]))
                if found is not None:
                    return found
        return None

    def _option(self, column: str, ident: str, info: dict, text: str) -> tuple[str, str | None] | None:
        """A "split multi-value fields" column: (select_multiple question id, option value if known)."""
        split = re.fullmatch(r"(?P<base>.+)_(?P<choice>\d+)", column)
        if "choiceId" not in info and split is None:
            return None
        question = self._question(split["base"] if split else column, ident, "")
        label = text.rsplit(" - ", 1)
        if question is None and len(label) == 2:
            question = self._question("", "", label[0])
        if question is None or question.type != "select_multiple":
            return None
        choices = self.questionnaire.choice_list(question).choices
        wanted = [_key(label[-1])] if len(label) == 2 else []
        wanted.append(_key(str(info.get("choiceId", ""))))
        for choice in choices:
            if any(w and (w == _key(choice.value) or w in {_key(t) for t in choice.label.values()}) for w in wanted):
                return question.id, choice.value
        return question.id, None  # the cell itself says which option (its choice text or value)


@register("survey", NAME, detect=detect, suffixes=(".csv", ".xlsx"), stores="survey responses",
          recognised_by='the `{"ImportId": ...}` header row, or `ResponseId`, `RecordedDate` and `Status` columns',
          description=("Qualtrics \"Download data\" (three header rows: names, question texts, ImportId): export "
                       "tags or QIDs, question texts in any language, matrix rows `Q5_1`, choice texts or recode "
                       "values; previews, tests and spam rejected, unfinished responses noted"))
def read(sheet: Sheet, questionnaire, shown: str) -> RawSurvey:
    columns = _Columns(sheet, questionnaire, shown)
    meta = columns.meta
    key_question = questionnaire.participant_key
    rows = []
    skip = columns.header_rows - 1  # header rows after the first are rows of the sheet
    for number, values in zip(sheet.numbers[skip:], sheet.rows[skip:]):
        def cell(role: str) -> str:
            return values[meta[role]].strip() if role in meta else ""

        answers = {qid: values[i] for i, qid in columns.answers.items() if values[i] != ""}
        where = {qid: sheet.header[i] for i, qid in columns.answers.items()}
        for i, (qid, option) in columns.options.items():
            chosen = values[i].strip()
            where.setdefault(qid, sheet.header[i].rsplit("_", 1)[0])
            if chosen and chosen.casefold() not in FALSE and qid not in columns.answers.values():
                answers[qid] = (answers.get(qid, "") + "," + (option or chosen)).lstrip(",")
        if key_question and key_question not in answers and cell("participant_key"):
            answers[key_question] = cell("participant_key")
            where[key_question] = sheet.header[meta["participant_key"]]
        row = RawRow(number, answers, where, cell("submission_id") or None, cell("submitted_at") or None,
                     cell("email") or None)
        status = cell("status")
        if status in NOT_RESPONSES or any(w in status.casefold() for w in ("preview", "test", "spam")):
            row.excluded = (f"not a respondent's answer: Qualtrics Status {NOT_RESPONSES.get(status, status)!r} "
                            "(preview, test or spam)")
        elif cell("channel").casefold() in NOT_CHANNELS:
            row.excluded = f"not a respondent's answer: Qualtrics DistributionChannel {cell('channel')!r}"
        elif cell("finished").casefold() in FALSE:
            progress = f", Progress {cell('progress')}%" if cell("progress") else ""
            row.note = f"unfinished response (Qualtrics Finished = {cell('finished')}{progress}); kept"
        rows.append(row)
    stamp = sheet.header[meta["submitted_at"]] if "submitted_at" in meta else None
    return RawSurvey(NAME, rows, stamp_column=stamp)
