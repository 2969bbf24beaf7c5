"""Redaction of phone numbers without false positives (issue 10, deliverable 5).

Every expected text is written by hand: what a reader of the sentence calls a
phone number becomes ``[phone]``, and nothing else changes.
"""

from __future__ import annotations

import pytest

from mixedmethods.privacy import Participant, Participants, Redactor

PEOPLE = Participants([Participant("P-1", "Ana Pérez", "+1 246 555 0101", "ana.perez@example.org", "g1", "X")])

KEPT = [  # (text) that must come out unchanged
    "sent 2024-01-17T21:00:00 and again 2024-01-17T21:05:00Z",
    "the meeting of 12.12.2022 was long",
    "on 12/12/2022 at 21:00, then 17.01.2024 21:00",
    "met at 2024-01-17 21:00:00",
    "we were at 18.4655, -66.1057 (the venue)",
    "location: 18.4655,-66.1057",
    "see Art. 12.3 and Art. 12.3.1 of the draft",
    "document A/C.6/78/L.1 and E/2024/15 were adopted",
    "A/RES/77/1 of 2022",
    "a budget of USD 1,250,000.00 and 1.250.000 EUR",
    "2 500 000 people, 1 250 000 votes",
    "ISBN 978-3-16-148410-0",
    "pages 12-13, 2019-2023",
    "the session on 2026-03-05 ran late",
    "we were 15 delegations",
    "20240117",
    "location: https://maps.google.com/?q=40.7489,-73.9680",  # WhatsApp's shared location
    "<attached: 00000042-PHOTO-2025-10-01.jpg>",  # iOS attachment name
    "IMG-20240117-WA0001.jpg (file attached)",  # Android attachment name
    "VID-20240117-WA0012.mp4",
    "at 18.4655123 north",  # a coordinate given to seven decimals
]

REDACTED = [  # (text, expected)
    ("call 246/555/0060 tonight", "call [phone] tonight"),
    ("call +1 (246) 555-0060.", "call [phone]."),
    ("Paris: 00 33 1 42 68 53 00", "Paris: [phone]"),
    ("Paris: +33 1 42 68 53 00", "Paris: [phone]"),
    ("Call Ana Pérez on +1 (246) 555-0101.", "Call P-1 on [phone]."),
    ("phone 246\u2011555\u20110101 or 0044 20 7946 0958", "phone [phone] or [phone]"),
    ("(WhatsApp +1 246 555 0199) or write to ana.perez@example.org;",
     "(WhatsApp [phone]) or write to [e-mail];"),
    ("office (246) 555 0101, mobile 2465550101", "office [phone], mobile [phone]"),
    ("sent 2024-01-17T21:00:00 from +1 246 555 0101", "sent 2024-01-17T21:00:00 from [phone]"),
    # A group of the number that starts with 00 is not an international prefix (it was, and the number stayed).
    ("You can reach me on +1 246 555 0010 if you need more.", "You can reach me on [phone] if you need more."),
    ("Paris: +33 1 42 68 00 12", "Paris: [phone]"),
    # Two addresses glued together: the second must not escape (the linear pattern starts only after a space).
    ("write a.b@example.org+c@example.net now", "write [e-mail][e-mail] now"),
]


@pytest.mark.parametrize("country", ["+1", None])
@pytest.mark.parametrize("text", KEPT)
def test_dates_times_coordinates_amounts_and_symbols_are_kept(text: str, country):
    assert Redactor(PEOPLE, country)(text) == text


@pytest.mark.parametrize("country", ["+1", None])
@pytest.mark.parametrize("text, expected", REDACTED)
def test_phone_numbers_are_redacted(text: str, expected: str, country):
    assert Redactor(PEOPLE, country)(text) == expected


def test_redactions_are_counted_by_kind_and_counting_starts_again():
    redact = Redactor(PEOPLE, "+1")
    redact("Ana Pérez: +1 246 555 0101, ana.perez@example.org; Pérez again")
    redact("nothing here on 12.12.2022")
    assert redact.take_counts() == {"e-mail": 1, "name": 2, "phone": 1}
    assert redact.take_counts() == {}


def test_offsets_follow_a_phone_redaction():
    text = "Tel 246/555/0060 ok"  # "[phone]" (7) replaces 12 characters at 4..16
    redacted, offsets = Redactor(PEOPLE, "+1").with_offsets(text)
    assert redacted == "Tel [phone] ok"
    assert (offsets.start(0), offsets.start(5), offsets.end(5), offsets.start(17), offsets.end(19)) == (0, 4, 11, 12, 14)


def test_a_country_code_without_a_region_reads_international_numbers_only():
    redact = Redactor(PEOPLE, "+999")  # no region has it
    assert redact("call +33 1 42 68 53 00 on 12.12.2022") == "call [phone] on 12.12.2022"


def test_each_import_records_its_redactions_in_the_audit(demo_study, query):
    import json

    rows = query(demo_study, "SELECT command, details FROM audit WHERE command LIKE 'import survey%'")
    details = json.loads(rows[-1][1])
    # Row 12 of the demo survey names a delegate, a WhatsApp number and an e-mail (see test_privacy.py).
    assert {"name", "phone", "e-mail"} <= set(details["redactions"])


def test_status_counts_each_import_s_redactions(small_study, run):
    import json

    chat = ("13/03/2024, 09:15 - Ana Pérez: Call Bruno Lefèvre on +1 246 555 0199 or write to b@example.org\n"
            "13/03/2024, 09:16 - Ana Pérez: The draft of 12.12.2022, article 12.3, is at 13.0975, -59.6167\n"
            "13/03/2024, 09:17 - Bruno Lefèvre: Thanks Ana Pérez, I'll call +1 212 555 0177\n")
    (small_study / "data/chats/tiny.txt").write_text(chat, encoding="utf-8")
    config = small_study / "study.yaml"
    config.write_text(config.read_text().replace("  chats: []", "  chats:\n  - {path: data/chats/tiny.txt, "
                                                 "group: caricom}"), encoding="utf-8")
    assert run("import", small_study).exit_code == 0
    # By hand: two listed names, two phone numbers, one e-mail; the date, article number and coordinates stay.
    assert "data/chats/tiny.txt (whatsapp, " in run("status", small_study).output
    assert "redacted: 1 e-mail, 2 names, 2 phone numbers" in run("status", small_study).output
    counts = json.loads(run("status", small_study, "--json").output)["redactions"]
    assert counts["chats"] == {"name": 2, "phone": 2, "e-mail": 1,
                               "by_file": {"data/chats/tiny.txt": {"e-mail": 1, "name": 2, "phone": 2}}}
    assert counts["survey"] == {"name": 0, "phone": 0, "e-mail": 0, "by_file": {}}


# --- the same folded matching as check-privacy (issue 11, item 2) -----------------------------------------------

ACCENTED = Participants([
    Participant("P-1", "Ana Pérez", "+1 246 555 0101", "ana.perez@example.org", "g1", "X"),
    Participant("P-2", "Élodie Lefèvre", "+1 246 555 0060", "elodie.lefevre11@example.org", "g1", "Y"),
    Participant("P-3", "José Martí", "", "", "g1", "Z")])

FOLDED = [  # (text, expected), by hand: each spelling of a listed name becomes the id, each listed number [phone]
    ("Elodie Lefevre said so", "P-2 said so"),
    ("ELODIE LEFEVRE and elodie-lefevre", "P-2 and P-2"),
    ("as Ambassador Lefevre said", "as Ambassador P-2 said"),
    ("E\u0301lodie Lefe\u0300vre.", "P-2."),  # accents typed as combining marks
    ("Jose\u0301 Marti\u0301 spoke", "P-3 spoke"),  # ... the last one after the name's last letter
    ("ana  perez, ANA PÉREZ", "P-1, P-1"),
    ("write to elodie.lefevre11 on Signal", "write to [e-mail] on Signal"),
    ("call 246_555_0060 now", "call [phone] now"),
    ("call 246\u00b7555\u00b70060 now", "call [phone] now"),
    ("call +1/246/555/0060 now", "call [phone] now"),
    ("Pereza and Lefevres are other words", "Pereza and Lefevres are other words"),
]


@pytest.mark.parametrize("country", ["+1", None])
@pytest.mark.parametrize("text, expected", FOLDED)
def test_names_in_any_case_accents_or_spacing_and_listed_numbers_with_any_separator(text, expected, country):
    assert Redactor(ACCENTED, country)(text) == expected


def test_offsets_follow_a_name_typed_with_combining_accents():
    # "Ask Ms " is 0..6; the name E,U+0301,lodie, ,Lefe,U+0300,vre is 7..22 (16 characters) -> "P-2" (3).
    text = "Ask Ms E\u0301lodie Lefe\u0300vre now"
    redacted, offsets = Redactor(ACCENTED, "+1").with_offsets(text)
    assert redacted == "Ask Ms P-2 now"
    assert (offsets.start(0), offsets.start(9), offsets.end(9), offsets.start(23), offsets.end(27)) == (0, 7, 10, 10, 14)


def test_offsets_follow_a_listed_number_with_underscores():
    text = "Tel 246_555_0060 ok"  # 4..16 (12 characters) -> "[phone]" (7)
    redacted, offsets = Redactor(ACCENTED, "+1").with_offsets(text)
    assert redacted == "Tel [phone] ok"
    assert (offsets.start(5), offsets.end(5), offsets.start(17)) == (4, 11, 12)


def test_a_transcript_naming_someone_without_accents_is_stored_redacted_with_its_segments(small_study, run, query):
    text = ("# participant: AAA111\n# coder: maria\n\n"
            "Ana: [[speed.reaction]]Bruno Lefevre replies within the hour.[[/speed.reaction]]\n")
    (small_study / "data/interviews/int-ana.txt").write_text(text, encoding="utf-8")
    assert run("import", small_study).exit_code == 0
    (stored,) = query(small_study, "SELECT text FROM transcripts")[0]
    assert "Lefevre" not in stored and "P-BRUNO002 replies" in stored
    assert query(small_study, "SELECT quote FROM coded_segments") == [("P-BRUNO002 replies within the hour.",)]


@pytest.mark.parametrize("country", ["+44", "+49", "+1", None])
def test_years_and_pages_of_a_reference_are_not_phone_numbers(country):
    # Found with a UK study: the matcher accepted "(2000" and "23–28" because the DOI holds seven digits.
    text = ("Bonett, D. G., & Wright, T. A. (2000). Sample size requirements. Psychometrika, 65(1), 23–28. "
            "https://doi.org/10.1007/BF02294183")
    assert Redactor(PEOPLE, country)(text) == text
    # Four-digit page ranges (Fetters et al., 2013, Health Services Research 48(6), 2134–2156; Dixon et al., 1987,
    # 1548–1551) were read as UK numbers under +44.
    pages = "Health Services Research, 48(6), 2134–2156. Ecology, 68(5), 1548–1551."
    assert Redactor(PEOPLE, country)(pages) == pages
    # An en dash between groups of unequal length is still a phone number (a local one needs a country).
    if country == "+1":
        assert Redactor(PEOPLE, country)("call 246–555–0060") == "call [phone]"
    assert Redactor(PEOPLE, country)("ring +44 20 7946 0958 or +49 30 901820") == "ring [phone] or [phone]"
