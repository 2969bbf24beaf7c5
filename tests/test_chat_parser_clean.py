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


@pytest.mark.parametrize("data", [b"a\r\nb \xe2\x80\xaf", b"a\0 \xe2\x80\xaf", "a\u200e".encode() + b"\x80",
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


BODIES = ["hi", "", "image omitted", "<Media omitted>", "Thanks!", "This message was deleted", "x\ny\n", "a ",
          "tab\t", "\u3000", "caf\u00e9 \U0001f600", "\U0001f600", "Location: https://maps.google.com/?q=1",
          "POLL:\nOPTION: a", "Fully agree.", "done)", "ok>", "Ana: \x1ehello", "+1\u2011212", "omise", "\u00a0"]


@pytest.mark.parametrize("per_slice", [100_000, 4])
def test_facts_of_the_bodies_are_those_counted_one_body_at_a_time(per_slice, monkeypatch):
    from mixedmethods.chats import bodies
    from mixedmethods.chats.bodies import body_facts

    monkeypatch.setattr(bodies, "_SLICE", per_slice)  # joined a few at a time, as a long chat is

    facts = body_facts(BODIES, ("\x1e", "\u2011"))
    # By hand: line breaks in "x\ny\n" (2) and the poll (1); the mark in one body, U+2011 in the next.
    assert facts.breaks.tolist() == [0] * 6 + [2] + [0] * 6 + [1] + [0] * 7
    assert facts.several == [6, 13]
    assert facts.marked == {0x1E: [17], 0x2011: [18]}


@pytest.mark.parametrize("emoji", [False, True])
@pytest.mark.parametrize("per_slice", [100_000, 5])
def test_kind_candidates_from_the_codes_are_those_of_the_marker_rule(emoji, per_slice, monkeypatch):
    from mixedmethods.chats import bodies as module, kinds
    from mixedmethods.chats.bodies import body_facts, kind_candidate_rows

    monkeypatch.setattr(module, "_SLICE", per_slice)
    bodies = [b for b in BODIES if emoji or "\U0001f600" not in b] * 3
    facts = body_facts(bodies)
    assert facts.maybe is not None
    expected = kinds.kind_candidates(bodies)
    # By hand: the media and deleted markers, "a ", "tab\t", "x\ny\n", the ideographic space and U+00A0 (end
    # with a space), the location and the poll, "done)" and "ok>", "omise" (not the empty text).
    names = {bodies[i] for i in expected}
    assert {"x\ny\n", "image omitted", "<Media omitted>", "This message was deleted", "a ", "tab\t", "\u3000",
            "Location: https://maps.google.com/?q=1", "POLL:\nOPTION: a", "done)", "ok>", "omise",
            "\u00a0"} == names
    assert kind_candidate_rows(bodies, facts, facts.several) == expected


def test_no_whitespace_character_lies_above_the_ones_the_codes_are_checked_against():
    import sys

    assert max(c for c in range(sys.maxunicode + 1) if chr(c).isspace()) == 0x3000


def test_a_body_holding_a_nul_is_read_the_python_way():
    from mixedmethods.chats import kinds
    from mixedmethods.chats.bodies import body_facts, kind_candidate_rows

    bodies = ["a\0b\nc", "image omitted", "x\x1e", "plain"]
    facts = body_facts(bodies, ("\x1e",))
    # By hand: one line break in the first body, the mark in the third; no codes for the kinds (a NUL joins them)
    assert facts.breaks.tolist() == [1, 0, 0, 0] and facts.several == [0] and facts.marked == {0x1E: [2]}
    assert facts.maybe is None
    # The media marker, and "x\x1e": U+001E is a space to str.isspace, as the rule checks the last character
    assert kind_candidate_rows(bodies, facts, facts.several) == kinds.kind_candidates(bodies) == [1, 2]
