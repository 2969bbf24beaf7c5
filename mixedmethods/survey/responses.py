"""Survey responses out of the store as one typed pandas frame."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    import pandas as pd

    from ..instrument.questionnaire import Questionnaire


# The last frame read, with what it was read from: the survey analysis, the disclosure check and the item
# export of one build each ask for it (at 12,000 respondents one read takes about 2 s).
_LAST: dict[str, object] = {}


def _store_state(store_path: "Path") -> tuple:
    """Size and modification time of the store and of its write-ahead log: any write changes one of them."""
    import os

    state = []
    for suffix in ("", "-wal"):
        try:
            stat = os.stat(f"{store_path}{suffix}")
        except FileNotFoundError:
            state.append(None)
        else:
            state.append((stat.st_size, stat.st_mtime_ns, stat.st_ino))
    return tuple(state)


def stored_responses(store_path: "Path", questionnaire: "Questionnaire") -> "pd.DataFrame":
    """:func:`load_responses` from the study's store at ``store_path``, opened and closed here (it must exist).

    Read once while the store file is unchanged: a second call for the same store and questionnaire object
    returns a copy of the frame read first (callers may change their copy).
    """
    from pathlib import Path

    from ..store import connect

    key = (str(Path(store_path).resolve()), _store_state(store_path), id(questionnaire))
    if _LAST.get("key") == key and _LAST.get("questionnaire") is questionnaire:
        return _LAST["frame"].copy()  # type: ignore[union-attr]
    conn = connect(store_path, create=False)
    try:
        frame = load_responses(conn, questionnaire)
    finally:
        conn.close()
    if _store_state(store_path) == key[1]:  # not written to while it was read
        _LAST.update(key=key, questionnaire=questionnaire, frame=frame.copy())
    return frame


def load_responses(conn: sqlite3.Connection, questionnaire: "Questionnaire") -> "pd.DataFrame":
    """One row per respondent (index ``participant_id``), column ``group`` and one column per question.

    Where a respondent has kept responses in several imports, the latest
    submission is used. Likert, integer and decimal answers are floats,
    dates are datetimes, choices are text (select_multiple space-separated),
    missing answers are NA.
    """
    import pandas as pd

    responses = pd.read_sql_query(
        "SELECT response_id, participant_id, grp AS \"group\", submitted_at, source_row FROM survey_responses "
        "WHERE status = 'kept'", conn)
    if responses.empty:
        columns = ["group", *[q.id for q in questionnaire.questions]]
        return pd.DataFrame(columns=columns, index=pd.Index([], name="participant_id"))
    responses["_time"] = pd.to_datetime(responses["submitted_at"], errors="coerce", utc=True, format="mixed")
    responses = (responses.sort_values(["participant_id", "_time", "response_id"], na_position="first")
                 .drop_duplicates("participant_id", keep="last"))
    answers = pd.read_sql_query("SELECT response_id, question_id, value FROM survey_answers", conn)
    answers = answers[answers["response_id"].isin(responses["response_id"])]
    wide = answers.pivot(index="response_id", columns="question_id", values="value")
    # The stored group (answer, else participants.csv) is authoritative; drop the raw answer column.
    wide = wide.drop(columns=[c for c in ("group", questionnaire.group_question) if c in wide.columns])
    frame = responses.set_index("response_id")[["participant_id", "group"]].join(wide).set_index("participant_id")
    for q in questionnaire.questions:
        if q.id == questionnaire.group_question:
            continue
        if q.id not in frame.columns:
            frame[q.id] = pd.NA
        if q.type in ("likert", "integer", "decimal"):
            frame[q.id] = pd.to_numeric(frame[q.id], errors="coerce").astype("float64")
        elif q.type == "date":
            frame[q.id] = pd.to_datetime(frame[q.id], errors="coerce")
    ordered = ["group", *[q.id for q in questionnaire.questions if q.id != questionnaire.group_question]]
    return frame.reindex(columns=ordered).sort_index()
