"""Submission time stamps of a survey export, written as ISO 8601 whatever the tool's locale wrote.

Survey tools write time stamps in their owner's locale: ``11/25/2026 14:03``
(US, month first), ``25/11/2026 14:03`` (most of the world, day first),
``25.11.2026 14:03`` (German, always day first), ``2026-11-25 14:03:12``
(LimeSurvey, KoboToolbox, ISO). Which of day and month comes first is read
from the whole column: a first number above 12 means day first, a second
one above 12 month first. When no value decides, the source's
``date_order:`` in study.yaml decides, then the reader's hint (the language of
Google Forms' time stamp header); a file that nothing decides is refused with
one line asking for ``date_order:``, because the wrong reading keeps the
wrong one of a respondent's duplicate submissions. Year-first stamps are
left as written (they are unambiguous, and ISO already).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ...errors import InputFileError

if TYPE_CHECKING:
    from . import RawSurvey

ORDERS = ("dmy", "mdy", "ymd")
_STAMP = re.compile(r"^(?P<a>\d{1,4})(?P<sep>[/.-])(?P<b>\d{1,2})(?P=sep)(?P<c>\d{1,4})"
                    r"(?:[ T,]+(?P<time>\d{1,2}:\d{2}(?::\d{2})?)(?:\s*(?P<ampm>[AaPp])\.?\s?[Mm]\.?)?)?$")


def decide_order(stamps: list[tuple[int, str]], declared: str | None, hint: str | None, shown: str,
                 column: str) -> str:
    """``dmy``, ``mdy`` or ``ymd`` for ``(row, stamp)`` pairs: the data, else ``declared``, else ``hint``.

    Raises :class:`InputFileError` when the data contradicts itself or
    ``declared``, and when nothing decides although some stamp reads two ways.
    """
    day_first = month_first = ambiguous = None
    for row, stamp in stamps:
        match = _STAMP.match(stamp.strip())
        if not match or len(match["a"]) == 4:
            continue
        a, b = int(match["a"]), int(match["b"])
        if match["sep"] == "." or (a > 12 and b <= 12):  # dotted dates (German and others) are always day first
            day_first = day_first or (row, stamp)
        elif b > 12 and a <= 12:
            month_first = month_first or (row, stamp)
        elif a != b:
            ambiguous = ambiguous or (row, stamp)
    if day_first and month_first:
        raise InputFileError(f"time stamps are written both day first ({day_first[1]!r}, row {day_first[0]}) and "
                             f"month first ({month_first[1]!r}); expected one order", file=shown,
                             row=month_first[0], column=column)
    found = "dmy" if day_first else "mdy" if month_first else None
    if found and declared and declared != found:
        row, stamp = day_first or month_first  # type: ignore[misc]
        raise InputFileError(f"time stamp {stamp!r} is {'day' if found == 'dmy' else 'month'} first, but study.yaml "
                             f"says date_order: {declared}; correct date_order or remove it", file=shown, row=row,
                             column=column)
    order = found or declared or hint
    if order is None and ambiguous:
        raise InputFileError(f"time stamps such as {ambiguous[1]!r} read day first or month first and no value "
                             "decides; set date_order: dmy or mdy on this survey source in study.yaml", file=shown,
                             row=ambiguous[0], column=column)
    return order or "dmy"  # every stamp reads the same both ways (day = month) or is year first


def iso_stamp(stamp: str, order: str) -> str:
    """A time stamp as ISO 8601 (``2026-11-25T14:03:12``); year-first and unreadable ones are returned as written,
    a clock time that is no time of day (``25:61``) raises ``ValueError``.

    >>> iso_stamp("25/11/2026 2:03:12 PM", "dmy"), iso_stamp("3/4/2026", "mdy")
    ('2026-11-25T14:03:12', '2026-03-04')
    """
    match = _STAMP.match(stamp.strip())
    if match and match["time"]:
        hour, minute, *second = (int(x) for x in match["time"].split(":"))
        if hour > (12 if match["ampm"] else 23) or minute > 59 or (second and second[0] > 59):
            raise ValueError(f"{match['time']!r} is not a time of day")
    if not match or len(match["a"]) == 4:
        return stamp
    a, b, c = int(match["a"]), int(match["b"]), int(match["c"])
    year, month, day = {"dmy": (c, b, a), "mdy": (c, a, b), "ymd": (a, b, c)}[order]
    if not (1 <= month <= 12 and 1 <= day <= 31) or year < 100:
        return stamp
    time = ""
    if match["time"]:
        hour, minute, *second = match["time"].split(":")
        hours = int(hour)
        if match["ampm"]:  # 12 AM is midnight, 12 PM noon
            hours = hours % 12 + (12 if match["ampm"].casefold() == "p" else 0)
        time = "T{:02d}:{}:{}".format(hours, minute, second[0] if second else "00")
    return f"{year:04d}-{month:02d}-{day:02d}{time}"


def settle_stamps(raw: "RawSurvey", declared: str | None, shown: str) -> None:
    """Rewrite every row's ``submitted_at`` of ``raw`` as ISO 8601, in the order :func:`decide_order` finds."""
    stamps = [(row.row, row.submitted_at) for row in raw.rows if row.submitted_at]
    if not stamps:
        return
    order = decide_order(stamps, declared, raw.date_hint, shown, raw.stamp_column or "submitted_at")
    for row in raw.rows:
        if row.submitted_at:
            try:
                row.submitted_at = iso_stamp(row.submitted_at, order)
            except ValueError as exc:  # 25:61 would be stored as a time and sort duplicates wrongly
                raise InputFileError(f"time stamp {row.submitted_at!r}: {exc} (hours up to 23, minutes and seconds "
                                     "up to 59)", file=shown, row=row.row, column=raw.stamp_column or "submitted_at"
                                     ) from None
