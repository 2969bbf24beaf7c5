"""Google Forms CSV ("Download responses (.csv)").

The first column is the time stamp (``Timestamp``, or ``Horodateur``,
``Marca temporal``... in other interface languages); the other headers are the
question texts, which we match against the question labels in every language
of the questionnaire. Grid questions come as ``Grid title [row text]`` and are
matched on the row text. Answers are choice labels, checkboxes joined by
``", "``; validation maps labels back to values. A collected ``Email address``
column is used only to link the respondent to private/participants.csv.
"""

from __future__ import annotations

import re

from ...errors import InputFileError
from ...normalise import text_key
from ...sources import register
from . import RawRow, RawSurvey
from .tabular import Sheet

NAME = "googleforms"
TIMESTAMPS = {"timestamp", "horodateur", "marca temporal", "carimbo de data/hora", "zeitstempel", "horodatage"}
EMAILS = {"email address", "adresse e-mail", "dirección de correo electrónico", "endereço de e-mail",
          "e-mail-adresse", "email"}
_GRID = re.compile(r"^.*\[(?P<row>[^\]]+)\]\s*$")


def _key(text: str) -> str:
    return text_key(text).rstrip(" ?:*")


def detect(sheet: Sheet, questionnaire) -> bool:
    return bool(sheet.header) and _key(sheet.header[0]) in TIMESTAMPS


@register("survey", NAME, detect=detect, suffixes=(".csv", ".xlsx"), stores="survey responses",
          recognised_by='first column `Timestamp` (or `Horodateur`, ...)',
          description=('Google Forms "Download responses": question texts in any language of the '
                       'questionnaire, grid rows `Title [item]`, checkbox labels joined by commas, a collected '
                       'e-mail for linkage only'))
def read(sheet: Sheet, questionnaire, shown: str) -> RawSurvey:
    labels: dict[str, str] = {}
    for q in questionnaire.questions:
        for text in [*q.label.values(), q.id]:
            labels.setdefault(_key(text), q.id)
    mapping: dict[int, str] = {}
    email_column = None
    for index, column in enumerate(sheet.header):
        key = _key(column)
        if index == 0 and key in TIMESTAMPS:
            continue
        if key in EMAILS:
            email_column = index
            continue
        qid = labels.get(key)
        if qid is None:
            grid = _GRID.match(column)
            qid = labels.get(_key(grid["row"])) if grid else None
        if qid is None:
            raise InputFileError("column header matches no question label in any language of the questionnaire",
                                 file=shown, row=1, column=column)
        if qid in mapping.values():
            raise InputFileError(f"two columns match question {qid!r}", file=shown, row=1, column=column)
        mapping[index] = qid
    rows = []
    for number, values in zip(sheet.numbers, sheet.rows):
        answers = {qid: values[i] for i, qid in mapping.items() if values[i] != ""}
        email = values[email_column] if email_column is not None and values[email_column] else None
        rows.append(RawRow(number, answers, {qid: sheet.header[i] for i, qid in mapping.items()},
                           None, values[0] or None, email))
    return RawSurvey(NAME, rows)
