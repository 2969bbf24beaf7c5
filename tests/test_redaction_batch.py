"""Redacting many texts at once (Redactor.redacted_many; the import's AuthorLinker.with_mentions_many and
text_worker.prepare) redacts as one at a time.

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


def test_mentions_then_prepare_equals_pseudonymise_one_by_one():
    from mixedmethods.chats.text_worker import prepare

    texts = ["@Ana Pérez see 246 555 0101", "hi @12465550101", "@nobody there", "plain text", "Ana", "Pérez"]
    batch = AuthorLinker(PEOPLE, bytes(32), "+1")
    single = AuthorLinker(PEOPLE, bytes(32), "+1")
    mentions = batch.with_mentions_many(texts)
    prepared = prepare(batch.redactor, [text for text, _ in mentions])
    many = [(clean, mentioned, kinds) for (_, mentioned), (clean, kinds, _, _) in zip(mentions, prepared)]
    assert [(clean, mentioned) for clean, mentioned, _ in many] == [single.pseudonymise(t) for t in texts]
    assert sum((Counter(kinds) for _, _, kinds in many), Counter()) == single.redactor.counts
    assert many[0][:2] == ("@P-1 see [phone]", ["P-1"])  # by hand
    assert many[1][:2] == ("hi @P-1", ["P-1"])
    assert [words for _, _, words, _ in prepared] == [3, 2, 2, 2, 1, 1]  # counted by hand, after redaction
    assert not batch.redactor.counts


def test_a_batch_keeps_the_texts_it_knew_when_the_next_batch_clears_the_memo(monkeypatch):
    """The import submits batch i + 1 (which may clear the memo) before it asks for batch i's entries."""
    from mixedmethods.chats import importer
    from mixedmethods.chats.text_worker import TextWorker

    monkeypatch.setattr(importer, "MEMO_LIMIT", 3)  # a submit finding more than 3 texts in the memo clears it
    linker = AuthorLinker(PEOPLE, bytes(32), "+1")
    memo = importer._TextMemo(linker, TextWorker(linker.redactor))
    # In the order of store_chat: submit batch i + 1, then ask for batch i's entries.
    first, _ = memo.submit(["Ana Pérez said", "@Ana Pérez hi", "call 246 555 0199"])
    second, _ = memo.submit(["ok"])
    assert [clean for clean, *_ in first()] == ["P-1 said", "@P-1 hi", "call [phone]"]
    third, mentioned = memo.submit(["ok", "@Ana Pérez hi", "Ana Pérez said", "ok"])  # two texts of the first
    assert [clean for clean, *_ in second()] == ["ok"]  # the memo now holds four texts
    memo.submit(["something new"])  # so this clears it before the third batch's entries are asked for
    assert [(clean, kinds, words) for clean, kinds, words, _ in third()] == [
        ("ok", None, 1), ("@P-1 hi", None, 2), ("P-1 said", ["name"], 2), ("ok", None, 1)]  # by hand
    assert mentioned == {"@Ana Pérez hi": ("P-1",)}
    assert linker.redactor.counts == Counter({"name": 2, "phone": 1})  # each message's redactions, once
