"""KoboToolbox export (XLS or CSV, "XML values and headers").

Kobo writes group paths (``profile/group``), select_multiple answers as
space-separated values *and*, optionally, as one 0/1 column per option
(``profile/working_languages/fr``), and metadata columns starting with ``_``
(``_uuid``, ``_submission_time``, ``_index``...). Reference: KoboToolbox
documentation, "Exporting and downloading your data"
(https://support.kobotoolbox.org/export_download.html).
"""

from __future__ import annotations

from ...errors import InputFileError
from ...sources import register
from . import RawRow, RawSurvey
from .tabular import Sheet

NAME = "kobo"
IGNORED = {"start", "end", "today", "deviceid", "username", "simserial", "subscriberid", "phonenumber",
           "audit", "meta/instanceID", "meta/instanceName", "meta/deprecatedID", "formhub/uuid", "__version__"}
TRUE_VALUES = {"1", "true", "yes"}


def detect(sheet: Sheet, questionnaire) -> bool:
    return "_uuid" in sheet.header or "_submission_time" in sheet.header


@register("survey", NAME, detect=detect, suffixes=(".csv", ".xlsx"), stores="survey responses",
          recognised_by='`_uuid` or `_submission_time` columns',
          description=('KoboToolbox "XML values and headers": group paths (`section/question`), select_multiple'
                       ' as space-separated values or 0/1 option columns'))
def read(sheet: Sheet, questionnaire, shown: str) -> RawSurvey:
    by_id = {q.id: q for q in questionnaire.questions}
    direct: dict[int, str] = {}
    split: dict[int, tuple[str, str]] = {}
    for index, column in enumerate(sheet.header):
        if not column or column.startswith("_") or column in IGNORED:
            continue
        parts = column.split("/")
        if parts[-1] in by_id:
            direct[index] = parts[-1]
        elif len(parts) >= 2 and parts[-2] in by_id and by_id[parts[-2]].type == "select_multiple":
            question = by_id[parts[-2]]
            if parts[-1] not in questionnaire.choice_list(question).values():
                raise InputFileError(f"option {parts[-1]!r} is not in choice list {question.choices!r}", file=shown,
                                     row=1, column=column)
            split[index] = (question.id, parts[-1])
        else:
            raise InputFileError("unknown column; expected a question of the questionnaire (group paths like "
                                 "'group/question' are fine) or Kobo metadata", file=shown, row=1, column=column)
    position = {name: i for i, name in enumerate(sheet.header)}
    rows = []
    for number, values in zip(sheet.numbers, sheet.rows):
        answers = {qid: values[i] for i, qid in direct.items() if values[i] != ""}
        columns = {qid: sheet.header[i] for i, qid in direct.items()}
        chosen: dict[str, list[str]] = {}
        for i, (qid, option) in split.items():
            if qid in answers:  # the space-separated column wins when both are exported
                continue
            columns.setdefault(qid, sheet.header[i].rsplit("/", 1)[0])
            cell = values[i].strip().casefold()
            if cell in TRUE_VALUES:
                chosen.setdefault(qid, []).append(option)
            elif cell not in ("", "0", "false", "no"):
                raise InputFileError(f"expected 0 or 1 in an option column, got {values[i]!r}", file=shown,
                                     row=number, column=sheet.header[i])
            else:
                chosen.setdefault(qid, [])
        for qid, options in chosen.items():
            if options:
                answers[qid] = " ".join(options)
        uuid = values[position["_uuid"]] if "_uuid" in position else None
        submitted = values[position["_submission_time"]] if "_submission_time" in position else None
        rows.append(RawRow(number, answers, columns, uuid or None, submitted or None))
    return RawSurvey(NAME, rows)
