"""Writing one validated survey export into the store (inside the caller's transaction)."""

from __future__ import annotations

import sqlite3
from typing import Callable, Sequence

from .readers import RepeatRow
from .validate import ROW, CleanResponse, Reject


def store_survey(conn: sqlite3.Connection, import_id: int, responses: list[CleanResponse],
                 rejects: list[Reject], repeats: Sequence[RepeatRow] = (),
                 redact: Callable[[str], str] = str) -> tuple[int, int]:
    """Insert responses, answers, repeat-group rows and rejects of one import; return (rows accepted, rejected).

    A repeat row whose submission was not stored (no main-sheet row has its
    ``_parent_index``, or that row was rejected) is recorded as a row reject,
    never dropped silently.
    """
    response_of_row: dict[int, int] = {}
    for response in responses:
        conn.execute("INSERT OR IGNORE INTO participants (participant_id, grp, listed) VALUES (?, ?, ?)",
                     (response.participant_id, response.group, int(response.listed)))
        cursor = conn.execute(
            "INSERT INTO survey_responses (import_id, participant_id, grp, submission_id, submitted_at, source_row, "
            "status) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (import_id, response.participant_id, response.group, response.submission_id, response.submitted_at,
             response.row, response.status))
        response_of_row[response.row] = cursor.lastrowid
        conn.executemany("INSERT INTO survey_answers (response_id, question_id, value) VALUES (?, ?, ?)",
                         [(cursor.lastrowid, qid, value) for qid, value in response.answers.items()])
    rejects = [*rejects, *_store_repeats(conn, import_id, repeats, response_of_row, redact)]
    conn.executemany(
        "INSERT INTO rejects (import_id, row, column_name, value, reason, kind) VALUES (?, ?, ?, ?, ?, ?)",
        [(import_id, r.row, r.column, r.value, r.reason, r.kind) for r in rejects])
    accepted = sum(1 for r in responses if r.status == "kept")
    rejected = sum(1 for r in rejects if r.kind == ROW)
    return accepted, rejected


def _store_repeats(conn: sqlite3.Connection, import_id: int, repeats: Sequence[RepeatRow],
                   response_of_row: dict[int, int], redact: Callable[[str], str]) -> list[Reject]:
    orphans: dict[tuple[str, int], Reject] = {}
    stored = []
    for item in repeats:
        response_id = response_of_row.get(item.parent_row) if item.parent_row is not None else None
        if response_id is None:
            why = ("no submission in the main sheet has its _parent_index" if item.parent_row is None else
                   f"its submission (main sheet row {item.parent_row}) was not stored")
            orphans.setdefault((item.repeat, item.row), Reject(
                item.row, item.repeat, None, f"repeat group row of sheet {item.repeat!r} not stored: {why}", ROW))
            continue
        stored.append((import_id, response_id, item.repeat, item.row, item.question_id, _redacted(item.value, redact)))
    conn.executemany("INSERT INTO survey_repeat_rows (import_id, response_id, repeat, row_index, question_id, value) "
                     "VALUES (?, ?, ?, ?, ?, ?)", stored)
    return list(orphans.values())


def _redacted(value: str, redact: Callable[[str], str]) -> str:
    try:  # numbers (counts, coordinates) are no one's identity; redaction would only garble them
        float(value)
        return value
    except ValueError:
        return redact(value)
