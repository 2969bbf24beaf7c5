"""The header patterns of WhatsApp exports, for :mod:`.parser`: the general ones, which read every shape the
parser knows, and, once an export's shape is known, a narrower one that reads its headers faster.

A header is the time stamp that starts a row: Android ``d/m/y, H:MM - ``, iOS
``[d/m/y, H:MM:SS] `` (Vietnamese ``[H:MM:SS, d/m/y] ``), bare ``d.m.y H.MM.SS: ``.
The general patterns accept any date order and separator, 12-hour markers of
several languages and optional spaces, which costs the regex engine time at
every line. An export writes all its headers alike, so :func:`narrow_rows`
compiles the exact date and clock separators, date-time separator and seconds
of the first headers; the parser checks that the general pattern finds no
header the narrow one missed (see :func:`missed_header`), and cuts the text
again with the general one when it does.
"""

from __future__ import annotations

import re

from .patterns import HALF_DAY

# For re.split: the whole header, its date and its time (three groups); numbers are read per distinct string.
# Dates: d/m/y in any order with "/", "." or "-", optionally "13. 6. 2018." (spaces after dots); between date and
# time ", ", " ", Arabic "، " or Finnish " klo ". Times: "21:25", "21.25.15", 12-hour markers from HALF_DAY.
DATE_SPLIT = r"(\d{1,4}[./-] ?\d{1,2}[./-] ?[RHS]?\d{1,4}\.?(?: BE)?)"  # ERA_OFFSET: "2565 BE", "R4"
# "p. m.", "p.m.", "PM", "ÖS": letters of a HALF_DAY key, each optionally followed by a dot and a space.
HALF = "(?i:" + "|".join(r"\.?\s?".join(map(re.escape, key)) + r"\.?" for key in HALF_DAY) + ")"
_HALF_PART = rf"(?:\s?(?=[aApPöÖصم])(?:{HALF}))?"
TIME_SPLIT = rf"(\d{{1,2}}[:.]\d{{2}}(?:[:.]\d{{2}})?{_HALF_PART})"
_BETWEEN = r"(?:[,،]?\s|\sklo\s)"
# Each header without the space that ends it.
_IOS_HEADER = rf"\[{DATE_SPLIT}{_BETWEEN}{TIME_SPLIT}\]"
# iOS in Vietnamese writes the time first: "[14:56:01, 3/18/22] Name: text".
_IOS_TIME_FIRST_HEADER = rf"\[{TIME_SPLIT},\s{DATE_SPLIT}\]"
_ANDROID_END = r"\s[-–]"
_ANDROID_HEADER = rf"{DATE_SPLIT}{_BETWEEN}{TIME_SPLIT}{_ANDROID_END}"
# Headers with neither brackets nor " - ", as some older phones wrote them: "13.06.18 21.25.15: Name: text",
# "13. 6. 2018. 21:25:15 Name: text". Tried last: in a file of another shape such a line is message text.
_BARE_HEADER = rf"{DATE_SPLIT}{_BETWEEN}{TIME_SPLIT}:?"
IOS_SPLIT = re.compile(rf"^({_IOS_HEADER}\s)", re.MULTILINE)
IOS_TIME_FIRST_SPLIT = re.compile(rf"^({_IOS_TIME_FIRST_HEADER}\s)", re.MULTILINE)
ANDROID_SPLIT = re.compile(rf"^({_ANDROID_HEADER}\s)", re.MULTILINE)
BARE_SPLIT = re.compile(rf"^({_BARE_HEADER}\s)", re.MULTILINE)
# The same headers with the "Name:" that follows on the header's own line (the first ':' within 101 characters,
# followed by a space, a line break or the end), so that one re.split gives date, time, the header's last space,
# name, the space after the colon (" ", or "" before a line break or the end) and body per row in C; name and
# space are None when there is no name (a system line, or a row the parser's _read_row decides). Taking the space
# after the colon here leaves the body of a one-line message as its text, with no per-row slicing.
# Bounded repetitions only, so the split stays linear on hostile text. Two patterns per shape, which find the
# headers where the patterns above do: "fast" starts with the line break before the header (the regex engine
# then jumps from line break to line break instead of trying every character), on the text after a "\n"; it
# misses a header right after a header that ends the line ("[...]\n[...] Name: text"), so when a header's last
# space is a line break the file is cut again with "general" (the line break stays in the body above).
_NAME = r"(?:([^:\n]{1,101}):( |$))?"
GROUPS = 5  # date, time, header's last space, name, space after the colon (re.split puts the body after)


def _row_patterns(header: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    return (re.compile(rf"\n{header}(\s){_NAME}", re.MULTILINE),
            re.compile(rf"^{header}(\s)(?:(?<!\n){_NAME})?", re.MULTILINE))


ROWS = {split: _row_patterns(header) for split, header in (
    (IOS_SPLIT, _IOS_HEADER), (IOS_TIME_FIRST_SPLIT, _IOS_TIME_FIRST_HEADER), (ANDROID_SPLIT, _ANDROID_HEADER),
    (BARE_SPLIT, _BARE_HEADER))}
_DATE_SHAPE = re.compile(r"\d{1,4}([./-])\d{1,2}\1\d{1,4}")
_CLOCK_SHAPE = re.compile(r"\d{1,2}([:.])\d{2}(?:([:.])\d{2})?(.*)", re.DOTALL)


def narrow_rows(split: re.Pattern[str], sample: str) -> re.Pattern[str] | None:
    """The "fast" row pattern of :data:`ROWS` narrowed to the headers of ``sample`` (the export's cleaned first
    characters): their date separator, date-time separator, clock separators, seconds or none, the widths of
    numbers written with leading zeros, the " - " of Android, and 12-hour markers only if they have some (" AM"
    and " PM" written as such); None when the shape is not Android or iOS, or its first headers differ.

    Every header it finds is one the general pattern finds, with the same groups: only the character classes
    and optional parts are fixed, and what a group can hold is unchanged where it matches. It may miss a header
    the general pattern finds (a later one written otherwise); the parser checks with :func:`missed_header`.
    """
    if split not in (IOS_SPLIT, ANDROID_SPLIT):
        return None
    found = list(split.finditer(sample))
    if not found:
        return None
    dates = {m.group(2) for m in found}
    betweens = {m.string[m.end(2):m.start(3)] for m in found}
    clocks = [_CLOCK_SHAPE.fullmatch(m.group(3)) for m in found]
    shapes = {_DATE_SHAPE.fullmatch(d).group(1) if _DATE_SHAPE.fullmatch(d) else None for d in dates}
    clock_shapes = {(c.group(1), c.group(2)) for c in clocks}
    if len(shapes) != 1 or None in shapes or len(betweens) != 1 or betweens - {", ", " "} or len(clock_shapes) != 1:
        return None
    separator, = shapes
    between, = betweens
    (minutes, seconds), = clock_shapes
    # A number written with a leading zero in every header of the sample (or with 4 digits in each) is
    # written at that width: "08/09/2025, 07:05". Others keep the general widths.
    parts = [d.split(separator) for d in dates]
    widths = [_width([p[k] for p in parts], general) for k, general in enumerate(("{1,4}", "{1,2}", "{1,4}"))]
    date = rf"(\d{widths[0]}{re.escape(separator)}\d{widths[1]}{re.escape(separator)}\d{widths[2]})"
    hour = _width([c.string[:c.start(1)] for c in clocks], "{1,2}")
    clock = rf"\d{hour}{re.escape(minutes)}\d{{2}}" + (rf"{re.escape(seconds)}\d{{2}}" if seconds else "")
    tails = {c.group(3) for c in clocks}
    if tails <= {" AM", " PM"}:  # the 12-hour marker as most exports write it, in every header of the sample
        clock += " [AP]M"
    elif any(tails):
        clock += _HALF_PART
    header = rf"{date}{re.escape(between)}({clock})"
    ends = {m.string[m.end(3):m.end(1) - 1] for m in found}
    end = re.escape(ends.pop()) if len(ends) == 1 and ends <= {" -", " –"} else _ANDROID_END
    header = rf"\[{header}\]" if split is IOS_SPLIT else header + end
    return re.compile(rf"\n{header}(\s){_NAME}", re.MULTILINE)


def _width(numbers: list[str], general: str) -> str:
    """The repetition of a header's number: ``{2}`` when each of ``numbers`` has 2 digits and one starts with 0,
    ``{4}`` when each has 4, else ``general``."""
    lengths = {len(n) for n in numbers}
    if lengths == {2} and any(n.startswith("0") for n in numbers) or lengths == {4}:
        return f"{{{lengths.pop()}}}"
    return general


def missed_header(fast: re.Pattern[str], bodies: list[str], rows: "list[int]") -> bool:
    """Whether the general "fast" pattern finds a header in one of ``rows`` of ``bodies`` (those that hold a line
    break: a header the narrow pattern missed is inside the row above it). The body is searched with the line
    break that follows it, which may end such a header."""
    return any(fast.search(bodies[i] + "\n") for i in rows)
