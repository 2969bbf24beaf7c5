"""Google Forms CSV ("Download responses (.csv)").

The first column is the time stamp (``Timestamp``, or ``Horodateur``,
``Marca temporal``... in other interface languages); the other headers are the
question texts, which we match against the question labels in every language
of the questionnaire, tolerating typographic quotes (’ “ ”), case, spaces and
trailing punctuation. Grid questions come as ``Grid title [row text]`` and are
matched on the row text. Answers are choice labels, checkboxes joined by
``", "``; validation maps labels back to values. A collected ``Email address``
column is used only to link the respondent to private/participants.csv.

Time stamps are written in the form owner's locale: ``11/25/2026 14:03:12``
(English, month first), ``25/11/2026 14:03:12`` (French, Spanish,
Portuguese: day first), ``25.11.2026 14:03:12`` (German). The order is read
from the data (a first number above 12 means day first, a second one above 12
month first); when no value decides it, from the source's ``date_order:`` in
study.yaml, then from the language of the time stamp header (``Horodateur``:
day first; the English ``Timestamp`` decides nothing, since British English
writes day first and US English month first). They are stored as ISO 8601 by
:mod:`.stamps`, so the latest of duplicate submissions is the right one.
"""

from __future__ import annotations

import re

from ...errors import InputFileError
from ...sources import register
from . import RawRow, RawSurvey
from .tabular import Sheet, closest, header_key

NAME = "googleforms"
# Time stamp header per interface language -> the date order Google Forms writes in that language. English
# decides nothing: US English writes month first, British and most other English locales day first.
TIMESTAMPS = {"timestamp": None, "horodateur": "dmy", "horodatage": "dmy", "marca temporal": "dmy",
              "carimbo de data/hora": "dmy", "zeitstempel": "dmy", "informazioni cronologiche": "dmy",
              "tijdstempel": "dmy", "sello de tiempo": "dmy"}
EMAILS = {"email address", "adresse e-mail", "dirección de correo electrónico", "endereço de e-mail",
          "e-mail-adresse", "email", "indirizzo email"}
_GRID = re.compile(r"^.*\[(?P<row>[^\]]+)\]\s*$")
_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})
CHOICE_TYPES = ("select_one", "select_multiple", "likert")


def detect(sheet: Sheet, questionnaire) -> bool:
    return bool(sheet.header) and header_key(sheet.header[0]) in TIMESTAMPS


@register("survey", NAME, detect=detect, suffixes=(".csv", ".xlsx"), stores="survey responses",
          recognised_by='first column `Timestamp` (or `Horodateur`, ...)',
          description=('Google Forms "Download responses": question texts in any language of the '
                       'questionnaire, grid rows `Title [item]`, checkbox labels joined by commas, a collected '
                       'e-mail for linkage only'))
def read(sheet: Sheet, questionnaire, shown: str) -> RawSurvey:
    labels: dict[str, str] = {}
    for q in questionnaire.questions:
        for text in [*q.label.values(), q.id]:
            labels.setdefault(header_key(text), q.id)
    mapping: dict[int, str] = {}
    email_column = None
    for index, column in enumerate(sheet.header):
        key = header_key(column)
        if index == 0 and key in TIMESTAMPS:
            continue
        if key in EMAILS:
            email_column = index
            continue
        qid = labels.get(key)
        if qid is None:
            grid = _GRID.match(column)
            qid = labels.get(header_key(grid["row"])) if grid else None
        if qid is None:
            hint = closest(column, [t for q in questionnaire.questions for t in q.label.values()])
            raise InputFileError("column header matches no question label in any language of the questionnaire"
                                 + (f"; closest question: {hint!r}" if hint else ""),
                                 file=shown, row=1, column=column)
        if qid in mapping.values():
            raise InputFileError(f"two columns match question {qid!r}", file=shown, row=1, column=column)
        mapping[index] = qid
    choice = {qid for qid in mapping.values() if questionnaire.question(qid).type in CHOICE_TYPES}
    rows = []
    for number, values in zip(sheet.numbers, sheet.rows):
        # A label retyped with typographic quotes (Plutôt d’accord) is the same choice; free text stays as written.
        answers = {qid: values[i].translate(_QUOTES) if qid in choice else values[i]
                   for i, qid in mapping.items() if values[i] != ""}
        email = values[email_column] if email_column is not None and values[email_column] else None
        rows.append(RawRow(number, answers, {qid: sheet.header[i] for i, qid in mapping.items()},
                           None, values[0] or None, email))
    # Time stamps are made ISO by read_survey (stamps.settle_stamps), in the order the data, study.yaml or the
    # header's language decides.
    hint = TIMESTAMPS.get(header_key(sheet.header[0])) if sheet.header else None
    return RawSurvey(NAME, rows, stamp_column=sheet.header[0] if sheet.header else None, date_hint=hint)
