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
    import numpy as np
    import pandas as pd

    from .coded import code_messages
    from .metrics import gini_with_ci, load_memberships, load_mentions, load_messages, lorenz, membership_table, \
        next_speaker, per_participant, per_person, sessions_and_replies, top_share

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
    del messages
    # Participant and group as integer codes, once: every grouping below is by codes, not by a million texts.
    coded = code_messages(frame)
    present = set(coded.groups)
    chat_groups = [g for g in study.groups if g in present]
    authors = _first_of_each(frame, coded)
    # One row per (person, chat): a person listed in two groups, or writing in two chats, is a member of both.
    members = pd.concat([memberships[memberships["group"].isin(chat_groups)], authors]).drop_duplicates()
    # A chat of fewer than k members is withheld; one alone is left out of the totals too (disclosure.py).
    sizes = group_sizes({g: int((members["group"] == g).sum()) for g in chat_groups}, study.report.min_cell_size)
    left_out = coded.groups.get_indexer(list(sizes.left_out))
    results.statistics["messages"] = int((~np.isin(coded.group, left_out[left_out >= 0])).sum())
    results.statistics["groups_left_out"] = sizes.left_out
    table = membership_table(frame, members, mentions, coded)
    people = per_participant(frame, members, mentions, table)
    results.per_person = _authors_over_their_chats(frame, memberships, authors, mentions, per_person, coded,
                                                   (members, table))
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
    by_group = np.argsort(coded.group, kind="stable")
    bounds = np.searchsorted(coded.group[by_group], np.arange(len(coded.groups) + 1))
    stamps, latency = frame["timestamp"], frame["latency_min"].to_numpy()
    session, words = frame["session"].to_numpy(), frame["words"].to_numpy()
    for group in chat_groups:
        at = coded.groups.get_loc(group)
        own = by_group[bounds[at]:bounds[at + 1]]  # this group's rows, in frame order
        counts = people.loc[people["group"] == group, "messages"].to_numpy()
        g, low, high = gini_with_ci(counts)
        if len(counts) >= k:
            results.lorenz[group] = lorenz(counts)
        writers = coded.people.take(np.unique(coded.person[own][coded.person[own] >= 0]))
        conversations = np.unique(session[own], return_counts=True)[1]
        own_stamps = stamps.iloc[own]
        row = {
            "group": group, "members": len(counts), "active_members": int((counts > 0).sum()),
            "unlisted_authors": int((linked.reindex(writers) == 0).sum()),
            "messages": len(own), "words": int(words[own].sum()),
            "median_messages_per_member": float(pd.Series(counts).median()),
            "gini": g, "gini_CI95_low": low, "gini_CI95_high": high, "top10_share": top_share(counts),
            # a share of booleans: their count over the rows, the division Series.mean makes
            "media_share": float(coded.media[own].sum() / len(own)),
            "night_share": float(coded.night[own].sum() / len(own)),
            "weekend_share": float(coded.weekend[own].sum() / len(own)),
            "sessions": len(conversations), "median_session_messages": float(pd.Series(conversations).median()),
            "median_latency_min": float(pd.Series(latency[own]).median()),
            "first": own_stamps.min().isoformat(), "last": own_stamps.max().isoformat(),
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
    if withheld:  # nor in the figures and language shares
        frame = frame[~frame["group"].isin(withheld)]
        coded = code_messages(frame)
    results.tables["activity"] = _activity(coded)
    results.tables["volume"] = _volume(frame["timestamp"], coded)
    language = _language(frame["language"], coded)
    results.tables["language"] = language
    results.statistics["language"] = {g: {r["language"]: round(r["pct"], 1) for _, r in block.iterrows()}
                                      for g, block in language.groupby("group")}
    results.tables["next_speaker"] = next_speaker(frame, coded)
    mentions = mentions[mentions["group"].isin(set(coded.groups))]  # not of withheld chats either
    results.tables["mentions"] = mentions.groupby(["group", "source", "target"]).size().rename("n").reset_index()
    return results


def _authors_over_their_chats(frame, memberships, authors, mentions, per_person, coded, chapter) -> "pd.DataFrame":
    """The triangulation's chat metrics (mixedmethods.triangulation.linkage), here so the messages are read and
    sessioned once per build: members as in the chapter (listed members of each chat's group and its authors),
    one row per person over all their chats, for those who wrote; indexed by participant_id. ``chapter``: the
    chapter's members and their membership table, reused when the members are the same rows."""
    import pandas as pd

    members = pd.concat([memberships[memberships["group"].isin(set(coded.groups))], authors]).drop_duplicates()
    chapter_members, table = chapter
    same = members.reset_index(drop=True).equals(chapter_members.reset_index(drop=True))
    people = per_person(frame, members, mentions, table if same else None, coded).set_index("participant_id")
    return people[people.index.isin(authors["participant_id"])]


def _first_of_each(frame: "pd.DataFrame", coded) -> "pd.DataFrame":
    """participant_id, group of each pair's first row: ``drop_duplicates`` of the two columns, by codes."""
    import numpy as np

    person = np.where(coded.person >= 0, coded.person, len(coded.people))  # a missing value is one more value
    group = np.where(coded.group >= 0, coded.group, len(coded.groups))
    first = np.unique(person.astype(np.int64) * (len(coded.groups) + 1) + group, return_index=True)[1]
    return frame[["participant_id", "group"]].iloc[np.sort(first)]


def _activity(coded) -> "pd.DataFrame":
    """group, weekday, hour, messages (the chapter's activity figure), counted by codes."""
    import pandas as pd

    keys = pd.DataFrame({"group": coded.group, "weekday": coded.weekday, "hour": coded.hour})
    counts = keys[keys["group"] >= 0].groupby(["group", "weekday", "hour"]).size().rename("messages").reset_index()
    counts["group"] = coded.groups.take(counts["group"].to_numpy())
    return counts


def _volume(stamps: "pd.Series", coded) -> "pd.DataFrame":
    """group, week (the Monday it starts), messages. The week is found once per distinct day, not per message."""
    import numpy as np
    import pandas as pd

    rows = (coded.group >= 0) & ~np.isnan(coded.day)
    if getattr(stamps.dt, "tz", None) is not None:  # rare: the week of each message, as before
        weeks = stamps.dt.to_period("W").dt.start_time.to_numpy()
        week_codes, week_values = pd.factorize(weeks[rows], sort=True)
    else:
        days, day_of_row = np.unique(coded.day[rows].astype(np.int64), return_inverse=True)
        starts = pd.Series(days.astype("datetime64[D]").astype(stamps.dtype)).dt.to_period("W").dt.start_time
        week_values, week_of_day = np.unique(starts.to_numpy(), return_inverse=True)
        week_codes = week_of_day[day_of_row]
    keys = pd.DataFrame({"group": coded.group[rows], "week": week_codes})
    counts = keys.groupby(["group", "week"]).size().rename("messages").reset_index()
    counts["group"] = coded.groups.take(counts["group"].to_numpy())
    counts["week"] = np.asarray(week_values)[counts["week"].to_numpy()]
    return counts


def _language(languages: "pd.Series", coded) -> "pd.DataFrame":
    """group, language, messages, pct of the text messages with a language, per group."""
    import pandas as pd

    from .coded import codes

    language, values = codes(languages)
    keys = pd.DataFrame({"group": coded.group, "language": language})
    counts = keys[(keys["group"] >= 0) & (keys["language"] >= 0)].groupby(["group", "language"]).size()
    counts = counts.rename("messages").reset_index()
    counts["group"] = coded.groups.take(counts["group"].to_numpy())
    counts["language"] = values.take(counts["language"].to_numpy())
    counts["pct"] = 100 * counts["messages"] / counts.groupby("group")["messages"].transform("sum")
    return counts
