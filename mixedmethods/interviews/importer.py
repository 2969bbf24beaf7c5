"""Interviews into the store: link each transcript to a participant, pseudonymise, check every segment.

All interview files of a study are one import: a segments table refers to
transcripts in other files, so when any file changes the whole set is read
again and replaces the earlier import. Checks per segment: the code exists in
the codebook (by id or label), the offsets lie inside the text; a segment
that fails is recorded in the rejects with its file, place and reason. Text
is redacted before it is stored and segment offsets are moved with it
(:class:`~mixedmethods.privacy.OffsetMap`).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Callable

from ..normalise import text_key
from ..instrument.codebook import Codebook
from ..privacy import Participant, Participants, Redactor, normalise_phone, pseudonym
from .model import RawSegment, RawTranscript
from .readers.segments_table import SegmentProblem


@dataclass
class InterviewCounts:
    transcripts: int = 0
    segments: int = 0
    rejected: int = 0


def participant_lookup(participants: Participants) -> Callable[[str], Participant | None]:
    """Find a participant by id, invitation code, e-mail, phone number or name."""
    index: dict[str, Participant] = {}
    for person in participants.people:
        for value in (person.participant_id, person.invitation_code, person.email, person.name):
            if value:
                index.setdefault(text_key(value), person)
        if person.phone:
            index.setdefault(normalise_phone(person.phone), person)

    def find(hint: str) -> Participant | None:
        return index.get(text_key(hint)) or index.get(normalise_phone(hint))

    return find


def store_interviews(conn: sqlite3.Connection, import_id: int, transcripts: list[RawTranscript],
                     orphans: list[tuple[RawSegment, str]], codebook: Codebook, participants: Participants,
                     redactor: Redactor, key: bytes) -> InterviewCounts:
    """Insert transcripts, segments and rejects of one interviews import."""
    counts = InterviewCounts()
    find = participant_lookup(participants)

    def reject(file: str, where: str, value: str | None, reason: str, kind: str = "value") -> None:
        row = int(where.split()[-1]) if where.split()[-1].isdigit() and where.startswith(("row", "line")) else None
        conn.execute("INSERT INTO rejects (import_id, file, row, column_name, value, reason, kind) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?)", (import_id, file, row, where, value, reason, kind))
        counts.rejected += kind != "note"

    for segment, name in orphans:
        reason = segment.reason if isinstance(segment, SegmentProblem) else f"no transcript named {name!r}"
        reject(segment.file, segment.where, redactor(segment.code), reason)
    for transcript in transcripts:
        if not transcript.text.strip():
            reject(transcript.file, "text", None, "the transcript has no text; nothing was stored from it")
            continue
        for where, why in transcript.notes:
            reject(transcript.file, where, None, why, "note")
        person = find(transcript.participant) if transcript.participant else None
        if person is None:
            participant_id = pseudonym(key, f"transcript:{transcript.name}", prefix="U")
            conn.execute("INSERT OR IGNORE INTO participants (participant_id, grp, listed) VALUES (?, NULL, 0)",
                         (participant_id,))
            reject(transcript.file, "header", None,
                   ("participant in '# participant:' not found in private/participants.csv"
                    if transcript.participant else "no '# participant:' header line")
                   + "; stored under a keyed pseudonym, not linked to the survey", "note")
        else:
            participant_id = person.participant_id
        text, offsets = redactor.with_offsets(transcript.text)
        cursor = conn.execute("INSERT INTO transcripts (import_id, name, participant_id, language, text) "
                              "VALUES (?, ?, ?, ?, ?)", (import_id, redactor(transcript.name), participant_id,
                                                         transcript.language, text))
        counts.transcripts += 1
        for segment in transcript.segments:
            if isinstance(segment, SegmentProblem):
                reject(segment.file, segment.where, redactor(segment.code), segment.reason)
                continue
            code_id = codebook.resolve(segment.code)
            if code_id is None:
                reject(segment.file, segment.where, redactor(segment.code),
                       f"code {redactor(segment.code)!r} is not in the codebook (by id or label)")
                continue
            if not 0 <= segment.start < segment.end <= len(transcript.text):
                reject(segment.file, segment.where, code_id, f"offsets {segment.start}-{segment.end} are outside "
                       f"the text of {redactor(transcript.name)!r} (0-{len(transcript.text)})")
                continue
            start, end = offsets.start(segment.start), offsets.end(segment.end)
            conn.execute('INSERT INTO coded_segments (transcript_id, coder, code_id, start, "end", quote) '
                         "VALUES (?, ?, ?, ?, ?, ?)", (cursor.lastrowid, segment.coder, code_id, start, end,
                                                       text[start:end]))
            counts.segments += 1
    return counts
