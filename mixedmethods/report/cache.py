"""Incremental builds: every analysis result cached by the hash of its inputs, and the last build's manifest.

Why this design (issue 14, "Incremental builds"):

- **An analysis's key** is a SHA-256 of what it reads: the store rows of its source (the source's own tables,
  its rows of ``imports``, ``import_files`` and ``rejects``, the ``participants`` table and the store's schema
  version), the instruments (questionnaire, codebook, constructs: their bytes), the study's settings (study.yaml's
  bytes and the loaded settings, which hold the groups read from participants.csv) and the tool (its version and
  the size and modification time of each of its own source files, so an edited checkout never reuses a result of
  the code before the edit). The triangulation's key holds the three sources' keys. The rows are hashed, not
  the whole store file's bytes: another command reading the store checkpoints its write-ahead log and changes
  the file without changing a row, and a test or a team may change a row without an import. A source's own
  tables (a million chat messages) are hashed by the file's pages that hold them (:func:`_hash_pages`),
  which hold every row, when the write-ahead log is empty; the smaller rows of ``imports`` and
  ``participants`` are read as rows.
- **Results** are pickled under ``private/cache/<analysis>-<key>.pickle`` (they hold participant-level frames:
  never in report/), written to a temporary file and renamed into place. A file that cannot be read, belongs
  to another key or format, or holds another kind of object is ignored and the analysis runs again: the cache
  is never a reason for a build to fail. (A pickle runs code when read; ``private/`` is trusted as the
  folder that already holds the study's secret key and the participants' identities.)
- **The manifest** (``private/cache/manifest.json``) records the last build's inputs and each published
  file's size, modification time and SHA-256. :func:`up_to_date` compares them without pandas, scipy or
  python-docx: first the store file's size and modification time (cheap at any size), and only when those
  moved the rows' hashes (linear in the store, but no analysis). The rows' hashes are also kept there, so a
  build whose store did not move since the last one (settings, templates or a report file changed) does not
  read every row again. A file of the report that is missing or whose
  bytes differ from the recorded ones makes the build run (its analyses come from the cache).
- The build's date is an input: the documents print it, so the first build of a new day rewrites them.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import sqlite3
import tempfile
from pathlib import Path
from typing import Any, Iterable

from .. import __version__

CACHE_FOLDER = Path("private") / "cache"
MANIFEST = "manifest.json"
FORMAT = 1  # raised when the cache's layout changes: older files are then foreign and ignored

ANALYSES = ("survey", "interviews", "chats", "triangulation")
# The store tables each source's analysis reads (besides participants, imports, import_files and rejects).
SOURCE_TABLES = {
    "survey": ("survey_responses", "survey_answers", "survey_repeat_rows"),
    "interviews": ("transcripts", "coded_segments"),
    "chats": ("chats", "chat_messages", "chat_mentions"),
}
_PACKAGE = Path(__file__).resolve().parents[1]


def cache_dir(study) -> Path:
    return study.root / CACHE_FOLDER


def _digest(*parts: Any) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def file_hash(path: Path | None) -> str | None:
    """SHA-256 of a file's bytes; None when there is no such file."""
    if path is None or not Path(path).is_file():
        return None
    h = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _tree_stat(folder: Path, pattern: str = "*") -> list[tuple[str, int, int]]:
    """Name, size and modification time of each file under ``folder`` (cheap: no file is read)."""
    if not folder.is_dir():
        return []
    return sorted((p.relative_to(folder).as_posix(), s.st_size, s.st_mtime_ns)
                  for p in folder.rglob(pattern) if p.is_file() and "__pycache__" not in p.parts
                  for s in [p.stat()])


def _tree_hash(folder: Path) -> str:
    """SHA-256 over the files of ``folder`` (names and bytes): the study's own templates and instruments."""
    if not folder.is_dir():
        return ""
    return _digest([(p.relative_to(folder).as_posix(), file_hash(p))
                    for p in sorted(folder.rglob("*")) if p.is_file()])


def tool_fingerprint() -> str:
    """The tool's version and the size and modification time of its own files (an edited checkout counts)."""
    return _digest(__version__, FORMAT, _tree_stat(_PACKAGE, "*.py"))


def _constructs_path(study) -> Path:
    own = study.root / "instruments" / "constructs.yaml"
    if own.is_file():
        return own
    from ..resources import instruments_dir

    return instruments_dir() / "constructs.yaml"


def settings_fingerprint(study) -> str:
    """What every analysis reads besides the store: study.yaml, the loaded settings (with the groups from
    participants.csv) and the instruments' bytes."""
    # The settings as loaded, with paths relative to the study: a copied or moved study keeps its results.
    settings = repr(study).replace(str(study.root), "<study>")
    return _digest(file_hash(study.root / "study.yaml"), settings, file_hash(study.questionnaire_path),
                   file_hash(study.codebook_path), file_hash(_constructs_path(study)))


def _tables(conn: sqlite3.Connection) -> set[str]:
    return {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def _hash_query(h: "hashlib._Hash", conn: sqlite3.Connection, sql: str, params: tuple = ()) -> None:
    cursor = conn.execute(sql, params)
    while True:
        rows = cursor.fetchmany(20_000)
        if not rows:
            return
        h.update(repr(rows).encode())


def _hash_pages(h: "hashlib._Hash", conn: sqlite3.Connection, store_path: Path, table: str) -> bool:
    """Hash the bytes of the store file's pages that hold ``table`` (its b-tree and overflow pages, listed by
    SQLite's ``dbstat``), in the tree's order; False, having hashed nothing, where that cannot be trusted.

    Why: a million chat messages take seconds to read as rows and a third of a second as pages. Every row is
    in those pages, so a changed row changes the hash; a page rewritten without a changed row (VACUUM) changes
    it too, which only costs one recomputation. Trusted only when the write-ahead log is empty (the build
    moved it into the file first, :func:`settle_store`): otherwise the file's pages are not what a query
    reads, and the rows are hashed instead, as they are where SQLite was built without ``dbstat``.
    """
    wal = store_path.with_name(store_path.name + "-wal")
    if wal.is_file() and wal.stat().st_size:
        return False
    try:
        pages = [n for (n,) in conn.execute("SELECT pageno FROM dbstat WHERE name = ? ORDER BY path", (table,))]
        size = conn.execute("PRAGMA page_size").fetchone()[0]
    except sqlite3.Error:  # no dbstat in this SQLite
        return False
    pages_hash = hashlib.sha256(f"pages {size}".encode())
    with open(store_path, "rb") as handle:
        for number in pages:
            handle.seek((number - 1) * size)
            pages_hash.update(handle.read(size))
    if wal.is_file() and wal.stat().st_size:  # written meanwhile: the pages read may be of two versions
        return False
    h.update(pages_hash.digest())
    return True


def source_keys(store_path: Path) -> dict[str, str]:
    """Per source (survey, interviews, chats): SHA-256 of the store rows its analysis reads.

    Read-only; a store that does not exist (or cannot be read) gives each source the key ``"no store"``.
    """
    if not store_path.is_file():
        return {source: "no store" for source in SOURCE_TABLES}
    try:
        conn = sqlite3.connect(f"file:{store_path}?mode=ro", uri=True)
    except sqlite3.Error:
        return {source: "no store" for source in SOURCE_TABLES}
    try:
        present = _tables(conn)
        common = hashlib.sha256(repr(conn.execute("PRAGMA user_version").fetchone()).encode())
        if "participants" in present:
            _hash_query(common, conn, "SELECT * FROM participants ORDER BY participant_id")
        keys = {}
        for source, tables in SOURCE_TABLES.items():
            h = common.copy()
            if "imports" in present:
                _hash_query(h, conn, "SELECT * FROM imports WHERE source_kind = ? ORDER BY import_id", (source,))
                for table in ("import_files", "rejects"):
                    if table in present:
                        _hash_query(h, conn, f"SELECT t.* FROM {table} t JOIN imports i USING (import_id) "  # noqa: S608
                                             "WHERE i.source_kind = ? ORDER BY t.rowid", (source,))
            for table in tables:
                if table in present:
                    h.update(table.encode())
                    if not _hash_pages(h, conn, store_path, table):
                        _hash_query(h, conn, f"SELECT * FROM {table} ORDER BY rowid")  # noqa: S608 - fixed names
            keys[source] = h.hexdigest()
        return keys
    except sqlite3.Error:  # a store being migrated or damaged: nothing can be reused, the build says why
        return {source: f"unreadable {os.getpid()}" for source in SOURCE_TABLES}
    finally:
        conn.close()


def analysis_keys(study, sources: dict[str, str] | None = None) -> dict[str, str]:
    """The cache key of each analysis (module docstring); the triangulation's holds the three sources' keys."""
    sources = sources if sources is not None else source_keys(study.store_path)
    tool, settings = tool_fingerprint(), settings_fingerprint(study)
    keys = {name: _digest("analysis", name, tool, settings, sources[name]) for name in SOURCE_TABLES}
    keys["triangulation"] = _digest("analysis", "triangulation", tool, settings,
                                    [keys[name] for name in SOURCE_TABLES])
    return keys


# --- results -------------------------------------------------------------------------------------------------

def _result_path(study, name: str, key: str) -> Path:
    return cache_dir(study) / f"{name}-{key}.pickle"


def load_result(study, name: str, key: str, kind: type | None = None) -> Any | None:
    """The cached result of analysis ``name`` under ``key``, or None (absent, corrupt, foreign: never an error)."""
    path = _result_path(study, name, key)
    try:
        with open(path, "rb") as handle:
            stored = pickle.load(handle)  # noqa: S301 - private/ is trusted (module docstring)
    except Exception:  # noqa: BLE001 - any unreadable file is a cache miss
        return None
    if not isinstance(stored, dict) or stored.get("format") != FORMAT or stored.get("analysis") != name \
            or stored.get("key") != key:
        return None
    result = stored.get("result")
    if kind is not None and not isinstance(result, kind):
        return None
    return result


def _atomic_write(path: Path, write) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(path.parent, 0o700)  # private/cache: owner only, as private/ itself
    handle = tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.", delete=False)
    try:
        with handle:
            write(handle)
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


def store_result(study, name: str, key: str, result: Any) -> None:
    """Cache ``result`` under ``key`` (atomically) and remove this analysis's results under older keys.

    A cache that cannot be written (full disk, read-only folder) is skipped: the next build computes again.
    """
    path = _result_path(study, name, key)
    try:
        _atomic_write(path, lambda handle: pickle.dump({"format": FORMAT, "analysis": name, "key": key,
                                                        "result": result}, handle,
                                                       protocol=pickle.HIGHEST_PROTOCOL))
        os.chmod(path, 0o600)
        for old in path.parent.glob(f"{name}-*.pickle"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        return


# --- the store's check for identities --------------------------------------------------------------------------

def store_check_key(study, sources: dict[str, str]) -> str:
    """The key of the check of the store for identities (:func:`mixedmethods.privacy_check.check_store`): what
    it reads (every table: the sources' keys ``sources``, :func:`source_keys`, and the rows of the other
    tables) and what it looks for (participants.csv and the secret key, whose names, numbers and pseudonyms it
    searches; the country code of phone numbers; the default group), and the tool."""
    h = hashlib.sha256()
    if study.store_path.is_file():
        try:
            conn = sqlite3.connect(f"file:{study.store_path}?mode=ro", uri=True)
            try:
                owned = {table for tables in SOURCE_TABLES.values() for table in tables}
                for table in sorted(_tables(conn) - owned):  # the sources' own tables are in their keys
                    h.update(table.encode())
                    _hash_query(h, conn, f'SELECT * FROM "{table}" ORDER BY rowid')  # noqa: S608 - the store's names
            finally:
                conn.close()
        except sqlite3.Error:
            h.update(f"unreadable {os.getpid()}".encode())  # never equal to a key recorded earlier
    return _digest("store check", sorted(sources.items()), h.hexdigest(), _looked_for(study))


def _looked_for(study) -> str:
    """The key of what the store's check looks for and how: participants.csv and the secret key (whose names,
    numbers and pseudonyms it searches), the country code of phone numbers, the default group, and the tool."""
    from ..privacy import KEY_FILE, PARTICIPANTS_FILE

    return _digest("looked for", tool_fingerprint(), file_hash(study.private_dir / PARTICIPANTS_FILE),
                   file_hash(study.private_dir / KEY_FILE), study.chats.default_country_code, study.default_group)


class TableChecks:
    """The findings of the store's check per table of a source (:data:`SOURCE_TABLES`), under the key of its
    source (:func:`source_keys`: every row of its tables), the table's statements and :func:`_looked_for`: an
    import of one transcript changes the interviews' key, and the check reads the interview tables and the
    small shared ones again, not a million chat messages (:func:`mixedmethods.privacy_store.check_store`).
    Any other table is read again by every check."""

    def __init__(self, study, sources: dict[str, str]) -> None:
        self.study, self.sources, self.looked_for = study, sources, _looked_for(study)
        self.owner = {table: source for source, tables in SOURCE_TABLES.items() for table in tables}

    def _key(self, table: str, schema: str) -> str | None:
        source = self.owner.get(table)
        return None if source is None else _digest("store table check", self.looked_for, self.sources.get(source),
                                                   table, schema)

    @staticmethod
    def _name(table: str) -> str:
        return "store-table-" + hashlib.sha256(table.encode()).hexdigest()[:16]

    def load(self, table: str, schema: str):
        key = self._key(table, schema)
        found = None if key is None else load_result(self.study, self._name(table), key, tuple)
        return found if found is not None and len(found) == 4 else None

    def save(self, table: str, schema: str, found) -> None:
        key = self._key(table, schema)
        if key is not None:
            store_result(self.study, self._name(table), key, found)


def load_store_check(study, key: str) -> list | None:
    """The findings of the store's check recorded under ``key``, or None (never checked so, or unreadable)."""
    stored = load_result(study, "store-check", key)
    return stored if isinstance(stored, list) else None


def record_store_check(study, key: str, findings: list) -> None:
    """Record the findings of the store's check under ``key`` (as an analysis result: atomic, older keys removed)."""
    store_result(study, "store-check", key, findings)


def checked_store(study, sources: dict[str, str] | None = None, force: bool = False) -> list:
    """The identities in the store's tables (``check_store(study, raw=False)``), checked once per version of
    the store and of what is looked for (:func:`store_check_key`): ``import`` checks the store it has just
    written, and a build reuses that check while nothing changed since (a million messages take seconds to
    check). ``force`` checks again. The store's write-ahead log is moved into the file first, so that the key
    is the one a build computes (:func:`settle_store`). When the store changed, the tables of a source whose
    rows did not change are not read again (:class:`TableChecks`)."""
    from ..privacy_check import check_store

    settle_store(study)
    if sources is None:  # after an import: kept, so that the next build does not hash the same rows again
        stat = store_stat(study)
        sources = source_keys(study.store_path)
        try:
            _atomic_write(cache_dir(study) / SOURCES_SEEN, lambda handle: handle.write(
                json.dumps({"store": stat, "sources": sources}).encode("utf-8")))
        except OSError:
            pass
    key = store_check_key(study, sources)
    found = None if force else load_store_check(study, key)
    if found is None:
        found = check_store(study, raw=False, tables=None if force else TableChecks(study, sources))
        record_store_check(study, key, found)
    return found


# --- the manifest of the last build ----------------------------------------------------------------------------

def _stat(path: Path) -> list[int] | None:
    try:
        s = path.stat()
    except OSError:
        return None
    return [s.st_size, s.st_mtime_ns]


def build_inputs(study, language: str | None, pdf: bool, today: str) -> dict[str, Any]:
    """Everything but the store that a build's outputs depend on (cheap: small files' bytes, stats)."""
    from ..resources import templates_dir

    template = study.report.template
    inputs = {
        "format": FORMAT, "tool": tool_fingerprint(), "settings": settings_fingerprint(study),
        "templates": _tree_stat(templates_dir()), "study_templates": _tree_hash(study.root / "templates"),
        "report_template": file_hash(template) if template else None,
        # check-privacy looks for the listed people: a new name on the list must be looked for in the report.
        "participants": file_hash(study.private_dir / "participants.csv"),
        "options": {"language": language, "pdf": pdf}, "date": today,
    }
    return json.loads(json.dumps(inputs))  # as the manifest gives them back (tuples become lists)


def read_manifest(study) -> dict[str, Any] | None:
    try:
        manifest = json.loads((cache_dir(study) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) and manifest.get("format") == FORMAT else None


def store_stat(study) -> list:
    """Size and modification time of the store, and of its write-ahead log when that holds changes not yet in
    the store (an empty log comes and goes with the connections: it is no change)."""
    wal = _stat(Path(f"{study.store_path}-wal"))
    return [_stat(study.store_path), wal if wal and wal[0] > 0 else None]


def settle_store(study) -> None:
    """Move the write-ahead log's changes into the store file (``wal_checkpoint(TRUNCATE)``), so that the
    build's own reads, and the checkpoint SQLite makes when their connections close, leave the file's size and
    time as :func:`store_stat` saw them before the build. A busy or unreadable store is left as it is."""
    if not study.store_path.is_file():
        return
    try:
        conn = sqlite3.connect(study.store_path, timeout=1)
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()
    except sqlite3.Error:
        return


def known_source_keys(study, store: list) -> dict[str, str]:
    """:func:`source_keys`, taken from the last build's manifest when the store's size and time (``store``,
    :func:`store_stat`) are those the manifest recorded: the rows were not touched since they were hashed, so
    a build after a change of settings or templates does not read every row again."""
    for recorded in (read_manifest(study), _read_json(cache_dir(study) / SOURCES_SEEN)):
        if isinstance(recorded, dict) and recorded.get("store") == store and \
                isinstance(recorded.get("sources"), dict) and set(recorded["sources"]) == set(SOURCE_TABLES):
            return recorded["sources"]
    return source_keys(study.store_path)


SOURCES_SEEN = "sources.json"  # the sources' keys as the last check of the store (after an import) hashed them


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write_manifest(study, inputs: dict[str, Any], keys: dict[str, str], outputs: Iterable[Path],
                   store: list | None = None, sources: dict[str, str] | None = None) -> None:
    """Record the build just published: its inputs, the analyses' keys and each published file's hash.

    ``store``: :func:`store_stat` taken before the keys were computed; an import that ran during the build
    then leaves a store whose time differs, and the next build hashes its rows rather than trusting the time.
    """
    files = {}
    for path in outputs:
        stat = _stat(path)
        if stat is not None:
            files[study.relative(path)] = [*stat, file_hash(path)]
    manifest = {"format": FORMAT, "inputs": inputs, "keys": keys, "sources": sources,
                "store": store if store is not None else store_stat(study), "outputs": files}
    try:
        _atomic_write(cache_dir(study) / MANIFEST,
                      lambda handle: handle.write(json.dumps(manifest, indent=1, sort_keys=True).encode()))
    except OSError:
        return


def _output_intact(study, relative: str, recorded: list) -> bool:
    path = study.root / relative
    stat = _stat(path)
    if stat is None:
        return False
    if stat == recorded[:2]:
        return True
    return stat[0] == recorded[0] and file_hash(path) == recorded[2]  # touched, or copied: same bytes?


def up_to_date(study, inputs: dict[str, Any]) -> bool:
    """Did the last build use these inputs and the same store rows, and is every file it published intact?

    Imports neither pandas nor python-docx. When the store file moved (size or time) the rows are hashed
    (:func:`source_keys`) and compared with the last build's; when they match the manifest is brought up to
    date, so the next check is the cheap one again.
    """
    manifest = read_manifest(study)
    if manifest is None or manifest.get("inputs") != inputs or not manifest.get("outputs"):
        return False
    if not all(_output_intact(study, relative, recorded) for relative, recorded in manifest["outputs"].items()):
        return False
    if manifest.get("store") == store_stat(study):
        return True
    store = store_stat(study)
    sources = source_keys(study.store_path)
    if analysis_keys(study, sources) != manifest.get("keys"):
        return False
    manifest["store"], manifest["sources"] = store, sources
    try:
        _atomic_write(cache_dir(study) / MANIFEST,
                      lambda handle: handle.write(json.dumps(manifest, indent=1, sort_keys=True).encode()))
    except OSError:
        pass
    return True
