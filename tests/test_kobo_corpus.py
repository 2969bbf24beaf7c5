"""KoboToolbox exports (tests/fixtures/kobo, see its README): every submission and every repeat-group row stored.

Expected counts are counted by hand from the rows make_kobo_exports.py writes (README.md lists them per file).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures" / "kobo"
STUDY_YAML = """\
title: {en: Kobo corpus}
languages: [en, fr]
groups:
  north: {en: North district, fr: District nord}
  south: {en: South district, fr: District sud}
instruments:
  questionnaire: instruments/household.yaml
sources:
  survey: [data/survey]
"""

# file: (responses kept, duplicates, repeat rows, repeat answers stored, row rejects, notes on validation status)
EXPECTED = {
    "household_xml.xlsx": (5, 0, 10, 20, 0, 2),
    "household_labels.xlsx": (5, 0, 10, 20, 0, 2),
    "nested_repeat.xlsx": (3, 0, 7, 11, 0, 0),
    "inventory.xlsx": (2, 0, 10, 16, 0, 0),
    "orphans_and_duplicates.xlsx": (3, 1, 4, 4, 2, 0),
    "household_semicolon.csv": (4, 0, 0, 0, 0, 1),
}


def kobo_study(tmp_path: Path, name: str) -> Path:
    from mixedmethods.study import init_study

    root = tmp_path / "study"
    init_study(root)
    (root / "study.yaml").write_text(STUDY_YAML, encoding="utf-8")
    shutil.copy(FIXTURES / "household.yaml", root / "instruments" / "household.yaml")
    shutil.copy(FIXTURES / name, root / "data" / "survey" / name)
    return root


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_kobo_export_imports_whole(tmp_path: Path, run, query, name: str):
    kept, duplicates, repeat_rows, repeat_answers, row_rejects, validation_notes = EXPECTED[name]
    root = kobo_study(tmp_path, name)
    result = run("import", root)
    assert result.exit_code == 0, result.output + result.stderr
    assert f"imported (kobo): {kept} responses" in result.output
    assert query(root, "SELECT status, COUNT(*) FROM survey_responses GROUP BY status ORDER BY status") == [
        *([("duplicate", duplicates)] if duplicates else []), ("kept", kept)]
    assert query(root, "SELECT COUNT(DISTINCT repeat || ':' || row_index) FROM survey_repeat_rows") == [(repeat_rows,)]
    assert query(root, "SELECT COUNT(*) FROM survey_repeat_rows WHERE question_id <> ''") == [(repeat_answers,)]
    assert query(root, "SELECT COUNT(*) FROM rejects WHERE kind = 'row'") == [(row_rejects,)]
    assert query(root, "SELECT COUNT(*) FROM rejects WHERE reason LIKE 'KoboToolbox validation status%'") == [
        (validation_notes,)]
    # Kobo's own columns and the geopoint parts never become answers.
    assert query(root, "SELECT COUNT(*) FROM survey_answers WHERE question_id LIKE '\\_%' ESCAPE '\\' "
                       "OR question_id LIKE '%latitude%'") == [(0,)]


def test_repeat_rows_follow_nested_parents_to_their_submission(tmp_path: Path, run, query):
    root = kobo_study(tmp_path, "nested_repeat.xlsx")
    assert run("import", root).exit_code == 0
    # notes row 4 hangs on visits _index 3, which hangs on the submission with _index 2 (main sheet row 3).
    assert query(root, "SELECT r.source_row, x.value FROM survey_repeat_rows x JOIN survey_responses r "
                       "USING (response_id) WHERE x.repeat = 'notes' ORDER BY x.row_index") == [
        (2, "Dog at the gate"), (2, "Call ahead"), (3, "Second building")]


def test_labels_export_maps_labels_back_to_values(tmp_path: Path, run, query):
    root = kobo_study(tmp_path, "household_labels.xlsx")
    assert run("import", root).exit_code == 0
    assert query(root, "SELECT a.value FROM survey_answers a JOIN survey_responses r USING (response_id) "
                       "WHERE a.question_id IN ('water', 'assets') AND r.source_row = 5 ORDER BY a.question_id") == [
        ("radio phone bike",), ("tap",)]


def test_a_repeat_row_without_its_submission_is_a_row_reject(tmp_path: Path, run, query):
    root = kobo_study(tmp_path, "orphans_and_duplicates.xlsx")
    assert run("import", root).exit_code == 0
    assert query(root, "SELECT row, column_name, reason FROM rejects WHERE column_name = 'members'") == [
        (6, "members", "repeat group row of sheet 'members' not stored: no submission in the main sheet has "
                       "its _parent_index")]


def test_status_counts_the_repeat_group_rows(tmp_path: Path, run):
    root = kobo_study(tmp_path, "inventory.xlsx")
    assert run("import", root).exit_code == 0
    # categories 3 + items 5 + suppliers 2 (README.md)
    assert "Survey repeat-group rows: 10 in 3 repeat groups" in run("status", root).output


# Kobo's own columns as its exports write them (README.md; the list of the Kobo documentation).
KOBO_COLUMNS = ["_id", "_uuid", "_submission_time", "_validation_status", "_notes", "_status", "_submitted_by",
                "__version__", "_tags", "_index", "$edited", "meta/instanceID", "meta/rootUuid", "formhub/uuid",
                "start", "end", "today", "deviceid", "_loc_latitude", "grp/_loc_longitude", "grp/_loc_altitude",
                "grp/_loc_precision"]


def test_every_kobo_metadata_column_is_recognised():
    from mixedmethods.survey.readers.kobo import is_metadata

    header = [*KOBO_COLUMNS, "grp/loc", "grp/loc_latitude", "hh_size", "start_age"]
    assert [c for c in header if not is_metadata(c, header)] == ["grp/loc", "hh_size", "start_age"]


def test_kobo_csv_labels_with_commas_in_quoted_headers_is_read_with_semicolons(tmp_path: Path, run, query):
    root = kobo_study(tmp_path, "household_semicolon.csv")
    (root / "data/survey/household_semicolon.csv").unlink()
    # More commas (inside quotes) than semicolons in the header: the quoted text must not count.
    text = ('"_uuid";"District";"Comments, if any, and why, briefly"\n'
            '"u-1";"North district";"Fine, thanks"\n')
    (root / "instruments/household.yaml").write_text(
        (FIXTURES / "household.yaml").read_text(encoding="utf-8").replace("{en: Comments,", '{en: "Comments, if any, and why, briefly",'),
        encoding="utf-8")
    (root / "data/survey/labels.csv").write_text(text, encoding="utf-8")
    result = run("import", root)
    assert "imported (kobo): 1 responses" in result.output, result.output + result.stderr
    assert query(root, "SELECT question_id, value FROM survey_answers ORDER BY question_id") == [
        ("comments", "Fine, thanks"), ("district", "north")]


def test_an_unknown_kobo_column_names_the_closest_question(tmp_path: Path, run):
    root = kobo_study(tmp_path, "household_semicolon.csv")
    (root / "data/survey/household_semicolon.csv").write_text(
        '"hh/hh_code";"hh/hh_sise";"_uuid"\n"H001";"3";"u-1"\n', encoding="utf-8")
    result = run("import", root)
    assert result.exit_code == 2
    assert "column 'hh/hh_sise': unknown column" in result.stderr and "did you mean 'hh_size'?" in result.stderr


def test_a_geopoint_is_kept_as_its_raw_value_and_status_says_so(tmp_path: Path, run, query):
    import json

    root = kobo_study(tmp_path, "household_xml.xlsx")
    assert run("import", root).exit_code == 0
    # make_kobo_exports.py writes H001's location as "13.1 -59.6 0 5" (lat lon altitude precision): stored as given,
    # not taken for a phone number; every one of the 5 households has one.
    assert query(root, "SELECT a.value FROM survey_answers a JOIN survey_responses r USING (response_id) "
                       "WHERE a.question_id = 'location' ORDER BY r.source_row")[0] == ("13.1 -59.6 0 5",)
    assert "location (geopoint, 5 answers)" in run("status", root).output
    counts = json.loads(run("status", root, "--json").output)
    assert counts["survey"]["raw_questions"] == {"location": {"type": "geopoint", "answers": 5}}
