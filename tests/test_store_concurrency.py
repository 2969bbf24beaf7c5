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


KEY_CHAT = ("13/03/2024, 09:15 - Ana Pérez: Good morning\n"
            "13/03/2024, 09:16 - Carla Visitor: Morning all\n")


def chat_study(small_study: Path) -> Path:
    (small_study / "data/chats/tiny.txt").write_text(KEY_CHAT, encoding="utf-8")
    config = small_study / "study.yaml"
    config.write_text(config.read_text().replace("  chats: []", "  chats:\n  - {path: data/chats/tiny.txt, "
                                                 "group: caricom}"), encoding="utf-8")
    return small_study


def test_the_store_refuses_another_key_and_rekey_pseudonymises_again(small_study: Path, run, query):
    import hashlib
    import hmac

    from mixedmethods.privacy import key_fingerprint

    # The fingerprint is HMAC-SHA256(key, label) (RFC 2104), computed here without the tool's code.
    key = bytes(range(32))
    assert key_fingerprint(key) == hmac.new(key, b"mixedmethods key fingerprint", hashlib.sha256).hexdigest()[:16]

    root = chat_study(small_study)
    assert run("import", root).exit_code == 0
    before = query(root, "SELECT participant_id FROM chat_messages ORDER BY message_id")
    (root / "private" / "secret.key").write_text("ab" * 32 + "\n", encoding="ascii")  # a replaced key
    result = run("import", root, "--force")
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1
    assert "private/secret.key" in result.output and "not the key the store was made with" in result.output
    assert query(root, "SELECT participant_id FROM chat_messages ORDER BY message_id") == before  # untouched
    assert query(root, "SELECT COUNT(*) FROM participants") == [(3,)]  # Ana, Bruno (listed), Carla: no doubles

    result = run("rekey", root)
    assert result.exit_code == 0, result.output
    after = query(root, "SELECT participant_id FROM chat_messages ORDER BY message_id")
    # Listed ids come from participants.csv and stay; Carla's keyed pseudonym changes with the key.
    assert after[0] == before[0] == ("P-ANA00001",)
    assert after[1] != before[1] and after[1][0].startswith("U-")
    assert query(root, "SELECT COUNT(*) FROM participants") == [(3,)]
    assert query(root, "SELECT command FROM audit WHERE command = 'rekey'") == [("rekey",)]
    assert run("import", root).exit_code == 0  # the new key is now the store's


def test_rekey_refuses_when_an_imported_file_is_gone(small_study: Path, run, query):
    root = chat_study(small_study)
    assert run("import", root).exit_code == 0
    (root / "data/chats/tiny.txt").unlink()  # and out of study.yaml: an import would retire it
    config = root / "study.yaml"
    config.write_text(config.read_text().replace("  chats:\n  - {path: data/chats/tiny.txt, group: caricom}",
                                                 "  chats: []"), encoding="utf-8")
    result = run("rekey", root)
    assert result.exit_code == 2 and "data/chats/tiny.txt" in result.output and "put it back" in result.output
    assert query(root, "SELECT COUNT(*) FROM chat_messages") == [(2,)]  # nothing was changed
