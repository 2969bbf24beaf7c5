"""The convergence coding matrix: for each construct and pair of sources, agreement, partial agreement,
silence or dissonance, decided by fixed rules from the statistics.

After the triangulation protocol of Farmer, Robinson, Elliott & Eyles (2006,
*Qualitative Health Research*, 16(3), 377-394) and the "following a thread"
and convergence matrix of O'Cathain, Murphy & Nicholl (2010, *BMJ*, 341,
c4587). A source "shows a group difference" when its group comparison is
significant after Holm's correction (p_holm < .05); a correlation "links"
two sources when it is significant after Holm's correction. Rules, applied in
this order:

1. **dissonance**: both sources show a group difference and in opposite
   directions, or the sources correlate negatively;
2. **agreement**: both sources show a group difference in the same direction,
   or the sources correlate positively;
3. **partial agreement**: one source shows a group difference and the other
   points the same way without reaching significance;
4. **silence**: otherwise - one source has no indicator or too few people for
   a test, or neither shows a clear pattern.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from .constructs import Construct

ALPHA = 0.05
VERDICTS = ("agreement", "partial agreement", "silence", "dissonance")


def _sign(value: float) -> int:
    return 0 if value != value or value == 0 else (1 if value > 0 else -1)


def verdict(group_a: dict | None, group_b: dict | None, correlation: dict | None) -> tuple[str, str]:
    """``(verdict, rule)`` for one pair of sources; each argument is a result row (dict) or None.

    >>> verdict({"p_holm": .01, "effect_size": .5}, {"p_holm": .02, "effect_size": -.4}, None)[0]
    'dissonance'
    >>> verdict({"p_holm": .01, "effect_size": .5}, {"p_holm": .30, "effect_size": .1}, None)[0]
    'partial agreement'
    """
    def shows(row: dict | None) -> bool:
        return row is not None and row.get("p_holm", math.nan) == row.get("p_holm") and row["p_holm"] < ALPHA

    def direction(row: dict | None) -> int:
        return 0 if row is None else _sign(row.get("effect_size", math.nan))

    linked = shows(correlation)
    rho_sign = direction({"effect_size": correlation.get("rho", math.nan)}) if correlation else 0
    if (shows(group_a) and shows(group_b) and direction(group_a) != direction(group_b)) or (linked and rho_sign < 0):
        return "dissonance", ("correlation negative" if linked and rho_sign < 0 else
                              "group differences in opposite directions")
    if (shows(group_a) and shows(group_b)) or (linked and rho_sign > 0):
        return "agreement", ("correlation positive" if linked and rho_sign > 0 else
                             "group differences in the same direction")
    for strong, weak in ((group_a, group_b), (group_b, group_a)):
        if shows(strong) and weak is not None and direction(weak) == direction(strong) != 0:
            return "partial agreement", "one group difference, the other source points the same way"
    missing = group_a is None or group_b is None or "p_holm" not in group_a or "p_holm" not in group_b
    return "silence", ("a source has no indicator or too few people" if missing else "no clear pattern in either")


def convergence_matrix(constructs: list["Construct"], correlations: "pd.DataFrame",
                       comparisons: "pd.DataFrame") -> "pd.DataFrame":
    """construct, source_a, source_b, verdict, rule - one row per construct and pair of sources."""
    import pandas as pd

    from .statistics import PAIRS

    def row_of(frame: "pd.DataFrame", **keys: str) -> dict | None:
        if frame.empty:
            return None
        mask = pd.Series(True, index=frame.index)
        for key, value in keys.items():
            mask &= frame[key] == value
        rows = frame[mask]
        if rows.empty:
            return None
        record = {k: v for k, v in rows.iloc[0].to_dict().items() if not (isinstance(v, float) and math.isnan(v))}
        return record

    matrix = []
    for construct in constructs:
        for a, b in PAIRS:
            group_a = row_of(comparisons, construct=construct.id, source=a) if a in construct.indicators else None
            group_b = row_of(comparisons, construct=construct.id, source=b) if b in construct.indicators else None
            correlation = row_of(correlations, construct=construct.id, source_a=a, source_b=b)
            decided, rule = verdict(group_a, group_b, correlation)
            matrix.append({"construct": construct.id, "source_a": a, "source_b": b, "verdict": decided,
                           "rule": rule})
    return pd.DataFrame(matrix)
