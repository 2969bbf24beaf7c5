"""The store's check read a chunk at a time (``privacy_store``, issue 14): the findings, and their order, of one
scan of every distinct value of every column; a source's tables reused while the source did not change.

Every expected finding is written by hand from what the test plants, for one listed person: Ana Pérez, P-1,
+1 246 555 0101, ana.perez@example.org. The order is the check's: the listed people's phone numbers, then their
names and e-mail addresses, then anyone's e-mail addresses, then anyone's phone numbers, each in the order of the
tables, their columns and, in a column, its distinct values as SQLite's ``SELECT DISTINCT`` gives them.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from test_chats import TINY
from test_store_sync import set_chats


@pytest.fixture
def finder():
    from mixedmethods.privacy import Participant, Participants
    from mixedmethods.privacy_check import LeakFinder

    return LeakFinder(Participants([Participant("P-1", "Ana Pérez", "+1 246 555 0101", "ana.perez@example.org",
                                                 "caricom", "X")]))


def _store(path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, author TEXT, body TEXT, n INTEGER)")
    conn.executemany("INSERT INTO notes (author, body, n) VALUES (?, ?, ?)", [
        ("Ana", "hello", 5),
        ("Ana", "call Ana Pérez at 246 555 0101", 7),
        ("Bruno", "hello", 2465550101),  # a phone number stored as a number
        ("ANA PEREZ", "call Ana Pérez at 246 555 0101", 1),  # the same body as row 2: named by row 2
        ("x", "write to someone@example.com", 3),
    ])
    conn.commit()
    conn.close()
    return path


# Hand-derived: phones (row 2's text, row 3's number), names (column author before body), anyone's address; row
# 2's number is the listed person's, so it is not reported again as anyone's; row 3's bare number is a count.
EXPECTED = [(("notes", "body", 2), "phone", "P-1"), (("notes", "n", 3), "phone", "P-1"),
            (("notes", "author", 4), "name", "P-1"), (("notes", "body", 2), "name", "P-1"),
            (("notes", "body", 5), "e-mail address", None)]


def test_distinct_values_are_found_in_the_order_of_one_scan(tmp_path: Path, finder):
    from mixedmethods.privacy_store import scan_database

    assert scan_database(_store(tmp_path / "s.sqlite"), finder, distinct=True) == EXPECTED


def test_the_order_is_kept_when_the_columns_come_in_many_small_chunks(tmp_path: Path, finder, monkeypatch):
    """Two rows per read and a chunk per value: a table's columns are read side by side, row by row, so row 2's
    body comes before row 4's author; the findings are still in the order of the columns."""
    from mixedmethods import privacy_store

    monkeypatch.setattr(privacy_store, "_BATCH_ROWS", 2)
    monkeypatch.setattr(privacy_store, "_CHUNK_CHARACTERS", 1)
    assert privacy_store.scan_database(_store(tmp_path / "s.sqlite"), finder, distinct=True) == EXPECTED


def test_every_row_is_named_without_distinct(tmp_path: Path, finder):
    from mixedmethods.privacy_store import scan_database

    assert scan_database(_store(tmp_path / "s.sqlite"), finder) == [
        (("notes", "body", 2), "phone", "P-1"), (("notes", "body", 4), "phone", "P-1"),
        (("notes", "n", 3), "phone", "P-1"),
        (("notes", "author", 4), "name", "P-1"), (("notes", "body", 2), "name", "P-1"),
        (("notes", "body", 4), "name", "P-1"), (("notes", "body", 5), "e-mail address", None)]


def test_a_column_distinct_by_another_collation_is_left_to_sqlite(tmp_path: Path, finder):
    """NOCASE: "ANA PEREZ" and "ana perez" are one value to SQLite, scanned once and named by its first row."""
    from mixedmethods.privacy_store import scan_database

    path = tmp_path / "s.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE tags (label TEXT COLLATE NOCASE)")
    conn.executemany("INSERT INTO tags VALUES (?)", [("x",), ("ANA PEREZ",), ("ana perez",)])
    conn.commit()
    conn.close()
    assert scan_database(path, finder, distinct=True) == [(("tags", "label", 2), "name", "P-1")]


def test_a_damaged_store_is_a_finding(tmp_path: Path, finder):
    from mixedmethods.privacy_check import check_file

    path = tmp_path / "store.sqlite"
    path.write_bytes(b"SQLite format 3\0" + b"\xff" * 4000)
    found = check_file(path, "store.sqlite", finder, raw=False, distinct=True)
    assert [(f.location, f.kind) for f in found] == [("could not be read (DatabaseError)", "not checked")]


def _tiny_chat_study(study: Path) -> Path:
    (study / "data" / "chats" / "group.txt").write_text(TINY, encoding="utf-8")
    set_chats(study, [("data/chats/group.txt", "caricom")])
    return study


def test_a_sources_tables_are_read_again_only_when_its_rows_changed(small_study: Path, run, monkeypatch):
    """After the import's check, a name written into a table of no source (store_facts) is found without reading
    the chat tables again; a changed chat message makes them read again, and its name is found."""
    from mixedmethods import privacy_store
    from mixedmethods.report.cache import checked_store
    from mixedmethods.study import load_study

    read: list[str] = []
    real = privacy_store._one_table
    monkeypatch.setattr(privacy_store, "_one_table", lambda path, table: read.append(table) or real(path, table))
    study = _tiny_chat_study(small_study)
    assert run("import", study).exit_code == 0
    assert {"chats", "chat_messages", "chat_mentions"} <= set(read)
    conn = sqlite3.connect(study / "store.sqlite")
    with conn:
        conn.execute("INSERT INTO store_facts (name, value) VALUES ('note', 'called Ana Pérez')")
    read.clear()
    found = checked_store(load_study(study))
    assert "store_facts" in read and not {"chats", "chat_messages", "chat_mentions"} & set(read)
    assert [(f.location.split(", row")[0], f.kind, f.participant_id) for f in found] == [
        ("table store_facts, column value", "name", "P-ANA00001")]
    with conn:
        first = conn.execute("SELECT MIN(message_id) FROM chat_messages").fetchone()[0]
        conn.execute("UPDATE chat_messages SET text = 'thanks Bruno Lefèvre' WHERE message_id = ?", (first,))
    conn.close()
    read.clear()
    found = checked_store(load_study(study))
    assert "chat_messages" in read
    assert sorted((f.location.split(", row")[0], f.kind, f.participant_id) for f in found) == [
        ("table chat_messages, column text", "name", "P-BRUNO002"),
        ("table store_facts, column value", "name", "P-ANA00001")]


def test_an_import_says_on_a_terminal_that_it_checks_the_store_when_that_takes_a_while(small_study: Path, run,
                                                                                         monkeypatch):
    from mixedmethods import cli

    monkeypatch.setattr(cli, "CHECK_NOTICE_AFTER", 0.0)
    monkeypatch.setattr(cli, "_on_terminal", lambda: True)
    result = run("import", _tiny_chat_study(small_study))
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        "Checking the store for the participants' names, phone numbers and e-mail addresses..."]


def test_a_column_of_few_repeated_values_is_read_by_sqlite_and_found_the_same(tmp_path: Path, finder):
    """A column of a few values repeated (here two, on six rows) is left to SQLite's DISTINCT; the text column
    beside it, all different, is read row by row: both findings, column by column, each by its first row."""
    from mixedmethods import privacy_store

    path = tmp_path / "s.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE messages (kind TEXT, body TEXT)")
    conn.executemany("INSERT INTO messages VALUES (?, ?)", [
        ("note", "one"), ("Ana Pérez", "two"), ("note", "three"), ("Ana Pérez", "four"), ("note", "ana perez"),
        ("note", "six")])
    conn.commit()
    assert privacy_store._few_values(conn, "messages", "kind", "1")
    assert not privacy_store._few_values(conn, "messages", "body", "1")
    conn.close()
    assert privacy_store.scan_database(path, finder, distinct=True) == [
        (("messages", "kind", 2), "name", "P-1"), (("messages", "body", 5), "name", "P-1")]
