"""Internal consistency of a scale: Cronbach's alpha, McDonald's omega, corrected item-total r.

References
----------
Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
*Psychometrika*, 16(3), 297-334.
Feldt, L. S., Woodruff, D. J., & Salih, F. A. (1987). Statistical inference for
coefficient alpha. *Applied Psychological Measurement*, 11(1), 93-103.
McDonald, R. P. (1999). *Test theory: A unified treatment*. Erlbaum.
Hayes, A. F., & Coutts, J. J. (2020). Use omega rather than Cronbach's alpha for
estimating reliability. But... *Communication Methods and Measures*, 14(1), 1-24.
"""

from __future__ import annotations

import math

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd


@dataclass
class Reliability:
    """Reliability of one scale. ``n`` is the number of complete cases used for omega."""

    n: int
    items: int
    alpha: float
    alpha_ci: tuple[float, float]
    omega: float


def cronbach_alpha(items: "pd.DataFrame") -> tuple[float, tuple[float, float]]:
    """Alpha with its 95% CI (Feldt et al., 1987), from pingouin, pairwise deletion.

    Returns
    -------
    alpha, (lower, upper)
    """
    import pingouin as pg

    if len(items.dropna(how="all")) < 2 or items.shape[1] < 2:
        return math.nan, (math.nan, math.nan)  # alpha needs two respondents and two items
    alpha, ci = pg.cronbach_alpha(data=items, ci=0.95, nan_policy="pairwise")
    return float(alpha), (float(ci[0]), float(ci[1]))


def mcdonald_omega(items: "pd.DataFrame") -> float:
    """Omega total from a one-factor maximum-likelihood model (McDonald, 1999).

    ``omega = (sum of loadings)^2 / ((sum of loadings)^2 + sum of uniquenesses)``,
    with standardised loadings and uniquenesses fitted on the
    complete cases (statsmodels' ``Factor``, method ``ml``, on the correlation
    matrix). It assumes the scale is unidimensional (congeneric items).
    """
    from statsmodels.multivariate.factor import Factor

    complete = items.dropna()
    # A one-factor model is identified from three items on, and needs more complete respondents than items.
    if items.shape[1] < 3 or len(complete) <= items.shape[1]:
        return math.nan
    fitted = Factor(complete.to_numpy(dtype=float), n_factor=1, method="ml").fit()
    loadings = fitted.loadings[:, 0]
    if loadings.sum() < 0:  # the sign of a factor is arbitrary
        loadings = -loadings
    uniquenesses = fitted.uniqueness
    common = float(loadings.sum()) ** 2
    return common / (common + float(uniquenesses.sum()))


def corrected_item_total(items: "pd.DataFrame") -> "pd.DataFrame":
    """Pearson r of each item with the sum of the *other* items (pingouin), complete pairs.

    Returns
    -------
    DataFrame with columns ``item``, ``n``, ``r``, ``CI95_low``, ``CI95_high``.
    """
    import pandas as pd
    import pingouin as pg

    rows = []
    for item in items.columns:
        rest = items.drop(columns=item).sum(axis=1, min_count=items.shape[1] - 1)
        pair = pd.concat([items[item], rest], axis=1).dropna()
        if len(pair) < 3 or pair.iloc[:, 0].nunique() < 2 or pair.iloc[:, 1].nunique() < 2:
            rows.append({"item": item, "n": len(pair), "r": math.nan, "CI95_low": math.nan, "CI95_high": math.nan})
            continue  # no correlation from fewer than three pairs or a constant
        result = pg.corr(pair.iloc[:, 0], pair.iloc[:, 1])
        ci = result["CI95"].iloc[0] if "CI95" in result else result["CI95%"].iloc[0]
        rows.append({"item": item, "n": int(result["n"].iloc[0]), "r": float(result["r"].iloc[0]),
                     "CI95_low": float(ci[0]), "CI95_high": float(ci[1])})
    return pd.DataFrame(rows)


def scale_reliability(items: "pd.DataFrame") -> Reliability:
    """Alpha (with CI) and omega for the keyed items of one scale."""
    alpha, ci = cronbach_alpha(items)
    return Reliability(n=int(len(items.dropna())), items=items.shape[1], alpha=alpha, alpha_ci=ci,
                       omega=mcdonald_omega(items))
