"""Time stamps of a chat's rows from their date and clock strings, for :mod:`.parser`: each distinct string read
once and mapped back through integer codes; the date order decided from the whole file when not given."""

from __future__ import annotations

import re
from datetime import datetime
from itertools import count
from typing import TYPE_CHECKING, NamedTuple

from ..errors import InputFileError
from .headers import HALF
from .patterns import ERA_OFFSET, HALF_DAY

if TYPE_CHECKING:
    import numpy as np

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


_CLOCK_NUMBERS = re.compile(r"(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?([^\0]*)")
_HALF_AFTER = re.compile(rf"\s?({HALF})")


def _half(tail: str) -> str | None:
    """The 12-hour marker ("PM", "p. m.") that follows a clock's numbers, or None."""
    found = _HALF_AFTER.match(tail) if tail else None
    return found.group(1) if found else None


def _clock_seconds(clocks: list[str]) -> tuple["np.ndarray", bool]:
    """Seconds after midnight of clock times such as ``9:05``, ``21:05:09`` or ``9:05 p. m.`` (-1 for one that is no
    time of day, ``25:61``), read together as numbers; and whether any has a 12-hour marker."""
    import numpy as np
    import pandas as pd

    if not clocks:
        return np.zeros(0, dtype=np.int64), False
    # One findall over all of them, in C (no clock holds a NUL: control characters were replaced), each clock one
    # match; the 12-hour marker after the numbers is read once per distinct spelling.
    found = _CLOCK_NUMBERS.findall("\0".join(clocks))
    if len(found) != len(clocks):  # never expected; the rule itself, one clock at a time
        found = [_CLOCK_NUMBERS.match(c).groups() for c in clocks]
    hours, minutes, seconds, tails = zip(*found)
    count = len(clocks)
    # int() reads any script's digits, as \d matches them
    hour = np.fromiter(map(int, hours), dtype=np.int64, count=count)
    minute = np.fromiter(map(int, minutes), dtype=np.int64, count=count)
    second = np.fromiter((int(s) if s else 0 for s in seconds), dtype=np.int64, count=count)
    tail_codes, distinct_tails = pd.factorize(np.array(tails, dtype=object), sort=False)
    halves = [_half(tail) for tail in distinct_tails]
    marked = np.array([half is not None for half in halves], dtype=bool)[tail_codes]
    late = np.array([half is not None and HALF_DAY[re.sub(r"[\s.]", "", half).lower()] for half in halves],
                    dtype=bool)[tail_codes]
    valid = (hour <= np.where(marked, 12, 23)) & (minute <= 59) & (second <= 59)
    hour = np.where(marked, hour % 12 + 12 * late, hour)
    return np.where(valid, hour * 3600 + minute * 60 + second, -1), bool(marked.any())


def _ascii_clock_seconds(clocks: list[str]) -> tuple["np.ndarray", bool] | None:
    """What :func:`_clock_seconds` gives per row for the clocks most exports write (``9:05``, ``21:05:09``,
    ``9:05:09 PM``: ASCII digits, ``:`` or ``.``, and ``AM``/``PM`` with or without a space before it), read
    from the bytes of all clocks together with numpy, without a Python object per row or a hash of each clock
    (a million iOS clocks: a tenth of the time). None when one clock is written otherwise or is no time of day:
    the caller then reads them one distinct clock at a time, which also names the wrong one."""
    import numpy as np

    count = len(clocks)
    # Joined with NULs, which no clock holds (control characters were replaced): where each starts, without a
    # len() per clock.
    joined = "\0".join(clocks)
    if not count or not joined.isascii():
        return None
    # Padded, so that each clock's bytes can be read at the offsets of the longest shape without a bound check.
    data = np.frombuffer(joined.encode("ascii") + bytes(16), dtype=np.uint8)
    ends = np.flatnonzero(data[:len(joined)] == 0)
    del joined
    if len(ends) != count - 1:
        return None
    start = np.concatenate(([0], ends + 1))
    lengths = np.append(ends, len(data) - 16) - start
    if lengths.min() < 4:  # "9:05" is the shortest
        return None

    def byte(offset: "np.ndarray | int") -> "np.ndarray":  # each clock's byte at offset (at most 10 past its start)
        return data[start + offset]

    def digit(values: "np.ndarray") -> "np.ndarray":
        return (values >= 48) & (values <= 57)

    def separator(values: "np.ndarray") -> "np.ndarray":
        return (values == 58) | (values == 46)  # ":" or "."

    first, second = byte(0), byte(1)
    two = digit(second)  # an hour of two digits
    hour_end = 1 + two
    colon, tens, units = byte(hour_end), byte(hour_end + 1), byte(hour_end + 2)
    readable = digit(first) & separator(colon) & digit(tens) & digit(units) & (lengths >= hour_end + 3)
    after = hour_end + 3
    seconds_sep, seconds_tens, seconds_units = byte(after), byte(after + 1), byte(after + 2)
    with_seconds = (lengths >= after + 3) & separator(seconds_sep) & digit(seconds_tens) & digit(seconds_units)
    tail_at = after + 3 * with_seconds
    tail = lengths - tail_at
    spaced = tail == 3
    letter, m = byte(tail_at + spaced), byte(tail_at + spaced + 1)
    half = ((tail == 2) | (spaced & (byte(tail_at) == 32))) & np.isin(letter, list(b"AaPp")) & np.isin(m, list(b"Mm"))
    if not (readable & ((tail == 0) | half)).all():
        return None
    first, second, tens, units = (v.astype(np.int64) - 48 for v in (first, second, tens, units))
    hour = np.where(two, first * 10 + second, first)
    minute = tens * 10 + units
    secs = np.where(with_seconds, (seconds_tens.astype(np.int64) - 48) * 10 + seconds_units.astype(np.int64) - 48, 0)
    if not ((hour <= np.where(half, 12, 23)) & (minute <= 59) & (secs <= 59)).all():
        return None
    late = (letter == ord("P")) | (letter == ord("p"))
    hour = np.where(half, hour % 12 + 12 * (half & late), hour)
    return hour * 3600 + minute * 60 + secs, bool(half.any())


class _Stamps(NamedTuple):
    seconds: "np.ndarray"  # seconds since 1970 per row
    order: str  # dmy, mdy or ymd
    clock: str  # 12h or 24h


def _time_stamps(dates: list[str], clocks: list[str], lines: "np.ndarray", date_order: str | None, shown: str
                 ) -> _Stamps:
    """Time stamps of the rows from their date and clock strings, each distinct string read once (a chat repeats
    them a lot) and mapped back through integer codes. Errors name the first row with the wrong string."""
    import numpy as np

    # Clocks with seconds are mostly distinct (a million iOS rows: 86,000): read on bytes; clocks that repeat a lot
    # (without seconds, at most 1,440 a day) are faster read once per distinct clock.
    sample = clocks[:10_000]
    fast = _ascii_clock_seconds(clocks) if len(set(sample)) > len(sample) // 2 else None
    if fast is not None:
        row_seconds, twelve = fast
    else:  # any other clock, or one that is no time of day (the error names it): each distinct clock read alone
        clock_codes, distinct_clocks = _clock_codes(clocks)
        seconds, twelve = _clock_seconds(distinct_clocks)
        wrong = np.flatnonzero(seconds < 0)
        if len(wrong):
            raise InputFileError(f"{distinct_clocks[wrong[0]]!r} is not a time of day (hours up to 23, or 12 with "
                                 "AM/PM; minutes and seconds up to 59)", file=shown, line=int(lines[clocks.index(
                                     distinct_clocks[wrong[0]])]))
        row_seconds = seconds[clock_codes]
        del clock_codes
    clock = "12h" if twelve else "24h"
    date_codes, distinct_dates, first_at = _date_codes(dates)
    triples = [_date_numbers(d) for d in distinct_dates]
    if date_order:
        order = date_order
    else:
        first_times = [divmod(int(row_seconds[row]), 3600) for row in first_at]
        order = _decide_order(triples, [(h, m // 60, m % 60) for h, m in first_times], shown)
    days = []
    for row, (a, b, c) in zip(first_at, triples):
        year, month, day = {"dmy": (c, b, a), "mdy": (c, a, b), "ymd": (a, b, c)}[order]
        try:
            days.append((datetime(_year(year), month, day) - datetime(1970, 1, 1)).days)
        except ValueError:
            raise InputFileError(f"not a valid date under the {order} date order", file=shown,
                                 line=int(lines[row])) from None
    stamps = np.array(days, dtype=np.int64)[date_codes] * 86400 + row_seconds
    return _Stamps(stamps, order, clock)


def _clock_codes(clocks: list[str]) -> tuple["np.ndarray", list[str]]:
    """Integer codes of the clock times (0, 1, ... in order of first appearance) and the distinct clock times.
    Clocks without seconds repeat a lot (at most 1,440 a day): a dict lookup per row; with seconds most are
    distinct (a million iOS rows: 86,000), where pandas' hash table is faster. Decided on the first rows."""
    import numpy as np
    import pandas as pd

    sample = clocks[:10_000]
    if len(set(sample)) > len(sample) // 2:
        codes, distinct = pd.factorize(np.array(clocks, dtype=object), sort=False)
        return codes, distinct.tolist()
    rows, distinct, first = first_row_codes(clocks)
    dense = np.empty(len(clocks), dtype=np.int64)
    dense[first] = np.arange(len(first))
    return dense[rows], distinct


def first_row_codes(values: list) -> tuple["np.ndarray", list, list[int]]:
    """Per row, the first row holding the same value (a code for it, as pandas.factorize gives but without
    hashing into a table of its own: one dict lookup per row, in C through map), the distinct values in order of
    first appearance, and the first row of each."""
    import numpy as np

    index: dict = {}
    codes = np.fromiter(map(index.setdefault, values, count()), dtype=np.int64, count=len(values))
    return codes, list(index), list(index.values())


def _date_codes(dates: list[str]) -> tuple["np.ndarray", list[str], list[int]]:
    """Integer codes of the rows' dates (in order of first appearance, as pandas.factorize gives them), the
    distinct dates and the first row of each. A chat writes the same date for many rows in a row: the dates are
    compared with their neighbours (numpy, in C) and only the first of each run is looked up."""
    import numpy as np

    column = np.array(dates, dtype=object)
    starts = np.flatnonzero(np.concatenate(([True], column[1:] != column[:-1])))
    index: dict[str, int] = {}
    first_at: list[int] = []
    run_codes = np.empty(len(starts), dtype=np.int64)
    for run, (start, date) in enumerate(zip(starts.tolist(), column[starts].tolist())):
        code = index.get(date)
        if code is None:
            code = index[date] = len(index)
            first_at.append(start)
        run_codes[run] = code
    return np.repeat(run_codes, np.diff(np.append(starts, len(dates)))), list(index), first_at
