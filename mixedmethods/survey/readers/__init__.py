"""Readers of raw survey exports: one module per export shape.

Each reader module defines ``detect(sheet, questionnaire) -> bool`` and
``read(sheet, questionnaire, shown) -> RawSurvey`` and registers ``read``
with :func:`mixedmethods.sources.register` (source ``"survey"``). Every
module of this package is imported when the readers are first needed, so a
new export format is one new module here plus its tests; nothing else
changes (see docs/survey.md, "Adding a reader"). Readers only map columns to
question ids; checking values is :mod:`mixedmethods.survey.validate`'s job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ...errors import InputFileError
from .column_map import ColumnMap
from .stamps import settle_stamps
from .tabular import Sheet, read_sheet


@dataclass
class RawRow:
    """One submission as exported: raw text per question id, before validation."""

    row: int
    answers: dict[str, str]
    columns: dict[str, str] = field(default_factory=dict)  # question id -> column header in the file
    submission_id: str | None = None
    submitted_at: str | None = None
    email: str | None = None  # respondent e-mail collected by the survey tool, used only for linkage
    invitation_code: str | None = None  # the tool's own invitation code (LimeSurvey token), used only for linkage
    excluded: str | None = None  # why this row is no respondent's answer (a test run): recorded as a row reject
    note: str | None = None  # worth a look but kept (an unfinished response): recorded as a note


@dataclass
class RepeatRow:
    """One answer in a repeat group (KoboToolbox: a row of a repeat sheet), linked to its submission's file row."""

    parent_row: int | None  # file row of the submission in the main sheet; None: no submission has its index
    repeat: str  # repeat group name (the sheet's name)
    row: int  # file row in the repeat sheet (header = 1)
    question_id: str
    value: str


@dataclass
class RawSurvey:
    reader: str
    rows: list[RawRow]
    repeats: list[RepeatRow] = field(default_factory=list)
    stamp_column: str | None = None  # header of the submission time column, for messages
    date_hint: str | None = None  # day/month order the tool's interface language implies (dmy, mdy), if any
    notes: list[tuple[int, str | None, str]] = field(default_factory=list)  # (row, column, why): file-level notes


def normal_name(text: str) -> str:
    """Column names compared without case, spaces and punctuation (``Speed_1`` == ``speed1``)."""
    return re.sub(r"[\W_]+", "", text).casefold()


def read_survey(path: Path, questionnaire, shown: str, reader: str = "auto", column_map: ColumnMap | None = None,
                date_order: str | None = None) -> RawSurvey:
    """Read ``path`` with the named reader, or the first (in detection order) whose ``detect`` accepts it.

    ``column_map`` (study.yaml ``columns:``) renames and drops columns before
    detection and matching; ``date_order`` (``dmy``, ``mdy``, ``ymd``) reads
    submission time stamps that the data cannot decide (:mod:`.stamps`).
    Submission times come back as ISO 8601 where they were written otherwise.
    """
    from ... import sources

    sheet: Sheet = read_sheet(path, shown)
    # The one export whose real header is its second row: the column map must see LimeSurvey VV's field codes.
    from .limesurvey import unwrap_vv

    unwrap_vv(sheet)
    notes = column_map.apply(sheet, questionnaire) if column_map is not None else []
    if reader == "auto":
        chosen = next((k for k in sources.kinds("survey") if k.detect(sheet, questionnaire)), None)
        if chosen is None:  # generic.detect is always true; kept for a registry without it
            raise InputFileError("cannot tell which survey tool exported this file; pass --reader", file=shown)
    else:
        chosen = sources.kind("survey", reader)
        if chosen is None:
            raise InputFileError(f"unknown reader {reader!r}; expected one of auto, "
                                 f"{', '.join(sources.names('survey'))}", file=shown)
    raw: RawSurvey = chosen.read(sheet, questionnaire, shown)
    raw.notes[:0] = [*sheet.notes, *notes]
    settle_stamps(raw, date_order, shown)
    return raw
