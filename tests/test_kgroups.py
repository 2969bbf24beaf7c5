"""Any number of groups: omnibus and post hoc tests against R and hand computation, and studies of 1, 3 and
under-k groups that build."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mixedmethods.survey.comparisons import association
from mixedmethods.survey.omnibus import compare_k_groups, content_seed, epsilon_squared, omega_squared

# R: datasets::airquality, Ozone by Month (rows with NA Ozone dropped: 116 days)
OZONE = {
    "May": [41, 36, 12, 18, 28, 23, 19, 8, 7, 16, 11, 14, 18, 14, 34, 6, 30, 11, 1, 11, 4, 32, 23, 45, 115, 37],
    "June": [29, 71, 39, 23, 21, 37, 20, 12, 13],
    "July": [135, 49, 32, 64, 40, 77, 97, 97, 85, 10, 27, 7, 48, 35, 61, 79, 63, 16, 80, 108, 20, 52, 82, 50, 64,
             59],
    "August": [39, 9, 16, 78, 35, 66, 122, 89, 110, 44, 28, 65, 22, 59, 23, 31, 44, 21, 9, 45, 168, 73, 76, 118, 84,
               85],
    "September": [96, 78, 73, 91, 47, 32, 20, 23, 21, 24, 44, 21, 28, 9, 13, 46, 18, 13, 24, 16, 13, 23, 36, 7, 14,
                  30, 14, 18, 20],
}
# R: ?kruskal.test, Hollander & Wolfe (1973) p. 116: mucociliary efficiency, three groups of subjects
HW = {"normal": [2.9, 3.0, 2.5, 2.6, 3.2], "airway": [3.8, 2.7, 4.0, 2.4], "asbestosis": [2.8, 3.4, 3.7, 2.2, 2.0]}
# R: datasets::sleep, extra hours of sleep by drug group
SLEEP = {"1": [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0],
         "2": [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]}


def hair_color() -> dict[str, list[float]]:
    import pingouin as pg

    # McClave & Dietrich (1991): pain threshold by hair colour, pingouin's 'anova' dataset
    data = pg.read_dataset("anova")
    return {g: v.tolist() for g, v in data.groupby("Hair color", sort=False)["Pain threshold"]}


def test_kruskal_wallis_equals_r_on_airquality():
    # R: kruskal.test(Ozone ~ Month, data = airquality)
    #    Kruskal-Wallis chi-squared = 29.267, df = 4, p-value = 6.901e-06
    omnibus, posthoc = compare_k_groups(OZONE)
    assert omnibus.test == "kruskal-wallis" and omnibus.k == 5 and sum(omnibus.n) == 116
    assert omnibus.statistic == pytest.approx(29.267, abs=5e-4)
    assert omnibus.df == 4
    assert omnibus.p == pytest.approx(6.901e-06, rel=1e-3)
    # Epsilon-squared by hand (Tomczak & Tomczak, 2014): H / ((n^2 - 1) / (n + 1)) = 29.26658 / 115 = .25449
    assert omnibus.effect == "epsilon2"
    assert omnibus.effect_size == pytest.approx(29.26658 / 115, abs=1e-5)
    low, high = omnibus.effect_ci
    assert 0 <= low < omnibus.effect_size < high <= 1
    assert len(posthoc) == 10  # 5 * 4 / 2 pairs


def test_kruskal_wallis_equals_r_documented_example():
    # R: ?kruskal.test, kruskal.test(list(x, y, z)) -> Kruskal-Wallis chi-squared = 0.77143, df = 2, p-value = 0.68
    omnibus, _ = compare_k_groups(HW)
    assert omnibus.statistic == pytest.approx(0.77143, abs=1e-5)
    assert omnibus.p == pytest.approx(0.68, abs=5e-3)
    # By hand: 14 distinct values, mean ranks 7.2, 9.0, 6.6; epsilon2 = .771429 / 13
    assert omnibus.location == pytest.approx({"normal": 7.2, "airway": 9.0, "asbestosis": 6.6})
    assert omnibus.effect_size == pytest.approx(0.771429 / 13, abs=1e-6)
    assert epsilon_squared(0.771429, 14) == pytest.approx(0.771429 / 13)


def test_dunn_holm_by_hand_without_ties():
    _, posthoc = compare_k_groups(HW)
    table = posthoc.set_index(["group_a", "group_b"])
    # Dunn (1964): z = (Rbar_a - Rbar_b) / sqrt(N (N + 1) / 12 * (1 / n_a + 1 / n_b)), N = 14 -> N (N + 1) / 12 = 17.5
    from scipy.stats import norm

    expected = {("normal", "airway"): (7.2 - 9.0) / np.sqrt(17.5 * (1 / 5 + 1 / 4)),
                ("normal", "asbestosis"): (7.2 - 6.6) / np.sqrt(17.5 * (1 / 5 + 1 / 5)),
                ("airway", "asbestosis"): (9.0 - 6.6) / np.sqrt(17.5 * (1 / 4 + 1 / 5))}
    for pair, z in expected.items():
        assert table.loc[pair, "statistic"] == pytest.approx(z, abs=1e-6)  # -0.64143, 0.22678, 0.85524
        assert table.loc[pair, "p"] == pytest.approx(2 * norm.sf(abs(z)), abs=1e-6)
    # Holm by hand: sorted p .3924, .5212, .8206 -> 3 * .3924 = 1.18 -> 1; all adjusted p are 1.
    assert list(table["p_adjusted"]) == pytest.approx([1.0, 1.0, 1.0])
    assert set(table["adjustment"]) == {"holm"} and set(table["effect"]) == {"r_rb"}
    # The pair's rank-biserial r by hand: normal vs airway, U = 8 of 20 pairs -> 2 * 8 / 20 - 1 = -.20
    assert table.loc[("normal", "airway"), "effect_size"] == pytest.approx(-0.20)


def test_dunn_with_ties_by_hand_on_airquality():
    from scipy.stats import norm, rankdata

    _, posthoc = compare_k_groups(OZONE)
    row = posthoc.set_index(["group_a", "group_b"]).loc[("May", "July")]
    # Dunn (1964) with the tie correction (Glantz, 2012): variance N (N + 1) / 12 - sum(t^3 - t) / (12 (N - 1)).
    values = np.concatenate([np.asarray(v, float) for v in OZONE.values()])
    ranks = rankdata(values)
    n = values.size
    _, ties = np.unique(values, return_counts=True)
    variance = n * (n + 1) / 12 - (ties ** 3 - ties).sum() / (12 * (n - 1))
    may, july = ranks[:26].mean(), ranks[26 + 9:26 + 9 + 26].mean()
    z = (may - july) / np.sqrt(variance * (1 / 26 + 1 / 26))
    assert row["statistic"] == pytest.approx(z, abs=1e-6)
    assert row["p"] == pytest.approx(2 * norm.sf(abs(z)), rel=1e-6)
    # Holm over the 10 pairs: May-July has the smallest p, so p_Holm = 10 p.
    assert posthoc["p"].min() == row["p"] and row["p_adjusted"] == pytest.approx(10 * row["p"])


def test_welch_anova_equals_pingouin_documentation_and_r_for_two_groups():
    from mixedmethods.survey.omnibus import welch_anova

    # pingouin docs, welch_anova(dv='Pain threshold', between='Hair color', data=read_dataset('anova')):
    #   ddof1 3, ddof2 8.329841, F 5.890115, p-unc 0.018813
    omnibus, _ = compare_k_groups(hair_color(), "welch")
    assert omnibus.test == "welch-anova"
    assert (omnibus.df, omnibus.df2) == pytest.approx((3, 8.329841), abs=1e-6)
    assert omnibus.statistic == pytest.approx(5.890115, abs=1e-6)
    assert omnibus.p == pytest.approx(0.018813, abs=1e-6)
    # Estimated omega-squared by hand (Kirk, 1996): 3 * 4.890115 / (3 * 4.890115 + 19) = 14.670345 / 33.670345
    assert omnibus.effect_size == pytest.approx(14.670345 / 33.670345, abs=1e-6)
    low, high = omnibus.effect_ci
    assert 0 <= low < omnibus.effect_size < high <= 1
    assert omega_squared(0.8, 3, 19) == 0.0  # F < 1: no variance explained
    # R: ?oneway.test, oneway.test(extra ~ group, data = sleep) -> F = 3.4626, num df = 1, denom df = 17.776,
    #    p-value = 0.07939
    two = welch_anova(SLEEP)
    assert two.statistic == pytest.approx(3.4626, abs=1e-4)
    assert two.df2 == pytest.approx(17.776, abs=5e-4)
    assert two.p == pytest.approx(0.07939, abs=1e-5)


def test_welch_f_from_counts_equals_pingouin():
    from mixedmethods.survey.resampling import levels_and_counts, welch_f_from_counts

    samples = [np.asarray(v, float) for v in hair_color().values()]
    levels, counts = levels_and_counts(samples)
    assert float(welch_f_from_counts(counts, levels)) == pytest.approx(5.890115, abs=1e-6)
    stacked = np.stack([counts, counts])  # two identical "resamples" along axis 0
    assert welch_f_from_counts(stacked, levels) == pytest.approx([5.890115, 5.890115], abs=1e-6)


def test_games_howell_by_hand():
    from scipy.stats import studentized_range, t as t_dist

    data = hair_color()
    _, posthoc = compare_k_groups(data, "welch")
    assert len(posthoc) == 6 and set(posthoc["test"]) == {"games-howell"}
    # The groups keep the data's order (Light Blond first), so this pair is (Light Blond, Dark Brunette).
    row = posthoc.set_index(["group_a", "group_b"]).loc[("Light Blond", "Dark Brunette")]
    # Games & Howell (1976): Welch's t and df for the pair, p from the studentized range with k = 4 means.
    a, b = np.asarray(data["Light Blond"], float), np.asarray(data["Dark Brunette"], float)
    va, vb = a.var(ddof=1) / a.size, b.var(ddof=1) / b.size
    t = (a.mean() - b.mean()) / np.sqrt(va + vb)  # (59.2 - 37.4) / 5.329 = 4.0907
    df = (va + vb) ** 2 / (va ** 2 / (a.size - 1) + vb ** 2 / (b.size - 1))
    assert row["statistic"] == pytest.approx(t, abs=1e-6)
    assert row["df"] == pytest.approx(df, abs=1e-6)
    assert row["p_adjusted"] == pytest.approx(studentized_range.sf(abs(t) * np.sqrt(2), 4, df), abs=1e-4)
    assert row["p"] == pytest.approx(2 * t_dist.sf(abs(t), df), abs=1e-9)
    # Hedges' g by hand: pooled SD sqrt((4 * 63.3 + 4 * 74.7) / 8), J = 1 - 3 / (4 * 8 - 1)
    pooled = np.sqrt((4 * a.var(ddof=1) + 4 * b.var(ddof=1)) / 8)
    assert row["effect_size"] == pytest.approx((a.mean() - b.mean()) / pooled * (1 - 3 / 31), abs=1e-4)


def test_two_groups_use_the_two_group_tests():
    # R: t.test(extra ~ group, data = sleep) -> t = -1.8608, df = 17.776, p-value = 0.07939
    omnibus, posthoc = compare_k_groups(SLEEP, "welch")
    assert (omnibus.test, omnibus.k) == ("welch", 2) and posthoc.empty
    assert (omnibus.statistic, omnibus.df, omnibus.p) == pytest.approx((-1.8608, 17.776, 0.07939), abs=1e-3)
    assert compare_k_groups(SLEEP)[0].test == "mann-whitney"


def test_bootstrap_interval_does_not_depend_on_row_order():
    shuffled = {g: list(np.random.default_rng(3).permutation(v)) for g, v in OZONE.items()}
    assert compare_k_groups(shuffled)[0].effect_ci == compare_k_groups(OZONE)[0].effect_ci
    assert content_seed([[1.0, 2.0], [3.0]]) == content_seed([[2.0, 1.0], [3.0]]) != content_seed([[3.0], [1.0, 2.0]])


def test_too_few_groups_or_no_variation_gives_no_test():
    assert compare_k_groups({"a": [1.0, 2.0, 3.0]})[0] is None
    assert compare_k_groups({"a": [2.0] * 5, "b": [2.0] * 5, "c": [2.0] * 6})[0] is None
    assert compare_k_groups({"a": [], "b": [1.0, 2.0]})[0] is None


def test_r_by_c_chi_square_equals_r_with_three_groups():
    # R: ?chisq.test, M <- as.table(rbind(c(762, 327, 468), c(484, 239, 477))): the columns are three groups
    #    (Democrat, Independent, Republican). X-squared = 30.07, df = 2, p-value = 2.954e-07
    result = association(pd.DataFrame([[762, 327, 468], [484, 239, 477]], columns=["D", "I", "R"]))
    assert (result.test, result.df) == ("chi-square", 2)
    assert result.statistic == pytest.approx(30.07, abs=5e-3)
    assert result.p == pytest.approx(2.954e-07, rel=1e-3)


def test_sparse_larger_table_gets_fishers_exact_p():
    # R: ?fisher.test, Job satisfaction by income (4 x 4): fisher.test(Job) -> p-value = 0.7827 (exact).
    # (Issue 12: an exact p now, by enumeration; the Monte Carlo fallback is tested in test_methods_labels.py.)
    job = pd.DataFrame([[1, 2, 1, 0], [3, 3, 6, 1], [10, 10, 14, 9], [6, 7, 12, 11]]).T
    result = association(job)
    assert result.test == "fisher"
    assert result.p == pytest.approx(0.7827, abs=5e-5)
    assert association(pd.DataFrame([[3, 1], [1, 3]])).test == "fisher"  # 2 x 2 stays exact


# --- convergence with three groups -------------------------------------------------------------------

def row(p: float, **locations: float) -> dict:
    # Issue 12: a k-group source shows a difference when its test gives p < .05 (epsilon2 has no sign).
    return {"p": p, "k": len(locations), "effect": "epsilon2", "effect_size": 0.3,
            **{f"location.{g}": v for g, v in locations.items()}}


@pytest.mark.parametrize("group_a, group_b, expected", [
    # Both sources show a difference and order the three groups alike: agreement.
    (row(.01, a=1, b=2, c=3), row(.02, a=10, b=20, c=30), "agreement"),
    # Both show it, reversed order: dissonance.
    (row(.01, a=1, b=2, c=3), row(.02, a=30, b=20, c=10), "dissonance"),
    # One shows it, the other orders the groups mostly alike (tau = 1/3 > 0): partial agreement.
    (row(.01, a=1, b=2, c=3), row(.40, a=1, b=3, c=2), "partial agreement"),
    # One shows it, the other (epsilon2 .3, above the smallest effect of interest) mostly reversed (tau = -1/3):
    # dissonance (issue 12; the first rules coded silence).
    (row(.01, a=1, b=2, c=3), row(.40, a=2, b=3, c=1), "dissonance"),
    # Only two groups in common (one too small in the second source): the order of those two decides.
    (row(.01, a=1, b=2, c=3), row(.02, a=5, c=9), "agreement"),
])
def test_convergence_with_three_groups_reads_the_order_of_the_groups(group_a, group_b, expected):
    from mixedmethods.triangulation.convergence import verdict

    assert verdict(group_a, group_b, None)["verdict"] == expected


# --- whole studies with 3, 1 and under-k groups -------------------------------------------------------

THIRD = {"en": "Third delegates' group", "fr": "Groupe des délégués tiers"}


def regroup(demo: Path, target: Path, assign, groups: dict, k: int = 5) -> Path:
    """A copy of the demo study whose participants are reassigned to ``groups`` in the store and study.yaml."""
    from mixedmethods.yamlio import dump_yaml, load_yaml

    shutil.copytree(demo, target)
    conn = sqlite3.connect(target / "store.sqlite")
    try:
        ids = [r[0] for r in conn.execute("SELECT participant_id, grp FROM participants ORDER BY participant_id")]
        for index, pid in enumerate(ids):
            (old,) = conn.execute("SELECT grp FROM participants WHERE participant_id = ?", (pid,)).fetchone()
            new = assign(index, old)
            conn.execute("UPDATE participants SET grp = ? WHERE participant_id = ?", (new, pid))
            conn.execute("UPDATE survey_responses SET grp = ? WHERE participant_id = ?", (new, pid))
        for (old,) in conn.execute("SELECT DISTINCT grp FROM chats").fetchall():
            conn.execute("UPDATE chats SET grp = ? WHERE grp = ?", (assign(1, old), old))
        conn.commit()
    finally:
        conn.close()
    config = load_yaml(target / "study.yaml")
    labels = dict(config["groups"])
    config["groups"] = {g: labels.get(g, THIRD) for g in groups}
    for chat in config["sources"]["chats"]:
        chat["group"] = assign(1, chat["group"])
    config["report"]["min_cell_size"] = k
    (target / "study.yaml").write_text(dump_yaml(config), encoding="utf-8")
    # The questionnaire's group question offers exactly the study's groups.
    path = target / "instruments" / "survey.yaml"
    questionnaire = load_yaml(path)
    question = next(q for q in questionnaire["questions"] if q["id"] == questionnaire["group_question"])
    questionnaire["choice_lists"][question["choices"]] = [{"value": g, "label": config["groups"][g]} for g in groups]
    path.write_text(dump_yaml(questionnaire), encoding="utf-8")
    return target


def text_of(path: Path) -> str:
    from docx import Document

    document = Document(str(path))
    cells = [cell.text for table in document.tables for r in table.rows for cell in r.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


@pytest.fixture(scope="module")
def three_groups(demo_study: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from click.testing import CliRunner

    from mixedmethods.cli import cli

    root = regroup(demo_study, tmp_path_factory.mktemp("three") / "study",
                   lambda i, old: "third" if old == "sixth-committee" and i % 3 == 0 else old,
                   ["caricom", "sixth-committee", "third"])
    result = CliRunner().invoke(cli, ["build", str(root)])
    assert result.exit_code == 0, result.output
    return root


def test_three_group_study_reports_kruskal_wallis_and_post_hoc_tests(three_groups: Path):
    results = json.loads((three_groups / "report" / "results.json").read_text())
    survey = results["survey"]
    assert survey["groups_tested"] == ["caricom", "sixth-committee", "third"] and "comparisons_skipped" not in survey
    security = survey["comparisons"]["security"]
    assert security["test"] == "kruskal-wallis" and security["k"] == 3 and security["df"] == 2
    assert security["effect"] == "epsilon2" and security["p_holm"] < 0.05  # the demo plants this difference
    pairs = survey["posthoc"]["security"]
    assert [(p["group_a"], p["group_b"]) for p in pairs] == [("caricom", "sixth-committee"), ("caricom", "third"),
                                                            ("sixth-committee", "third")]
    assert {p["test"] for p in pairs} == {"dunn"} and all(p["p_adjusted"] >= p["p"] for p in pairs)
    english = text_of(three_groups / "report" / "survey.en.docx")
    assert "Kruskal–Wallis" in english and "Pairwise Comparisons of the Groups" in english
    assert "between the 3 groups, H(2) = " in english
    french = text_of(three_groups / "report" / "survey.fr.docx")
    assert "Kruskal–Wallis" in french and "Comparaisons des groupes deux à deux" in french
    # Triangulation compares the three groups too and the joint displays have a column per group.
    comparisons = results["triangulation"]["comparisons"]
    assert {c["test"] for c in comparisons if c.get("test")} == {"kruskal-wallis"}
    triangulation = text_of(three_groups / "report" / "triangulation.en.docx")
    assert "Third delegates' group" in triangulation and "ε² = " in triangulation
    assert (three_groups / "report" / "rapport.docx").is_file()


def test_one_group_study_builds_and_says_why_there_is_no_comparison(demo_study: Path, tmp_path: Path, run):
    root = regroup(demo_study, tmp_path / "study", lambda i, old: "caricom", ["caricom"])
    assert run("build", root).exit_code == 0
    results = json.loads((root / "report" / "results.json").read_text())
    assert results["survey"]["comparisons_skipped"] == "one group" and results["survey"]["comparisons"] == {}
    assert "There is no group comparison: the study has one group." in text_of(root / "report" / "survey.en.docx")
    assert "l'étude ne comporte qu'un groupe" in text_of(root / "report" / "survey.fr.docx")


def test_every_group_under_k_builds_without_comparisons(demo_study: Path, tmp_path: Path, run):
    root = regroup(demo_study, tmp_path / "study", lambda i, old: old, ["caricom", "sixth-committee"], k=100)
    assert run("build", root, "--language", "en").exit_code == 0
    survey = json.loads((root / "report" / "results.json").read_text())["survey"]
    assert survey["comparisons_skipped"] == "fewer than two groups with at least k respondents"
    assert survey["groups_excluded"] == ["caricom", "sixth-committee"] and survey["associations"] == {}
    assert "fewer than two groups had at least 100 respondents" in text_of(root / "report" / "survey.en.docx")


def test_a_group_under_k_is_left_out_and_named(demo_study: Path, tmp_path: Path, run):
    # Three respondents of the Sixth Committee form a third group, under k = 5.
    moved: list[int] = []

    def assign(index: int, old: str) -> str:
        if old == "sixth-committee" and len(moved) < 3 and index > 1:
            moved.append(index)
            return "third"
        return old

    root = regroup(demo_study, tmp_path / "study", assign, ["caricom", "sixth-committee", "third"])
    from mixedmethods.study import load_study
    from mixedmethods.survey.analysis import analyse_survey

    results = analyse_survey(load_study(root))
    assert results.statistics["groups_excluded"] == ["third"]
    assert set(results.tables["comparisons"]["test"]) == {"mann-whitney"}
    assert set(results.tables["comparisons"]["groups"]) == {"caricom, sixth-committee"}
    assert run("build", root, "--language", "en").exit_code == 0
    assert ("Groups with fewer than 5 respondents were left out of the group comparisons, so that no answer can be "
            "traced to a person: Third delegates' group.") in text_of(root / "report" / "survey.en.docx")


@pytest.mark.parametrize("kept", ["survey", "chats"])
def test_triangulation_of_a_study_with_one_source_does_not_crash(demo_study: Path, tmp_path: Path, kept: str):
    from mixedmethods.study import load_study
    from mixedmethods.triangulation.analysis import analyse_triangulation

    root = regroup(demo_study, tmp_path / "study", lambda i, old: old, ["caricom", "sixth-committee"])
    tables = {"survey": ["survey_answers", "survey_responses"], "interviews": ["coded_segments", "transcripts"],
              "chats": ["chat_mentions", "chat_messages", "chats"]}
    conn = sqlite3.connect(root / "store.sqlite")
    try:
        for source, names in tables.items():
            if source != kept:
                for name in names:
                    conn.execute(f"DELETE FROM {name}")  # noqa: S608 - fixed table names
        conn.commit()
    finally:
        conn.close()
    results = analyse_triangulation(load_study(root))
    tested = results.tables["comparisons"].dropna(subset=["p"])
    assert set(tested["source"]) == {kept}  # only the present source is compared between the groups
    assert results.tables["correlations"]["rho"].isna().all()  # no pairs of sources to correlate


def test_construct_statistics_take_an_all_missing_source_and_one_group():
    from mixedmethods.triangulation.constructs import Construct, Indicator
    from mixedmethods.triangulation.statistics import construct_statistics

    construct = Construct("c", {"en": "C"}, {"en": ""}, {"survey": Indicator("survey", "higher", scale="s"),
                                                         "chats": Indicator("chats", "lower", metric="messages")})
    rng = np.random.default_rng(1)
    frame = pd.DataFrame({"group": ["a"] * 20 + ["b"] * 20 + ["c"] * 20, "c.survey": rng.normal(size=60),
                          "c.chats": pd.Series([pd.NA] * 60, dtype=object)})  # a source absent from the study
    correlations, comparisons = construct_statistics(frame, [construct], ["a", "b", "c"], "mann-whitney", 5)
    assert list(comparisons["test"].fillna("none")) == ["kruskal-wallis", "none"]
    assert comparisons.loc[0, "k"] == 3 and set(comparisons.columns) >= {"location.a", "location.b", "location.c"}
    one = construct_statistics(frame.assign(group="a"), [construct], ["a"], "mann-whitney", 5)[1]
    assert one.empty and "p_holm" in one


def test_a_sparse_r_by_c_table_gives_one_simulated_p_value(monkeypatch):
    # scipy 1.17 returns this table's Monte Carlo p as a one-element array; the result must be one number.
    # (The table is small enough to be exact; the enumeration is switched off to reach the Monte Carlo path.)
    import pandas as pd

    from mixedmethods.survey import exact
    from mixedmethods.survey.comparisons import association

    monkeypatch.setattr(exact, "MAX_VISITS", 0)
    table = pd.DataFrame([[1, 0, 1, 0, 0, 0], [1, 2, 0, 2, 1, 0], [0, 0, 1, 1, 0, 2]])
    result = association(table)
    assert result.test == "fisher-monte-carlo" and isinstance(result.p, float) and 0 < result.p <= 1


def test_many_differing_pairs_are_summarised_per_scale_and_few_are_listed():
    """Five groups: on 'trust' 4 of 10 pairs differ (A higher in 3 of them) -> one clause; on 'load' 1 pair."""
    from types import SimpleNamespace

    import pandas as pd

    from mixedmethods.report.document import ReportDocument
    from mixedmethods.report.survey_chapter import SurveyChapter
    from mixedmethods.report.texts import Texts

    groups = ["A", "B", "C", "D", "E"]
    pairs = [(a, b) for i, a in enumerate(groups) for b in groups[i + 1:]]
    differing = {("A", "B"): 3.0, ("A", "C"): 2.5, ("A", "D"): 2.2, ("B", "E"): -2.4}  # z > 0: first is higher
    rows = [{"scale": "trust", "group_a": a, "group_b": b, "statistic": differing.get((a, b), 0.3),
             "p": .01 if (a, b) in differing else .6, "p_adjusted": .02 if (a, b) in differing else 1.0,
             "effect_size": .3} for a, b in pairs]
    rows += [{"scale": "load", "group_a": a, "group_b": b, "statistic": 2.9 if (a, b) == ("C", "E") else 0.2,
              "p": .001 if (a, b) == ("C", "E") else .7, "p_adjusted": .01 if (a, b) == ("C", "E") else 1.0,
              "effect_size": .4} for a, b in pairs]
    chapter = object.__new__(SurveyChapter)
    chapter.t, chapter.lang, chapter.k, chapter.groups = Texts("en"), "en", 3, groups
    chapter.doc = ReportDocument(None, "en")
    chapter.study = SimpleNamespace(group_label=lambda g, lang: f"{g} team")
    chapter.q = SimpleNamespace(scales=[SimpleNamespace(id="trust", text=lambda lang: "Trust"),
                                        SimpleNamespace(id="load", text=lambda lang: "Workload")])
    chapter.results = SimpleNamespace(test="mann-whitney", tables={"posthoc": pd.DataFrame(rows)})
    chapter.posthoc(pd.DataFrame({"scale": ["trust", "load"], "p_holm": [.01, .02]}))
    text = " ".join(p.text for p in chapter.doc.doc.paragraphs)
    # By hand: trust has 4 differing pairs of 10; A is higher in A-B, A-C, A-D (3), E in B-E (z < 0).
    assert "on trust, 4 of 10 pairs of groups differed, and the A team scored higher in 3 of them" in text
    assert "on workload, the C team scored higher than the E team" in text
