"""LimeSurvey's other response exports: the VV file (vvexport, tab-separated, two header rows) and the CSV with
`;` between fields (tests/fixtures/limesurvey/README.md; expected values read by hand from the files)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

LIMESURVEY = Path(__file__).parent / "fixtures" / "limesurvey"


def stored_answers(query, root: Path) -> dict[tuple[int, str], str]:
    return {(row, qid): value for row, qid, value in query(
        root, "SELECT r.source_row, a.question_id, a.value FROM survey_answers a JOIN survey_responses r "
              "USING (response_id) WHERE a.question_id NOT IN ('group', 'invitation_code')")}


# The same three responses as codes.csv; in the VV file they are file rows 3-5 (two header rows), and two
# comments show LimeSurvey's escapes: {quote} (a leading quote), {newline}, {tab} and {lbrace}.
VV_ANSWERS = {
    (3, "role"): "legal", (3, "years_service"): "7", (3, "wa_purposes"): "coordination negotiation",
    (3, "speed_1"): "4", (3, "speed_4"): "2", (3, "comments"): '"Fast", but noisy\nat night',
    (4, "role"): "negotiator", (4, "years_service"): "20", (4, "wa_purposes"): "information",
    (4, "speed_1"): "3", (4, "speed_4"): "5", (4, "comments"): "Utile\t{surtout}",
    (5, "role"): "junior",  # {question_not_shown} everywhere else: nothing stored, nothing rejected
}


def test_limesurvey_vv_export(small_study: Path, run, query):
    shutil.copy(LIMESURVEY / "vvexport.csv", small_study / "data/survey/vvexport_123456.csv")
    result = run("import", small_study)
    assert "imported (limesurvey): 3 responses, 0 rows and 0 values rejected" in result.output, (
        result.output + result.stderr)
    assert stored_answers(query, small_study) == VV_ANSWERS
    assert query(small_study, "SELECT source_row, submission_id, submitted_at, grp FROM survey_responses "
                              "ORDER BY source_row") == [(3, "1", "2026-03-01 10:00:00", "caricom"),
                                                         (4, "2", "2026-03-01 10:20:00", "sixth-committee"),
                                                         (5, "3", None, "caricom")]
    # Linked by token: Ana and Bruno are listed; row 5 has no token.
    assert query(small_study, "SELECT p.listed FROM participants p JOIN survey_responses r USING (participant_id) "
                              "ORDER BY source_row") == [(1,), (1,), (0,)]
    assert query(small_study, "SELECT row FROM rejects WHERE reason LIKE 'incomplete response%'") == [(5,)]


def test_column_map_names_the_codes_of_a_vv_export(small_study: Path, run, query):
    text = (LIMESURVEY / "vvexport.csv").read_text(encoding="utf-8").replace("\tyearsservice\t", "\tQ3\t")
    (small_study / "data/survey/vvexport_123456.csv").write_text(text, encoding="utf-8")
    assert run("import", small_study).exit_code == 2  # Q3 matches no question
    config = small_study / "study.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "  survey:\n  - data/survey\n", "  survey:\n  - path: data/survey\n    columns: {Q3: years_service}\n"),
        encoding="utf-8")
    assert run("import", small_study).exit_code == 0
    assert stored_answers(query, small_study)[(3, "years_service")] == "7"


@pytest.mark.parametrize("name", ["codes.csv", "codes_semicolon.csv"])
def test_limesurvey_csv_with_comma_or_semicolon_separator(small_study: Path, run, query, name: str):
    shutil.copy(LIMESURVEY / name, small_study / "data/survey" / name)
    result = run("import", small_study)
    assert "imported (limesurvey): 3 responses" in result.output, result.output + result.stderr
    got = stored_answers(query, small_study)
    assert (got[(2, "wa_purposes")], got[(3, "speed_4")], got[(4, "role")]) == ("coordination negotiation", "5",
                                                                                "junior")
    assert len(got) == 11  # as LIME_ANSWERS in test_readers.py
