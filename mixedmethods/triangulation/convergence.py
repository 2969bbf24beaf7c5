"""The convergence coding matrix: for each construct and pair of sources, a verdict decided by fixed rules
from the sources' effect sizes, their 95% confidence intervals and their power.

After the triangulation protocol of Farmer, Robinson, Elliott & Eyles (2006),
the convergence coding matrix of O'Cathain, Murphy & Nicholl (2010) and the
integration outcomes of Fetters, Curry & Creswell (2013): confirmation
(agreement), expansion (partial agreement), discordance (dissonance) and
silence. Verdicts read effect sizes and intervals, not p values alone, so
that a large source does not win by its size and a small one is not taken
for an absence (Lakens, 2017).

**Smallest effect of interest (SESOI).** One study setting,
``triangulation: smallest_effect`` in study.yaml, a correlation r (default
:data:`SMALLEST_EFFECT` = .10, the effect Cohen (1988) calls small), put in
each source's metric by :func:`mixedmethods.power.effect_from_r`: r_rb .113,
Hedges' g .201, epsilon2/omega2 .010 for r = .10.

**What one source's group comparison says.**

* Two groups (r_rb or g): the source **shows a difference** when its 95% CI
  excludes 0 (when the row has no finite CI, when p < .05); it **points** one
  way when it shows a difference or its estimate is at least the SESOI in
  size (so an effect of .02 points nowhere); it is **equivalent to zero**
  when its 95% CI lies inside [-SESOI, +SESOI] (Lakens, 2017: two one-sided
  tests at alpha = .025 each, stricter than the usual 90% interval).
* Three or more groups (epsilon2 or omega2): these effect sizes have no
  sign and their bootstrap interval cannot straddle 0, so "shows a
  difference" is the omnibus test's p < .05 (unadjusted, like the two-group
  intervals); it points when it shows a difference or its estimate is at
  least the SESOI (r^2); it is equivalent to zero when its upper 95% bound
  is below the SESOI.
* **Power** at the SESOI (:mod:`mixedmethods.power`) from the compared
  groups' sizes: Noether (1987) for r_rb, the t test for g, the ANOVA with
  the harmonic mean group size for epsilon2/omega2. Adequate is
  :data:`MIN_POWER` = .80 (Cohen, 1988).

**Direction of a pair.** Two groups: the product of the effect sizes'
signs. Three or more groups: the sign of Kendall's tau-b between the two
sources' group locations (``location.<group>``: mean rank, or mean under
Welch) over the groups compared in both; tau-b = 0 or fewer than two groups
in common give no direction (Kendall, 1938). For two groups tau-b is +1 or
-1 exactly when the signs agree or not, so the two-group rule is a special
case.

**Correlation.** Where two sources are linked person by person, Spearman's
rho with its 95% CI (Bonett & Wright, 2000): a CI that excludes 0 links the
sources, positively or negatively; its power is that of a correlation of
SESOI size with the pairs at hand.

**Rules**, applied in this order (rule keys in brackets):

1. **dissonance**: the two sources point in opposite directions and at least
   one of them shows a difference [``opposite_directions``], or the
   correlation's CI excludes 0 and rho < 0 [``negative_correlation``];
2. **agreement**: same direction and both show a difference
   [``same_direction``], or both are equivalent to zero
   [``both_equivalent``], or the correlation's CI excludes 0 and rho > 0
   [``positive_correlation``];
3. **partial agreement**: same direction, one shows a difference, the other
   does not but its estimate is at least the SESOI [``one_shows_other_points``];
4. **not available**: a source has no indicator for the construct
   [``no_indicator``], or too few people per group for a test and there is
   no correlation [``no_test``];
5. **inconclusive**: no rule above applies and a comparison (or the
   correlation) whose interval includes 0 had power < .80 to detect the
   SESOI - the source is too small to tell [``low_power``]; the sources
   concerned are in ``limited`` and their power in ``power_a``/``power_b``/
   ``power_correlation``;
6. **silence**: otherwise, every interval that includes 0 came from a source
   with power >= .80: neither source shows a difference [``neither_shows``],
   or one shows it and the other, able to detect it, shows none
   [``one_shows_other_silent``], Farmer et al.'s silence.

Dissonance comes first so that a contradiction is never coded as agreement.

References
----------
Bonett, D. G., & Wright, T. A. (2000). *Psychometrika, 65*(1), 23-28.
Cohen, J. (1988). *Statistical power analysis for the behavioral sciences* (2nd ed.). Erlbaum.
Farmer, T., Robinson, K., Elliott, S. J., & Eyles, J. (2006). Developing and implementing a
triangulation protocol for qualitative health research. *Qualitative Health Research, 16*(3), 377-394.
Fetters, M. D., Curry, L. A., & Creswell, J. W. (2013). Achieving integration in mixed methods
designs - principles and practices. *Health Services Research, 48*(6 Pt 2), 2134-2156.
Kendall, M. G. (1938). A new measure of rank correlation. *Biometrika, 30*(1/2), 81-93.
Lakens, D. (2017). Equivalence tests: A practical primer for t tests, correlations, and
meta-analyses. *Social Psychological and Personality Science, 8*(4), 355-362.
Noether, G. E. (1987). *Journal of the American Statistical Association, 82*(398), 645-647.
O'Cathain, A., Murphy, E., & Nicholl, J. (2010). Three techniques for integrating data in mixed
methods studies. *BMJ, 341*, c4587.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from .constructs import Construct

ALPHA = 0.05
MIN_POWER = 0.80
SMALLEST_EFFECT = 0.10  # r; Cohen's (1988) small effect, the default of study.yaml triangulation.smallest_effect
VERDICTS = ("agreement", "partial agreement", "dissonance", "silence", "inconclusive", "not available")
RULES = {  # rule key -> verdict (the words are in templates/text, triangulation.rules)
    "opposite_directions": "dissonance", "negative_correlation": "dissonance",
    "same_direction": "agreement", "both_equivalent": "agreement", "positive_correlation": "agreement",
    "one_shows_other_points": "partial agreement",
    "no_indicator": "not available", "no_test": "not available",
    "low_power": "inconclusive",
    "neither_shows": "silence", "one_shows_other_silent": "silence",
}
COLUMNS = ["construct", "source_a", "source_b", "verdict", "rule", "limited", "power_a", "power_b",
           "power_correlation", "smallest_effect"]


def _finite(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _sign(value: float) -> int:
    return 0 if not _finite(value) or value == 0 else (1 if value > 0 else -1)


def _locations(row: dict) -> dict[str, float]:
    return {key[len("location."):]: float(value) for key, value in row.items()
            if key.startswith("location.") and _finite(value)}


def _many(row: dict) -> bool:
    """A comparison of three or more groups (an unsigned epsilon2/omega2)."""
    return row.get("k", 2) > 2 or row.get("effect") in ("epsilon2", "omega2")


def group_sizes(row: dict) -> list[int]:
    """Sizes of the groups a comparison row compared: ``n.<group>`` of its ``groups``, else n1/n2."""
    if isinstance(row.get("groups"), str):
        sizes = [row.get(f"n.{g.strip()}") for g in row["groups"].split(",")]
    else:
        sizes = [row.get("n1"), row.get("n2")]
    return [int(n) for n in sizes if _finite(n)]


@dataclass
class SourceReading:
    """What one source's group comparison says, read against the smallest effect of interest."""

    tested: bool
    shows: bool = False  # the difference is shown: CI excludes 0 (two groups) or p < .05 (k >= 3)
    points: bool = False  # shows it, or its estimate is at least the SESOI: it points one way
    equivalent: bool = False  # its 95% CI lies within the SESOI (equivalent to no difference)
    power: float = math.nan  # power to detect the SESOI with its group sizes


def read_comparison(row: dict | None, smallest_effect: float = SMALLEST_EFFECT) -> SourceReading:
    """Read one comparison row (dict with effect, effect_size, effect_CI95_low/high, p, n...) against the SESOI.

    >>> read_comparison({"effect": "r_rb", "effect_size": .02, "effect_CI95_low": -.2, "effect_CI95_high": .25,
    ...                  "p": .8, "n1": 50, "n2": 50}).points
    False
    """
    from ..power import effect_from_r, power_k_groups, power_two_groups

    if row is None or not _finite(row.get("effect_size")):
        return SourceReading(tested=False)
    many = _many(row)
    kind = row.get("effect") or ("epsilon2" if many else "r_rb")
    size, low, high = row["effect_size"], row.get("effect_CI95_low"), row.get("effect_CI95_high")
    p = row.get("p", math.nan)
    sesoi = effect_from_r(smallest_effect, kind)
    if many:
        shows = _finite(p) and p < ALPHA
        equivalent = _finite(high) and high < sesoi
    elif _finite(low) and _finite(high):
        shows = low > 0 or high < 0
        equivalent = -sesoi < low and high < sesoi
    else:  # no interval (e.g. complete separation left it undefined): the test decides
        shows, equivalent = _finite(p) and p < ALPHA, False
    sizes = group_sizes(row)
    if many and kind in ("epsilon2", "omega2"):
        power = power_k_groups(sizes, sesoi, kind) if len(sizes) >= 2 else math.nan
    else:
        power = power_two_groups(sizes[0], sizes[1], sesoi, kind) if len(sizes) == 2 else math.nan
    return SourceReading(True, shows, shows or abs(size) >= sesoi, equivalent, power)


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
    if not _many(group_a) and not _many(group_b):
        return _sign(group_a.get("effect_size", math.nan)) * _sign(group_b.get("effect_size", math.nan))
    from scipy import stats

    a, b = _locations(group_a), _locations(group_b)
    common = [g for g in a if g in b]
    if len(common) < 2:
        return 0
    tau = stats.kendalltau([a[g] for g in common], [b[g] for g in common]).statistic
    return _sign(float(tau))


def verdict(group_a: dict | None, group_b: dict | None, correlation: dict | None,
            smallest_effect: float = SMALLEST_EFFECT, names: tuple[str, str] = ("a", "b")) -> dict:
    """The verdict for one pair of sources; each argument is a result row (dict) or None (no indicator).

    Returns a dict: ``verdict`` (one of :data:`VERDICTS`), ``rule`` (a key of
    :data:`RULES`), ``limited`` (the sources, or ``correlation``, that made the
    pair inconclusive or not available, comma-separated), ``power_a``,
    ``power_b``, ``power_correlation`` (at the SESOI; NaN where not computed).
    ``names`` are the two sources' names used in ``limited``.

    >>> verdict({"effect_size": .5, "effect_CI95_low": .2, "effect_CI95_high": .7, "n1": 60, "n2": 60},
    ...         {"effect_size": -.4, "effect_CI95_low": -.7, "effect_CI95_high": -.1, "n1": 30, "n2": 30},
    ...         None)["verdict"]
    'dissonance'
    """
    from ..power import power_correlation

    a, b = read_comparison(group_a, smallest_effect), read_comparison(group_b, smallest_effect)
    linked = correlation is not None and _finite(correlation.get("rho"))
    rho = correlation["rho"] if linked else math.nan
    low, high = (correlation.get("CI95_low"), correlation.get("CI95_high")) if linked else (None, None)
    linked_shows = linked and _finite(low) and _finite(high) and (low > 0 or high < 0)
    power_c = power_correlation(int(correlation["n"]), smallest_effect) \
        if linked and _finite(correlation.get("n")) else math.nan
    both = a.tested and b.tested
    direction = same_direction(group_a, group_b) if both else 0

    def result(rule: str, limited: list[str] | None = None) -> dict:
        return {"verdict": RULES[rule], "rule": rule, "limited": ", ".join(limited or []),
                "power_a": a.power, "power_b": b.power, "power_correlation": power_c}

    if both and direction < 0 and (a.shows or b.shows) and a.points and b.points:
        return result("opposite_directions")
    if linked_shows and rho < 0:
        return result("negative_correlation")
    if both and direction > 0 and a.shows and b.shows:
        return result("same_direction")
    if both and a.equivalent and b.equivalent:
        return result("both_equivalent")
    if linked_shows and rho > 0:
        return result("positive_correlation")
    if both and direction > 0 and a.shows != b.shows and a.points and b.points:
        return result("one_shows_other_points")
    if not both and not linked:
        if group_a is None or group_b is None:
            return result("no_indicator", [n for n, g in zip(names, (group_a, group_b)) if g is None])
        return result("no_test", [n for n, r in zip(names, (a, b)) if not r.tested])
    # Intervals that include 0 say "no difference" only where the source could have detected the SESOI.
    silent = ([(n, r.power) for n, r in zip(names, (a, b)) if not r.shows] if both else []) + \
        ([("correlation", power_c)] if linked and not linked_shows else [])
    weak = [n for n, power in silent if not (_finite(power) and power >= MIN_POWER)]
    if weak:
        return result("low_power", weak)
    return result("one_shows_other_silent" if both and (a.shows or b.shows) else "neither_shows")


def convergence_matrix(constructs: list["Construct"], correlations: "pd.DataFrame",
                       comparisons: "pd.DataFrame", smallest_effect: float = SMALLEST_EFFECT) -> "pd.DataFrame":
    """One row per construct and pair of sources: :data:`COLUMNS` (see :func:`verdict`)."""
    import pandas as pd

    from .statistics import PAIRS

    def row_of(frame: "pd.DataFrame", **keys: str) -> dict | None:
        if frame.empty or not set(keys) <= set(frame.columns):
            return None
        mask = pd.Series(True, index=frame.index)
        for key, value in keys.items():
            mask &= frame[key] == value
        rows = frame[mask]
        if rows.empty:
            return None
        return {k: v for k, v in rows.iloc[0].to_dict().items() if not (isinstance(v, float) and math.isnan(v))}

    matrix = []
    for construct in constructs:
        for a, b in PAIRS:
            # A source without an indicator is None; one with an indicator but no test is its row without effect.
            group_a = (row_of(comparisons, construct=construct.id, source=a) or {}) \
                if a in construct.indicators else None
            group_b = (row_of(comparisons, construct=construct.id, source=b) or {}) \
                if b in construct.indicators else None
            correlation = row_of(correlations, construct=construct.id, source_a=a, source_b=b)
            decided = verdict(group_a, group_b, correlation, smallest_effect, names=(a, b))
            matrix.append({"construct": construct.id, "source_a": a, "source_b": b, **decided,
                           "smallest_effect": smallest_effect})
    return pd.DataFrame(matrix, columns=COLUMNS)
