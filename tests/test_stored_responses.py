"""The survey responses are read from the store once while it is unchanged, and again after any write."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from mixedmethods.study import load_study
from mixedmethods.survey import responses


def test_a_second_read_of_an_unchanged_store_reuses_the_first(fresh_demo: Path, monkeypatch) -> None:
    study = load_study(fresh_demo)
    questionnaire = study.questionnaire()
    first = responses.stored_responses(study.store_path, questionnaire)
    reads = []
    monkeypatch.setattr(responses, "load_responses", lambda *args: reads.append(args))
    second = responses.stored_responses(study.store_path, questionnaire)
    assert reads == []  # not read again
    assert second.equals(first)
    second.iloc[0, 1] = "changed by a caller"
    assert responses.stored_responses(study.store_path, questionnaire).equals(first)  # a caller's copy only


def test_a_write_to_the_store_is_read(fresh_demo: Path) -> None:
    study = load_study(fresh_demo)
    questionnaire = study.questionnaire()
    before = responses.stored_responses(study.store_path, questionnaire)
    column = next(q.id for q in questionnaire.questions if q.type == "likert" and q.id in before.columns)
    respondent = before.index[0]
    with sqlite3.connect(study.store_path) as conn:
        conn.execute("UPDATE survey_answers SET value = '9' WHERE question_id = ? AND response_id IN (SELECT "
                     "response_id FROM survey_responses WHERE participant_id = ? AND status = 'kept')",
                     (column, respondent))
    conn.close()
    after = responses.stored_responses(study.store_path, questionnaire)
    assert after.loc[respondent, column] == 9.0
    assert before.loc[respondent, column] != 9.0
