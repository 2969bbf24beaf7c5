"""What a reviewer asks of a survey (issue 12, Deliver 5): response rate, item non-response, one-factor fit
per scale, ordinal alpha. Every expected number is a published value, a peer library's or a hand count."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mixedmethods.survey import factor_fit
from mixedmethods.survey.factor_fit import (JUST_IDENTIFIED, NO_VARIANCE, TOO_FEW_CASES, TOO_FEW_ITEMS, fit_factors,
                                            one_factor_fit, rmsea_interval)
from mixedmethods.survey.ordinal import alpha_from_correlations, ordinal_alpha, polychoric
from mixedmethods.survey.response_rate import item_nonresponse, response_rates


def holzinger_swineford() -> pd.DataFrame:
    """Holzinger & Swineford (1939), the 301 children and 9 tests of lavaan's HolzingerSwineford1939, as
    shipped by semopy (semopy.examples.holzinger39)."""
    from semopy.examples import holzinger39

    return holzinger39.get_data()[[f"x{i}" for i in range(1, 10)]]


# One-factor CFA fit -------------------------------------------------------------------------------------------

def test_the_fit_machinery_gives_lavaans_published_fit_of_the_three_factor_holzinger_swineford_model():
    # lavaan tutorial, "A CFA example" (https://lavaan.ugent.be/tutorial/cfa.html), lavaan 0.6:
    # R: fit <- cfa('visual =~ x1 + x2 + x3; textual =~ x4 + x5 + x6; speed =~ x7 + x8 + x9',
    #               data = HolzingerSwineford1939); summary(fit, fit.measures = TRUE)
    # Test statistic 85.306, Degrees of freedom 24, CFI 0.931, TLI 0.896, RMSEA 0.092,
    # 90 Percent confidence interval 0.071 - 0.114, SRMR 0.065
    fit = fit_factors(holzinger_swineford(), {"visual": ["x1", "x2", "x3"], "textual": ["x4", "x5", "x6"],
                                              "speed": ["x7", "x8", "x9"]})
    assert fit.not_estimable is None and fit.n == 301
    assert fit.chi2 == pytest.approx(85.306, abs=5e-4)
    assert fit.df == 24
    assert fit.cfi == pytest.approx(0.931, abs=5e-4)
    assert fit.tli == pytest.approx(0.896, abs=5e-4)
    assert fit.rmsea == pytest.approx(0.092, abs=5e-4)
    assert fit.rmsea_ci == pytest.approx((0.071, 0.114), abs=5e-4)
    assert fit.srmr == pytest.approx(0.065, abs=5e-4)


def test_one_factor_fit_of_the_nine_tests_agrees_with_statsmodels_maximum_likelihood_factor_analysis():
    # Independent implementation: statsmodels' ML factor analysis on the correlation matrix, then the ML
    # discrepancy F = log|Sigma| - log|R| + tr(R Sigma^-1) - p, chi-square = N F (lavaan's convention),
    # baseline chi-square = -N log|R|, CFI = 1 - (chi2 - df) / (chi2_b - df_b), SRMR over the lower triangle.
    from statsmodels.multivariate.factor import Factor

    data = holzinger_swineford()
    x = data.to_numpy(dtype=float)
    n, p = x.shape
    model = Factor(x, n_factor=1, method="ml").fit()
    sigma = model.loadings @ model.loadings.T + np.diag(model.uniqueness)
    r = np.corrcoef(x.T)
    discrepancy = np.log(np.linalg.det(sigma)) - np.log(np.linalg.det(r)) + np.trace(r @ np.linalg.inv(sigma)) - p
    chi2, df = n * discrepancy, p * (p + 1) / 2 - 2 * p
    baseline, df_baseline = -n * np.log(np.linalg.det(r)), p * (p - 1) / 2
    lower = np.tril_indices(p)
    fit = one_factor_fit(data)
    assert fit.df == df == 27
    assert fit.chi2 == pytest.approx(chi2, abs=0.01)  # 312.26
    assert fit.cfi == pytest.approx(1 - (chi2 - df) / (baseline - df_baseline), abs=1e-4)  # .677
    assert fit.srmr == pytest.approx(math.sqrt(np.mean((r - sigma)[lower] ** 2)), abs=1e-3)  # .143
    assert fit.rmsea == pytest.approx(math.sqrt((chi2 / df - 1) / n), abs=1e-4)  # .187
    assert fit.rmsea_ci[0] < fit.rmsea < fit.rmsea_ci[1]
    assert factor_fit.cutoffs_not_met(fit) == ["CFI", "RMSEA", "SRMR"]  # .677 < .95, .188 > .06, .143 > .08


def test_the_rmsea_interval_is_lavaans_for_the_same_chi_square():
    # lavaan tutorial (above): chi-square 85.306 on 24 df, N = 301 -> 90% CI 0.071 - 0.114
    assert rmsea_interval(85.306, 24, 301) == pytest.approx((0.071, 0.114), abs=5e-4)
    # A chi-square below its df: the lower bound is 0 (no noncentrality puts it above the 95th percentile)
    assert rmsea_interval(3.0, 5, 100)[0] == 0.0


def test_cfi_is_bounded_by_one_when_the_chi_square_is_below_its_degrees_of_freedom():
    # Bentler (1990): CFI = 1 - max(chi2 - df, 0) / max(chi2_b - df_b, chi2 - df, 0), so at most 1.
    rng = np.random.default_rng(1)  # data drawn from a one-factor model; this sample has chi2 = 2.88 on 5 df
    latent = rng.normal(size=400)
    data = pd.DataFrame({f"i{j}": 0.7 * latent + rng.normal(scale=0.7, size=400) for j in range(5)})
    fit = one_factor_fit(data)
    assert fit.chi2 < fit.df  # this sample fits better than expected by chance
    assert fit.cfi == 1.0 and fit.rmsea == 0.0


@pytest.mark.parametrize("columns, rows, reason", [
    (2, 50, TOO_FEW_ITEMS),    # one factor on two items: more parameters than covariances
    (3, 50, JUST_IDENTIFIED),  # 6 covariances, 6 parameters: df = 0, the fit is not testable
    (4, 8, TOO_FEW_CASES),     # 8 complete cases for 8 free parameters
])
def test_a_scale_whose_fit_cannot_be_tested_says_why(columns: int, rows: int, reason: str):
    rng = np.random.default_rng(1)
    data = pd.DataFrame(rng.integers(1, 6, size=(rows, columns)).astype(float), columns=list("abcd")[:columns])
    fit = one_factor_fit(data)
    assert fit.not_estimable == reason
    assert math.isnan(fit.chi2) and math.isnan(fit.cfi)


def test_the_three_holzinger_swineford_visual_tests_are_just_identified():
    fit = one_factor_fit(holzinger_swineford()[["x1", "x2", "x3"]])
    assert fit.not_estimable == JUST_IDENTIFIED


def test_an_item_nobody_varied_on_is_named_and_incomplete_rows_are_left_out():
    data = holzinger_swineford()[["x1", "x2", "x3", "x4"]].copy()
    data.iloc[:10, 3] = np.nan  # 10 incomplete respondents: complete cases only
    assert one_factor_fit(data).n == 291
    data["x4"] = 3.0
    assert one_factor_fit(data).not_estimable == NO_VARIANCE


def test_fitting_is_deterministic():
    data = holzinger_swineford()[["x4", "x5", "x6", "x7"]]
    assert one_factor_fit(data).record() == one_factor_fit(data).record()


def test_semopy_is_imported_only_when_a_scale_is_fitted():
    import subprocess
    import sys

    code = ("import sys, mixedmethods.survey.factor_fit, mixedmethods.survey.ordinal, "
            "mixedmethods.survey.analysis; print('semopy' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=Path(factor_fit.__file__).parents[2]).stdout.strip() == "False"


# Ordinal alpha ------------------------------------------------------------------------------------------------

def test_polychoric_correlation_recovers_the_latent_correlation_of_cut_normal_variables():
    # Independent check (no published table at hand): two normal variables with a known sample correlation,
    # cut at fixed thresholds into five ordered answers. Pearson's r of the answers is attenuated; the
    # polychoric estimate recovers the latent correlation (its standard error here is about .012).
    rng = np.random.default_rng(12)
    latent = rng.multivariate_normal([0, 0], [[1, 0.5], [0.5, 1]], size=5000)
    truth = np.corrcoef(latent.T)[0, 1]  # .467 in this sample
    cuts = [-1.5, -0.5, 0.3, 1.2]
    x, y = (pd.Series(np.digitize(latent[:, i], cuts) + 1.0) for i in (0, 1))
    assert polychoric(x, y) == pytest.approx(truth, abs=0.015)
    assert np.corrcoef(x, y)[0, 1] < truth - 0.03  # what the ordinal treatment corrects


def test_polychoric_uses_pairwise_complete_answers_and_needs_two_levels():
    x = pd.Series([1, 2, 3, 4, 5, 1, 2, 3, 4, 5, np.nan], dtype=float)
    y = pd.Series([1, 2, 3, 4, 5, 2, 2, 3, 5, 5, 1], dtype=float)
    assert polychoric(x, y) == pytest.approx(polychoric(x[:10], y[:10]))
    assert math.isnan(polychoric(pd.Series([3.0] * 10), y[:10]))


def test_alpha_of_a_correlation_matrix_is_pingouins_alpha_of_the_standardised_items():
    # Standardised alpha = alpha of z-scored items (pingouin.cronbach_alpha), the formula ordinal alpha applies
    # to polychoric correlations (Zumbo et al., 2007).
    import pingouin as pg

    rng = np.random.default_rng(5)
    latent = rng.normal(size=200)
    items = pd.DataFrame({f"i{j}": (1 + j) * latent + rng.normal(scale=1 + j, size=200) for j in range(4)})
    z = (items - items.mean()) / items.std()
    assert alpha_from_correlations(items.corr()) == pytest.approx(pg.cronbach_alpha(z)[0], abs=1e-10)
    assert alpha_from_correlations([[1.0, 0.5, 0.5], [0.5, 1.0, 0.5], [0.5, 0.5, 1.0]]) == pytest.approx(0.75)


def test_ordinal_alpha_estimates_the_reliability_of_the_latent_responses():
    # Four parallel latent items with inter-correlation .5: population alpha = 4 x .5 / (1 + 3 x .5) = .80
    # (Spearman-Brown). Cut into five answers, Pearson alpha is lower; ordinal alpha recovers .80.
    import pingouin as pg

    rng = np.random.default_rng(8)
    cov = np.full((4, 4), 0.5) + 0.5 * np.eye(4)
    latent = rng.multivariate_normal(np.zeros(4), cov, size=3000)
    answers = pd.DataFrame(np.digitize(latent, [-1.2, -0.4, 0.5, 1.4]) + 1.0, columns=list("abcd"))
    assert ordinal_alpha(answers) == pytest.approx(0.80, abs=0.015)
    assert pg.cronbach_alpha(answers)[0] < 0.78


# Response rate and item non-response ---------------------------------------------------------------------------

def _people(spec: dict[str, tuple[int, int]]) -> pd.DataFrame:
    """group -> (listed, respondents among them)."""
    rows = [{"participant_id": f"{g}{i}", "group": g, "responded": int(i < answered)}
            for g, (listed, answered) in spec.items() for i in range(listed)]
    return pd.DataFrame(rows, columns=["participant_id", "group", "responded"])


def test_response_rates_by_group_and_overall_are_respondents_over_people_listed():
    # Hand counts: a 30 of 40 (75%), b 16 of 20 (80%), c 10 of 10 (100%): 56 of 70 = 80%.
    rates = response_rates(_people({"a": (40, 30), "b": (20, 15 + 1), "c": (10, 10)}), ["a", "b", "c"], [], [], 3)
    assert rates["group"].tolist() == ["a", "b", "c", "all"]
    assert rates["listed"].tolist() == [40, 20, 10, 70]
    assert rates["respondents"].tolist() == [30, 16, 10, 56]
    assert rates["rate_pct"].tolist() == pytest.approx([75.0, 80.0, 100.0, 80.0])
    assert not rates["withheld"].any()


def test_a_group_with_few_non_respondents_is_withheld_with_another_so_the_total_stays_published():
    # The demo's shape: 52 of 56 and 68 of 84 (k = 5). 4 non-respondents are under k; hiding that row alone
    # would let the total give it back, so the other group is hidden too and 120 of 140 stays published.
    rates = response_rates(_people({"caricom": (56, 52), "sixth": (84, 68)}), ["caricom", "sixth"], [], [], 5)
    assert rates["withheld"].tolist() == [True, True, False]
    assert rates.iloc[2][["listed", "respondents"]].tolist() == [140, 120]
    assert rates.iloc[2]["rate_pct"] == pytest.approx(100 * 120 / 140)
    assert rates.iloc[:2][["listed", "respondents", "rate_pct"]].isna().all().all()


def test_with_three_groups_only_the_small_one_and_one_complement_are_withheld():
    # Non-respondents 2 (a), 0 (b), 10 (c): a is hidden; the hidden cells must hold k = 5, so the smallest
    # shown non-zero one, c, joins it; b (0 non-respondents) stays published.
    rates = response_rates(_people({"a": (20, 18), "b": (15, 15), "c": (30, 20)}), ["a", "b", "c"], [], [], 5)
    assert rates["withheld"].tolist() == [True, False, True, False]
    assert rates.iloc[3]["rate_pct"] == pytest.approx(100 * 53 / 65)


def test_a_group_left_out_of_the_survey_counts_nowhere_and_nobody_listed_gives_no_rate():
    rates = response_rates(_people({"a": (40, 30), "b": (20, 15), "tiny": (6, 2)}), ["a", "b", "tiny"],
                           ["tiny"], ["tiny"], 5)
    assert rates["withheld"].tolist() == [False, False, True, False]
    assert rates.iloc[3][["listed", "respondents"]].tolist() == [60, 45]
    assert response_rates(_people({}), ["a"], [], [], 5).empty
    # One group with 2 non-respondents (k = 5): no other cell can protect it, so the overall row is withheld too.
    assert response_rates(_people({"a": (40, 38)}), ["a"], [], [], 5)["withheld"].tolist() == [True, True]


def _questionnaire(tmp_path: Path):
    import yaml

    from mixedmethods.instrument.questionnaire import load_questionnaire

    data = {"id": "pilot", "languages": ["en"],
            "choice_lists": {"yn": [{"value": "yes", "label": "Yes"}, {"value": "no", "label": "No"}]},
            "questions": [{"id": "trained", "type": "select_one", "choices": "yn"},
                          {"id": "how", "type": "text", "relevant": "${trained} = 'yes'"},
                          {"id": "age", "type": "integer"}]}
    (tmp_path / "pilot.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    return load_questionnaire(tmp_path / "pilot.yaml")


def test_item_non_response_does_not_count_a_question_the_skip_logic_did_not_ask(tmp_path: Path):
    q = _questionnaire(tmp_path)
    # 12 respondents: 8 trained (6 say how, 2 do not), 4 not trained (not asked how); age missing for 1.
    responses = pd.DataFrame({"group": ["g"] * 12,
                              "trained": ["yes"] * 8 + ["no"] * 4,
                              "how": ["course"] * 6 + [None] * 6,
                              "age": [30.0] * 11 + [np.nan]})
    table = item_nonresponse(responses, q, k=1).set_index("question")
    assert table.loc["how", ["answered", "missing", "not_applicable"]].tolist() == [6, 2, 4]
    assert table.loc["how", "missing_pct"] == pytest.approx(100 * 2 / 8)  # over those asked, not 2 / 12
    assert table.loc["trained", ["answered", "missing", "not_applicable"]].tolist() == [12, 0, 0]
    assert table.loc["age", "missing_pct"] == pytest.approx(100 / 12)
    # k = 3: one missing age is withheld, and so is the answered count that would give it back (12 - 11)
    table = item_nonresponse(responses, q, k=3).set_index("question")
    assert math.isnan(table.loc["age", "missing"]) and math.isnan(table.loc["age", "answered"])
    assert table.loc["age", "protected"] == "answered" and math.isnan(table.loc["age", "missing_pct"])
    assert table.loc["how", "missing"] == pytest.approx(np.nan, nan_ok=True)  # 2 < 3
    assert item_nonresponse(responses.iloc[:0], q, k=3)["answered"].tolist() == [0, 0, 0]
    # 18 respondents, 2 not asked (under k = 3): the smallest shown count, 6 answered, is hidden with them, and
    # the % missing (10 of 16) would give it back, so it is withheld too.
    responses = pd.DataFrame({"group": ["g"] * 18, "trained": ["yes"] * 16 + ["no"] * 2,
                              "how": ["course"] * 6 + [None] * 12, "age": [30.0] * 18})
    row = item_nonresponse(responses, q, k=3).set_index("question").loc["how"]
    assert row["missing"] == 10 and math.isnan(row["answered"]) and math.isnan(row["not_applicable"])
    assert math.isnan(row["missing_pct"])


# The demo: settings, results.json and the chapter ---------------------------------------------------------------

def test_survey_reliability_is_a_study_setting(small_study: Path):
    from mixedmethods.errors import ConfigError
    from mixedmethods.study import load_study

    assert load_study(small_study).survey.reliability == "pearson"
    path = small_study / "study.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "survey:\n  reliability: ordinal\n", encoding="utf-8")
    assert load_study(small_study).survey.reliability == "ordinal"
    path.write_text(path.read_text(encoding="utf-8").replace("ordinal", "polychoric"), encoding="utf-8")
    with pytest.raises(ConfigError, match="survey.reliability: expected one of pearson, ordinal") as error:
        load_study(small_study)
    assert error.value.line is not None


def test_the_demo_reports_120_respondents_of_140_listed_and_a_fit_per_scale(built_demo: Path):
    # The demo lists 140 participants and imports 120 survey responses (its console line; mixedmethods/demo.py).
    # Read from the session's one build: results.json holds the survey statistics, tables.xlsx its tables (a
    # labelled sheet per table; the README sheet maps each sheet and column to its table and column id).
    import json

    from mixedmethods.study import load_study

    study = load_study(built_demo)
    statistics = json.loads((built_demo / "report" / "results.json").read_text(encoding="utf-8"))["survey"]
    book = built_demo / "report" / "tables.xlsx"
    readme = pd.read_excel(book, sheet_name="README", header=None, engine="openpyxl")
    readme = pd.read_excel(book, sheet_name="README", skiprows=int(readme.index[readme[0] == "Sheet"][0]), engine="openpyxl")
    columns = {table: set(rows["Column id"].dropna()) for table, rows in readme.groupby("Table id")}
    sheet_of = dict(zip(readme["Table id"], readme["Sheet"]))
    item_nonresponse = pd.read_excel(book, sheet_name=sheet_of["survey_item_nonresponse"], engine="openpyxl")
    overall = statistics["response_rate"]["by_group"]["all"]
    assert (overall["listed"], overall["respondents"]) == (140, 120)
    assert statistics["response_rate"]["definition"] == "AAPOR RR2"
    fits = statistics["scale_fit"]
    assert set(fits) == {s.id for s in study.questionnaire().scales}
    assert all(f["not_estimable"] is None and 0 <= f["cfi"] <= 1 for f in fits.values())
    assert "cfi" in columns["survey_scale_fit"] and "ordinal_alpha" not in columns["survey_scale_fit"]
    summary = statistics["item_nonresponse_summary"]
    assert summary["questions"] == len(item_nonresponse) == len(statistics["item_nonresponse"])


def test_the_chapter_states_rate_missing_data_fit_and_treatment_in_both_languages(fresh_demo: Path):
    from docx import Document

    from mixedmethods.report.document import ReportDocument
    from mixedmethods.report.survey_chapter import SurveyChapter
    from mixedmethods.report.texts import Texts
    from mixedmethods.study import load_study
    from mixedmethods.survey.analysis import analyse_survey

    import sqlite3

    path = fresh_demo / "study.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "survey:\n  reliability: ordinal\n", encoding="utf-8")
    # Two respondents taken off the list: 138 listed, 118 of them answered (86%), and 2 unlisted respondents,
    # a count under k = 5 that is not printed.
    conn = sqlite3.connect(fresh_demo / "store.sqlite")
    with conn:
        conn.execute("UPDATE participants SET listed = 0 WHERE participant_id IN (SELECT participant_id FROM "
                     "survey_responses WHERE status = 'kept' ORDER BY participant_id LIMIT 2)")
    conn.close()
    study = load_study(fresh_demo)
    results = analyse_survey(study)
    assert results.statistics["response_rate"]["unlisted_respondents"] is None
    assert all(0 < v["ordinal_alpha"] < 1 for v in results.statistics["reliability"].values())
    texts = {}
    for lang in ("en", "fr"):
        doc = ReportDocument(None, lang)
        chapter = SurveyChapter(doc, results, study, study.questionnaire(), Texts(lang), fresh_demo)
        chapter.write()
        chapter.references()
        saved = doc.save(fresh_demo / f"survey.{lang}.docx")
        document = Document(str(saved))
        texts[lang] = " ".join([p.text for p in document.paragraphs] +
                               [c.text for t in document.tables for row in t.rows for c in row.cells])
    assert "Of the 138 people listed as participants, 118 answered the questionnaire, a response rate of 86%" \
        in texts["en"]
    assert "Sur les 138 personnes inscrites comme participants, 118 ont répondu" in texts["fr"]
    assert "Respondents who are not in the participant list (fewer than 5)" in texts["en"]
    assert "the α of the polychoric correlations between the items" in texts["en"]
    assert "l'α des corrélations polychoriques entre les items" in texts["fr"]
    assert "interval scores" not in texts["en"]
    for lang, words in {"en": ("Response Rate 2", "pairwise deletion", "complete cases", "Hu and Bentler (1999)",
                               "ordinal α", "Zumbo, B. D."),
                        "fr": ("taux de réponse 2", "suppression par paire", "cas complets",
                               "Hu et Bentler (1999)", "α ordinal", "Zumbo, B. D.")}.items():
        for word in words:
            assert word in texts[lang], (lang, word)


def test_nobody_listed_gives_a_sentence_not_a_rate_and_k_groups_name_the_withheld_ones():
    from types import SimpleNamespace

    from mixedmethods.report.survey_chapter import SurveyChapter
    from mixedmethods.report.texts import Texts

    chapter = object.__new__(SurveyChapter)
    chapter.k, chapter.groups = 5, ["a", "b", "c"]
    chapter.study = SimpleNamespace(group_label=lambda g, lang: f"{g.upper()} team")
    for lang, none, withheld in (("en", "The response rate cannot be computed", "The rates of the A team and the C "
                                  "team are not reported"),
                                 ("fr", "Le taux de réponse ne peut pas être calculé", "Les taux de l'A team et du C "
                                  "team ne sont pas publiés")):
        chapter.t, chapter.lang = Texts(lang), lang
        assert chapter.response_rate_text({"not_computed": "nobody listed in participants.csv"}).startswith(none)
        # The three-group case of test_with_three_groups_only_the_small_one_and_one_complement_are_withheld
        rate = {"unlisted_respondents": 0, "by_group": {
            "a": {"withheld": True}, "c": {"withheld": True},
            "b": {"withheld": False, "listed": 15, "respondents": 15, "rate_pct": 100.0},
            "all": {"withheld": False, "listed": 65, "respondents": 53, "rate_pct": 100 * 53 / 65}}}
        text = chapter.response_rate_text(rate)
        assert withheld in text
        assert ("100% in the B team (15 of 15)" if lang == "en" else "100\u00a0% dans le B team (15 sur 15)") in text


def test_polychoric_of_median_split_items_is_sheppards_tetrachoric():
    # Sheppard (1899): with both variables cut at their medians, P(both high) = 1/4 + arcsin(rho) / (2 pi).
    # 40 of 100 in the high-high cell: rho = sin(2 pi (.40 - .25)) = sin(3 pi / 10) = (1 + sqrt 5) / 4 = .809017.
    x = pd.Series([1] * 40 + [1] * 10 + [2] * 10 + [2] * 40)
    y = pd.Series([1] * 40 + [2] * 10 + [1] * 10 + [2] * 40)
    assert polychoric(x, y) == pytest.approx((1 + 5 ** 0.5) / 4, abs=1e-6)
    # Discordant halves: 10 of 100 high-high gives sin(2 pi (.10 - .25)) = -sin(3 pi / 10).
    assert polychoric(x, pd.Series([2] * 40 + [1] * 10 + [2] * 10 + [1] * 40)) == pytest.approx(-(1 + 5 ** 0.5) / 4,
                                                                                                abs=1e-6)
