"""Generic CSV/XLSX: one row per respondent, one column per question id.

Optional columns ``submission_id`` and ``submitted_at`` identify and date a
submission (used to keep the latest of duplicates). Any other column must be
a question id of the questionnaire.
"""

from __future__ import annotations

from ...errors import InputFileError
from ...sources import register
from . import RawRow, RawSurvey, normal_name
from .tabular import Sheet

NAME = "generic"
META = {"submissionid": "submission_id", "submittedat": "submitted_at"}


def detect(sheet: Sheet, questionnaire) -> bool:
    return True


@register("survey", NAME, detect=detect, priority=-100, suffixes=(".csv", ".xlsx"),
          stores="survey responses",
          recognised_by='anything the others do not claim (tried last)',
          description=('one column per question id (any case, `_` optional), optional `submission_id`, '
                       '`submitted_at`'))
def read(sheet: Sheet, questionnaire, shown: str) -> RawSurvey:
    ids = {normal_name(q.id): q.id for q in questionnaire.questions}
    mapping: dict[int, str] = {}
    meta: dict[int, str] = {}
    for index, column in enumerate(sheet.header):
        if not column:
            continue
        key = normal_name(column)
        if key in META:
            meta[index] = META[key]
        elif key in ids:
            mapping[index] = ids[key]
        else:
            raise InputFileError("unknown column; expected a question id of the questionnaire, submission_id or "
                                 "submitted_at", file=shown, row=1, column=column)
    if not mapping:
        raise InputFileError("no column matches a question id of the questionnaire", file=shown, row=1)
    rows = []
    for number, values in zip(sheet.numbers, sheet.rows):
        answers = {qid: values[i] for i, qid in mapping.items() if values[i] != ""}
        extra = {name: values[i] or None for i, name in meta.items()}
        rows.append(RawRow(number, answers, {qid: sheet.header[i] for i, qid in mapping.items()}, **extra))
    stamp = next((sheet.header[i] for i, name in meta.items() if name == "submitted_at"), None)
    return RawSurvey(NAME, rows, stamp_column=stamp)
