"""Readers of raw survey exports: one module per export shape.

Each reader module has ``NAME``, ``detect(sheet) -> bool`` and
``read(sheet, questionnaire, shown) -> RawSurvey``. A new export format is one
new module listed in :data:`READERS`; nothing else changes. Readers only map
columns to question ids; checking values is :mod:`mixedmethods.survey.validate`'s job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from ...errors import InputFileError
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


@dataclass
class RawSurvey:
    reader: str
    rows: list[RawRow]


def normal_name(text: str) -> str:
    """Column names compared without case, spaces and punctuation (``Speed_1`` == ``speed1``)."""
    return re.sub(r"[\W_]+", "", text).casefold()


def _readers() -> dict[str, ModuleType]:
    from . import generic, googleforms, kobo, limesurvey

    # Order matters for detection: specific shapes first, generic last.
    return {m.NAME: m for m in (kobo, limesurvey, googleforms, generic)}


READER_NAMES = ("kobo", "limesurvey", "googleforms", "generic")


def read_survey(path: Path, questionnaire, shown: str, reader: str = "auto") -> RawSurvey:
    """Read ``path`` with the named reader, or the first whose ``detect`` accepts it."""
    sheet: Sheet = read_sheet(path, shown)
    readers = _readers()
    if reader == "auto":
        chosen = next((m for m in readers.values() if m.detect(sheet, questionnaire)), None)
        if chosen is None:  # generic.detect is always true; kept for clarity
            raise InputFileError("cannot tell which survey tool exported this file; pass --reader", file=shown)
    elif reader in readers:
        chosen = readers[reader]
    else:
        raise InputFileError(f"unknown reader {reader!r}; expected one of {', '.join(READER_NAMES)}", file=shown)
    return chosen.read(sheet, questionnaire, shown)
