"""The streaming chat import gives what the one-message-at-a-time import gave.

The references below are copies of the code as it was before issue 14 (our
own code, kept here to compare against): the mention pattern with one
alternative per name, the store_chat that pseudonymised and identified one
message at a time, and py3langid's own ``classify`` per text.
"""

from __future__ import annotations

import os
import random
import re
import sqlite3
from collections import Counter
from pathlib import Path

import pytest

from mixedmethods.chats.importer import store_chat
from mixedmethods.chats.language import classify_many, identify, identify_one_by_one
from mixedmethods.chats.linkage import AuthorLinker, mention_trie
from mixedmethods.chats.text_worker import TextWorker
from mixedmethods.normalise import text_key
from mixedmethods.privacy import Participant, Participants, Redactor

# Names that share prefixes, differ in case or accents only, hold hyphens, or case-fold specially.
NAMES = ["Ana", "Ana Pérez", "Ana Pérez Gómez", "ANA PEREZ", "Anabel Ruiz", "Jean-Luc Picard", "Jean Luc",
         "Jean", "Élodie Lefèvre", "Elodie Lefevre-Diallo", "Kai Straße", "Lee Sé", "Lee", "O'Brien Kofi",
         "Baptiste", "Marie Baptiste", "Marie", "Zoë Ng", "Ng Zoë"]


def _people() -> list[Participant]:
    return [Participant(f"P-{i:02d}", name, f"+1 246 555 01{i:02d}", f"{text_key(name).replace(' ', '.')}{i}@ex.org",
                        "caricom", "") for i, name in enumerate(NAMES)]


def _reference_pseudonymise(linker: AuthorLinker, text: str) -> tuple[str, list[str]]:
    """AuthorLinker.pseudonymise before issue 14: the @names pattern is one alternative per name, longest first."""
    names = sorted((p.name for p in linker.participants.people if p.name), key=len, reverse=True)
    by_names = re.compile("@(" + "|".join(re.escape(n) for n in names) + r")(?!\w)", re.IGNORECASE)
    mentioned: list[str] = []

    def by_phone(match: re.Match[str]) -> str:
        from mixedmethods.privacy import normalise_phone

        international = "+" + re.sub(r"\D", "", match.group(1))
        for phone in (international, normalise_phone(match.group(1), linker.country_code)):
            if phone in linker._phones:
                mentioned.append(linker._phones[phone])
                return "@" + linker._phones[phone]
        return "@[phone]"

    def by_name(match: re.Match[str]) -> str:
        pid = linker._names[text_key(match.group(1))]
        mentioned.append(pid)
        return "@" + pid

    text = re.compile(r"@(\+?\d[\d\s\u2011-]{6,}\d)").sub(by_phone, text)
    text = by_names.sub(by_name, text)
    return linker.redactor(text), mentioned


def _variant(rng: random.Random, name: str) -> str:
    """A name as people type it: any case, accents or not, odd spacing or hyphens."""
    import unicodedata

    if rng.random() < 0.3:
        name = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    name = rng.choice([name, name.upper(), name.lower(), name.title()])
    if rng.random() < 0.2:
        name = name.replace(" ", rng.choice(["  ", "-", "_", ". "]))
    return name


def _texts(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    words = ["the", "draft", "merci", "de", "acuerdo", "anabella", "jeanne", "leeway", "x", "ok", "a", "é",
             "call", "+1 246 555 0103", "246-555-0104", "12465550105", "2024-01-17", "ana.perez1@ex.org",
             "someone@else.org", "@12465550107", "@+1 246 555 0999", "3.14159", ",", "!", "(", ")", ":", "'s"]
    texts = []
    for _ in range(count):
        pieces = []
        for _ in range(rng.randint(1, 12)):
            if rng.random() < 0.45:
                pieces.append(("@" if rng.random() < 0.35 else "") + _variant(rng, rng.choice(NAMES)))
            else:
                pieces.append(rng.choice(words))
            if rng.random() < 0.15:  # glue a letter or digit: no longer a whole word
                pieces[-1] += rng.choice(["s", "1", "é", "_", "-"])
        texts.append(rng.choice([" ", "  ", ""]).join(pieces))
    return texts


def test_mention_trie_matches_like_the_alternation_of_all_names():
    # "Ana Pérez Gómez" is the longest match; "Ana Pérezz" falls back to "Ana"; case-insensitive; not "Anabel R".
    linker = AuthorLinker(Participants(_people()), bytes(32), "+1")
    for text in ["@Ana Pérez Gómez!", "@ana pérezz", "@ANA PÉREZ GÓMEZ1", "@Anabel Ruiz", "@Anabel R", "@jean-luc",
                 "@KAI STRASSE", "@Kai Straße", "@Ng Zoë, @Zoë Ng", "@LEE SÉ", "@Lee Sex"]:
        assert linker.pseudonymise(text) == _reference_pseudonymise(linker, text), text
    assert re.fullmatch(mention_trie(["Ana", "Ana Pérez"]), "ANA PÉREZ", re.IGNORECASE)
    assert mention_trie([]) is None and mention_trie([""]) is None


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_pseudonymise_equals_the_reference_on_generated_texts_with_overlapping_names(seed):
    linker = AuthorLinker(Participants(_people()), bytes(32), "+1")
    texts = _texts(seed, 400)
    reference = [_reference_pseudonymise(linker, t) for t in texts]
    counts = linker.redactor.take_counts()
    assert [linker.pseudonymise(t) for t in texts] == reference
    assert linker.redactor.take_counts() == counts
    assert sum(1 for text, mentioned in reference if mentioned) > 50  # the texts do mention people


def _labelled() -> list[str]:
    import importlib.util

    path = Path(__file__).resolve().parents[1] / "benchmarks" / "language_accuracy.py"
    spec = importlib.util.spec_from_file_location("language_accuracy", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return [text for texts in module.LABELLED.values() for text in texts]


def test_vectorised_language_labels_equal_classify_per_text(demo_study: Path, monkeypatch):
    con = sqlite3.connect(demo_study / "store.sqlite")
    demo = [r[0] for r in con.execute("SELECT DISTINCT text FROM chat_messages WHERE kind IN ('text', 'edited', "
                                      "'poll')")]
    con.close()
    rng = random.Random(5)
    words = " ".join(_labelled() + demo[:300]).split()
    salad = [" ".join(rng.choice(words) for _ in range(rng.randint(1, 9))) for _ in range(2000)]
    texts = _labelled() + demo + salad + ["ÉCRIVEZ-NOUS VITE", "   ", "123 456", "😀😀 ok", "x" * 3000]
    assert identify(texts) == identify_one_by_one(texts)
    from mixedmethods.chats import language

    monkeypatch.setattr(language, "SCORED_TOGETHER", 7)  # scored a few texts at a time: the same labels
    assert identify(texts) == identify_one_by_one(texts)
    monkeypatch.undo()
    wordy = [t for t in texts if sum(c.isalpha() for c in t) >= 3]
    from mixedmethods.chats.language import _identifier

    assert classify_many(wordy) == [_identifier().classify(t)[0] for t in wordy]
    assert classify_many([]) == [] and identify([]) == []


def _reference_store_chat(conn, import_id, frame, chat_format, group, linker):
    """store_chat before issue 14 (one message at a time, every row held at once)."""
    cursor = conn.execute("INSERT INTO chats (import_id, grp, format, media_files) VALUES (?, ?, ?, ?)",
                          (import_id, group, chat_format.describe(), chat_format.media_files))
    chat_id = cursor.lastrowid
    authors = {}
    for author in frame["author"].dropna().unique():
        pid, listed = linker.link(author)
        authors[author] = (pid, listed)
        conn.execute("INSERT OR IGNORE INTO participants (participant_id, grp, listed) VALUES (?, ?, ?)",
                     (pid, group, int(listed)))
    texts, mentions = [], []
    for text in frame["text"]:
        clean, mentioned = linker.pseudonymise(text)
        texts.append(clean)
        mentions.append(mentioned)
    wordy = frame["kind"].isin(("text", "edited", "poll")).to_numpy()
    languages = iter(identify_one_by_one([t for t, w in zip(texts, wordy) if w]))
    rows = []
    for index, row in enumerate(frame.itertuples(index=False)):
        author = row.author if isinstance(row.author, str) else None
        rows.append((chat_id, int(row.line), row.timestamp.isoformat(), authors[author][0] if author else None,
                     row.kind, row.event if isinstance(row.event, str) else None, texts[index],
                     len(texts[index].split()) if wordy[index] else 0, next(languages) if wordy[index] else None))
    first = conn.execute("SELECT COALESCE(MAX(message_id), 0) FROM chat_messages").fetchone()[0] + 1
    conn.executemany("INSERT INTO chat_messages (chat_id, line, timestamp, participant_id, kind, event, text, words, "
                     "language) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    conn.executemany("INSERT INTO chat_mentions (message_id, participant_id) VALUES (?, ?)",
                     [(first + index, pid) for index, mentioned in enumerate(mentions) for pid in mentioned])


def _store(tmp_path: Path, name: str):
    from mixedmethods.store import connect

    conn = connect(tmp_path / f"{name}.sqlite")
    conn.execute("INSERT INTO imports (import_id, source_kind, path, sha256, reader, rows_accepted, rows_rejected, "
                 "imported_at, tool_version) VALUES (1, 'chats', 'x.txt', '0', 'whatsapp', 0, 0, 'now', '0')")
    return conn


def _dump(conn) -> list:
    return [conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
            for table in ("chats", "chat_messages", "chat_mentions", "participants")]


@pytest.mark.parametrize("ios", [False, True])
def test_batched_store_chat_stores_what_the_one_by_one_import_stored(tmp_path: Path, ios: bool):
    from mixedmethods.chats.parser import parse_export
    from mixedmethods.demo_chats import write_chat_export

    people = _people()
    path = tmp_path / "chat.txt"
    write_chat_export(path, random.Random(3), "caricom", people, {}, 700, ios, "Test")
    with path.open("a", encoding="utf-8") as handle:  # texts the generator does not write: mentions, e-mails
        stamp = "[1/2/26, 9:00:00 AM]" if ios else "02/01/2026, 09:00 -"
        for text in _texts(9, 60) * 2:  # repeated: the memo must count their redactions again
            handle.write(f"{stamp} {NAMES[1]}: {text}\n")
    frame, chat_format = parse_export(path)
    results = []
    # "beside": texts redacted and languages identified in a second process while the batch before is inserted
    for name, batch in (("reference", None), ("one", 10**6), ("many", 37), ("beside", 37)):
        conn = _store(tmp_path, name)
        linker = AuthorLinker(Participants(people), bytes(32), "+1")
        if batch is None:
            _reference_store_chat(conn, 1, frame, chat_format, "caricom", linker)
        else:
            with TextWorker(Redactor(Participants(people), "+1"), beside=name == "beside") as worker:
                if name == "beside":  # a second process on a computer with two cores and more
                    assert (worker._pool is not None) == (len(os.sched_getaffinity(0)) > 1)
                store_chat(conn, 1, frame, chat_format, "caricom", linker, batch=batch, worker=worker)
        results.append((_dump(conn), linker.redactor.take_counts(), dict(linker.unknown)))
        conn.close()
    assert results[0] == results[1] == results[2] == results[3]
    dump, counts, _ = results[0]
    assert len(dump[1]) == len(frame) and dump[2] and counts["name"] > 0 \
        and Counter(r["language"] for r in dump[1]).get(None, 0) and Counter(r["language"] for r in dump[1])["fr"]


class _ReferenceRedactor:
    """privacy.Redactor before issue 14 (its own IdentityMatcher per redactor), for comparison."""

    def __init__(self, participants, country_code=None):
        from mixedmethods.identity_matching import IdentityMatcher
        from mixedmethods.privacy import _region

        self._known = IdentityMatcher(participants, country_code, surnames=True)
        self.region = _region(country_code)
        self.counts = Counter()

    def replacements(self, text):
        from mixedmethods.privacy import EMAIL_MARK, PHONE_MARK, Redactor, email_spans

        spans = []

        def free(start, end):
            return all(end <= s or start >= e for s, e, _ in spans)

        for start, end in email_spans(text):
            spans.append((start, end, EMAIL_MARK))
            self.counts["e-mail"] += 1
        for start, end in Redactor.phones(self, text):
            if free(start, end):
                spans.append((start, end, PHONE_MARK))
                self.counts["phone"] += 1
        for found in self._known.phones(text):
            if free(found.start, found.end):
                spans.append((found.start, found.end, PHONE_MARK))
                self.counts["phone"] += 1
        for found in self._known.names(text):
            if free(found.start, found.end):
                spans.append((found.start, found.end, found.participant_id if found.kind == "name" else EMAIL_MARK))
                self.counts[found.kind] += 1
        return sorted(spans)


@pytest.mark.parametrize("country", ["+1", None])
def test_redactors_share_one_matcher_and_redact_as_before(country):
    from mixedmethods.privacy import Redactor

    people = Participants(_people())
    first, second = Redactor(people, country), Redactor(people, country)
    assert first._known is second._known  # built once for the list
    edited = Participants(_people()[:-1])
    assert Redactor(edited, country)._known is not first._known  # another list, another matcher
    reference = _ReferenceRedactor(people, country)
    texts = _texts(11, 300) + ["Ana Pérez Gómez called Ana on 246 555 0102", "ÉLODIE LEFÈVRE-DIALLO, merci",
                               "mail ana.perez0@ex.org or ana.perez0", "Ng Zoë/Zoë Ng", "Baptiste's note"]
    for text in texts:
        assert first.replacements(text) == reference.replacements(text), text
        redacted, offsets = first.with_offsets(text)
        assert offsets.spans == reference.replacements(text)
    assert dict(first.counts) == dict(reference.counts) and first.counts["name"] > 100


@pytest.mark.parametrize("collecting", [True, False])
def test_a_memo_that_starts_again_stores_the_same_and_the_collector_is_left_as_it_was(tmp_path: Path, monkeypatch,
                                                                                      collecting: bool):
    import gc

    from mixedmethods.chats import importer
    from mixedmethods.chats.parser import parse_export
    from mixedmethods.demo_chats import write_chat_export

    people = _people()
    path = tmp_path / "chat.txt"
    write_chat_export(path, random.Random(5), "caricom", people, {}, 120, False, "Test")
    with path.open("a", encoding="utf-8") as handle:
        for text in _texts(4, 40) * 3:  # mentions, e-mails, phone numbers, names; each three times
            handle.write(f"02/01/2026, 09:00 - {NAMES[1]}: {text}\n")
    frame, chat_format = parse_export(path)
    results = []
    was_enabled = gc.isenabled()
    try:
        (gc.enable if collecting else gc.disable)()
        for name in ("reference", "batched"):
            conn = _store(tmp_path, name)
            linker = AuthorLinker(Participants(people), bytes(32), "+1")
            if name == "reference":
                _reference_store_chat(conn, 1, frame, chat_format, "caricom", linker)
            else:
                monkeypatch.setattr(importer, "MEMO_LIMIT", 5)  # forgets its texts every few batches
                store_chat(conn, 1, frame, chat_format, "caricom", linker, batch=23)
                assert gc.isenabled() is collecting
            results.append((_dump(conn), linker.redactor.take_counts()))
            conn.close()
    finally:
        (gc.enable if was_enabled else gc.disable)()
    assert results[0] == results[1]
    assert results[0][1]["name"] > 0 and results[0][1]["phone"] > 0  # the texts do hold what is redacted


def test_the_second_process_is_started_only_when_a_chat_is_read(fresh_demo: Path, monkeypatch):
    """An import in which no chat changed reads no chat: it starts no process to prepare chat texts (forking one
    and loading its language model cost half a second to an import of one transcript)."""
    from mixedmethods import importing
    from mixedmethods.study import load_study

    asked = []
    real = importing._text_worker
    monkeypatch.setattr(importing, "_text_worker", lambda redact, chats: asked.append(chats) or real(redact, chats))
    importing.import_study(load_study(fresh_demo))  # the demo is imported already: nothing changed
    chat = sorted((fresh_demo / "data" / "chats").iterdir())[0]
    chat.write_text(chat.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # one chat changed
    importing.import_study(load_study(fresh_demo))
    importing.import_study(load_study(fresh_demo), force=True)  # every file read again
    assert asked == [False, True, True]
