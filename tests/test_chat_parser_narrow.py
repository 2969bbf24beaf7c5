"""The parser's fast paths for large exports (issue 14): the narrow header pattern of an export's shape, and
the check that sends the export back to the general pattern when a later header is written otherwise; control
characters found on the bytes; dates coded by runs. Rows are read off the hand-written text."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

from mixedmethods.chats.headers import ANDROID_SPLIT, BARE_SPLIT, IOS_SPLIT, ROWS, narrow_rows
from mixedmethods.chats.parser import _no_controls, parse_chat, parse_export
from mixedmethods.chats.stamps import _date_codes


def rows(text: str, **options) -> list[tuple]:
    frame, _ = parse_chat(text, "test.txt", **options)
    return [(t.to_pydatetime(), a if isinstance(a, str) else None, x, int(n))
            for t, a, x, n in frame[["timestamp", "author", "text", "line"]].itertuples(index=False)]


def test_narrow_pattern_fixes_the_separators_of_the_first_headers():
    android = narrow_rows(ANDROID_SPLIT, "05/04/2024, 08:00 - Ana: hi\n05/04/2024, 18:01 - Bo: yes\n")
    # Same groups as the general pattern: date, time, header's last space, name, space after the colon, body.
    assert android.split("x\n06/04/2024, 09:30 - Ana: ok") == ["x", "06/04/2024", "09:30", " ", "Ana", " ", "ok"]
    # Numbers written with leading zeros in the sample keep their width; another width is left to the general
    # pattern (the parser's check finds such a header and cuts the text again).
    assert android.split("x\n06/04/2024, 9:30 - Ana: ok") == ["x\n06/04/2024, 9:30 - Ana: ok"]
    assert android.split("x\n6/04/2024, 09:30 - Ana: ok") == ["x\n6/04/2024, 09:30 - Ana: ok"]
    assert android.split("x\n06/04/2024, 09:30 \u2013 Ana: ok") == ["x\n06/04/2024, 09:30 \u2013 Ana: ok"]
    assert android.split("x\n06.04.2024, 9:30 - Ana: ok") == ["x\n06.04.2024, 9:30 - Ana: ok"]  # another separator
    ios = narrow_rows(IOS_SPLIT, "[5/4/24, 8:00:01\u202fAM] Ana: hi\n".replace("\u202f", " "))
    assert ios.split("x\n[5/4/24, 9:30:00 PM] Ana:\nok") == ["x", "5/4/24", "9:30:00 PM", " ", "Ana", "", "\nok"]
    assert ios.split("x\n[5/4/24, 9:30 PM] Ana: ok") == ["x\n[5/4/24, 9:30 PM] Ana: ok"]  # no seconds
    assert ios.split("x\n[5/4/24, 9:30:00 p. m.] Ana: ok") == ["x\n[5/4/24, 9:30:00 p. m.] Ana: ok"]  # "AM"/"PM" only
    assert ios.split("x\n[15/4/2024, 19:30:00 AM] A: o") == ["x", "15/4/2024", "19:30:00 AM", " ", "A", " ", "o"]
    assert narrow_rows(ANDROID_SPLIT, "05/04/2024, 08:00 - Ana: hi\n5.4.2024, 08:01 - Bo: yes\n") is None
    assert narrow_rows(BARE_SPLIT, "13.06.18 21.25.15: Ana: hi\n") is None
    assert narrow_rows(ANDROID_SPLIT, "no header here") is None


def test_a_later_header_of_another_width_or_marker_is_still_a_row():
    filler = "".join(f"25/04/2024, 08:{i % 60:02d} - Ana: message {i}\n" for i in range(200))
    frame, _ = parse_chat(filler + "25/04/2024, 9:05 - Bo: late\n5/05/2024, 10:00 \u2013 Ana: next\n", "x.txt")
    # By hand: 200 rows, then Bo's at 9:05 on 25 April and Ana's on 5 May, each a row of its own.
    assert len(frame) == 202 and frame["author"].tolist()[-2:] == ["Bo", "Ana"]
    assert frame["text"].tolist()[-2:] == ["late", "next"]
    assert [t.isoformat() for t in frame["timestamp"].tolist()[-2:]] == ["2024-04-25T09:05:00", "2024-05-05T10:00:00"]
    ios = "".join(f"[25/04/2024, 8:{i % 60:02d}:00 AM] Ana: m{i}\n" for i in range(200))
    frame, chat_format = parse_chat(ios + "[25/04/2024, 9:05:00 p. m.] Bo: late\n", "x.txt")
    assert len(frame) == 201 and frame["text"].tolist()[-1] == "late" and chat_format.clock == "12h"
    assert frame["timestamp"].tolist()[-1].isoformat() == "2024-04-25T21:05:00"


def test_a_later_header_written_otherwise_is_still_a_row():
    # The first 5,000 characters (where the narrow pattern is taken from) hold one shape; a header far below is
    # written with dots and a 12-hour clock, which only the general pattern reads.
    filler = "".join(f"25/04/2024, 08:{i % 60:02d} - Ana: message {i}\n" for i in range(200))
    text = filler + "line two of the last one\n25.4.2024, 8:30 PM - Bo: evening\n25/04/2024, 21:00 - Ana: late\n"
    got = rows(text)
    assert len(got) == 202
    assert got[199] == (datetime(2024, 4, 25, 8, 19), "Ana", "message 199\nline two of the last one", 200)
    assert got[200] == (datetime(2024, 4, 25, 20, 30), "Bo", "evening", 202)
    assert got[201] == (datetime(2024, 4, 25, 21, 0), "Ana", "late", 203)


def test_headers_the_narrow_pattern_misses_before_its_first_one():
    # One long first message fills the sample; then two headers of another shape, then the sample's shape.
    text = ("25/04/2024, 08:00 - Ana: " + "word " * 1200 + "\n" + "25.4.2024, 08:01 - Bo: one\n"
            "25.4.2024, 08:02 - Bo: two\n25/04/2024, 08:03 - Ana: three\n")
    assert [(a, x[:5], n) for _, a, x, n in rows(text)] == [("Ana", "word ", 1), ("Bo", "one", 2), ("Bo", "two", 3),
                                                             ("Ana", "three", 4)]


@pytest.mark.parametrize(("tail", "expected"), [
    # A header of another shape that ends its line, inside the body above: the row's text is on the next line.
    ("[25.4.2024, 08:30:00]\nBo: below\n", [("Bo", "below", "text", 201), ("Ana", "after", "text", 203)]),
    # The same header as the body's last line, just before a header of the export's shape: a line break that
    # ends the body above ends that header; no "Name:", so a system line of its own.
    ("[25.4.2024, 08:30:00]\n", [(None, "", "system", 201), ("Ana", "after", "text", 202)]),
])
def test_a_header_inside_a_body_ending_its_line_is_found(tmp_path: Path, tail: str, expected: list):
    # 200 lines: the tail is beyond the first 5,000 characters, where the narrow pattern is taken from.
    filler = "".join(f"[25/04/2024, 08:{i % 60:02d}:00] Ana: message {i}\n" for i in range(200))
    path = tmp_path / "chat.txt"
    path.write_text(filler + tail + "[25/04/2024, 09:00:00] Ana: after\n", encoding="utf-8")
    frame, _ = parse_export(path)
    got = [(a if isinstance(a, str) else None, x, k, n) for a, x, k, n in
           frame[["author", "text", "kind", "line"]].itertuples(index=False)]
    assert got[-2:] == expected


@pytest.mark.parametrize(("data", "clean"), [
    (b"05/04/2024, 08:00 - Ana: hi\r\n\tok\n", True),
    ("\ufeff05/04/2024, 08:00 - Ana: caf\u00e9 \u2764".encode(), True),
    (b"a\x00b", False), (b"a\x0bb", False), (b"a\x1fb", False),
    ("a\ufffeb".encode(), False), ("a\uffffb".encode(), False), ("a\uffefb".encode(), True),  # U+FFEF: EF BF AF
])
def test_control_characters_found_on_the_bytes(data: bytes, clean: bool):
    assert _no_controls(data) is clean


def test_date_codes_as_pandas_factorize_gives_them():
    dates = ["5/4/24", "5/4/24", "6/4/24", "5/4/24", "7/4/24", "7/4/24", "6/4/24"]
    codes, distinct, first_at = _date_codes(dates)
    expected_codes, expected_distinct = pd.factorize(pd.Series(dates), sort=False)  # the peer library
    assert codes.tolist() == expected_codes.tolist() and distinct == list(expected_distinct)
    assert first_at == [0, 2, 4]


def test_general_and_fast_row_patterns_have_the_same_groups():
    for fast, general in ROWS.values():
        assert fast.groups == general.groups == 5


def test_kind_candidates_are_the_rows_the_marker_rule_gives():
    from mixedmethods.chats import kinds, patterns

    texts = ["hello", "<Media omitted>", "image omitted", "This message was deleted", "Ce message a été supprimé",
             "ok ", "done\t", "POLL:", "see http://x", "(aside)", "", "x", "Mensagem apagada", "plain text.", "end)",
             "Diese Nachricht wurde gelöscht", "Omitted", "absent", "weggelassen"]
    # The peer: the marker rule itself, tried on every text.
    assert kinds.kind_candidates(texts) == patterns.kind_candidates(texts) == [
        1, 2, 3, 4, 5, 6, 7, 9, 12, 14, 15, 16, 17, 18]  # by hand: a marker at the start or end, a trailing space


def test_first_row_codes_name_the_same_groups_as_pandas_factorize():
    from mixedmethods.chats.stamps import first_row_codes

    names = ["Ana", "Bo", "Ana", None, "Cy", "Bo", None, "Ana"]
    rows_, distinct, first = first_row_codes(names)
    assert rows_.tolist() == [0, 1, 0, 3, 4, 1, 3, 0]  # by hand: the first row holding the same name
    codes, uniques = pd.factorize(pd.Series(names), sort=False)  # the peer library (None is its -1)
    assert [d for d in distinct if d is not None] == list(uniques) and first == [0, 1, 3, 4]
    assert [distinct[first.index(r)] for r in rows_.tolist()] == [uniques[c] if c >= 0 else None for c in codes]
