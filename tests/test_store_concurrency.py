"""One writer at a time, migrations safe under concurrency, SQLite failures as one line (issue 11, item 4)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from mixedmethods.errors import StoreError
from mixedmethods.store import SCHEMA_VERSION, connect, transaction, writer_lock


def test_a_second_import_while_one_runs_is_one_line(small_study: Path, run):
    assert run("import", small_study).exit_code == 0
    with writer_lock(small_study / "store.sqlite"):  # as an import in another window would hold it
        result = run("import", small_study)
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        f"Error: {small_study / 'store.sqlite'}: another import of this study is running; run this again when it is done"]
    assert run("import", small_study).exit_code == 0  # the lock went with its holder


def test_a_store_migrated_by_another_command_meanwhile_is_not_migrated_twice(small_study: Path, run):
    assert run("import", small_study).exit_code == 0
    store = small_study / "store.sqlite"
    conn = sqlite3.connect(store)
    conn.executescript(f"ALTER TABLE imports DROP COLUMN redactions; PRAGMA user_version = {SCHEMA_VERSION - 1};")
    conn.close()
    # Another process takes the write lock, migrates, and commits a moment later.
    other = subprocess.Popen([sys.executable, "-c", (
        "import sqlite3, sys, time\n"
        f"c = sqlite3.connect({str(store)!r}, isolation_level=None)\n"
        "c.execute('BEGIN IMMEDIATE')\n"
        "c.execute('ALTER TABLE imports ADD COLUMN redactions TEXT')\n"
        f"c.execute('PRAGMA user_version = {SCHEMA_VERSION}')\n"
        "print('locked', flush=True)\n"
        "time.sleep(1.5)\n"
        "c.execute('COMMIT')\n")], stdout=subprocess.PIPE, text=True)
    assert other.stdout.readline().strip() == "locked"
    conn = connect(store)  # read the old version, then waited for the other migration: must not run it again
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    conn.close()
    assert other.wait() == 0


def test_a_full_disk_is_one_line_even_when_the_rollback_fails_too(tmp_path: Path):
    conn = connect(tmp_path / "store.sqlite")
    with pytest.raises(StoreError, match="the disk is full"):
        with transaction(conn):
            conn.execute("ROLLBACK")  # SQLite rolls back by itself after some errors: ours then fails
            raise sqlite3.OperationalError("database or disk is full")
    conn.close()


def test_a_busy_store_is_one_line(tmp_path: Path):
    store = tmp_path / "store.sqlite"
    connect(store).close()
    holder = sqlite3.connect(store, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    conn = sqlite3.connect(store, isolation_level=None, timeout=0.1)
    with pytest.raises(StoreError, match="the store is busy"):
        with transaction(conn):
            pass
    holder.execute("ROLLBACK")
