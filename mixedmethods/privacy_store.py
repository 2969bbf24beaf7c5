"""The store's part of ``check-privacy``: every value of every table of ``store.sqlite``, read in chunks.

:func:`check_store` is what ``import`` runs after it changed the store and what ``build`` reuses
(:func:`mixedmethods.report.cache.checked_store`), and ``check-privacy`` runs on the whole study folder. A
store holds a million chat messages, nearly all different, so the values are read and scanned chunk by chunk
(a few megabytes of text at a time: the memory does not grow with the store), each chunk searched at once by
:meth:`~mixedmethods.privacy_check.LeakFinder.scan_chunks`, and a finding is put into words only when there is
one. Nothing is skipped: every column of every table, every row (or, for the build's check, every distinct
value of a column) whose type can hold text or a number long enough to be a phone number.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from itertools import chain, compress
from operator import itemgetter
from pathlib import Path
from typing import Callable, Iterator, Protocol

# The shapes of the time stamps the store writes (``Timestamp.isoformat``: to the second, or the microsecond), as
# SQLite GLOB patterns that match the whole value. A value of exactly this shape is digits and separators only:
# no name or e-mail address can be in it, and its digits are a date, not a phone number (the same reason the
# phone-number check skips the time stamps it meets), so SQLite leaves it out without handing it to Python.
_YEAR = "[0-9][0-9][0-9][0-9]-"  # how every shape starts
_DAY = _YEAR + "[0-9][0-9]-[0-9][0-9]"
_SECOND = _DAY + "T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]"
STORED_STAMPS = (_DAY, _SECOND, _SECOND + "." + "[0-9]" * 6)
_CHUNK_CHARACTERS = 2_000_000  # text scanned at once: large enough for one regex pass to pay, small in memory
_BATCH_ROWS = 4096  # rows fetched from SQLite at once

# ``(texts, locate, order)``: texts to scan together, the location of the text at an index (made only for a
# finding), and the place of the texts among all (table, column, part), as LeakFinder.scan_chunks takes them.
Chunk = tuple[list[str], Callable[[int], object], tuple]
# LeakFinder.scan_parts: four lists of (order, location, kind, participant id or None)
Parts = tuple[list[tuple[tuple, object, str, "str | None"]], ...]


class TableChecks(Protocol):
    """Where the build's check (distinct values) keeps each table's findings, to reuse them while the table and
    what is looked for did not change (:class:`mixedmethods.report.cache.TableChecks`)."""

    def load(self, table: str, schema: str) -> Parts | None:
        """The findings recorded for ``table`` as it is now (``schema``: its statements), or None."""

    def save(self, table: str, schema: str, found: Parts) -> None:
        """Record ``table``'s findings."""


def check_store(study, finder=None, raw: bool = True, tables: TableChecks | None = None) -> list:
    """Findings in the study's store: its tables and, with ``raw``, the raw bytes of the file and its -wal
    (deleted rows and old versions of pages linger there until overwritten). Without ``raw`` (the build's
    check) each distinct value of a column is scanned once and named by its first row; ``tables`` then gives
    the findings of the tables that did not change since they were recorded (an import of one transcript does
    not read a million chat messages again), and records the others'."""
    from .privacy_check import _unique, check_file, leak_finder

    if not study.store_path.exists():
        return []
    finder = finder or leak_finder(study)
    findings = check_file(study.store_path, study.relative(study.store_path), finder, raw, distinct=not raw,
                          tables=None if raw else tables)
    wal = study.store_path.with_name(study.store_path.name + "-wal")
    if raw and wal.is_file():
        findings.extend(check_file(wal, study.relative(wal), finder))
    return _unique(findings)


def scan_database(path: Path, finder, distinct: bool = False,
                  tables: TableChecks | None = None) -> list[tuple[object, str, str | None]]:
    """``(location, kind, participant id or None)`` of each identity in the tables of the SQLite file ``path``,
    in the order :meth:`LeakFinder.scan` gives for every value of every table as one list of items. A location is
    ``(table, column, rowid)``; with ``distinct``, the first row holding the value (and ``tables``, see
    :func:`check_store`)."""
    from .privacy_pair import Searcher

    if not distinct or tables is None:
        with Searcher(finder) as searcher:  # a big store: searched in a second process while this one reads
            located = finder.scan_chunks(database_chunks(path, distinct), searcher)
        return _first_rows(path, located) if distinct else located
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        schemas = [_schema(conn, table) for table in names]
    finally:
        conn.close()
    parts = []
    with Searcher(finder) as searcher:  # one second process for all the tables read again
        for number, (table, schema) in enumerate(zip(names, schemas)):
            found = tables.load(table, schema)
            if found is None:
                found = _first_rows_of_parts(path, finder.scan_parts(_one_table(path, table), searcher))
                tables.save(table, schema, found)
            parts.append(tuple([((number, *order), location, kind, pid) for order, location, kind, pid in part]
                               for part in found))
    return finder.merge(parts)


def _schema(conn: sqlite3.Connection, table: str) -> str:
    """The statements of ``table`` and its indexes, and SQLite's statistics of them if any: what the order in
    which SQLite reads the table's distinct values depends on."""
    rows = conn.execute("SELECT type, name, sql FROM sqlite_master WHERE tbl_name = ? ORDER BY type, name",
                        (table,)).fetchall()
    if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone():
        rows += conn.execute("SELECT * FROM sqlite_stat1 WHERE tbl = ? ORDER BY idx", (table,)).fetchall()
    return repr(rows)


def _one_table(path: Path, table: str) -> Iterator[Chunk]:
    """:func:`table_chunks` of one table with distinct values, on a connection of its own."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        yield from table_chunks(conn, table, True)
    finally:
        conn.close()


def _first_rows_of_parts(path: Path, found: Parts) -> Parts:
    """:func:`_first_rows` for the findings of :meth:`LeakFinder.scan_parts`."""
    locations = [(location, None, None) for part in found for _, location, _, _ in part]
    rows = {location: row for (location, _, _), (row, _, _) in zip(locations, _first_rows(path, locations))}
    return tuple([(order, rows[location], kind, pid) for order, location, kind, pid in part] for part in found)


def database_chunks(path: Path, distinct: bool = False) -> Iterator[Chunk]:
    """The texts of every value of every table (through SQLite, so what a query would return), a chunk at a time;
    with ``distinct``, each distinct value of a column once, in the order of ``SELECT DISTINCT``."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for number, table in enumerate(tables):
            yield from table_chunks(conn, table, distinct, (number,))
    finally:
        conn.close()


def table_chunks(conn: sqlite3.Connection, table: str, distinct: bool = False, order: tuple = ()) -> Iterator[Chunk]:
    """:func:`database_chunks` for one table (``order``: the table's place among them)."""
    columns = [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]
    # Text, and numbers long enough to be a phone number; SQLite leaves the rest out, and the time stamps the
    # store writes (a chat's million messages hold nearly as many distinct ones).
    wanted = [f'(typeof("{column}") IN (\'text\', \'blob\') OR abs("{column}") >= 1000000) '
              f'AND NOT {_stored_stamp(column)}' for column in columns]
    if distinct:
        yield from _distinct_chunks(conn, table, columns, wanted, order)
        return
    for number, (column, where) in enumerate(zip(columns, wanted)):
        cursor = conn.execute(f'SELECT rowid, "{column}" FROM "{table}" WHERE {where}')
        for part, rows in enumerate(_batches(cursor)):
            values = list(map(itemgetter(1), rows))
            texts, kept = _texts_of(values)
            rowids = list(map(itemgetter(0), compress(rows, kept) if kept is not None else rows))
            if texts:
                yield (texts, lambda index, rowids=rowids, column=column: (table, column, rowids[index]),
                       (*order, number, part))


def _stored_stamp(column: str) -> str:
    """SQL true when ``column``'s value is a whole time stamp of one of :data:`STORED_STAMPS`' shapes.

    The shapes' common start is tried first: most values fail it at their first character, so one GLOB is
    evaluated instead of three (a tenth of the time of reading a million messages)."""
    return (f"(\"{column}\" GLOB '{_YEAR}*' AND ("
            + " OR ".join(f"\"{column}\" GLOB '{shape}'" for shape in STORED_STAMPS) + "))")


def _batches(cursor: sqlite3.Cursor) -> Iterator[list]:
    """The cursor's rows in lists of a few megabytes of text at most (a transcript is long, a message short)."""
    pending: list = []
    size = 0
    while True:
        rows = cursor.fetchmany(_BATCH_ROWS)
        if not rows:
            break
        pending.extend(rows)
        try:
            size += sum(map(len, map(itemgetter(-1), rows)))
        except TypeError:  # numbers among the values: their length does not matter
            size += sum(len(row[-1]) if isinstance(row[-1], (str, bytes)) else 8 for row in rows)
        if size >= _CHUNK_CHARACTERS:
            yield pending
            pending, size = [], 0
    if pending:
        yield pending


def _texts_of(values: list) -> tuple[list[str], list[bool] | None]:
    """The texts to scan for ``values`` (:func:`value_text`) and, when some have none, which values were kept."""
    if set(map(type, values)) <= {str}:
        texts = values
    else:
        texts = [value if type(value) is str else value_text(value) for value in values]
    if all(texts):
        return texts, None
    kept = list(map(bool, texts))
    return list(compress(texts, kept)), kept


@dataclass(frozen=True)
class _DistinctColumn:
    """A column read by its distinct values: a finding's location is ``(this, value)`` until :func:`_first_rows`
    puts the first row holding the value in its place."""

    table: str
    column: str


def _distinct_chunks(conn: sqlite3.Connection, table: str, columns: list[str], wanted: list[str],
                     order: tuple) -> Iterator[Chunk]:
    """Each distinct value of each column that its ``wanted`` keeps and that has text, in the order of ``SELECT
    DISTINCT`` (a finding names the first one: the order is part of what the check says).

    Where SQLite would read the table in row order and drop the values it has seen with a temporary b-tree
    (a column without an index: chat texts), the column is read in one pass over the table with the other such
    columns, and the values seen are dropped in Python, with a hash set: the same values in the same order,
    without a pass per column nor SQLite's b-tree of a million texts (4 s of the 5 s the query took for a
    million distinct messages). An indexed column, which SQLite reads in the index's order, is read by its query.
    """
    # A column declared with a collation other than SQLite's binary one (NOCASE) is distinct by that collation:
    # left to SQLite, as is every column of a table whose statement names one.
    statement = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).fetchone()
    collated = statement is None or "collate" in (statement[0] or "").lower()
    in_rows = [] if collated else [number for number, (column, where) in enumerate(zip(columns, wanted))
                                   if _distinct_in_row_order(conn, table, column, where)]
    by_index = sorted(set(range(len(columns))) - set(in_rows))
    if collated or not in_rows:
        yield from _distinct_queries(conn, table, columns, wanted, order, by_index)
        return
    # A column of a few values repeated (a message's kind, its author) is cheaper to SQLite's DISTINCT, which hands
    # Python only those few; its query is the same as the one it would answer (same values, same order).
    few = [number for number in in_rows if _few_values(conn, table, columns[number], wanted[number])]
    yield from _distinct_queries(conn, table, columns, wanted, order, few)
    in_rows = [number for number in in_rows if number not in few]
    if not in_rows:
        yield from _distinct_queries(conn, table, columns, wanted, order, by_index)
        return
    # One pass: the values of the columns read in row order, and for each other column whether any row holds a
    # value it wants (a row id, a count, a time stamp: nearly never), whose query then runs, in the index's order.
    # A value not wanted is read as NULL, and NULL is never wanted (typeof null): it stands for "nothing here".
    selected = ", ".join([*(f'CASE WHEN {wanted[number]} THEN "{columns[number]}" END' for number in in_rows),
                          *(f"CASE WHEN {wanted[number]} THEN 1 END" for number in by_index)])
    cursor = conn.execute(f'SELECT {selected} FROM "{table}" NOT INDEXED')
    seen: list[set] = [set() for _ in in_rows]
    pending: list[list] = [[] for _ in in_rows]
    sizes, parts = [0] * len(in_rows), [0] * len(in_rows)
    wanted_by_index = [False] * len(by_index)

    def flush(slot: int) -> Iterator[Chunk]:
        values, pending[slot], sizes[slot] = pending[slot], [], 0
        texts, kept = _texts_of(values)
        if kept is not None:
            values = list(compress(values, kept))
        if texts:
            where = _DistinctColumn(table, columns[in_rows[slot]])
            yield texts, lambda index: (where, values[index]), (*order, in_rows[slot], parts[slot])
            parts[slot] += 1

    while True:
        rows = cursor.fetchmany(_BATCH_ROWS)
        if not rows:
            break
        for slot in range(len(by_index)):
            if not wanted_by_index[slot] and any(map(itemgetter(len(in_rows) + slot), rows)):
                wanted_by_index[slot] = True
        for slot in range(len(in_rows)):
            fresh = dict.fromkeys(map(itemgetter(slot), rows))  # first appearance, as SQLite's DISTINCT keeps it
            fresh.pop(None, None)
            if seen[slot]:
                for value in seen[slot].intersection(fresh):
                    del fresh[value]
            if not fresh:
                continue
            seen[slot].update(fresh)
            pending[slot].extend(fresh)
            try:
                sizes[slot] += sum(map(len, fresh))
            except TypeError:  # numbers among the values: their length does not matter
                sizes[slot] += 8 * len(fresh)
            if sizes[slot] >= _CHUNK_CHARACTERS:
                yield from flush(slot)
    for slot in range(len(in_rows)):
        yield from flush(slot)
    yield from _distinct_queries(conn, table, columns, wanted, order, list(compress(by_index, wanted_by_index)))


_SAMPLE = 10_000  # rows whose values tell whether a column holds a few values repeated


def _few_values(conn: sqlite3.Connection, table: str, column: str, wanted: str) -> bool:
    """Do the first rows of ``table`` hold values of ``column`` that it wants, and mostly the same ones again?"""
    values, distinct = conn.execute(
        f'SELECT count(v), count(DISTINCT v) FROM (SELECT CASE WHEN {wanted} THEN "{column}" END AS v '
        f'FROM "{table}" NOT INDEXED LIMIT {_SAMPLE})').fetchone()
    return values > 0 and distinct * 2 <= values


def _distinct_queries(conn: sqlite3.Connection, table: str, columns: list[str], wanted: list[str], order: tuple,
                      numbers: list[int]) -> Iterator[Chunk]:
    """The chunks of the columns ``numbers`` read by SQLite's ``SELECT DISTINCT``, each column by its query."""
    for number in numbers:
        where = _DistinctColumn(table, columns[number])
        cursor = conn.execute(f'SELECT DISTINCT "{columns[number]}" FROM "{table}" WHERE {wanted[number]}')
        for part, rows in enumerate(_batches(cursor)):
            values = list(chain.from_iterable(rows))
            texts, kept = _texts_of(values)
            if kept is not None:
                values = list(compress(values, kept))
            if texts:
                yield texts, lambda index, values=values, where=where: (where, values[index]), (*order, number, part)


def _distinct_in_row_order(conn: sqlite3.Connection, table: str, column: str, wanted: str) -> bool:
    """Does SQLite answer ``SELECT DISTINCT column`` by scanning the table in row order (its query plan is a scan
    of the table itself, with or without a temporary b-tree for the values seen)?"""
    try:
        plan = [row[-1] for row in conn.execute(
            f'EXPLAIN QUERY PLAN SELECT DISTINCT "{column}" FROM "{table}" WHERE {wanted}')]
    except sqlite3.Error:
        return False
    scans = {f"SCAN {table}", f"SCAN TABLE {table}"}  # SQLite 3.36 and later; before
    return any(step in scans for step in plan) and \
        all(step in scans or step == "USE TEMP B-TREE FOR DISTINCT" for step in plan)


def _first_rows(path: Path, located: list[tuple[object, str, str | None]]) -> list[tuple[object, str, str | None]]:
    """The findings of a distinct-value scan with each value replaced by the first row holding it: one query
    per column with findings (there are none in a clean store), so the scan itself never orders rows."""
    wanted: dict[tuple[str, str], set] = {}
    for location, _, _ in located:
        if isinstance(location, tuple) and isinstance(location[0], _DistinctColumn):
            wanted.setdefault((location[0].table, location[0].column), set()).add(location[1])
    if not wanted:
        return located
    first: dict[tuple[str, str, object], int] = {}
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        for (table, column), values in wanted.items():
            values = list(values)
            for start in range(0, len(values), 500):  # SQLite limits the parameters of one statement
                chunk = values[start:start + 500]
                query = (f'SELECT "{column}", MIN(rowid) FROM "{table}" WHERE "{column}" IN '
                         f'({", ".join("?" * len(chunk))}) GROUP BY "{column}"')
                for value, rowid in conn.execute(query, chunk):
                    first[table, column, value] = rowid
    finally:
        conn.close()
    return [((location[0].table, location[0].column, first.get((location[0].table, location[0].column, location[1])))
             if isinstance(location, tuple) and isinstance(location[0], _DistinctColumn) else location, kind, pid)
            for location, kind, pid in located]


def value_text(value: object) -> str:
    """A value as text to scan: strings as they are, whole numbers of 7+ digits (a phone stored as a number)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        value = int(value)
    if isinstance(value, int) and abs(value) >= 1_000_000:
        return str(value)
    return ""


def raw_pages(path: Path) -> Iterator[tuple[str, str]]:
    """The raw bytes of a database file, page by page, as text in which only listed identities are looked for
    (deleted rows and old versions of pages linger there until overwritten)."""
    from .privacy_files import Markup

    data = path.read_bytes()
    size = 4096
    for offset in range(0, len(data), size):
        page = data[offset:offset + size + 64]  # a little overlap: a name across two pages
        yield (f"raw bytes near page {offset // size + 1} (deleted or overwritten content)",
               Markup(page.decode("utf-8", "replace")))
