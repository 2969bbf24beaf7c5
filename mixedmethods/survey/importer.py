"""Writing one validated survey export into the store (inside the caller's transaction)."""

from __future__ import annotations

import sqlite3

from .validate import ROW, CleanResponse, Reject


def store_survey(conn: sqlite3.Connection, import_id: int, responses: list[CleanResponse],
                 rejects: list[Reject]) -> tuple[int, int]:
    """Insert responses, answers and rejects of one import; return (rows accepted, rows rejected)."""
    for response in responses:
        conn.execute("INSERT OR IGNORE INTO participants (participant_id, grp, listed) VALUES (?, ?, ?)",
                     (response.participant_id, response.group, int(response.listed)))
        cursor = conn.execute(
            "INSERT INTO survey_responses (import_id, participant_id, grp, submission_id, submitted_at, source_row, "
            "status) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (import_id, response.participant_id, response.group, response.submission_id, response.submitted_at,
             response.row, response.status))
        conn.executemany("INSERT INTO survey_answers (response_id, question_id, value) VALUES (?, ?, ?)",
                         [(cursor.lastrowid, qid, value) for qid, value in response.answers.items()])
    conn.executemany(
        "INSERT INTO rejects (import_id, row, column_name, value, reason, kind) VALUES (?, ?, ?, ?, ?, ?)",
        [(import_id, r.row, r.column, r.value, r.reason, r.kind) for r in rejects])
    accepted = sum(1 for r in responses if r.status == "kept")
    rejected = sum(1 for r in rejects if r.kind == ROW)
    return accepted, rejected
