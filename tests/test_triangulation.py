"""Triangulation, first steps: constructs as data and the participant-level frame across sources."""

from __future__ import annotations

from pathlib import Path

import pytest

from mixedmethods.errors import InstrumentError
from mixedmethods.instrument.codebook import load_codebook
from mixedmethods.instrument.questionnaire import load_questionnaire
from mixedmethods.resources import instruments_dir
from mixedmethods.triangulation.constructs import load_constructs

BUNDLED = instruments_dir()


def load(path: Path):
    return load_constructs(path, load_questionnaire(BUNDLED / "survey.yaml"), load_codebook(BUNDLED / "codebook.yaml"))


def test_bundled_constructs_name_indicators_in_the_sources():
    constructs = load(BUNDLED / "constructs.yaml")
    assert [c.id for c in constructs] == ["speed", "inclusivity", "confidentiality", "power", "dynamics", "platform"]
    speed = constructs[0].indicators
    assert (speed["survey"].scale, speed["chats"].metric, speed["chats"].direction) == \
        ("speed", "median_latency_min", "lower")


@pytest.mark.parametrize("construct, message", [
    ("  - id: x\n    survey: {scale: speed, direction: higher}\n    interviews: {codes: [no.such], direction: higher}\n",
     "line 6: construct 'x', interviews: unknown code 'no.such'"),
    ("  - id: x\n    survey: {scale: nope, direction: higher}\n    chats: {metric: messages, direction: lower}\n",
     "line 5: construct 'x', survey: unknown scale 'nope'"),
    ("  - id: x\n    survey: {scale: speed, direction: up}\n    chats: {metric: messages, direction: lower}\n",
     "line 5: construct 'x', survey: direction must be higher or lower"),
    ("  - id: x\n    survey: {scale: speed, direction: higher}\n    chats: {metric: vibes, direction: lower}\n",
     "line 6: construct 'x', chats: unknown chat metric 'vibes'"),
])
def test_unknown_scale_code_or_metric_is_one_line_with_its_line(tmp_path: Path, construct: str, message: str):
    path = tmp_path / "constructs.yaml"
    path.write_text("id: c\nlanguages: [en]\nconstructs:\n" + construct, encoding="utf-8")
    with pytest.raises(InstrumentError) as error:
        load(path)
    assert message in str(error.value)


def test_participant_frame_and_coverage_on_the_demo(demo_study: Path, query):
    from mixedmethods.study import load_study
    from mixedmethods.triangulation.linkage import coverage_table, participant_frame

    study = load_study(demo_study)
    frame = participant_frame(study, load(BUNDLED / "constructs.yaml"))
    # Everyone who answered, was interviewed or wrote in a chat is one row, by pseudonymous id.
    assert frame["participant_id"].is_unique
    assert int(frame["in_survey"].sum()) == 120
    assert int(frame["in_interviews"].sum()) == 24
    writers = query(demo_study, "SELECT COUNT(DISTINCT participant_id) FROM chat_messages "
                                "WHERE participant_id IS NOT NULL")[0][0]
    assert int(frame["in_chats"].sum()) == writers
    # Survey indicator = the respondent's speed score, computed here by hand from the stored answers:
    # the mean of speed_1..5 with speed_4 reverse-keyed (6 - x).
    (respondent,) = frame.loc[frame["in_survey"], "participant_id"].head(1)
    answers = dict(query(demo_study, "SELECT a.question_id, a.value FROM survey_answers a JOIN survey_responses r "
                                     "USING (response_id) WHERE r.participant_id = ? AND r.status = 'kept' "
                                     "AND a.question_id LIKE 'speed_%'", (respondent,)))
    items = [6 - float(v) if q == "speed_4" else float(v) for q, v in answers.items()]
    assert frame.set_index("participant_id").loc[respondent, "speed.survey"] == pytest.approx(sum(items) / len(items))
    # Interviewees without the code have 0; people not interviewed have NA.
    interviews = frame.set_index("participant_id")["platform.interviews"]
    assert interviews[frame.set_index("participant_id")["in_interviews"]].notna().all()
    assert interviews[~frame.set_index("participant_id")["in_interviews"]].isna().all()
    table = coverage_table(frame, list(study.groups), k=5).set_index("sources")
    # The demo interviews survey respondents only, so nobody is in the interviews alone.
    assert table.loc["interviews", "all"] == 0
    assert table["all"].fillna(0).sum() <= len(frame)


from mixedmethods.triangulation.convergence import verdict  # noqa: E402


def _diff(effect: float, low: float, high: float) -> dict:
    """A two-group comparison with its 95% interval (r_rb) and 11 + 13 people."""
    return {"effect": "r_rb", "effect_size": effect, "effect_CI95_low": low, "effect_CI95_high": high,
            "n1": 11, "n2": 13}


# Issue 12: verdicts from effect sizes and intervals (tests/test_convergence_rules.py has every rule).
@pytest.mark.parametrize("group_a, group_b, correlation, expected", [
    # Both sources show the group difference (intervals exclude 0), same way: agreement.
    (_diff(.6, .3, .8), _diff(.3, .05, .5), None, "agreement"),
    # Both show it, opposite ways: dissonance.
    (_diff(.6, .3, .8), _diff(-.3, -.5, -.05), None, "dissonance"),
    # A negative correlation whose interval excludes 0 is dissonance even when the groups agree.
    (_diff(.6, .3, .8), _diff(.3, .05, .5), {"rho": -.45, "CI95_low": -.7, "CI95_high": -.1, "n": 40}, "dissonance"),
    # Neither group difference is clear but the indicators correlate positively: agreement.
    (_diff(.1, -.3, .45), _diff(.05, -.35, .4), {"rho": .5, "CI95_low": .2, "CI95_high": .7, "n": 40}, "agreement"),
    # One clear difference, the other source points the same way: partial agreement.
    (_diff(-.6, -.8, -.3), _diff(-.2, -.55, .2), None, "partial agreement"),
    # One clear difference, the other points the other way (interval includes 0): dissonance, no longer silence.
    (_diff(-.6, -.8, -.3), _diff(.2, -.2, .55), None, "dissonance"),
    # A source without an indicator: not available.
    (_diff(.6, .3, .8), None, None, "not available"),
    # Too few people for a test in one source (no effect): not available.
    (_diff(.6, .3, .8), {"n1": 3, "n2": 2}, None, "not available"),
])
def test_convergence_rules_by_hand(group_a, group_b, correlation, expected):
    assert verdict(group_a, group_b, correlation)["verdict"] == expected


def test_spearman_equals_r_cor_test_with_the_bonett_wright_interval():
    import numpy as np
    import pandas as pd

    from mixedmethods.triangulation import statistics

    # R: ?cor.test, x <- c(44.4, 45.9, 41.9, 53.3, 44.7, 44.1, 50.7, 45.2, 60.1),
    # y <- c(2.6, 3.1, 2.5, 5.0, 3.6, 4.0, 5.2, 2.8, 3.8); cor.test(x, y, method = "spearman"): S = 48, rho = 0.6.
    x = pd.Series([44.4, 45.9, 41.9, 53.3, 44.7, 44.1, 50.7, 45.2, 60.1])
    y = pd.Series([2.6, 3.1, 2.5, 5.0, 3.6, 4.0, 5.2, 2.8, 3.8])
    old, statistics.MIN_PAIRS = statistics.MIN_PAIRS, 9
    try:
        result = statistics.spearman(x, y)
    finally:
        statistics.MIN_PAIRS = old
    assert result["n"] == 9 and result["rho"] == pytest.approx(0.6)
    # Bonett & Wright (2000) by hand: z = atanh(.6) = .693147; SE = sqrt((1 + .36 / 2) / (9 - 3)) = .443471;
    # .693147 -+ 1.959964 * .443471 = [-.176037, 1.562331] -> tanh -> [-.1742, .9158]
    # (the Pearson SE 1 / sqrt(6) would give the narrower [-.1066, .9039]).
    assert result["CI95_low"] == pytest.approx(-0.1742, abs=1e-4)
    assert result["CI95_high"] == pytest.approx(0.9158, abs=1e-4)
    # Below the minimum number of pairs no coefficient is reported.
    assert np.isnan(statistics.spearman(x, y)["rho"])


def test_coverage_shares_count_each_source_over_everyone_found_in_one():
    """The limitations' coverage sentence reads these shares from results.json (a slow_shapes study printed
    97% that results.json did not hold). By hand: 33 people found; in the survey 20 + 7 + 5 = 32 (96.97%),
    interviewed 1 + 7 = 8 (24.24%), in the chats 5 (15.15%); nobody is in all three sources present."""
    import pandas as pd

    from mixedmethods.triangulation.linkage import coverage_shares

    table = pd.DataFrame({"sources": ["survey", "interviews", "chats", "survey + interviews", "survey + chats",
                                      "interviews + chats", "survey + interviews + chats"],
                          "all": [20.0, 1.0, 0.0, 7.0, 5.0, 0.0, 0.0], "protected": [""] * 7})
    shares = coverage_shares(table)
    assert shares["participants"] == 33
    assert {s: (v["n"], round(v["pct"], 2)) for s, v in shares["sources"].items()} == {
        "survey": (32, 96.97), "interviews": (8, 24.24), "chats": (5, 15.15)}
    assert (shares["all_sources"]["n"], shares["all_sources"]["pct"]) == (0, 0.0)  # chats present: nobody in all
    assert coverage_shares(table.assign(all=[20.0, None, 0.0, 7.0, 5.0, 0.0, 0.0])) is None  # a withheld cell
