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
* **members** of a group: its participants in private/participants.csv (a
  person may belong to several groups: ``g1;g2`` in the group column) and
  everyone who wrote in its chat, so silent members count as zeros. A person
  who writes in several chats is a member of each, with that chat's messages
  in that chat's metrics;
* **share** of a member: their messages / the chat's messages; it averages
  1/members, so across chats of different sizes it measures the chat's size.
  **relative share** = share x members = messages / (the chat's messages /
  members): 1 is an equal share of the chat, 2 twice it, 0 silence, the same
  reading in a chat of 3 and of 300 (observed over the equal share 1/n;
  members' shares of a group's talk fall with its size by construction, Bales
  et al., 1951). **first-responder share** and its **relative** form
  likewise, over the chat's conversations with a reply;
* **per person** (:func:`per_person`, for the participant-level frame): one row
  per person over all their chats: counts summed, per-message shares and
  latency over all their messages, and the relative shares as observed /
  expected summed over their chats (messages / sum of each chat's messages /
  members), so a person in a large and a small chat is compared with what an
  equal share of each would give;
* **Gini coefficient** of messages per member with the small-sample correction
  n/(n - 1) (Gini, 1912; Dixon et al., 1987; Deltas, 2003): 0 when all write
  equally, 1 when one member wrote everything (without the correction the
  maximum is (n - 1)/n), with a 95% BCa bootstrap interval over members
  (scipy, 2,000 resamples, seeded from the sorted counts, so the row order
  does not change it), and the **Lorenz curve**; **top 10% share**: messages
  by the most active tenth of members (rounded up).

References: Bales, R. F., Strodtbeck, F. L., Mills, T. M., & Roseborough, M. E.
(1951). Channels of communication in small groups. *American Sociological
Review, 16*(4), 461-468. Deltas, G. (2003). The small-sample bias of the Gini
coefficient: Results and
implications for empirical research. *Review of Economics and Statistics, 85*(1), 226-234. Dixon, P.
M., Weiner, J., Mitchell-Olds, T., & Woodley, R. (1987). Bootstrapping the Gini
coefficient of inequality. *Ecology, 68*(5), 1548-1551.
"""

from __future__ import annotations

import math
import sqlite3
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from .coded import CodedMessages

MESSAGE_KINDS = ("text", "media", "deleted", "edited", "poll", "location")
BOOTSTRAP_RESAMPLES = 2000


# Text columns come out of SQLite joined by a separator and NULL by a marker that chat text cannot hold
# (the importer replaces control characters); a value holding one is found by the count and read row by row.
_SEPARATOR, _NULL = "\x1f", "\x1e"


def load_messages(conn: sqlite3.Connection) -> "pd.DataFrame":
    """message_id, chat_id, group, timestamp, participant_id, kind, words, language: the columns metrics use.

    Rows in the order chat, timestamp, message id. Each column is read by SQLite as one joined string
    (``group_concat``) and split in C, and the group set from the chats table: ``pandas.read_sql_query`` over
    a join spent seconds at a million messages building a Python tuple per row and inferring the types of
    columns the schema already gives. System events' ``event`` and the text are not read: no metric uses them.
    """
    import numpy as np
    import pandas as pd

    chats = dict(conn.execute("SELECT chat_id, grp FROM chats").fetchall())
    numbers, texts = ("message_id", "chat_id", "words"), ("timestamp", "participant_id", "kind", "language")
    # One scan, so every column lists the rows in the same (rowid) order.
    joined = conn.execute(
        "SELECT COUNT(*), " + ", ".join(f"group_concat({c}, ',')" for c in numbers) + ", " +
        ", ".join(f"group_concat(IFNULL({c}, char(30)), char(31))" for c in texts) + " FROM chat_messages").fetchone()
    count, values = joined[0], dict(zip(numbers + texts, joined[1:]))
    columns = {c: np.fromstring(values[c], dtype=np.int64, sep=",") if count else np.zeros(0, np.int64)
               for c in numbers}
    for column in texts:
        parts = values[column].split(_SEPARATOR) if count else []
        if len(parts) != count:  # a separator inside a value: this column row by row, in rowid order
            parts = [_NULL if v is None else v for (v,) in conn.execute(
                f"SELECT {column} FROM chat_messages ORDER BY message_id")]
        array = np.array(parts, dtype=object)
        array[array == _NULL] = np.nan
        columns[column] = array
    del values, joined
    # The chat, timestamp, message id order, read from the index (message_id is the rowid, so the scan above
    # listed rows by ascending message_id); messages of a chat missing from chats are dropped, as a join would.
    ids = columns["message_id"]
    if (ids[1:] <= ids[:-1]).any():  # not in rowid order after all: put every column in it
        by_id = np.argsort(ids, kind="stable")
        columns = {c: v[by_id] for c, v in columns.items()}
        ids = columns["message_id"]
    order = "SELECT message_id FROM chat_messages ORDER BY chat_id, timestamp, message_id"
    ordered = conn.execute(f"SELECT group_concat(message_id, ',') FROM ({order})").fetchone()[0]
    ordered = np.fromstring(ordered, dtype=np.int64, sep=",") if count else np.zeros(0, np.int64)
    if not _in_order(columns, ordered):  # SQLite does not promise group_concat keeps the subquery's order
        ordered = np.array([m for (m,) in conn.execute(order)], np.int64)
    take = np.searchsorted(ids, ordered)
    # Messages of a chat missing from the chats table are dropped, as the join did.
    take = take[np.isin(columns["chat_id"][take], np.fromiter(chats, dtype=np.int64, count=len(chats)))]
    chat_ids = columns["chat_id"][take]
    known = sorted(chats)
    group = np.array([chats[c] for c in known], dtype=object)[np.searchsorted(np.array(known, np.int64), chat_ids)] \
        if len(take) else np.zeros(0, dtype=object)
    frame = pd.DataFrame({
        "message_id": columns["message_id"][take], "chat_id": chat_ids, "group": pd.array(group, dtype="str"),
        **{c: pd.array(columns[c][take], dtype="str") for c in texts[:3]}, "words": columns["words"][take],
        "language": pd.array(columns["language"][take], dtype="str")}, copy=False)
    try:
        frame["timestamp"] = pd.to_datetime(frame["timestamp"])  # the format of the first, as before
    except ValueError:  # whole seconds and fractions mixed (isoformat writes both): any ISO 8601 text
        frame["timestamp"] = pd.to_datetime(frame["timestamp"], format="ISO8601")
    return frame


def _in_order(columns: dict, ordered: "np.ndarray") -> bool:
    """Whether ``ordered`` lists every message id once, by chat, then timestamp text, then message id."""
    import numpy as np

    ids = columns["message_id"]
    if len(ordered) != len(ids):
        return False
    take = np.searchsorted(ids, ordered).clip(0, max(len(ids) - 1, 0))
    if len(ids) and not (ids[take] == ordered).all():  # ids distinct (rowids), so this is a permutation
        return False
    chat, stamp, message = columns["chat_id"][take], columns["timestamp"][take], columns["message_id"][take]
    if (chat[1:] < chat[:-1]).any():
        return False
    same_chat = chat[1:] == chat[:-1]
    # str comparison: code point order, which is the byte order SQLite sorts UTF-8 text by
    now, before = stamp[1:][same_chat], stamp[:-1][same_chat]
    later, tie = now > before, now == before
    return bool((later | (tie & (message[1:][same_chat] > message[:-1][same_chat]))).all())


def load_mentions(conn: sqlite3.Connection) -> "pd.DataFrame":
    """Mention links: group, source (author), target (mentioned)."""
    import pandas as pd

    return pd.read_sql_query(
        'SELECT c.grp AS "group", m.participant_id AS source, x.participant_id AS target FROM chat_mentions x '
        "JOIN chat_messages m USING (message_id) JOIN chats c USING (chat_id)", conn)


def gini(values: "np.ndarray", axis: int = -1) -> "np.ndarray":
    """Bias-corrected Gini coefficient along ``axis``: 0 = equal, 1 = one member wrote everything.

    ``G = n / (n - 1) * (2 sum(i x_(i)) / (n sum x) - (n + 1) / n)``, i.e. the
    mean difference over distinct pairs ``sum_i sum_j |x_i - x_j| / (2 n (n - 1) mean)``
    (Dixon et al., 1987; Deltas, 2003; R: ``DescTools::Gini(x, unbiased = TRUE)``,
    ``ineq::Gini(x, corr = TRUE)``). The uncorrected form tops out at (n - 1)/n,
    so small chats looked more equal than they were. NaN for fewer than 2 members
    or no messages.

    >>> round(float(gini([1, 1, 1, 1])), 3), round(float(gini([0, 0, 0, 10])), 3), round(float(gini([1, 2, 3, 4])), 3)
    (0.0, 1.0, 0.333)
    """
    import numpy as np

    data = np.sort(np.asarray(values, dtype=float), axis=axis)
    n = data.shape[axis]
    if n < 2:
        return np.full(np.delete(data.shape, axis % data.ndim) if data.ndim > 1 else (), np.nan)
    shape = [1] * data.ndim
    shape[axis] = n
    ranks = np.arange(1, n + 1).reshape(shape)
    total = data.sum(axis=axis)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (2 * (ranks * data).sum(axis=axis) / (n * total) - (n + 1) / n) * n / (n - 1)


def gini_with_ci(counts: "np.ndarray", seed: int | None = None) -> tuple[float, float, float]:
    """Gini and its 95% BCa bootstrap interval (members resampled with replacement).

    The seed is :func:`mixedmethods.survey.omnibus.content_seed` of the counts unless given, so the same
    counts give the same interval in any order (one statistic, one interval, wherever it is shown).
    """
    import numpy as np

    from ..survey.omnibus import content_seed
    from ..survey.resampling import bca_interval, bootstrap_distribution, gini_from_counts, jackknife_from_counts, \
        levels_and_counts

    data = np.sort(np.asarray(counts, dtype=float))  # the row order cannot matter
    point = float(gini(data))
    if len(data) < 3 or data.sum() == 0:
        return point, math.nan, math.nan
    # Members resampled as counts over their distinct message counts (survey.resampling): the same BCa as
    # scipy.stats.bootstrap, in time that grows with the distinct counts, not with the members.
    levels, by_level = levels_and_counts([data])
    boot = bootstrap_distribution(by_level, levels, gini_from_counts,
                                  content_seed([data]) if seed is None else seed, BOOTSTRAP_RESAMPLES)
    low, high = bca_interval(float(gini_from_counts(by_level, levels)), boot,
                             jackknife_from_counts(by_level, levels, gini_from_counts))
    return point, low, high


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
    import numpy as np
    import pandas as pd

    frame = messages[messages["kind"].isin(MESSAGE_KINDS)]
    if not _sorted(frame):  # load_messages reads them in this order already: sorting again cost a second at 1M
        frame = frame.sort_values(["chat_id", "timestamp", "message_id"])
    frame = frame.copy()
    same_chat = frame["chat_id"].eq(frame["chat_id"].shift())
    gap = frame["timestamp"].diff()
    new_session = ~same_chat | (gap > pd.Timedelta(minutes=gap_minutes))
    frame["session"] = new_session.cumsum()
    # A change of author, compared on integer codes (a missing author differs from everyone, itself included)
    codes = pd.factorize(frame["participant_id"])[0]
    changed = np.ones(len(codes), dtype=bool)
    changed[1:] = (codes[1:] != codes[:-1]) | (codes[1:] < 0) | (codes[:-1] < 0)
    frame["reply"] = ~new_session & changed
    frame["latency_min"] = (gap.dt.total_seconds() / 60).where(frame["reply"])
    return frame


def _sorted(frame: "pd.DataFrame") -> bool:
    """Whether the rows are already by chat, timestamp and message id (a stable sort would leave them)."""
    import numpy as np

    if frame["timestamp"].hasnans or frame["chat_id"].hasnans or frame["message_id"].hasnans:
        return False
    chat = frame["chat_id"].to_numpy()
    stamp = frame["timestamp"].to_numpy()
    message = frame["message_id"].to_numpy()
    if len(chat) < 2:
        return True
    try:
        step_chat, same_chat = chat[1:] > chat[:-1], chat[1:] == chat[:-1]
        step_time, same_time = stamp[1:] > stamp[:-1], stamp[1:] == stamp[:-1]
        ordered = step_chat | (same_chat & (step_time | (same_time & (message[1:] >= message[:-1]))))
    except TypeError:  # values numpy cannot compare: let pandas sort
        return False
    return bool(np.all(ordered))


def first_responders(frame: "pd.DataFrame") -> "pd.Series":
    """For each session with a reply: who replied first (index: session)."""
    replies = frame[frame["reply"]]
    return replies.groupby("session")["participant_id"].first()


def load_memberships(conn: sqlite3.Connection) -> "pd.DataFrame":
    """participant_id, group: one row per listed participant and each of their groups (participants.csv)."""
    import json

    import pandas as pd

    rows = []
    for pid, group, attributes in conn.execute("SELECT participant_id, grp, attributes FROM participants "
                                               "WHERE listed = 1 ORDER BY participant_id"):
        try:
            groups = json.loads(attributes or "{}").get("groups")
        except (ValueError, AttributeError):
            groups = None
        for name in groups if isinstance(groups, list) and groups else ([group] if group else []):
            rows.append((pid, name))
    return pd.DataFrame(rows, columns=["participant_id", "group"])


# Indicators that average 1/members in a chat, and their form relative to the equal share (x members).
RELATIVE_INDICATORS = {"share": "relative_share", "first_responder_share": "relative_first_responder_share"}
_KEYS = ["participant_id", "group"]


def _member_stats(frame: "pd.DataFrame", coded: "CodedMessages") -> "pd.DataFrame":
    """Per (participant_id, group) who wrote: messages, words, active_days, media/night/weekend shares,
    replies, median_latency_min; grouped by integer codes (the same groups, in the same order, as by texts)."""
    import pandas as pd

    key = coded.member_key()
    rows = key >= 0  # a grouping by texts drops the rows where either is missing
    parts = pd.DataFrame({"words": frame["words"].to_numpy()[rows], "day": coded.day[rows],
                          "media": coded.media[rows], "night": coded.night[rows], "weekend": coded.weekend[rows],
                          "reply": frame["reply"].to_numpy()[rows],
                          "latency_min": frame["latency_min"].to_numpy()[rows]})
    grouped = parts.groupby(key[rows])
    stats = pd.DataFrame({
        "messages": grouped.size(), "words": grouped["words"].sum(), "active_days": grouped["day"].nunique(),
        "media_share": grouped["media"].mean(), "night_share": grouped["night"].mean(),
        "weekend_share": grouped["weekend"].mean(), "replies": grouped["reply"].sum(),
        "median_latency_min": grouped["latency_min"].median(),
    })
    stats.index = coded.member_index(stats.index.to_numpy())
    return stats


def _first_responses(frame: "pd.DataFrame", coded: "CodedMessages") -> tuple["pd.Series", "pd.Series"]:
    """First responses per (participant_id, group) and conversations with a reply per group.

    A session's first responder is its first reply's author (skipping a missing author, as
    :func:`first_responders` does) and its group that of its first message.
    """
    import numpy as np
    import pandas as pd

    session = frame["session"].to_numpy()
    reply = frame["reply"].to_numpy(dtype=bool)
    person = np.where(coded.person >= 0, coded.person, np.nan)
    responder = pd.Series(person[reply]).groupby(session[reply]).first()
    group = pd.Series(np.where(coded.group >= 0, coded.group, np.nan)).groupby(session).first()
    group = group.reindex(responder.index).to_numpy()
    counted = ~np.isnan(group)
    sessions = pd.Series(np.bincount(group[counted].astype(np.int64), minlength=len(coded.groups)),
                         index=coded.groups)
    sessions = sessions[sessions > 0]
    both = counted & responder.notna().to_numpy()
    keys = responder.to_numpy()[both].astype(np.int64) * len(coded.groups) + group[both].astype(np.int64)
    found, first = np.unique(keys, return_counts=True)
    return pd.Series(first, index=coded.member_index(found)), sessions


def membership_table(frame: "pd.DataFrame", members: "pd.DataFrame", mentions: "pd.DataFrame",
                     coded: "CodedMessages | None" = None) -> "pd.DataFrame":
    """The per-member table of :func:`per_participant`, indexed by (participant_id, group), with the chat's
    ``members``, ``chat_messages``, ``chat_sessions`` (conversations with a reply) and ``first_responses``.

    ``coded``: :func:`mixedmethods.chats.coded.code_messages` of ``frame``, when the caller has it already.
    """
    from .coded import code_messages

    coded = code_messages(frame) if coded is None else coded
    stats = _member_stats(frame, coded)
    # A member is a (person, chat) pair: someone in two chats is counted in each, with that chat's messages.
    table = members[_KEYS].drop_duplicates().set_index(_KEYS).join(stats, how="left")
    counts = ["messages", "words", "active_days", "replies"]
    table[counts] = table[counts].fillna(0).astype(int)
    group = table.index.get_level_values("group")
    table["members"] = table.groupby(level="group").size().reindex(group).to_numpy()
    table["chat_messages"] = table.groupby(level="group")["messages"].transform("sum")
    first, sessions = _first_responses(frame, coded)
    table["first_responses"] = first.reindex(table.index).fillna(0).astype(int)
    table["chat_sessions"] = sessions.reindex(group).fillna(0).astype(int).to_numpy()
    # A chat without messages (or without a reply) has no shares: NaN, not 0 and not a division by zero.
    table["share"] = table["messages"] / table["chat_messages"].where(table["chat_messages"] > 0)
    table["first_responder_share"] = table["first_responses"] / table["chat_sessions"].where(
        table["chat_sessions"] > 0)
    for indicator, relative in RELATIVE_INDICATORS.items():
        table[relative] = table[indicator] * table["members"]
    for column, role in (("mentions_sent", "source"), ("mentions_received", "target")):
        links = mentions[[role, "group"]].set_axis(_KEYS, axis=1)
        table[column] = links.value_counts().reindex(table.index).fillna(0).astype(int) if len(links) else 0
    return table


def per_participant(frame: "pd.DataFrame", members: "pd.DataFrame", mentions: "pd.DataFrame",
                    table: "pd.DataFrame | None" = None) -> "pd.DataFrame":
    """One row per member of each chat (participant_id, group): messages, words, share, relative_share,
    active_days, media_share, night_share, weekend_share, replies, median_latency_min, first_responder_share,
    relative_first_responder_share, mentions_sent, mentions_received.

    ``members``: participant_id, group, one row per membership (a person in two chats has two rows);
    ``mentions``: group, source, target. A person who writes in two chats has one row in each.
    ``table``: :func:`membership_table` of the same arguments, when the caller has it already.
    """
    table = membership_table(frame, members, mentions) if table is None else table
    return table[list(PER_MEMBER_COLUMNS)].reset_index()


PER_MEMBER_COLUMNS = ("messages", "words", "share", "relative_share", "active_days", "media_share", "night_share",
                      "weekend_share", "replies", "median_latency_min", "first_responder_share",
                      "relative_first_responder_share", "mentions_sent", "mentions_received")


def per_person(frame: "pd.DataFrame", members: "pd.DataFrame", mentions: "pd.DataFrame",
               table: "pd.DataFrame | None" = None, coded: "CodedMessages | None" = None) -> "pd.DataFrame":
    """One row per person over all the chats they are a member of (the participant-level frame).

    Columns: participant_id, chats (how many chats they are a member of) and those of
    :func:`per_participant` but ``group``: counts summed over their chats; active days, media, night and
    weekend shares and the median latency over all their messages; ``share`` = their messages / the
    messages of their chats; ``relative_share`` = their messages / sum over their chats of (chat messages /
    members), the equal share's expectation, so 1 is still an equal share; the first-responder shares
    likewise over their chats' conversations with a reply. ``table`` (:func:`membership_table` of the same
    arguments) and ``coded`` (:func:`mixedmethods.chats.coded.code_messages` of ``frame``): when the caller
    has them already.
    """
    import pandas as pd

    from .coded import code_messages

    coded = code_messages(frame) if coded is None else coded
    table = membership_table(frame, members, mentions, coded) if table is None else table.copy()
    table["expected_messages"] = table["chat_messages"] / table["members"]
    table["expected_first"] = table["chat_sessions"] / table["members"]
    by = table.groupby(level="participant_id")
    summed = by[["messages", "words", "replies", "mentions_sent", "mentions_received", "chat_messages",
                 "first_responses", "chat_sessions", "expected_messages", "expected_first"]].sum()
    person = pd.DataFrame({"chats": by.size()})
    rows = coded.person >= 0
    pooled = pd.DataFrame({"day": coded.day[rows], "media": coded.media[rows], "night": coded.night[rows],
                           "weekend": coded.weekend[rows], "latency_min": frame["latency_min"].to_numpy()[rows]},
                          ).groupby(coded.person[rows])
    people = coded.people

    def by_person(values: "pd.Series") -> "pd.Series":
        return values.set_axis(people.take(values.index.to_numpy())).reindex(person.index)

    person["messages"], person["words"] = summed["messages"], summed["words"]
    person["share"] = summed["messages"] / summed["chat_messages"].where(summed["chat_messages"] > 0)
    person["relative_share"] = summed["messages"] / summed["expected_messages"].where(summed["expected_messages"] > 0)
    person["active_days"] = by_person(pooled["day"].nunique()).fillna(0).astype(int)
    for column in ("media", "night", "weekend"):
        person[f"{column}_share"] = by_person(pooled[column].mean())
    person["replies"] = summed["replies"]
    person["median_latency_min"] = by_person(pooled["latency_min"].median())
    person["first_responder_share"] = summed["first_responses"] / summed["chat_sessions"].where(
        summed["chat_sessions"] > 0)
    person["relative_first_responder_share"] = summed["first_responses"] / summed["expected_first"].where(
        summed["expected_first"] > 0)
    person["mentions_sent"], person["mentions_received"] = summed["mentions_sent"], summed["mentions_received"]
    return person.reset_index()


def next_speaker(frame: "pd.DataFrame", coded: "CodedMessages | None" = None) -> "pd.DataFrame":
    """Who writes next after whom, within sessions and between different people: group, source, target, n."""
    import numpy as np
    import pandas as pd

    from .coded import code_messages

    coded = code_messages(frame) if coded is None else coded
    people = len(coded.people)
    previous = np.concatenate([[-1], coded.person[:-1]])
    rows = frame["reply"].to_numpy(dtype=bool) & (coded.group >= 0) & (previous >= 0) & (coded.person >= 0)
    # (group, source, target) as one integer, in the order of the three texts sorted
    found, n = np.unique((coded.group[rows].astype(np.int64) * people + previous[rows]) * people +
                         coded.person[rows], return_counts=True)
    group, pair = np.divmod(found, people * people)
    source, target = np.divmod(pair, people)
    return pd.DataFrame({"group": coded.groups.take(group), "source": coded.people.take(source),
                         "target": coded.people.take(target), "n": n.astype(np.int64)})
