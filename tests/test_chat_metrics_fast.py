"""The chat metrics' fast paths (issue 14) give what the straightforward pandas code gives, on small hand-made input.

load_messages is compared with pandas.read_sql_query of the same rows (a peer library's reading), next_speaker
and the calendar days with counts made by hand, participant_tables.xlsx with the cells pandas' to_excel writes.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mixedmethods.chats.coded import code_messages, local_days
from mixedmethods.chats.metrics import load_messages, next_speaker, sessions_and_replies

# message_id, chat_id, timestamp, participant_id, kind, language: inserted out of order on purpose
ROWS = [(5, 2, "2024-03-13T09:00:00", "P-2", "text", "fr"),
        (1, 1, "2024-03-13T09:05:00", "P-1", "text", "en"),
        (2, 1, "2024-03-13T09:01:00", None, "system", None),
        (3, 1, "2024-03-13T09:05:00", "P-2", "media", None),
        (4, 1, "2024-03-13T08:59:30", "P-3", "text", "en"),
        (6, 9, "2024-03-13T10:00:00", "P-1", "text", "en")]  # chat 9 is not in chats: a join drops it


def _store(tmp_path: Path, rows=ROWS):
    from mixedmethods.store import connect

    conn = connect(tmp_path / "store.sqlite")
    conn.execute("INSERT INTO imports (import_id, source_kind, path, sha256, reader, rows_accepted, rows_rejected, "
                 "imported_at, tool_version) VALUES (1, 'chats', 'x.txt', '0', 'whatsapp', 0, 0, 'now', '0')")
    conn.executemany("INSERT INTO chats (chat_id, import_id, grp, format, media_files) VALUES (?, 1, ?, 'android', 0)",
                     [(1, "north"), (2, "south")])
    conn.executemany("INSERT INTO participants (participant_id, grp) VALUES (?, 'north')",
                     [("P-1",), ("P-2",), ("P-3",)])
    conn.execute("PRAGMA foreign_keys = OFF")  # chat 9: a message whose chat row is gone
    conn.executemany("INSERT INTO chat_messages (message_id, chat_id, line, timestamp, participant_id, kind, event, "
                     "text, words, language) VALUES (?, ?, 1, ?, ?, ?, NULL, 'x', 2, ?)", rows)
    conn.commit()
    return conn


def _read_sql(conn) -> pd.DataFrame:
    frame = pd.read_sql_query(
        'SELECT m.message_id, m.chat_id, c.grp AS "group", m.timestamp, m.participant_id, m.kind, m.words, '
        "m.language FROM chat_messages m JOIN chats c USING (chat_id) ORDER BY m.chat_id, m.timestamp, m.message_id",
        conn)
    frame["timestamp"] = pd.to_datetime(frame["timestamp"])
    return frame


def _loaded_as_read_sql_reads(tmp_path: Path, rows=None) -> pd.DataFrame:
    """load_messages of a store of ``rows``, checked equal to pandas' read_sql_query of the same rows."""
    conn = _store(tmp_path) if rows is None else _store(tmp_path, rows)
    try:
        frame = load_messages(conn)
        expected = _read_sql(conn)
    finally:
        conn.close()
    pd.testing.assert_frame_equal(frame, expected, check_exact=True)
    return frame


def test_load_messages_reads_what_read_sql_query_reads(tmp_path: Path):
    frame = _loaded_as_read_sql_reads(tmp_path)
    # by hand: chat 1 by timestamp text then id (4, 2, 1, 3), then chat 2; chat 9 dropped
    assert frame["message_id"].tolist() == [4, 2, 1, 3, 5]
    assert frame["group"].tolist() == ["north"] * 4 + ["south"]
    assert frame["participant_id"].isna().tolist() == [False, True, False, False, False]


def test_load_messages_reads_a_value_holding_the_separator_row_by_row(tmp_path: Path):
    rows = [row[:5] + ("e\x1fn",) if row[0] == 1 else row for row in ROWS]
    frame = _loaded_as_read_sql_reads(tmp_path, rows)
    assert frame.loc[frame["message_id"] == 1, "language"].tolist() == ["e\x1fn"]


def test_load_messages_of_an_empty_store(tmp_path: Path):
    conn = _store(tmp_path, [])
    try:
        frame = load_messages(conn)
    finally:
        conn.close()
    assert frame.empty and list(frame.columns) == ["message_id", "chat_id", "group", "timestamp", "participant_id",
                                                   "kind", "words", "language"]
    assert sessions_and_replies(frame, 60).empty


def test_load_messages_reads_whole_seconds_mixed_with_fractions(tmp_path: Path):
    # isoformat writes 09:00:00 for a whole second and 09:00:00.500000 otherwise; both in one store
    rows = [(1, 1, "2024-03-13T09:00:00.500000", "P-1", "text", "en"), (2, 1, "2024-03-13T09:00:00", "P-2",
                                                                        "text", "en")]
    conn = _store(tmp_path, rows)
    try:
        frame = load_messages(conn)
    finally:
        conn.close()
    assert frame["message_id"].tolist() == [2, 1]  # by the text: "09:00:00" < "09:00:00.500000"
    assert frame["timestamp"].tolist() == [pd.Timestamp(2024, 3, 13, 9), pd.Timestamp(2024, 3, 13, 9, 0, 0, 500000)]


def _chat(authors: list[str | None], group: str = "g", chat_id: int = 1, start: str = "2024-03-13 09:00"):
    return pd.DataFrame({"message_id": range(chat_id * 100, chat_id * 100 + len(authors)), "chat_id": chat_id,
                         "group": group, "timestamp": pd.date_range(start, periods=len(authors), freq="1min"),
                         "participant_id": pd.array(authors, dtype="str"), "kind": "text", "words": 1,
                         "language": "en"})


def test_next_speaker_counts_by_hand_and_skips_a_missing_author():
    # chat g: A B A B C, then two messages without an author, then A; chat h: B A
    frame = pd.concat([_chat(["A", "B", "A", "B", "C", None, None, "A"]), _chat(["B", "A"], "h", 2)],
                      ignore_index=True)
    frame = sessions_and_replies(frame.sample(frac=1, random_state=3), 60)  # rows shuffled: sorted again
    table = next_speaker(frame)
    # by hand: g: A->B twice, B->A once, B->C once (pairs with a missing author are not pairs); h: B->A once
    assert table.to_dict("records") == [
        {"group": "g", "source": "A", "target": "B", "n": 2}, {"group": "g", "source": "B", "target": "A", "n": 1},
        {"group": "g", "source": "B", "target": "C", "n": 1}, {"group": "h", "source": "B", "target": "A", "n": 1}]
    assert str(table["group"].dtype) == "str" and table["n"].dtype == np.int64
    # messages with and after a missing author are replies: a missing author differs from everyone, itself
    # included, as pandas' ne compares missing values
    assert frame.loc[frame["chat_id"] == 1, "reply"].tolist() == [False] + [True] * 7


def test_calendar_days_are_local_dates_and_missing_stamps_are_nan():
    stamps = pd.Series(pd.to_datetime(["2024-03-13 23:30", "2024-03-14 00:10", None, "2024-03-13 01:00"]))
    days = local_days(stamps)
    # 2024-03-13 is day 19795 since 1970-01-01 (date(2024, 3, 13) - date(1970, 1, 1))
    assert days[[0, 1, 3]].tolist() == [19795, 19796, 19795] and math.isnan(days[2])
    # with a time zone, the export's wall-clock date: 23:30 at -05:00 is still the 13th
    aware = pd.Series(pd.to_datetime(["2024-03-13 23:30"]).tz_localize("America/New_York"))
    assert local_days(aware).tolist() == [19795]
    assert len(set(days[~np.isnan(days)])) == stamps.dt.date.nunique()


def test_codes_follow_the_sorted_texts():
    frame = sessions_and_replies(pd.concat([_chat(["b", "a", "c"], "z"), _chat(["a"], "y", 2)],
                                           ignore_index=True), 60)
    coded = code_messages(frame)
    assert list(coded.people) == ["a", "b", "c"] and list(coded.groups) == ["y", "z"]
    assert coded.people.take(coded.person).tolist() == frame["participant_id"].tolist()
    assert coded.groups.take(coded.group).tolist() == frame["group"].tolist()


@pytest.fixture
def tables() -> dict[str, pd.DataFrame]:
    return {"chats_per_participant": pd.DataFrame({
        "participant_id": pd.array(["P-1", "=HYPERLINK(1)", None], dtype="str"), "messages": [3, 0, 1],
        "share": [0.5, np.nan, np.inf], "flag": [True, False, True]}),
        "chats_next_speaker": pd.DataFrame({"group": pd.array([], dtype="str"), "n": np.array([], np.int64)})}


def _cells(path: Path) -> dict:
    import openpyxl

    book = openpyxl.load_workbook(path)
    return {sheet.title: [[(c.value, c.data_type) for c in row] for row in sheet.iter_rows()] for sheet in book}


def test_participant_tables_hold_the_cells_to_excel_writes(tables, tmp_path: Path):
    from mixedmethods.report.exports import write_participant_tables
    from mixedmethods.report.outputs import write_tables_xlsx

    write_participant_tables(tmp_path / "fast.xlsx", tables)
    write_tables_xlsx(tmp_path / "pandas.xlsx", tables)
    assert _cells(tmp_path / "fast.xlsx") == _cells(tmp_path / "pandas.xlsx")
    # by hand: NaN an empty text cell, inf the text "inf", a formula defused by an apostrophe
    assert _cells(tmp_path / "fast.xlsx")["chats_per_participant"][2:] == [
        [("'=HYPERLINK(1)", "s"), (0, "n"), (None, "inlineStr"), (False, "b")],
        [(None, "inlineStr"), (1, "n"), ("inf", "s"), (True, "b")]]


def test_participant_tables_with_dates_go_through_pandas(tables, tmp_path: Path):
    from mixedmethods.report.exports import write_participant_tables
    from mixedmethods.report.outputs import write_tables_xlsx

    tables["chats_per_participant"]["first"] = pd.Timestamp("2024-03-13 09:00")
    write_participant_tables(tmp_path / "fast.xlsx", tables)
    write_tables_xlsx(tmp_path / "pandas.xlsx", tables)
    assert _cells(tmp_path / "fast.xlsx") == _cells(tmp_path / "pandas.xlsx")


def test_participant_tables_read_the_same_by_an_independent_reader(tables, tmp_path: Path):
    """report/xlsxstream.py writes the XML itself: calamine (Rust, not openpyxl) reads the same tables from it
    as from pandas' to_excel; floats are written exactly (repr), where openpyxl rounds to 16 digits."""
    from mixedmethods.report.exports import write_participant_tables
    from mixedmethods.report.outputs import write_tables_xlsx

    tables["chats_per_participant"]["share"] = [1 / 3, np.nan, np.inf]
    write_participant_tables(tmp_path / "fast.xlsx", tables)
    write_tables_xlsx(tmp_path / "pandas.xlsx", tables)
    fast = pd.read_excel(tmp_path / "fast.xlsx", sheet_name=None, engine="calamine")
    peer = pd.read_excel(tmp_path / "pandas.xlsx", sheet_name=None, engine="calamine")
    assert list(fast) == list(peer) == ["chats_per_participant", "chats_next_speaker"]
    for name in fast:
        pd.testing.assert_frame_equal(fast[name], peer[name], rtol=1e-15)
    assert fast["chats_per_participant"]["share"][0] == 1 / 3  # exact


def test_hand_written_workbook_names_columns_and_refuses_control_characters(tmp_path: Path):
    from datetime import datetime

    from mixedmethods.report.xlsxstream import column_name, write_xlsx

    assert [column_name(i) for i in (0, 25, 26, 51, 52, 701, 702)] == ["A", "Z", "AA", "AZ", "BA", "ZZ", "AAA"]
    with pytest.raises(ValueError, match="not XML compatible"):
        write_xlsx(tmp_path / "x.xlsx", {"s": (["a"], [["bell\x07"]])}, datetime(2026, 1, 1))
    path = write_xlsx(tmp_path / "y.xlsx", {"a & <b>": (["x", " y "], [[1, " two "], [True, ""]])},
                      datetime(2026, 1, 1))
    import openpyxl

    sheet = openpyxl.load_workbook(path)["a & <b>"]
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [["x", " y "], [1, " two "], [True, None]]
