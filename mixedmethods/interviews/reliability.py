"""Intercoder reliability coefficients and their bootstrap intervals over units.

* Cohen's (1960) kappa of two coders' binary judgements: point value from
  statsmodels; :func:`kappa_with_ci` also gives the large-sample interval of
  Fleiss, Cohen & Everitt (1969), which collapses to zero width at perfect
  agreement and when a coder never applied the code, so the report uses the
  bootstrap interval instead.
* Krippendorff's alpha, nominal, any number of coders and missing judgements:
  point value from the ``krippendorff`` package (Krippendorff, 2011).
* Bootstrap intervals: units (paragraphs) are resampled with replacement, each
  with all its judgements; the 95% interval is the 2.5th and 97.5th
  percentile of the replicates that are defined (a resample in which nobody
  varied has no kappa or alpha). This is a unit bootstrap, as recommended for
  alpha and kappa by Zapf et al. (2016), not the algorithm of Hayes &
  Krippendorff (2007), which resamples pairs of values within units with the
  expected disagreement held fixed. Replicates are computed from the resampled
  counts (kappa from its 2 x 2 table, alpha from its coincidence matrix), which
  are sums over units; at the original sample they equal the packages' values
  (``tests/test_agreement.py`` checks this).

References
----------
Cohen, J. (1960). A coefficient of agreement for nominal scales. *Educational and
Psychological Measurement*, 20(1), 37-46.
Fleiss, J. L., Cohen, J., & Everitt, B. S. (1969). Large sample standard errors of
kappa and weighted kappa. *Psychological Bulletin*, 72(5), 323-327.
Hayes, A. F., & Krippendorff, K. (2007). Answering the call for a standard
reliability measure for coding data. *Communication Methods and Measures*, 1(1), 77-89.
Krippendorff, K. (2011). Computing Krippendorff's alpha-reliability.
https://repository.upenn.edu/asc_papers/43
Zapf, A., Castell, S., Morawietz, L., & Karch, A. (2016). Measuring inter-rater
reliability for nominal data - which coefficients and confidence intervals are
appropriate? *BMC Medical Research Methodology*, 16, 93.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Sequence

if TYPE_CHECKING:
    import numpy as np

CHUNK = 250  # resamples per block: bounds the memory of a weights matrix on large studies


def kappa_with_ci(first: Sequence[int], second: Sequence[int]) -> tuple[float, float, float]:
    """Cohen's kappa of two binary ratings with its asymptotic 95% CI (statsmodels); NaN when undefined.

    The interval is Fleiss, Cohen & Everitt's (1969) large-sample one, cut at -1 and 1; it has zero width at
    perfect agreement, which is why the agreement table uses :func:`bootstrap_interval` instead.
    """
    import numpy as np
    from statsmodels.stats.inter_rater import cohens_kappa

    table = np.zeros((2, 2))
    for a, b in zip(first, second):
        table[int(a), int(b)] += 1
    expected = (table.sum(axis=1) @ table.sum(axis=0)) / table.sum() ** 2
    if math.isclose(expected, 1.0):  # both coders gave one and the same value throughout
        return math.nan, math.nan, math.nan
    import warnings

    with warnings.catch_warnings():  # statsmodels divides by a zero SE for perfect agreement
        warnings.simplefilter("ignore", RuntimeWarning)
        result = cohens_kappa(table)
    # The asymptotic interval can pass the bounds of kappa; it is cut at -1 and 1.
    return float(result.kappa), max(-1.0, float(result.kappa_low)), min(1.0, float(result.kappa_upp))


def cohens_kappa(first: Sequence[int], second: Sequence[int]) -> float:
    """Cohen's kappa of two binary ratings (statsmodels); NaN when both coders gave one value throughout."""
    return kappa_with_ci(first, second)[0]


def krippendorff_alpha(data: Sequence[Sequence[float]]) -> float:
    """Nominal alpha of a coders x units matrix (NaN = no judgement); NaN when there is no variation."""
    import krippendorff
    import numpy as np

    matrix = np.asarray(data, dtype=float)
    values = np.unique(matrix[~np.isnan(matrix)])
    if values.size < 2:
        return math.nan
    return float(krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal"))


def kappa_cells(first: "np.ndarray", second: "np.ndarray") -> "np.ndarray":
    """Per unit, one-hot of its 2 x 2 cell: columns (1, 1), (1, 0), (0, 1), (0, 0)."""
    import numpy as np

    a, b = np.asarray(first, dtype=bool), np.asarray(second, dtype=bool)
    return np.column_stack([a & b, a & ~b, ~a & b, ~a & ~b]).astype(float)


def kappa_from_cells(cells: "np.ndarray") -> "np.ndarray":
    """Cohen's kappa from summed cells (``... x 4``, as :func:`kappa_cells`); NaN where undefined.

    Cohen (1960): ``(p_o - p_e) / (1 - p_e)``. Both coders apply the code to 20 units, only the first to 5,
    only the second to 10, neither to 15: p_o = .70, p_e = .50, kappa = .40.

    >>> import numpy as np
    >>> round(float(kappa_from_cells(np.array([20.0, 5.0, 10.0, 15.0]))), 2)
    0.4
    """
    import numpy as np

    n11, n10, n01, n00 = (cells[..., i] for i in range(4))
    n = n11 + n10 + n01 + n00
    with np.errstate(invalid="ignore", divide="ignore"):
        first, second = (n11 + n10) / n, (n11 + n01) / n
        observed = (n11 + n00) / n
        expected = first * second + (1 - first) * (1 - second)
        kappa = (observed - expected) / (1 - expected)
    return np.where(np.isclose(expected, 1.0), np.nan, kappa)


def alpha_counts(data: Sequence[Sequence[float]], values: Sequence[float] | None = None) -> "np.ndarray":
    """Per unit of a coders x units matrix, the count of each value and the unit's share of coincidences.

    Returns ``units x 2K`` (K values): the value counts ``n_uc`` of pairable units (two judgements or more)
    and ``n_uc (n_uc - 1) / (m_u - 1)``, the unit's diagonal of the coincidence matrix (Krippendorff, 2011).
    Units with fewer than two judgements get zeros: alpha does not use them.
    """
    import numpy as np

    matrix = np.asarray(data, dtype=float)
    if values is None:
        values = np.unique(matrix[~np.isnan(matrix)])
    counts = np.stack([(matrix == v).sum(axis=0) for v in values], axis=1).astype(float)  # units x K
    m = counts.sum(axis=1, keepdims=True)
    pairable = m >= 2
    counts = np.where(pairable, counts, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        diagonal = np.where(pairable, counts * (counts - 1) / (m - 1), 0.0)
    return np.concatenate([counts, diagonal], axis=1)


def alpha_from_counts(summed: "np.ndarray") -> "np.ndarray":
    """Nominal alpha from summed :func:`alpha_counts` (``... x 2K``); NaN where no value varies.

    ``alpha = 1 - (n - 1) (n - sum_c o_cc) / (n^2 - sum_c n_c^2)`` (Krippendorff, 2011, nominal metric).
    """
    import numpy as np

    k = summed.shape[-1] // 2
    n_c, o_cc = summed[..., :k], summed[..., k:]
    n = n_c.sum(axis=-1)
    expected = n ** 2 - (n_c ** 2).sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        alpha = 1 - (n - 1) * (n - o_cc.sum(axis=-1)) / expected
    return np.where(expected <= 0, np.nan, alpha)


def resample_weights(n_units: int, resamples: int, seed: int) -> "list[np.ndarray]":
    """How often each unit is drawn in each resample (blocks of ``resamples x n_units``), drawing with replacement."""
    import numpy as np

    rng = np.random.default_rng(seed)
    blocks, left = [], resamples
    while left > 0:
        size = min(CHUNK, left)
        # A count never exceeds n_units: small integers keep 2,000 resamples of many paragraphs in memory.
        dtype = np.uint16 if n_units < 2 ** 16 else np.int64
        blocks.append(rng.multinomial(n_units, np.full(n_units, 1 / n_units), size=size).astype(dtype))
        left -= size
    return blocks


def replicates(weights: "list[np.ndarray]", per_unit: "np.ndarray", statistic) -> "np.ndarray":
    """``statistic`` of the weighted sums of ``per_unit`` (units x features), one value per resample."""
    import numpy as np

    return np.concatenate([statistic(block.astype(float) @ per_unit) for block in weights])


def percentile_interval(values: "np.ndarray") -> tuple[float, float, int]:
    """2.5th and 97.5th percentiles of the defined replicates, and how many were defined (NaN, NaN, 0 if none)."""
    import numpy as np

    defined = values[~np.isnan(values)]
    if defined.size == 0:
        return math.nan, math.nan, 0
    low, high = np.percentile(defined, [2.5, 97.5])
    return float(low), float(high), int(defined.size)


def kappa_label(kappa: float) -> str:
    """Landis & Koch (1977) band of a kappa value (English key; the report translates it)."""
    if math.isnan(kappa):
        return "undefined"
    for limit, label in ((0.0, "poor"), (0.205, "slight"), (0.405, "fair"), (0.605, "moderate"),
                         (0.805, "substantial")):
        if kappa < limit:
            return label
    return "almost perfect"


def alpha_label(alpha: float) -> str:
    """Krippendorff (2004) reading of an alpha value."""
    if math.isnan(alpha):
        return "undefined"
    return "reliable" if alpha >= 0.800 else "tentative" if alpha >= 0.667 else "unreliable"


def kappa_with_bootstrap(first: Sequence[int], second: Sequence[int], resamples: int = 2000,
                         seed: int | None = None) -> tuple[float, float, float, int]:
    """Cohen's kappa of two binary ratings, its 95% unit-bootstrap percentile interval and the defined resamples.

    ``seed`` defaults to one derived from the data's content (the same pairs give the same interval in any
    order). The interval is NaN when no resample is defined.
    """
    import numpy as np

    from ..survey.omnibus import content_seed

    cells = kappa_cells(np.asarray(first), np.asarray(second))
    order = np.lexsort(cells.T[::-1])  # resample from a canonical order, so row order cannot matter
    cells = cells[order]
    if seed is None:
        seed = content_seed([cells @ np.arange(4)])
    boots = replicates(resample_weights(len(cells), resamples, seed), cells, kappa_from_cells)
    low, high, defined = percentile_interval(boots)
    return cohens_kappa(first, second), low, high, defined


def alpha_with_bootstrap(data: Sequence[Sequence[float]], resamples: int = 2000,
                         seed: int | None = None) -> tuple[float, float, float, int]:
    """Nominal alpha of a coders x units matrix, its 95% unit-bootstrap percentile interval, defined resamples.

    Units are resampled with all their judgements; units with fewer than two judgements do not count.
    """
    import numpy as np

    from ..survey.omnibus import content_seed

    matrix = np.asarray(data, dtype=float)
    per_unit = alpha_counts(matrix)
    per_unit = per_unit[per_unit[:, : per_unit.shape[1] // 2].sum(axis=1) >= 2]
    per_unit = per_unit[np.lexsort(per_unit.T[::-1])] if per_unit.size else per_unit
    if seed is None:
        seed = content_seed([row for row in per_unit])
    alpha = krippendorff_alpha(matrix)
    if per_unit.size == 0:
        return alpha, math.nan, math.nan, 0
    boots = replicates(resample_weights(len(per_unit), resamples, seed), per_unit, alpha_from_counts)
    low, high, defined = percentile_interval(boots)
    return alpha, low, high, defined
