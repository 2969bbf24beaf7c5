"""study.yaml's survey source settings: ``columns:`` (a hand-made column map) and ``date_order:``.

Given an export whose headers no reader matches, the map names them; given a
file whose time stamps read both ways, date_order decides (expected values
read by hand from the exports; see tests/fixtures/googleforms/README.md).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

GOOGLE_FORMS = Path(__file__).parent / "fixtures" / "googleforms"
DEFAULT_SOURCES = "  survey:\n  - data/survey\n"


def set_survey_sources(root: Path, block: str) -> None:
    """Replace sources.survey of the study's study.yaml with ``block`` (YAML lines indented under sources)."""
    config = root / "study.yaml"
    text = config.read_text(encoding="utf-8")
    assert DEFAULT_SOURCES in text or "  survey:\n  - path:" in text
    start = text.index("  survey:\n")
    end = text.index("  interviews:")
    config.write_text(text[:start] + block + text[end:], encoding="utf-8")


def line_of(root: Path, needle: str) -> int:
    lines = (root / "study.yaml").read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, start=1) if needle in line)


def roles(query, root: Path) -> list[tuple[int, str]]:
    return query(root, "SELECT r.source_row, a.value FROM survey_answers a JOIN survey_responses r "
                       "USING (response_id) WHERE r.status = 'kept' AND a.question_id = 'role' ORDER BY r.source_row")


# One response per survey tool; in each, one column no reader matches (the role question retyped) and one
# column the team added ("Enumerator notes"). Role "legal" (code) or "Legal adviser" (its English label).
EXPORTS = {
    "generic": ("export.csv", "invitation_code,Your job?,Enumerator notes\nAAA111,legal,met at the embassy\n",
                "Your job?"),
    "googleforms": ("google.csv", 'Timestamp,Email address,Your job?,Enumerator notes\n'
                                  '2026-03-01 10:00:00,ana@example.org,Legal adviser,met at the embassy\n',
                    "Your job?"),
    "limesurvey": ("lime.csv", '"id","submitdate","lastpage","startlanguage","token","Q7","Enumerator notes"\n'
                               '"1","2026-03-01 10:00:00","3","en","AAA111","legal","met at the embassy"\n', "Q7"),
    "kobo": ("kobo.csv", "_uuid;_submission_time;profile/invitation_code;profile/q_job;Enumerator notes\n"
                         "u-1;2026-03-01T10:00:00;AAA111;legal;met at the embassy\n", "profile/q_job"),
    "qualtrics": ("qualtrics.csv", "StartDate,Status,ResponseId,RecordedDate,Finished,Q3,Enumerator notes\n"
                                   "Start Date,Response Type,Response ID,Recorded Date,Finished,Your job?,Notes\n"
                                   "2026-03-01 10:00:00,IP Address,R_1abc,2026-03-01 10:05:00,True,legal,met\n",
                  "Q3"),
}


@pytest.mark.parametrize("reader", sorted(EXPORTS))
def test_column_map_names_what_no_reader_matches_in_every_reader(small_study: Path, run, query, reader: str):
    name, text, header = EXPORTS[reader]
    (small_study / "data/survey" / name).write_text(text, encoding="utf-8")
    result = run("import", small_study)
    assert result.exit_code == 2, result.output  # without the map: an unmatched column stops the import
    assert result.stderr.count("\n") == 1 and f"data/survey/{name}" in result.stderr
    set_survey_sources(small_study, f'  survey:\n  - path: data/survey\n    columns:\n      "{header}": role\n'
                                    '      "Enumerator notes": ~\n')
    result = run("import", small_study)
    assert result.exit_code == 0, result.output + result.stderr
    assert f"imported ({reader}): 1 responses" in result.output, result.output
    assert roles(query, small_study) == [(2 if reader != "qualtrics" else 3, "legal")]
    # The ignored column is not read: nothing of it in the store.
    assert query(small_study, "SELECT COUNT(*) FROM survey_answers WHERE value LIKE '%embassy%'") == [(0,)]


def test_column_map_header_is_found_with_typographic_quotes_and_case(small_study: Path, run, query):
    text = "invitation_code,Your delegation’s role?\nAAA111,legal\n"
    (small_study / "data/survey/export.csv").write_text(text, encoding="utf-8")
    set_survey_sources(small_study, "  survey:\n  - path: data/survey\n    columns:\n"
                                    "      \"YOUR DELEGATION'S ROLE\": role\n")
    assert run("import", small_study).exit_code == 0
    assert roles(query, small_study) == [(2, "legal")]


def test_column_map_to_an_unknown_question_id_names_its_line_in_study_yaml(small_study: Path, run):
    (small_study / "data/survey/export.csv").write_text("invitation_code,Your job?\nAAA111,legal\n",
                                                         encoding="utf-8")
    set_survey_sources(small_study, '  survey:\n  - path: data/survey\n    columns:\n      "Your job?": rol\n')
    result = run("import", small_study)
    assert result.exit_code == 2
    line = line_of(small_study, '"Your job?": rol')
    assert f"study.yaml, line {line}: columns: 'rol' (for column 'Your job?') is not a question id" in result.stderr
    assert "did you mean 'role'?" in result.stderr
    assert result.stderr.count("\n") == 1


def test_column_map_value_that_is_not_a_text_is_refused_at_load(small_study: Path, run):
    set_survey_sources(small_study, '  survey:\n  - path: data/survey\n    columns:\n      "Your job?": [role]\n')
    result = run("status", small_study)
    assert result.exit_code == 2
    assert f"line {line_of(small_study, 'Your job?')}: columns: 'Your job?' maps to ['role']" in result.stderr


def test_mapped_header_absent_from_the_export_is_a_note_not_an_error(small_study: Path, run, query):
    (small_study / "data/survey/export.csv").write_text("invitation_code,role\nAAA111,legal\n", encoding="utf-8")
    set_survey_sources(small_study, '  survey:\n  - path: data/survey\n    columns:\n      "Your job?": role\n')
    result = run("import", small_study)
    assert result.exit_code == 0, result.stderr
    line = line_of(small_study, '"Your job?": role')
    ((row, column, reason),) = query(small_study, "SELECT row, column_name, reason FROM rejects WHERE kind = 'note' "
                                                  "AND reason LIKE '%columns:%'")
    assert (row, column) == (1, "Your job?")
    assert f"line {line} maps column 'Your job?'" in reason and "has no such column" in reason


def test_map_onto_a_column_the_export_already_has_is_refused(small_study: Path, run):
    (small_study / "data/survey/export.csv").write_text("invitation_code,role,Your job?\nAAA111,legal,legal\n",
                                                         encoding="utf-8")
    set_survey_sources(small_study, '  survey:\n  - path: data/survey\n    columns:\n      "Your job?": role\n')
    result = run("import", small_study)
    assert result.exit_code == 2
    assert "but the export already has a column 'role'" in result.stderr


def test_changing_the_column_map_reads_the_file_again(small_study: Path, run, query):
    text = "invitation_code,Your job?,Other job\nAAA111,legal,head\n"
    (small_study / "data/survey/export.csv").write_text(text, encoding="utf-8")
    set_survey_sources(small_study, '  survey:\n  - path: data/survey\n    columns:\n      "Your job?": role\n'
                                    '      "Other job": ~\n')
    assert run("import", small_study).exit_code == 0
    assert roles(query, small_study) == [(2, "legal")]
    assert "unchanged, skipped" in run("import", small_study).output
    set_survey_sources(small_study, '  survey:\n  - path: data/survey\n    columns:\n      "Your job?": ~\n'
                                    '      "Other job": role\n')
    status = run("status", small_study)
    assert "the survey source's settings in study.yaml changed" in status.output, status.output
    result = run("import", small_study)
    assert "data/survey/export.csv: replaced (generic): 1 responses" in result.output, result.output
    assert "read again because the survey source's settings in study.yaml changed" in result.output
    assert roles(query, small_study) == [(2, "head")]
    assert query(small_study, "SELECT COUNT(*) FROM survey_responses") == [(1,)]  # replaced, not added


def test_a_source_without_settings_keeps_its_earlier_identity(small_study: Path, run):
    # No columns:/date_order: -> the identity is what it was before these keys existed (no re-read on upgrade).
    from mixedmethods.study import load_study
    from mixedmethods.sync import governing

    (small_study / "data/survey/export.csv").write_text("invitation_code,role\nAAA111,legal\n", encoding="utf-8")
    study = load_study(small_study)
    names = set(governing(study)["survey"](study.survey_sources[0]))
    assert names == {"the groups in study.yaml", "private/participants.csv", "instruments/survey.yaml"}


# --- date_order ----------------------------------------------------------------------------------------------

def kept_rows(query, root: Path) -> list[tuple]:
    return query(root, "SELECT r.source_row, r.submitted_at, MAX(CASE a.question_id WHEN 'role' THEN a.value END), "
                       "MAX(CASE a.question_id WHEN 'speed_4' THEN a.value END) FROM survey_responses r "
                       "JOIN survey_answers a USING (response_id) WHERE r.status = 'kept' GROUP BY r.source_row "
                       "ORDER BY r.source_row")


def test_undecidable_time_stamps_without_date_order_are_refused_in_one_line(small_study: Path, run):
    shutil.copy(GOOGLE_FORMS / "en_undecidable.csv", small_study / "data/survey/en_undecidable.csv")
    result = run("import", small_study)
    assert result.exit_code == 2
    assert result.stderr == ("Error: data/survey/en_undecidable.csv, row 2, column 'Timestamp': time stamps such as "
                             "'3/4/2026 9:00:00' read day first or month first and no value decides; set "
                             "date_order: dmy or mdy on this survey source in study.yaml\n")


# By hand: day first, row 2 is 3 April and row 3 is 4 February, so Ana's later submission is row 2 (Legal
# adviser, Agree = 4); month first, row 2 is 4 March and row 3 is 2 April, so row 3 (Head, Disagree = 2).
# Bruno (row 4: Legal adviser, Strongly agree = 5) is kept either way: 5 June or 6 May.
@pytest.mark.parametrize("order, expected", [
    ("dmy", [(2, "2026-04-03T09:00:00", "legal", "4"), (4, "2026-06-05T14:02:11", "legal", "5")]),
    ("mdy", [(3, "2026-04-02T10:15:00", "head", "2"), (4, "2026-05-06T14:02:11", "legal", "5")]),
])
def test_declared_date_order_reads_an_undecidable_google_forms_export(small_study: Path, run, query, order, expected):
    shutil.copy(GOOGLE_FORMS / "en_undecidable.csv", small_study / "data/survey/en_undecidable.csv")
    set_survey_sources(small_study, f"  survey:\n  - path: data/survey\n    date_order: {order}\n")
    result = run("import", small_study)
    assert "imported (googleforms): 2 responses" in result.output, result.output + result.stderr
    assert kept_rows(query, small_study) == expected
    assert query(small_study, "SELECT COUNT(*) FROM survey_responses WHERE status = 'duplicate'") == [(1,)]


def test_changing_date_order_reads_the_file_again_and_keeps_the_other_duplicate(small_study: Path, run, query):
    shutil.copy(GOOGLE_FORMS / "en_undecidable.csv", small_study / "data/survey/en_undecidable.csv")
    set_survey_sources(small_study, "  survey:\n  - path: data/survey\n    date_order: dmy\n")
    assert run("import", small_study).exit_code == 0
    set_survey_sources(small_study, "  survey:\n  - path: data/survey\n    date_order: mdy\n")
    result = run("import", small_study)
    assert "replaced (googleforms)" in result.output, result.output
    assert [r[0] for r in kept_rows(query, small_study)] == [3, 4]


def test_data_that_decides_against_the_declared_order_is_refused(small_study: Path, run):
    # en_timestamp.csv has 3/14/2026: month first, whatever study.yaml says.
    shutil.copy(GOOGLE_FORMS / "en_timestamp.csv", small_study / "data/survey/en_timestamp.csv")
    set_survey_sources(small_study, "  survey:\n  - path: data/survey\n    date_order: dmy\n")
    result = run("import", small_study)
    assert result.exit_code == 2
    assert ("data/survey/en_timestamp.csv, row 3, column 'Timestamp': time stamp '3/14/2026 9:30:00' is month "
            "first, but study.yaml says date_order: dmy") in result.stderr


def test_date_order_applies_to_generic_and_limesurvey_time_stamps(small_study: Path, run, query):
    # By hand: 03/02/2026 and 02/04/2026 are 3 February and 2 April day first (row 3 later), 2 March and
    # 4 February month first (row 2 later).
    text = "invitation_code,role,submitted_at\nAAA111,legal,03/02/2026 10:00\nAAA111,head,02/04/2026 10:00\n"
    (small_study / "data/survey/export.csv").write_text(text, encoding="utf-8")
    result = run("import", small_study)
    assert result.exit_code == 2 and "column 'submitted_at'" in result.stderr and "set date_order" in result.stderr
    set_survey_sources(small_study, "  survey:\n  - path: data/survey\n    date_order: dmy\n")
    assert run("import", small_study).exit_code == 0
    assert roles(query, small_study) == [(3, "head")]
    lime = ('"id","submitdate","lastpage","startlanguage","token","role"\n'
            '"1","03/02/2026 10:00","3","en","AAA111","legal"\n"2","02/04/2026 10:00","3","en","AAA111","head"\n')
    (small_study / "data/survey/export.csv").unlink()
    (small_study / "data/survey/lime.csv").write_text(lime, encoding="utf-8")
    set_survey_sources(small_study, "  survey:\n  - path: data/survey\n    date_order: mdy\n")
    assert run("import", small_study).exit_code == 0
    assert roles(query, small_study) == [(2, "legal")]
    assert query(small_study, "SELECT submitted_at FROM survey_responses ORDER BY source_row") == [
        ("2026-03-02T10:00:00",), ("2026-02-04T10:00:00",)]


@pytest.mark.parametrize("setting, message", [
    ("    columns: [role]\n", "columns: expected a mapping 'header as in the export': question_id"),
    ("    date_order: dd/mm\n", "date_order: expected dmy, mdy or ymd, got 'dd/mm'"),
])
def test_malformed_survey_source_settings_name_their_line(small_study: Path, run, setting: str, message: str):
    set_survey_sources(small_study, "  survey:\n  - path: data/survey\n" + setting)
    result = run("status", small_study)
    assert result.exit_code == 2
    assert f"study.yaml, line {line_of(small_study, setting.strip())}: {message}" in result.stderr
