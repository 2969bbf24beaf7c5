"""Statistics against published values (R documentation, pingouin's documented examples) and hand computation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mixedmethods.survey.comparisons import association, mann_whitney, welch
from mixedmethods.survey.descriptives import describe
from mixedmethods.survey.reliability import corrected_item_total, cronbach_alpha, mcdonald_omega

# R: ?wilcox.test, Hollander & Wolfe (1973) p. 69: permeability constants of the amniotic membrane
AMNIOTIC_X = [0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46]
AMNIOTIC_Y = [1.15, 0.88, 0.90, 0.74, 1.21]
# R: datasets::sleep, extra hours of sleep by drug group
SLEEP_1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
SLEEP_2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]


def test_cronbach_alpha_equals_pingouins_documented_example():
    import pingouin as pg

    # pingouin docs, cronbach_alpha: data = pg.read_dataset('cronbach_alpha') -> (0.5917, array([0.195, 0.84]))
    long = pg.read_dataset("cronbach_alpha")
    wide = long.pivot(index="Subj", columns="Items", values="Scores")
    alpha, ci = cronbach_alpha(wide)
    assert alpha == pytest.approx(0.5917, abs=5e-4)
    assert ci == pytest.approx((0.195, 0.840), abs=5e-4)


def test_cronbach_alpha_with_missing_values_is_pingouins_listwise_alpha():
    import pingouin as pg

    # Complete cases (issue 12: the CI on the n that is printed). pingouin docs:
    # pg.cronbach_alpha(data=pg.read_dataset('cronbach_wide_missing'), nan_policy='listwise') -> 0.8017 (n = 9 of 12);
    # its interval there is taken on 12 rows, ours on the 9 (tests/test_methods_labels.py checks it by hand).
    alpha, _ = cronbach_alpha(pg.read_dataset("cronbach_wide_missing"))
    assert alpha == pytest.approx(0.8017, abs=1e-4)


def _exact_sample(loadings: list[float], n: int = 400) -> pd.DataFrame:
    """Data whose sample correlation matrix is exactly the one-factor model's L L' + diag(1 - L^2)."""
    lam = np.asarray(loadings)
    target = np.outer(lam, lam)
    np.fill_diagonal(target, 1.0)
    raw = np.random.default_rng(1).standard_normal((n, lam.size))
    raw -= raw.mean(axis=0)
    whitened = raw @ np.linalg.inv(np.linalg.cholesky(np.cov(raw, rowvar=False)).T)
    return pd.DataFrame(whitened @ np.linalg.cholesky(target).T)


def test_mcdonald_omega_recovers_the_hand_computed_value_of_a_known_model():
    # Loadings .8, .7, .6, .5: omega = 2.6^2 / (2.6^2 + (.36 + .51 + .64 + .75)) = 6.76 / 9.02 = .7494
    assert mcdonald_omega(_exact_sample([0.8, 0.7, 0.6, 0.5])) == pytest.approx(6.76 / 9.02, abs=1e-3)


def test_omega_equals_alpha_when_items_are_parallel():
    # Equal loadings (tau-equivalent, equal error): omega = alpha = 4(.36)/(1 + 3(.36)) by Spearman-Brown.
    data = _exact_sample([0.6, 0.6, 0.6, 0.6])
    expected = 4 * 0.36 / (1 + 3 * 0.36)
    assert mcdonald_omega(data) == pytest.approx(expected, abs=1e-3)
    assert cronbach_alpha(data)[0] == pytest.approx(expected, abs=1e-3)


def test_corrected_item_total_correlation_by_hand():
    items = pd.DataFrame({"a": [1, 2, 3, 4, 5], "b": [2, 1, 4, 3, 5], "c": [1, 3, 2, 5, 4]}, dtype=float)
    # Item a against b + c = [3, 4, 6, 8, 9]: deviations (-2,-1,0,1,2) and (-3,-2,0,2,3),
    # cross-products 16, sums of squares 10 and 26: r = 16 / sqrt(260) = .99228
    table = corrected_item_total(items)
    assert table.loc[0, "r"] == pytest.approx(16 / np.sqrt(260), abs=1e-6)
    assert list(table["n"]) == [5, 5, 5]


def test_mann_whitney_equals_r_wilcox_test():
    # R: wilcox.test(x, y)  ->  W = 35, p-value = 0.2544
    result = mann_whitney(AMNIOTIC_X, AMNIOTIC_Y)
    assert result.statistic == 35
    assert result.p == pytest.approx(0.2544, abs=1e-4)
    # Rank-biserial r = 2U / (n1 n2) - 1 = 70 / 50 - 1 = .40 (Kerby, 2014)
    assert result.effect_size == pytest.approx(0.40, abs=1e-9)
    low, high = result.effect_ci
    assert -1 <= low < 0.40 < high <= 1


def test_welch_t_test_equals_r_t_test_on_sleep():
    # R: t.test(extra ~ group, data = sleep)
    #    t = -1.8608, df = 17.776, p-value = 0.07939; 95 percent CI: -3.3654832  0.2054832
    result = welch(SLEEP_1, SLEEP_2)
    assert result.statistic == pytest.approx(-1.8608, abs=1e-4)
    assert result.df == pytest.approx(17.776, abs=1e-3)
    assert result.p == pytest.approx(0.07939, abs=1e-5)
    assert result.mean_difference_ci == pytest.approx((-3.3654832, 0.2054832), abs=1e-6)
    # Hedges' g by hand: d = -1.58 / 1.89863 = -0.83218; J = 1 - 3 / (4 * 20 - 9) = .95775; g = -0.79702
    assert result.effect_size == pytest.approx(-0.79702, abs=1e-4)


def test_chi_square_equals_r_chisq_test_documented_example():
    # R: ?chisq.test, M <- as.table(rbind(c(762, 327, 468), c(484, 239, 477)))  (Agresti 2007, p. 39)
    #    X-squared = 30.07, df = 2, p-value = 2.954e-07
    result = association(pd.DataFrame([[762, 327, 468], [484, 239, 477]]))
    assert result.test == "chi-square"
    assert result.statistic == pytest.approx(30.07, abs=5e-3)
    assert result.df == 2
    assert result.p == pytest.approx(2.954e-07, rel=1e-3)
    # Cramer's V by hand: sqrt(30.0701 / (2757 * 1)) = .1044
    assert result.cramers_v == pytest.approx(0.1044, abs=1e-4)


def test_fisher_exact_test_equals_r_tea_tasting():
    # R: ?fisher.test, TeaTasting <- matrix(c(3, 1, 1, 3), nrow = 2); fisher.test(TeaTasting) -> p-value = 0.4857
    result = association(pd.DataFrame([[3, 1], [1, 3]]))
    assert result.test == "fisher"
    assert result.p == pytest.approx(0.4857, abs=1e-4)


def test_describe_by_hand():
    stats = describe(pd.Series([1.0, 2.0, 3.0, 4.0, np.nan, 10.0]))
    assert stats["n"] == 5
    assert stats["M"] == pytest.approx(4.0)
    assert stats["SD"] == pytest.approx(np.sqrt(50 / 4))  # squared deviations 9+4+1+0+36 = 50
    assert stats["Mdn"] == 3.0
    assert stats["IQR"] == pytest.approx(4.0 - 2.0)
