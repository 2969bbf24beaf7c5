"""Second pass on the parser's speed (issue 14): clock times read on their bytes with numpy, checked against
seconds after midnight computed by hand, and against the reader of one distinct clock at a time."""

from __future__ import annotations

from datetime import datetime

import pytest

from mixedmethods.chats.parser import parse_chat
from mixedmethods.chats.stamps import _ascii_clock_seconds, _clock_seconds


def test_clocks_on_bytes_give_seconds_after_midnight():
    clocks = ["9:05", "21:05:09", "12:00:00 AM", "12:30:01 PM", "1:02:03 pm", "11:59:59PM", "0.07.08"]
    seconds, twelve = _ascii_clock_seconds(clocks)
    # By hand: 9*3600+5*60; 21*3600+5*60+9; midnight; 12*3600+30*60+1; 13*3600+2*60+3; 23*3600+59*60+59; 7*60+8
    assert seconds.tolist() == [32700, 75909, 0, 45001, 46923, 86399, 428]
    assert twelve is True
    assert _ascii_clock_seconds(["9:05", "21:05:09"])[1] is False


@pytest.mark.parametrize("clocks", [["25:00:00"], ["9:60"], ["13:00 PM"], ["9:05 p. m."], ["9:05\u202fPM"],
                                    ["٩:05"], ["9:05:0"], ["9:5"], [], ["9:05 AMx"]])
def test_clocks_written_otherwise_or_no_time_of_day_go_back_to_the_reader_of_each(clocks):
    assert _ascii_clock_seconds(clocks) is None


def test_byte_reader_agrees_with_the_reader_of_each_distinct_clock():
    clocks = [f"{h}:{m:02d}:{s:02d}{half}" for h in (1, 9, 10, 12) for m in (0, 7, 59) for s in (0, 31)
              for half in ("", " AM", " PM", "PM")]
    clocks = [c for c in clocks if not (c.startswith("0") and c[-1] == "M")]
    fast, fast_twelve = _ascii_clock_seconds(clocks)
    one_by_one, twelve = _clock_seconds(clocks)
    assert fast.tolist() == one_by_one.tolist() and fast_twelve == twelve


def test_an_ios_export_with_mostly_distinct_clocks_reads_its_time_stamps():
    text = "".join(f"[5/4/24, {h}:{m:02d}:{s:02d}\u202f{'AM' if h < 12 else 'PM'}] Ana: hi\n".replace(
        f"{h}:", f"{h % 12 or 12}:", 1) for h, m, s in [(0, 1, 2), (9, 30, 0), (12, 0, 5), (23, 59, 59)])
    frame, chat_format = parse_chat(text, "chat.txt", date_order="dmy")
    assert chat_format.clock == "12h"
    assert frame["timestamp"].tolist() == [datetime(2024, 4, 5, 0, 1, 2), datetime(2024, 4, 5, 9, 30),
                                           datetime(2024, 4, 5, 12, 0, 5), datetime(2024, 4, 5, 23, 59, 59)]


def test_characters_to_clean_are_found_on_the_bytes():
    from mixedmethods.chats.parser import _cleaned_present

    # Written by hand: which of the marks, special spaces and CR each text holds (in _CLEANED's order).
    assert _cleaned_present("x\u00a0\u2009\r\u2068 \u202f".encode()) == "\u2068\u202f\u00a0\u2009\r"
    assert _cleaned_present("+1\u2011212 \u200e".encode()) == "\u200e"
    assert _cleaned_present("\u2011\u00a0".encode()) == "\u00a0"  # a character in the last two bytes
    assert _cleaned_present("\u2011 \u2010 \u20ac".encode()) == ""  # other E2 characters
    assert _cleaned_present("Ana: caf\u00e9\u00a0\r\n".encode()) is None  # no E2 byte: Python's search is fast


def test_an_export_with_wide_characters_is_cleaned_as_before(tmp_path):
    from mixedmethods.chats.parser import parse_export

    path = tmp_path / "chat.txt"
    path.write_bytes("[15/04/24, 9:05:01\u202fPM] Bench: \u200eAna added Bo\r\n\u200e[15/04/24, 9:06:02\u202fPM] "
                     "+1\u2011212: hi\u00a0there\r\nsecond\u2009line\r\n".encode())
    frame, chat_format = parse_export(path)
    assert frame["text"].tolist() == ["Ana added Bo", "hi there\nsecond line"]
    assert frame["kind"].tolist() == ["system", "text"]
    assert frame["author"].tolist()[1] == "+1-212"
    assert frame["line"].tolist() == [1, 2]
