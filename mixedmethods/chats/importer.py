"""Chat exports into the store: parsed, authors linked, text pseudonymised, language identified.

A busy group's year is a million messages, so the read export is stored in
batches (:data:`BATCH` rows): each batch is pseudonymised, its language
identified and inserted with one ``executemany``, all inside the import's one
transaction, and only one batch's rows exist as Python tuples at a time.
Chats repeat themselves ("Thanks", "Noted", "+1", the same link), so each
distinct text is pseudonymised and identified once (:class:`_TextMemo`); the
stored rows and the redaction counts are the same as one message at a time.
A batch's new texts are redacted together
(:meth:`AuthorLinker.pseudonymised_many`) and their languages identified
together, since in a real chat nearly every text is new.
"""

from __future__ import annotations

import gc
import sqlite3
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterator

from .language import Identifier, release_model
from .linkage import AuthorLinker

if TYPE_CHECKING:
    import pandas as pd

    from .parser import ChatFormat

WORDY = ("text", "edited", "poll")
BATCH = 50_000  # rows per executemany: tens of MB of tuples at most, and few enough round trips
# Distinct texts remembered across batches before the memo starts again: enough for the few thousand texts a chat
# repeats ("Thanks", "+1"), and bounded memory when nearly every text is new (a real chat of a million messages).
MEMO_LIMIT = 50_000


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

    :meth:`AuthorLinker.pseudonymise` depends on the text alone, so its
    result can be reused; the kinds of redaction it made are counted for
    every message that holds the text, so the import's redaction counts
    are those of one message at a time.
    """

    def __init__(self, linker: AuthorLinker) -> None:
        self.linker = linker
        self.seen: dict[str, list] = {}  # text -> [clean, mentioned, redaction kinds or None, words, language or None]

    def pseudonymised(self, texts: list[str]) -> list[list]:
        if len(self.seen) > MEMO_LIMIT:
            self.seen.clear()
        seen = self.seen
        new = [text for text in dict.fromkeys(texts) if text not in seen]
        for text, (clean, mentioned, kinds) in zip(new, self.linker.pseudonymised_many(new)):
            seen[text] = [clean, tuple(mentioned), kinds or None, len(clean.split()), None]
        entries = [seen[text] for text in texts]
        counts = self.linker.redactor.counts
        for entry in entries:
            if entry[2]:
                counts.update(entry[2])  # its redactions, counted for every message that holds the text
        return entries

    @staticmethod
    def languages(entries: list[list], identifier: Identifier):
        """Identify the language of the entries that have none yet, all distinct texts in one call; returns a
        function that fills them in (waiting for the labels if ``identifier`` works beside this process)."""
        missing = list({id(e): e for e in entries if e[4] is None}.values())
        labels = identifier.submit([e[0] for e in missing])

        def fill() -> None:
            for entry, language in zip(missing, labels()):
                entry[4] = language

        return fill


def _timestamps(column: "pd.Series") -> list[str]:
    """ISO 8601 text of each timestamp, as ``Timestamp.isoformat`` writes it."""
    import numpy as np

    values = column.to_numpy()
    if column.dt.tz is None and len(values) and not (values.astype("datetime64[ns]").astype(np.int64) % 10**9).any():
        return np.datetime_as_string(values, unit="s").tolist()  # whole seconds: the same text, without a loop
    return [moment.isoformat() for moment in column]


def store_chat(conn: sqlite3.Connection, import_id: int, frame: "pd.DataFrame", chat_format: "ChatFormat",
               group: str, linker: AuthorLinker, batch: int = BATCH,
               identifier: Identifier | None = None) -> ChatCounts:
    """Insert one read export (:func:`mixedmethods.chats.readers.read_chat`); returns counts for the summary.

    ``identifier``: where languages are identified (:class:`.language.Identifier`; here by default). Working
    beside this process, it identifies a batch's languages while the next batch is pseudonymised; the batch
    is inserted once its labels are in.
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
    memo = _TextMemo(linker)
    first = conn.execute("SELECT COALESCE(MAX(message_id), 0) FROM chat_messages").fetchone()[0] + 1
    identifier = identifier or Identifier()
    with _young_collections_only():
        waiting = None  # the batch made last, inserted once its languages are in
        for start in range(0, len(frame), batch):
            made = first + start, _make_batch(frame.iloc[start:start + batch], memo, identifier)
            if waiting is not None:
                _insert_batch(conn, chat_id, ids, *waiting)
            waiting = made
            gc.collect(0)  # what the batch left in reference cycles (the memo's entries hold none)
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
    """No automatic garbage collection while the rows of a chat are made (each batch collects its own).

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


def _make_batch(part: "pd.DataFrame", memo: _TextMemo, identifier: Identifier) -> tuple:
    """Pseudonymise one batch of messages and submit its new texts' languages; returns what
    :func:`_insert_batch` needs of it."""
    entries = memo.pseudonymised(part["text"].tolist())
    kinds = part["kind"].tolist()
    wordy = [kind in WORDY for kind in kinds]
    fill = memo.languages([e for e, w in zip(entries, wordy) if w], identifier)
    return part, entries, kinds, wordy, fill


def _insert_batch(conn: sqlite3.Connection, chat_id: int, ids: dict[str, str], first: int,
                  made: tuple) -> None:
    """Insert one batch of messages (``first``: the message id of its first row; ``made``: :func:`_make_batch`)
    and their mentions, its languages filled in first."""
    part, entries, kinds, wordy, fill = made
    fill()
    rows = zip([chat_id] * len(part), part["line"].tolist(), _timestamps(part["timestamp"]),
               [ids.get(a) if isinstance(a, str) else None for a in part["author"].tolist()], kinds,
               [e if isinstance(e, str) else None for e in part["event"].tolist()], [e[0] for e in entries],
               [e[3] if w else 0 for e, w in zip(entries, wordy)],
               [e[4] if w else None for e, w in zip(entries, wordy)])
    conn.executemany("INSERT INTO chat_messages (chat_id, line, timestamp, participant_id, kind, event, text, "
                     "words, language) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    conn.executemany("INSERT INTO chat_mentions (message_id, participant_id) VALUES (?, ?)",
                     [(first + index, pid) for index, entry in enumerate(entries) for pid in entry[1]])
