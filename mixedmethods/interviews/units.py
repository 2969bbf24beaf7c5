"""Coded interviews out of the store, and the unit of analysis: the paragraph.

A paragraph is a non-empty line of the transcript text, which in interview
transcripts is one speaker turn. Agreement and co-occurrence are computed per
paragraph: a coder "applied" a code to a paragraph when one of their segments
with that code overlaps it by at least one character.

Where a transcript was coded by several coders, counts (presence, frequency,
coverage, co-occurrence, quotes) use its *reference coder*: the one with the
most segments in it (ties: alphabetical order). Agreement uses all coders.
"""

from __future__ import annotations

import re
import sqlite3
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

_LINE = re.compile(r"[^\n]*\S[^\n]*")


def paragraphs(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each non-empty line.

    >>> paragraphs("Q: why?\\n\\nA: because.\\n")
    [(0, 7), (9, 20)]
    """
    return [(m.start(), m.end()) for m in _LINE.finditer(text)]


def load_transcripts(conn: sqlite3.Connection) -> "pd.DataFrame":
    """transcript_id, participant_id, group, listed, name, language, text."""
    import pandas as pd

    return pd.read_sql_query(
        'SELECT t.transcript_id, t.participant_id, p.grp AS "group", p.listed, t.name, t.language, t.text '
        "FROM transcripts t JOIN participants p USING (participant_id) ORDER BY t.transcript_id", conn)


def load_segments(conn: sqlite3.Connection) -> "pd.DataFrame":
    """segment_id, transcript_id, participant_id, group, coder, code_id, start, end, quote."""
    import pandas as pd

    return pd.read_sql_query(
        'SELECT s.segment_id, s.transcript_id, t.participant_id, p.grp AS "group", s.coder, s.code_id, s.start, '
        's."end", s.quote FROM coded_segments s JOIN transcripts t USING (transcript_id) '
        "JOIN participants p USING (participant_id) ORDER BY s.segment_id", conn)


def reference_segments(segments: "pd.DataFrame") -> "pd.DataFrame":
    """Only the segments of each transcript's reference coder (see the module docstring)."""
    if segments.empty:
        return segments
    counts = segments.groupby(["transcript_id", "coder"]).size().reset_index(name="n")
    counts = counts.sort_values(["transcript_id", "n", "coder"], ascending=[True, False, True])
    chosen = counts.drop_duplicates("transcript_id")[["transcript_id", "coder"]]
    return segments.merge(chosen, on=["transcript_id", "coder"]).sort_values("segment_id").reset_index(drop=True)


def applied(segments: "pd.DataFrame", units: list[tuple[int, int]]) -> set[tuple[int, str]]:
    """``(unit index, code)`` pairs that the given segments (of one transcript and coder) touch."""
    found = set()
    for start, end, code in zip(segments["start"], segments["end"], segments["code_id"]):
        for index, (u_start, u_end) in enumerate(units):
            if start < u_end and end > u_start:
                found.add((index, code))
    return found
