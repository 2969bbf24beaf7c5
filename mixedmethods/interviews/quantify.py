"""Turning coded segments into numbers: presence, frequency, coverage, co-occurrence, code x group.

All counts use each transcript's reference coder (:mod:`.units`). A theme
(top-level code) is present where it or any of its sub-codes was applied.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .units import applied, paragraphs

if TYPE_CHECKING:
    import pandas as pd

    from ..instrument.codebook import Codebook


def _covered(spans: list[tuple[int, int]]) -> int:
    """Characters covered by the union of ``spans``.

    >>> _covered([(0, 10), (5, 12), (20, 25)])
    17
    """
    total, reach = 0, -1
    for start, end in sorted(spans):
        if end <= reach:
            continue
        total += end - max(start, reach)
        reach = end
    return total


def with_themes(segments: "pd.DataFrame", codebook: "Codebook") -> "pd.DataFrame":
    """Add a ``theme`` column (the top-level code of each segment's code)."""
    themes = {code.id: codebook.theme_of(code.id) for code, _ in codebook.walk()}
    result = segments.copy()
    result["theme"] = result["code_id"].map(themes)
    return result


def code_by_participant(segments: "pd.DataFrame", transcripts: "pd.DataFrame", level: str = "code_id"
                        ) -> "pd.DataFrame":
    """Per participant and code (``level`` = code_id or theme): presence, frequency, coverage.

    Coverage is the share of the participant's transcript characters inside
    the union of that code's segments.
    """
    import pandas as pd

    length = transcripts.groupby("participant_id")["text"].apply(lambda t: sum(len(x) for x in t))
    rows = []
    for (participant, code), block in segments.groupby(["participant_id", level]):
        covered = sum(_covered(list(zip(b["start"], b["end"]))) for _, b in block.groupby("transcript_id"))
        rows.append({"participant_id": participant, "code": code, "present": 1, "frequency": len(block),
                     "coverage": covered / length[participant]})
    return pd.DataFrame(rows, columns=["participant_id", "code", "present", "frequency", "coverage"])


def code_by_group(per_participant: "pd.DataFrame", transcripts: "pd.DataFrame", codes: list[str],
                  groups: list[str]) -> "pd.DataFrame":
    """For each code: participants with the code per group (count and % of the group's interviewees)."""
    import pandas as pd

    people = transcripts.drop_duplicates("participant_id").set_index("participant_id")["group"]
    interviewed = {g: int((people == g).sum()) for g in groups}
    rows = []
    for code in codes:
        holders = per_participant.loc[per_participant["code"] == code, "participant_id"]
        record: dict[str, object] = {"code": code}
        for group in groups:
            n = int(people.reindex(holders).eq(group).sum())
            record[f"{group}_n"] = n
            record[f"{group}_pct"] = 100 * n / interviewed[group] if interviewed[group] else float("nan")
        record["all_n"] = int(holders.nunique())
        rows.append(record)
    table = pd.DataFrame(rows)
    table.attrs["interviewed"] = interviewed
    return table


def cooccurrence(segments: "pd.DataFrame", transcripts: "pd.DataFrame", level: str = "theme") -> "pd.DataFrame":
    """Paragraphs in which both codes were applied (symmetric matrix; the diagonal counts each code's paragraphs)."""
    import pandas as pd

    codes = sorted(segments[level].unique())
    matrix = pd.DataFrame(0, index=codes, columns=codes, dtype="int64")
    texts = transcripts.set_index("transcript_id")["text"]
    for transcript_id, block in segments.groupby("transcript_id"):
        units = paragraphs(texts[transcript_id])
        marks = applied(block.assign(code_id=block[level]), units)
        by_unit: dict[int, set[str]] = {}
        for unit, code in marks:
            by_unit.setdefault(unit, set()).add(code)
        for present in by_unit.values():
            for a in present:
                for b in present:
                    matrix.loc[a, b] += 1
    return matrix
