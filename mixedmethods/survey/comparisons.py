"""Comparing two groups on scale scores, and k >= 2 groups on categorical answers.

(Scale scores of three or more groups: :mod:`.omnibus`, whose
:func:`~.omnibus.compare_k_groups` is the entry point for any number of groups.)

Scale scores (means of 4-6 five-point items) are bounded and often skewed, so
the default test is the Mann-Whitney U test with the rank-biserial
correlation as effect size (Kerby, 2014); Welch's t-test with Hedges' g is the
alternative for users who prefer a test of means that does not assume equal
variances (Delacre, Lakens & Leys, 2017). Categorical answers are tested with
Pearson's chi-square test of independence and Cramér's V, or Fisher's exact
test when more than 20% of expected counts are below 5 (Cochran, 1954): exact
for every table small enough to enumerate (:mod:`.exact`), and otherwise a
Monte Carlo p value (the share of random tables with the observed margins at
least as extreme), which is an estimate, not an exact p, and is labelled so
with its number of tables and its seed.

Intervals (95%):

* rank-biserial r: BCa bootstrap (10,000 resamples within each group, seed from
  the data's content, so any caller gets the same interval for the same
  values); where BCa is undefined (complete separation, or no variation in
  any resample), the score interval of the area under the curve
  ``(r_rb + 1) / 2`` with the Hanley & McNeil (1982) variance, mapped back;
* Hedges' g: the noncentral t interval (Steiger & Fouladi, 1997; Cumming,
  2012), scaled like g (see :func:`hedges_g_interval`);
* Cramér's V: the noncentral chi-square interval (Smithson, 2003), see
  :func:`cramers_v_interval`.

References
----------
Kerby, D. S. (2014). The simple difference formula: An approach to teaching
nonparametric correlation. *Comprehensive Psychology*, 3, 11.IT.3.1.
Delacre, M., Lakens, D., & Leys, C. (2017). Why psychologists should by default
use Welch's t-test instead of Student's t-test. *International Review of Social
Psychology*, 30(1), 92-101.
Cochran, W. G. (1954). Some methods for strengthening the common chi-square
tests. *Biometrics*, 10(4), 417-451.
Cumming, G. (2012). *Understanding the new statistics*. Routledge.
Hanley, J. A., & McNeil, B. J. (1982). The meaning and use of the area under a
receiver operating characteristic (ROC) curve. *Radiology*, 143(1), 29-36.
Hedges, L. V. (1981). Distribution theory for Glass's estimator of effect size
and related estimators. *Journal of Educational Statistics*, 6(2), 107-128.
Smithson, M. (2003). *Confidence intervals*. Sage.
Steiger, J. H., & Fouladi, R. T. (1997). Noncentrality interval estimation and
the evaluation of statistical models. In L. L. Harlow, S. A. Mulaik, & J. H.
Steiger (Eds.), *What if there were no significance tests?* (pp. 221-257).
Erlbaum.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Sequence

if TYPE_CHECKING:
    import pandas as pd

# The rank-biserial r takes few distinct values in small samples (ties), so its BCa limits move by about .02
# between seeds at 2,000 resamples; 10,000 bring that to about .01, for a fraction of a second.
BOOTSTRAP_RESAMPLES = 10000
MONTE_CARLO_TABLES = 9999  # random tables for a Fisher p when the exact enumeration is too large
LEVEL = 0.95


@dataclass
class GroupComparison:
    """Result of one two-group comparison; ``statistic`` is U or t.

    ``ci_method`` names the interval of the effect size: ``BCa``,
    ``Hanley-McNeil score`` (rank-biserial r where BCa is undefined),
    ``noncentral t`` (Hedges' g) or ``none``.
    """

    test: str  # "mann-whitney" or "welch"
    n1: int
    n2: int
    statistic: float
    df: float | None
    p: float
    effect: str  # "r_rb" or "g"
    effect_size: float
    effect_ci: tuple[float, float]
    mean_difference_ci: tuple[float, float] | None = None
    ci_method: str = ""


def rank_biserial_score_interval(r_rb: float, n1: int, n2: int, level: float = LEVEL) -> tuple[float, float]:
    """Interval of r_rb from the score interval of the AUC ``theta = (r_rb + 1) / 2`` (Hanley & McNeil, 1982).

    The interval holds every theta with ``|theta_hat - theta| <= z sqrt(V(theta))``, where
    ``V(theta) = theta (1 - theta) / (n1 n2) * [1 + (n1 - 1)(1 - theta) / (2 - theta) + (n2 - 1) theta / (1 + theta)]``
    is Hanley & McNeil's variance with their exponential approximations
    ``Q1 = theta / (2 - theta)``, ``Q2 = 2 theta^2 / (1 + theta)``. Inverting the
    test, as Wilson's interval does for a proportion, keeps the interval
    inside [-1, 1] and of non-zero width when all values of one group exceed
    all of the other (theta_hat = 0 or 1), where the bootstrap has no spread.
    """
    from scipy import optimize
    from scipy.stats import norm

    if n1 < 1 or n2 < 1 or not math.isfinite(r_rb):
        return math.nan, math.nan
    z = float(norm.ppf(0.5 + level / 2))
    theta_hat = (r_rb + 1) / 2

    def excess(theta: float) -> float:  # > 0 outside the interval
        variance = theta * (1 - theta) / (n1 * n2) * (
            1 + (n1 - 1) * (1 - theta) / (2 - theta) + (n2 - 1) * theta / (1 + theta))
        return (theta_hat - theta) ** 2 - z ** 2 * variance

    # theta_hat itself is a root when it is 0 or 1 (V = 0 there): the limits are searched just off it.
    inner_low, inner_high = max(0.0, theta_hat - 1e-10), min(1.0, theta_hat + 1e-10)
    low = optimize.brentq(excess, 0.0, inner_low) if theta_hat > 0 and excess(0.0) > 0 else 0.0
    high = optimize.brentq(excess, inner_high, 1.0) if theta_hat < 1 and excess(1.0) > 0 else 1.0
    return 2 * low - 1, 2 * high - 1


def mann_whitney(x: Sequence[float], y: Sequence[float], seed: int | None = None) -> GroupComparison:
    """Two-sided Mann-Whitney U (scipy, as pingouin's ``mwu``) with rank-biserial r and its 95% CI.

    ``r_rb`` is positive when values in ``x`` tend to be larger than in ``y``
    (pingouin's ``RBC``). The CI is BCa (10,000 resamples within each group,
    drawn as counts over the distinct values: :mod:`.resampling`, scipy's BCa
    formulas, computed once per process for the same values). The values are sorted first and the seed is
    taken from their content (:func:`~.omnibus.content_seed`) unless one is
    given, so the same values give the same interval in any row order and from
    any caller (the survey chapter and the triangulation alike). Where BCa is
    undefined (complete separation: every resample gives the same r_rb), the
    interval is :func:`rank_biserial_score_interval`; ``ci_method`` says which.
    """
    import numpy as np
    from scipy import stats

    from .omnibus import content_seed
    from .resampling import counts_bootstrap_ci, rank_biserial_from_counts

    a, b = np.sort(np.asarray(x, dtype=float)), np.sort(np.asarray(y, dtype=float))
    # pingouin.mwu's U, p and RBC, computed as it does (scipy's test; RBC = 1 - 2 U_y / (n1 n2)) without the
    # n1 x n2 matrix of differences it builds for its CLES: 290 MB and a second per comparison at 6,000 a side.
    result = stats.mannwhitneyu(a, b, alternative="two-sided")
    r_rb = 1 - 2 * (len(a) * len(b) - float(result.statistic)) / (len(a) * len(b))
    interval, method = counts_bootstrap_ci([a, b], rank_biserial_from_counts,
                                           content_seed([a, b]) if seed is None else seed, BOOTSTRAP_RESAMPLES)
    if method != "BCa" and min(len(a), len(b)) >= 1:
        # No BCa (e.g. complete separation, where the percentile interval would be [1, 1]): the score interval.
        interval, method = rank_biserial_score_interval(r_rb, len(a), len(b)), "Hanley-McNeil score"
    return GroupComparison("mann-whitney", len(a), len(b), float(result.statistic), None,
                           float(result.pvalue), "r_rb", r_rb, interval, ci_method=method)


def hedges_g_interval(t: float, n1: int, n2: int, level: float = LEVEL) -> tuple[float, float]:
    """95% CI of Hedges' g from the noncentral t distribution (Steiger & Fouladi, 1997; Cumming, 2012).

    ``t`` is the pooled-variance (Student) t of the two groups, ``df = n1 + n2 - 2``:
    g standardises the mean difference by the pooled SD, and it is the
    Student t, not Welch's, that follows a noncentral t with noncentrality
    ``delta * sqrt(n1 n2 / (n1 + n2))`` (Hedges, 1981); the Welch test keeps
    its own t and df for the p value. The noncentralities whose distribution
    puts the observed t at the 97.5th and 2.5th percentiles (scipy's ``nct``,
    root-finding) are the limits for ``delta * sqrt(n1 n2 / (n1 + n2))``; each
    is scaled back to a d and multiplied by g's small-sample correction
    ``J = 1 - 3 / (4 (n1 + n2) - 9)`` (as pingouin's g), as R's
    ``effectsize::hedges_g`` does.
    """
    from scipy import optimize
    from scipy.stats import nct

    df = n1 + n2 - 2
    if n1 < 2 or n2 < 2 or not math.isfinite(t):
        return math.nan, math.nan

    def tail(ncp: float, target: float) -> float:
        value = float(nct.cdf(t, df, ncp))
        if not math.isfinite(value):  # far out the cdf underflows: 0 above t, 1 below
            value = 0.0 if ncp > t else 1.0
        return value - target

    def solve(target: float) -> float:
        # The cdf at t falls as the noncentrality grows: widen the bracket until it holds the root.
        width = 2.0 + abs(t)
        while tail(t - width, target) < 0 or tail(t + width, target) > 0:
            width *= 2
            if width > 1e6:
                return math.nan
        return optimize.brentq(tail, t - width, t + width, args=(target,), xtol=1e-12)

    scale = math.sqrt(1 / n1 + 1 / n2)
    correction = 1 - 3 / (4 * (n1 + n2) - 9)
    low, high = solve(0.5 + level / 2), solve(0.5 - level / 2)
    return low * scale * correction, high * scale * correction


def welch(x: Sequence[float], y: Sequence[float]) -> GroupComparison:
    """Welch's t-test (scipy) with Hedges' g (pingouin), its noncentral t 95% CI, and the CI of the mean difference.

    The test (t, df, p, mean-difference CI) is Welch's; g and its interval use
    the pooled SD and the Student t, see :func:`hedges_g_interval`.
    """
    import numpy as np
    import pingouin as pg
    from scipy import stats

    a, b = np.sort(np.asarray(x, dtype=float)), np.sort(np.asarray(y, dtype=float))
    result = stats.ttest_ind(a, b, equal_var=False)
    ci = result.confidence_interval(0.95)
    g = float(pg.compute_effsize(a, b, eftype="hedges"))
    with np.errstate(divide="ignore", invalid="ignore"):
        pooled_t = float(stats.ttest_ind(a, b, equal_var=True).statistic)
    g_ci = hedges_g_interval(pooled_t, len(a), len(b))
    return GroupComparison("welch", len(a), len(b), float(result.statistic), float(result.df),
                           float(result.pvalue), "g", g, g_ci, (float(ci.low), float(ci.high)),
                           ci_method="noncentral t" if math.isfinite(g_ci[0]) else "none")


def compare_groups(x: Sequence[float], y: Sequence[float], test: str = "mann-whitney") -> GroupComparison:
    """Dispatch to :func:`mann_whitney` or :func:`welch`."""
    if test == "welch":
        return welch(x, y)
    if test == "mann-whitney":
        return mann_whitney(x, y)
    raise ValueError(f"unknown test {test!r}")


@dataclass
class Association:
    """Association of a categorical answer with group.

    ``test``: ``chi-square``, ``fisher`` (exact p, any size of table) or
    ``fisher-monte-carlo`` (simulated p: ``tables`` random tables, ``seed``).
    ``cramers_v_ci``: the noncentral chi-square 95% interval of V.
    """

    test: str
    n: int
    statistic: float | None  # chi-square (None for Fisher)
    df: int | None
    p: float
    cramers_v: float
    low_expected_share: float
    cramers_v_ci: tuple[float, float] = (math.nan, math.nan)
    tables: int | None = None  # Monte Carlo only
    seed: int | None = None  # Monte Carlo only


def cramers_v_interval(chi2: float, n: int, shape: tuple[int, int], level: float = LEVEL) -> tuple[float, float]:
    """95% CI of Cramér's V by the noncentral chi-square distribution (Smithson, 2003, ch. 4).

    The limits of the noncentrality lambda are the values at which the
    observed Pearson chi-square is the 97.5th and 2.5th percentile of a
    noncentral chi-square with ``(r - 1)(c - 1)`` df (0 when even lambda = 0
    puts it lower), and ``V = sqrt(lambda / (n (min(r, c) - 1)))``. Sparse
    tables make the chi-square approximation rough; the interval is then a
    guide only.
    """
    from scipy import optimize
    from scipy.stats import ncx2

    rows, columns = shape
    df = (rows - 1) * (columns - 1)
    if df < 1 or n < 1 or not math.isfinite(chi2):
        return math.nan, math.nan

    def limit(target: float) -> float:
        def gap(lam: float) -> float:
            return float(ncx2.cdf(chi2, df, lam)) - target if lam > 0 else float(ncx2.cdf(chi2, df, 1e-12)) - target
        if gap(0.0) <= 0:
            return 0.0
        upper = max(10.0, 2 * chi2)
        while gap(upper) > 0:
            upper *= 2
        return optimize.brentq(gap, 0.0, upper, xtol=1e-10)

    scale = n * (min(rows, columns) - 1)
    return math.sqrt(limit(0.5 + level / 2) / scale), math.sqrt(limit(0.5 - level / 2) / scale)


def table_seed(observed) -> int:
    """A Monte Carlo seed from a table's counts (row by row): the same table gives the same p."""
    import hashlib

    digest = hashlib.sha256(repr([[int(x) for x in row] for row in observed]).encode("ascii")).digest()
    return int.from_bytes(digest[:8], "big")


def association(table: "pd.DataFrame", seed: int | None = None) -> Association:
    """Chi-square test of independence (no continuity correction) or Fisher's exact test, with Cramér's V.

    ``table`` is a contingency table of counts (rows: answers, columns: groups).
    Fisher's test is used when more than 20% of expected counts are below 5:
    its exact p (scipy for 2 x 2, :func:`~.exact.fisher_exact_rxc` for larger
    tables), or, when the table is too large to enumerate, its Monte Carlo
    version (``fisher-monte-carlo``: scipy, 9,999 random tables with the
    observed margins, seed from the table's counts unless one is given; the
    smallest reportable p is then 1/10,000), as R's
    ``fisher.test(simulate.p.value = TRUE)``. Cramér's V is
    ``sqrt(chi2 / (n * (min(r, c) - 1)))`` from the Pearson chi-square, with
    :func:`cramers_v_interval`.
    """
    import numpy as np
    from scipy import stats

    from .exact import fisher_exact_rxc

    observed = table.loc[table.sum(axis=1) > 0, table.sum(axis=0) > 0].to_numpy(dtype=float)
    n = int(observed.sum())
    chi2, p, dof, expected = stats.chi2_contingency(observed, correction=False)
    v = float(stats.contingency.association(observed.astype(int), method="cramer", correction=False))
    v_ci = cramers_v_interval(float(chi2), n, observed.shape)
    low = float((expected < 5).mean())
    if low > 0.2:
        if observed.shape == (2, 2):
            return Association("fisher", n, None, None, float(stats.fisher_exact(observed.astype(int)).pvalue), v,
                               low, v_ci)
        p_exact = fisher_exact_rxc(observed.astype(int).tolist())
        if p_exact is not None:
            return Association("fisher", n, None, None, p_exact, v, low, v_ci)
        seed = table_seed(observed) if seed is None else seed
        method = stats.MonteCarloMethod(n_resamples=MONTE_CARLO_TABLES, rng=np.random.default_rng(seed))
        p_simulated = stats.fisher_exact(observed.astype(int), method=method).pvalue
        # scipy 1.17 returns a one-element array for some tables, a scalar for others.
        p_simulated = float(np.asarray(p_simulated).ravel()[0])
        return Association("fisher-monte-carlo", n, None, None, p_simulated, v, low, v_ci, MONTE_CARLO_TABLES, seed)
    return Association("chi-square", n, float(chi2), int(dof), float(p), v, low, v_ci)
