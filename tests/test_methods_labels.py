"""Issue 12, Deliver 4: each interval and p value is the method its label names, pinned to external values.

Sources beside each number: R's documented examples, the tests of R's effectsize package, pingouin's documented
examples, or a reference written here from the published definition (never our code's own output).
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from scipy import optimize, stats

from mixedmethods.survey import exact
from mixedmethods.survey.comparisons import (association, cramers_v_interval, hedges_g_interval, mann_whitney,
                                             rank_biserial_score_interval, table_seed, welch)
from mixedmethods.survey.omnibus import compare_k_groups
from mixedmethods.survey.reliability import cronbach_alpha, mcdonald_omega, omega_with_ci, scale_reliability

# R: datasets::sleep, extra hours of sleep by drug group
SLEEP_1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
SLEEP_2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]
# R: datasets::mtcars, wt (1000 lbs) by am (0 = automatic, 1 = manual), in the data set's row order
MTCARS_WT_AUTOMATIC = [3.215, 3.440, 3.460, 3.570, 3.190, 3.150, 3.440, 3.440, 4.070, 3.730, 3.780, 5.250, 5.424,
                       5.345, 2.465, 3.520, 3.435, 3.840, 3.845]
MTCARS_WT_MANUAL = [2.620, 2.875, 2.320, 2.200, 1.615, 1.835, 1.935, 2.140, 1.513, 3.170, 2.770, 3.570, 2.780]
# R: ?fisher.test, Job satisfaction by income (Agresti 2002, p. 57), rows income, columns satisfaction
JOB = [[1, 2, 1, 0], [3, 3, 6, 1], [10, 10, 14, 9], [6, 7, 12, 11]]
# R: ?fisher.test, the 6th example of Mehta & Patel (1986)
MP6 = [[1, 2, 2, 1, 1, 0, 1], [2, 0, 0, 2, 3, 0, 0], [0, 1, 1, 1, 2, 7, 3], [1, 1, 2, 0, 0, 0, 1],
       [0, 1, 1, 1, 1, 0, 0]]


# Hedges' g: noncentral t ------------------------------------------------------------------------------------------

def test_hedges_g_interval_equals_r_effectsize_on_mtcars():
    # R effectsize, tests/testthat/test-cohens_d.R: hedges_g(wt ~ am, data = mtcars) -> 1.844, CI [1.004, 2.664]
    result = welch(MTCARS_WT_AUTOMATIC, MTCARS_WT_MANUAL)
    assert result.effect_size == pytest.approx(1.844, abs=1e-3)
    assert result.effect_ci == pytest.approx((1.004, 2.664), abs=1e-3)
    assert result.ci_method == "noncentral t"


def test_hedges_g_interval_on_sleep_is_the_noncentral_one_of_the_issue():
    # Issue 12: on R's sleep, the normal approximation gives [-1.77, .18], the noncentral t [-1.67, .09].
    result = welch(SLEEP_1, SLEEP_2)
    low, high = result.effect_ci
    assert (round(low, 2), round(high, 2)) == (-1.67, 0.09)
    # R: t.test(extra ~ group, data = sleep, var.equal = TRUE) -> t = -1.8608, df = 18: the interval's own inputs
    assert hedges_g_interval(-1.860813, 10, 10) == pytest.approx((low, high), abs=1e-5)


def test_hedges_g_interval_limits_put_t_at_the_tails_of_the_noncentral_t():
    # By the definition (Steiger & Fouladi 1997): at the lower limit's noncentrality, P(T <= t) = .975.
    t, n1, n2 = 2.5, 12, 9
    low, high = hedges_g_interval(t, n1, n2)
    j, scale = 1 - 3 / (4 * (n1 + n2) - 9), math.sqrt(1 / n1 + 1 / n2)
    assert stats.nct.cdf(t, n1 + n2 - 2, low / j / scale) == pytest.approx(0.975, abs=1e-6)
    assert stats.nct.cdf(t, n1 + n2 - 2, high / j / scale) == pytest.approx(0.025, abs=1e-6)
    assert hedges_g_interval(1.0, 1, 5) == (pytest.approx(math.nan, nan_ok=True),) * 2  # no df: no interval


# Fisher's exact test for r x c tables --------------------------------------------------------------------------

def test_r_by_c_fisher_is_exact_on_r_job_table():
    # R: fisher.test(Job) -> p-value = 0.7827
    result = association(pd.DataFrame(JOB).T)
    assert result.test == "fisher"
    assert result.p == pytest.approx(0.7827, abs=5e-5)


def test_r_by_c_fisher_equals_r_on_mehta_and_patel_example():
    # R: ?fisher.test, fisher.test(MP6) -> p-value = 0.03929
    assert exact.fisher_exact_rxc(MP6) == pytest.approx(0.03929, abs=5e-6)


def brute_force_fisher(table: list[list[int]]) -> float:
    """Every table with the observed margins, its hypergeometric probability from binomial coefficients."""
    rows, columns = [sum(r) for r in table], [sum(c) for c in zip(*table)]
    n = sum(rows)

    def probability(t):
        ways = 1
        left = list(columns)
        for row in t:  # multinomial: choose each row's cells from what is left of the columns
            for j, x in enumerate(row):
                ways *= math.comb(left[j], x)
                left[j] -= x
        total = 1
        remaining = n
        for r in rows:
            total *= math.comb(remaining, r)
            remaining -= r
        return ways / total

    def tables(i, left):
        if i == len(rows) - 1:
            yield [left]
            return
        for cells in itertools.product(*(range(min(rows[i], c) + 1) for c in left)):
            if sum(cells) == rows[i]:
                for rest in tables(i + 1, [c - x for c, x in zip(left, cells)]):
                    yield [list(cells)] + rest

    observed = probability(table)
    return sum(p for p in map(probability, tables(0, columns)) if p <= observed * (1 + 1e-7))


@pytest.mark.parametrize("table", [[[2, 0, 3], [1, 4, 0], [0, 2, 2]], [[3, 1, 0, 2], [0, 2, 4, 1]],
                                   [[1, 0], [0, 3], [2, 1], [1, 1]]])
def test_r_by_c_fisher_equals_a_brute_force_enumeration(table):
    assert exact.fisher_exact_rxc(table) == pytest.approx(brute_force_fisher(table), rel=1e-9)


def test_too_large_a_table_gets_a_monte_carlo_p_labelled_with_its_tables_and_seed(monkeypatch):
    monkeypatch.setattr(exact, "MAX_VISITS", 0)  # as if the enumeration were too large
    table = pd.DataFrame(JOB).T
    result = association(table)
    assert result.test == "fisher-monte-carlo" and result.tables == 9999
    assert result.seed == table_seed(table.to_numpy())
    assert result.p == pytest.approx(0.7827, abs=0.015)  # R's exact p; Monte Carlo SE about .004
    assert association(table).p == result.p  # the same table, the same seed, the same p


# Cramér's V: noncentral chi-square interval --------------------------------------------------------------------

def test_cramers_v_interval_is_the_noncentral_chi_square_one():
    # R: ?chisq.test, M <- as.table(rbind(c(762, 327, 468), c(484, 239, 477))): X-squared = 30.07, df = 2
    result = association(pd.DataFrame([[762, 327, 468], [484, 239, 477]]))
    low, high = result.cramers_v_ci
    assert low < result.cramers_v < high
    # Smithson (2003): lambda = V^2 n (min(r, c) - 1) puts the observed chi-square at the 97.5th / 2.5th percentile
    chi2, n = 30.0701, 2757
    assert stats.ncx2.cdf(chi2, 2, low ** 2 * n) == pytest.approx(0.975, abs=1e-4)
    assert stats.ncx2.cdf(chi2, 2, high ** 2 * n) == pytest.approx(0.025, abs=1e-4)
    # A chi-square below the central 97.5th percentile: the lower limit is 0
    assert cramers_v_interval(1.0, 100, (2, 2))[0] == 0.0


def test_cramers_v_interval_matches_statpsych():
    # R: statpsych::ci.cramer(.05, 19.21, 2, 3, 200), documented example: Estimate .3099, LL .1601, UL .4417
    # (Bonett, statpsych reference manual; Smithson 2003's noncentral chi-square method).
    assert cramers_v_interval(19.21, 200, (2, 3)) == pytest.approx((0.1601, 0.4417), abs=1e-4)


# Rank-biserial r: one bootstrap per data, defined under separation ---------------------------------------------

def test_mann_whitney_interval_does_not_depend_on_row_order():
    x = [3.2, 4.0, 2.6, 4.4, 3.8, 3.0, 4.2, 2.8, 3.6, 4.8, 3.4]
    y = [2.4, 3.0, 2.2, 3.6, 2.8, 2.0, 3.2, 2.6, 4.0]
    first = mann_whitney(x, y)
    rng = np.random.default_rng(5)
    for _ in range(3):
        shuffled = mann_whitney(rng.permutation(x), rng.permutation(y))
        assert shuffled.effect_ci == first.effect_ci
    # ... and the k-group entry point (survey chapter and triangulation alike) prints that same interval
    assert compare_k_groups({"a": list(reversed(x)), "b": y})[0].effect_ci == first.effect_ci
    assert first.ci_method == "BCa"


def score_interval_by_hand(theta_hat: float, m: int, n: int) -> tuple[float, float]:
    """Hanley & McNeil (1982) variance V = [A(1-A) + (m-1)(Q1-A^2) + (n-1)(Q2-A^2)] / (mn),
    Q1 = A / (2 - A), Q2 = 2A^2 / (1 + A); the set of A with (theta_hat - A)^2 <= 1.96^2 V(A)."""
    z = stats.norm.ppf(0.975)

    def excess(a):
        q1, q2 = a / (2 - a), 2 * a * a / (1 + a)
        v = (a * (1 - a) + (m - 1) * (q1 - a * a) + (n - 1) * (q2 - a * a)) / (m * n)
        return (theta_hat - a) ** 2 - z * z * v

    grid = np.linspace(0, 1, 200001)
    inside = grid[np.array([excess(a) <= 0 for a in grid])]
    low = optimize.brentq(excess, max(inside[0] - 1e-5, 0), inside[0] + 1e-5) if inside[0] > 0 else 0.0
    high = optimize.brentq(excess, inside[-1] - 1e-5, min(inside[-1] + 1e-5, 1)) if inside[-1] < 1 else 1.0
    return low, high


def test_complete_separation_gets_the_hanley_mcneil_score_interval():
    result = mann_whitney([5, 6, 7, 8, 9], [1, 2, 3, 4])  # every x above every y: r_rb = 1, BCa undefined
    assert result.effect_size == 1.0
    assert result.ci_method == "Hanley-McNeil score"
    low, high = score_interval_by_hand(1.0, 5, 4)
    assert result.effect_ci == pytest.approx((2 * low - 1, 2 * high - 1), abs=1e-6)
    assert -1 < result.effect_ci[0] < 1 and result.effect_ci[1] == 1.0
    # an interior value, by the same hand computation
    theta = (0.4 + 1) / 2
    assert rank_biserial_score_interval(0.4, 10, 5) == pytest.approx(
        tuple(2 * v - 1 for v in score_interval_by_hand(theta, 10, 5)), abs=1e-6)
    reverse = mann_whitney([1, 2, 3, 4], [5, 6, 7, 8, 9])
    assert reverse.effect_ci == pytest.approx((-1.0, -result.effect_ci[0]), abs=1e-9)


# Reliability: alpha's CI on the printed n, omega from 3 items, with a bootstrap CI ---------------------------

def test_alpha_and_its_interval_use_the_complete_cases_that_are_printed():
    import pingouin as pg

    data = pg.read_dataset("cronbach_wide_missing")  # 12 respondents, 9 with every item
    alpha, (low, high) = cronbach_alpha(data)
    # pingouin docs: pg.cronbach_alpha(data, nan_policy='listwise') -> 0.8017 (its CI uses all 12 rows: not ours)
    assert alpha == pytest.approx(0.8017, abs=1e-4)
    # Feldt et al. (1987) by hand on the n = 9 complete cases, k = 11 items
    n, k = 9, data.shape[1]
    f = stats.f
    assert (low, high) == pytest.approx((1 - (1 - alpha) * f.ppf(0.975, n - 1, (n - 1) * (k - 1)),
                                         1 - (1 - alpha) * f.ppf(0.025, n - 1, (n - 1) * (k - 1))), abs=5e-4)
    assert scale_reliability(data, resamples=0).n == 9


def _one_factor_sample(loadings: list[float], n: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    factor = rng.standard_normal((n, 1))
    lam = np.asarray(loadings)
    return pd.DataFrame(factor * lam + rng.standard_normal((n, lam.size)) * np.sqrt(1 - lam ** 2))


def test_omega_needs_three_items():
    data = _one_factor_sample([0.8, 0.7, 0.6], 80, 3)
    assert math.isfinite(mcdonald_omega(data))
    assert math.isnan(mcdonald_omega(data[[0, 1]]))  # two items: no one-factor model, no omega
    two = scale_reliability(data[[0, 1]], resamples=10)
    assert math.isnan(two.omega) and all(math.isnan(v) for v in two.omega_ci) and two.omega_resamples == 0


def test_omega_is_the_same_on_every_run():
    data = _one_factor_sample([0.8, 0.7, 0.6, 0.5], 60, 4)
    assert len({mcdonald_omega(data) for _ in range(5)}) == 1


def test_omega_interval_is_a_percentile_bootstrap_over_respondents():
    from statsmodels.multivariate.factor import Factor

    data = _one_factor_sample([0.8, 0.7, 0.6, 0.5], 60, 4)
    omega, (low, high) = omega_with_ci(data, resamples=300)
    # Reference: the percentile bootstrap (Efron & Tibshirani 1993, ch. 13) with its own resamples and seed,
    # omega = (sum of ML loadings)^2 / ((sum)^2 + sum of uniquenesses) refitted on each resample.
    rng = np.random.default_rng(99)
    values = []
    x = data.to_numpy()
    for _ in range(300):
        fit = Factor(x[rng.integers(0, len(x), len(x))], n_factor=1, method="ml").fit(rng=1)
        s = abs(fit.loadings[:, 0].sum()) ** 2
        values.append(s / (s + fit.uniqueness.sum()))
    reference = np.percentile(values, [2.5, 97.5])
    assert (low, high) == pytest.approx(tuple(reference), abs=0.03)
    assert low < omega < high
    # the same answers in another row order: the same interval
    assert omega_with_ci(data.sample(frac=1, random_state=2), resamples=300)[1] == (low, high)


def test_omega_interval_is_the_2_5_and_97_5_percentiles_of_its_resamples():
    from statsmodels.multivariate.factor import Factor

    from mixedmethods.survey.omnibus import content_seed

    data = _one_factor_sample([0.8, 0.7, 0.6, 0.5], 60, 4)
    _, (low, high) = omega_with_ci(data, resamples=200)
    # The documented resampling (rows sorted, seed from their content), each resample refitted here on the raw
    # answers with statsmodels' defaults: the limits are the 2.5th and 97.5th percentiles of these omegas.
    rows = np.asarray(sorted(map(tuple, data.to_numpy().tolist())))
    rng = np.random.default_rng(content_seed([[float(v) for row in rows.tolist() for v in row]]))
    values = []
    for _ in range(200):
        fit = Factor(rows[rng.integers(0, len(rows), len(rows))], n_factor=1, method="ml").fit(rng=0)
        s = abs(fit.loadings[:, 0].sum()) ** 2
        values.append(s / (s + fit.uniqueness.sum()))
    assert (low, high) == pytest.approx(tuple(np.percentile(values, [2.5, 97.5])), abs=1e-4)


# The demo's chapter: one interval per statistic, methods and labels as computed ----------------------------------

@pytest.fixture(scope="module")
def built_en(built_demo):
    """The session's built demo (conftest.py), read only: its English chapters."""
    return built_demo


def test_the_survey_table_and_the_joint_displays_print_one_interval_per_test(built_en):
    import json

    results = json.loads((built_en / "report" / "results.json").read_text())
    survey = {round(c["effect_size"], 12): (c["effect_CI95_low"], c["effect_CI95_high"])
              for c in results["survey"]["comparisons"].values()}
    joint = [c for c in results["triangulation"]["comparisons"] if c["source"] == "survey" and c.get("test")]
    shared = [c for c in joint if round(c["effect_size"], 12) in survey]
    assert shared  # the survey's scales are the survey indicators of the constructs
    for c in shared:
        assert (c["effect_CI95_low"], c["effect_CI95_high"]) == survey[round(c["effect_size"], 12)]


def test_associations_are_holm_adjusted_with_a_v_interval_in_the_text(built_en):
    import json

    from docx import Document

    associations = json.loads((built_en / "report" / "results.json").read_text())["survey"]["associations"]
    p = sorted((a["p"], q) for q, a in associations.items())
    m, running = len(p), 0.0
    for i, (value, question) in enumerate(p):  # Holm (1979) by hand: step-down, (m - i) p, monotone, capped at 1
        running = max(running, min(1.0, (m - i) * value))
        assert associations[question]["p_holm"] == pytest.approx(running, rel=1e-12)
    for a in associations.values():
        assert a["test"] in ("chi-square", "fisher")  # the demo's tables are small enough to be exact
        assert 0 <= a["cramers_v_CI95_low"] <= a["cramers_v"] <= a["cramers_v_CI95_high"] <= 1
    text = "\n".join(p.text for p in Document(str(built_en / "report" / "survey.en.docx")).paragraphs)
    sentences = [line for line in text.splitlines() if "V = " in line]
    assert len(sentences) == len(associations) and all("Holm" in s and "95% CI [" in s for s in sentences)
    assert f"The p values of these {len(associations)} tests were adjusted together" in text.replace("*", "")


def test_reliability_table_prints_omega_with_its_interval_on_the_n_shown(built_en):
    import json

    from docx import Document

    reliability = json.loads((built_en / "report" / "results.json").read_text())["survey"]["reliability"]
    table = _reliability_table(Document(str(built_en / "report" / "survey.en.docx")))
    assert [c.text for c in table.rows[0].cells].count("95% CI") == 2
    for scale in reliability.values():
        assert scale["omega_resamples"] == 1000 and scale["omega_CI95_low"] < scale["omega"] < scale["omega_CI95_high"]


def test_a_two_item_scale_gets_a_dash_and_a_footnote_for_omega(demo_study, tmp_path):
    import shutil

    from click.testing import CliRunner
    from docx import Document

    from mixedmethods.cli import cli

    root = tmp_path / "study"
    shutil.copytree(demo_study, root)
    questionnaire = root / "instruments" / "survey.yaml"
    text = questionnaire.read_text(encoding="utf-8")
    line = next(x for x in text.splitlines() if x.strip().startswith("items: [") and x.count(",") >= 3)
    two = line[:line.index("[") + 1] + ", ".join(line[line.index("[") + 1:line.index("]")].split(", ")[:2]) + "]"
    questionnaire.write_text(text.replace(line, two, 1), encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", str(root), "--language", "en"])
    assert result.exit_code == 0, result.output
    document = Document(str(root / "report" / "survey.en.docx"))
    rows = [[c.text for c in r.cells] for r in _reliability_table(document).rows[1:]]
    short = [r for r in rows if r[1] == "2"]
    assert len(short) == 1 and short[0][5] == "\u2014" and short[0][6] == "\u2014"
    assert all(r[5] != "\u2014" for r in rows if r[1] != "2")
    paragraphs = "\n".join(p.text for p in document.paragraphs)
    assert "a one-factor model needs at least three items (" in paragraphs


def _reliability_table(document):
    """The survey chapter's reliability table: the one whose header has omega."""
    return next(t for t in document.tables if any("\u03c9" in c.text for c in t.rows[0].cells))
