"""Does a scale measure one thing? The fit of a one-factor confirmatory factor analysis (CFA) per scale.

Each scale's keyed items are fitted to one factor by maximum likelihood
(semopy's ``MLW`` objective on the covariance matrix of the complete cases,
the loading of the first item fixed to 1): the model chi-square with its
degrees of freedom and *p*, CFI (Bentler, 1990) and TLI (from semopy), the RMSEA and its 90%
confidence interval (inverting the noncentral chi-square, Browne & Cudeck,
1993, as lavaan does) and the SRMR (standardised root mean square residual,
Bentler's form, the one lavaan prints: residual covariances over the product
of the observed standard deviations, averaged over the lower triangle with its
diagonal). Cut-offs commonly cited for a good fit: CFI >= .95, RMSEA <= .06,
SRMR <= .08 (Hu & Bentler, 1999).

A scale whose fit cannot be tested gets the reason instead of numbers:
fewer than three items (the model is not identified), exactly three items (the
model is just identified: df = 0, it reproduces any covariance matrix, so its
fit is not testable), an item without variance, no more complete cases than
the model's free parameters, or an estimation that did not converge.

semopy is imported only when a model is fitted (its import takes about a
second and pulls in sympy).

References
----------
Bentler, P. M. (1990). Comparative fit indexes in structural models.
*Psychological Bulletin, 107*(2), 238-246.
Browne, M. W., & Cudeck, R. (1993). Alternative ways of assessing model fit. In
K. A. Bollen & J. S. Long (Eds.), *Testing structural equation models* (pp.
136-162). Sage.
Hu, L., & Bentler, P. M. (1999). Cutoff criteria for fit indexes in covariance
structure analysis: Conventional criteria versus new alternatives. *Structural
Equation Modeling, 6*(1), 1-55. https://doi.org/10.1080/10705519909540118
Igolkina, A. A., & Meshcheryakov, G. (2020). semopy: A Python package for
structural equation modeling. *Structural Equation Modeling, 27*(6), 952-963.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

# Reasons a model was not fitted (kept in results.json; the chapter words them in the report's language).
TOO_FEW_ITEMS = "fewer than 3 items"
JUST_IDENTIFIED = "3 items: df = 0"
NO_VARIANCE = "an item without variance"
TOO_FEW_CASES = "too few complete cases"
NOT_CONVERGED = "no convergence"
RMSEA_CI_LEVEL = 0.90  # the level lavaan and most journals print
# Hu & Bentler (1999): a good fit has CFI >= .95, RMSEA <= .06 and SRMR <= .08 (their combination rules, p. 28).
CUTOFFS = {"CFI": (">=", 0.95), "RMSEA": ("<=", 0.06), "SRMR": ("<=", 0.08)}
# Compared as the report prints them, so that a printed RMSEA of .060 is never said to miss .06.
PRINTED_DECIMALS = {"CFI": 2, "RMSEA": 3, "SRMR": 3}

FIT_COLUMNS = ("scale", "items", "n", "chi2", "df", "p", "cfi", "tli", "rmsea", "rmsea_CI90_low",
               "rmsea_CI90_high", "srmr", "cutoffs_not_met", "not_estimable")


@dataclass
class FactorFit:
    """Fit of one CFA model; ``not_estimable`` holds the reason when it was not fitted (numbers are NaN)."""

    items: int
    n: int
    chi2: float = math.nan
    df: float = math.nan
    p: float = math.nan
    cfi: float = math.nan
    tli: float = math.nan
    rmsea: float = math.nan
    rmsea_ci: tuple[float, float] = (math.nan, math.nan)
    srmr: float = math.nan
    not_estimable: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def record(self) -> dict[str, Any]:
        """The fit as one row of :data:`FIT_COLUMNS` (without ``scale``)."""
        return {"items": self.items, "n": self.n, "chi2": self.chi2, "df": self.df, "p": self.p, "cfi": self.cfi,
                "tli": self.tli, "rmsea": self.rmsea, "rmsea_CI90_low": self.rmsea_ci[0],
                "rmsea_CI90_high": self.rmsea_ci[1], "srmr": self.srmr,
                "cutoffs_not_met": None if self.not_estimable else ", ".join(cutoffs_not_met(self)),
                "not_estimable": self.not_estimable}


def _name(column: Any, index: int) -> str:
    """A variable name semopy's model syntax reads (item ids may hold dots or dashes)."""
    return f"v{index}_" + re.sub(r"\W", "_", str(column))


def cutoffs_not_met(fit: "FactorFit") -> list[str]:
    """The indices of a fitted model that miss Hu & Bentler's (1999) cut-offs (:data:`CUTOFFS`), in that order.

    Each index is rounded as the report prints it (:data:`PRINTED_DECIMALS`) before the comparison.

    >>> cutoffs_not_met(FactorFit(items=5, n=100, cfi=0.97, rmsea=0.07, srmr=0.05))
    ['RMSEA']
    >>> cutoffs_not_met(FactorFit(items=5, n=100, cfi=0.9496, rmsea=0.0603, srmr=0.0805))
    ['SRMR']
    """
    values = {name: round(value, PRINTED_DECIMALS[name])
              for name, value in (("CFI", fit.cfi), ("RMSEA", fit.rmsea), ("SRMR", fit.srmr))}
    return [name for name, (side, bound) in CUTOFFS.items()
            if not (values[name] >= bound if side == ">=" else values[name] <= bound)]


def rmsea_interval(chi2: float, df: float, n: int, level: float = RMSEA_CI_LEVEL) -> tuple[float, float]:
    """Confidence interval of the RMSEA from the noncentral chi-square (Browne & Cudeck, 1993).

    The bounds are the noncentrality parameters for which the observed chi-square sits at the upper and lower
    (1 - level)/2 quantiles (scipy's ``ncx2``), turned into RMSEA as sqrt(lambda / (df n)), lavaan's form
    (the point estimate is sqrt(max(chi2 - df, 0) / (df n))).
    """
    from scipy.optimize import brentq
    from scipy.stats import ncx2

    if not (df > 0 and n > 1 and math.isfinite(chi2)):
        return math.nan, math.nan

    def noncentrality(probability: float) -> float:
        def gap(lam: float) -> float:
            return float(ncx2.cdf(chi2, df, lam)) - probability
        if gap(1e-10) < 0:  # even a central chi-square puts the statistic below this quantile
            return 0.0
        high = max(10.0, 2 * chi2)
        while gap(high) > 0:
            high *= 2
        return float(brentq(gap, 1e-10, high, xtol=1e-10))

    tail = (1 - level) / 2
    return tuple(math.sqrt(noncentrality(p) / (df * n)) for p in (1 - tail, tail))  # type: ignore[return-value]


def fit_factors(data: "pd.DataFrame", factors: dict[str, list[str]]) -> FactorFit:
    """Fit a CFA (each factor measured by its columns of ``data``, factors correlated) on the complete cases.

    Parameters
    ----------
    data : one column per observed variable, one row per respondent (NaN = missing; rows with any missing
        value in the model's columns are left out).
    factors : factor name -> its columns, lavaan's ``factor =~ a + b + c``.

    Returns
    -------
    FactorFit : chi-square, df, p, CFI, TLI, RMSEA with its 90% CI, SRMR; or the reason in ``not_estimable``.
    """
    import numpy as np

    columns = list(dict.fromkeys(c for items in factors.values() for c in items))
    complete = data[columns].astype("float64").dropna()
    n, p = len(complete), len(columns)
    result = FactorFit(items=p, n=n)
    free = 2 * p - len(factors) + len(factors) * (len(factors) + 1) // 2  # loadings, residuals, factor (co)variances
    moments = p * (p + 1) // 2
    if any(len(items) < 3 for items in factors.values()) and len(factors) == 1:
        result.not_estimable = TOO_FEW_ITEMS
        return result
    if moments - free == 0:
        result.not_estimable = JUST_IDENTIFIED
        return result
    if n <= free:
        result.not_estimable = TOO_FEW_CASES
        return result
    if (complete.std(ddof=0) == 0).any():
        result.not_estimable = NO_VARIANCE
        return result
    import semopy

    names = {c: _name(c, i) for i, c in enumerate(columns)}
    frame = complete.rename(columns=names)
    syntax = "\n".join(f"{_name(f, i)}_f =~ " + " + ".join(names[c] for c in items)
                       for i, (f, items) in enumerate(factors.items()))
    model = semopy.Model(syntax)
    try:
        with np.errstate(all="ignore"):
            fitted = model.fit(frame)
            stats = semopy.calc_stats(model).T["Value"]
    except (ValueError, np.linalg.LinAlgError, ArithmeticError):
        result.not_estimable = NOT_CONVERGED
        return result
    if not getattr(fitted, "success", False) or not math.isfinite(float(stats["chi2"])):
        result.not_estimable = NOT_CONVERGED
        return result
    result.chi2, result.df = float(stats["chi2"]), float(stats["DoF"])
    result.p, result.tli = float(stats["chi2 p-value"]), float(stats["TLI"])
    # semopy returns 1 - (chi2 - df) / (chi2_baseline - df_baseline), which exceeds 1 when chi2 < df; the CFI of
    # Bentler (1990) takes max(chi2 - df, 0) and lies in [0, 1], as lavaan prints it.
    result.cfi = min(1.0, max(0.0, float(stats["CFI"])))
    # RMSEA with N in the denominator, as lavaan computes it (semopy divides by N - 1): point and interval agree.
    result.rmsea = math.sqrt(max(result.chi2 - result.df, 0.0) / (result.df * n))
    result.rmsea_ci = rmsea_interval(result.chi2, result.df, n)
    observed = model.mx_cov
    implied = model.calc_sigma()[0]
    sd = np.sqrt(np.diag(observed))
    residual = (observed - implied) / np.outer(sd, sd)
    lower = np.tril_indices(p)
    result.srmr = float(np.sqrt(np.mean(residual[lower] ** 2)))
    return result


def one_factor_fit(items: "pd.DataFrame") -> FactorFit:
    """Fit of one factor to the (keyed) items of a scale: see the module docstring.

    >>> import pandas as pd
    >>> one_factor_fit(pd.DataFrame({"a": [1, 2, 3, 4], "b": [2, 2, 3, 5]})).not_estimable
    'fewer than 3 items'
    """
    return fit_factors(items, {"scale": list(items.columns)})
