"""The user's story of importing a survey: what the store holds, what is rejected, what re-import does."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from openpyxl import load_workbook

EXPORT = "data/survey/kobo_export.xlsx"


def dump(root: Path) -> list[str]:
    conn = sqlite3.connect(root / "store.sqlite")
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def test_demo_export_gives_these_responses(demo_study: Path, query):
    # 120 respondents answered; one of them also left an earlier, abandoned submission.
    assert query(demo_study, "SELECT status, COUNT(*) FROM survey_responses GROUP BY status ORDER BY status") == [
        ("duplicate", 1), ("kept", 120)]
    assert query(demo_study, "SELECT grp, COUNT(*) FROM survey_responses WHERE status = 'kept' GROUP BY grp") == [
        ("caricom", 52), ("sixth-committee", 68)]
    # Every respondent was linked to the participants list through the invitation code; the code is not stored.
    assert query(demo_study, "SELECT COUNT(*) FROM survey_responses JOIN participants USING (participant_id) "
                             "WHERE listed = 0") == [(0,)]
    assert query(demo_study, "SELECT COUNT(*) FROM survey_answers WHERE question_id = 'invitation_code'") == [(0,)]
    # Select-multiple answers came from Kobo's split 0/1 columns and are stored as space-separated values.
    values = {v for (v,) in query(demo_study, "SELECT value FROM survey_answers WHERE question_id = 'working_languages'")}
    assert values <= {"en", "en fr", "en es", "en es fr"} and "en fr" in values


def test_demo_export_gives_these_rejects(demo_study: Path, query):
    rows = query(demo_study, "SELECT row, column_name, value, kind, reason FROM rejects JOIN imports USING (import_id) "
                             "WHERE source_kind = 'survey' ORDER BY row")
    assert [(r[0], r[1], r[2], r[3]) for r in rows] == [
        (7, "profile/years_service", "99", "value"),
        (9, "training/training_kind", "workshop", "value"),
        (11, "profile/role", None, "note"),
        (122, None, None, "row"),
    ]
    assert rows[0][4] == "out of range: above the maximum 45"
    assert "skip logic" in rows[1][4]
    assert "duplicate submission" in rows[3][4] and "row 5" in rows[3][4]
    # The rejected values are not in the answers.
    assert query(demo_study, "SELECT COUNT(*) FROM survey_answers WHERE question_id = 'years_service' "
                             "AND value = '99'") == [(0,)]


def test_the_raw_export_is_never_modified(demo_study: Path, run, tmp_path: Path):
    before = (demo_study / EXPORT).read_bytes()
    run("import", demo_study)
    assert (demo_study / EXPORT).read_bytes() == before


def test_reimporting_the_same_file_changes_nothing(fresh_demo: Path, run):
    before = dump(fresh_demo)
    result = run("import", fresh_demo)
    assert result.exit_code == 0
    assert "unchanged, skipped" in result.output
    assert dump(fresh_demo) == before


def test_a_failed_import_changes_nothing(fresh_demo: Path, run):
    before = dump(fresh_demo)
    # A changed (valid) export and a broken one in the same run: the valid one must not land either.
    book = load_workbook(fresh_demo / EXPORT)
    book.active.delete_rows(3)
    book.save(fresh_demo / EXPORT)
    (fresh_demo / "data/survey/zz_broken.xlsx").write_bytes(b"PK\x03\x04 this is not a workbook")
    result = run("import", fresh_demo)
    assert result.exit_code == 2
    assert "zz_broken.xlsx: cannot open as an Excel workbook" in result.stderr
    assert dump(fresh_demo) == before


def test_a_changed_file_replaces_its_earlier_version_and_the_audit_says_so(fresh_demo: Path, run, query):
    book = load_workbook(fresh_demo / EXPORT)
    book.active.delete_rows(3)  # the analyst removed a test submission in the export
    book.save(fresh_demo / EXPORT)
    result = run("import", fresh_demo)
    assert result.exit_code == 0, result.output
    assert "replaced (kobo): 119 responses" in result.output
    assert query(fresh_demo, "SELECT COUNT(*) FROM imports WHERE source_kind = 'survey'") == [(1,)]
    assert query(fresh_demo, "SELECT COUNT(*) FROM survey_responses WHERE status = 'kept'") == [(119,)]
    commands = [c for (c,) in query(fresh_demo, "SELECT command FROM audit ORDER BY audit_id")]
    assert commands == ["import survey (imported)", "import interviews (imported)", "import chats (imported)",
                        "import chats (imported)", "import survey (replaced)"]
    details = query(fresh_demo, "SELECT details FROM audit ORDER BY audit_id DESC LIMIT 1")[0][0]
    assert '"replaced_sha256"' in details


def test_store_uses_foreign_keys_wal_and_a_schema_version(demo_study: Path):
    from mixedmethods.store import SCHEMA_VERSION, connect

    conn = connect(demo_study / "store.sqlite")
    try:
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    finally:
        conn.close()


def test_rejects_command_lists_file_row_column_and_reason(demo_study: Path, run):
    result = run("rejects", demo_study, "--kind", "value")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert ("[value] data/survey/kobo_export.xlsx, row 7, column 'profile/years_service': out of range: above the "
            "maximum 45 (value '99')") in lines
    assert ("[value] data/interviews/interview-10.txt, line 7: code 'speed.latency' is not in the codebook "
            "(by id or label) (value 'speed.latency')") in lines
    assert lines[-1] == "4 rejects."


def test_status_shows_imports_and_respondents(demo_study: Path, run):
    result = run("status", demo_study)
    assert result.exit_code == 0
    assert "survey   data/survey/kobo_export.xlsx (kobo" in result.output
    assert "Survey respondents: caricom 52, sixth-committee 68" in result.output
