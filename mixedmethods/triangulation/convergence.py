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

**Direction with three or more groups.** With two groups the direction of a
difference is the sign of its effect size (r_rb or g: which group is higher),
and two sources agree in direction when the signs are equal. With k >= 3
groups a difference has no sign, but it has an order: the groups ranked by
their location on the oriented indicator (mean rank for the rank tests, mean
for Welch's ANOVA; ``location.<group>`` in the comparisons). Two sources
**agree in direction** when they order the groups alike - Kendall's tau-b
between the two sources' group locations, over the groups compared in both,
is positive - and **point in opposite directions** when tau-b is negative; a
tau-b of 0, or fewer than two groups in common, gives no direction (the pair
then falls through to the correlation and silence rules). Kendall's tau is
used because only the order of k (often 3 or 4) values matters and it treats
a tie in the order as neither agreement nor disagreement (Kendall, 1938).
For two groups tau-b is +1 or -1 exactly when the two sources' higher group
is the same or not, so the two-group rules are a special case; the two-group
code path nevertheless reads the effect sizes' signs, as the first version
did.

Kendall, M. G. (1938). A new measure of rank correlation. *Biometrika*,
30(1/2), 81-93.
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


def _locations(row: dict) -> dict[str, float]:
    return {key[len("location."):]: float(value) for key, value in row.items()
            if key.startswith("location.") and value == value}


def same_direction(group_a: dict | None, group_b: dict | None) -> int:
    """+1 when two sources' group differences point the same way, -1 when opposite, 0 when undecided.

    Two groups: the product of the effect sizes' signs. Three or more: the
    sign of Kendall's tau-b (scipy) between the groups' locations in the two
    sources (see the module docstring).

    >>> same_direction({"k": 3, "location.a": 1, "location.b": 2, "location.c": 3},
    ...                {"k": 3, "location.a": 10, "location.b": 30, "location.c": 20})
    1
    """
    if group_a is None or group_b is None:
        return 0
    if group_a.get("k", 2) <= 2 and group_b.get("k", 2) <= 2:
        return _sign(group_a.get("effect_size", math.nan)) * _sign(group_b.get("effect_size", math.nan))
    from scipy import stats

    a, b = _locations(group_a), _locations(group_b)
    common = [g for g in a if g in b]
    if len(common) < 2:
        return 0
    tau = stats.kendalltau([a[g] for g in common], [b[g] for g in common]).statistic
    return _sign(float(tau))


def verdict(group_a: dict | None, group_b: dict | None, correlation: dict | None) -> tuple[str, str]:
    """``(verdict, rule)`` for one pair of sources; each argument is a result row (dict) or None.

    >>> verdict({"p_holm": .01, "effect_size": .5}, {"p_holm": .02, "effect_size": -.4}, None)[0]
    'dissonance'
    >>> verdict({"p_holm": .01, "effect_size": .5}, {"p_holm": .30, "effect_size": .1}, None)[0]
    'partial agreement'
    """
    def shows(row: dict | None) -> bool:
        return row is not None and row.get("p_holm", math.nan) == row.get("p_holm") and row["p_holm"] < ALPHA

    linked = shows(correlation)
    rho_sign = _sign(correlation.get("rho", math.nan)) if correlation else 0
    both = shows(group_a) and shows(group_b)
    agree = same_direction(group_a, group_b) if (shows(group_a) or shows(group_b)) else 0
    if (both and agree < 0) or (linked and rho_sign < 0):
        return "dissonance", ("correlation negative" if linked and rho_sign < 0 else
                              "group differences in opposite directions")
    if (both and agree > 0) or (linked and rho_sign > 0):
        return "agreement", ("correlation positive" if linked and rho_sign > 0 else
                             "group differences in the same direction")
    if (shows(group_a) or shows(group_b)) and not both and agree > 0:
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
    return pd.DataFrame(matrix, columns=["construct", "source_a", "source_b", "verdict", "rule"])
