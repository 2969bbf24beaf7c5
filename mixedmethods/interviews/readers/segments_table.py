"""A table of coded segments (.csv or .xlsx) for transcripts kept as .txt or .docx files.

Columns: ``transcript`` (the transcript's file name without extension),
``coder``, ``code`` (id or label), and either ``start`` and ``end``
(character offsets in the transcript text, header lines excluded, end
exclusive) or ``quote`` (the exact coded text; ``occurrence`` = 2, 3 ...
picks a later match, default the first). Rows of an unknown transcript, a
quote not found or offsets outside the text are recorded as rejects.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

from ...errors import InputFileError
from ...safeinput import strict_int
from ...survey.readers import normal_name
from ...survey.readers.tabular import read_sheet
from ...sources import register
from ..model import RawSegment, RawTranscript
from . import SEGMENTS

REQUIRED = ("transcript", "coder", "code")


class SegmentProblem(RawSegment):
    """A table row that cannot be placed; carries the reason instead of offsets."""

    def __init__(self, coder: str, code: str, where: str, file: str, reason: str) -> None:
        super().__init__(coder, code, -1, -1, where, file)
        self.reason = reason


def detect(path: Path) -> bool:
    return path.suffix.lower() in (".csv", ".xlsx")


@register("interviews", "segments_table", detect=detect, suffixes=(".csv", ".xlsx"), stores=SEGMENTS,
          recognised_by="the `.csv` or `.xlsx` suffix",
          description=("one coded segment per row: `transcript`, `coder`, `code`, and `quote` (with `occurrence`) "
                       "or `start`/`end` offsets"))
def read(path: Path, shown: str, transcripts: dict[str, RawTranscript]) -> Iterator[tuple[str, RawSegment]]:
    """Yield ``(transcript name, segment)`` per row; unplaceable rows as :class:`SegmentProblem`."""
    sheet = read_sheet(path, shown)
    columns = {normal_name(h): i for i, h in enumerate(sheet.header) if h}
    for name in REQUIRED:
        if name not in columns:
            raise InputFileError(f"a segments table needs the columns transcript, coder, code and either "
                                 f"start/end or quote; {name!r} is missing", file=shown, row=1)
    has_offsets = "start" in columns and "end" in columns
    if not has_offsets and "quote" not in columns:
        raise InputFileError("a segments table needs start and end, or quote", file=shown, row=1)
    known = set(REQUIRED) | {"start", "end", "quote", "occurrence"}
    for header, index in columns.items():
        if header not in known:
            raise InputFileError("unknown column; expected transcript, coder, code, start, end, quote, occurrence",
                                 file=shown, row=1, column=sheet.header[index])
    for number, values in zip(sheet.numbers, sheet.rows):
        def cell(name: str) -> str:
            return values[columns[name]].strip() if name in columns else ""

        name, coder, code = cell("transcript"), cell("coder") or "coder", cell("code")
        where = f"row {number}"
        transcript = transcripts.get(name.casefold())
        if transcript is None:
            yield name, SegmentProblem(coder, code, where, shown, f"no transcript named {name!r} in the folder")
            continue
        if has_offsets and cell("start") != "":
            try:
                start, end = strict_int(cell("start")), strict_int(cell("end"))
            except ValueError:
                yield name, SegmentProblem(coder, code, where, shown, "start and end must be whole numbers")
                continue
            if not 0 <= start < end <= len(transcript.text):
                yield name, SegmentProblem(coder, code, where, shown,
                                           f"offsets {start}-{end} are outside the text (0-{len(transcript.text)})")
                continue
            yield name, RawSegment(coder, code, start, end, where, shown)
            continue
        quote = cell("quote")
        try:
            occurrence = strict_int(cell("occurrence") or "1")
        except ValueError:
            yield name, SegmentProblem(coder, code, where, shown, "occurrence must be a whole number (1 = the first "
                                       "time the quote appears)")
            continue
        if not 1 <= occurrence <= len(transcript.text) + 1:
            yield name, SegmentProblem(coder, code, where, shown, f"occurrence {occurrence}: expected 1 or more")
            continue
        position = -1
        for _ in range(max(1, occurrence)):
            position = transcript.text.find(quote, position + 1) if quote else -1
            if position < 0:
                break
        if position < 0:
            yield name, SegmentProblem(coder, code, where, shown, "quote not found in the transcript text")
            continue
        yield name, RawSegment(coder, code, position, position + len(quote), where, shown)
