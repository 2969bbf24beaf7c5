"""LimeSurvey CSV export ("question code" or "full question text" headings; answer codes or full answers).

LimeSurvey question codes are letters and digits only, so ``trust_1`` is
matched as ``trust1``. Multiple-choice answers come as one column per option,
``wapurposes[coordination]``, holding ``Y`` when chosen. An array question
whose sub-question codes equal our item ids (``trust[trust1]``) is read item by
item. The ``token`` column, if present, is the participant's invitation code.
With "full question text" headings the metadata columns are named in words
(``Response ID``, ``Date submitted``, ``Last page``...) and the questions by
their text, sub-questions as ``Question text [Option or item text]``; they
are matched to the question labels in any language, and multiple-choice cells
hold ``Yes`` instead of ``Y`` when answers are exported in full.
The VV export (``vvexport_<sid>.csv``: tab-separated, a row of question texts
above the row of codes, ``CODE_SUB`` for sub-questions, ``{question_not_shown}``
for questions not shown) is read through :func:`unwrap_vv`.
Reference: LimeSurvey manual, "Exporting results"
(https://manual.limesurvey.org/Exporting_results).
"""

from __future__ import annotations

import re

from ...errors import InputFileError
from ...sources import register
from . import RawRow, RawSurvey, normal_name
from .tabular import Sheet, header_key

NAME = "limesurvey"
META = {"id", "submitdate", "lastpage", "startlanguage", "seed", "startdate", "datestamp", "ipaddr", "refurl",
        "token", "interviewtime"}
# "Full question text" headings of the metadata columns (English interface) -> their codes.
META_TEXT = {"response id": "id", "date submitted": "submitdate", "last page": "lastpage",
             "start language": "startlanguage", "seed": "seed", "date started": "startdate",
             "date last action": "datestamp", "ip address": "ipaddr", "referrer url": "refurl", "token": "token",
             "access code": "token", "total time": "interviewtime"}
CHOSEN = {"y", "yes", "oui", "sí", "1"}
_SUB = re.compile(r"^(?P<code>[^\[]+?)\s*\[(?P<sub>[^\]]+)\]$")


# VV export ("vvexport_<sid>.csv", tab-separated): NULL is written {question_not_shown}, and characters that would
# break a line or a cell are escaped; {lbrace} is decoded last because it was encoded first.
VV_ESCAPES = (("{question_not_shown}", ""), ("{quote}", '"'), ("{newline}", "\n"), ("{cr}", "\r"), ("{tab}", "\t"),
              ("{lbrace}", "{"))


def unwrap_vv(sheet: Sheet) -> bool:
    """Turn a LimeSurvey VV export in place into the shape of a "question code" export; whether it was one.

    A VV file has two header rows, the question texts and then the field codes
    (``id``, ``submitdate``, ``lastpage``, ... and, in VV version 2, question
    codes with sub-questions as ``CODE_SUB``); the code row becomes the
    header. Called before the column map, so that ``columns:`` names the codes.
    Reference: LimeSurvey ``ExportController::vvexport`` and the manual page
    "Import responses" (VV survey file).
    """
    if not sheet.rows or any(h.casefold() == "submitdate" for h in sheet.header):
        return False
    codes = [cell.strip() for cell in sheet.rows[0]]
    names = {c.casefold() for c in codes}
    if "submitdate" not in names or not names & {"lastpage", "startlanguage"}:
        return False
    sheet.header = codes
    sheet.rows = [[_vv_value(cell) for cell in values] for values in sheet.rows[1:]]
    sheet.numbers = sheet.numbers[1:]
    return True


def _vv_value(cell: str) -> str:
    for escaped, plain in VV_ESCAPES:
        cell = cell.replace(escaped, plain)
    return cell


def _meta(header: str) -> str:
    return META_TEXT.get(header_key(header), header.casefold())


def detect(sheet: Sheet, questionnaire) -> bool:
    names = {_meta(h) for h in sheet.header}
    return "submitdate" in names and ("lastpage" in names or "startlanguage" in names)  # VV: after unwrap_vv


@register("survey", NAME, detect=detect, suffixes=(".csv", ".xlsx"), stores="survey responses",
          recognised_by='`submitdate` with `lastpage`/`startlanguage`',
          description=('LimeSurvey "Export results" with question codes: codes without underscores '
                       '(`item1` for `item_1`), `code[option]` = `Y`, arrays `scale[item1]`, `token` as invitation '
                       'code; "full question text" headings; the VV file (tab-separated, codes in row 2)'))
def read(sheet: Sheet, questionnaire, shown: str) -> RawSurvey:
    ids = {normal_name(q.id): q for q in questionnaire.questions}
    texts = {header_key(text): q for q in questionnaire.questions for text in q.label.values()}

    def question(name: str):
        return ids.get(normal_name(name)) or texts.get(header_key(name))
    direct: dict[int, str] = {}
    options: dict[int, tuple[str, str]] = {}
    for index, column in enumerate(sheet.header):
        if not column or _meta(column) in META:
            continue
        sub = _SUB.match(column)
        if sub is None and "_" in column and question(column) is None:
            # VV version 2 writes CODE_SUB for CODE[SUB]; LimeSurvey codes hold no "_", so the first one splits.
            sub = _SUB.match("{}[{}]".format(*column.split("_", 1)))
        if sub is None:
            found = question(column)
            if found is None:
                raise InputFileError("unknown question code; expected a question id of the questionnaire without "
                                     "underscores, or its text", file=shown, row=1, column=column)
            direct[index] = found.id
            continue
        parent, child = question(sub["code"]), question(sub["sub"])
        if child is not None:
            direct[index] = child.id
        elif parent is not None and parent.type == "select_multiple":
            values = {normal_name(v): v for v in questionnaire.choice_list(parent).values()}
            by_label = {header_key(text): c.value for c in questionnaire.choice_list(parent).choices
                        for text in c.label.values()}
            option = values.get(normal_name(sub["sub"])) or by_label.get(header_key(sub["sub"]))
            if option is None:
                raise InputFileError(f"option {sub['sub']!r} is not in choice list {parent.choices!r}", file=shown,
                                     row=1, column=column)
            options[index] = (parent.id, option)
        else:
            raise InputFileError("unknown sub-question column; expected CODE[option] of a multiple-choice question "
                                 "or ARRAY[item id]", file=shown, row=1, column=column)
    lower = {_meta(h): i for i, h in enumerate(sheet.header)}
    key_question = questionnaire.participant_key
    rows = []
    for number, values in zip(sheet.numbers, sheet.rows):
        answers = {qid: values[i] for i, qid in direct.items() if values[i] != ""}
        columns = {qid: sheet.header[i] for i, qid in direct.items()}
        for i, (qid, option) in options.items():
            columns.setdefault(qid, sheet.header[i].split("[")[0])
            if values[i].strip().casefold() in CHOSEN:
                answers[qid] = (answers.get(qid, "") + " " + option).strip()
        token = values[lower["token"]].strip() if "token" in lower else ""
        if key_question and key_question not in answers and token:
            answers[key_question] = token
            columns[key_question] = sheet.header[lower["token"]]
        submission = values[lower["id"]] if "id" in lower else None
        submitted = values[lower["submitdate"]] if "submitdate" in lower else None
        # LimeSurvey leaves submitdate empty for incomplete responses: kept, with a note in the rejects list.
        note = None if submitted or "submitdate" not in lower else "incomplete response (no submitdate); kept"
        # Without an invitation-code question the token still links the respondent (private/participants.csv).
        rows.append(RawRow(number, answers, columns, submission or None, submitted or None, note=note,
                           invitation_code=None if key_question else token or None))
    return RawSurvey(NAME, rows, stamp_column=sheet.header[lower["submitdate"]] if "submitdate" in lower else None)
