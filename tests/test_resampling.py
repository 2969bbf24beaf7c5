"""Count-based bootstrap (survey.resampling) against scipy, pingouin and brute force on the expanded data.

References are scipy's ``mannwhitneyu``/``kruskal``/``bootstrap``, pingouin's ``welch_anova``, and the
leave-one-out jackknife and Gini mean difference written out here; none comes from the module's own output.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from mixedmethods.survey import resampling as rs

RNG = np.random.default_rng(20261126)
LIKERT_X = RNG.integers(4, 21, 37) / 4  # scale means of four five-point items: ties
LIKERT_Y = RNG.integers(4, 21, 23) / 4
LIKERT_Z = RNG.integers(6, 21, 11) / 4
MEMBERS = np.array([50, 20, 10, 5, 5, 3, 2, 1, 0, 0, 7, 7, 12, 1.])


def expanded(counts: np.ndarray, levels: np.ndarray) -> list[np.ndarray]:
    return [np.repeat(levels, row.astype(int)) for row in counts]


def gini_mean_difference(x: np.ndarray) -> float:
    n = len(x)  # bias-corrected: mean |x_i - x_j| over the n (n - 1) distinct ordered pairs / (2 mean)
    return float(np.abs(np.subtract.outer(x, x)).sum() / (n * (n - 1)) / (2 * x.mean()))


def rank_biserial(a: np.ndarray, b: np.ndarray) -> float:
    return 2 * stats.mannwhitneyu(a, b).statistic / (len(a) * len(b)) - 1


def kruskal_h(*samples: np.ndarray) -> float:
    return float(stats.kruskal(*samples).statistic)


def welch_f(*samples: np.ndarray) -> float:
    import pandas as pd
    import pingouin as pg

    long = pd.DataFrame({"v": np.concatenate(samples), "g": np.repeat(range(len(samples)), [len(s) for s in samples])})
    return float(pg.welch_anova(data=long, dv="v", between="g")["F"].iloc[0])


CASES = [
    (rs.rank_biserial_from_counts, rank_biserial, (LIKERT_X, LIKERT_Y)),
    (rs.kruskal_h_from_counts, kruskal_h, (LIKERT_X, LIKERT_Y, LIKERT_Z)),
    (rs.welch_f_from_counts, welch_f, (LIKERT_X, LIKERT_Y, LIKERT_Z)),
    (rs.gini_from_counts, gini_mean_difference, (MEMBERS,)),
]


@pytest.mark.parametrize("count_statistic, reference, samples", CASES)
def test_statistic_of_a_resample_equals_the_library_on_the_expanded_values(count_statistic, reference, samples):
    levels, counts = rs.levels_and_counts(samples)
    assert float(count_statistic(counts, levels)) == pytest.approx(reference(*samples), rel=1e-10)
    drawn = np.stack([rs.resampled_counts(np.random.default_rng(3), row, 5) for row in counts], axis=1)
    values = count_statistic(drawn, levels)
    for resample, value in zip(drawn, values):
        assert resample.sum(axis=-1) == pytest.approx(counts.sum(axis=-1))  # group sizes fixed
        assert value == pytest.approx(reference(*expanded(resample, levels)), rel=1e-10)


def test_resampled_counts_have_the_multinomial_mean_and_variance():
    counts = np.array([3., 0, 5, 2])  # few levels: multinomial draws
    drawn = rs.resampled_counts(np.random.default_rng(5), counts, 40000)
    share = counts / 10
    assert drawn.mean(axis=0) == pytest.approx(10 * share, abs=0.05)
    assert drawn.var(axis=0) == pytest.approx(10 * share * (1 - share), abs=0.05)
    many = np.ones(30)  # as many levels as values: indices binned
    drawn = rs.resampled_counts(np.random.default_rng(5), many, 40000)
    assert drawn.sum(axis=1) == pytest.approx(np.full(40000, 30.))
    assert drawn.mean(axis=0) == pytest.approx(np.ones(30), abs=0.03)
    assert drawn.var(axis=0) == pytest.approx(np.full(30, 29 / 30), abs=0.05)


@pytest.mark.parametrize("count_statistic, reference, samples", CASES)
def test_jackknife_by_level_equals_brute_force_leave_one_out(count_statistic, reference, samples):
    levels, counts = rs.levels_and_counts(samples)
    for j, (values, weights) in enumerate(rs.jackknife_from_counts(counts, levels, count_statistic)):
        ours = np.sort(np.repeat(values, weights.astype(int)))
        sample = np.asarray(samples[j])
        brute = np.sort([reference(*(np.delete(sample, i) if m == j else s for m, s in enumerate(samples)))
                         for i in range(len(sample))])
        assert ours == pytest.approx(brute, rel=1e-10)


def scipy_jackknife(samples, statistic):
    return [(np.array([statistic(*(np.delete(s, i) if m == j else s for m, s in enumerate(samples)))
                       for i in range(len(samples[j]))]), np.ones(len(samples[j]))) for j in range(len(samples))]


@pytest.mark.parametrize("samples", [(LIKERT_X, LIKERT_Y), (LIKERT_X[:6], LIKERT_Y[:9])])
def test_bca_formula_returns_scipys_interval_from_scipys_resamples(samples):
    def vectorised(a, b, axis=-1):
        return 2 * stats.mannwhitneyu(a, b, axis=axis).statistic / (a.shape[axis] * b.shape[axis]) - 1

    result = stats.bootstrap(samples, vectorised, n_resamples=999, method="BCa", rng=np.random.default_rng(8))
    boot = result.bootstrap_distribution
    ours = rs.bca_interval(rank_biserial(*samples), boot, scipy_jackknife(samples, rank_biserial))
    assert ours == pytest.approx((result.confidence_interval.low, result.confidence_interval.high), abs=1e-12)


def test_bca_formula_returns_scipys_interval_for_one_sample():
    result = stats.bootstrap((MEMBERS,), gini_mean_difference, vectorized=False, n_resamples=999, method="BCa",
                             rng=np.random.default_rng(9))
    ours = rs.bca_interval(gini_mean_difference(MEMBERS), result.bootstrap_distribution,
                           scipy_jackknife((MEMBERS,), gini_mean_difference))
    assert ours == pytest.approx((result.confidence_interval.low, result.confidence_interval.high), abs=1e-12)


@pytest.mark.parametrize("samples", [
    (LIKERT_X, LIKERT_Y),  # ties, unequal n
    (np.array([1., 2, 2, 3, 5]), np.array([1., 1, 2, 4, 4, 4, 5, 5])),  # small n
    (RNG.normal(0, 1, 40), RNG.normal(0.5, 2, 25)),  # continuous: one level per value
])
def test_rank_biserial_interval_agrees_with_scipy_bootstrap_within_monte_carlo_error(samples):
    reference = stats.bootstrap(samples, lambda a, b, axis=-1: 2 * stats.mannwhitneyu(a, b, axis=axis).statistic
                                / (a.shape[axis] * b.shape[axis]) - 1, n_resamples=10000, method="BCa",
                                rng=np.random.default_rng(1)).confidence_interval
    (low, high), method = rs.counts_bootstrap_ci(samples, rs.rank_biserial_from_counts, seed=2, resamples=10000)
    assert method == "BCa"
    assert (low, high) == pytest.approx((reference.low, reference.high), abs=0.03)


def test_complete_separation_and_one_value_groups_keep_the_fallbacks():
    (low, high), method = rs.counts_bootstrap_ci([np.array([1., 2, 3]), np.array([4., 5])],
                                                 rs.rank_biserial_from_counts, seed=1, resamples=500)
    assert method != "BCa"  # every resample gives r = -1: no BCa (comparisons uses the score interval)
    assert rs.counts_bootstrap_ci([np.array([1.]), np.array([2., 3])], rs.rank_biserial_from_counts, 1, 500) \
        == ((pytest.approx(math.nan, nan_ok=True), pytest.approx(math.nan, nan_ok=True)), "none")
    assert rs.bca_interval(0.0, np.array([]), []) == (pytest.approx(math.nan, nan_ok=True),) * 2


def test_same_values_same_interval_and_computed_once(monkeypatch):
    samples = [LIKERT_X[::-1], LIKERT_Y]
    first = rs.counts_bootstrap_ci(samples, rs.rank_biserial_from_counts, seed=4, resamples=2000)
    calls = []
    monkeypatch.setattr(rs, "bootstrap_distribution", lambda *a: calls.append(a))
    assert rs.counts_bootstrap_ci([np.sort(LIKERT_X), LIKERT_Y], rs.rank_biserial_from_counts, 4, 2000) == first
    assert calls == []  # served from the cache, not recomputed


def test_omega_resample_correlations_equal_corrcoef_of_the_resampled_rows():
    from mixedmethods.survey.reliability import _resampled_correlations

    rows = np.asarray(sorted(map(tuple, np.random.default_rng(6).integers(1, 6, (40, 4)).tolist())), dtype=float)
    rows[:3, 0] = 9.0  # a rare answer: some resamples miss it, none is constant
    rows = np.asarray(sorted(map(tuple, rows.tolist())))
    rng = np.random.default_rng(12)
    expected = []
    for _ in range(300):  # brute force, as before: the resampled rows themselves
        sample = rows[rng.integers(0, len(rows), len(rows))]
        if not (sample.std(axis=0) == 0).any():
            expected.append(np.corrcoef(sample, rowvar=False))
    ours = _resampled_correlations(rows, np.random.default_rng(12), 300)
    assert ours == pytest.approx(np.array(expected), abs=1e-12)


def test_omega_resamples_without_variation_in_an_item_are_skipped():
    from mixedmethods.survey.reliability import _resampled_correlations

    rows = np.array([[1., 2, 3], [1, 3, 3], [1, 2, 4], [2, 2, 3], [1, 5, 5]])  # item 0 varies in one row only
    rng = np.random.default_rng(3)
    kept = sum(not (rows[rng.integers(0, 5, 5)].std(axis=0) == 0).any() for _ in range(200))
    assert 0 < kept < 200
    assert len(_resampled_correlations(rows, np.random.default_rng(3), 200)) == kept


@pytest.mark.parametrize("samples", [(LIKERT_X, LIKERT_Y), (LIKERT_X[:6], LIKERT_Y[:9])])
def test_few_values_per_level_draw_scipys_own_resamples(samples):
    # Fewer than 20 values per distinct value: the counts come from the same random indices as scipy's
    # resamples (same seed, same order), so the interval is scipy's, not only within Monte Carlo error.
    def vectorised(a, b, axis=-1):
        return 2 * stats.mannwhitneyu(a, b, axis=axis).statistic / (a.shape[axis] * b.shape[axis]) - 1

    samples = tuple(np.sort(s) for s in samples)
    reference = stats.bootstrap(samples, vectorised, n_resamples=2000, method="BCa",
                                rng=np.random.default_rng(31)).confidence_interval
    (low, high), method = rs.counts_bootstrap_ci(samples, rs.rank_biserial_from_counts, seed=31, resamples=2000)
    assert (low, high) == pytest.approx((reference.low, reference.high), abs=1e-12)
