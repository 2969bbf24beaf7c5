"""Checking every raw answer against its question, and linking respondents.

Input: a :class:`RawSurvey` from a reader. Output: :class:`CleanResponse`
records holding canonical text values, and :class:`Reject` records for every
value or row that was not stored as given, with its row, column and reason.
Nothing is dropped silently: a value that fails its check is kept (redacted)
in the rejects with the reason; the response itself is kept.

Order of checks per value: type and choice list, then range (``min``/``max``);
then per response: skip logic (an answer to a question that should not have
been asked is rejected), required answers, and finally duplicates (the latest
submission of a respondent is kept, the others are recorded).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Callable

from ..instrument.questionnaire import Question, Questionnaire
from ..privacy import Participants, pseudonym
from ..safeinput import CONTROL, describe_controls, replace_controls, strict_float
from .readers import RawRow, RawSurvey

VALUE, ROW, NOTE = "value", "row", "note"


@dataclass
class Reject:
    """A value or row not stored as given (``kind`` value/row), or a note on a stored response."""

    row: int
    column: str | None
    value: str | None
    reason: str
    kind: str = VALUE


@dataclass
class CleanResponse:
    row: int
    participant_id: str
    listed: bool
    group: str | None
    submission_id: str | None
    submitted_at: str | None
    answers: dict[str, str] = field(default_factory=dict)
    status: str = "kept"


class _Invalid(ValueError):
    pass


class _Rejects(list):
    """The rejects list, indexed by (row, column) as it grows.

    Each missing required answer asks whether its cell already has a reject;
    scanning the whole list for that was quadratic in messy exports. Only
    ``append`` updates the index (validation never adds otherwise);
    :func:`validate_survey` hands its callers a plain list.
    """

    def __init__(self, items=()) -> None:
        super().__init__()
        self.cells: set[tuple[int, str | None]] = set()
        for item in items:
            self.append(item)

    def append(self, reject: Reject) -> None:
        super().append(reject)
        self.cells.add((reject.row, reject.column))


def _choice_lookup(questionnaire: Questionnaire, question: Question) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for choice in questionnaire.choice_list(question).choices:
        lookup.setdefault(choice.value, choice.value)
        lookup.setdefault(choice.value.casefold(), choice.value)
        for label in choice.label.values():
            lookup.setdefault(" ".join(label.split()).casefold(), choice.value)
    return lookup


def _number_text(raw: str) -> str:
    return raw.strip().replace("\u00a0", "").replace(" ", "")


def parse_value(questionnaire: Questionnaire, question: Question, raw: str,
                lookups: dict[str, dict[str, str]]) -> str:
    """Canonical text of ``raw`` for ``question``; raises ``ValueError`` with the reason."""
    text = raw.strip()
    if question.type in ("select_one", "likert"):
        lookup = lookups[question.id]
        key = text[:-2] if re.fullmatch(r"\d+\.0", text) else text
        value = lookup.get(key) or lookup.get(" ".join(key.split()).casefold())
        if value is None:
            allowed = ", ".join(questionnaire.choice_list(question).values())
            raise _Invalid(f"expected one of {allowed}")
        return value
    if question.type == "select_multiple":
        lookup = lookups[question.id]
        parts = text.split()
        if not all(p in lookup for p in parts):  # labels joined by commas (Google Forms, label exports)
            parts = [p.strip() for p in re.split(r"[,;]\s*", text) if p.strip()]
        values = []
        for part in parts:
            value = lookup.get(part) or lookup.get(" ".join(part.split()).casefold())
            if value is None:
                raise _Invalid(f"{part!r} is not in choice list {question.choices!r}")
            if value not in values:
                values.append(value)
        return " ".join(values)
    if question.type == "integer":
        number_text = _number_text(text)
        # ASCII digits only, and not too many: int() would read "١٢" and a 5,000-digit string cannot be printed
        if not re.fullmatch(r"[+-]?[0-9]{1,18}(\.0+)?", number_text):
            raise _Invalid("expected a whole number")
        whole = int(number_text.split(".")[0])
        _check_range(question, whole)
        return str(whole)
    if question.type == "decimal":
        number_text = _number_text(text).replace(",", ".")
        try:  # strict: float() would read "1_0" as 10, and "inf" or "1e309" as infinity
            number = strict_float(number_text)
        except ValueError:
            raise _Invalid("expected a number") from None
        _check_range(question, number)
        return repr(number) if not number.is_integer() else str(int(number))
    if question.type == "date":
        return _parse_date(text)
    return text  # free text; redacted by the caller


def _check_range(question: Question, number: float) -> None:
    if question.min is not None and number < question.min:
        raise _Invalid(f"out of range: below the minimum {question.min:g}")
    if question.max is not None and number > question.max:
        raise _Invalid(f"out of range: above the maximum {question.max:g}")


def _parse_date(text: str) -> str:
    for candidate in (text, text[:10]):
        try:
            return date.fromisoformat(candidate).isoformat()
        except ValueError:
            pass
    for fmt in ("%d/%m/%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            pass
    raise _Invalid("expected a date as YYYY-MM-DD (or DD/MM/YYYY)")


def _typed(question: Question, value: str) -> Any:
    if question.type in ("integer", "decimal"):
        return float(value)
    if question.type == "likert":
        try:
            return float(value)
        except ValueError:
            return value
    return value


def validate_survey(raw: RawSurvey, questionnaire: Questionnaire, participants: Participants, key: bytes,
                    groups: list[str], redact: Callable[[str], str], source_name: str
                    ) -> tuple[list[CleanResponse], list[Reject]]:
    """Validate and link every row of ``raw``; see the module docstring for the rules."""
    lookups = {q.id: _choice_lookup(questionnaire, q) for q in questionnaire.questions
               if q.type in ("select_one", "select_multiple", "likert")}
    emails = {p.email.casefold(): p for p in participants.people if p.email}
    responses: list[CleanResponse] = []
    rejects = _Rejects(Reject(row, column, None, why, NOTE) for row, column, why in raw.notes)
    by_id = {q.id: q for q in questionnaire.questions}  # questionnaire.question() rebuilds this dict per call
    for raw_row in raw.rows:
        if raw_row.excluded:  # not a respondent's answer (a survey tool's test run): recorded, never stored
            rejects.append(Reject(raw_row.row, None, None, raw_row.excluded, ROW))
            continue
        if raw_row.note:
            rejects.append(Reject(raw_row.row, None, None, raw_row.note, NOTE))
        response = _validate_row(raw_row, questionnaire, by_id, lookups, redact, rejects)
        _link(raw_row, response, questionnaire, participants, emails, key, groups, source_name, rejects)
        responses.append(response)
    _mark_duplicates(responses, rejects)
    return responses, list(rejects)


def _validate_row(raw_row: RawRow, questionnaire: Questionnaire, by_id: dict[str, Question],
                  lookups: dict[str, dict[str, str]], redact: Callable[[str], str], rejects: _Rejects
                  ) -> CleanResponse:
    answers: dict[str, str] = {}
    for qid, raw_value in raw_row.answers.items():
        question = by_id[qid]
        if CONTROL.search(raw_value):  # XML (the report) cannot hold them: replaced, and noted
            rejects.append(Reject(raw_row.row, raw_row.columns.get(qid, qid), None,
                                  f"control character(s) ({describe_controls(raw_value)}) replaced: U+000B and U+000C "
                                  "by a line break, others by U+FFFD", NOTE))
            raw_value = replace_controls(raw_value)[0]
        try:
            value = parse_value(questionnaire, question, raw_value, lookups)
        except ValueError as exc:
            rejects.append(Reject(raw_row.row, raw_row.columns.get(qid, qid), redact(raw_value), str(exc)))
            continue
        # phone (XLSForm "phone number", kept raw) identifies a person like free text can
        personal = question.type in ("text", "phone") and qid != questionnaire.participant_key
        answers[qid] = redact(value) if personal else value
    typed = {qid: _typed(by_id[qid], v) for qid, v in answers.items()}
    for question in questionnaire.questions:  # questionnaire order, so earlier answers decide later relevance
        relevant = question.relevance(typed) if question.relevance else True
        if not relevant and question.id in answers:
            rejects.append(Reject(raw_row.row, raw_row.columns.get(question.id, question.id),
                                  redact(answers.pop(question.id)),
                                  f"answered although the skip logic ({question.relevant}) says it was not asked"))
            typed.pop(question.id, None)
        elif (relevant and question.required and question.id not in answers
              and (raw_row.row, raw_row.columns.get(question.id, question.id)) not in rejects.cells):
            rejects.append(Reject(raw_row.row, raw_row.columns.get(question.id, question.id), None,
                                  "required answer missing (response kept)", NOTE))
    return CleanResponse(raw_row.row, "", False, None, raw_row.submission_id, raw_row.submitted_at, answers)


def _link(raw_row: RawRow, response: CleanResponse, questionnaire: Questionnaire, participants: Participants,
          emails: dict[str, Any], key: bytes, groups: list[str], source_name: str, rejects: list[Reject]) -> None:
    code = response.answers.pop(questionnaire.participant_key, None) if questionnaire.participant_key else None
    code = code or raw_row.invitation_code  # a survey tool's own code (LimeSurvey token) without a key question
    person = participants.by_invitation_code(code) if code else None
    if person is None and raw_row.email:
        person = emails.get(raw_row.email.strip().casefold())
    if person is not None:
        response.participant_id, response.listed = person.participant_id, True
    else:
        identity = f"code:{code.strip().casefold()}" if code else f"submission:{source_name}:{raw_row.submission_id or raw_row.row}"
        response.participant_id = pseudonym(key, identity, prefix="U")
        reason = ("invitation code not found in private/participants.csv" if code else
                  "no invitation code") + "; stored under a keyed pseudonym, not linked to interviews or chats"
        rejects.append(Reject(raw_row.row, questionnaire.participant_key, None, reason, NOTE))
    group = response.answers.get(questionnaire.group_question) if questionnaire.group_question else None
    if group is not None and group not in groups:
        rejects.append(Reject(raw_row.row, questionnaire.group_question, group,
                              f"group {group!r} is not defined in study.yaml (groups: {', '.join(groups)})"))
        response.answers.pop(questionnaire.group_question)
        group = None
    if group is None and person is not None and person.group in groups:
        group = person.group
    if group is None and len(groups) == 1:
        group = groups[0]  # a one-group study: every respondent is in it
    response.group = group


def _mark_duplicates(responses: list[CleanResponse], rejects: list[Reject]) -> None:
    import pandas as pd

    by_person: dict[str, list[CleanResponse]] = {}
    for response in responses:
        by_person.setdefault(response.participant_id, []).append(response)
    for group in by_person.values():
        if len(group) < 2:
            continue
        times = pd.to_datetime(pd.Series([r.submitted_at for r in group], dtype="object"), errors="coerce",
                               utc=True, format="mixed")
        order = sorted(range(len(group)), key=lambda i: (times.iloc[i] if pd.notna(times.iloc[i])
                                                         else pd.Timestamp.min.tz_localize("UTC"), group[i].row))
        latest = group[order[-1]]
        for i in order[:-1]:
            group[i].status = "duplicate"
            rejects.append(Reject(group[i].row, None, None,
                                  f"duplicate submission of the same respondent; the later one in row {latest.row} "
                                  "is used", ROW))
