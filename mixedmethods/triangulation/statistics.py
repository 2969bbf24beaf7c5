"""Statistics per construct: how the sources' indicators relate, and how the groups differ on each.

* Indicators are first **oriented** so that higher always means more of the
  construct (an indicator whose direction is ``lower`` is negated).
* **Correlation** between two sources' indicators over the participants who
  are in both: Spearman's rho (ranks, because the indicators are ordinal
  scores, shares and counts with skewed distributions), p from pingouin
  (scipy), 95% CI by Fisher's z transformation with the standard error
  Bonett & Wright (2000) give for Spearman's rho, sqrt((1 + rho^2 / 2) / (n - 3)):
  the Pearson one, 1 / sqrt(n - 3), is too narrow for rho (Bonett, D. G., &
  Wright, T. A. (2000). Sample size requirements for estimating Pearson,
  Kendall and Spearman correlations. Psychometrika, 65(1), 23-28).
  With fewer than :data:`MIN_PAIRS` pairs no coefficient is reported.
* **Group comparison** of each indicator over the groups that have at least
  :data:`MIN_GROUP` people (and at least the study's k) with a value:
  :func:`mixedmethods.survey.omnibus.compare_k_groups`, the same entry point
  as the survey chapter (two groups: the study's two-group test; three or
  more: Kruskal-Wallis with epsilon-squared, or Welch's ANOVA with
  omega-squared). Each row also carries every compared group's location on
  the indicator (``location.<group>``: mean rank, or mean under Welch), from
  which the convergence rules read the order of the groups. With one group
  (or fewer than two groups large enough) there is no comparison; the row
  keeps the group sizes.
* **Holm's correction** over the whole family of triangulation tests (all
  correlations and group comparisons), reported as ``p_holm``.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from .constructs import Construct

MIN_PAIRS = 10
MIN_GROUP = 5
PAIRS = (("survey", "interviews"), ("survey", "chats"), ("interviews", "chats"))


def oriented(frame: "pd.DataFrame", construct: "Construct", source: str) -> "pd.Series":
    """The indicator column with its sign set so that higher means more of the construct."""
    import pandas as pd

    # A source absent from the study leaves an all-NA object column (pd.NA): coerce, never float(pd.NA).
    values = pd.to_numeric(frame[f"{construct.id}.{source}"], errors="coerce").astype("float64")
    return -values if construct.indicators[source].direction == "lower" else values


def spearman(x: "pd.Series", y: "pd.Series") -> dict[str, float]:
    """n, rho, CI95 (Fisher z, Bonett-Wright SE) and two-sided p over complete pairs; NaN below MIN_PAIRS."""
    import pandas as pd
    import pingouin as pg

    pair = pd.concat([x, y], axis=1).dropna()
    n = len(pair)
    if n < MIN_PAIRS or pair.iloc[:, 0].nunique() < 2 or pair.iloc[:, 1].nunique() < 2:
        return {"n": n, "rho": math.nan, "CI95_low": math.nan, "CI95_high": math.nan, "p": math.nan}
    result = pg.corr(pair.iloc[:, 0], pair.iloc[:, 1], method="spearman")
    rho = float(result["r"].iloc[0])
    low, high = _bonett_wright_interval(rho, n)
    return {"n": n, "rho": rho, "CI95_low": low, "CI95_high": high, "p": float(result["p_val"].iloc[0])}


def _bonett_wright_interval(rho: float, n: int, level: float = 0.95) -> tuple[float, float]:
    """CI of Spearman's rho: tanh(atanh(rho) -+ z * sqrt((1 + rho^2 / 2) / (n - 3))) (Bonett & Wright, 2000)."""
    from scipy.stats import norm

    if abs(rho) >= 1:  # a perfect rank correlation: the transformation has no finite value
        return rho, rho
    half = norm.ppf(0.5 + level / 2) * math.sqrt((1 + rho ** 2 / 2) / (n - 3))
    return math.tanh(math.atanh(rho) - half), math.tanh(math.atanh(rho) + half)


def construct_statistics(frame: "pd.DataFrame", constructs: list["Construct"], groups: list[str], test: str,
                         k: int) -> tuple["pd.DataFrame", "pd.DataFrame"]:
    """Correlations (construct, pair, n, rho, CI, p, p_holm) and group comparisons (construct, source, ...).

    Comparison columns: ``n.<group>`` (people with a value), ``n1``/``n2``
    (two-group studies), and where a test was made ``test``, ``groups``
    (compared, comma-separated), ``k``, ``statistic``, ``df``, ``df2``, ``p``,
    ``effect``, ``effect_size``, ``effect_CI95_low/high``,
    ``location.<group>`` and ``p_holm``. Both frames may be empty.
    """
    import pandas as pd
    import pingouin as pg

    from ..disclosure import shown_count
    from ..survey.omnibus import compare_k_groups

    correlations, comparisons = [], []
    for construct in constructs:
        for a, b in PAIRS:
            if a in construct.indicators and b in construct.indicators:
                stats = spearman(oriented(frame, construct, a), oriented(frame, construct, b))
                correlations.append({"construct": construct.id, "source_a": a, "source_b": b, **stats})
        if len(groups) < 2:
            continue
        for source in construct.indicators:
            values = oriented(frame, construct, source)
            samples = {g: values[frame["group"] == g].dropna().to_numpy() for g in groups}
            # Group sizes as published: under k withheld (None), like every count (mixedmethods.disclosure).
            record: dict = {"construct": construct.id, "source": source,
                            **{f"n.{g}": shown_count(len(v), k) for g, v in samples.items()}}
            if len(groups) == 2:  # the two-group columns of the first version, kept for readers of results.json
                record.update({"n1": record[f"n.{groups[0]}"], "n2": record[f"n.{groups[1]}"]})
            large = {g: v for g, v in samples.items() if len(v) >= max(MIN_GROUP, k)}
            # As in the first version: no test when no group varies within itself (e.g. all 0 vs all 1).
            varies = sum(len(set(v)) for v in large.values()) > len(large)
            omnibus = compare_k_groups(large, test)[0] if len(large) >= 2 and varies else None
            if omnibus is not None:
                record.update({"test": omnibus.test, "groups": ", ".join(omnibus.groups), "k": omnibus.k,
                               "statistic": omnibus.statistic, "df": omnibus.df, "df2": omnibus.df2, "p": omnibus.p,
                               "effect": omnibus.effect, "effect_size": omnibus.effect_size,
                               "effect_CI95_low": omnibus.effect_ci[0], "effect_CI95_high": omnibus.effect_ci[1],
                               **{f"location.{g}": value for g, value in omnibus.location.items()}})
            comparisons.append(record)
    correlations_frame = pd.DataFrame(correlations, columns=["construct", "source_a", "source_b", "n", "rho",
                                                             "CI95_low", "CI95_high", "p"])
    comparisons_frame = pd.DataFrame(comparisons)
    if comparisons_frame.empty:
        comparisons_frame = pd.DataFrame(columns=["construct", "source", "p"])
    elif "p" not in comparisons_frame:
        comparisons_frame["p"] = math.nan
    # Holm over the family of all triangulation tests that gave a p value.
    p_values = [*(correlations_frame.get("p", pd.Series(dtype=float)).tolist()),
                *(comparisons_frame.get("p", pd.Series(dtype=float)).tolist())]
    tested = [i for i, p in enumerate(p_values) if p == p]
    adjusted = [math.nan] * len(p_values)
    if tested:
        holm = pg.multicomp([p_values[i] for i in tested], method="holm")[1]
        for index, value in zip(tested, holm):
            adjusted[index] = float(value)
    split = len(correlations_frame)
    correlations_frame["p_holm"] = adjusted[:split]
    comparisons_frame["p_holm"] = adjusted[split:]
    return correlations_frame, comparisons_frame
