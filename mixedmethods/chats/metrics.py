"""Group-dynamics metrics of chat messages (pandas, vectorised; scipy for the bootstrap).

Input: the messages frame of :func:`load_messages` (one row per message or
system event). Definitions:

* **session**: messages of one chat separated by silences of at most the
  study's ``session_gap_minutes`` (default 60): a silence longer than an hour
  ends a conversation, so a morning message is not "a reply" to last night's;
* **reply**: a message whose previous message in the same session is by
  someone else; its **response latency** is the time since that message;
* **first responder**: in each session, the first person to write after the
  one who opened it;
* **night**: 22:00-05:59 in the export's local time; **weekend**: Saturday and
  Sunday;
* **members** of a group: its participants in private/participants.csv and
  everyone who wrote in its chat, so silent members count as zeros;
* **Gini coefficient** of messages per member (Gini, 1912; the mean-difference
  form ``sum_i sum_j |x_i - x_j| / (2 n^2 mean)``), with a 95% BCa bootstrap
  interval over members (scipy, 2,000 resamples, fixed seed), and the
  **Lorenz curve**; **top 10% share**: messages by the most active tenth of
  members (rounded up).
"""

from __future__ import annotations

import math
import sqlite3
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

MESSAGE_KINDS = ("text", "media", "deleted", "edited", "poll", "location")
BOOTSTRAP_RESAMPLES = 2000


def load_messages(conn: sqlite3.Connection) -> "pd.DataFrame":
    """message_id, chat_id, group, timestamp, participant_id, kind, event, words, language."""
    import pandas as pd

    frame = pd.read_sql_query(
        'SELECT m.message_id, m.chat_id, c.grp AS "group", m.timestamp, m.participant_id, m.kind, m.event, m.words, '
        "m.language FROM chat_messages m JOIN chats c USING (chat_id) ORDER BY m.chat_id, m.timestamp, m.message_id",
        conn)
    frame["timestamp"] = pd.to_datetime(frame["timestamp"])
    return frame


def load_mentions(conn: sqlite3.Connection) -> "pd.DataFrame":
    """Mention links: group, source (author), target (mentioned)."""
    import pandas as pd

    return pd.read_sql_query(
        'SELECT c.grp AS "group", m.participant_id AS source, x.participant_id AS target FROM chat_mentions x '
        "JOIN chat_messages m USING (message_id) JOIN chats c USING (chat_id)", conn)


def gini(values: "np.ndarray", axis: int = -1) -> "np.ndarray":
    """Gini coefficient along ``axis`` (0 = equal, 1 = one member wrote everything).

    Uses the sorted form ``2 sum(i x_(i)) / (n sum x) - (n + 1) / n``, equal to the
    mean-difference definition.

    >>> round(float(gini([1, 1, 1, 1])), 3), round(float(gini([0, 0, 0, 10])), 3), round(float(gini([1, 2, 3, 4])), 3)
    (0.0, 0.75, 0.25)
    """
    import numpy as np

    data = np.sort(np.asarray(values, dtype=float), axis=axis)
    n = data.shape[axis]
    shape = [1] * data.ndim
    shape[axis] = n
    ranks = np.arange(1, n + 1).reshape(shape)
    total = data.sum(axis=axis)
    with np.errstate(invalid="ignore", divide="ignore"):
        return 2 * (ranks * data).sum(axis=axis) / (n * total) - (n + 1) / n


def gini_with_ci(counts: "np.ndarray", seed: int = 20260301) -> tuple[float, float, float]:
    """Gini and its 95% BCa bootstrap interval (members resampled with replacement)."""
    import numpy as np
    from scipy import stats

    data = np.asarray(counts, dtype=float)
    point = float(gini(data))
    if len(data) < 3 or data.sum() == 0:
        return point, math.nan, math.nan
    result = stats.bootstrap((data,), gini, vectorized=True, n_resamples=BOOTSTRAP_RESAMPLES, method="BCa",
                             random_state=np.random.default_rng(seed))
    return point, float(result.confidence_interval.low), float(result.confidence_interval.high)


def lorenz(counts: "np.ndarray") -> tuple["np.ndarray", "np.ndarray"]:
    """Lorenz curve: cumulative share of members (poorest first) and of their messages, from (0, 0)."""
    import numpy as np

    data = np.sort(np.asarray(counts, dtype=float))
    x = np.arange(len(data) + 1) / len(data)
    y = np.concatenate([[0.0], np.cumsum(data) / data.sum()]) if data.sum() else x
    return x, y


def top_share(counts: "np.ndarray", fraction: float = 0.10) -> float:
    """Share of messages written by the most active ``fraction`` of members (rounded up).

    >>> top_share([10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 5])
    0.75
    """
    import numpy as np

    data = np.sort(np.asarray(counts, dtype=float))[::-1]
    k = max(1, math.ceil(fraction * len(data)))
    return float(data[:k].sum() / data.sum()) if data.sum() else math.nan


def sessions_and_replies(messages: "pd.DataFrame", gap_minutes: int) -> "pd.DataFrame":
    """Messages (system events dropped) with ``session``, ``reply`` and ``latency_min`` columns added."""
    import pandas as pd

    frame = messages[messages["kind"].isin(MESSAGE_KINDS)].sort_values(["chat_id", "timestamp", "message_id"]).copy()
    same_chat = frame["chat_id"].eq(frame["chat_id"].shift())
    gap = frame["timestamp"].diff()
    new_session = ~same_chat | (gap > pd.Timedelta(minutes=gap_minutes))
    frame["session"] = new_session.cumsum()
    previous_author = frame["participant_id"].shift()
    frame["reply"] = ~new_session & frame["participant_id"].ne(previous_author)
    frame["latency_min"] = (gap.dt.total_seconds() / 60).where(frame["reply"])
    return frame


def first_responders(frame: "pd.DataFrame") -> "pd.Series":
    """For each session with a reply: who replied first (index: session)."""
    replies = frame[frame["reply"]]
    return replies.groupby("session")["participant_id"].first()


def per_participant(frame: "pd.DataFrame", members: "pd.DataFrame", mentions: "pd.DataFrame") -> "pd.DataFrame":
    """One row per member: messages, words, share, active_days, media_share, night_share, weekend_share,
    replies, median_latency_min, first_responder_share, mentions_sent, mentions_received."""
    import pandas as pd

    grouped = frame.groupby("participant_id")
    hours = frame["timestamp"].dt.hour
    table = pd.DataFrame({
        "messages": grouped.size(),
        "words": grouped["words"].sum(),
        "active_days": grouped["timestamp"].apply(lambda t: t.dt.date.nunique()),
        "media_share": frame.assign(x=frame["kind"].eq("media")).groupby("participant_id")["x"].mean(),
        "night_share": frame.assign(x=(hours >= 22) | (hours < 6)).groupby("participant_id")["x"].mean(),
        "weekend_share": frame.assign(x=frame["timestamp"].dt.day_of_week >= 5).groupby("participant_id")["x"].mean(),
        "replies": grouped["reply"].sum(),
        "median_latency_min": grouped["latency_min"].median(),
    })
    responders = first_responders(frame)
    sessions_with_reply = responders.groupby(frame.groupby("session")["group"].first().reindex(responders.index))
    first = responders.value_counts()
    table = members.set_index("participant_id")[["group"]].join(table, how="left")
    table[["messages", "words", "active_days", "replies"]] = table[["messages", "words", "active_days",
                                                                    "replies"]].fillna(0).astype(int)
    totals = table.groupby("group")["messages"].transform("sum")
    table["share"] = table["messages"] / totals
    group_sessions = sessions_with_reply.size()
    table["first_responder_share"] = first.reindex(table.index).fillna(0) / table["group"].map(group_sessions)
    table["mentions_sent"] = mentions["source"].value_counts().reindex(table.index).fillna(0).astype(int)
    table["mentions_received"] = mentions["target"].value_counts().reindex(table.index).fillna(0).astype(int)
    return table.reset_index()


def next_speaker(frame: "pd.DataFrame") -> "pd.DataFrame":
    """Who writes next after whom, within sessions and between different people: from, to, n."""
    previous = frame["participant_id"].shift()
    moves = frame[frame["reply"]].assign(source=previous[frame["reply"]])
    return (moves.groupby(["group", "source", "participant_id"]).size().rename("n").reset_index()
            .rename(columns={"participant_id": "target"}))
