"""``check-privacy`` and the build's refusal to publish a leak; file names pseudonymised in the store (issue 11, 2).

Every expected line is written by hand from what the test plants: the file,
the place (a paragraph counted in the document's XML, a cell, a table row),
the kind and the participant id of the person in private/participants.csv.
"""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

from test_chats import TINY
from test_store_sync import ANA, set_chats

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def person(study: Path, name: str) -> str:
    """The participant id of ``name`` in the study's participants.csv."""
    with (study / "private" / "participants.csv").open(encoding="utf-8") as handle:
        return next(r["participant_id"] for r in csv.DictReader(handle) if r["name"] == name)


def test_the_built_demo_passes(built_demo: Path, run):
    result = run("check-privacy", built_demo)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("No participant's name, phone number or e-mail")


def test_a_name_with_and_without_accents_in_a_report_paragraph_is_found(built_copy: Path, run):
    import docx
    from lxml import etree

    path = built_copy / "report" / "survey.en.docx"
    document = docx.Document(str(path))
    document.add_paragraph("As ELODIE LEFEVRE told us")  # "Élodie Lefèvre", typed without accents
    document.add_paragraph("and Élodie Lefèvre agreed")
    document.save(str(path))
    with __import__("zipfile").ZipFile(path) as archive:
        paragraphs = len(etree.fromstring(archive.read("word/document.xml")).findall(f".//{W}p"))
    pid = person(built_copy, "Élodie Lefèvre")
    result = run("check-privacy", built_copy)
    assert result.exit_code == 1
    # The two new paragraphs are the last two of the body (python-docx appends them before the section end).
    assert result.output.splitlines() == [
        f"report/survey.en.docx: word/document.xml, paragraph {paragraphs - 1}: name of {pid}",
        f"report/survey.en.docx: word/document.xml, paragraph {paragraphs}: name of {pid}",
        "2 found outside private/ and the raw data: remove them, then run this again"]
    assert "lodie" not in result.output.casefold() and "lef" not in result.output.casefold()


def test_a_name_in_a_tables_xlsx_cell_and_a_phone_in_the_store_are_found(built_copy: Path, run):
    import openpyxl

    path = built_copy / "report" / "tables.xlsx"
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    sheet["Z99"] = "fatou  DUBOIS"  # other case, two spaces
    book.save(path)
    with (built_copy / "private" / "participants.csv").open(encoding="utf-8") as handle:
        phone = next(r["phone"] for r in csv.DictReader(handle) if r["name"] == "Fatou Dubois")
    dotted = ".".join(phone.split()[1:])  # "+1 246 555 0000" written "246.555.0000"
    conn = sqlite3.connect(built_copy / "store.sqlite")
    rowid = conn.execute("SELECT MIN(message_id) FROM chat_messages WHERE kind = 'text'").fetchone()[0]
    conn.execute("UPDATE chat_messages SET text = ? WHERE message_id = ?", (f"call me: {dotted}", rowid))
    conn.commit()
    conn.close()
    pid = person(built_copy, "Fatou Dubois")
    result = run("check-privacy", built_copy)
    assert result.exit_code == 1
    assert sorted(result.output.splitlines()[:-1]) == sorted([
        f"report/tables.xlsx: sheet {sheet.title!r}, cell Z99: name of {pid}",
        f"store.sqlite: table chat_messages, column text, row {rowid}: phone of {pid}"])


def test_a_name_in_a_file_name_and_any_e_mail_address_are_found(built_copy: Path, run):
    notes = built_copy / "report" / "notes for Fatou Dubois.txt"
    notes.write_text("write to someone@example.net\n", encoding="utf-8")
    pid = person(built_copy, "Fatou Dubois")
    result = run("check-privacy", built_copy)
    assert result.exit_code == 1
    assert sorted(result.output.splitlines()[:-1]) == [
        f"report/notes for {pid}.txt: file name: name of {pid}",
        f"report/notes for {pid}.txt: line 1: e-mail address"]


def test_private_and_raw_data_are_not_checked(built_copy: Path, run):
    (built_copy / "data" / "chats" / "extra notes Fatou Dubois.txt").write_text("+1 246 555 0060", encoding="utf-8")
    assert run("check-privacy", built_copy).exit_code == 0


def test_build_refuses_a_leaking_output_and_keeps_the_previous_report(built_copy: Path, run, monkeypatch):
    from mixedmethods.report import outputs

    before = {p.relative_to(built_copy): p.read_bytes() for p in (built_copy / "report").rglob("*") if p.is_file()}
    original = outputs.write_results_json

    def leaky(path, results):  # a chapter that forgot to pseudonymise
        return original(path, {**results, "note": "thanks to Elodie Lefevre"})

    monkeypatch.setattr(outputs, "write_results_json", leaky)
    result = run("build", built_copy, "--language", "en")
    assert result.exit_code == 2
    pid = person(built_copy, "Élodie Lefèvre")
    assert result.output.splitlines() == [
        f"Error: report/results.json: $.note: name of {pid} found, so the report was not published and the previous "
        "report files are left as they were (1 findings; 'mixedmethods check-privacy' lists them)"]
    after = {p.relative_to(built_copy): p.read_bytes() for p in (built_copy / "report").rglob("*") if p.is_file()}
    assert after == before  # no staging folder left, no file replaced


def test_build_refuses_a_store_holding_a_name(built_copy: Path, run):
    """The store is checked beside the analyses, in its own process (report/workers.py): its finding still
    stops the build, and nothing is published."""
    before = {p.relative_to(built_copy): p.read_bytes() for p in (built_copy / "report").rglob("*") if p.is_file()}
    conn = sqlite3.connect(built_copy / "store.sqlite")
    with conn:
        row = conn.execute("SELECT MIN(message_id) FROM chat_messages WHERE kind = 'text'").fetchone()[0]
        conn.execute("UPDATE chat_messages SET text = 'merci Élodie Lefèvre' WHERE message_id = ?", (row,))
    conn.close()
    result = run("build", built_copy, "--language", "en", "--jobs", "3")
    assert result.exit_code == 2
    pid = person(built_copy, "Élodie Lefèvre")
    assert result.output.startswith(f"Error: store.sqlite: table chat_messages, column text, row {row}: name of {pid} "
                                    "found, so the report was not published"), result.output
    after = {p.relative_to(built_copy): p.read_bytes() for p in (built_copy / "report").rglob("*") if p.is_file()}
    assert after == before


# --- file names in the store ----------------------------------------------------------------------------------


def stored_text(root: Path) -> str:
    """Every path, audit record and reject file/place/reason the store holds."""
    conn = sqlite3.connect(root / "store.sqlite")
    rows = [*conn.execute("SELECT path FROM imports"), *conn.execute("SELECT path FROM import_files"),
            *conn.execute("SELECT details FROM audit"),
            *conn.execute("SELECT COALESCE(file, '') || column_name || reason FROM rejects")]
    conn.close()
    return "\n".join(str(r[0]) for r in rows)


def test_a_name_in_a_chat_file_name_is_pseudonymised_and_the_file_still_known(small_study: Path, run, query):
    chats = small_study / "data" / "chats"
    (chats / "WhatsApp Chat with Ana Pérez.txt").write_text(TINY, encoding="utf-8")
    set_chats(small_study, [("data/chats/WhatsApp Chat with Ana Pérez.txt", "caricom")])
    result = run("import", small_study)
    assert result.exit_code == 0, result.output
    assert query(small_study, "SELECT path FROM imports") == [("data/chats/WhatsApp Chat with P-ANA00001.txt",)]
    assert query(small_study, "SELECT path FROM import_files") == [("data/chats/WhatsApp Chat with P-ANA00001.txt",)]
    text = stored_text(small_study)
    assert "rez" not in text and "Ana" not in text
    # The next import knows the file: nothing to do.
    assert run("import", small_study).output.strip().endswith("unchanged, skipped")
    # Renamed: the old import retired, the new one imported, the messages counted once.
    (chats / "WhatsApp Chat with Ana Pérez.txt").rename(chats / "WhatsApp Chat with ana perez 2024.txt")
    set_chats(small_study, [("data/chats/WhatsApp Chat with ana perez 2024.txt", "caricom")])
    result = run("import", small_study)
    assert "retired (renamed or moved to" in result.output
    assert query(small_study, "SELECT path, retired_at IS NOT NULL FROM imports ORDER BY import_id") == [
        ("data/chats/WhatsApp Chat with P-ANA00001.txt", 1), ("data/chats/WhatsApp Chat with P-ANA00001 2024.txt", 0)]
    assert query(small_study, "SELECT COUNT(*) FROM chat_messages WHERE kind <> 'system'") == [(7,)]
    assert "rez" not in stored_text(small_study).casefold()


def test_two_chats_named_by_phone_numbers_are_told_apart(small_study: Path, run, query):
    chats = small_study / "data" / "chats"
    (chats / "WhatsApp Chat with +1 246 555 0199.txt").write_text(TINY, encoding="utf-8")
    (chats / "WhatsApp Chat with +1 246 555 0177.txt").write_text(TINY.replace("agreed", "fine"), encoding="utf-8")
    set_chats(small_study, [("data/chats/WhatsApp Chat with +1 246 555 0199.txt", "caricom"),
                            ("data/chats/WhatsApp Chat with +1 246 555 0177.txt", "caricom")])
    assert run("import", small_study).exit_code == 0
    paths = [p for (p,) in query(small_study, "SELECT path FROM imports ORDER BY import_id")]
    assert paths[0] == "data/chats/WhatsApp Chat with [phone].txt"
    assert paths[1].startswith("data/chats/WhatsApp Chat with [phone].txt (") and len(paths) == 2
    assert "555" not in stored_text(small_study)
    assert run("import", small_study).output.count("unchanged, skipped") == 2


def test_a_name_in_an_interview_file_name_leaves_no_trace_in_rejects(small_study: Path, run, query):
    (small_study / "data/interviews/Ana Pérez interview.txt").write_text(ANA, encoding="utf-8")
    assert run("import", small_study).exit_code == 0
    # ANA codes one segment with a code the codebook does not know: a reject naming its file.
    assert query(small_study, "SELECT DISTINCT file FROM rejects WHERE kind = 'value'") == [
        ("data/interviews/P-ANA00001 interview.txt",)]
    assert "rez" not in stored_text(small_study)
    assert run("import", small_study).output.strip().endswith("unchanged, skipped")


def test_paths_stored_before_path_keys_are_keyed_and_redacted_by_the_next_import(small_study: Path, run, query):
    real = "data/chats/WhatsApp Chat with Ana Pérez.txt"
    (small_study / real).write_text(TINY, encoding="utf-8")
    set_chats(small_study, [(real, "caricom")])
    assert run("import", small_study).exit_code == 0
    conn = sqlite3.connect(small_study / "store.sqlite")  # as schema 7 stored it: the real path, no key
    conn.execute("UPDATE imports SET path = ?, path_key = NULL", (real,))
    conn.execute("UPDATE import_files SET path = ?, path_key = NULL", (real,))
    conn.execute("UPDATE audit SET details = ? WHERE command LIKE 'import chats%'", (json.dumps({"path": real}),))
    conn.commit()
    conn.close()
    assert "new, not imported yet" not in run("status", small_study).output  # known by its path meanwhile
    result = run("import", small_study)
    assert result.output.strip().endswith("unchanged, skipped"), result.output
    assert "rez" not in stored_text(small_study)
    assert query(small_study, "SELECT path, path_key IS NOT NULL FROM imports") == [
        ("data/chats/WhatsApp Chat with P-ANA00001.txt", 1)]


def test_a_shared_string_is_found_in_the_cell_that_uses_it(tmp_path: Path):
    """Excel and most writers keep cell text in xl/sharedStrings.xml; the finding names the cell, not the list."""
    import zipfile

    from mixedmethods.privacy import Participant, Participants
    from mixedmethods.privacy_check import LeakFinder, check_file

    main = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    path = tmp_path / "book.xlsx"
    with zipfile.ZipFile(path, "w") as book:
        book.writestr("xl/workbook.xml", f'<workbook {main} {rel}><sheets><sheet name="Quotes" sheetId="1" '
                                         'r:id="rId1"/></sheets></workbook>')
        book.writestr("xl/_rels/workbook.xml.rels",
                      '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                      '<Relationship Id="rId1" Type="worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
        book.writestr("xl/sharedStrings.xml", f'<sst {main}><si><t>group</t></si><si><t>Zoe</t><t> DUBOIS</t></si></sst>')
        book.writestr("xl/worksheets/sheet1.xml", f'<worksheet {main}><sheetData><row r="2"><c r="A2" t="s"><v>0</v></c>'
                                                  '<c r="B2" t="s"><v>1</v></c></row></sheetData></worksheet>')
    people = Participants([Participant("P-2BOSHDCW", "Zoë Dubois", "", "", "g", "")])
    assert [f.describe() for f in check_file(path, "report/book.xlsx", LeakFinder(people))] == [
        "report/book.xlsx: sheet 'Quotes', cell B2: name of P-2BOSHDCW"]


def test_a_damaged_file_is_a_finding_not_a_traceback(built_copy: Path, run):
    (built_copy / "report" / "broken.sav").write_bytes(b"$FL2 not really SPSS")
    result = run("check-privacy", built_copy)
    assert result.exit_code == 1
    assert result.output.splitlines()[0].startswith("report/broken.sav: could not be read (")
    assert result.output.splitlines()[0].endswith("): not checked")


def test_without_the_key_it_is_one_line_and_exit_2(built_copy: Path, run):
    (built_copy / "private" / "secret.key").unlink()
    result = run("check-privacy", built_copy)
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1 and "secret key not found" in result.output


def test_the_builds_store_check_scans_each_distinct_value_once_and_names_its_first_row(built_copy: Path):
    """The build's check (``raw=False``) reads each distinct value of a column once (issue 14): a name planted
    in three rows of two tables is found, named by the first row holding it in each column."""
    from mixedmethods.privacy_check import check_store
    from mixedmethods.study import load_study

    conn = sqlite3.connect(built_copy / "store.sqlite")
    rows = [r[0] for r in conn.execute("SELECT message_id FROM chat_messages WHERE kind = 'text' ORDER BY "
                                       "message_id LIMIT 3")]
    for rowid in rows[1:]:  # the second and third text rows hold the same leaking text
        conn.execute("UPDATE chat_messages SET text = 'ask Fatou Dubois' WHERE message_id = ?", (rowid,))
    conn.execute("UPDATE chat_messages SET event = 'ask Fatou Dubois' WHERE message_id = ?", (rows[0],))
    conn.commit()
    conn.close()
    pid = person(built_copy, "Fatou Dubois")
    found = check_store(load_study(built_copy), raw=False)
    assert sorted((f.location, f.kind, f.participant_id) for f in found) == sorted([
        (f"table chat_messages, column event, row {rows[0]}", "name", pid),
        (f"table chat_messages, column text, row {rows[1]}", "name", pid)])


def test_the_store_check_skips_whole_time_stamps_but_not_a_phone_written_after_one(built_copy: Path):
    """A value of exactly the shape of a stored time stamp is left to SQLite (no name, e-mail or phone number
    fits in it); a value that only starts like one is read, and the phone number after the stamp is found,
    in both the build's check (distinct values) and check-privacy's (every row)."""
    from mixedmethods.privacy_check import STORED_STAMPS, check_store
    from mixedmethods.study import load_study

    # The stamp patterns are SQLite GLOBs: check them against what the store writes (Timestamp.isoformat).
    import pandas as pd

    conn = sqlite3.connect(built_copy / "store.sqlite")
    for stamp in (pd.Timestamp(2025, 8, 31, 8, 0).isoformat(), pd.Timestamp(2025, 8, 31, 8, 0, 5, 120).isoformat(),
                  "2025-08-31"):
        assert any(conn.execute("SELECT ? GLOB ?", (stamp, shape)).fetchone()[0] for shape in STORED_STAMPS)
    for other in ("2025-08-31T08:00", "2025-08-31 08:00:00", "2025-08-31T08:00:00 +1 246 555 0123"):
        assert not any(conn.execute("SELECT ? GLOB ?", (other, shape)).fetchone()[0] for shape in STORED_STAMPS)
    first = conn.execute("SELECT MIN(message_id) FROM chat_messages").fetchone()[0]
    conn.execute("UPDATE chat_messages SET timestamp = '2025-08-31T08:00:00 call +1 246 555 0123' "
                 "WHERE message_id = ?", (first,))
    conn.commit()
    conn.close()
    for raw in (False, True):
        found = [f for f in check_store(load_study(built_copy), raw=raw) if "column timestamp" in f.location]
        assert [(f.location, f.kind) for f in found] == [
            (f"table chat_messages, column timestamp, row {first}", "phone number")], raw


# --- the store checked once per version (issue 14) -----------------------------------------------------------

def _tiny_chat_study(study: Path) -> Path:
    (study / "data" / "chats" / "group.txt").write_text(TINY, encoding="utf-8")
    set_chats(study, [("data/chats/group.txt", "caricom")])
    return study


def test_the_store_is_checked_once_by_import_and_again_only_when_it_or_participants_csv_changes(
        small_study: Path, run, monkeypatch):
    """``import`` checks the store it wrote; a build reuses that check while the store and participants.csv are
    unchanged, and checks again after participants.csv changed (a name listed later may already be stored)."""
    import mixedmethods.privacy_check as privacy_check

    calls: list[bool] = []
    real = privacy_check.check_store

    def counted(study, *args, **kwargs):
        calls.append(True)
        return real(study, *args, **kwargs)

    monkeypatch.setattr(privacy_check, "check_store", counted)
    study = _tiny_chat_study(small_study)
    assert run("import", study).exit_code == 0
    assert len(calls) == 1
    assert run("import", study).exit_code == 0  # nothing changed: not checked again
    assert len(calls) == 1
    assert run("build", study, "--language", "en").exit_code == 0  # conftest: one process, calls are seen
    assert len(calls) == 1  # the import's check, reused
    with (study / "private" / "participants.csv").open("a", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerow(["", "Ottilie Nakamura-Brandt", "", "", "caricom", ""])
    assert run("build", study, "--language", "en").exit_code == 0
    assert len(calls) == 2


def test_an_import_warns_in_one_line_when_the_store_holds_a_name(small_study: Path, run):
    study = _tiny_chat_study(small_study)
    assert run("import", study).exit_code == 0
    conn = sqlite3.connect(study / "store.sqlite")
    with conn:  # a table no import rewrites
        conn.execute("INSERT INTO store_facts (name, value) VALUES ('note', 'called Ana Pérez')")
    conn.close()
    result = run("import", study, "--force")
    assert result.exit_code == 0
    assert result.stderr.startswith("warning: table store_facts, column value, row ")
    assert "name of P-ANA00001 found in the store (1 findings)" in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_the_finder_is_made_again_when_participants_csv_changes(built_copy: Path):
    from mixedmethods.privacy_check import leak_finder
    from mixedmethods.study import load_study

    study = load_study(built_copy)
    first = leak_finder(study)
    assert leak_finder(study) is first  # nothing changed: made once per process
    assert not first.scan([("here", "a note for Ottilie Nakamura-Brandt")])
    with (built_copy / "private" / "participants.csv").open("a", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerow(["", "Ottilie Nakamura-Brandt", "", "", "caricom", ""])
    again = leak_finder(load_study(built_copy))
    assert again is not first
    assert [kind for _, kind, _ in again.scan([("here", "a note for Ottilie Nakamura-Brandt")])] == ["name"]


def test_a_build_after_an_import_takes_the_sources_keys_the_imports_check_hashed(small_study: Path, run,
                                                                                   monkeypatch):
    """The import's check hashed every source's rows; the build takes those keys while the store file is as the
    check left it (size and time), and hashes again once it changed."""
    from mixedmethods.report import cache

    hashed: list[bool] = []
    real = cache.source_keys
    monkeypatch.setattr(cache, "source_keys", lambda path: hashed.append(True) or real(path))
    study = _tiny_chat_study(small_study)
    assert run("import", study).exit_code == 0
    assert len(hashed) == 1
    assert run("build", study, "--language", "en").exit_code == 0
    assert len(hashed) == 1
    conn = sqlite3.connect(study / "store.sqlite")
    with conn:
        conn.execute("INSERT INTO store_facts (name, value) VALUES ('note', 'a change')")
    conn.close()
    assert run("build", study, "--language", "en").exit_code == 0
    assert len(hashed) == 2
