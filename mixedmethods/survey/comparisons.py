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
for a 2 x 2 table, and for larger tables with a Monte Carlo p value (the share
of random tables with the observed margins at least as extreme), which is an
estimate, not an exact p, and is labelled so.

References
----------
Kerby, D. S. (2014). The simple difference formula: An approach to teaching
nonparametric correlation. *Comprehensive Psychology*, 3, 11.IT.3.1.
Delacre, M., Lakens, D., & Leys, C. (2017). Why psychologists should by default
use Welch's t-test instead of Student's t-test. *International Review of Social
Psychology*, 30(1), 92-101.
Cochran, W. G. (1954). Some methods for strengthening the common chi-square
tests. *Biometrics*, 10(4), 417-451.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Sequence

if TYPE_CHECKING:
    import pandas as pd

BOOTSTRAP_RESAMPLES = 2000


@dataclass
class GroupComparison:
    """Result of one two-group comparison; ``statistic`` is U or t."""

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


def mann_whitney(x: Sequence[float], y: Sequence[float], seed: int = 20260301) -> GroupComparison:
    """Two-sided Mann-Whitney U (pingouin) with rank-biserial r and its 95% BCa bootstrap CI.

    ``r_rb`` is positive when values in ``x`` tend to be larger than in ``y``
    (pingouin's ``RBC``). The CI resamples each group (scipy.stats.bootstrap,
    2,000 resamples, fixed seed so the report is reproducible).
    """
    import numpy as np
    import pingouin as pg
    from scipy import stats

    a, b = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    result = pg.mwu(a, b, alternative="two-sided")

    def rank_biserial(s1: "np.ndarray", s2: "np.ndarray", axis: int = -1) -> "np.ndarray":
        u = stats.mannwhitneyu(s1, s2, axis=axis, alternative="two-sided").statistic
        return 2 * u / (s1.shape[axis] * s2.shape[axis]) - 1

    if min(len(a), len(b)) < 2:  # no bootstrap from a group of one: the interval is left out
        interval = (float("nan"), float("nan"))
    else:
        boot = stats.bootstrap((a, b), rank_biserial, vectorized=True, n_resamples=BOOTSTRAP_RESAMPLES,
                               method="BCa", random_state=np.random.default_rng(seed))
        interval = (float(boot.confidence_interval.low), float(boot.confidence_interval.high))
    return GroupComparison("mann-whitney", len(a), len(b), float(result["U_val"].iloc[0]), None,
                           float(result["p_val"].iloc[0]), "r_rb", float(result["RBC"].iloc[0]), interval)


def welch(x: Sequence[float], y: Sequence[float]) -> GroupComparison:
    """Welch's t-test (scipy) with Hedges' g and its 95% CI (pingouin), and the CI of the mean difference."""
    import numpy as np
    import pingouin as pg
    from scipy import stats

    a, b = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    result = stats.ttest_ind(a, b, equal_var=False)
    ci = result.confidence_interval(0.95)
    g = float(pg.compute_effsize(a, b, eftype="hedges"))
    g_ci = pg.compute_esci(stat=g, nx=len(a), ny=len(b), eftype="hedges", decimals=6)
    return GroupComparison("welch", len(a), len(b), float(result.statistic), float(result.df),
                           float(result.pvalue), "g", g, (float(g_ci[0]), float(g_ci[1])),
                           (float(ci.low), float(ci.high)))


def compare_groups(x: Sequence[float], y: Sequence[float], test: str = "mann-whitney") -> GroupComparison:
    """Dispatch to :func:`mann_whitney` or :func:`welch`."""
    if test == "welch":
        return welch(x, y)
    if test == "mann-whitney":
        return mann_whitney(x, y)
    raise ValueError(f"unknown test {test!r}")


@dataclass
class Association:
    """Association of a categorical answer with group."""

    test: str  # "chi-square", "fisher" (exact, 2 x 2) or "fisher-monte-carlo" (simulated p, larger tables)
    n: int
    statistic: float | None  # chi-square (None for Fisher)
    df: int | None
    p: float
    cramers_v: float
    low_expected_share: float


def association(table: "pd.DataFrame", seed: int = 20260301) -> Association:
    """Chi-square test of independence (no continuity correction) or Fisher's exact test, with Cramér's V.

    ``table`` is a contingency table of counts (rows: answers, columns: groups).
    Fisher's exact test is used when more than 20% of expected counts are below
    5: exact for 2 x 2 tables (``test`` = ``fisher``), and for larger ones its
    Monte Carlo version (``fisher-monte-carlo``: scipy, 9,999 random tables with
    the observed margins, fixed seed; the smallest reportable p is then
    1/10,000), as R's ``fisher.test(simulate.p.value = TRUE)``. Cramér's V is
    ``sqrt(chi2 / (n * (min(r, c) - 1)))`` from the Pearson chi-square.
    """
    import numpy as np
    from scipy import stats

    observed = table.loc[table.sum(axis=1) > 0, table.sum(axis=0) > 0].to_numpy(dtype=float)
    n = int(observed.sum())
    chi2, p, dof, expected = stats.chi2_contingency(observed, correction=False)
    v = float(stats.contingency.association(observed.astype(int), method="cramer", correction=False))
    low = float((expected < 5).mean())
    if low > 0.2:
        if observed.shape == (2, 2):
            p_exact = stats.fisher_exact(observed.astype(int)).pvalue
        else:
            method = stats.MonteCarloMethod(n_resamples=9999, rng=np.random.default_rng(seed))
            p_simulated = stats.fisher_exact(observed.astype(int), method=method).pvalue
            # scipy 1.17 returns a one-element array for some tables, a scalar for others.
            p_simulated = float(np.asarray(p_simulated).ravel()[0])
            return Association("fisher-monte-carlo", n, None, None, p_simulated, v, low)
        return Association("fisher", n, None, None, float(p_exact), v, low)
    return Association("chi-square", n, float(chi2), int(dof), float(p), v, low)
