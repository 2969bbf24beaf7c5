"""``mixedmethods check-privacy``: look for the study's participants in everything that may be shared.

Scanned: every file of the study folder outside ``private/`` and the raw
data (``data/`` and any source file study.yaml names elsewhere), ``.git/``
and other builds' staging folders — that is the store (every column of every
table, and the raw bytes of ``store.sqlite`` and its ``-wal``, where deleted
rows linger), ``report/``, ``instruments/``, ``study.yaml`` and any file
left at the root (an exported .qdpx). Inside each file, what a reader of it
would see: the paragraphs, comments and properties of a .docx, the cells
and sheet names of an .xlsx, every member of a zip (.qdpx), the strings and
keys of a .json, the cells of a .csv, the values, labels and variable names
of an SPSS .sav, the text chunks of a .png, the text of each page of a .pdf
(with pdftotext); and every file name.

Looked for: every name, phone number and e-mail address of
``private/participants.csv`` in any spelling
(:mod:`mixedmethods.identity_matching`), and any phone number or e-mail
address at all (the :class:`~mixedmethods.privacy.Redactor` 's detection, so
dates, amounts and article numbers are not taken for phone numbers). A
finding names the file, the place in it, the kind and the participant id
whose identity was found, never the identity.
"""

from __future__ import annotations

import bisect
import html
import io
import json
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from itertools import accumulate, compress, repeat
from pathlib import Path
from typing import Iterable, Iterator

from .identity_matching import IdentityMatcher, fold
from .privacy import _DIGIT_RUN, Participants, Redactor, email_spans, load_key

# Texts scanned together are joined with this: longer than any separator a match may span, and a line end.
_JOIN = "\n\n\n\n\n"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_S = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_ZIP_LIMIT = 512 << 20  # members larger than this (uncompressed) are reported, not read
_ATTRIBUTE = re.compile(r"""=\s*(["'])(.*?)\1""", re.DOTALL)
STORE_SIDE_FILES = ("-shm", ".lock")  # SQLite's shared-memory index and our lock: no content


# A time stamp or a hash as the whole value (a store column of them): no phone number to look for.
_STAMP = re.compile(r"\d{4}-\d\d-\d\d(?:[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)?)?|[0-9a-f]{64}")
GENERIC = {"phone": "phone number", "e-mail": "e-mail address"}  # a listed person's kind -> anyone's
_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")


class Markup(str):
    """Text that is not written for a reader (XML attributes, raw bytes of a database): only the listed
    identities are looked for in it, not every phone- or e-mail-like pattern (an image's size in EMU, 5486400,
    is not a phone number)."""


@dataclass(frozen=True)
class Finding:
    """One identity, phone number or e-mail address found outside private/."""

    file: str  # relative to the study folder, its own identities redacted
    location: str  # table/column/row, docx part/paragraph, sheet/cell, JSON path, ...
    kind: str  # name, phone, e-mail (of a listed participant); phone number, e-mail address (anyone's);
    # not checked (a file that could not be read)
    participant_id: str | None = None

    def describe(self) -> str:
        whose = f" of {self.participant_id}" if self.participant_id else ""
        return f"{self.file}: {self.location}: {self.kind}{whose}"


class LeakFinder:
    """Finds identities in many short texts at once (one search over their joined, folded text)."""

    def __init__(self, participants: Participants, country_code: str | None = None) -> None:
        self.matcher = IdentityMatcher(participants, country_code)
        self.redactor = Redactor(participants, country_code)
        self.parsed: dict[tuple[str, int, int], list[tuple[str, str]]] = {}  # zip member -> its texts

    def shown(self, text: str) -> str:
        """``text`` as it may be printed: identities replaced (a file name can hold one)."""
        return self.redactor(text)

    def scan(self, items: list[tuple[str, str]]) -> list[tuple[str, str, str | None]]:
        """``(location, kind, participant id or None)`` for every identity in the ``(location, text)`` items."""
        if not items:
            return []
        texts = [text for _, text in items]
        found: list[tuple[str, str, str | None]] = []
        raw, starts = _JOIN.join(texts), _starts(texts)
        for match in self.matcher.phones(raw):
            found.append((items[bisect.bisect_right(starts, match.start) - 1][0], match.kind, match.participant_id))
        # Names are searched in the folded texts, whose lengths may differ from the originals'.
        folded = [fold(t) for t in texts]
        folded_starts = _starts(folded)
        for match in self.matcher.names_in_folded(_JOIN.join(folded)):
            found.append((items[bisect.bisect_right(folded_starts, match.start) - 1][0], match.kind,
                          match.participant_id))
        for start, _ in email_spans(raw):
            index = bisect.bisect_right(starts, start) - 1
            if not isinstance(texts[index], Markup):
                found.append((items[index][0], "e-mail address", None))
        phoned = sorted({bisect.bisect_right(starts, m.start()) - 1 for m in _DIGIT_RUN.finditer(raw)})
        for index in phoned:
            text = texts[index]
            if isinstance(text, Markup) or _NUMBER.fullmatch(text.strip()) or _STAMP.fullmatch(text.strip()):
                continue  # a size, a count, an id: not somebody's number written for people to read
            if self.redactor.phones(text):
                found.append((items[index][0], "phone number", None))
        # A listed person's number or address is reported as theirs, not again as anyone's.
        known = {(location, GENERIC[kind]) for location, kind, pid in found if pid is not None and kind in GENERIC}
        return [f for f in found if f[2] is not None or (f[0], f[1]) not in known]


def _starts(texts: list[str]) -> list[int]:
    """Where each text begins in ``_JOIN.join(texts)`` (cumulative lengths, summed in C: a store has millions)."""
    if not texts:
        return []
    return list(accumulate(map(len(_JOIN).__add__, map(len, texts[:-1])), initial=0))


def check_study(study) -> list[Finding]:
    """Every finding in the study folder outside private/ and the raw data (module docstring)."""
    finder = leak_finder(study)
    files = [p for p in _shared_files(study)]
    findings = _check_names(study.root, files, finder, study.root)
    for path in files:
        findings.extend(check_file(path, study.relative(path), finder))
    return _unique(findings)


def check_outputs(study, folder: Path, shown_as: Path, finder: LeakFinder | None = None,
                  files: list[Path] | None = None, names: bool = True) -> list[Finding]:
    """Findings in the files under ``folder`` (a build's staging folder), named as if under ``shown_as``.

    ``files``: only these files' contents (a build checks its files in parts side by side); ``names``: also
    every file name under ``folder``. Findings come in the order of the names, then of the sorted files.
    """
    finder = finder or leak_finder(study)
    every = sorted(p for p in folder.rglob("*") if p.is_file()) if names or files is None else []
    findings = _check_names(folder, every, finder, study.root, shown_as) if names else []
    for path in every if files is None else sorted(files):
        findings.extend(check_file(path, study.relative(shown_as / path.relative_to(folder)), finder))
    return _unique(findings)


def check_store(study, finder: LeakFinder | None = None, raw: bool = True) -> list[Finding]:
    """Findings in the study's store: its tables and, with ``raw``, the raw bytes of the file and its -wal
    (deleted rows and old versions of pages linger there until overwritten). Without ``raw`` (the build's
    check) each distinct value of a column is scanned once and named by its first row."""
    if not study.store_path.exists():
        return []
    finder = finder or leak_finder(study)
    findings = check_file(study.store_path, study.relative(study.store_path), finder, raw, distinct=not raw)
    wal = study.store_path.with_name(study.store_path.name + "-wal")
    if raw and wal.is_file():
        findings.extend(check_file(wal, study.relative(wal), finder))
    return _unique(findings)


_LAST_FINDER: list[tuple[tuple, LeakFinder]] = []  # the last finder made in this process, with what it was made from


def leak_finder(study) -> LeakFinder:
    """The finder for ``study``'s participants (private/participants.csv, read with the study's key).

    The last one made in this process is reused while participants.csv, the key, the default group and the
    country code are the same (an import then a build in one process, or a test session, make it once: about
    0.15 s each time for a hundred participants); its files' texts read earlier are forgotten.
    """
    import hashlib

    from .privacy import PARTICIPANTS_FILE

    key = load_key(study.private_dir)
    listed = study.private_dir / PARTICIPANTS_FILE
    made_from = (hashlib.sha256(listed.read_bytes()).hexdigest() if listed.is_file() else None, key,
                 study.default_group, study.chats.default_country_code)
    if _LAST_FINDER and _LAST_FINDER[0][0] == made_from:
        finder = _LAST_FINDER[0][1]
        finder.parsed.clear()
        return finder
    people = Participants.load(study.private_dir, key, default_group=study.default_group)
    finder = LeakFinder(people, study.chats.default_country_code)
    _LAST_FINDER[:] = [(made_from, finder)]
    return finder


def _unique(findings: Iterable[Finding]) -> list[Finding]:
    return list(dict.fromkeys(findings))


def _shared_files(study) -> Iterator[Path]:
    """Files of the study folder that may leave it: not private/, data/, the raw sources, .git/, staging."""
    from .report.build import STAGING_PREFIX

    raw = {p.resolve() for p in [*(s.path for s in study.survey_sources), *study.interview_files,
                                 *(s.path for s in study.chat_sources)]}
    skipped = {study.private_dir.resolve(), (study.root / "data").resolve(), (study.root / ".git").resolve()}
    store = study.store_path.name
    for path in sorted(study.root.rglob("*")):
        resolved = path.resolve()
        if resolved in skipped or any(parent in skipped for parent in resolved.parents):
            continue
        if any(part.startswith(STAGING_PREFIX) for part in path.relative_to(study.root).parts):
            continue
        if not path.is_file() or resolved in raw or path.name in (store + s for s in STORE_SIDE_FILES):
            continue
        yield path


def _check_names(folder: Path, files: list[Path], finder: LeakFinder, root: Path,
                 shown_as: Path | None = None) -> list[Finding]:
    """File and folder names under ``folder``."""
    names = sorted({part for p in files for part in p.relative_to(folder).parts})
    found = []
    hits = {location for location, _, _ in finder.scan([(n, n) for n in names])}
    for path in files:
        relative = path.relative_to(folder)
        if any(part in hits for part in relative.parts):
            shown = (shown_as or folder) / relative
            for location, kind, pid in finder.scan([(part, part) for part in relative.parts]):
                found.append(Finding(finder.shown(str(shown.relative_to(root))), "file name", kind, pid))
    return found


def check_file(path: Path, shown: str, finder: LeakFinder, raw: bool = True,
               distinct: bool = False) -> list[Finding]:
    """Findings in one file (read by its content: SQLite, zip, PNG, JSON, CSV, SPSS, else text).

    ``distinct``: in a database, each distinct value of a column is scanned once, and a finding names the
    first row holding it (the build's check, which stops at the first finding; ``check-privacy`` lists
    every row).
    """
    name = finder.shown(shown)
    try:
        items = list(_texts(path, finder, distinct))
    except Exception as exc:  # a damaged file of any format: it may hold anything, so it is a finding
        return [Finding(name, f"could not be read ({type(exc).__name__})", "not checked")]
    located = finder.scan(items)
    if distinct:
        located = _first_rows(path, located)
    findings = [Finding(name, _where(location), kind, pid) for location, kind, pid in located]
    if raw and (path.suffix in (".sqlite", ".db") or path.name.endswith("-wal")):
        seen = {(f.kind, f.participant_id) for f in findings}
        for location, kind, pid in finder.scan(list(_raw_pages(path))):  # deleted rows, old page versions
            if (kind, pid) not in seen:
                findings.append(Finding(name, location, kind, pid))
    return findings


def _where(location: object) -> str:
    if isinstance(location, tuple):
        return "table {}, column {}, row {}".format(*location)
    return str(location)


def _texts(path: Path, finder: LeakFinder, distinct: bool = False) -> Iterator[tuple[str, str]]:
    with path.open("rb") as handle:
        head = handle.read(16)
    if head.startswith(b"SQLite format 3\0"):
        yield from _sqlite_texts(path, distinct)
    elif path.name.endswith("-wal"):
        return
    elif zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            yield from _zip_texts(archive, finder, "")
    elif head.startswith(b"\x89PNG"):
        yield from _png_texts(path.read_bytes())
    elif path.suffix == ".sav":
        yield from _sav_texts(path)
    elif head.startswith(b"%PDF"):
        yield from _pdf_texts(path)
    else:
        yield from _data_texts(path.suffix.lower(), path.read_bytes())


def _sqlite_texts(path: Path, distinct: bool = False) -> Iterator[tuple[str, str]]:
    """Every value of every table (through SQLite, so what a query would return); with ``distinct``, each
    distinct value of a column once, with the first row holding it."""
    import sqlite3

    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            columns = [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]
            for column in columns:
                # Text, and numbers long enough to be a phone number; SQLite leaves the rest out, and the time
                # stamps the store writes (a chat's million messages hold nearly as many distinct ones).
                wanted = (f'(typeof("{column}") IN (\'text\', \'blob\') OR abs("{column}") >= 1000000) '
                          f'AND NOT {_stored_stamp(column)}')
                if distinct:  # DISTINCT, not GROUP BY with MIN(rowid): a hash of values, not a sort of rows
                    yield from _distinct_texts(conn, table, column, wanted)
                    continue
                for row, value in conn.execute(f'SELECT rowid, "{column}" FROM "{table}" WHERE {wanted}'):
                    text = value if isinstance(value, str) else _value_text(value)
                    if text:
                        yield (table, column, row), text  # put into words only if something is found
    finally:
        conn.close()


# The shapes of the time stamps the store writes (``Timestamp.isoformat``: to the second, or the microsecond), as
# SQLite GLOB patterns that match the whole value. A value of exactly this shape is digits and separators only:
# no name or e-mail address can be in it, and its digits are a date, not a phone number (the same reason the
# phone-number check skips :data:`_STAMP`), so SQLite leaves it out without handing it to Python.
_DAY = "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]"
_SECOND = _DAY + "T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]"
STORED_STAMPS = (_DAY, _SECOND, _SECOND + "." + "[0-9]" * 6)


def _stored_stamp(column: str) -> str:
    """SQL true when ``column``'s value is a whole time stamp of one of :data:`STORED_STAMPS`' shapes."""
    return "(" + " OR ".join(f"\"{column}\" GLOB '{shape}'" for shape in STORED_STAMPS) + ")"


@dataclass(frozen=True)
class _DistinctColumn:
    """A column read by its distinct values: a finding's location is ``(this, value)`` until :func:`_first_rows`
    puts the first row holding the value in its place."""

    table: str
    column: str


def _distinct_texts(conn, table: str, column: str, wanted: str) -> Iterator[tuple[tuple, str]]:
    """``((column, value), text)`` for each distinct value of ``column`` that ``wanted`` keeps and that has text.

    The pairs are made by ``zip`` in C, with one location object per column rather than one per value (a chat
    of a million messages has nearly as many distinct texts).
    """
    values = [value for (value,) in conn.execute(f'SELECT DISTINCT "{column}" FROM "{table}" WHERE {wanted}')]
    texts = [value if type(value) is str else _value_text(value) for value in values]
    if not all(texts):
        kept = [bool(text) for text in texts]
        values, texts = list(compress(values, kept)), list(compress(texts, kept))
    yield from zip(zip(repeat(_DistinctColumn(table, column)), values), texts)


def _first_rows(path: Path, located: list[tuple[object, str, str | None]]) -> list[tuple[object, str, str | None]]:
    """The findings of a distinct-value scan with each value replaced by the first row holding it: one query
    per column with findings (there are none in a clean store), so the scan itself never orders rows."""
    import sqlite3

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


def _value_text(value: object) -> str:
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


def _raw_pages(path: Path) -> Iterator[tuple[str, str]]:
    data = path.read_bytes()
    size = 4096
    for offset in range(0, len(data), size):
        page = data[offset:offset + size + 64]  # a little overlap: a name across two pages
        yield (f"raw bytes near page {offset // size + 1} (deleted or overwritten content)",
               Markup(page.decode("utf-8", "replace")))


def _zip_texts(archive: zipfile.ZipFile, finder: LeakFinder, prefix: str) -> Iterator[tuple[str, str]]:
    names = archive.namelist()
    sheets = _sheet_names(archive) if "xl/workbook.xml" in names else {}
    shared = _shared_strings(archive) if "xl/sharedStrings.xml" in names else []
    for info in archive.infolist():
        member = prefix + finder.shown(info.filename)
        yield f"name of member {member}", info.filename
        if info.is_dir():
            continue
        if info.file_size > _ZIP_LIMIT:
            yield f"{member} (too large to read, not checked)", ""
            continue
        data = archive.read(info)
        if info.filename in sheets:
            yield from _sheet_texts(data, sheets[info.filename], shared)
        elif info.filename == "xl/sharedStrings.xml":
            continue  # read through the cells that use them
        elif data.startswith(b"\x89PNG"):
            yield from ((f"{member}, {where}", text) for where, text in _png_texts(data))
        elif data.startswith(b"PK") and not prefix:
            try:
                with zipfile.ZipFile(io.BytesIO(data)) as inner:
                    yield from _zip_texts(inner, finder, member + "/")
            except zipfile.BadZipFile:
                yield from _data_texts("", data, member)
        else:
            # The same part recurs in every .docx of a build (styles, theme, settings): read it once.
            key = (member, info.CRC, info.file_size)
            if key not in finder.parsed:
                finder.parsed[key] = list(_data_texts(Path(info.filename).suffix.lower(), data, member))
            yield from finder.parsed[key]


def _data_texts(suffix: str, data: bytes, member: str = "") -> Iterator[tuple[str, str]]:
    """XML (paragraphs, elements, attributes), JSON (paths), CSV (cells), else text lines."""
    at = f"{member}, " if member else ""
    stripped = data.lstrip()
    if suffix in (".xml", ".rels", ".qde", ".qdc", ".vml") or stripped.startswith(b"<?xml"):
        try:
            yield from ((at + where, text) for where, text in _xml_texts(data))
            return
        except Exception:  # not well-formed: read it as text below
            pass
    text = data.decode("utf-8", "replace")
    if suffix == ".json":
        try:
            yield from ((at + where, value) for where, value in _json_texts(json.loads(text), "$"))
            return
        except ValueError:
            pass
    if suffix == ".csv":
        import csv

        rows = list(csv.reader(io.StringIO(text)))
        for number, row in enumerate(rows, start=1):
            for index, cell in enumerate(row):
                yield f"{at}row {number}, column {index + 1}", cell
        return
    for number, line in enumerate(text.splitlines(), start=1):
        yield f"{at}line {number}", line


def _json_texts(value: object, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield f"{path} (a key)", str(key)
            yield from _json_texts(item, f"{path}.{key}" if re.fullmatch(r"\w+", str(key)) else f"{path}[{key!r}]")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _json_texts(item, f"{path}[{index}]")
    else:
        text = _value_text(value)
        if text:
            yield path, text


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _xml_texts(data: bytes) -> Iterator[tuple[str, str]]:
    """Word paragraphs whole (a name may be split across runs), else every element's text; the attributes.

    The attribute values of a part are scanned as one text (a part holds hundreds of thousands, nearly all
    sizes and ids), so a finding in them names the part, not the element.
    """
    from xml.etree import ElementTree

    root = ElementTree.fromstring(data)
    paragraphs = list(root.iter(_W + "p"))
    if paragraphs:
        for number, paragraph in enumerate(paragraphs, start=1):
            yield f"paragraph {number}", "".join(paragraph.itertext())
    else:
        for element in root.iter():
            for text in (element.text, element.tail):
                if text and text.strip():
                    yield f"<{_local(element.tag)}>", text
    values = [value for _, value in _ATTRIBUTE.findall(data.decode("utf-8", "replace"))]
    yield "an attribute value", Markup(html.unescape("\n".join(values)))


def _sheet_names(archive: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet part -> sheet name, from xl/workbook.xml and its relationships."""
    from xml.etree import ElementTree

    try:
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError):
        return {}
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    parts = {}
    for sheet in book.iter(_S + "sheet"):
        target = targets.get(sheet.get(_R + "id"), "")
        part = target.lstrip("/") if target.startswith("/") else "xl/" + target
        parts[part] = sheet.get("name", "")
    return parts


def _shared_strings(archive: zipfile.ZipFile) -> list[str]:
    from xml.etree import ElementTree

    root = ElementTree.fromstring(archive.read("xl/sharedStrings.xml"))
    return ["".join(si.itertext()) for si in root.iter(_S + "si")]


def _sheet_texts(data: bytes, sheet: str, shared: list[str]) -> Iterator[tuple[str, str]]:
    from xml.etree import ElementTree

    for cell in ElementTree.fromstring(data).iter(_S + "c"):
        where = f"sheet {sheet!r}, cell {cell.get('r', '?')}"
        value = cell.find(_S + "v")
        if cell.get("t") == "s" and value is not None and (value.text or "").isdigit():
            index = int(value.text)
            yield where, shared[index] if index < len(shared) else ""
        else:
            yield where, "".join(cell.itertext())


def _png_texts(data: bytes) -> Iterator[tuple[str, str]]:
    """The text chunks of a PNG (tEXt, zTXt, iTXt; PNG specification, 11.3.4)."""
    position = 8
    while position + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        body = data[position + 8:position + 8 + length]
        position += 12 + length
        try:
            if kind == b"tEXt":
                keyword, _, text = body.partition(b"\0")
                yield f"text chunk {keyword.decode('latin-1')!r}", text.decode("latin-1")
            elif kind == b"zTXt":
                keyword, _, rest = body.partition(b"\0")
                yield f"text chunk {keyword.decode('latin-1')!r}", zlib.decompress(rest[1:]).decode("latin-1")
            elif kind == b"iTXt":
                keyword, _, rest = body.partition(b"\0")
                compressed, rest = rest[0], rest[2:]
                language, _, rest = rest.partition(b"\0")
                translated, _, text = rest.partition(b"\0")
                text = zlib.decompress(text) if compressed else text
                yield f"text chunk {keyword.decode('latin-1')!r}", (translated + b" " + text).decode("utf-8", "replace")
        except (zlib.error, IndexError):
            yield f"text chunk {kind.decode('latin-1')!r} (unreadable)", body.decode("latin-1")
        if kind == b"IEND":
            break


def _pdf_texts(path: Path) -> Iterator[tuple[str, str]]:
    """The text of each page of a PDF (``build --pdf``), read by pdftotext: its streams are compressed."""
    import subprocess

    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    for page, content in enumerate(text.split("\f"), start=1):
        for number, line in enumerate(content.splitlines(), start=1):
            yield f"page {page}, line {number}", line


def _sav_texts(path: Path) -> Iterator[tuple[str, str]]:
    """An SPSS file's variable names and labels, value labels, file label and notes, and every value."""
    import pyreadstat

    frame, meta = pyreadstat.read_sav(str(path))
    yield "file label", meta.file_label or ""
    for note in meta.notes or []:
        yield "notes", note
    for name, label in zip(meta.column_names, meta.column_labels or []):
        yield f"variable {name!r}", name
        yield f"variable {name!r} label", label or ""
    for name, labels in (meta.variable_value_labels or {}).items():
        for value, label in labels.items():
            yield f"variable {name!r} value label {value!r}", f"{_value_text(value)} {label}"
    for name in frame.columns:
        for case, value in enumerate(frame[name].tolist(), start=1):
            text = _value_text(value)
            if text:
                yield f"variable {name!r}, case {case}", text
