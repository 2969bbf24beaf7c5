"""Chat exports into the store: parsed, authors linked, text pseudonymised, language identified."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from typing import TYPE_CHECKING

from .language import identify
from .linkage import AuthorLinker

if TYPE_CHECKING:
    import pandas as pd

    from .parser import ChatFormat

WORDY = ("text", "edited", "poll")


@dataclass
class ChatCounts:
    messages: int
    system_events: int
    linked_authors: int
    unknown_authors: int
    format: str  # how the file is written, e.g. "android, dmy, 24h"
    reader: str  # the registered format that read it, e.g. "whatsapp"


def store_chat(conn: sqlite3.Connection, import_id: int, frame: "pd.DataFrame", chat_format: "ChatFormat",
               group: str, linker: AuthorLinker) -> ChatCounts:
    """Insert one read export (:func:`mixedmethods.chats.readers.read_chat`); returns counts for the summary."""
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
    texts, mentions = [], []
    for text in frame["text"]:
        clean, mentioned = linker.pseudonymise(text)
        texts.append(clean)
        mentions.append(mentioned)
    wordy = frame["kind"].isin(WORDY).to_numpy()
    languages = iter(identify([t for t, w in zip(texts, wordy) if w]))
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
    linked = sum(1 for _, listed in authors.values() if listed)
    system = int((frame["kind"] == "system").sum())
    return ChatCounts(len(frame) - system, system, linked, len(authors) - linked, chat_format.describe(),
                      chat_format.name)


