"""The store follows the data folder: renamed and removed files are retired, edited instruments re-validate.

Every expected count below is counted by hand from the small files written in
each test (or is an equality with the count before the change).
"""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest
from test_chats import TINY  # the tiny chat: 7 messages (Ana 3, Bruno 2, Carla 2), 1 system event

# Ana (AAA111) says 99 years of service, above the questionnaire's maximum of 45: one value reject.
WAVE1 = ("invitation_code,group,role,years_service,submitted_at\n"
         "AAA111,caricom,head,99,2026-03-01T10:00:00\n"
         "BBB222,sixth-committee,legal,3,2026-03-01T11:00:00\n")
# Someone whose invitation code is not in participants.csv: stored under a keyed pseudonym, with a note.
WAVE2 = ("invitation_code,group,role,years_service,submitted_at\n"
         "ZZZ999,caricom,legal,5,2026-03-02T09:00:00\n")
# Two coded transcripts: Ana's has 2 segments, one of them with a code the codebook does not know yet.
ANA = ("# participant: AAA111\n# coder: maria\n\n"
       "Ana: [[speed.reaction]]We reply within the hour.[[/speed.reaction]] "
       "[[speed.latency]]Sometimes at night.[[/speed.latency]]\n")
BRUNO = ("# participant: BBB222\n# coder: maria\n\n"
         "Bruno: [[security.leaks]]Drafts leak.[[/security.leaks]]\n")


def one(query, root: Path, sql: str, params: tuple = ()):
    return query(root, sql, params)[0][0]


def set_chats(root: Path, entries: list[tuple[str, str]]) -> None:
    """Replace sources.chats of study.yaml with these (path, group) entries."""
    config = root / "study.yaml"
    lines = config.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("  chats:"))
    end = start + 1
    while end < len(lines) and lines[end].startswith(("  - ", "    ")):
        end += 1
    chats = ["  chats:"] + [f"  - {{path: {path}, group: {group}}}" for path, group in entries] if entries \
        else ["  chats: []"]
    config.write_text("\n".join(lines[:start] + chats + lines[end:]) + "\n", encoding="utf-8")


@pytest.fixture
def survey_study(small_study: Path, run) -> Path:
    (small_study / "data/survey/wave1.csv").write_text(WAVE1, encoding="utf-8")
    (small_study / "data/survey/wave2.csv").write_text(WAVE2, encoding="utf-8")
    assert run("import", small_study).exit_code == 0
    return small_study


@pytest.fixture
def chat_study(small_study: Path, run) -> Path:
    (small_study / "data/chats/tiny.txt").write_text(TINY, encoding="utf-8")
    set_chats(small_study, [("data/chats/tiny.txt", "caricom")])
    assert run("import", small_study).exit_code == 0
    return small_study


@pytest.fixture
def interview_study(small_study: Path, run) -> Path:
    (small_study / "data/interviews/int-ana.txt").write_text(ANA, encoding="utf-8")
    (small_study / "data/interviews/int-bruno.txt").write_text(BRUNO, encoding="utf-8")
    assert run("import", small_study).exit_code == 0
    return small_study


# --- renamed files are never counted twice -------------------------------------------------------------------


def test_renaming_a_chat_keeps_its_messages_once(chat_study: Path, run, query):
    (chat_study / "data/chats/tiny.txt").rename(chat_study / "data/chats/tiny-march.txt")
    set_chats(chat_study, [("data/chats/tiny-march.txt", "caricom")])
    result = run("import", chat_study)
    assert result.exit_code == 0, result.output
    assert ("data/chats/tiny.txt: retired (renamed or moved to data/chats/tiny-march.txt): its 7 messages and its "
            "rejects are no longer counted") in result.output
    assert "data/chats/tiny-march.txt: imported (android, dmy, 24h): 7 messages" in result.output
    assert query(chat_study, "SELECT kind = 'system', COUNT(*) FROM chat_messages GROUP BY 1 ORDER BY 1") == [
        (0, 7), (1, 1)]
    assert one(query, chat_study, "SELECT COUNT(*) FROM chat_mentions") == 2
    assert one(query, chat_study, "SELECT COUNT(*) FROM chats") == 1
    # The old import stays as history, marked retired; the audit names the file and where it went.
    assert query(chat_study, "SELECT path, retired_at IS NOT NULL FROM imports ORDER BY import_id") == [
        ("data/chats/tiny.txt", 1), ("data/chats/tiny-march.txt", 0)]
    command, details = query(chat_study, "SELECT command, details FROM audit WHERE command LIKE 'retire%'")[0]
    assert command == "retire chats"
    assert json.loads(details)["path"] == "data/chats/tiny.txt"
    assert json.loads(details)["reason"] == "renamed or moved to data/chats/tiny-march.txt"


def test_renaming_a_demo_chat_leaves_the_message_count_as_it_was(fresh_demo: Path, run, query):
    count = "SELECT COUNT(*) FROM chat_messages WHERE kind <> 'system'"
    before = one(query, fresh_demo, count)
    (fresh_demo / "data/chats/caricom.txt").rename(fresh_demo / "data/chats/caricom-2024.txt")
    config = fresh_demo / "study.yaml"
    config.write_text(config.read_text().replace("data/chats/caricom.txt", "data/chats/caricom-2024.txt"))
    assert run("import", fresh_demo).exit_code == 0
    assert one(query, fresh_demo, count) == before
    assert one(query, fresh_demo, "SELECT COUNT(*) FROM chats") == 2  # one per group, as before


def test_a_file_renamed_back_is_imported_again_under_its_first_name(chat_study: Path, run, query):
    folder = chat_study / "data/chats"
    (folder / "tiny.txt").rename(folder / "other.txt")
    set_chats(chat_study, [("data/chats/other.txt", "caricom")])
    assert run("import", chat_study).exit_code == 0
    (folder / "other.txt").rename(folder / "tiny.txt")
    set_chats(chat_study, [("data/chats/tiny.txt", "caricom")])
    result = run("import", chat_study)
    assert result.exit_code == 0, result.output
    assert one(query, chat_study, "SELECT COUNT(*) FROM chat_messages WHERE kind <> 'system'") == 7
    assert query(chat_study, "SELECT path, retired_at IS NOT NULL FROM imports ORDER BY path") == [
        ("data/chats/other.txt", 1), ("data/chats/tiny.txt", 0)]


# --- removed files are retired --------------------------------------------------------------------------------


def test_removing_a_survey_file_removes_its_responses_and_rejects(survey_study: Path, run, query):
    wave2 = "SELECT COUNT(*) FROM rejects JOIN imports USING (import_id) WHERE path = 'data/survey/wave2.csv'"
    assert one(query, survey_study, "SELECT COUNT(*) FROM survey_responses") == 3
    assert one(query, survey_study, "SELECT COUNT(*) FROM participants WHERE listed = 0") == 1
    assert one(query, survey_study, wave2 + " AND reason LIKE 'invitation code not found%'") == 1
    wave1_rejects = one(query, survey_study, "SELECT COUNT(*) FROM rejects JOIN imports USING (import_id) "
                                             "WHERE path = 'data/survey/wave1.csv'")
    (survey_study / "data/survey/wave2.csv").unlink()
    result = run("import", survey_study)
    assert result.exit_code == 0, result.output
    assert ("data/survey/wave2.csv: retired (no longer in the study folder or study.yaml): its 1 responses and its "
            "rejects are no longer counted") in result.output
    assert "data/survey/wave1.csv: unchanged, skipped" in result.output
    assert query(survey_study, "SELECT participant_id FROM survey_responses ORDER BY participant_id") == [
        ("P-ANA00001",), ("P-BRUNO002",)]
    assert one(query, survey_study, "SELECT COUNT(*) FROM survey_answers JOIN survey_responses USING (response_id) "
                                    "WHERE participant_id LIKE 'U-%'") == 0
    assert one(query, survey_study, wave2) == 0
    assert one(query, survey_study, "SELECT COUNT(*) FROM rejects") == wave1_rejects
    # The person seen only in that file is no longer listed among the people in the data.
    assert one(query, survey_study, "SELECT COUNT(*) FROM participants WHERE listed = 0") == 0
    assert query(survey_study, "SELECT command FROM audit ORDER BY audit_id DESC LIMIT 1") == [("retire survey",)]
    assert "U-" not in run("rejects", survey_study).output


def test_removing_a_chat_from_study_yaml_retires_it(chat_study: Path, run, query):
    set_chats(chat_study, [])
    result = run("import", chat_study)
    assert result.exit_code == 0, result.output
    assert "data/chats/tiny.txt: retired" in result.output
    for table in ("chats", "chat_messages", "chat_mentions"):
        assert one(query, chat_study, f"SELECT COUNT(*) FROM {table}") == 0, table
    # Carla was only in the chat.
    assert one(query, chat_study, "SELECT COUNT(*) FROM participants WHERE listed = 0") == 0


def test_removing_an_interview_file_reads_the_set_again_without_it(interview_study: Path, run, query):
    assert one(query, interview_study, "SELECT COUNT(*) FROM coded_segments") == 2  # Ana 1 + Bruno 1
    assert one(query, interview_study, "SELECT COUNT(*) FROM rejects WHERE kind = 'value'") == 1  # speed.latency
    (interview_study / "data/interviews/int-ana.txt").unlink()
    result = run("import", interview_study)
    assert result.exit_code == 0, result.output
    assert "replaced: 1 transcripts, 1 coded segments" in result.output
    assert query(interview_study, "SELECT participant_id FROM transcripts") == [("P-BRUNO002",)]
    assert one(query, interview_study, "SELECT COUNT(*) FROM rejects") == 0
    (interview_study / "data/interviews/int-bruno.txt").unlink()
    result = run("import", interview_study)
    assert ("data/interviews: retired (no longer in the study folder or study.yaml): its 1 coded segments and its "
            "rejects are no longer counted") in result.output
    assert one(query, interview_study, "SELECT COUNT(*) FROM transcripts") == 0
    assert one(query, interview_study, "SELECT COUNT(*) FROM imports WHERE retired_at IS NULL") == 0


def test_two_copies_of_one_export_are_refused_not_counted_twice(survey_study: Path, run, query):
    (survey_study / "data/survey/wave1-copy.csv").write_text(WAVE1, encoding="utf-8")
    assert ("    survey: data/survey/wave1.csv has the same content as data/survey/wave1-copy.csv; remove one copy "
            "(import refuses to count a file twice)").strip() in run("status", survey_study).output
    result = run("import", survey_study)
    assert result.exit_code == 2
    assert result.stderr == ("Error: data/survey/wave1.csv: the same content as data/survey/wave1-copy.csv; remove "
                             "one of the two copies (a file is counted once)\n")
    assert one(query, survey_study, "SELECT COUNT(*) FROM survey_responses") == 3


def test_a_failed_import_retires_nothing(survey_study: Path, run, query):
    (survey_study / "data/survey/wave2.csv").unlink()
    (survey_study / "data/survey/zz_broken.xlsx").write_bytes(b"PK\x03\x04 not a workbook")
    result = run("import", survey_study)
    assert result.exit_code == 2
    assert one(query, survey_study, "SELECT COUNT(*) FROM survey_responses") == 3
    assert one(query, survey_study, "SELECT COUNT(*) FROM imports WHERE retired_at IS NOT NULL") == 0


# --- what governs a file is part of its identity ---------------------------------------------------------------


def test_widening_a_range_in_the_questionnaire_turns_a_reject_into_a_value(survey_study: Path, run, query):
    years = ("SELECT value FROM survey_answers JOIN survey_responses USING (response_id) "
             "WHERE participant_id = 'P-ANA00001' AND question_id = 'years_service'")
    assert query(survey_study, years) == []
    assert one(query, survey_study, "SELECT COUNT(*) FROM rejects WHERE value = '99'") == 1
    questionnaire = survey_study / "instruments/survey.yaml"
    text = questionnaire.read_text(encoding="utf-8")
    years_block = text.index("- id: years_service")
    edited = text[:years_block] + text[years_block:].replace("max: 45", "max: 99", 1)
    questionnaire.write_text(edited, encoding="utf-8")

    status = run("status", survey_study).output
    assert ("    changed since it was imported: data/survey/wave1.csv (to be checked again: instruments/survey.yaml "
            "changed)") in status
    result = run("import", survey_study)
    assert result.exit_code == 0, result.output
    assert ("data/survey/wave1.csv: replaced (generic): 2 responses, 0 rows and 0 values rejected; read again "
            "because instruments/survey.yaml changed") in result.output
    assert query(survey_study, years) == [("99",)]
    assert one(query, survey_study, "SELECT COUNT(*) FROM rejects WHERE value = '99'") == 0
    assert one(query, survey_study, "SELECT COUNT(*) FROM survey_responses") == 3  # replaced, not added
    assert "unchanged, skipped" in run("import", survey_study).output


def test_adding_a_code_to_the_codebook_accepts_the_segment_that_used_it(interview_study: Path, run, query):
    codebook = interview_study / "instruments/codebook.yaml"
    text = codebook.read_text(encoding="utf-8")
    new_code = ("      - id: speed.latency\n"
                "        label: {en: \"Time to answer\", fr: \"Délai de réponse\"}\n")
    codebook.write_text(text.replace("      - id: speed.reaction\n", new_code + "      - id: speed.reaction\n", 1),
                        encoding="utf-8")
    result = run("import", interview_study)
    assert result.exit_code == 0, result.output
    assert "replaced: 2 transcripts, 3 coded segments, 0 segments rejected" in result.output
    assert "instruments/codebook.yaml changed" in result.output
    assert query(interview_study, "SELECT quote FROM coded_segments WHERE code_id = 'speed.latency'") == [
        ("Sometimes at night.",)]
    assert one(query, interview_study, "SELECT COUNT(*) FROM rejects") == 0


def test_moving_a_chat_to_another_group_reads_it_again(chat_study: Path, run, query):
    set_chats(chat_study, [("data/chats/tiny.txt", "sixth-committee")])
    result = run("import", chat_study)
    assert result.exit_code == 0, result.output
    assert "read again because the chat's settings in study.yaml changed" in result.output
    assert query(chat_study, "SELECT grp FROM chats") == [("sixth-committee",)]
    assert one(query, chat_study, "SELECT COUNT(*) FROM chat_messages WHERE kind <> 'system'") == 7


def test_adding_a_person_to_participants_csv_links_them_on_the_next_import(chat_study: Path, run, query):
    assert one(query, chat_study, "SELECT COUNT(*) FROM participants WHERE listed = 0") == 1  # Carla
    people = chat_study / "private/participants.csv"
    people.write_text(people.read_text(encoding="utf-8") + "P-CARLA003,Carla Visitor,,,caricom,CCC333\n",
                      encoding="utf-8")
    result = run("import", chat_study)
    assert "read again because private/participants.csv changed" in result.output
    assert query(chat_study, "SELECT COUNT(*) FROM chat_messages WHERE participant_id = 'P-CARLA003'") == [(2,)]
    assert one(query, chat_study, "SELECT COUNT(*) FROM participants WHERE listed = 0") == 0
    # The store keeps a keyed hash of the list, not its text.
    governed = json.loads(one(query, chat_study, "SELECT governed_by FROM imports WHERE retired_at IS NULL"))
    assert "Carla" not in json.dumps(governed)


def test_removing_a_person_from_participants_csv_unlinks_them(chat_study: Path, run, query):
    people = chat_study / "private/participants.csv"
    people.write_text("".join(people.read_text(encoding="utf-8").splitlines(keepends=True)[:2]), encoding="utf-8")
    assert run("import", chat_study).exit_code == 0
    # Bruno's messages now carry keyed pseudonyms; his listed id is gone from the store.
    assert query(chat_study, "SELECT participant_id, listed FROM participants ORDER BY listed DESC, participant_id"
                 )[0] == ("P-ANA00001", 1)
    assert one(query, chat_study, "SELECT COUNT(*) FROM participants WHERE participant_id = 'P-BRUNO002'") == 0
    assert "Participants listed in private/participants.csv: caricom 1" in run("status", chat_study).output
    # Unknown authors: Carla, and Bruno twice (his phone number and his name can no longer be tied together).
    assert one(query, chat_study, "SELECT COUNT(*) FROM participants WHERE listed = 0") == 3


def test_force_reads_every_file_again_and_changes_no_count(survey_study: Path, run, query):
    counts = "SELECT (SELECT COUNT(*) FROM survey_responses), (SELECT COUNT(*) FROM survey_answers), " \
             "(SELECT COUNT(*) FROM rejects)"
    before = query(survey_study, counts)
    result = run("import", survey_study, "--force")
    assert result.exit_code == 0, result.output
    assert result.output.count("replaced (generic)") == 2
    assert result.output.count("read again (--force)") == 2
    assert query(survey_study, counts) == before
    assert [c for (c,) in query(survey_study, "SELECT command FROM audit ORDER BY audit_id DESC LIMIT 2")] == [
        "import survey (replaced)", "import survey (replaced)"]


# --- status -------------------------------------------------------------------------------------------------


def test_status_lists_new_changed_and_missing_files_per_kind(survey_study: Path, run):
    status = run("status", survey_study).output
    assert "  survey: 2 files, all imported and up to date" in status
    assert "  interviews: no files" in status
    assert "  chats: no files" in status
    (survey_study / "data/survey/wave2.csv").unlink()
    (survey_study / "data/survey/wave3.csv").write_text(WAVE2.replace("ZZZ999", "YYY888"), encoding="utf-8")
    with (survey_study / "data/survey/wave1.csv").open("a", encoding="utf-8") as handle:
        handle.write("YYY777,caricom,legal,8,2026-03-03T09:00:00\n")
    (survey_study / "data/chats/tiny.txt").write_text(TINY, encoding="utf-8")
    set_chats(survey_study, [("data/chats/tiny.txt", "caricom")])
    lines = run("status", survey_study).output.splitlines()
    start = lines.index("Source files compared with the store:")
    assert lines[start + 1:start + 9] == [
        "  survey: 2 files in the study, 0 imported and up to date",
        "    new, not imported yet: data/survey/wave3.csv",
        "    changed since it was imported: data/survey/wave1.csv (the file changed since it was imported)",
        "    missing: imported, but no longer in the study folder or study.yaml (import retires it): "
        "data/survey/wave2.csv",
        "  interviews: no files",
        "  chats: 1 file in the study, 0 imported and up to date",
        "    new, not imported yet: data/chats/tiny.txt (format whatsapp, detected)",
        f"  To bring the store up to date, run: mixedmethods import {survey_study.resolve()}",
    ]
    run("import", survey_study)
    status = run("status", survey_study).output
    assert "  survey: 2 files, all imported and up to date" in status
    assert "Retired imports (the file left the study; its records and rejects are no longer counted):" in status
    assert "  survey   data/survey/wave2.csv (retired " in status


def test_status_before_the_first_import_lists_every_file_as_new(small_study: Path, run):
    (small_study / "data/survey/wave1.csv").write_text(WAVE1, encoding="utf-8")
    status = run("status", small_study).output
    assert "Store: none yet." in status
    assert "    new, not imported yet: data/survey/wave1.csv" in status


# --- stores written before the store followed the folder ----------------------------------------------------


def test_a_store_from_schema_3_opens_and_is_read_again_once(interview_study: Path, run, query):
    (interview_study / "data/survey/wave1.csv").write_text(WAVE1, encoding="utf-8")
    assert run("import", interview_study).exit_code == 0
    conn = sqlite3.connect(interview_study / "store.sqlite")
    conn.executescript("DROP TABLE import_files; ALTER TABLE imports DROP COLUMN governed_by; "
                       "ALTER TABLE imports DROP COLUMN retired_at; ALTER TABLE imports DROP COLUMN redactions; "
                       "PRAGMA user_version = 3;")
    conn.close()
    status = run("status", interview_study)
    assert status.exit_code == 0, status.output
    assert ("data/survey/wave1.csv (to be checked again: imported by an earlier mixedmethods that did not record "
            "its instruments)") in status.output
    # The migration found each interview file's hash in the audit of the interviews import.
    assert query(interview_study, "SELECT import_files.path FROM import_files JOIN imports USING (import_id) "
                                  "WHERE source_kind = 'interviews' ORDER BY import_files.path") == [
        ("data/interviews/int-ana.txt",), ("data/interviews/int-bruno.txt",)]
    result = run("import", interview_study)
    assert result.output.count("replaced") == 2
    assert one(query, interview_study, "SELECT COUNT(*) FROM survey_responses") == 2
    assert one(query, interview_study, "SELECT COUNT(*) FROM coded_segments") == 2
    assert run("import", interview_study).output.count("unchanged, skipped") == 2


def test_status_json_gives_the_demo_counts_and_the_files_to_import(fresh_demo: Path, run):
    result = run("status", fresh_demo, "--json")
    assert result.exit_code == 0
    counts = json.loads(result.output)
    # The demo's design: 120 respondents, 24 transcripts, two chats whose messages are the export lines that open
    # with a time stamp and an author (Android "13/03/2024, 09:00 - Name: ", iOS "[3/13/24, 9:00:00 AM] Name: ";
    # system lines have no author, or open with U+200E on iOS). Counted from the files, not from the parser
    # (issue 9 counted 19,751 before issue 12 put a few delegates in both chats).
    stamped = re.compile(r"^(\d\d/\d\d/\d{4}, \d\d:\d\d - |\[\d+/\d+/\d\d, [^\]]+\] )[^:\n]+: ")
    messages = sum(1 for export in (fresh_demo / "data" / "chats").glob("*.txt")
                   for line in export.read_text(encoding="utf-8").splitlines() if stamped.match(line))
    assert counts["survey"]["responses"] == 120 and counts["interviews"]["sources"] == 24
    assert counts["chats"] == {"exports": 2, "messages": messages, "system_events": counts["chats"]["system_events"]}
    assert counts["files"]["survey"] == {"new": [], "changed": [], "missing": []}
    (fresh_demo / "data" / "survey" / "wave3.csv").write_text(WAVE2, encoding="utf-8")
    counts = json.loads(run("status", fresh_demo, "--json").output)
    assert counts["files"]["survey"]["new"] == ["data/survey/wave3.csv"]
