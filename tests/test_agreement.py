"""Intercoder agreement that shows its base: counts per code, honest intervals, every code of the codebook.

Oracles: Krippendorff's (2011) worked example for alpha; the Wikipedia / Cohen (1960)-style 2 x 2 example for
kappa; bootstrap intervals against a reference written here from the definition (resample units with
replacement, compute the coefficient with the packages, take percentiles) with its own seed and 20,000
resamples, so the two agree within Monte Carlo error. Hayes & Krippendorff's (2007) worked example is ordinal and
bootstraps pairs of values, so it does not pin the nominal unit bootstrap used here.
"""

from __future__ import annotations

import math
from pathlib import Path

import krippendorff
import numpy as np
import pandas as pd
import pytest
import yaml

from mixedmethods.errors import ConfigError
from mixedmethods.interviews.agreement import agreement_table
from mixedmethods.interviews.reliability import (alpha_counts, alpha_from_counts, alpha_with_bootstrap, kappa_cells,
                                                 kappa_from_cells, kappa_with_bootstrap)

nan = np.nan
# Krippendorff (2011), "Computing Krippendorff's alpha-reliability", section C: 4 observers x 12 units,
# nominal alpha = 0.743.
KRIPPENDORFF_2011 = [[1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
                     [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
                     [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
                     [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan]]
# Wikipedia "Cohen's kappa", worked example: 50 proposals, yes/yes 20, yes/no 5, no/yes 10, no/no 15 -> kappa .40.
FIRST = [1] * 25 + [0] * 25
SECOND = [1] * 20 + [0] * 5 + [1] * 10 + [0] * 15


def test_alpha_from_the_coincidence_counts_is_krippendorffs_published_value():
    assert alpha_from_counts(alpha_counts(KRIPPENDORFF_2011).sum(axis=0)) == pytest.approx(0.743, abs=5e-4)


def test_kappa_from_the_cells_is_the_published_value():
    assert kappa_from_cells(kappa_cells(np.array(FIRST), np.array(SECOND)).sum(axis=0)) == pytest.approx(0.40)


def percentile_reference(n_units: int, statistic, resamples: int = 20000, seed: int = 20071) -> tuple[float, float]:
    """Units resampled with replacement; 2.5th and 97.5th percentiles of the defined statistics."""
    rng = np.random.default_rng(seed)
    values = np.array([statistic(rng.integers(0, n_units, n_units)) for _ in range(resamples)])
    values = values[~np.isnan(values)]
    return tuple(np.percentile(values, [2.5, 97.5]))


def test_alpha_bootstrap_interval_equals_a_unit_bootstrap_written_from_the_definition():
    data = np.asarray(KRIPPENDORFF_2011, dtype=float)
    pairable = data[:, (~np.isnan(data)).sum(axis=0) >= 2]  # alpha uses units with two values or more

    def alpha(units: np.ndarray) -> float:
        sample = pairable[:, units]
        if np.unique(sample[~np.isnan(sample)]).size < 2:
            return nan
        return krippendorff.alpha(reliability_data=sample, level_of_measurement="nominal")

    low, high = percentile_reference(pairable.shape[1], alpha, resamples=4000)
    point, tool_low, tool_high, defined = alpha_with_bootstrap(KRIPPENDORFF_2011)
    assert point == pytest.approx(0.743, abs=5e-4)
    assert defined == 2000
    assert tool_low == pytest.approx(low, abs=0.04) and tool_high == pytest.approx(high, abs=0.01)
    assert tool_low < point < tool_high


def test_kappa_bootstrap_interval_equals_a_unit_bootstrap_written_from_the_definition():
    first, second = np.array(FIRST), np.array(SECOND)

    def kappa(units: np.ndarray) -> float:
        a, b = first[units], second[units]
        observed = np.mean(a == b)
        expected = a.mean() * b.mean() + (1 - a.mean()) * (1 - b.mean())
        return nan if expected == 1 else (observed - expected) / (1 - expected)  # Cohen (1960), eq. 1

    low, high = percentile_reference(len(first), kappa)
    point, tool_low, tool_high, _ = kappa_with_bootstrap(FIRST, SECOND)
    assert point == pytest.approx(0.40)
    assert (tool_low, tool_high) == pytest.approx((low, high), abs=0.02)


def test_bootstrap_intervals_do_not_depend_on_the_order_of_the_units():
    order = np.random.default_rng(3).permutation(len(FIRST))
    assert kappa_with_bootstrap(FIRST, SECOND) == kappa_with_bootstrap(np.array(FIRST)[order],
                                                                       np.array(SECOND)[order])
    data = np.asarray(KRIPPENDORFF_2011, dtype=float)
    columns = np.random.default_rng(4).permutation(data.shape[1])
    assert alpha_with_bootstrap(data) == alpha_with_bootstrap(data[:, columns])


# A transcript of n one-word paragraphs; a segment covers one paragraph.
def transcript(n: int) -> str:
    return "\n".join(f"p{i:02d}" for i in range(n))


def segments(marks: dict[tuple[int, str], dict[str, list[int]]]) -> pd.DataFrame:
    """{(transcript, coder): {code: [paragraph, ...]}} -> a segments frame."""
    rows = [{"transcript_id": t, "coder": coder, "code_id": code, "start": 4 * p, "end": 4 * p + 3}
            for (t, coder), codes in marks.items() for code, where in codes.items() for p in where]
    return pd.DataFrame(rows)


def texts(**lengths: int) -> pd.DataFrame:
    return pd.DataFrame({"transcript_id": [int(k[1:]) for k in lengths],
                         "text": [transcript(n) for n in lengths.values()]})


def test_every_code_of_the_codebook_has_a_row_in_codebook_order_and_unapplied_codes_say_why():
    frame = segments({(1, "ana"): {"A": [0, 1]}, (1, "ben"): {"A": [0]}})
    table = agreement_table(frame, texts(t1=20), ["T", "A", "B", "C"], covers={"T": ["T", "A", "B"]})
    assert table["code"].tolist() == ["T", "A", "B", "C", "all"]
    unapplied = table.set_index("code").loc[["B", "C"]]
    assert (unapplied["kappa_note"] == "not_applied").all() and (unapplied["alpha_note"] == "not_applied").all()
    assert unapplied["kappa"].isna().all() and (unapplied["units_coded_any"] == 0).all()
    # The theme counts a paragraph when it or one of its codes was applied: the same as A here.
    theme = table.set_index("code").loc["T"]
    assert theme["kind"] == "theme" and theme["units_coded_any"] == 2 and theme["units_coded_all"] == 1


def test_the_pooled_row_pools_only_the_codes_someone_applied():
    # 20 paragraphs; A: ana 0-9, ben 0-7; B: ana 10, ben 10-11; C and D never applied.
    frame = segments({(1, "ana"): {"A": list(range(10)), "B": [10]}, (1, "ben"): {"A": list(range(8)), "B": [10, 11]}})
    table = agreement_table(frame, texts(t1=20), ["A", "B", "C", "D"]).set_index("code")
    pooled = table.loc["all"]
    assert pooled["codes_pooled"] == 2 and pooled["units"] == 40  # 20 paragraphs x 2 codes, not x 4
    assert pooled["units_coded_any"] == 10 + 2 and pooled["units_coded_all"] == 8 + 1
    # By hand over the 40 decisions: both 1: 9, ana only: 2, ben only: 1, neither: 28.
    # p_o = 37/40; ana 11/40, ben 10/40; p_e = (11*10 + 29*30) / 1600 = 980/1600; kappa = (1480-980)/(1600-980).
    assert pooled["kappa"] == pytest.approx(500 / 620)
    assert pooled["percent_agreement"] == pytest.approx(100 * 37 / 40)


def test_thin_codes_are_flagged_below_the_threshold_of_paragraphs_coded_by_either_coder():
    frame = segments({(1, "ana"): {"A": [0, 1, 2], "B": list(range(12))},
                      (1, "ben"): {"A": [0, 1], "B": list(range(10))}})
    table = agreement_table(frame, texts(t1=30), ["A", "B"]).set_index("code")
    assert bool(table.loc["A", "thin"]) and not bool(table.loc["B", "thin"])  # 3 and 12 paragraphs; threshold 10
    lower = agreement_table(frame, texts(t1=30), ["A", "B"], min_units=3).set_index("code")
    assert not bool(lower.loc["A", "thin"])


def test_intervals_are_never_degenerate_they_are_not_estimable_with_a_reason():
    frame = segments({(1, "ana"): {"SAME": [0, 1, 2], "ANA": [3, 4], "ALL": list(range(12)), "MIX": [0, 5, 6, 7]},
                      (1, "ben"): {"SAME": [0, 1, 2], "ALL": list(range(12)), "MIX": [0, 5, 8, 9]}})
    table = agreement_table(frame, texts(t1=12), ["SAME", "ANA", "ALL", "MIX", "NONE"]).set_index("code")
    # Perfect agreement: kappa 1, no interval (every resample gives 1).
    assert table.loc["SAME", "kappa"] == 1 and table.loc["SAME", "kappa_note"] == "perfect"
    assert math.isnan(table.loc["SAME", "kappa_CI95_low"]) and table.loc["SAME", "alpha_note"] == "perfect"
    # One coder never applied the code: kappa is 0 by construction, no interval.
    assert table.loc["ANA", "kappa"] == 0 and table.loc["ANA", "kappa_note"] == "one_coder"
    assert math.isnan(table.loc["ANA", "kappa_CI95_high"])
    # Both applied it to every paragraph: no variation at all.
    assert table.loc["ALL", "kappa_note"] == "everywhere" and math.isnan(table.loc["ALL", "kappa"])
    assert table.loc["NONE", "kappa_note"] == "not_applied"
    # Otherwise the interval is given and has a width.
    mix = table.loc["MIX"]
    assert mix["kappa_note"] == "" and mix["kappa_CI95_low"] < mix["kappa"] < mix["kappa_CI95_high"]
    shown = table.dropna(subset=["kappa_CI95_low"])
    assert (shown["kappa_CI95_high"] > shown["kappa_CI95_low"]).all()
    shown = table.dropna(subset=["alpha_CI95_low"])
    assert (shown["alpha_CI95_high"] > shown["alpha_CI95_low"]).all()


def test_the_table_does_not_depend_on_the_order_of_rows_or_transcripts():
    marks = {(1, "ana"): {"A": [0, 1, 2, 5], "B": [3]}, (1, "ben"): {"A": [0, 1, 4], "B": [3, 6]},
             (2, "ana"): {"A": [1, 2], "B": [0, 4]}, (2, "ben"): {"A": [1], "B": [0, 4, 5]}}
    frame = segments(marks)
    table = agreement_table(frame, texts(t1=8, t2=7), ["A", "B"])
    shuffled = frame.sample(frac=1, random_state=5).reset_index(drop=True)
    pd.testing.assert_frame_equal(table, agreement_table(shuffled, texts(t1=8, t2=7), ["A", "B"]))
    # The same transcripts under swapped ids: the same paragraphs, the same intervals.
    swapped = frame.assign(transcript_id=frame["transcript_id"].map({1: 2, 2: 1}))
    pd.testing.assert_frame_equal(table, agreement_table(swapped, texts(t1=7, t2=8), ["A", "B"]))


def test_three_coders_alpha_uses_all_of_them_and_kappa_the_first_two():
    frame = segments({(1, "ana"): {"A": [0, 1, 2, 3]}, (1, "ben"): {"A": [0, 1, 2, 3]}, (1, "cy"): {"A": [0, 5]}})
    row = agreement_table(frame, texts(t1=12), ["A"]).set_index("code").loc["A"]
    assert row["coders"] == 3 and row["kappa"] == 1  # ana and ben agree
    matrix = np.zeros((3, 12))
    matrix[0, :4] = matrix[1, :4] = 1
    matrix[2, [0, 5]] = 1
    assert row["alpha"] == pytest.approx(krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal"))
    assert row["units_coded_any"] == 5 and row["units_coded_all"] == 1


def test_empty_inputs_give_an_empty_table():
    empty = pd.DataFrame(columns=["transcript_id", "coder", "code_id", "start", "end"])
    assert agreement_table(empty, texts(t1=3), ["A"]).empty
    single = segments({(1, "ana"): {"A": [0]}})
    assert agreement_table(single, texts(t1=3), ["A"]).empty  # nothing double-coded
    double = segments({(1, "ana"): {"A": [0]}, (1, "ben"): {"A": [0]}})
    assert agreement_table(double, texts(t1=3), []).empty


def test_min_agreement_units_is_a_study_setting(small_study: Path):
    from mixedmethods.study import load_study

    path = small_study / "study.yaml"
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert load_study(small_study).interviews.min_agreement_units == 10
    path.write_text(yaml.safe_dump({**config, "interviews": {"min_agreement_units": 25}}), encoding="utf-8")
    assert load_study(small_study).interviews.min_agreement_units == 25
    path.write_text(yaml.safe_dump({**config, "interviews": {"min_agreement_units": "five"}}), encoding="utf-8")
    with pytest.raises(ConfigError, match="interviews.min_agreement_units: expected a whole number of at least 1"):
        load_study(small_study)


@pytest.fixture(scope="module")
def chapters(demo_study: Path, tmp_path_factory: pytest.TempPathFactory):
    """The interview chapter of the demo study in English and French (python-docx documents)."""
    from mixedmethods.interviews.analysis import analyse_interviews
    from mixedmethods.report.document import ReportDocument
    from mixedmethods.report.interview_chapter import InterviewChapter
    from mixedmethods.report.texts import Texts
    from mixedmethods.study import load_study

    study = load_study(demo_study)
    results = analyse_interviews(study)
    documents = {}
    for lang in ("en", "fr"):
        doc = ReportDocument(language=lang)
        InterviewChapter(doc, results, study, study.codebook(), Texts(lang, study_root=study.root),
                         tmp_path_factory.mktemp(lang)).write()
        documents[lang] = doc.doc
    return study, results, documents


def test_the_chapter_table_shows_every_code_its_base_and_no_zero_width_interval(chapters):
    study, results, documents = chapters
    table = results.tables["agreement"]
    document = documents["en"]
    grid = [[cell.text for cell in row.cells] for row in document.tables[-1].rows]
    assert grid[0] == ["Theme / code", "Paragraphs", "Coded by either", "Coded by both", "% agreement", "κ",
                       "95% CI", "α", "95% CI"]
    names = [row[0].strip("\u2003\u2020") for row in grid[1:]]
    codebook = study.codebook()
    assert names == [codebook.code(c).text("en") for c in codebook.ids()] + ["All codes"]
    for row in grid[1:]:
        for cell in (row[6], row[8]):
            if cell.startswith("["):
                low, high = cell.strip("[]").split(", ")
                assert low != high
    thin = table[table["thin"].astype(bool) & (table["code"] != "all")]
    assert sum(row[0].endswith("\u2020") for row in grid[1:]) == len(thin)
    text = " ".join(p.text for p in document.paragraphs)
    if len(thin):
        assert f"Of the {len(table) - 1} themes and codes, {len(thin)} are thin, applied to fewer than 10 " \
            "paragraphs" in text
    pooled = table.set_index("code").loc["all"]
    assert pooled["units"] == pooled["codes_pooled"] * table["units"].iloc[0]
    french = [[cell.text for cell in row.cells] for row in documents["fr"].tables[-1].rows]
    assert french[0][:4] == ["Thème / code", "Paragraphes", "Codés par l'un ou l'autre", "Codés par les deux"]
    assert french[-1][0] == "Tous les codes"


def test_a_pooled_interval_that_cannot_be_estimated_is_named_with_its_reason(chapters, tmp_path: Path):
    import copy

    from mixedmethods.report.document import ReportDocument
    from mixedmethods.report.interview_chapter import InterviewChapter
    from mixedmethods.report.texts import Texts

    study, results, _ = chapters
    results = copy.deepcopy(results)
    table = results.tables["agreement"]
    pooled = table.index[table["code"] == "all"][0]
    table.loc[pooled, ["kappa", "kappa_CI95_low", "kappa_CI95_high", "kappa_note"]] = [1.0, nan, nan, "perfect"]
    doc = ReportDocument(language="en")
    InterviewChapter(doc, results, study, study.codebook(), Texts("en", study_root=study.root), tmp_path).write()
    text = " ".join(p.text for p in doc.doc.paragraphs)
    assert "κ = 1.00, no 95% CI (the coders agreed on every paragraph, so no resample can differ)" in text
    assert "[1.00, 1.00]" not in " ".join(cell.text for row in doc.doc.tables[-1].rows for cell in row.cells)
