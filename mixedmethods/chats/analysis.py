"""The chat analysis of a study: everything the chat chapter reports, as frames and numbers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..disclosure import group_sizes, is_small, suppress_by_group
from ..store import connect

if TYPE_CHECKING:
    import pandas as pd

    from ..study import Study


# What a chat of fewer than k members does not show (its member count is suppressed like every small count).
WITHHELD_BELOW_K = ("active_members", "unlisted_authors", "messages", "words", "median_messages_per_member",
                    "gini", "gini_CI95_low", "gini_CI95_high", "top10_share", "media_share", "night_share",
                    "weekend_share", "sessions", "median_session_messages", "median_latency_min")

@dataclass
class ChatResults:
    """Tables and statistics of the chat chapter, per group."""

    groups: list[str]
    min_cell_size: int
    session_gap_minutes: int
    tables: dict[str, "pd.DataFrame"] = field(default_factory=dict)
    statistics: dict[str, Any] = field(default_factory=dict)
    lorenz: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    # One row per author over all their chats (metrics.per_person), for the triangulation (computed once).
    per_person: "pd.DataFrame | None" = None


def analyse_chats(study: "Study") -> ChatResults:
    """Metrics of :mod:`.metrics` for every group that has a chat export in the store.

    Members of a chat are its group's listed participants (a person may be listed in several groups) and
    everyone who wrote in it; a person in two chats is a member of each, with that chat's messages.

    Tables: ``participation`` (one row per group: members, active members,
    messages, words, median messages per member, Gini with CI, top 10% share,
    media, night and weekend shares, sessions, median response latency),
    ``per_participant`` (one row per member of each chat, :func:`.metrics.per_participant`), ``activity`` (group x weekday x hour), ``volume``
    (messages per week), ``language`` (mix of text messages), ``next_speaker``
    and ``mentions`` (links between pseudonyms).
    """
    import pandas as pd

    from .metrics import gini_with_ci, load_memberships, load_mentions, load_messages, lorenz, next_speaker, \
        per_participant, per_person, sessions_and_replies, top_share

    results = ChatResults(list(study.groups), study.report.min_cell_size, study.chats.session_gap_minutes)
    if not study.store_path.exists():
        return results
    conn = connect(study.store_path, create=False)
    try:
        messages = load_messages(conn)
        mentions = load_mentions(conn)
        listed = pd.read_sql_query("SELECT participant_id, listed FROM participants", conn)
        memberships = load_memberships(conn)
        formats = pd.read_sql_query('SELECT grp AS "group", format, media_files FROM chats', conn)
    finally:
        conn.close()
    results.statistics["messages"] = int(messages["kind"].ne("system").sum())
    if messages.empty:
        return results
    frame = sessions_and_replies(messages, study.chats.session_gap_minutes)
    present = set(frame["group"].unique())  # once, not once per group (a million messages: 1 s each)
    chat_groups = [g for g in study.groups if g in present]
    authors = frame[["participant_id", "group"]].drop_duplicates()
    # One row per (person, chat): a person listed in two groups, or writing in two chats, is a member of both.
    members = pd.concat([memberships[memberships["group"].isin(chat_groups)], authors]).drop_duplicates()
    # A chat of fewer than k members is withheld; one alone is left out of the totals too (disclosure.py).
    sizes = group_sizes({g: int((members["group"] == g).sum()) for g in chat_groups}, study.report.min_cell_size)
    results.statistics["messages"] = int(frame.loc[~frame["group"].isin(sizes.left_out), "kind"].ne("system").sum())
    results.statistics["groups_left_out"] = sizes.left_out
    people = per_participant(frame, members, mentions)
    results.per_person = _authors_over_their_chats(frame, memberships, authors, mentions, per_person)
    results.tables["per_participant"] = people
    # People who are members of more than one chat: a count of people, suppressed under k like any other.
    # Only chats of k members or more: a withheld chat's members are not counted anywhere.
    shown_members = members[~members["group"].isin(sizes.hidden)]
    several = int((shown_members.groupby("participant_id")["group"].nunique() > 1).sum())
    results.statistics["members_of_several_chats"] = several if not is_small(several, study.report.min_cell_size) \
        else None
    rows, stats, withheld = [], {}, []
    linked = listed.set_index("participant_id")["listed"]
    k = study.report.min_cell_size
    for group in chat_groups:
        own = frame[frame["group"] == group]
        counts = people.loc[people["group"] == group, "messages"].to_numpy()
        g, low, high = gini_with_ci(counts)
        if len(counts) >= k:
            results.lorenz[group] = lorenz(counts)
        hours = own["timestamp"].dt.hour
        sessions = own.groupby("session")
        row = {
            "group": group, "members": len(counts), "active_members": int((counts > 0).sum()),
            "unlisted_authors": int((linked.reindex(own["participant_id"].unique()) == 0).sum()),
            "messages": len(own), "words": int(own["words"].sum()),
            "median_messages_per_member": float(pd.Series(counts).median()),
            "gini": g, "gini_CI95_low": low, "gini_CI95_high": high, "top10_share": top_share(counts),
            "media_share": float(own["kind"].eq("media").mean()),
            "night_share": float(((hours >= 22) | (hours < 6)).mean()),
            "weekend_share": float((own["timestamp"].dt.day_of_week >= 5).mean()),
            "sessions": int(sessions.ngroups), "median_session_messages": float(sessions.size().median()),
            "median_latency_min": float(own["latency_min"].median()),
            "first": own["timestamp"].min().isoformat(), "last": own["timestamp"].max().isoformat(),
            "format": "; ".join(formats.loc[formats["group"] == group, "format"]),
        }
        if group in sizes.hidden:
            # A chat of fewer than k members: every statistic would describe one or two people; only the
            # (suppressed) member count, the period and the format are kept.
            withheld.append(group)
            row.update({key: float("nan") for key in WITHHELD_BELOW_K})
            row["members"] = float("nan")
        elif is_small(row["members"] - row["active_members"], k):
            # Members = active + silent: a silent count under k would come back by subtraction.
            row["active_members"] = float("nan")
        rows.append(row)
        stats[group] = {k: (None if isinstance(v, float) and v != v else v) for k, v in row.items() if k != "group"}
    participation = pd.DataFrame(rows)
    if not participation.empty:
        # Authors missing from participants.csv are people: under k hidden, and the total of all chats is a
        # line with the groups' counts (complementary suppression).
        unlisted = pd.DataFrame({f"{r['group']}_n": [r["unlisted_authors"]] for r in rows})
        unlisted["all_n"] = float(sum(r["unlisted_authors"] for r in rows if r["unlisted_authors"] ==
                                      r["unlisted_authors"]))
        shown = suppress_by_group(unlisted, chat_groups, [], k, total="all_n")  # withheld chats: NaN already
        participation["unlisted_authors"] = [shown[f"{g}_n"].iloc[0] for g in chat_groups]
        results.statistics["unlisted_authors"] = None if shown["all_n"].isna().iloc[0] else \
            int(shown["all_n"].iloc[0])
        for group in chat_groups:
            stats[group]["unlisted_authors"] = None if shown[f"{group}_n"].isna().iloc[0] else \
                int(shown[f"{group}_n"].iloc[0])
    results.tables["participation"] = participation
    results.statistics["groups"] = stats
    results.statistics["withheld_groups"] = withheld
    frame = frame[~frame["group"].isin(withheld)]  # nor in the figures and language shares
    weekday = frame["timestamp"].dt.day_of_week
    results.tables["activity"] = (frame.assign(weekday=weekday, hour=frame["timestamp"].dt.hour)
                                  .groupby(["group", "weekday", "hour"]).size().rename("messages").reset_index())
    results.tables["volume"] = (frame.assign(week=frame["timestamp"].dt.to_period("W").dt.start_time)
                                .groupby(["group", "week"]).size().rename("messages").reset_index())
    texts = frame[frame["language"].notna()]
    language = texts.groupby(["group", "language"]).size().rename("messages").reset_index()
    language["pct"] = 100 * language["messages"] / language.groupby("group")["messages"].transform("sum")
    results.tables["language"] = language
    results.statistics["language"] = {g: {r["language"]: round(r["pct"], 1) for _, r in block.iterrows()}
                                      for g, block in language.groupby("group")}
    results.tables["next_speaker"] = next_speaker(frame)
    mentions = mentions[mentions["group"].isin(frame["group"].unique())]  # not of withheld chats either
    results.tables["mentions"] = mentions.groupby(["group", "source", "target"]).size().rename("n").reset_index()
    return results


def _authors_over_their_chats(frame, memberships, authors, mentions, per_person) -> "pd.DataFrame":
    """The triangulation's chat metrics (mixedmethods.triangulation.linkage), here so the messages are read and
    sessioned once per build: members as in the chapter (listed members of each chat's group and its authors),
    one row per person over all their chats, for those who wrote; indexed by participant_id."""
    import pandas as pd

    members = pd.concat([memberships[memberships["group"].isin(frame["group"].unique())], authors])
    people = per_person(frame, members.drop_duplicates(), mentions).set_index("participant_id")
    return people[people.index.isin(authors["participant_id"])]
