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

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from ..errors import InputFileError
from ..safeinput import CONTROL, describe_controls, replace_controls
from .patterns import (ENCRYPTION, ERA_OFFSET, HALF_DAY, colon_system, encryption_locale, message_kind,
                       system_event)

if TYPE_CHECKING:
    import pandas as pd

_MARK_CHARS = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
# For re.split: the whole header, its date and its time (three groups); numbers are read per distinct string.
# Dates: d/m/y in any order with "/", "." or "-", optionally "13. 6. 2018." (spaces after dots); between date and
# time ", ", " ", Arabic "، " or Finnish " klo ". Times: "21:25", "21.25.15", 12-hour markers from HALF_DAY.
_DATE_SPLIT = r"(\d{1,4}[./-] ?\d{1,2}[./-] ?[RHS]?\d{1,4}\.?(?: BE)?)"  # ERA_OFFSET: "2565 BE", "R4"
# "p. m.", "p.m.", "PM", "ÖS": letters of a HALF_DAY key, each optionally followed by a dot and a space.
_HALF = "(?i:" + "|".join(r"\.?\s?".join(map(re.escape, key)) + r"\.?" for key in HALF_DAY) + ")"
_TIME_SPLIT = rf"(\d{{1,2}}[:.]\d{{2}}(?:[:.]\d{{2}})?(?:\s?(?=[aApPöÖصم])(?:{_HALF}))?)"
_BETWEEN = r"(?:[,،]?\s|\sklo\s)"
IOS_SPLIT = re.compile(rf"^(\[{_DATE_SPLIT}{_BETWEEN}{_TIME_SPLIT}\]\s)", re.MULTILINE)
# iOS in Vietnamese writes the time first: "[14:56:01, 3/18/22] Name: text".
IOS_TIME_FIRST_SPLIT = re.compile(rf"^(\[{_TIME_SPLIT},\s{_DATE_SPLIT}\]\s)", re.MULTILINE)
ANDROID_SPLIT = re.compile(rf"^({_DATE_SPLIT}{_BETWEEN}{_TIME_SPLIT}\s[-–]\s)", re.MULTILINE)
# Headers with neither brackets nor " - ", as some older phones wrote them: "13.06.18 21.25.15: Name: text",
# "13. 6. 2018. 21:25:15 Name: text". Tried last: in a file of another shape such a line is message text.
BARE_SPLIT = re.compile(rf"^({_DATE_SPLIT}{_BETWEEN}{_TIME_SPLIT}:?\s)", re.MULTILINE)
_TIME_PARTS = re.compile(rf"(\d{{1,2}})[:.](\d{{2}})(?:[:.](\d{{2}}))?(?:\s?({_HALF}))?")
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_ARABIC_DIGIT = re.compile("[٠-٩۰-۹]")
_SYSTEM_MARK = "\x1e"  # stands for the left-to-right mark iOS puts before system texts
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
    else:
        data, media = path.read_bytes(), 0
    try:
        return data.decode("utf-8-sig"), media
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputFileError("a WhatsApp export is UTF-8 text; this byte is not", file=shown, line=line) from None


def _date_numbers(text: str) -> tuple[int, int, int]:
    """The three numbers of a date as written, a year of a non-Gregorian calendar made Gregorian."""
    a, b, c = (int(x) for x in re.findall(r"\d+", text))
    era = re.search(r"BE|[RHS]", text)
    if era:
        c += ERA_OFFSET[era.group()]
    return a, b, c


def _year(value: int) -> int:
    return value + 2000 if value < 100 else value


def _decide_order(triples: list[tuple[int, int, int]], times: list[tuple[int, int, int]], shown: str) -> str:
    if any(a > 31 for a, _, _ in triples):
        return "ymd"
    day_first = any(a > 12 for a, _, _ in triples)
    month_first = any(b > 12 for _, b, _ in triples)
    if day_first and not month_first:
        return "dmy"
    if month_first and not day_first:
        return "mdy"
    if not day_first and not month_first:
        # The order under which the time stamps never go back; if both do, the one with the shorter span
        # (05/12 ... 09/12 one day apart each is December, not five months).
        spans = {order: _forward_span(triples, times, order) for order in ("dmy", "mdy")}
        forward = sorted((span, order) for order, span in spans.items() if span is not None)
        if len(forward) == 1 or (len(forward) == 2 and forward[0][0] < forward[1][0]):
            return forward[0][1]
    raise InputFileError("cannot tell whether dates are day/month or month/day; pass --date-order dmy or mdy",
                         file=shown)


def _forward_span(triples: list[tuple[int, int, int]], times: list[tuple[int, int, int]], order: str
                  ) -> float | None:
    """Seconds from the first to the last date when the dates (in file order) never go back under ``order``,
    else None."""
    first = previous = None
    for (a, b, c), (h, m, s) in zip(triples, times):
        day, month = (a, b) if order == "dmy" else (b, a)
        try:
            stamp = datetime(_year(c), month, day, h, m, s)
        except ValueError:
            return None
        if previous is not None and stamp < previous:
            return None
        first = first or stamp
        previous = stamp
    return (previous - first).total_seconds() if first else None


def _seconds(clock: str) -> int | None:
    """Seconds after midnight of a clock time such as ``9:05``, ``21:05:09`` or ``9:05 p. m.``; None when it is no
    time of day (``25:61``)."""
    hour_text, minute_text, second_text, half = _TIME_PARTS.match(clock).groups()
    hour, minute, second = int(hour_text), int(minute_text), int(second_text or 0)
    if hour > (12 if half else 23) or minute > 59 or second > 59:
        return None
    hour = hour % 12 + (12 if HALF_DAY[re.sub(r"[\s.]", "", half).lower()] else 0) if half else hour
    return hour * 3600 + minute * 60 + second


def _clean(text: str) -> str:
    """Marks removed, special spaces made plain, CRLF and lone CR made LF (str.replace per character is fastest
    here)."""
    for mark in _MARK_CHARS:
        if mark in text:
            text = text.replace(mark, "")
    for space in "\u202f\u00a0\u2009":
        if space in text:
            text = text.replace(space, " ")
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

    Written for speed: one ``re.split`` on the header pattern cuts the whole
    text into headers and bodies in C; dates and clock times are read once per
    distinct string (a chat repeats them a lot); time stamps are built in one
    vectorised step; most message kinds are decided by one combined regex.
    """
    import numpy as np
    import pandas as pd

    if date_order is not None and date_order not in DATE_ORDERS:
        raise InputFileError(f"date order {date_order!r}: expected one of {', '.join(DATE_ORDERS)}", file=shown)
    controls = None
    first = CONTROL.search(text)
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
    if platform == "ios":  # keep the mark that tells system texts apart, as a character of its own
        text = text.replace(": \u200e", ": " + _SYSTEM_MARK)
    parts = split.split(_clean(text))
    del text
    prefix = parts[0]
    # Every header starts a row: a message, or (no "Name: ") a system event, whatever its language.
    dates, clocks = (parts[3::4], parts[2::4]) if split is IOS_TIME_FIRST_SPLIT else (parts[2::4], parts[3::4])
    bodies = parts[4::4]
    del parts
    if not bodies:
        raise InputFileError("no WhatsApp message header found (expected lines like '12/03/2024, 10:15 - Name: "
                             "text' or '[12/03/2024, 10:15:22] Name: text')", file=shown, line=1)
    if prefix.strip():
        offset = len(prefix) - len(prefix.lstrip())
        raise InputFileError("this line is not part of any message (it comes before the first message header)",
                             file=shown, line=prefix.count("\n", 0, offset) + 1)
    lines = np.cumsum([1 + prefix.count("\n")] + [b.count("\n") for b in bodies[:-1]]).tolist()
    # Dates and times: each distinct string is read once.
    first_at: dict[str, int] = {}
    for position, text_date in enumerate(dates):
        first_at.setdefault(text_date, position)
    distinct_dates = list(first_at)
    triples = [_date_numbers(d) for d in distinct_dates]
    seconds_of = {c: _seconds(c) for c in dict.fromkeys(clocks)}
    wrong = next((c for c, value in seconds_of.items() if value is None), None)
    if wrong is not None:
        raise InputFileError(f"{wrong!r} is not a time of day (hours up to 23, or 12 with AM/PM; minutes and seconds "
                             "up to 59)", file=shown, line=lines[clocks.index(wrong)])
    if date_order:
        order = date_order
    else:
        first_times = [divmod(seconds_of[clocks[first_at[d]]], 3600) for d in distinct_dates]
        order = _decide_order(triples, [(h, m // 60, m % 60) for h, m in first_times], shown)
    day_number: dict[str, int] = {}
    for text_date, (a, b, c) in zip(distinct_dates, triples):
        year, month, day = {"dmy": (c, b, a), "mdy": (c, a, b), "ymd": (a, b, c)}[order]
        try:
            day_number[text_date] = (datetime(_year(year), month, day) - datetime(1970, 1, 1)).days
        except ValueError:
            raise InputFileError(f"not a valid date under the {order} date order", file=shown,
                                 line=lines[first_at[text_date]]) from None
    epoch = np.array([day_number[d] for d in dates], dtype=np.int64) * 86400 + \
        np.array([seconds_of[c] for c in clocks], dtype=np.int64)
    stamps = pd.to_datetime(epoch, unit="s")
    authors: list[str | None] = []
    texts, kinds, events = [], [], []
    seen: dict[str, tuple[bool, str]] = {}  # author text -> (is a system line, cleaned name); authors repeat
    colon_names = _colon_names(known_authors)
    unknown_marked: list[int] = []  # rows of iOS texts after the mark that no table names
    marked_ios = platform == "ios"
    for index, body in enumerate(bodies):
        body = body.rstrip("\n")
        colon = body.find(":", 0, 102)
        if marked_ios and _SYSTEM_MARK in body:  # iOS system text: the group's name (which may hold ': ') ends here
            colon = body.find(": " + _SYSTEM_MARK)
        elif colon_names is not None and colon > 0:
            listed = colon_names.match(body)
            if listed:
                colon = listed.end()
        # "Name: text", or "Name:" with nothing after it (an empty message; trailing spaces trimmed).
        author = body[:colon] if colon > 0 and body[colon + 1:colon + 2] in (" ", "\n", "") else None
        event = None
        if author is not None:
            known = seen.get(author)
            if known is None:
                known = seen[author] = (colon_system(author), _author(author))
        if author is None or known[0]:
            # No author (Android system line), or a system line whose own text holds ': '.
            author, message = None, body.replace(_SYSTEM_MARK, "")
            event = system_event(message) or "other"
        else:
            message = body[colon + 2:]
            if message[:1] == _SYSTEM_MARK:
                # iOS writes system events as messages of the group, the text after a left-to-right mark;
                # media and deleted messages carry the mark too, so those are decided first.
                message = message[1:]
                if message_kind(message)[0] == "text":
                    event = system_event(message)
                    if event is None:  # unknown text after the mark: decided once all authors are known
                        unknown_marked.append(len(kinds))
                    else:
                        author = None
            elif index < 3 and ENCRYPTION.search(message, 0, min(200, (message + "\n").find("\n"))):
                # "Group name: Messages and calls are end-to-end encrypted", the first lines only.
                event, author, message = "encryption", None, body
        if event is not None:
            authors.append(None)
            texts.append(message)
            kinds.append("system")
            events.append(event)
            continue
        kind, message = message_kind(message)
        authors.append(known[1])
        texts.append(message)
        kinds.append(kind)
        events.append(None)
    _unknown_marked_as_events(unknown_marked, authors, texts, kinds, events)
    frame = pd.DataFrame({"timestamp": stamps, "author": authors, "text": texts, "kind": kinds, "event": events,
                          "line": lines})
    clock = "12h" if any(_TIME_PARTS.match(c).group(4) for c in seconds_of) else "24h"
    return frame, ChatFormat(platform, order, clock, media_files, controls)


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
    text, media = read_export(path, label)
    return parse_chat(text, label, date_order, media, known_authors)


def summary(frame: "pd.DataFrame", chat_format: ChatFormat) -> dict[str, object]:
    """What ``chats inspect`` prints: format and counts, no names."""
    messages = frame[frame["kind"] != "system"]
    return {"reader": chat_format.name, "format": chat_format.describe(), "messages": int(len(messages)),
            "by_kind": {k: int(v) for k, v in messages["kind"].value_counts().sort_index().items()},
            "authors": int(messages["author"].nunique()), "system_events": int((frame["kind"] == "system").sum()),
            "media_files": chat_format.media_files,
            "first": frame["timestamp"].min().isoformat() if len(frame) else None,
            "last": frame["timestamp"].max().isoformat() if len(frame) else None}




def event_details(frame: "pd.DataFrame") -> dict[str, object]:
    """What ``chats inspect --json`` adds: ``by_event`` (system events per kind) and ``locale`` (the language of
    the encryption notice, None when the export has none or its language is not in the table)."""
    system = frame[frame["kind"] == "system"]
    notices = system.loc[system["event"] == "encryption", "text"]
    return {"by_event": {str(k): int(v) for k, v in system["event"].value_counts().sort_index().items()},
            "locale": encryption_locale(notices.iloc[0]) if len(notices) else None}
