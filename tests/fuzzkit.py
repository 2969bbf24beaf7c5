"""Generated malformed inputs for the fuzz tests (tests/test_fuzz_*.py), and the import pipeline they go through.

Inputs are made two ways: by mutating a valid file (a bundled fixture or a small file written here) - cells
replaced by hostile values, lines dropped, doubled or swapped, bytes cut, flipped or inserted, the text
re-encoded, zip members changed - and from scratch (random bytes, random text with control characters). Each
input goes through what ``mixedmethods import`` does with it, down to the store (one SQLite store per session, every
example rolled back), so a crash anywhere between the bytes and the store is found. The one outcome that fails a
test is an exception that is not a :class:`~mixedmethods.errors.UserError`.
"""

from __future__ import annotations

import io
import os
import sqlite3
import zipfile
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from mixedmethods.errors import UserError

FIXTURES = Path(__file__).parent / "fixtures"
# CI runs this many examples per reader; FUZZ_EXAMPLES=5000 runs more (docs/testing.md).
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "200"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=not os.environ.get("FUZZ_RANDOM"), database=None,
                suppress_health_check=list(HealthCheck), print_blob=True)

# Values that broke readers before, or that a parser is likely to get wrong.
HOSTILE = [
    "", " ", ",", ";", "\t", '"', '""', "'", "\n", "\r", "\r\n", "\x00", "\x0b", "\x0c", "\x1b", "\x7f", "\ufeff",
    "\u200e", "\u202e", "\ufffe", "\U0001F600", "é", "\xa0", "1_0", "1e309", "-1e309", "nan", "inf", "-0", "1.5",
    "99999999999999999999999999", "-1", "0x10", "١٢", "²", "25:61", "24:00", "31/02/2024", "2024-13-45",
    "00/00/0000", "1/1/1", "=1+1", "@", "a@b.c", "+1 246 555 0100", "${x}", "selected(", "[x]", "{", "}", "<",
    ">", "&", "&amp;", "<![CDATA[", "PK\x03\x04", "null", "true", "~", "- ", ": ", "#", "%", "\\", "NaN", "None",
    "second", "c0", "Y", "N", "yes", "0", "1", "2", "3", "12", "13", "100", "AAA111", "caricom", "x" * 300,
]


def hostile_text() -> st.SearchStrategy[str]:
    """A hostile value, or random text that includes control characters and surrogate-free Unicode."""
    return st.one_of(st.sampled_from(HOSTILE),
                     st.text(st.characters(blacklist_categories=("Cs",)), max_size=40),
                     st.text(st.sampled_from("\x00\x01\x0b\x0c\r\n\t ,;\"'0123456789:/.-aé"), max_size=20))


ENCODINGS = ("latin-1", "cp1252", "utf-16", "utf-16-le", "utf-8-sig", "utf-32", "mac_roman", "ascii")


@st.composite
def mutated_text(draw, seed: bytes, delimiters: str = ",;\t") -> bytes:
    """``seed`` (a text file) after one to five mutations."""
    data = seed
    for _ in range(draw(st.sampled_from([1, 1, 1, 2, 2, 3, 5]))):  # mostly one or two: deeper than the first check
        operation = draw(st.sampled_from(["cell"] * 6 + ["line"] * 2 + ["cut", "insert", "insert", "flip", "encode",
                                                                        "endings", "truncate"]))
        lines = data.split(b"\n")
        if operation == "cell" and lines:  # one cell of one line replaced by a hostile value
            number = draw(st.integers(0, len(lines) - 1))
            delimiter = next((d for d in delimiters if d.encode() in lines[number]), delimiters[0]).encode()
            cells = lines[number].split(delimiter)
            cells[draw(st.integers(0, len(cells) - 1))] = draw(hostile_text()).encode("utf-8", "surrogatepass")
            lines[number] = delimiter.join(cells)
            data = b"\n".join(lines)
        elif operation == "line" and lines:  # a line dropped, doubled, swapped or emptied
            number = draw(st.integers(0, len(lines) - 1))
            how = draw(st.sampled_from(["drop", "double", "swap", "empty"]))
            if how == "drop":
                del lines[number]
            elif how == "double":
                lines.insert(number, lines[number])
            elif how == "swap":
                other = draw(st.integers(0, len(lines) - 1))
                lines[number], lines[other] = lines[other], lines[number]
            else:
                lines[number] = b""
            data = b"\n".join(lines)
        elif operation == "cut" and data:
            start = draw(st.integers(0, len(data) - 1))
            data = data[:start] + data[start + draw(st.integers(1, 50)):]
        elif operation == "insert":
            at = draw(st.integers(0, len(data)))
            data = data[:at] + draw(st.one_of(hostile_text().map(lambda t: t.encode("utf-8")),
                                              st.binary(max_size=20))) + data[at:]
        elif operation == "flip" and data:
            at = draw(st.integers(0, len(data) - 1))
            data = data[:at] + bytes([data[at] ^ (1 << draw(st.integers(0, 7)))]) + data[at + 1:]
        elif operation == "encode":
            data = data.decode("utf-8", "replace").encode(draw(st.sampled_from(ENCODINGS)), "replace")
        elif operation == "endings":
            data = data.replace(b"\r\n", b"\n").replace(b"\n", draw(st.sampled_from([b"\r", b"\r\n", b"\n\n"])))
        elif operation == "truncate" and data:
            data = data[:draw(st.integers(0, len(data) - 1))]
    return data


def from_scratch() -> st.SearchStrategy[bytes]:
    """Random bytes, or random text with control characters, in UTF-8."""
    return st.one_of(st.binary(max_size=400),
                     st.text(st.characters(blacklist_categories=("Cs",)), max_size=300).map(str.encode),
                     st.lists(hostile_text(), max_size=30).map(lambda cells: ",".join(cells).encode("utf-8")))


def text_inputs(seeds: list[bytes], delimiters: str = ",;\t") -> st.SearchStrategy[bytes]:
    """Eight in ten mutated seeds, the others from scratch."""
    mutated = st.sampled_from(seeds).flatmap(lambda seed: mutated_text(seed, delimiters))
    return st.integers(0, 9).flatmap(lambda i: mutated if i < 8 else from_scratch())


def zip_bytes(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


_XML_VALUE = __import__("re").compile(rb'"[^"<>]*"|>[^<>]+<')


@st.composite
def mutated_xml(draw, seed: bytes) -> bytes:
    """``seed`` (XML) with one to three attribute values or text nodes replaced, mostly escaped (so that the XML stays
    well-formed and the reader behind the parser is reached)."""
    from xml.sax.saxutils import escape

    data = seed
    for _ in range(draw(st.integers(1, 3))):
        spots = list(_XML_VALUE.finditer(data))
        if not spots:
            return data
        spot = spots[draw(st.integers(0, len(spots) - 1))]
        value = draw(hostile_text())
        if draw(st.integers(0, 4)):  # four in five escaped
            value = escape(value, {'"': "&quot;"})
        encoded = value.encode("utf-8", "surrogatepass")
        opened, closed = spot.group()[:1], spot.group()[-1:]
        data = data[:spot.start()] + opened + encoded + closed + data[spot.end():]
    return data


@st.composite
def mutated_zip(draw, members: dict[str, bytes], texts: tuple[str, ...]) -> bytes:
    """A zip of ``members`` with the text members of ``texts`` mutated, a member dropped or added, or its bytes
    damaged afterwards."""
    members = dict(members)
    for _ in range(draw(st.integers(1, 3))):
        operation = draw(st.sampled_from(["xml"] * 6 + ["member", "member", "drop", "add"]))
        if operation == "xml":
            name = draw(st.sampled_from(texts))
            members[name] = draw(mutated_xml(members.get(name, b"")))
        elif operation == "member":
            name = draw(st.sampled_from(texts))
            members[name] = draw(mutated_text(members.get(name, b""), delimiters="<> "))
        elif operation == "drop" and members:
            members.pop(draw(st.sampled_from(sorted(members))))
        else:
            members[draw(st.sampled_from(["x.txt", "../evil.txt", "a/b/c.xml", "Sources/x.txt", "/abs.txt"]))] = \
                draw(st.binary(max_size=50))
    data = zip_bytes(members, draw(st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED])))
    damage = draw(st.sampled_from(["none"] * 8 + ["truncate", "flip"]))
    if damage == "truncate":
        data = data[:draw(st.integers(0, len(data) - 1))]
    elif damage == "flip":
        at = draw(st.integers(0, len(data) - 1))
        data = data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1:]
    return data


def zip_inputs(members: dict[str, bytes], texts: tuple[str, ...]) -> st.SearchStrategy[bytes]:
    mutated = mutated_zip(members, texts)
    seed = zip_bytes(members)
    # eight in ten mutated at the zip level (one_of would merge repeated strategies, so weights are drawn)
    return st.integers(0, 9).flatmap(lambda i: mutated if i < 8 else mutated_text(seed, delimiters="\x00")
                                     if i == 8 else from_scratch())


def ends_well(action: Callable[[], object]) -> None:
    """Run ``action``: a result or a :class:`UserError` (one line) is fine; anything else propagates and fails."""
    from hypothesis import event

    try:
        action()
        event("stored")
    except UserError as exc:
        assert "\n" not in exc.one_line()
        event("one-line error" if not os.environ.get("FUZZ_WHY") else "error: " + exc.message[:60])


class Pipeline:
    """Read -> validate -> store, as ``mixedmethods import`` does, into a store rolled back after each example."""

    def __init__(self, folder: Path) -> None:
        from mixedmethods.instrument.codebook import load_codebook
        from mixedmethods.instrument.questionnaire import load_questionnaire
        from mixedmethods.privacy import Participant, Participants, Redactor
        from mixedmethods.resources import instruments_dir
        from mixedmethods.store import connect

        self.folder = folder
        self.key = bytes(range(32))
        self.participants = Participants([
            Participant("P-ANA00001", "Ana Pérez", "+1 246 555 0101", "ana@example.org", "caricom", "AAA111"),
            Participant("P-BRUNO002", "Bruno Lefèvre", "+1 212 555 0102", "bruno@example.org", "sixth-committee",
                        "BBB222")])
        self.redactor = Redactor(self.participants, "+1")
        self.questionnaire = load_questionnaire(instruments_dir() / "survey.yaml")
        self.codebook = load_codebook(instruments_dir() / "codebook.yaml")
        self.groups = ["caricom", "sixth-committee"]
        self.conn: sqlite3.Connection = connect(folder / "store.sqlite")
        self.conn.executemany("INSERT INTO participants (participant_id, grp, listed) VALUES (?, ?, 1)",
                              [(p.participant_id, p.group) for p in self.participants.people])  # as import does

    @contextmanager
    def _import(self, kind: str, path: Path) -> Iterator[int]:
        from mixedmethods.importing import StoredNames, begin_import

        self.conn.execute("BEGIN")
        try:
            names = StoredNames(self.participants, "+1", self.key)
            _, import_id = begin_import(self.conn, [], kind, path.name, "0" * 64, "fuzz", {}, {path.name: "0" * 64},
                                        names)
            yield import_id
        finally:
            self.conn.execute("ROLLBACK")

    def write(self, name: str, data: bytes) -> Path:
        path = self.folder / name
        path.write_bytes(data)
        return path

    def survey(self, path: Path, reader: str, questionnaire=None) -> None:
        from mixedmethods.survey.importer import store_survey
        from mixedmethods.survey.readers import read_survey
        from mixedmethods.survey.validate import validate_survey

        questionnaire = questionnaire or self.questionnaire
        raw = read_survey(path, questionnaire, path.name, reader)
        responses, rejects = validate_survey(raw, questionnaire, self.participants, self.key, self.groups,
                                             self.redactor, path.name)
        with self._import("survey", path) as import_id:
            store_survey(self.conn, import_id, responses, rejects, raw.repeats, self.redactor)

    def interviews(self, *paths: Path) -> None:
        from mixedmethods.interviews.importer import store_interviews
        from mixedmethods.interviews.readers import read_interview_files

        transcripts, orphans = read_interview_files(list(paths), lambda p: p.name)
        with self._import("interviews", paths[-1]) as import_id:
            store_interviews(self.conn, import_id, transcripts, orphans, self.codebook, self.participants,
                             self.redactor, self.key)

    def chat(self, path: Path, chat_format: str = "auto") -> None:
        from mixedmethods.chats.importer import store_chat
        from mixedmethods.chats.linkage import AuthorLinker
        from mixedmethods.chats.readers import read_chat

        frame, found = read_chat(path, path.name, None, chat_format, [p.name for p in self.participants.people])
        with self._import("chats", path) as import_id:
            store_chat(self.conn, import_id, frame, found, "caricom",
                       AuthorLinker(self.participants, self.key, "+1"))
