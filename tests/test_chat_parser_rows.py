"""The WhatsApp parser's vectorised pass: on small tricky exports written here by hand, every row (time stamp,
author, text, kind, event and line) is the one read off the text by hand, whichever path a row takes (the
vectorised one, or the full rule for unusual rows), and errors name the same line."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from mixedmethods.chats.parser import _clock_seconds, parse_chat, parse_export
from mixedmethods.errors import InputFileError

NNBSP, LRM = "\u202f", "\u200e"


def rows(text: str, **options) -> list[tuple]:
    frame, _ = parse_chat(text, "test.txt", **options)
    return [(t.to_pydatetime(), a if isinstance(a, str) else None, x, k, e if isinstance(e, str) else None, int(n))
            for t, a, x, k, e, n in frame[["timestamp", "author", "text", "kind", "event", "line"]].itertuples(
                index=False)]


ANDROID = ("05/04/2024, 08:00 - Ana created group \"Delegates\"\n"          # line 1
           "05/04/2024, 08:01 - Ana: first\n"                                # line 2
           "line two: with a colon\n"                                        # line 3
           "\n"                                                              # line 4
           "05/04/2024, 08:02 - Ana: \n"                                     # line 5: empty message
           "05/04/2024, 08:03 - Amb. Smith: Barbados: agreed\n"              # line 6: listed name with ':'
           "05/04/2024, 08:04 - Bruno:\n"                                    # line 7: "Name:" then a line break
           "continues here\n"                                                # line 8
           "\n\n"                                                            # lines 9-10: blank lines dropped
           "05/04/2024, 08:05 - Bruno left\n"                                # line 11
           "06/04/2024, 09:30 - Carla: <Media omitted>\n"                    # line 12
           "06/04/2024, 09:31 - Carla: POLL:\nOPTION: yes (1 vote)\n"        # lines 13-14
           "06/04/2024, 09:32 - Carla: done  \n")                            # line 15: trailing spaces kept


def test_android_rows_by_hand():
    assert rows(ANDROID, known_authors=["Amb. Smith: Barbados"]) == [
        (datetime(2024, 4, 5, 8, 0), None, 'Ana created group "Delegates"', "system", "created", 1),
        (datetime(2024, 4, 5, 8, 1), "Ana", "first\nline two: with a colon", "text", None, 2),
        (datetime(2024, 4, 5, 8, 2), "Ana", "", "text", None, 5),
        (datetime(2024, 4, 5, 8, 3), "Amb. Smith: Barbados", "agreed", "text", None, 6),
        (datetime(2024, 4, 5, 8, 4), "Bruno", "continues here", "text", None, 7),
        (datetime(2024, 4, 5, 8, 5), None, "Bruno left", "system", "left", 11),
        (datetime(2024, 4, 6, 9, 30), "Carla", "<Media omitted>", "media", None, 12),
        (datetime(2024, 4, 6, 9, 31), "Carla", "POLL:\nOPTION: yes (1 vote)", "poll", None, 13),
        (datetime(2024, 4, 6, 9, 32), "Carla", "done  ", "text", None, 15),
    ]


def test_without_the_listed_name_the_first_colon_ends_the_name():
    assert rows(ANDROID)[3] == (datetime(2024, 4, 5, 8, 3), "Amb. Smith", "Barbados: agreed", "text", None, 6)


@pytest.mark.parametrize("ending", ["\r\n", "\r"])
def test_windows_and_old_mac_line_ends_give_the_same_rows(ending: str):
    assert rows(ANDROID.replace("\n", ending), known_authors=["Amb. Smith: Barbados"]) == \
        rows(ANDROID, known_authors=["Amb. Smith: Barbados"])


def test_ios_12_hour_clock_marks_group_name_with_colon_and_unknown_marked_text():
    text = (f"{LRM}[1/2/24, 9:00:00{NNBSP}AM] Team: 2024: {LRM}Messages and calls are end-to-end encrypted.\n"
            f"[1/2/24, 12:00:01{NNBSP}AM] Ana: midnight\n"
            f"[1/2/24, 12:30:00{NNBSP}PM] Ana: {LRM}image omitted\n"
            f"{LRM}[1/2/24, 1:05:09{NNBSP}PM] Team: 2024: {LRM}Something WhatsApp wrote later\n"
            f"[1/13/24, 11:59:59{NNBSP}PM] Bruno: last\n")
    assert rows(text) == [
        (datetime(2024, 1, 2, 9, 0), None, "Messages and calls are end-to-end encrypted.", "system", "encryption", 1),
        (datetime(2024, 1, 2, 0, 0, 1), "Ana", "midnight", "text", None, 2),
        (datetime(2024, 1, 2, 12, 30), "Ana", "image omitted", "media", None, 3),
        # The group's name writes nothing but marked texts: an unknown one is a system event ("other").
        (datetime(2024, 1, 2, 13, 5, 9), None, "Something WhatsApp wrote later", "system", "other", 4),
        (datetime(2024, 1, 13, 23, 59, 59), "Bruno", "last", "text", None, 5),
    ]


def test_arabic_indic_digits_in_headers():
    text = "١٣/٠٣/٢٠٢٤، ٩:٠٥ م - Ana: مرحبا\n١٣/٠٣/٢٠٢٤، ١٠:١٥ م - Bruno: ok\n"
    assert rows(text) == [(datetime(2024, 3, 13, 21, 5), "Ana", "مرحبا", "text", None, 1),
                          (datetime(2024, 3, 13, 22, 15), "Bruno", "ok", "text", None, 2)]


def test_a_header_that_ends_its_line_before_another_header():
    # The header's last space is the line break: the next line is a header of its own (the general path).
    text = "[05/04/2024, 08:00:00]\n[05/04/2024, 08:01:00] Ana: hi\n[05/04/2024, 08:02:00] Bruno: yo\n"
    assert rows(text, date_order="dmy") == [(datetime(2024, 4, 5, 8, 0), None, "", "system", "other", 1),
                          (datetime(2024, 4, 5, 8, 1), "Ana", "hi", "text", None, 2),
                          (datetime(2024, 4, 5, 8, 2), "Bruno", "yo", "text", None, 3)]


def test_errors_name_the_line_of_the_first_wrong_clock_and_date():
    with pytest.raises(InputFileError) as wrong_clock:
        parse_chat("05/04/2024, 08:00 - Ana: a\nb\n05/04/2024, 25:10 - Ana: c\n", "x.txt")
    assert wrong_clock.value.line == 3 and "'25:10' is not a time of day" in str(wrong_clock.value)
    with pytest.raises(InputFileError) as wrong_date:
        parse_chat("13/04/2024, 08:00 - Ana: a\n\n31/04/2024, 08:10 - Ana: c\n", "x.txt")
    assert wrong_date.value.line == 3 and "not a valid date under the dmy date order" in str(wrong_date.value)
    with pytest.raises(InputFileError) as stray:
        parse_chat("\nhello\n05/04/2024, 08:00 - Ana: a\n", "x.txt")
    assert stray.value.line == 2


def test_clock_seconds_read_together():
    # 12:00 AM is midnight, 12:30 PM half past noon, "p. m." Spanish, 13 with a marker no time of day.
    seconds, twelve = _clock_seconds(["9:05", "21:05:09", "12:00 AM", "12:30 PM", "9:05 p. m.", "13:00 PM", "24:00"])
    assert seconds.tolist() == [9 * 3600 + 300, 21 * 3600 + 309, 0, 12 * 3600 + 1800, 21 * 3600 + 300, -1, -1]
    assert twelve
    assert _clock_seconds(["9:05", "23:59"])[1] is False


def test_export_file_and_text_give_the_same_frame(tmp_path: Path):
    (tmp_path / "chat.txt").write_text("\ufeff" + ANDROID, encoding="utf-8")
    from_file, _ = parse_export(tmp_path / "chat.txt")
    from_text, _ = parse_chat(ANDROID, "x.txt")
    assert from_file.equals(from_text)


def test_encryption_notice_after_a_group_name_in_the_first_rows_only():
    notice = "Messages and calls are end-to-end encrypted."
    text = (f"13/04/2024, 08:00 - Delegates: {notice}\n"
            "13/04/2024, 08:01 - Ana: hi\n"
            "13/04/2024, 08:02 - Ana: ok\n"
            f"13/04/2024, 08:03 - Ana: {notice}\n")
    assert rows(text) == [(datetime(2024, 4, 13, 8, 0), None, f"Delegates: {notice}", "system", "encryption", 1),
                          (datetime(2024, 4, 13, 8, 1), "Ana", "hi", "text", None, 2),
                          (datetime(2024, 4, 13, 8, 2), "Ana", "ok", "text", None, 3),
                          (datetime(2024, 4, 13, 8, 3), "Ana", notice, "text", None, 4)]
