"""Redacting many texts at once (Redactor.redacted_many, AuthorLinker.pseudonymised_many) redacts as one at a time.

Expected texts are written by hand; the batch must also give exactly what the
one-text-at-a-time methods give, and count nothing until the import counts it.
"""

from __future__ import annotations

from collections import Counter

import pytest

from mixedmethods.chats.linkage import AuthorLinker
from mixedmethods.privacy import Participant, Participants, Redactor

PEOPLE = Participants([Participant("P-1", "Ana Pérez", "+1 246 555 0101", "ana.perez@example.org", "g1", ""),
                       Participant("P-2", "Seán O'Brien", "", "", "g1", "")])

CASES = [  # (text, redacted by hand, kinds of redaction)
    ("Thanks!", "Thanks!", []),
    ("see article 12 of 2024", "see article 12 of 2024", []),  # six digits: no phone number
    ("call 246 555 0199", "call [phone]", ["phone"]),  # seven digits and more: a number
    ("246_555_0101 is hers", "[phone] is hers", ["phone"]),  # a listed number, whatever separates its digits
    ("write to x@y.org", "write to [e-mail]", ["e-mail"]),
    ("ask ANA PEREZ", "ask P-1", ["name"]),
    ("O'Brien agreed", "P-2 agreed", ["name"]),  # a family name alone
    ("Ana", "Ana", []),
    ("Pérez", "P-1", ["name"]),
    ("١٢٣٤٥٦٧ called", "[phone] called", ["phone"]),  # seven Arabic-Indic digits are a number too
]


@pytest.mark.parametrize("country", [None, "+1"])
def test_redacted_many_equals_redacted_one_by_one_and_counts_nothing(country):
    redactor = Redactor(PEOPLE, country)
    texts = [text for text, _, _ in CASES]
    many = redactor.redacted_many(texts)
    assert [clean for clean, _ in many] == [clean for _, clean, _ in CASES]
    assert [sorted(kinds) for _, kinds in many] == [kinds for _, _, kinds in CASES]
    assert many == [redactor.redacted(text) for text in texts]
    assert not redactor.counts  # counted by whoever stores the texts, once per message
    assert redactor.redacted_many([]) == []


def test_pseudonymised_many_equals_pseudonymise_one_by_one():
    texts = ["@Ana Pérez see 246 555 0101", "hi @12465550101", "@nobody there", "plain text", "Ana", "Pérez"]
    batch = AuthorLinker(PEOPLE, bytes(32), "+1")
    single = AuthorLinker(PEOPLE, bytes(32), "+1")
    many = batch.pseudonymised_many(texts)
    assert [(clean, mentioned) for clean, mentioned, _ in many] == [single.pseudonymise(t) for t in texts]
    assert sum((Counter(kinds) for _, _, kinds in many), Counter()) == single.redactor.counts
    assert many[0][:2] == ("@P-1 see [phone]", ["P-1"])  # by hand
    assert many[1][:2] == ("hi @P-1", ["P-1"])
    assert not batch.redactor.counts
