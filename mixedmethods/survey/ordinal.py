"""Ordinal treatment of Likert items: polychoric correlations and ordinal alpha.

Likert answers are ordered categories, not interval numbers; Pearson
correlations between them are attenuated, most with few answer levels and
skewed answers, and so is Cronbach's alpha computed from them. Ordinal alpha
(Zumbo, Gadermann & Zeisser, 2007) is the alpha of the *polychoric*
correlation matrix: the correlations of the normal variables assumed to
underlie the answers, each answer being that variable cut at thresholds.

A study chooses it with ``survey: reliability: ordinal`` in study.yaml; the
default (``pearson``) is the usual alpha of the item scores.

Each polychoric correlation is the two-step maximum-likelihood estimate
(thresholds from each item's cumulative proportions, then the correlation that
maximises the likelihood of the pair's contingency table; Olsson, 1979), on
the respondents who answered both items (pairwise, like the tool's alpha).
Ordinal alpha is then the standardised alpha of that matrix,
``k / (k - 1) * (1 - k / sum(R))`` for k items (Gadermann, Guhn & Zumbo, 2012,
eq. 2), the formula of standardised alpha on any correlation matrix.

References
----------
Gadermann, A. M., Guhn, M., & Zumbo, B. D. (2012). Estimating ordinal
reliability for Likert-type and ordinal item response data: A conceptual,
empirical, and practical guide. *Practical Assessment, Research & Evaluation,
17*(3), 1-13. https://doi.org/10.7275/n560-j767
Olsson, U. (1979). Maximum likelihood estimation of the polychoric correlation
coefficient. *Psychometrika, 44*(4), 443-460.
Zumbo, B. D., Gadermann, A. M., & Zeisser, C. (2007). Ordinal versions of
coefficients alpha and theta for Likert rating scales. *Journal of Modern
Applied Statistical Methods, 6*(1), 21-29. https://doi.org/10.22237/jmasm/1177992180
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

TREATMENTS = ("pearson", "ordinal")  # study.yaml survey.reliability
BOUND = 8.0  # a threshold "at infinity", in standard deviations


def polychoric(x: "pd.Series", y: "pd.Series") -> float:
    """Polychoric correlation of two ordinal items on the respondents who answered both (Olsson, 1979).

    Two-step maximum likelihood: each item's thresholds are the normal quantiles of its cumulative answer
    proportions; the correlation is the value in (-1, 1) that maximises the multinomial likelihood of the
    pair's contingency table, each cell's probability being the bivariate normal mass of its rectangle
    (scipy's ``multivariate_normal.cdf``, maximised with ``minimize_scalar``). This is the estimator of
    semopy's ``polychoric_corr`` and of R's ``polycor::polychor(ML = FALSE)``; semopy's own function is not
    called because it uses ``scipy.stats.mvn.mvnun``, removed from SciPy 1.17.

    NaN when fewer than three respondents answered both or either item has a single answer level there
    (no threshold, so no correlation to estimate).
    """
    import numpy as np
    from scipy.optimize import minimize_scalar
    from scipy.stats import multivariate_normal, norm

    both = np.column_stack([x.to_numpy(dtype=float), y.to_numpy(dtype=float)])
    both = both[~np.isnan(both).any(axis=1)]
    if len(both) < 3 or len(np.unique(both[:, 0])) < 2 or len(np.unique(both[:, 1])) < 2:
        return math.nan
    levels_x, codes_x = np.unique(both[:, 0], return_inverse=True)
    levels_y, codes_y = np.unique(both[:, 1], return_inverse=True)
    table = np.zeros((len(levels_x), len(levels_y)))
    np.add.at(table, (codes_x, codes_y), 1)

    def thresholds(margin: "np.ndarray") -> "np.ndarray":
        inner = norm.ppf(np.cumsum(margin)[:-1] / margin.sum())
        return np.concatenate([[-BOUND], inner, [BOUND]])  # +-BOUND stands for infinity (mass beyond: < 1e-15)

    tx, ty = thresholds(table.sum(axis=1)), thresholds(table.sum(axis=0))
    grid = np.array([[a, b] for a in tx for b in ty])

    def minus_log_likelihood(rho: float) -> float:
        cdf = multivariate_normal(mean=[0.0, 0.0], cov=[[1.0, rho], [rho, 1.0]]).cdf(grid)
        cdf = np.asarray(cdf).reshape(len(tx), len(ty))
        cells = cdf[1:, 1:] - cdf[:-1, 1:] - cdf[1:, :-1] + cdf[:-1, :-1]
        return float(-(table * np.log(np.clip(cells, 1e-300, None))).sum())

    found = minimize_scalar(minus_log_likelihood, bounds=(-0.9999, 0.9999), method="bounded",
                            options={"xatol": 1e-7})
    return float(found.x)


def polychoric_matrix(items: "pd.DataFrame") -> "pd.DataFrame":
    """Item x item polychoric correlations (1 on the diagonal), pairwise complete."""
    import pandas as pd

    columns = list(items.columns)
    matrix = pd.DataFrame(1.0, index=columns, columns=columns)
    for i, a in enumerate(columns):
        for b in columns[i + 1:]:
            matrix.loc[a, b] = matrix.loc[b, a] = polychoric(items[a], items[b])
    return matrix


def alpha_from_correlations(matrix: "pd.DataFrame | np.ndarray") -> float:
    """Standardised alpha of a k x k correlation matrix: k / (k - 1) * (1 - k / sum of its cells).

    >>> round(alpha_from_correlations([[1, .5, .5], [.5, 1, .5], [.5, .5, 1]]), 4)  # 3 * .5 / (1 + 2 * .5)
    0.75
    """
    import numpy as np

    r = np.asarray(matrix, dtype=float)
    k = r.shape[0]
    if k < 2 or np.isnan(r).any():
        return math.nan
    return float(k / (k - 1) * (1 - k / r.sum()))


def ordinal_alpha(items: "pd.DataFrame") -> float:
    """Ordinal alpha (Zumbo et al., 2007) of the keyed items of one scale; NaN below two items or when a
    polychoric correlation cannot be estimated."""
    if items.shape[1] < 2:
        return math.nan
    return alpha_from_correlations(polychoric_matrix(items))
