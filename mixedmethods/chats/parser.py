"""The one place that reads a WhatsApp export (.txt, or .zip with the chat inside).

Output: a pandas DataFrame, one row per message or system event, columns
``timestamp``, ``author``, ``text``, ``kind`` (text, media, deleted, edited,
poll, location, system), ``event`` (for system rows: created, added,
removed, left, joined, subject_changed, icon_changed, description_changed,
security_code, encryption) and ``line`` (1-based line in the export).
Analysis takes this frame and never re-reads the file.

Shapes read: Android ``d/m/y, H:MM - Name: text`` and iOS
``[d/m/y, H:MM:SS] Name: text``; 12-hour clocks with ``AM``/``PM``,
``a. m.``/``p. m.``, with a space, U+202F or U+00A0 before them; 24-hour
clocks; day-month-year, month-day-year and year-month-day dates with 2- or
4-digit years and ``/``, ``.`` or ``-``; U+200E/U+200F marks; ``~ `` before
names of non-contacts; phone numbers as authors (U+2011 hyphens kept as ``-``);
multi-line messages. The date order is decided from the whole file: a first
number above 12 means day first, a second above 12 month first; if neither
decides, the order under which the messages run forward in time; else the
caller must say (``date_order``).

A line that starts like a message header but carries neither ``Name: `` nor a
known system event is a continuation of the message above, so a quoted date
in a message body never starts a message. A line before the first header is
an error naming the line.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputFileError
from .patterns import message_kind, system_event

if TYPE_CHECKING:
    import pandas as pd

MARKS = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"), None)
_SPACES = str.maketrans({"\u202f": " ", "\u00a0": " ", "\u2009": " "})
_DATE = r"(?P<d1>\d{1,4})(?P<sep>[./-])(?P<d2>\d{1,2})(?P=sep)(?P<d3>\d{1,4})"
_TIME = (r"(?P<h>\d{1,2})[:.](?P<m>\d{2})(?:[:.](?P<s>\d{2}))?"
         r"(?:\s?(?P<ampm>[aApP])\.?\s?[mM]\.?)?")
IOS = re.compile(rf"^\[{_DATE},?\s{_TIME}\]\s(?P<rest>.*)$")
ANDROID = re.compile(rf"^{_DATE},?\s{_TIME}\s[-–]\s(?P<rest>.*)$")
_AUTHOR = re.compile(r"^(?P<author>[^:]{1,100}?): (?P<text>.*)$", re.DOTALL)
DATE_ORDERS = ("dmy", "mdy", "ymd")


@dataclass
class ChatFormat:
    platform: str  # android or ios
    date_order: str
    clock: str  # 12h or 24h
    media_files: int = 0

    def describe(self) -> str:
        return f"{self.platform}, {self.date_order}, {self.clock}"


def read_export(path: Path, shown: str) -> tuple[str, int]:
    """The chat text of a .txt or .zip export, and the number of media files in the zip."""
    if not path.is_file():
        raise InputFileError("file not found", file=shown)
    if path.suffix.lower() == ".zip":
        try:
            with zipfile.ZipFile(path) as archive:
                names = [n for n in archive.namelist() if n.lower().endswith(".txt")]
                if not names:
                    raise InputFileError("no chat .txt inside this .zip export", file=shown)
                chat = sorted(names, key=lambda n: (not n.endswith("_chat.txt"), len(n)))[0]
                data = archive.read(chat)
                media = sum(1 for n in archive.namelist() if n != chat and not n.endswith("/"))
        except zipfile.BadZipFile:
            raise InputFileError("cannot open as a .zip export", file=shown) from None
    else:
        data, media = path.read_bytes(), 0
    try:
        return data.decode("utf-8-sig"), media
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputFileError("a WhatsApp export is UTF-8 text; this byte is not", file=shown, line=line) from None


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
        forward = [order for order in ("dmy", "mdy") if _runs_forward(triples, times, order)]
        if len(forward) == 1:
            return forward[0]
    raise InputFileError("cannot tell whether dates are day/month or month/day; pass --date-order dmy or mdy",
                         file=shown)


def _runs_forward(triples: list[tuple[int, int, int]], times: list[tuple[int, int, int]], order: str) -> bool:
    previous = None
    for (a, b, c), (h, m, s) in zip(triples, times):
        day, month = (a, b) if order == "dmy" else (b, a)
        try:
            stamp = datetime(_year(c), month, day, h, m, s)
        except ValueError:
            return False
        if previous is not None and stamp < previous:
            return False
        previous = stamp
    return True


def parse_chat(text: str, shown: str, date_order: str | None = None, media_files: int = 0
               ) -> tuple["pd.DataFrame", ChatFormat]:
    """Parse export text into the frame described in the module docstring, and the detected format."""
    import pandas as pd

    if date_order is not None and date_order not in DATE_ORDERS:
        raise InputFileError(f"date order {date_order!r}: expected one of {', '.join(DATE_ORDERS)}", file=shown)
    lines = text.splitlines()
    clean = [line.translate(MARKS).translate(_SPACES) for line in lines]
    platform = "ios" if any(IOS.match(line) for line in clean[:50]) else "android"
    header = IOS if platform == "ios" else ANDROID
    starts: list[tuple[int, re.Match[str], bool]] = []  # line index, match, iOS system mark
    for index, line in enumerate(clean):
        match = header.match(line)
        if match is None:
            continue
        rest = match["rest"]
        marked = "\u200e" in lines[index][match.start("rest"):match.start("rest") + 40]
        if _AUTHOR.match(rest) or system_event(rest):
            starts.append((index, match, marked))
    if not starts:
        raise InputFileError("no WhatsApp message header found (expected lines like '12/03/2024, 10:15 - Name: "
                             "text' or '[12/03/2024, 10:15:22] Name: text')", file=shown, line=1)
    first = starts[0][0]
    for index in range(first):
        if clean[index].strip():
            raise InputFileError("this line is not part of any message (it comes before the first message header)",
                                 file=shown, line=index + 1)
    triples = [(int(m["d1"]), int(m["d2"]), int(m["d3"])) for _, m, _ in starts]
    times = [(_hour(m), int(m["m"]), int(m["s"] or 0)) for _, m, _ in starts]
    order = date_order or _decide_order(triples, times, shown)
    clock = "12h" if any(m["ampm"] for _, m, _ in starts) else "24h"
    rows = []
    for position, (index, match, marked) in enumerate(starts):
        end = starts[position + 1][0] if position + 1 < len(starts) else len(lines)
        body = "\n".join([match["rest"], *[clean[i] for i in range(index + 1, end)]]).rstrip("\n")
        a, b, c = triples[position]
        year, month, day = {"dmy": (c, b, a), "mdy": (c, a, b), "ymd": (a, b, c)}[order]
        try:
            stamp = datetime(_year(year), month, day, *times[position])
        except ValueError:
            raise InputFileError(f"not a valid date or time under the {order} date order", file=shown,
                                 line=index + 1) from None
        split = _AUTHOR.match(body)
        if split is None or system_event(split["author"]):
            # No author (Android system line), or a system line whose own text holds ': '.
            author, message, event = None, body, system_event(body)
        else:
            author, message = _author(split["author"]), split["text"]
            # iOS writes system events as messages of the group, text after a left-to-right mark.
            event = system_event(message) if marked else None
        if event is not None:
            rows.append((stamp, None, message, "system", event, index + 1))
            continue
        if author is None:
            raise InputFileError("a message header without 'Name: ' that is no known system event", file=shown,
                                 line=index + 1)
        kind, message = message_kind(message)
        rows.append((stamp, author, message, kind, None, index + 1))
    frame = pd.DataFrame(rows, columns=["timestamp", "author", "text", "kind", "event", "line"])
    frame["timestamp"] = pd.to_datetime(frame["timestamp"])
    return frame, ChatFormat(platform, order, clock, media_files)


def _hour(match: re.Match[str]) -> int:
    hour = int(match["h"])
    ampm = (match["ampm"] or "").lower()
    if ampm == "p" and hour < 12:
        return hour + 12
    if ampm == "a" and hour == 12:
        return 0
    return hour


def _author(raw: str) -> str:
    name = raw.strip()
    if name.startswith("~"):
        name = name[1:].strip()
    return name.replace("\u2011", "-")


def parse_export(path: Path, shown: str | None = None, date_order: str | None = None
                 ) -> tuple["pd.DataFrame", ChatFormat]:
    """Read and parse a .txt or .zip WhatsApp export."""
    label = shown or str(path)
    text, media = read_export(path, label)
    return parse_chat(text, label, date_order, media)


def summary(frame: "pd.DataFrame", chat_format: ChatFormat) -> dict[str, object]:
    """What ``chats inspect`` prints: format and counts, no names."""
    messages = frame[frame["kind"] != "system"]
    return {"format": chat_format.describe(), "messages": int(len(messages)),
            "by_kind": {k: int(v) for k, v in messages["kind"].value_counts().sort_index().items()},
            "authors": int(messages["author"].nunique()), "system_events": int((frame["kind"] == "system").sum()),
            "media_files": chat_format.media_files,
            "first": frame["timestamp"].min().isoformat() if len(frame) else None,
            "last": frame["timestamp"].max().isoformat() if len(frame) else None}


