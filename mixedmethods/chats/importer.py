"""Chat exports into the store: parsed, authors linked, text pseudonymised, language identified.

A busy group's year is a million messages, so the read export is stored in
batches (:data:`BATCH` rows): each batch is pseudonymised, its language
identified and inserted with one ``executemany``, all inside the import's one
transaction, and only one batch's rows exist as Python tuples at a time.
Chats repeat themselves ("Thanks", "Noted", "+1", the same link), so each
distinct text is pseudonymised and identified once (:class:`_TextMemo`); the
stored rows and the redaction counts are the same as one message at a time.
A batch's new texts are redacted together and their languages identified
together (:func:`.text_worker.prepare`), since in a real chat nearly every
text is new; on a computer with two cores, in a second process while this
one inserts the batch before (:class:`.text_worker.TextWorker`).
"""

from __future__ import annotations

import gc
import sqlite3
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from operator import itemgetter
from typing import TYPE_CHECKING, Callable, Iterator

from .language import release_model
from .linkage import AuthorLinker
from .text_worker import Prepared, TextWorker

if TYPE_CHECKING:
    import pandas as pd

    from .parser import ChatFormat

WORDY = ("text", "edited", "poll")
BATCH = 50_000  # rows per executemany: tens of MB of tuples at most, and few enough round trips
# Distinct texts remembered across batches before the memo starts again: enough for the few thousand texts a chat
# repeats ("Thanks", "+1"), and bounded memory when nearly every text is new (a real chat of a million messages).
MEMO_LIMIT = 50_000
# Batches between two collections of the young objects (automatic collection is paused while a chat is stored,
# _young_collections_only). A batch leaves nothing in reference cycles (none found in the 20 batches of a million
# messages), and a collection walks every object made since the last one that is still alive (the memo's
# entries): 40-80 ms a batch. Collecting now and then still bounds what another pandas could leave in cycles.
COLLECT_EVERY = 10


@dataclass
class ChatCounts:
    messages: int
    system_events: int
    linked_authors: int
    unknown_authors: int
    format: str  # how the file is written, e.g. "android, dmy, 24h"
    reader: str  # the registered format that read it, e.g. "whatsapp"


class _TextMemo:
    """Each distinct message text's pseudonymised form, mentions, redactions, word count and language, once.

    A text's pseudonymised form depends on the text alone (:meth:`AuthorLinker.with_mentions_many`, then
    :func:`.text_worker.prepare`), so it is reused; the kinds of redaction made are counted for every message
    that holds the text, so the import's redaction counts are those of one message at a time.
    """

    def __init__(self, linker: AuthorLinker, worker: TextWorker) -> None:
        self.linker = linker
        self.worker = worker
        self.seen: dict[str, Prepared] = {}  # text -> (clean, redaction kinds or None, words, language)
        self.mentioned: dict[str, tuple[str, ...]] = {}  # text -> the people it mentions, for texts that do

    def submit(self, texts: list[str]) -> tuple[Callable[[], list[Prepared]], dict[str, tuple[str, ...]]]:
        """Have the batch's new texts prepared; returns a function giving every text's entry (waiting for them),
        and the people mentioned by each text of the batch that mentions somebody.

        The texts seen before are taken from the memo now: a later batch may be submitted, and the memo
        cleared, before this batch's entries are asked for.
        """
        if len(self.seen) > MEMO_LIMIT:
            self.seen.clear()
            self.mentioned.clear()
        seen = self.seen
        distinct = dict.fromkeys(texts)
        known = {text: seen[text] for text in distinct if text in seen}
        new = [text for text in distinct if text not in known]
        replaced = self.linker.with_mentions_many(new)
        prepared = self.worker.submit([text for text, _ in replaced])
        self.mentioned.update((text, tuple(people)) for text, (_, people) in zip(new, replaced) if people)
        mentioned = {text: self.mentioned[text] for text in distinct.keys() & self.mentioned.keys()}

        def entries() -> list[Prepared]:
            made = dict(zip(new, prepared()))
            known.update(made)
            seen.update(made)
            entries = list(map(known.__getitem__, texts))
            counts = self.linker.redactor.counts
            for kinds in filter(None, map(itemgetter(1), entries)):
                counts.update(kinds)  # a text's redactions, counted for every message that holds it
            return entries

        return entries, mentioned


def _timestamps(column: "pd.Series") -> list[str]:
    """ISO 8601 text of each timestamp, as ``Timestamp.isoformat`` writes it."""
    import numpy as np

    values = column.to_numpy()
    if column.dt.tz is None and len(values) and not (values.astype("datetime64[ns]").astype(np.int64) % 10**9).any():
        return np.datetime_as_string(values, unit="s").tolist()  # whole seconds: the same text, without a loop
    return [moment.isoformat() for moment in column]


def store_chat(conn: sqlite3.Connection, import_id: int, frame: "pd.DataFrame", chat_format: "ChatFormat",
               group: str, linker: AuthorLinker, batch: int = BATCH,
               worker: TextWorker | None = None) -> ChatCounts:
    """Insert one read export (:func:`mixedmethods.chats.readers.read_chat`); returns counts for the summary.

    ``worker``: where new texts are redacted and their words and languages found
    (:class:`.text_worker.TextWorker`, with a redactor equal to ``linker``'s; here by default). Working beside
    this process, it prepares a batch's texts while this process inserts the batch before; a batch is inserted
    once its texts are ready.
    """
    cursor = conn.execute("INSERT INTO chats (import_id, grp, format, media_files) VALUES (?, ?, ?, ?)",
                          (import_id, group, chat_format.describe(), chat_format.media_files))
    chat_id = cursor.lastrowid
    if chat_format.controls:  # characters XML cannot hold, replaced by the reader: a note, not a silent change
        count, line, which = chat_format.controls
        conn.execute("INSERT INTO rejects (import_id, row, column_name, value, reason, kind) VALUES (?, ?, ?, ?, ?, "
                     "'note')", (import_id, line, "text", None, f"{count} control character(s) ({which}) replaced "
                                 "by U+FFFD (a report cannot hold them); first on this line"))
    authors: dict[str, tuple[str, bool]] = {}
    for author in frame["author"].dropna().unique():
        pid, listed = linker.link(author)
        authors[author] = (pid, listed)
        conn.execute("INSERT OR IGNORE INTO participants (participant_id, grp, listed) VALUES (?, ?, ?)",
                     (pid, group, int(listed)))
    ids = {author: pid for author, (pid, _) in authors.items()}
    memo = _TextMemo(linker, worker or TextWorker(linker.redactor))
    first = conn.execute("SELECT COALESCE(MAX(message_id), 0) FROM chat_messages").fetchone()[0] + 1
    with _young_collections_only():
        waiting = None  # the batch made last, inserted once its texts are prepared
        # The first batch is a fifth of the others: nothing can be inserted until it is prepared.
        edges = sorted({0, *range(max(1, batch // 5), len(frame), batch), len(frame)})
        for number, (start, end) in enumerate(zip(edges, edges[1:]), 1):
            made = first + start, _make_batch(frame.iloc[start:end], memo)
            if waiting is not None:
                _insert_batch(conn, chat_id, ids, *waiting)
            waiting = made
            if number % COLLECT_EVERY == 0:
                gc.collect(0)
        if waiting is not None:
            _insert_batch(conn, chat_id, ids, *waiting)
    del memo
    release_model()  # the next chat's parse is where an import's memory peaks
    _return_freed_memory()
    linked = sum(1 for _, listed in authors.values() if listed)
    system = int((frame["kind"] == "system").sum())
    return ChatCounts(len(frame) - system, system, linked, len(authors) - linked, chat_format.describe(),
                      chat_format.name)


def _return_freed_memory() -> None:
    """Give the memory freed by the chat's batches back to the operating system (glibc's ``malloc_trim``).

    glibc keeps freed heap pages for later: after the batches' large
    temporary arrays the process held some 120-150 MB it no longer used at
    a million messages, on top of which the next chat's parse and the
    store's privacy check then peaked. Other C libraries (macOS, Windows,
    musl) are left alone. See malloc_trim(3); Orthanc (1.11.3) trims its
    heap the same way.
    """
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        return


@contextmanager
def _young_collections_only() -> Iterator[None]:
    """No automatic garbage collection while the rows of a chat are made (:data:`COLLECT_EVERY` batches collect).

    A batch makes some hundred thousand lists and tuples (rows, memo
    entries, redaction kinds) that live until the batch is stored; the
    automatic collector would walk them, and the memo, again and again (a
    tenth of the import's time at a million messages).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _make_batch(part: "pd.DataFrame", memo: _TextMemo) -> tuple:
    """Submit one batch of messages' new texts to be prepared; returns what :func:`_insert_batch` needs of it."""
    texts, kinds = part["text"].tolist(), part["kind"].tolist()
    return (part, texts, *memo.submit(texts), kinds, [kind in WORDY for kind in kinds])


def _insert_batch(conn: sqlite3.Connection, chat_id: int, ids: dict[str, str], first: int,
                  made: tuple) -> None:
    """Insert one batch of messages (``first``: the message id of its first row; ``made``: :func:`_make_batch`)
    and their mentions, once their texts are prepared."""
    part, texts, entries, mentioned, kinds, wordy = made
    entries = entries()
    rows = zip([chat_id] * len(part), part["line"].tolist(), _timestamps(part["timestamp"]),
               [ids.get(a) if isinstance(a, str) else None for a in part["author"].tolist()], kinds,
               [e if isinstance(e, str) else None for e in part["event"].tolist()], list(map(itemgetter(0), entries)),
               [e[2] if w else 0 for e, w in zip(entries, wordy)],
               [e[3] if w else None for e, w in zip(entries, wordy)])
    conn.executemany("INSERT INTO chat_messages (chat_id, line, timestamp, participant_id, kind, event, text, "
                     "words, language) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    if mentioned:
        conn.executemany("INSERT INTO chat_mentions (message_id, participant_id) VALUES (?, ?)",
                         [(first + index, pid) for index, text in enumerate(texts) if text in mentioned
                          for pid in mentioned[text]])
