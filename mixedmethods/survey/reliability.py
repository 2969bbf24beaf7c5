"""Internal consistency of a scale: Cronbach's alpha, McDonald's omega, corrected item-total r.

Alpha, its interval and omega are all computed on the same respondents, those
who answered every item of the scale (complete cases), and that n is the one
reported: the Feldt interval depends on n, so a pairwise alpha with an
interval taken on another n would not match its label. Omega needs a
one-factor model, identified from three items on: a scale of one or two items
has no omega (NaN, printed as a dash). Omega's 95% interval is a percentile
bootstrap over respondents (:data:`OMEGA_RESAMPLES` resamples of the complete
cases, seeded from their content, so the same answers give the same interval
in any row order). The optimiser's starting values are fixed (statsmodels
draws them from fresh entropy otherwise, which moved omega in its 7th digit
between runs), so every number is the same from one run to the next.

References
----------
Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
*Psychometrika*, 16(3), 297-334.
Feldt, L. S., Woodruff, D. J., & Salih, F. A. (1987). Statistical inference for
coefficient alpha. *Applied Psychological Measurement*, 11(1), 93-103.
McDonald, R. P. (1999). *Test theory: A unified treatment*. Erlbaum.
Efron, B., & Tibshirani, R. J. (1993). *An introduction to the bootstrap*.
Chapman & Hall (percentile interval, ch. 13).
Hayes, A. F., & Coutts, J. J. (2020). Use omega rather than Cronbach's alpha for
estimating reliability. But... *Communication Methods and Measures*, 14(1), 1-24.
"""

from __future__ import annotations

import math

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd


OMEGA_RESAMPLES = 1000  # percentile bootstrap of omega: each resample refits the one-factor model
MIN_OMEGA_ITEMS = 3  # a one-factor model is identified from three items on


@dataclass
class Reliability:
    """Reliability of one scale: alpha, its CI and omega all on the ``n`` complete cases.

    ``omega_ci`` is the 95% percentile bootstrap interval of omega
    (``omega_resamples`` resamples of respondents); NaN where omega is not
    estimable (fewer than three items, or not more respondents than items).
    """

    n: int
    items: int
    alpha: float
    alpha_ci: tuple[float, float]
    omega: float
    omega_ci: tuple[float, float] = (math.nan, math.nan)
    omega_resamples: int = 0


def cronbach_alpha(items: "pd.DataFrame") -> tuple[float, tuple[float, float]]:
    """Alpha with its 95% CI (Feldt et al., 1987), from pingouin, on the complete cases (listwise).

    Listwise, so that the interval's n is the n of the alpha and the one
    printed beside it (see the module docstring).

    Returns
    -------
    alpha, (lower, upper)
    """
    import pingouin as pg

    complete = items.dropna()
    if len(complete) < 2 or items.shape[1] < 2:
        return math.nan, (math.nan, math.nan)  # alpha needs two respondents and two items
    alpha, ci = pg.cronbach_alpha(data=complete, ci=0.95, nan_policy="listwise")
    return float(alpha), (float(ci[0]), float(ci[1]))


def _omega_from_correlations(correlations: "np.ndarray", n: int, gtol: float | None = None) -> float:
    """Omega total of a one-factor ML model fitted to a correlation matrix (statsmodels, fixed start).

    ``gtol``: the optimiser's gradient tolerance; the bootstrap's resamples use 1e-5 (half the time; omega moves
    in its 6th decimal), the reported omega scipy's default.
    """
    import warnings

    from statsmodels.multivariate.factor import Factor

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a resample may converge slowly; its omega is still the model's
        fitted = Factor(corr=correlations, n_factor=1, method="ml", nobs=n).fit(
            rng=0, opt=None if gtol is None else {"gtol": gtol})
    loadings = fitted.loadings[:, 0]
    if loadings.sum() < 0:  # the sign of a factor is arbitrary
        loadings = -loadings
    common = float(loadings.sum()) ** 2
    return common / (common + float(fitted.uniqueness.sum()))


EM_ITERATIONS = 2000
EM_TOLERANCE = 1e-9


def _bootstrap_omegas(matrices: "np.ndarray", n: int) -> list[float]:
    """Omega of each resample's correlation matrix (``matrices``: resamples x items x items).

    The one-factor ML model of every resample is fitted at once by the EM
    algorithm of Rubin & Thayer (1982), vectorised over the resamples (each
    left where it stopped once its steps move less than :data:`EM_TOLERANCE`,
    the others go on) and started from each matrix's first principal component; EM climbs the same
    likelihood as statsmodels' ``Factor`` (method ``ml``) to the same maximum,
    about 15 times faster here than one optimiser call per resample. A
    resample that has not converged after :data:`EM_ITERATIONS` steps, or whose
    solution sits at the uniqueness bound (a Heywood case, where the two
    optimisers may stop at different points of a flat likelihood), is refitted
    with statsmodels, so every value is the one :func:`_omega_from_correlations`
    gives within its tolerance (tests/test_methods_labels.py).

    Rubin, D. B., & Thayer, D. T. (1982). EM algorithms for ML factor analysis.
    *Psychometrika*, 47(1), 69-76.
    """
    import numpy as np

    values, eigenvectors = np.linalg.eigh(matrices)
    loadings = eigenvectors[:, :, -1] * np.sqrt(np.clip(values[:, -1], 0, None))[:, None]
    uniquenesses = np.clip(1 - loadings ** 2, 0.005, 1)
    converged = np.zeros(len(matrices), dtype=bool)
    active = np.arange(len(matrices))  # the resamples still moving: a converged one is left where it stopped
    for _ in range(EM_ITERATIONS):
        # One factor: Sigma^-1 = Psi^-1 - Psi^-1 l l' Psi^-1 / (1 + l' Psi^-1 l), so beta = l' Sigma^-1 is a vector.
        old_loadings, old_uniquenesses = loadings[active], uniquenesses[active]
        weighted = old_loadings / old_uniquenesses
        beta = weighted / (1 + (old_loadings * weighted).sum(axis=1))[:, None]
        r_beta = np.einsum("bij,bj->bi", matrices[active], beta)
        second_moment = 1 - (beta * old_loadings).sum(axis=1) + (beta * r_beta).sum(axis=1)
        new_loadings = r_beta / second_moment[:, None]
        new_uniquenesses = np.clip(1 - new_loadings * r_beta, 0.005, None)  # diag(R - l_new beta R), diag(R) = 1
        change = (np.abs(new_loadings - old_loadings).max(axis=1)
                  + np.abs(new_uniquenesses - old_uniquenesses).max(axis=1))
        loadings[active], uniquenesses[active] = new_loadings, new_uniquenesses
        done = change < EM_TOLERANCE
        converged[active[done]] = True
        active = active[~done]
        if not len(active):
            break
    refit = ~converged | (uniquenesses <= 0.0051).any(axis=1)
    sums = np.abs(loadings.sum(axis=1))
    omegas = sums ** 2 / (sums ** 2 + uniquenesses.sum(axis=1))
    for index in np.flatnonzero(refit):
        omegas[index] = _omega_from_correlations(matrices[index], n, gtol=1e-5)
    return omegas.tolist()


def _resampled_correlations(rows: "np.ndarray", rng: "np.random.Generator", resamples: int) -> "np.ndarray":
    """Correlation matrices of ``resamples`` bootstrap resamples of ``rows`` (sorted), without copying the rows.

    Each resample is drawn as n row indices, as before (the same random numbers, so the same resamples),
    but only how often each distinct answer pattern is drawn is kept: its weighted moments give the
    correlations (equal to ``numpy.corrcoef`` of the resampled rows up to rounding), in time that grows
    with the patterns, not with n times the resamples. Resamples in which an item does not vary are
    skipped, as their correlations are undefined.
    """
    import numpy as np

    n, items = rows.shape
    patterns, pattern_of = np.unique(rows, axis=0, return_inverse=True)
    pattern_of = pattern_of.ravel()
    weights = np.stack([np.bincount(pattern_of[rng.integers(0, n, n)], minlength=len(patterns))
                        for _ in range(resamples)]).astype(float) if resamples else np.zeros((0, len(patterns)))
    # An item varies in a resample when at least two of its values are drawn (exact, on the counts).
    varies = np.ones(len(weights), dtype=bool)
    for item in range(items):
        values = np.unique(patterns[:, item])
        drawn = weights @ (patterns[:, item][:, None] == values[None, :])
        varies &= (drawn > 0).sum(axis=1) >= 2
    weights = weights[varies]
    centred = patterns - rows.mean(axis=0)  # centred on the full sample: little cancellation below
    means = weights @ centred / n
    products = (centred[:, :, None] * centred[:, None, :]).reshape(len(patterns), -1)
    covariances = (weights @ products / n).reshape(-1, items, items) - means[:, :, None] * means[:, None, :]
    scale = np.sqrt(np.einsum("bii->bi", covariances))
    return np.clip(covariances / scale[:, :, None] / scale[:, None, :], -1, 1)  # clipped as numpy.corrcoef


def omega_with_ci(items: "pd.DataFrame", resamples: int = OMEGA_RESAMPLES) -> tuple[float, tuple[float, float]]:
    """Omega (see :func:`mcdonald_omega`) and its 95% percentile bootstrap CI over respondents (complete cases).

    Resamples whose correlation matrix is undefined (an item without
    variation) are skipped; with fewer than 90% of them left, no interval.
    """
    import numpy as np

    from .omnibus import content_seed

    omega = mcdonald_omega(items)
    complete = items.dropna().to_numpy(dtype=float)
    if not math.isfinite(omega) or resamples < 1:
        return omega, (math.nan, math.nan)
    # Rows sorted, and the seed from their content: the same answers give the same interval in any row order.
    rows = sorted(map(tuple, complete.tolist()))
    complete = np.asarray(rows, dtype=float)
    rng = np.random.default_rng(content_seed([[float(v) for row in rows for v in row]]))
    n = len(complete)
    matrices = _resampled_correlations(complete, rng, resamples)
    values = _bootstrap_omegas(matrices, n) if len(matrices) else []
    if len(values) < 0.9 * resamples:
        return omega, (math.nan, math.nan)
    low, high = np.percentile(values, [2.5, 97.5])
    return omega, (round(float(low), 6), round(float(high), 6))


def mcdonald_omega(items: "pd.DataFrame") -> float:
    """Omega total from a one-factor maximum-likelihood model (McDonald, 1999).

    ``omega = (sum of loadings)^2 / ((sum of loadings)^2 + sum of uniquenesses)``,
    with standardised loadings and uniquenesses fitted on the
    complete cases (statsmodels' ``Factor``, method ``ml``, on the correlation
    matrix). It assumes the scale is unidimensional (congeneric items).
    """
    import numpy as np

    complete = items.dropna().to_numpy(dtype=float)
    # A one-factor model is identified from three items on, and needs more complete respondents than items.
    if items.shape[1] < MIN_OMEGA_ITEMS or len(complete) <= items.shape[1] or (complete.std(axis=0) == 0).any():
        return math.nan
    # Fixed starting values (rng=0) and 6 decimals: the same data give the same omega on every run.
    return round(_omega_from_correlations(np.corrcoef(complete, rowvar=False), len(complete)), 6)


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


def scale_reliability(items: "pd.DataFrame", resamples: int = OMEGA_RESAMPLES) -> Reliability:
    """Alpha (with CI) and omega (with CI) for the keyed items of one scale, all on its complete cases."""
    alpha, ci = cronbach_alpha(items)
    omega, omega_ci = omega_with_ci(items, resamples)
    return Reliability(n=int(len(items.dropna())), items=items.shape[1], alpha=alpha, alpha_ci=ci,
                       omega=omega, omega_ci=omega_ci,
                       omega_resamples=resamples if math.isfinite(omega_ci[0]) else 0)
