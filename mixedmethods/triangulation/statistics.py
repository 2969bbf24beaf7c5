"""Statistics per construct: how the sources' indicators relate, and how the groups differ on each.

* Indicators are first **oriented** so that higher always means more of the
  construct (an indicator whose direction is ``lower`` is negated).
* **Correlation** between two sources' indicators over the participants who
  are in both: Spearman's rho (ranks, because the indicators are ordinal
  scores, shares and counts with skewed distributions), p from pingouin
  (scipy), 95% CI by Fisher's z transformation (pingouin ``compute_esci``).
  With fewer than :data:`MIN_PAIRS` pairs no coefficient is reported.
* **Group comparison** of each indicator: the study's two-group test
  (:mod:`mixedmethods.survey.comparisons`), needing :data:`MIN_GROUP` people
  per group (and at least the study's k).
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
    values = frame[f"{construct.id}.{source}"].astype(float)
    return -values if construct.indicators[source].direction == "lower" else values


def spearman(x: "pd.Series", y: "pd.Series") -> dict[str, float]:
    """n, rho, CI95 (Fisher z) and two-sided p over complete pairs; rho etc. NaN below MIN_PAIRS."""
    import pandas as pd
    import pingouin as pg

    pair = pd.concat([x, y], axis=1).dropna()
    n = len(pair)
    if n < MIN_PAIRS or pair.iloc[:, 0].nunique() < 2 or pair.iloc[:, 1].nunique() < 2:
        return {"n": n, "rho": math.nan, "CI95_low": math.nan, "CI95_high": math.nan, "p": math.nan}
    result = pg.corr(pair.iloc[:, 0], pair.iloc[:, 1], method="spearman")
    rho = float(result["r"].iloc[0])
    low, high = pg.compute_esci(stat=rho, nx=n, eftype="r", decimals=6)
    return {"n": n, "rho": rho, "CI95_low": float(low), "CI95_high": float(high), "p": float(result["p_val"].iloc[0])}


def construct_statistics(frame: "pd.DataFrame", constructs: list["Construct"], groups: list[str], test: str,
                         k: int) -> tuple["pd.DataFrame", "pd.DataFrame"]:
    """Correlations (construct, pair, n, rho, CI, p, p_holm) and group comparisons (construct, source, ...)."""
    import pandas as pd
    import pingouin as pg

    from ..survey.comparisons import compare_groups

    correlations, comparisons = [], []
    for construct in constructs:
        for a, b in PAIRS:
            if a in construct.indicators and b in construct.indicators:
                stats = spearman(oriented(frame, construct, a), oriented(frame, construct, b))
                correlations.append({"construct": construct.id, "source_a": a, "source_b": b, **stats})
        if len(groups) != 2:
            continue
        for source in construct.indicators:
            values = oriented(frame, construct, source)
            x = values[frame["group"] == groups[0]].dropna()
            y = values[frame["group"] == groups[1]].dropna()
            record = {"construct": construct.id, "source": source, "n1": len(x), "n2": len(y)}
            if min(len(x), len(y)) >= max(MIN_GROUP, k) and x.nunique() + y.nunique() > 2:
                c = compare_groups(x, y, test)
                record.update({"test": c.test, "statistic": c.statistic, "p": c.p, "effect": c.effect,
                               "effect_size": c.effect_size, "effect_CI95_low": c.effect_ci[0],
                               "effect_CI95_high": c.effect_ci[1]})
            comparisons.append(record)
    correlations_frame = pd.DataFrame(correlations)
    comparisons_frame = pd.DataFrame(comparisons)
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
    if split:
        correlations_frame["p_holm"] = adjusted[:split]
    if len(comparisons_frame):
        comparisons_frame["p_holm"] = adjusted[split:]
    return correlations_frame, comparisons_frame
