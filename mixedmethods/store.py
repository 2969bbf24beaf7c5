"""The study store: one SQLite file of pseudonymised, validated records.

Opened with foreign keys on and write-ahead logging. The schema version is
``PRAGMA user_version``; :data:`MIGRATIONS` upgrades an older store in order
and a newer store is refused. Every import runs inside one transaction
(:func:`transaction`), so a failed import leaves the store as it was.
"""

from __future__ import annotations

import getpass
import json
import sqlite3
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

from . import __version__
from .errors import StoreError

MIGRATIONS: list[str] = [
    # 1: foundation and survey
    """
    CREATE TABLE participants (
        participant_id TEXT PRIMARY KEY,
        grp TEXT,
        listed INTEGER NOT NULL DEFAULT 1,        -- 1: in private/participants.csv; 0: seen only in data
        attributes TEXT NOT NULL DEFAULT '{}'     -- JSON of non-identifying attributes
    );
    CREATE TABLE imports (
        import_id INTEGER PRIMARY KEY,
        source_kind TEXT NOT NULL,                -- survey, interviews, chats
        path TEXT NOT NULL,                       -- relative to the study folder
        sha256 TEXT NOT NULL,
        reader TEXT NOT NULL,
        rows_accepted INTEGER NOT NULL,
        rows_rejected INTEGER NOT NULL,
        imported_at TEXT NOT NULL,
        tool_version TEXT NOT NULL,
        UNIQUE (source_kind, path)
    );
    CREATE TABLE rejects (
        reject_id INTEGER PRIMARY KEY,
        import_id INTEGER NOT NULL REFERENCES imports(import_id) ON DELETE CASCADE,
        row INTEGER,                              -- row in the raw file (header = 1)
        column_name TEXT,
        value TEXT,                               -- redacted
        reason TEXT NOT NULL,
        kind TEXT NOT NULL                        -- value: the value was not stored; row: the row was not used;
                                                  -- note: stored, but worth a look (e.g. missing required answer)
    );
    CREATE TABLE audit (
        audit_id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        command TEXT NOT NULL,
        user TEXT NOT NULL,
        tool_version TEXT NOT NULL,
        details TEXT NOT NULL                     -- JSON
    );
    CREATE TABLE survey_responses (
        response_id INTEGER PRIMARY KEY,
        import_id INTEGER NOT NULL REFERENCES imports(import_id) ON DELETE CASCADE,
        participant_id TEXT NOT NULL REFERENCES participants(participant_id),
        grp TEXT,
        submission_id TEXT,
        submitted_at TEXT,
        source_row INTEGER NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('kept', 'duplicate'))
    );
    CREATE INDEX survey_responses_participant ON survey_responses(participant_id);
    CREATE TABLE survey_answers (
        response_id INTEGER NOT NULL REFERENCES survey_responses(response_id) ON DELETE CASCADE,
        question_id TEXT NOT NULL,
        value TEXT NOT NULL,                      -- canonical text: choice value(s), number, ISO date, redacted text
        PRIMARY KEY (response_id, question_id)
    );
    """,
    # 2: interviews
    """
    ALTER TABLE rejects ADD COLUMN file TEXT;      -- the file at fault when an import reads several
    CREATE TABLE transcripts (
        transcript_id INTEGER PRIMARY KEY,
        import_id INTEGER NOT NULL REFERENCES imports(import_id) ON DELETE CASCADE,
        name TEXT NOT NULL,                       -- redacted
        participant_id TEXT NOT NULL REFERENCES participants(participant_id),
        language TEXT,
        text TEXT NOT NULL                        -- pseudonymised; offsets of coded_segments refer to it
    );
    CREATE TABLE coded_segments (
        segment_id INTEGER PRIMARY KEY,
        transcript_id INTEGER NOT NULL REFERENCES transcripts(transcript_id) ON DELETE CASCADE,
        coder TEXT NOT NULL,
        code_id TEXT NOT NULL,
        start INTEGER NOT NULL,                   -- characters, end exclusive
        "end" INTEGER NOT NULL,
        quote TEXT NOT NULL,
        CHECK (0 <= start AND start < "end")
    );
    CREATE INDEX coded_segments_transcript ON coded_segments(transcript_id);
    """,
    # 3: chats
    """
    CREATE TABLE chats (
        chat_id INTEGER PRIMARY KEY,
        import_id INTEGER NOT NULL REFERENCES imports(import_id) ON DELETE CASCADE,
        grp TEXT NOT NULL,
        format TEXT NOT NULL,                     -- android/ios, date order, clock
        media_files INTEGER NOT NULL
    );
    CREATE TABLE chat_messages (
        message_id INTEGER PRIMARY KEY,
        chat_id INTEGER NOT NULL REFERENCES chats(chat_id) ON DELETE CASCADE,
        line INTEGER NOT NULL,                    -- line in the export
        timestamp TEXT NOT NULL,                  -- local time of the export, ISO 8601
        participant_id TEXT REFERENCES participants(participant_id),   -- NULL for system events
        kind TEXT NOT NULL,                       -- text, media, deleted, edited, poll, location, system
        event TEXT,                               -- system events: created, added, left ...
        text TEXT NOT NULL,                       -- pseudonymised
        words INTEGER NOT NULL,
        language TEXT                             -- en, fr, es or und (text messages only)
    );
    CREATE INDEX chat_messages_chat ON chat_messages(chat_id, timestamp);
    CREATE TABLE chat_mentions (
        message_id INTEGER NOT NULL REFERENCES chat_messages(message_id) ON DELETE CASCADE,
        participant_id TEXT NOT NULL REFERENCES participants(participant_id)
    );
    CREATE INDEX chat_mentions_message ON chat_mentions(message_id);  -- for deletes cascading from messages
    """,
    # 4: the store mirrors data/ (what governed each import, the files it read, retired imports)
    """
    ALTER TABLE imports ADD COLUMN governed_by TEXT;   -- JSON {name: SHA-256} of what governs reading the file:
                                                       -- its instrument, study.yaml settings, participants list
                                                       -- (keyed hash); NULL before schema 4: re-read on import
    ALTER TABLE imports ADD COLUMN retired_at TEXT;    -- set when the file left the study; its records and rejects
                                                       -- were removed, the row stays as history
    CREATE TABLE import_files (
        import_id INTEGER NOT NULL REFERENCES imports(import_id) ON DELETE CASCADE,
        path TEXT NOT NULL,                       -- relative to the study folder
        sha256 TEXT NOT NULL,
        PRIMARY KEY (import_id, path)
    );
    INSERT INTO import_files (import_id, path, sha256)
        SELECT import_id, path, sha256 FROM imports WHERE source_kind <> 'interviews';
    INSERT OR IGNORE INTO import_files (import_id, path, sha256)
        SELECT i.import_id, f.key, f.value
        FROM imports i
        JOIN audit a ON a.audit_id = (SELECT MAX(audit_id) FROM audit WHERE command LIKE 'import interviews%')
        JOIN json_each(a.details, '$.files') f
        WHERE i.source_kind = 'interviews';
    """,
    # 5: survey repeat groups (KoboToolbox repeat sheets), one row per answer, linked to the submission
    """
    CREATE TABLE IF NOT EXISTS survey_repeat_rows (   -- IF NOT EXISTS: tests fake older stores from new ones
        import_id INTEGER NOT NULL REFERENCES imports(import_id) ON DELETE CASCADE,
        response_id INTEGER NOT NULL REFERENCES survey_responses(response_id) ON DELETE CASCADE,
        repeat TEXT NOT NULL,                     -- repeat group (sheet) name
        row_index INTEGER NOT NULL,               -- row in the repeat sheet (header = 1)
        question_id TEXT NOT NULL,                -- question id, else the column's last path segment
        value TEXT NOT NULL,                      -- raw text as exported, redacted unless a number
        PRIMARY KEY (import_id, repeat, row_index, question_id)
    );
    CREATE INDEX IF NOT EXISTS survey_repeat_rows_response ON survey_repeat_rows(response_id);
    """,
    # 6: what redaction removed from each import's free text, for status (NULL: imported before schema 6)
    """
    ALTER TABLE imports ADD COLUMN redactions TEXT;    -- JSON {kind: count}: name, phone, e-mail replaced
    """,
    # 7: facts about the whole store; first: the fingerprint of the key its pseudonyms were made with
    """
    CREATE TABLE IF NOT EXISTS store_facts (      -- IF NOT EXISTS: tests fake older stores from new ones
        name TEXT PRIMARY KEY,                    -- key_fingerprint
        value TEXT NOT NULL
    );
    """,
    # 8: file names redacted like text; a file is known by a keyed hash of its real path (mixedmethods.sync)
    """
    ALTER TABLE imports ADD COLUMN path_key TEXT;      -- HMAC-SHA256 of the real relative path under the study key;
                                                       -- path then holds it redacted. NULL: stored before schema 8,
                                                       -- path is the real one until the next import redacts it
    ALTER TABLE import_files ADD COLUMN path_key TEXT; -- the same for each file the import read
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)


def now() -> str:
    """UTC time stamp in ISO 8601 with seconds."""
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def connect(path: Path, *, create: bool = True) -> sqlite3.Connection:
    """Open (and create or migrate) the store at ``path``.

    Safe when two commands open the store at once: the schema version is read
    again inside the migration's ``BEGIN IMMEDIATE``, so the second one finds
    the store migrated and does nothing.
    """
    if not create and not path.exists():
        raise StoreError("no store yet; run 'mixedmethods import' first", file=path)
    try:
        conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_SECONDS)  # we manage transactions
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys = ON")
        # Deleted rows (a replaced import, a path before its redaction) are overwritten, not left in free pages.
        conn.execute("PRAGMA secure_delete = ON")
        conn.execute("PRAGMA journal_mode = WAL")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.OperationalError as exc:
        raise _store_error(exc, path) from None
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"not a readable SQLite store ({exc})", file=path) from None
    if version > SCHEMA_VERSION:
        conn.close()
        raise StoreError(f"store schema {version} is newer than this mixedmethods ({SCHEMA_VERSION}); upgrade "
                         "mixedmethods", file=path)
    if version < SCHEMA_VERSION:
        try:
            with transaction(conn):
                version = conn.execute("PRAGMA user_version").fetchone()[0]  # another command may have migrated
                for number in range(version, SCHEMA_VERSION):
                    for statement in _statements(MIGRATIONS[number]):
                        _migrate(conn, statement)
                conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except StoreError:
            conn.close()
            raise
    return conn


def _migrate(conn: sqlite3.Connection, statement: str) -> None:
    """Run one migration statement; a column that is already there is left as it is (tests fake older stores
    from new ones by dropping some columns, and SQLite has no ADD COLUMN IF NOT EXISTS)."""
    try:
        conn.execute(statement)
    except sqlite3.OperationalError as exc:
        if not ("duplicate column name" in str(exc) and "ADD COLUMN" in statement.upper()):
            raise


# How long a command waits for another one's write to finish before it says the store is busy.
BUSY_SECONDS = 10.0


def _store_error(exc: sqlite3.OperationalError, path: Path | str | None = None) -> StoreError:
    """One line for what SQLite reports when the store is busy, the disk is full or the folder read-only."""
    text = str(exc)
    if "locked" in text or "busy" in text:
        message = "the store is busy: another mixedmethods command is writing it; run this again when it is done"
    elif "full" in text:
        message = "the disk is full: the store could not be written (nothing was changed); free some space"
    elif "readonly" in text or "read-only" in text or "unable to open" in text:
        message = "the store cannot be written here (read-only folder or file?); nothing was changed"
    else:
        message = f"the store could not be written ({text}); nothing was changed"
    return StoreError(message, file=path)


@contextmanager
def writer_lock(store_path: Path) -> Iterator[None]:
    """One writer at a time: an exclusive, non-blocking lock on ``<store>.lock`` next to the store.

    A second ``import`` of the same study stops at once with one line instead
    of waiting on SQLite or failing half-way. The lock is released when the
    process ends, even if it is killed (``flock``). Where ``fcntl`` does not
    exist (Windows) SQLite's own ``BEGIN IMMEDIATE`` still keeps writers apart.
    """
    try:
        import fcntl
    except ImportError:  # Windows
        yield
        return
    lock_path = store_path.with_name(store_path.name + ".lock")
    try:
        handle = open(lock_path, "a+")
    except OSError as exc:
        raise StoreError(f"cannot create the lock file ({exc.strerror})", file=lock_path) from None
    try:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StoreError("another import of this study is running; run this again when it is done",
                             file=store_path) from None
        yield
    finally:
        handle.close()  # releases the lock


def _statements(script: str) -> Iterator[str]:
    # executescript() would COMMIT the open transaction; split instead.
    buffer = ""
    for line in script.splitlines():
        buffer += line.split("--")[0] + "\n"
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                yield buffer.strip()
            buffer = ""


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE ... COMMIT, or ROLLBACK on any exception.

    SQLite's busy, disk-full and read-only errors become one-line
    :class:`StoreError` s; a ROLLBACK that fails too (SQLite may already have
    rolled back after a full disk) never hides the first error.
    """
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        raise _store_error(exc) from None
    try:
        yield conn
    except BaseException as exc:
        try:
            conn.execute("ROLLBACK")
        except sqlite3.Error:
            pass
        if isinstance(exc, sqlite3.OperationalError):
            raise _store_error(exc) from None
        raise
    try:
        conn.execute("COMMIT")
    except sqlite3.OperationalError as exc:
        try:
            conn.execute("ROLLBACK")
        except sqlite3.Error:
            pass
        raise _store_error(exc) from None


def audit(conn: sqlite3.Connection, command: str, details: dict[str, Any]) -> None:
    """Record a command that changed the store (call inside its transaction)."""
    try:
        user = getpass.getuser()
    except Exception:  # no user name in some containers
        user = "unknown"
    conn.execute("INSERT INTO audit (at, command, user, tool_version, details) VALUES (?, ?, ?, ?, ?)",
                 (now(), command, user, __version__, json.dumps(details, sort_keys=True)))


def clear_import(conn: sqlite3.Connection, import_id: int) -> None:
    """Delete every record and reject an import brought, keeping its row in ``imports``.

    The tables are found from the schema (each table with a foreign key to
    ``imports`` except ``import_files``), so a new source kind's tables are
    cleared too; their own dependants follow by ON DELETE CASCADE.
    """
    for table in _tables_referring_to(conn, "imports"):
        if table != "import_files":
            conn.execute(f'DELETE FROM "{table}" WHERE import_id = ?', (import_id,))


def retire_import(conn: sqlite3.Connection, import_id: int) -> None:
    """Remove an import's records and rejects and mark it retired (its file left the study)."""
    clear_import(conn, import_id)
    conn.execute("UPDATE imports SET retired_at = ? WHERE import_id = ?", (now(), import_id))


def check_key(conn: sqlite3.Connection, fingerprint: str, key_file: Path | str) -> None:
    """Refuse a key other than the one the store's pseudonyms were made with; record it the first time.

    With another key every person would get a second participant id and the
    links between sources would silently break (call inside the import's
    transaction).
    """
    row = conn.execute("SELECT value FROM store_facts WHERE name = 'key_fingerprint'").fetchone()
    if row is None:
        conn.execute("INSERT INTO store_facts (name, value) VALUES ('key_fingerprint', ?)", (fingerprint,))
    elif row[0] != fingerprint:
        from .errors import PrivacyError

        raise PrivacyError(f"this is not the key the store was made with (key fingerprint {fingerprint}, store "
                           f"{row[0]}): restore the original key from your backup, or run 'mixedmethods rekey' "
                           "to pseudonymise everything again under this one", file=key_file)


def clear_store(conn: sqlite3.Connection) -> None:
    """Remove every import, record, reject and participant (``rekey``); the audit trail stays."""
    for (import_id,) in conn.execute("SELECT import_id FROM imports").fetchall():
        clear_import(conn, import_id)
    conn.execute("DELETE FROM imports")
    conn.execute("DELETE FROM participants")
    conn.execute("DELETE FROM store_facts WHERE name = 'key_fingerprint'")


def forget_unseen_participants(conn: sqlite3.Connection) -> int:
    """Delete people seen only in data (not in participants.csv) whom no stored record mentions any more."""
    uses = [f'SELECT "{column}" FROM "{table}" WHERE "{column}" IS NOT NULL'
            for table, column in _columns_referring_to(conn, "participants")]
    if not uses:
        return 0
    cursor = conn.execute("DELETE FROM participants WHERE listed = 0 AND participant_id NOT IN ("
                          + " UNION ".join(uses) + ")")
    return cursor.rowcount


def _columns_referring_to(conn: sqlite3.Connection, target: str) -> list[tuple[str, str]]:
    return [(r[0], r[1]) for r in conn.execute(
        "SELECT m.name, f.\"from\" FROM sqlite_master m, pragma_foreign_key_list(m.name) f "
        "WHERE m.type = 'table' AND f.\"table\" = ? ORDER BY m.name", (target,))]


def _tables_referring_to(conn: sqlite3.Connection, target: str) -> list[str]:
    return sorted({table for table, _ in _columns_referring_to(conn, target)})


def table_counts(conn: sqlite3.Connection) -> dict[str, int]:
    """Rows per table, for ``status``."""
    names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    return {n: conn.execute(f'SELECT COUNT(*) FROM "{n}"').fetchone()[0] for n in names}
