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
