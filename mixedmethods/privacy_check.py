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
import operator
import re
from dataclasses import dataclass
from itertools import accumulate, compress
from pathlib import Path
from typing import Callable, Iterable, Iterator

from .identity_matching import IdentityMatcher, fold
from .privacy import _DIGIT_RUN, Participants, Redactor, email_spans, load_key
from .privacy_files import Markup, file_texts
from .privacy_pair import Searcher
from .privacy_store import STORED_STAMPS, Parts, check_store, raw_pages, scan_database  # noqa: F401 - public here

# Texts scanned together are joined with this: longer than any separator a match may span, and a line end.
_JOIN = "\n\n\n\n\n"
STORE_SIDE_FILES = ("-shm", ".lock")  # SQLite's shared-memory index and our lock: no content


# A time stamp or a hash as the whole value (a store column of them): no phone number to look for.
_STAMP = re.compile(r"\d{4}-\d\d-\d\d(?:[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)?)?|[0-9a-f]{64}")
GENERIC = {"phone": "phone number", "e-mail": "e-mail address"}  # a listed person's kind -> anyone's
_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")
_AT_DOMAIN = re.compile(r"@[\w-]+\.[\w-]")  # in every e-mail address (privacy.email_spans' patterns)
_ITEMS = 20_000  # items scanned at once by LeakFinder.scan
# LeakFinder.search: four lists (as LeakFinder.scan_parts') of (index of the text in the chunk, kind, participant id)
Hits = tuple[list[tuple[int, str, "str | None"]], ...]


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
        return self.scan_chunks(
            ([text for _, text in items[start:start + _ITEMS]],
             lambda index, start=start: items[start + index][0], (start,))
            for start in range(0, len(items), _ITEMS))

    def scan_chunks(self, chunks: Iterable[tuple[list[str], Callable[[int], object], tuple]],
                    searcher: Searcher | None = None) -> list[tuple[object, str, str | None]]:
        """:meth:`scan` for texts given a chunk at a time: ``(texts, locate, order)``, where ``locate(index)`` is
        the location of ``texts[index]`` (made only for a finding) and ``order`` (a tuple) the place of the chunk's
        texts among all the texts (chunks may come in another order, e.g. the columns of a table read row by row).
        The findings come in the order :meth:`scan` gives for all the texts as one list in that order: the listed
        people's phone numbers, their names and e-mail addresses, anyone's e-mail addresses, anyone's phone
        numbers, each in the order of the texts. ``searcher``: see :meth:`scan_parts`."""
        return self.merge([self.scan_parts(chunks, searcher)])

    def scan_parts(self, chunks: Iterable[tuple[list[str], Callable[[int], object], tuple]],
                   searcher: Searcher | None = None) -> Parts:
        """The findings of :meth:`scan_chunks` before they are put in order: four lists (listed people's phone
        numbers; their names and e-mail addresses; anyone's e-mail addresses; anyone's phone numbers) of
        ``(order, location, kind, participant id)``, ``order`` being the chunk's. A finding of anyone's number or
        address where a listed person's was found is left out (it is reported as theirs).

        ``searcher``: what searches the chunks (:class:`.privacy_pair.Searcher`, which may do it in a second
        process while this one reads the next: a store's chunks, read from SQLite); by default, this process. The
        findings are the same."""
        found: tuple[list, list, list, list] = ([], [], [], [])
        for (_, locate, order), hits in (searcher or Searcher(self, beside=False)).searched(chunks):
            for part, part_hits in zip(found, hits):
                part.extend([(order, locate(at), kind, pid) for at, kind, pid in part_hits])
        known = {(location, GENERIC[kind]) for part in found[:2] for _, location, kind, pid in part
                 if pid is not None and kind in GENERIC}
        return (found[0], found[1], *([f for f in part if (f[1], f[2]) not in known] for part in found[2:]))

    @staticmethod
    def merge(parts: Iterable[Parts]) -> list[tuple[object, str, str | None]]:
        """``(location, kind, participant id)`` of several :meth:`scan_parts` (whose locations never recur in
        another), kind by kind, each in the order of its chunks (stable: a chunk's findings keep their order)."""
        parts = list(parts)
        merged = []
        for number in range(4):
            found = sorted((f for part in parts for f in part[number]), key=lambda finding: finding[0])
            merged.extend((location, kind, pid) for _, location, kind, pid in found)
        return merged

    def search(self, texts: list[str]) -> Hits:
        """What is in ``texts``, searched joined as one text (each pattern once over the chunk: no match can cross
        :data:`_JOIN`): :meth:`scan_parts`' four lists, with the index of the text in ``texts`` in place of its
        order and location, each list in the order of the texts. It depends on ``texts`` and the finder only
        (no location is made here), so a second process can run it (:mod:`.privacy_pair`)."""
        found: Hits = ([], [], [], [])
        if not texts:
            return found
        raw = _JOIN.join(texts)
        starts: list[int] = []

        def index(position: int) -> int:  # the text holding ``position`` of ``raw`` (worked out on a finding)
            if not starts:
                starts.extend(_starts(texts))
            return bisect.bisect_right(starts, position) - 1

        # The matcher looks for a listed number in all of a text's digits first; the same test, with the digits
        # taken by one substitution rather than a list of runs (a third of the time on a chunk of chat).
        digits = getattr(self.matcher, "_phone_digits", False)
        if digits is False or (digits is not None and digits.search(_NOT_DIGITS.sub("", raw))):
            for match in self.matcher.phones(raw):
                found[0].append((index(match.start), match.kind, match.participant_id))
        # Names are searched in the folded texts, whose lengths may differ from the originals' (an ASCII chunk
        # keeps every length, so its positions are the raw text's).
        if raw.isascii():
            folded, folded_index = raw.lower(), index
        else:
            pieces = _folded(texts)
            folded, folded_starts = _JOIN.join(pieces), []

            def folded_index(position: int) -> int:
                if not folded_starts:
                    folded_starts.extend(_starts(pieces))
                return bisect.bisect_right(folded_starts, position) - 1
        for match in self.matcher.names_in_folded(folded):
            found[1].append((folded_index(match.start), match.kind, match.participant_id))
        # Every address has an "@", a word and a dot after it: a chunk without one holds no address.
        if "@" in raw and _AT_DOMAIN.search(raw):
            for start, _ in email_spans(raw):
                at = index(start)
                if not isinstance(texts[at], Markup):
                    found[2].append((at, "e-mail address", None))
        if _DIGIT_RUN.search(raw):
            for at in sorted({index(m.start()) for m in _DIGIT_RUN.finditer(raw)}):
                text = texts[at]
                if isinstance(text, Markup) or _NUMBER.fullmatch(text.strip()) or _STAMP.fullmatch(text.strip()):
                    continue  # a size, a count, an id: not somebody's number written for people to read
                if self.redactor.phones(text):
                    found[3].append((at, "phone number", None))
        return found


_NOT_DIGITS = re.compile(r"\D+")


def _folded(texts: list[str]) -> list[str]:
    """``[fold(t) for t in texts]``, with the ASCII texts (most texts of most chats) lowered by ``map`` in C."""
    pieces = list(map(str.lower, texts))
    for at in compress(range(len(texts)), map(operator.not_, map(str.isascii, texts))):
        pieces[at] = fold(texts[at])
    return pieces


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
               distinct: bool = False, tables=None) -> list[Finding]:
    """Findings in one file (read by its content: SQLite, zip, PNG, JSON, CSV, SPSS, else text).

    ``distinct``: in a database, each distinct value of a column is scanned once, and a finding names the
    first row holding it (the build's check, which stops at the first finding; ``check-privacy`` lists
    every row); ``tables``: the findings of a database's unchanged tables (:func:`.privacy_store.check_store`).
    """
    name = finder.shown(shown)
    try:
        with path.open("rb") as handle:
            database = handle.read(16).startswith(b"SQLite format 3\0")
        # A store is read and scanned a chunk at a time (a million chat messages: privacy_store).
        located = (scan_database(path, finder, distinct, tables) if database
                   else finder.scan(list(file_texts(path, finder))))
    except Exception as exc:  # a damaged file of any format: it may hold anything, so it is a finding
        return [Finding(name, f"could not be read ({type(exc).__name__})", "not checked")]
    findings = [Finding(name, _where(location), kind, pid) for location, kind, pid in located]
    if raw and (path.suffix in (".sqlite", ".db") or path.name.endswith("-wal")):
        seen = {(f.kind, f.participant_id) for f in findings}
        for location, kind, pid in finder.scan(list(raw_pages(path))):  # deleted rows, old page versions
            if (kind, pid) not in seen:
                findings.append(Finding(name, location, kind, pid))
    return findings


def _where(location: object) -> str:
    if isinstance(location, tuple):
        return "table {}, column {}, row {}".format(*location)
    return str(location)
