"""Representative quotes per theme, chosen by a fixed rule so that every build picks the same ones.

Rule, per theme (reference coder's segments of the theme or its sub-codes,
from participants linked to the study's participants list):

1. keep quotes of 80 to 400 characters (long enough to carry meaning, short
   enough to quote), with the speaker label (``Name:``) removed;
2. rank by closeness of length to 200 characters, then by segment id;
3. take the best, then the best from a participant of another group (if
   any), then the next best from yet another participant, up to ``per_theme``;
   a passage already quoted in the chapter, or the same words from another
   participant (pseudonyms aside), is skipped.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

MIN_LENGTH, MAX_LENGTH, TARGET = 80, 400, 200
_SPEAKER = re.compile(r"^\s*[^:\n]{1,40}:\s+")
_PSEUDONYM = re.compile(r"\b[PU]-[A-Z2-7]{8}\b")


def _gist(text: str) -> str:
    """The quote with pseudonyms masked, to spot the same words said by two people."""
    return _PSEUDONYM.sub("#", text).casefold()


def clean_quote(text: str) -> str:
    """Strip a leading speaker label and surrounding whitespace.

    >>> clean_quote("P-7KQ2M4XA: We had comments out by noon. ")
    'We had comments out by noon.'
    """
    return _SPEAKER.sub("", text.strip(), count=1).strip()


def choose_quotes(segments: "pd.DataFrame", themes: list[str], per_theme: int = 2) -> "pd.DataFrame":
    """Quotes per theme by the module's rule: theme, participant_id, group, quote, segment_id."""
    import pandas as pd

    rows = []
    candidates = segments[segments["group"].notna()].copy()
    candidates["clean"] = candidates["quote"].map(clean_quote)
    candidates["length"] = candidates["clean"].str.len()
    candidates = candidates[(candidates["length"] >= MIN_LENGTH) & (candidates["length"] <= MAX_LENGTH)]
    candidates["distance"] = (candidates["length"] - TARGET).abs()
    candidates["gist"] = candidates["clean"].map(_gist)
    used: set[str] = set()  # a passage is quoted once in the chapter
    for theme in themes:
        pool = candidates[candidates["theme"] == theme].sort_values(["distance", "segment_id"])
        chosen: list[pd.Series] = []
        for _, row in pool.iterrows():
            if len(chosen) >= per_theme:
                break
            if row["gist"] in used or any(row["participant_id"] == c["participant_id"] for c in chosen):
                continue
            quoted_groups = {c["group"] for c in chosen}
            if row["group"] in quoted_groups and (~pool["group"].isin(quoted_groups)).any():
                continue  # each further quote comes from a group not yet quoted, while one is available
            chosen.append(row)
            used.add(row["gist"])
        for row in chosen:
            rows.append({"theme": theme, "participant_id": row["participant_id"], "group": row["group"],
                         "quote": row["clean"], "segment_id": int(row["segment_id"])})
    return pd.DataFrame(rows, columns=["theme", "participant_id", "group", "quote", "segment_id"])
