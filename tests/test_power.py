"""Power and sensitivity: given the group sizes, the power printed in the report is the published one.

Expected values come from Cohen (1988), Statistical power analysis for the
behavioral sciences (2nd ed.): the tables give, for a two-sided alpha = .05
and power .80, the size per group (or pairs) needed; the power at that size
is .80 up to the tables' rounding of n (checked to .01). Noether's (1987)
formula is checked against a Monte Carlo simulation of the Mann-Whitney
test itself (scipy), with a fixed seed.
"""

from __future__ import annotations

import math

import pytest

from mixedmethods.power import (detectable_effect, detectable_effect_k_groups, effect_from_r, power_correlation,
                                power_k_groups, power_two_groups)


@pytest.mark.parametrize("d, n", [(0.2, 393), (0.5, 64), (0.8, 26)])
def test_t_test_power_at_cohens_table_sizes(d, n):
    # Cohen (1988), Table 2.4.1 (two-tailed alpha = .05, power .80): n per group 393, 64, 26 for d = .2, .5, .8.
    assert power_two_groups(n, n, d, "g") == pytest.approx(0.80, abs=0.01)


def test_t_test_power_unequal_groups_matches_pingouin_docs():
    import pingouin as pg

    # pingouin docs, power_ttest2n example: nx=20, ny=15, d=0.5, alternative='greater' -> power 0.4164.
    assert pg.power_ttest2n(nx=20, ny=15, d=0.5, alternative="greater") == pytest.approx(0.4164, abs=1e-4)
    # Two-sided with the same groups is smaller than the one-sided power, and the sign of g does not matter.
    assert power_two_groups(20, 15, -0.5, "g") == power_two_groups(20, 15, 0.5, "g") < 0.4164


def test_detectable_g_is_cohens_medium_effect_with_64_per_group():
    assert detectable_effect(64, 64, "g") == pytest.approx(0.50, abs=0.005)  # Cohen (1988), Table 2.4.1


@pytest.mark.parametrize("k, n", [(2, 64), (3, 52), (4, 45)])
def test_anova_power_at_cohens_table_sizes(k, n):
    # Cohen (1988), Table 8.4.4 (alpha = .05, power .80, f = .25): n per group 64 (u = 1), 52 (u = 2), 45 (u = 3).
    eta_squared = 0.25 ** 2 / (1 + 0.25 ** 2)  # f^2 = eta^2 / (1 - eta^2), Cohen (1988), eq. 8.2.19
    assert power_k_groups([n] * k, eta_squared, "epsilon2") == pytest.approx(0.80, abs=0.01)
    assert power_k_groups([n] * k, eta_squared, "omega2") == power_k_groups([n] * k, eta_squared, "epsilon2")


def test_k_group_power_uses_the_harmonic_mean_group_size():
    # Harmonic mean of 30, 60 and 20: 3 / (1/30 + 1/60 + 1/20) = 30 (hand computation).
    assert power_k_groups([30, 60, 20], 0.05, "epsilon2") == pytest.approx(power_k_groups([30, 30, 30], 0.05,
                                                                                          "epsilon2"))


@pytest.mark.parametrize("r, n", [(0.1, 783), (0.3, 84), (0.5, 28)])
def test_correlation_power_at_cohens_table_sizes(r, n):
    # Cohen (1988), Table 3.4.1 (two-tailed alpha = .05, power .80): n = 783, 84, 28 for r = .10, .30, .50.
    assert power_correlation(n, r) == pytest.approx(0.80, abs=0.01)


@pytest.mark.parametrize("n1, n2, d", [(20, 30, 0.8), (11, 13, 1.0), (50, 50, 0.4)])
def test_noether_power_matches_a_simulated_mann_whitney_test(n1, n2, d):
    """Normal samples shifted by d: P(X > Y) = Phi(d / sqrt 2), so r_rb = 2 Phi(d / sqrt 2) - 1."""
    import numpy as np
    from scipy import stats

    rng = np.random.default_rng(20261125)
    reps = 4000
    x, y = rng.normal(d, 1, (reps, n1)), rng.normal(0, 1, (reps, n2))
    simulated = float((stats.mannwhitneyu(x, y, axis=1, method="asymptotic").pvalue < 0.05).mean())
    r_rb = 2 * stats.norm.cdf(d / math.sqrt(2)) - 1
    # Tolerance .04: Monte Carlo SE <= .008 (4000 runs) plus Noether's normal approximation, which
    # ignores the variance change under the alternative (a few points of power at these sizes).
    assert power_two_groups(n1, n2, r_rb, "r_rb") == pytest.approx(simulated, abs=0.04)


def test_noether_detectable_effect_by_hand():
    # 2 (z_.975 + z_.80) / sqrt(12 * 50 * 50 / 100) = 2 (1.959964 + 0.841621) / 17.320508 = 0.323500
    assert detectable_effect(50, 50, "r_rb") == pytest.approx(0.323500, abs=1e-5)
    # Power at the detectable effect is the power asked for: Phi(17.320508 * 0.3235 / 2 - 1.959964) = Phi(0.8416).
    assert power_two_groups(50, 50, 0.3235, "r_rb") == pytest.approx(0.80, abs=1e-4)
    # 3 + 3 people: even complete separation (r_rb = 1) would not reach .80 by the approximation.
    assert math.isnan(detectable_effect(3, 3, "r_rb"))


@pytest.mark.parametrize("r, kind, expected", [
    (0.243, "g", 0.50), (0.371, "g", 0.80),  # Cohen (1988), Table 2.2.1: d = .5 <-> r = .243, d = .8 <-> r = .371
    # McGraw & Wong (1992) common language effect: CL = .64 for d = .5 and .71 for d = .8; r_rb = 2 CL - 1.
    (0.243, "r_rb", 0.28), (0.371, "r_rb", 0.43),
    (0.1, "epsilon2", 0.01), (0.3, "omega2", 0.09), (0.3, "r", 0.3),  # eta^2 = r^2 (Cohen, 1988, eq. 8.2.19)
])
def test_smallest_effect_in_each_metric(r, kind, expected):
    assert effect_from_r(r, kind) == pytest.approx(expected, abs=0.01)


def test_too_small_groups_and_unknown_kinds():
    assert math.isnan(power_two_groups(1, 20, 0.5, "g"))
    assert math.isnan(power_k_groups([10], 0.1, "epsilon2"))
    assert math.isnan(power_correlation(3, 0.5))
    with pytest.raises(ValueError):
        power_two_groups(10, 10, 0.5, "epsilon2")
    with pytest.raises(ValueError):
        power_k_groups([10, 10, 10], 0.1, "r_rb")


@pytest.mark.parametrize("f, k, n", [(0.25, 4, 45), (0.40, 3, 21), (0.10, 2, 394)])
def test_detectable_k_group_effect_at_cohens_table_sizes(f, k, n):
    # Cohen (1988), Table 8.4.4 (alpha = .05, power .80): n per group 45 (f = .25, u = 3), 21 (f = .40, u = 2),
    # 394 (f = .10, u = 1 ~ two groups, 393 in Table 2.4.1 for d = .2); eta2 = f^2 / (1 + f^2). The tables round n
    # up or down to whole people, so the detectable eta2 at that n is Cohen's within .004.
    expected = f ** 2 / (1 + f ** 2)
    found = detectable_effect_k_groups([n] * k, "epsilon2")
    assert found == pytest.approx(expected, abs=0.004)
    assert math.isnan(detectable_effect_k_groups([n], "omega2")) and math.isnan(detectable_effect_k_groups([1, n], "omega2"))


def test_survey_comparisons_carry_the_detectable_effect_of_their_group_sizes():
    import pandas as pd

    from mixedmethods.survey.analysis import compare_scales

    # Two groups of 10 and 12: Noether (1987) by hand, 2 (1.959964 + 0.841621) / sqrt(12 * 10 * 12 / 22)
    # = 5.603170 / 8.090398 = 0.6926.
    scores = pd.DataFrame({"group": ["a"] * 10 + ["b"] * 12, "s": list(range(10)) + list(range(3, 15))})
    table, _ = compare_scales(scores, ["s"], ["a", "b"], "mann-whitney", 5)
    assert table["detectable_effect"].iloc[0] == pytest.approx(0.6926, abs=5e-4)
    # Three groups of 8: Cohen's (1988) Table 8.4.4 gives n = 21 per group for f = .40 (eta2 = .138) at u = 2, so
    # groups of 8 detect only a much larger effect; pingouin's power at the value found is .80.
    three = pd.DataFrame({"group": ["a"] * 8 + ["b"] * 8 + ["c"] * 8, "s": list(range(24))})
    table, _ = compare_scales(three, ["s"], ["a", "b", "c"], "mann-whitney", 5)
    found = table["detectable_effect"].iloc[0]
    assert found > 0.138 and power_k_groups([8, 8, 8], found, "epsilon2") == pytest.approx(0.80, abs=1e-3)


def test_the_survey_chapter_says_what_the_group_sizes_could_detect(built_demo):
    import json

    from docx import Document

    root = built_demo
    comparisons = json.loads((root / "report" / "results.json").read_text())["survey"]["comparisons"]
    # By hand (Noether, 1987): the smallest r_rb detectable with 80% power from each scale's n1, n2.
    by_hand = [2 * (1.959964 + 0.841621) / math.sqrt(12 * c["n1"] * c["n2"] / (c["n1"] + c["n2"]))
               for c in comparisons.values()]
    low, high = (f"{x:.2f}".lstrip("0") for x in (min(by_hand), max(by_hand)))
    shown = low if low == high else f"{low} to {high}"
    text = [p.text for p in Document(str(root / "report" / "survey.en.docx")).paragraphs]
    assert any(p.startswith("Sensitivity.") and f"at least rrb = {shown} (Noether, 1987)" in p for p in text)
    french = [p.text for p in Document(str(root / "report" / "survey.fr.docx")).paragraphs]
    assert any(p.startswith("Sensibilité.") and f"d'au moins rrb = {shown.replace('.', ',').replace(' to ', ' à ')}"
               in p for p in french)
