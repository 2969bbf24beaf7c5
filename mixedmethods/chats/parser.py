"""The one place that reads a WhatsApp export (.txt, or .zip with the chat inside).

Output: a pandas DataFrame, one row per message or system event, columns
``timestamp``, ``author``, ``text``, ``kind`` (text, media, deleted, edited,
poll, location, system), ``event`` (for system rows: created, added,
removed, left, joined, subject_changed, icon_changed, icon_deleted,
description_changed, description_deleted, security_code, number_changed,
admin, admin_revoked, settings_changed, invite_link_revoked, encryption,
missed_call, in English also disappearing_off, pinned, blocked, unblocked, as named by the table of WhatsApp's own strings in
``whatsapp_events.json``; other formats also pinned and call; ``other`` for a
system line no table names) and ``line`` (1-based line in the export).
Analysis takes this frame and never re-reads the file. The format is
registered as ``whatsapp`` by :mod:`mixedmethods.chats.readers.whatsapp`;
another chat format returns the same frame.

Shapes read: Android ``d/m/y, H:MM - Name: text`` and iOS
``[d/m/y, H:MM:SS] Name: text`` (Vietnamese: ``[H:MM:SS, d/m/y]``), and, when
neither is found, the bare ``d.m.y H.MM.SS: Name: text`` and ``d. m. y. H:MM:SS
Name: text`` of some older phones (platform ``other``); 12-hour clocks with ``AM``/``PM``,
``a. m.``/``p. m.``, Turkish ``ÖÖ``/``ÖS``, Arabic ``ص``/``م`` (table
``HALF_DAY``), with a space, U+202F or U+00A0 before them; 24-hour clocks,
also dotted (``21.25``) and after Finnish ``klo``; day-month-year,
month-day-year and year-month-day dates with 2- or 4-digit years and ``/``,
``.`` or ``-``, with or without a comma (Arabic ``،`` too) before the time;
Arabic-Indic digits; U+200E/U+200F marks; ``~ `` before names of
non-contacts; phone numbers as authors (U+2011 hyphens kept as ``-``);
multi-line messages. The date order is decided from the whole file: a first
number above 12 means day first, a second above 12 month first; if neither
decides, the order under which the time stamps never go back, and when both
do, the one whose first-to-last span is shorter; else the caller must say
(``date_order``).

Every line that starts with a header starts a row: ``Name: text`` (or
``Name:`` with nothing after it, an empty message) is a message; any other
text is a system event, in any language, named from the table in
:mod:`.patterns` or ``other``; it is never glued into the message above. On
iOS the group's name stands as the author of system texts, which then start
with a left-to-right mark (the name may hold ': '): a marked text is a system
event when the table names it, or ``other`` when its author writes nothing but
marked texts (a group's name); media and deleted markers come first; "Group: Messages
and calls are end-to-end encrypted" in the first lines is the encryption
event on both systems. A line before the first header is an error naming the
line.
"""

from __future__ import annotations

import gc
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from ..errors import InputFileError
from ..safeinput import CONTROL, describe_controls, replace_controls
from .headers import (ANDROID_SPLIT, BARE_SPLIT, GROUPS, IOS_SPLIT, IOS_TIME_FIRST_SPLIT, ROWS, missed_header,
                      narrow_rows)
from .bodies import BodyFacts, body_facts, kind_candidate_rows
from .overview import event_details, summary  # noqa: F401  (where chats inspect finds them)
from .patterns import ENCRYPTION, colon_system, message_kind, system_event
from .rawbytes import _MARK_CHARS, _cleaned_present, _no_controls, clean_bytes
from .stamps import _clock_seconds, _time_stamps, first_row_codes  # noqa: F401  (tests read _clock_seconds)

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_ARABIC_DIGIT = re.compile("[٠-٩۰-۹]")
_SYSTEM_MARK = "\x1e"  # stands for the left-to-right mark iOS puts before system texts
_ROWS = ROWS  # the row patterns under their former name
DATE_ORDERS = ("dmy", "mdy", "ymd")


@dataclass
class ChatFormat:
    platform: str  # android, ios or other (WhatsApp headers without brackets or " - "); another format: what
    # it is, e.g. "telegram desktop json"
    date_order: str
    clock: str  # 12h or 24h
    media_files: int = 0
    controls: tuple[int, int, str] | None = None  # characters XML cannot hold, replaced: (count, first line, which)
    name: str = ""  # the registered format that read it ("whatsapp"); set by readers.read_chat

    def describe(self) -> str:
        return f"{self.platform}, {self.date_order}, {self.clock}"


def read_export(path: Path, shown: str) -> tuple[str, int]:
    """The chat text of a .txt or .zip export, and the number of media files in the zip."""
    data, media = _export_bytes(path, shown)
    return _decode(data, shown), media


def _export_bytes(path: Path, shown: str) -> tuple[bytes, int]:
    if not path.is_file():
        raise InputFileError("file not found", file=shown)
    if path.suffix.lower() == ".zip":
        from ..safeinput import open_zip, read_member

        with open_zip(path, shown, "cannot open as a .zip export") as archive:
            names = [n for n in archive.namelist() if n.lower().endswith(".txt")]
            if not names:
                raise InputFileError("no chat .txt inside this .zip export", file=shown)
            chat = sorted(names, key=lambda n: (not n.endswith("_chat.txt"), len(n)))[0]
            data = read_member(archive, chat, shown)
            media = sum(1 for n in archive.namelist() if n != chat and not n.endswith("/"))
        return data, media
    return path.read_bytes(), 0


def _decode(data: bytes, shown: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputFileError("a WhatsApp export is UTF-8 text; this byte is not", file=shown, line=line) from None


def _clean(text: str | list[str], present: str | None = None) -> str:
    """Marks removed, special spaces made plain, CRLF and lone CR made LF (str.replace per character is fastest
    here). A list holding the text is emptied, so that each copy is freed as soon as the next is made.
    ``present``: the characters of :data:`.rawbytes.CLEANED` the text may hold (found on its bytes), or None
    (each is looked for in the text)."""
    if isinstance(text, list):
        text = text.pop()
    for mark in _MARK_CHARS:
        if mark in (text if present is None else present):
            text = text.replace(mark, "")
    for space in "\u202f\u00a0\u2009":
        if space in (text if present is None else present):
            text = text.replace(space, " ")
    if "\r" not in (text if present is None else present):  # one scan, instead of a CRLF search that copies nothing
        return text
    text = text.replace("\r\n", "\n")
    # Old Mac and some converters end lines with CR alone: without this every message would merge into one.
    return text.replace("\r", "\n") if "\r" in text else text


def parse_chat(text: str, shown: str, date_order: str | None = None, media_files: int = 0,
               known_authors: Iterable[str] = ()) -> tuple["pd.DataFrame", ChatFormat]:
    """Parse export text into the frame described in the module docstring, and the detected format.

    ``known_authors``: the study's participant names (private/participants.csv).
    A name that itself contains ``:`` ("Amb. Smith: Barbados") cannot be told
    from "Name: text" by the text alone; when a line starts with such a listed
    name followed by ``:``, the name is the author and the rest the message.

    Written for speed, with little Python work per row for the common message:
    one ``re.split`` on the header pattern of the export's shape (which also
    takes a ``Name:`` that ends on the first line, and the space after it)
    cuts the whole text into dates, clock times, names and bodies in C, with
    the pattern narrowed to the export's own headers when the general one
    finds no header it missed (:mod:`.headers`); dates, clock times and names
    are read once per distinct string and mapped back with integer codes;
    a message is looked at again only when it may be special (its first or
    last characters are those of a media, deleted, edited, poll or location
    marker) or its row is unusual (no name on its first line, a system mark,
    the first three rows); those rows go through :func:`_read_row`, the rule
    in full.
    """
    return _parse(_prepare([text], shown, date_order), shown, date_order, media_files, known_authors)


def _prepare(handed: list[str], shown: str, date_order: str | None, no_controls: bool = False,
             present: str | None = None) -> list:
    """``[cleaned text, its header pattern (one of the *_SPLIT), its platform, the control characters replaced,
    the narrow row pattern of its headers or None]`` (a list, which :func:`_parse_rows` empties). ``handed``: a
    list holding the export's text, emptied here; ``no_controls``: the bytes it was decoded from were checked
    and hold no character that :data:`CONTROL` matches; ``present``: see :func:`_clean` (used only then)."""
    text = handed.pop()
    if date_order is not None and date_order not in DATE_ORDERS:
        raise InputFileError(f"date order {date_order!r}: expected one of {', '.join(DATE_ORDERS)}", file=shown)
    controls = None
    first = None if no_controls else CONTROL.search(text)
    if first is not None:  # a NUL or U+000B would stop the report (XML cannot hold it): replaced, and noted
        which = describe_controls(text)
        line = text.count("\n", 0, first.start()) + 1
        text, count = replace_controls(text, line_breaks=False)
        controls = (count, line, which)
    if _ARABIC_DIGIT.search(text, 0, 5000):  # Arabic-Indic digits in the headers: read as 0-9
        text = text.translate(_DIGITS)
    start = _clean(text[:5000])
    split = next((s for s in (IOS_SPLIT, ANDROID_SPLIT, IOS_TIME_FIRST_SPLIT, BARE_SPLIT) if s.search(start)),
                 ANDROID_SPLIT)
    platform = {ANDROID_SPLIT: "android", BARE_SPLIT: "other"}.get(split, "ios")
    present = present if controls is None else None  # characters replaced for controls: looked for again
    if platform == "ios" and (present is None or "\u200e" in present):  # keep the mark that tells system texts
        text = text.replace(": \u200e", ": " + _SYSTEM_MARK)  # apart, as a character of its own
    handed.append(text)
    del text
    return [_clean(handed, present), split, platform, controls, narrow_rows(split, start)]


def _parse(prepared: list, shown: str, date_order: str | None, media_files: int, known_authors: Iterable[str]
           ) -> tuple["pd.DataFrame", ChatFormat]:
    """The frame of a prepared export (:func:`_prepare`); the cyclic garbage collector is paused meanwhile: the
    parse makes millions of objects and no cycles, and the collector's passes over them cost a fifth of the
    time."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _parse_rows(prepared, shown, date_order, media_files, known_authors)
    finally:
        if collecting:
            gc.enable()


def _parse_rows(prepared: list, shown: str, date_order: str | None, media_files: int,
                known_authors: Iterable[str]) -> tuple["pd.DataFrame", ChatFormat]:
    import numpy as np
    import pandas as pd

    text, split, platform, controls, narrow = prepared
    prepared.clear()  # the text is freed once cut into rows

    marked_ios = platform == "ios"
    parts, prefix, facts, newlines = _cut(text, split, narrow, (_SYSTEM_MARK,) if marked_ios else ())
    del text
    # Every header starts a row: a message, or (no "Name: ") a system event, whatever its language.
    dates, clocks = (parts[2::_STRIDE], parts[1::_STRIDE]) if split is IOS_TIME_FIRST_SPLIT else \
        (parts[1::_STRIDE], parts[2::_STRIDE])
    names, spaces, bodies = parts[4::_STRIDE], parts[5::_STRIDE], parts[6::_STRIDE]
    del parts
    if not bodies:
        raise InputFileError("no WhatsApp message header found (expected lines like '12/03/2024, 10:15 - Name: "
                             "text' or '[12/03/2024, 10:15:22] Name: text')", file=shown, line=1)
    if prefix.strip():
        offset = len(prefix) - len(prefix.lstrip())
        raise InputFileError("this line is not part of any message (it comes before the first message header)",
                             file=shown, line=prefix.count("\n", 0, offset) + 1)
    count = len(bodies)
    lines = np.empty(count, dtype=np.int64)
    lines[0] = 1 + prefix.count("\n")
    np.cumsum(newlines[:-1], out=lines[1:])
    lines[1:] += lines[0]
    del newlines
    stamps = _time_stamps(dates, clocks, lines, date_order, shown)
    del dates, clocks
    colon_names = _colon_names(known_authors)
    # Names are looked at once each (a chat has a few hundred) and mapped back through the first row of each.
    name_rows, distinct_names, first_rows = first_row_codes(names)
    seen: dict[str, tuple[bool, str]] = {}  # author text -> (is a system line, cleaned name); authors repeat
    by_first_row = np.empty(count, dtype=object)  # each distinct name's cleaned form, at its first row
    odd = []  # first rows of names that make their rows unusual: none (a system line), or see below
    for row, name in zip(first_rows, distinct_names):
        if name is None:
            odd.append(row)
            continue
        known = seen[name] = (colon_system(name), _author(name))
        by_first_row[row] = known[1]
        if known[0] or (marked_ios and _SYSTEM_MARK in name):  # a system line whose text holds ': ', or marks
            odd.append(row)
    authors = by_first_row[name_rows]
    unusual = np.isin(name_rows, odd)
    del name_rows, by_first_row
    unusual[:3] = True  # the encryption notice after a group's name is looked for in the first rows only
    if marked_ios:
        unusual[facts.marked[ord(_SYSTEM_MARK)]] = True
    if colon_names is not None:  # a listed name that holds ':' may start the row
        unusual[[i for i, (n, s, b) in enumerate(zip(names, spaces, bodies))
                 if n is not None and colon_names.match(n + ":" + s + b)]] = True
    unusual_rows = np.flatnonzero(unusual).tolist()
    whole = {i: (bodies[i] if names[i] is None else names[i] + ":" + spaces[i] + bodies[i]).rstrip("\n")
             for i in unusual_rows}
    del names
    # The space after "Name:" went with the name, so a one-line body is its text. A body with line breaks: the
    # line break after "Name:" (when the text starts on the next line) and those before the next header are
    # dropped. In place, so bodies and texts are not both held. (Rows without a name get their text from _read_row.)
    texts = bodies
    for i in facts.several:
        texts[i] = ((spaces[i] or "") + texts[i]).rstrip("\n")[1:]
    del bodies, spaces
    kinds = np.full(count, "text", dtype=object)
    events = np.full(count, None, dtype=object)
    decided: dict[str, tuple[str, str]] = {}  # the same marker texts ("<Media omitted>") come back many times
    for i in kind_candidate_rows(texts, facts, facts.several):
        found = decided.get(texts[i])
        if found is None:
            found = decided[texts[i]] = message_kind(texts[i])
        kinds[i], texts[i] = found
    del decided
    unknown_marked: list[int] = []  # rows of iOS texts after the mark that no table names
    for i in unusual_rows:
        authors[i], texts[i], kinds[i], events[i], unknown = _read_row(i, whole.pop(i), marked_ios, colon_names, seen)
        if unknown:
            unknown_marked.append(i)
    _unknown_marked_as_events(unknown_marked, authors, texts, kinds, events)
    frame = pd.DataFrame({"timestamp": pd.to_datetime(stamps.seconds, unit="s"), "author": authors, "text": texts,
                          "kind": kinds, "event": events, "line": lines})
    return frame, ChatFormat(platform, stamps.order, stamps.clock, media_files, controls)


_STRIDE = GROUPS + 1  # re.split gives the text before the first header, then per row GROUPS parts and the body


def _cut(text: str, split: "re.Pattern[str]", narrow: "re.Pattern[str] | None", marks: tuple[str, ...]
         ) -> tuple[list, str, BodyFacts, "np.ndarray"]:
    """The parts of the text cut at its headers by re.split (the text before the first header, then per
    row :data:`GROUPS` parts and its body), the text before the first header, the facts of the bodies
    (:func:`.bodies.body_facts`: line breaks, rows holding ``marks``...) and the line breaks each row spans
    (the header's line included).

    The narrow pattern of the export's headers is tried first; its cut is kept when the general pattern finds
    no header it missed (none among the first rows, none in a body with a line break), so that both cut alike.
    Fast patterns: each row's line break before the next header goes with that header. They cannot see a
    header on the first line (no line break before it): "general" reads that first piece."""
    import numpy as np

    fast, general = ROWS[split]
    for pattern in (fast,) if narrow is None else (narrow, fast):
        parts = pattern.split(text)
        first = parts[0] + "\n" if len(parts) > 1 else parts[0]
        head = general.split(first)
        if pattern is narrow and len(head) > 1 + _STRIDE:
            continue  # two headers before the first the narrow pattern found: it missed one
        if len(head) > 1:
            if len(parts) > 1:
                head[-1] = head[-1][:-1]  # the line break went with the next header
            parts[0:1] = head
            prefix = ""
        else:
            prefix = first
        del head, first
        if "\n" in parts[3::_STRIDE]:
            break  # a header ends its line: the general pattern, below
        bodies = parts[_STRIDE::_STRIDE]
        facts = body_facts(bodies, marks)
        if pattern is fast or not missed_header(fast, bodies, facts.several):
            return parts, prefix, facts, facts.breaks + 1
        del parts, bodies, facts
    parts = general.split(text)
    facts = body_facts(parts[_STRIDE::_STRIDE], marks)
    ended = np.array([trailer == "\n" for trailer in parts[3::_STRIDE]], dtype=np.int64)  # such a header counts it
    return parts, parts[0], facts, facts.breaks + ended


def _read_row(index: int, body: str, marked_ios: bool, colon_names: "re.Pattern[str] | None",
              seen: dict[str, tuple[bool, str]]) -> tuple[str | None, str, str, str | None, bool]:
    """``(author, text, kind, event, unknown_marked)`` of one row from its whole body (what follows the header,
    trailing line breaks removed): the rule of the module docstring in full, for the rows the vectorised pass
    leaves (no name on the first line, system marks, names with ':', the first three rows). ``unknown_marked``:
    an iOS text after the mark that no table names, decided once all authors are known."""
    colon = body.find(":", 0, 102)
    if marked_ios and _SYSTEM_MARK in body:  # iOS system text: the group's name (which may hold ': ') ends here
        colon = body.find(": " + _SYSTEM_MARK)
    elif colon_names is not None and colon > 0:
        listed = colon_names.match(body)
        if listed:
            colon = listed.end()
    # "Name: text", or "Name:" with nothing after it (an empty message; trailing spaces trimmed).
    author = body[:colon] if colon > 0 and body[colon + 1:colon + 2] in (" ", "\n", "") else None
    if author is not None:
        known = seen.get(author)
        if known is None:
            known = seen[author] = (colon_system(author), _author(author))
    if author is None or known[0]:
        # No author (Android system line), or a system line whose own text holds ': '.
        message = body.replace(_SYSTEM_MARK, "")
        return None, message, "system", system_event(message) or "other", False
    message = body[colon + 2:]
    unknown = False
    if message[:1] == _SYSTEM_MARK:
        # iOS writes system events as messages of the group, the text after a left-to-right mark; media and
        # deleted messages carry the mark too, so those are decided first.
        message = message[1:]
        if message_kind(message)[0] == "text":
            event = system_event(message)
            if event is not None:
                return None, message, "system", event, False
            unknown = True  # unknown text after the mark: decided once all authors are known
    elif index < 3 and ENCRYPTION.search(message, 0, min(200, (message + "\n").find("\n"))):
        # "Group name: Messages and calls are end-to-end encrypted", the first lines only.
        return None, body, "system", "encryption", False
    kind, message = message_kind(message)
    return known[1], message, kind, None, unknown


def _colon_names(names: Iterable[str]) -> "re.Pattern[str] | None":
    """A pattern matching, at the start of a line's text, a listed name that contains ':' (cleaned like the
    export's text, optional "~ " of non-contacts), up to the colon that ends it; None when no name has one."""
    with_colon = sorted({_clean(n).strip() for n in names if n and ":" in n}, key=len, reverse=True)
    if not with_colon:
        return None
    return re.compile(r"(?:~\s?)?(?:" + "|".join(re.escape(n) for n in with_colon) + r")(?=:(?: |\n|$))",
                      re.IGNORECASE)


def _unknown_marked_as_events(rows: list[int], authors: list, texts: list, kinds: list, events: list) -> None:
    """iOS texts after the left-to-right mark that no table names (another language, a newer wording): system
    events (``other``) when their author never writes an unmarked message, as a group's name never does; else
    messages (a person's media or call notice in a language the table lacks)."""
    if not rows:
        return
    pending = set(rows)
    writers = {a for i, (a, k) in enumerate(zip(authors, kinds)) if k != "system" and i not in pending}
    for row in rows:
        if authors[row] not in writers:
            authors[row], kinds[row], events[row] = None, "system", "other"


def _author(raw: str) -> str:
    name = raw.strip()
    if name.startswith("~"):
        name = name[1:].strip()
    return name.replace("\u2011", "-")


def parse_export(path: Path, shown: str | None = None, date_order: str | None = None,
                 known_authors: Iterable[str] = ()) -> tuple["pd.DataFrame", ChatFormat]:
    """Read and parse a .txt or .zip WhatsApp export (``known_authors``: see :func:`parse_chat`)."""
    label = shown or str(path)
    data, media = _export_bytes(path, label)
    no_controls = _no_controls(data)
    # Wide characters (U+202F, U+2011 of iOS exports): cleaned on the bytes, into a text of 1 byte a character.
    prepared = _prepare_bytes(data, date_order) if no_controls and b"\xe2" in data else None
    if prepared is not None:
        del data
        return _parse(prepared, label, date_order, media, known_authors)
    present = _cleaned_present(data) if no_controls else None
    # The text is handed over in a list that _prepare empties, so that it is freed once cleaned (a variable here
    # would keep it alive while its cleaned copies are made: 170 MB for a million iOS messages).
    handed = [_decode(data, label)]
    del data
    return _parse(_prepare(handed, label, date_order, no_controls, present), label, date_order, media,
                  known_authors)


def _prepare_bytes(data: bytes, date_order: str | None) -> list | None:
    """What :func:`_prepare` gives for UTF-8 ``data`` without control characters, cleaned on the bytes
    (:func:`.rawbytes.clean_bytes`): one pass over the bytes instead of a replace per character through a
    text of 2 bytes a character (U+202F and U+2011 in iOS exports). None when the text's own path is needed:
    bytes that are no UTF-8 (it names the line), a date order it refuses, Arabic-Indic digits in the first
    characters, or what :func:`.rawbytes.clean_bytes` leaves to it."""
    import codecs

    if date_order is not None and date_order not in DATE_ORDERS:
        return None
    try:  # the first 5,000 characters (at most 4 bytes each, after a byte order mark), as _prepare reads them
        first = codecs.getincrementaldecoder("utf-8-sig")().decode(data[:20_003])[:5000]
    except UnicodeDecodeError:
        return None
    if _ARABIC_DIGIT.search(first):
        return None
    start = _clean(first)
    split = next((s for s in (IOS_SPLIT, ANDROID_SPLIT, IOS_TIME_FIRST_SPLIT, BARE_SPLIT) if s.search(start)),
                 ANDROID_SPLIT)
    platform = {ANDROID_SPLIT: "android", BARE_SPLIT: "other"}.get(split, "ios")
    cleaned = clean_bytes(data, _SYSTEM_MARK if platform == "ios" else None)
    if cleaned is None:
        return None
    try:
        text = str(cleaned, "utf-8")
    except UnicodeDecodeError:
        return None
    del cleaned
    return [text, split, platform, None, narrow_rows(split, start)]
