"""Bootstrap intervals computed from counts: resampling cost grows with the distinct values, not with n.

Resampling a group of ``n`` values with replacement is the same as drawing,
for each distinct value, how many times it is drawn: the counts over the
distinct values follow a multinomial(n, observed shares) distribution (Efron
& Tibshirani, 1993, ch. 6: the bootstrap samples from the empirical
distribution, which puts mass ``count / n`` on each distinct value). The
statistics of this module depend on a sample only through those counts:

* the rank-biserial r: with the pooled distinct values sorted,
  ``U = sum_l a_l (B_<l + b_l / 2)``, where ``a_l``, ``b_l`` are the two
  groups' counts at level ``l`` and ``B_<l`` the second group's count below it
  (mid-ranks for ties, as scipy's ``mannwhitneyu``);
* Kruskal-Wallis H: the mid-rank of level ``l`` is ``T_<l + (T_l + 1) / 2``
  from the pooled counts ``T``, with the tie correction
  ``1 - sum(T_l^3 - T_l) / (N^3 - N)`` (Kruskal & Wallis, 1952);
* Welch's (1951) F: weighted means and variances of the levels;
* the bias-corrected Gini coefficient: the sorted values are the levels
  repeated by their counts.

So one resample costs O(L) for L distinct values (about 25 for a scale score
of 4-6 five-point items, whatever the number of respondents) instead of a
sort of n values. The jackknife behind BCa's acceleration is exact and also
O(L): leaving out any one of the ``c_l`` observations at level ``l`` changes
the counts, hence the statistic, in the same way, so the n leave-one-out
values are L values with multiplicities ``c_l``.

:func:`bca_interval` then applies the BCa formulas exactly as
``scipy.stats.bootstrap(method="BCa")`` does (Efron, 1987; Efron &
Tibshirani, 1993, eq. 14.14-14.15 and 15.36): ``z0`` from the share of
resamples below the estimate, ties counted half; the acceleration from the
jackknife over each sample in turn; the limits by linear interpolation
between order statistics. Where a sample has fewer than 20 values per distinct
value, its counts are binned from the same random indices as scipy's
resamples, so the interval is scipy's own (to rounding); with more, counts are
drawn from the multinomial, a different random stream, so intervals agree with
scipy's within Monte Carlo error. The same data with the same seed always give
the same interval. Within one process, an interval is computed once per statistic and
data (:func:`counts_bootstrap_ci` keeps it), so the survey chapter and the
triangulation share it.

References
----------
Efron, B. (1987). Better bootstrap confidence intervals. *Journal of the
American Statistical Association*, 82(397), 171-185.
Efron, B., & Tibshirani, R. J. (1993). *An introduction to the bootstrap*.
Chapman & Hall.
Kruskal, W. H., & Wallis, W. A. (1952). Use of ranks in one-criterion variance
analysis. *Journal of the American Statistical Association*, 47(260), 583-621.
Welch, B. L. (1951). On the comparison of several mean values: An alternative
approach. *Biometrika*, 38(3/4), 330-336.
"""

from __future__ import annotations

import hashlib
import math
from typing import TYPE_CHECKING, Callable, Sequence

if TYPE_CHECKING:
    import numpy as np

LEVEL = 0.95
# Resamples are made about BATCH_CELLS numbers at a time (40 MB), whatever the number of levels or values:
# a chat's members can have thousands of distinct message counts.
BATCH_CELLS = 5_000_000

# statistic(counts, levels) -> values: counts has shape (..., k, L) (k samples over the L pooled levels).
CountStatistic = Callable[["np.ndarray", "np.ndarray"], "np.ndarray"]

_CACHE: dict[tuple, tuple[tuple[float, float], str]] = {}
_CACHE_SIZE = 4096  # intervals kept per process; a build has a few hundred


def levels_and_counts(samples: Sequence[Sequence[float]]) -> tuple["np.ndarray", "np.ndarray"]:
    """The pooled distinct values (sorted) and each sample's count at each of them: shape (k, L)."""
    import numpy as np

    arrays = [np.asarray(s, dtype=float) for s in samples]
    levels = np.unique(np.concatenate(arrays)) if arrays else np.array([])
    counts = np.stack([np.bincount(np.searchsorted(levels, a), minlength=levels.size) for a in arrays]) \
        if arrays else np.zeros((0, 0))
    return levels, counts.astype(float)


def _below(counts: "np.ndarray") -> "np.ndarray":
    """Count strictly below each level (exclusive cumulative sum along the last axis)."""
    import numpy as np

    return np.cumsum(counts, axis=-1) - counts


def rank_biserial_from_counts(counts: "np.ndarray", levels: "np.ndarray | None" = None) -> "np.ndarray":
    """Rank-biserial r = 2 U / (n1 n2) - 1 of sample 0 against sample 1, from counts of shape (..., 2, L).

    ``U = sum_l a_l (B_<l + b_l / 2)`` is scipy's ``mannwhitneyu`` statistic of the first sample (mid-ranks).
    """
    a, b = counts[..., 0, :], counts[..., 1, :]
    u = (a * (_below(b) + b / 2)).sum(axis=-1)
    return 2 * u / (a.sum(axis=-1) * b.sum(axis=-1)) - 1


def kruskal_h_from_counts(counts: "np.ndarray", levels: "np.ndarray | None" = None) -> "np.ndarray":
    """Tie-corrected Kruskal-Wallis H from counts of shape (..., k, L), as ``scipy.stats.kruskal``; NaN if no ties break."""
    import numpy as np

    pooled = counts.sum(axis=-2)
    total = pooled.sum(axis=-1)
    mid_rank = _below(pooled) + (pooled + 1) / 2
    rank_sums = (counts * mid_rank[..., None, :]).sum(axis=-1)
    sizes = counts.sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        h = 12 / (total * (total + 1)) * (rank_sums ** 2 / sizes).sum(axis=-1) - 3 * (total + 1)
        ties = 1 - (pooled ** 3 - pooled).sum(axis=-1) / (total ** 3 - total)
        return h / ties


def welch_f_from_counts(counts: "np.ndarray", levels: "np.ndarray") -> "np.ndarray":
    """Welch's (1951) F from counts of shape (..., k, L) over ``levels``; NaN where a group does not vary.

    ``w_i = n_i / s_i^2``; F = [sum w_i (m_i - m_w)^2 / (k - 1)] /
    [1 + 2 (k - 2) / (k^2 - 1) * sum (1 - w_i / sum w)^2 / (n_i - 1)].
    """
    import numpy as np

    k = counts.shape[-2]
    n = counts.sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        means = (counts * levels).sum(axis=-1) / n
        # Centred sums of squares (not sum x^2 - n m^2), for the same rounding as a variance of the values.
        variances = (counts * (levels - means[..., None]) ** 2).sum(axis=-1) / (n - 1)
        w = n / variances
        w_sum = w.sum(axis=-1)
        grand = (w * means).sum(axis=-1) / w_sum
        between = (w * (means - grand[..., None]) ** 2).sum(axis=-1) / (k - 1)
        lam = ((1 - w / w_sum[..., None]) ** 2 / (n - 1)).sum(axis=-1)
        f = between / (1 + 2 * (k - 2) / (k ** 2 - 1) * lam)
    return np.where(np.isfinite(f), f, np.nan)


def gini_from_counts(counts: "np.ndarray", levels: "np.ndarray") -> "np.ndarray":
    """Bias-corrected Gini of one sample, counts of shape (..., 1, L) over ``levels`` (see ``chats.metrics.gini``).

    The ``c_l`` values at level ``l`` take the sorted positions ``P_<l + 1 .. P_<l + c_l``, and
    ``sum (2 i - n - 1)`` over them is ``c_l (2 P_<l + c_l - n)``, so
    ``G = sum_l v_l c_l (2 P_<l + c_l - n) / (n sum_l c_l v_l) * n / (n - 1)``.
    """
    import numpy as np

    c = counts[..., 0, :]
    n = c.sum(axis=-1)
    total = (c * levels).sum(axis=-1)
    spread = (levels * c * (2 * _below(c) + c - n[..., None])).sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return spread / (n * total) * n / (n - 1)


def resampled_counts(rng: "np.random.Generator", counts: "np.ndarray", resamples: int) -> "np.ndarray":
    """``resamples`` bootstrap resamples of one sample, as counts over its levels: shape (resamples, L).

    Few distinct values (20 L <= n): multinomial draws over the levels, O(L) per resample (numpy draws
    one binomial per level, about 20 times the cost of drawing one index). Many (a continuous variable):
    n indices per resample, looked up to their level and binned, O(n) per resample, then the cheaper.
    """
    import numpy as np

    present = np.flatnonzero(counts)
    n = int(counts.sum())
    out = np.zeros((resamples, counts.size))
    if 20 * present.size <= n:
        out[:, present] = rng.multinomial(n, counts[present] / n, size=resamples)
        return out
    level_of = np.repeat(np.arange(present.size), counts[present].astype(int))  # observation -> its level
    drawn = level_of[rng.integers(0, n, size=(resamples, n))]
    drawn += present.size * np.arange(resamples)[:, None]  # one bin range per resample
    out[:, present] = np.bincount(drawn.ravel(), minlength=resamples * present.size).reshape(resamples, -1)
    return out


def bootstrap_distribution(counts: "np.ndarray", levels: "np.ndarray", statistic: CountStatistic, seed: int,
                           resamples: int) -> "np.ndarray":
    """The statistic over ``resamples`` resamples, each sample resampled within itself (sizes fixed).

    The samples are drawn one after the other from ``numpy.random.default_rng(seed)``, in batches
    of about :data:`BATCH_CELLS` numbers (counts and drawn indices), so memory stays bounded at any size.
    """
    import numpy as np

    rng = np.random.default_rng(seed)
    k, size = counts.shape
    # Numbers held per resample: L counts per sample, plus n drawn indices where a sample is drawn by index.
    sizes = counts.sum(axis=1)
    per_resample = k * size + int(sum(n for n, present in zip(sizes, (counts > 0).sum(axis=1)) if 20 * present > n))
    batch = max(1, min(resamples, BATCH_CELLS // max(1, per_resample)))
    values = []
    for start in range(0, resamples, batch):
        rows = min(batch, resamples - start)
        drawn = np.stack([resampled_counts(rng, counts[j], rows) for j in range(k)], axis=1)
        values.append(statistic(drawn, levels))
    return np.concatenate(values) if values else np.array([])


def jackknife_from_counts(counts: "np.ndarray", levels: "np.ndarray",
                          statistic: CountStatistic) -> list[tuple["np.ndarray", "np.ndarray"]]:
    """Leave-one-out values of the statistic for each sample: per sample, (values, multiplicities) by level.

    Leaving out any of the ``c_l`` observations at level ``l`` gives the same counts, so the sample's n
    jackknife values are the values at its levels, each repeated ``c_l`` times (exact, not approximate).
    """
    import numpy as np

    k, size = counts.shape
    out = []
    for j in range(k):
        present = np.flatnonzero(counts[j])
        batch = max(1, BATCH_CELLS // max(1, k * size))
        values = []
        for start in range(0, present.size, batch):
            where = present[start:start + batch]
            left = np.repeat(counts[None], where.size, axis=0)
            left[np.arange(where.size), j, where] -= 1
            values.append(statistic(left, levels))
        out.append((np.concatenate(values) if values else np.array([]), counts[j, present]))
    return out


def bca_interval(theta_hat: float, boot: "np.ndarray", jackknife: Sequence[tuple["np.ndarray", "np.ndarray"]],
                 level: float = LEVEL) -> tuple[float, float]:
    """BCa limits from the bootstrap values and the jackknife, as ``scipy.stats.bootstrap(method="BCa")``.

    ``jackknife`` holds, for each sample, its leave-one-out values and their multiplicities (all 1 for a
    plain jackknife). ``z0 = Phi^-1((#{boot < theta} + #{boot <= theta}) / (2 B))``;
    ``a = sum_j sum_i U_ji^3 / n_j^3 / (6 (sum_j sum_i U_ji^2 / n_j^2)^1.5)`` with
    ``U_ji = (n_j - 1)(mean_j - theta_ji)``; the limits are the quantiles (linear interpolation) of
    the bootstrap values at ``Phi(z0 + (z0 + z) / (1 - a (z0 + z)))``, ``z = Phi^-1((1 -/+ level) / 2)``
    (Efron & Tibshirani, 1993, eq. 14.14-14.15, 15.36). NaN when undefined (a NaN resample, every
    resample on one side of theta, or no jackknife variation).
    """
    import numpy as np
    from scipy.special import ndtr, ndtri

    boot = np.asarray(boot, dtype=float)
    if boot.size == 0 or np.isnan(boot).any() or not math.isfinite(theta_hat):
        return math.nan, math.nan
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        z0 = ndtri(((boot < theta_hat).sum() + (boot <= theta_hat).sum()) / (2 * boot.size))
        nums = dens = 0.0
        for values, weights in jackknife:
            n = float(np.sum(weights))
            spread = (n - 1) * (np.sum(weights * values) / n - values)
            nums += np.sum(weights * spread ** 3) / n ** 3
            dens += np.sum(weights * spread ** 2) / n ** 2
        a_hat = 1 / 6 * nums / dens ** 1.5
        z_alpha = float(ndtri((1 - level) / 2))
        shares = []
        for z in (z_alpha, -z_alpha):
            shares.append(float(ndtr(z0 + (z0 + z) / (1 - a_hat * (z0 + z)))))
    if not all(math.isfinite(s) for s in shares):
        return math.nan, math.nan
    low, high = np.quantile(boot, shares)  # numpy's default "linear" is scipy.stats.quantile's default too
    return float(low), float(high)


def counts_bootstrap_ci(samples: Sequence[Sequence[float]], statistic: CountStatistic, seed: int, resamples: int,
                        level: float = LEVEL, name: str | None = None) -> tuple[tuple[float, float], str]:
    """95% BCa interval of a count statistic, each sample resampled within itself; fallbacks as before.

    Returns ``((low, high), method)`` with ``method`` ``BCa``; ``percentile`` (2.5th and 97.5th
    percentiles of the defined resamples) where BCa is undefined but at least 90% of the resamples are
    defined; or ``none`` (NaN limits) when a sample has fewer than two values or too many resamples are
    undefined. The result is kept for the process: the same statistic (``name``, by default the
    function's qualified name), data, seed and resamples give the same interval without computing it
    again.
    """
    import numpy as np

    if not samples or min(len(s) for s in samples) < 2:
        return (math.nan, math.nan), "none"  # a group of one cannot be resampled
    levels, counts = levels_and_counts(samples)
    digest = hashlib.sha256(levels.tobytes() + b"|" + counts.tobytes()).hexdigest()
    key = (name or getattr(statistic, "__qualname__", repr(statistic)), digest, seed, resamples, level)
    if key in _CACHE:
        return _CACHE[key]
    boot = bootstrap_distribution(counts, levels, statistic, seed, resamples)
    theta_hat = float(statistic(counts, levels))
    low, high = bca_interval(theta_hat, boot, jackknife_from_counts(counts, levels, statistic), level)
    if math.isfinite(low) and math.isfinite(high):
        result = (low, high), "BCa"
    else:
        defined = boot[np.isfinite(boot)]
        if defined.size < 0.9 * resamples:
            result = (math.nan, math.nan), "none"
        else:
            low, high = np.percentile(defined, [100 * (1 - level) / 2, 100 * (1 + level) / 2])
            result = (float(low), float(high)), "percentile"
    if len(_CACHE) >= _CACHE_SIZE:
        _CACHE.pop(next(iter(_CACHE)))
    _CACHE[key] = result
    return result
