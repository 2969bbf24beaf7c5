"""Third pass on the parser's speed (issue 14): the characters the parser cleans are cleaned on the export's
bytes (chats/rawbytes.clean_bytes) when it holds wide characters; checked against texts cleaned by hand and
against the text's own path (parse_chat on the decoded text)."""

from __future__ import annotations

import pytest

from mixedmethods.chats.parser import parse_chat, parse_export
from mixedmethods.chats.rawbytes import clean_bytes


def test_marks_and_special_spaces_are_cleaned_on_the_bytes():
    data = "\ufeffa\u200e: \u200eb\u202fc\u00a0d\u2009e\u2068f\u2069 +1\u2011212 \u20ac".encode()
    # By hand: marks (U+200E, U+2068, U+2069, the byte order mark) dropped, U+202F, U+00A0 and U+2009 made
    # spaces, ': ' + U+200E made ': ' + the system mark; U+2011 and the euro sign kept.
    assert bytes(clean_bytes(data, "\x1e")).decode() == "a: \x1eb c d ef +1\u2011212 \u20ac"
    assert bytes(clean_bytes(data, None)).decode() == "a: b c d ef +1\u2011212 \u20ac"


@pytest.mark.parametrize("data", [b"a\r\nb \xe2\x80\xaf", "a\u200e".encode() + b"\x80",
                                  b"\xf0" + "\u200e".encode() + b"\x9f\x98\x80"])
def test_a_cr_or_a_removal_that_could_join_broken_bytes_is_left_to_the_text(data):
    assert clean_bytes(data, None) is None


def test_an_export_cleaned_on_its_bytes_gives_the_frame_of_its_text(tmp_path):
    text = ("\u200e[15/04/24, 9:05:01\u202fPM] Bench: \u200eAna added Bo\n\u200e[15/04/24, 9:06:02\u202fPM] "
            "+1\u2011212: hi\u00a0there\nsecond\u2009line \u2068x\u2069\n[15/04/24, 9:07:00\u202fPM] "
            "~\u202fBo: \u200eimage omitted\n")
    path = tmp_path / "chat.txt"
    path.write_bytes(text.encode())
    frame, chat_format = parse_export(path)
    from_text, text_format = parse_chat(text, "chat.txt")
    assert frame.equals(from_text) and chat_format == text_format
    # By hand: the system line, the message with its two lines cleaned, the media message of Bo
    assert frame["text"].tolist() == ["Ana added Bo", "hi there\nsecond line x", "image omitted"]
    assert frame["kind"].tolist() == ["system", "text", "media"]
    assert frame["author"].tolist()[1:] == ["+1-212", "Bo"]
    assert frame["line"].tolist() == [1, 2, 4]


def test_bytes_that_are_no_utf8_next_to_a_mark_name_their_line(tmp_path):
    from mixedmethods.errors import InputFileError

    path = tmp_path / "chat.txt"
    path.write_bytes("[15/04/24, 9:05:01\u202fPM] Ana: hi\n".encode() + b"\xf0" + "\u200e".encode() + b"\x9f\x98\x80\n")
    with pytest.raises(InputFileError, match="line 2"):
        parse_export(path)
