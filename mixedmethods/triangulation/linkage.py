"""One participant-level frame across the three sources, by participant id, and who is in which source.

Columns: ``participant_id``, ``group``, ``in_survey``, ``in_interviews``,
``in_chats`` and, for each construct and source, ``<construct>.<source>``:
the survey scale score or item answer, the interview measure of the named
codes (presence 0/1, coverage share or segment count, from each transcript's
reference coder; a theme counts with its sub-codes), and the chat metric.

One row per person. ``group`` is the person's group in participants.csv (the
first one when several are listed, ``g1;g2``; for an author not on the list,
the group of the chat first imported). The chat metric of a person who writes
in several chats is taken over all their chats
(:func:`mixedmethods.chats.metrics.per_person`: counts summed, relative
shares as their messages over the sum of each chat's equal share).
A participant absent from a source has NA there; an interviewee whose
interview lacks the codes has 0.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..store import connect

if TYPE_CHECKING:
    import pandas as pd

    from ..study import Study
    from .constructs import Construct

COMBINATIONS = (("survey",), ("interviews",), ("chats",), ("survey", "interviews"), ("survey", "chats"),
                ("interviews", "chats"), ("survey", "interviews", "chats"))


def participant_frame(study: "Study", constructs: list["Construct"],
                      sources: dict[str, Any] | None = None) -> "pd.DataFrame":
    """The linked frame described in the module docstring (pseudonymous ids only).

    ``sources``: the survey and chat analyses' results of this build (their ``responses`` and ``per_person``),
    so the survey is not read and the chat metrics not computed a second time (compute once, issue 14); a
    source whose result does not carry them is read from the store as before.
    """
    import pandas as pd

    from ..chats.metrics import load_memberships, load_mentions, load_messages, per_person, sessions_and_replies
    from ..interviews.quantify import code_by_participant, with_themes
    from ..interviews.units import load_segments, load_transcripts, reference_segments
    from ..survey.responses import load_responses
    from ..survey.scoring import scale_scores

    given_responses = getattr((sources or {}).get("survey"), "responses", None)
    given_chats = getattr((sources or {}).get("chats"), "per_person", None)
    questionnaire, codebook = study.questionnaire(), study.codebook()
    conn = connect(study.store_path, create=False)
    try:
        people = pd.read_sql_query('SELECT participant_id, grp AS "group" FROM participants', conn)
        responses = given_responses if given_responses is not None else load_responses(conn, questionnaire)
        transcripts = load_transcripts(conn)
        segments = with_themes(load_segments(conn), codebook)
        if given_chats is None:
            messages = load_messages(conn)
            mentions = load_mentions(conn)
            memberships = load_memberships(conn)
    finally:
        conn.close()
    frame = people.set_index("participant_id")
    frame["in_survey"] = frame.index.isin(responses.index)
    frame["in_interviews"] = frame.index.isin(transcripts["participant_id"])
    scores = scale_scores(responses, questionnaire) if not responses.empty else pd.DataFrame()
    chats = pd.DataFrame()
    if given_chats is not None:
        chats = given_chats
    elif not messages.empty:
        replies = sessions_and_replies(messages, study.chats.session_gap_minutes)
        authors = replies[["participant_id", "group"]].drop_duplicates()
        # Members as in the chat chapter (listed members of each chat's group and its authors), so a relative
        # share means the same here; one row per person over all their chats, for those who wrote.
        # (mixedmethods.chats.analysis does the same once per build and passes it in ``sources``.)
        members = pd.concat([memberships[memberships["group"].isin(set(replies["group"]))], authors])
        chats = per_person(replies, members.drop_duplicates(), mentions).set_index("participant_id")
        chats = chats[chats.index.isin(authors["participant_id"])]
    frame["in_chats"] = frame.index.isin(chats.index)
    reference = reference_segments(segments) if not segments.empty else segments
    interviewed = transcripts["participant_id"].unique()
    for construct in constructs:
        for source, indicator in construct.indicators.items():
            column = f"{construct.id}.{source}"
            if source == "survey":
                if responses.empty:  # no survey in this study: NaN (float), not pd.NA, so statistics can cast
                    frame[column] = float("nan")
                    continue
                values = scores[indicator.scale] if indicator.scale else responses[indicator.item]
                frame[column] = values.reindex(frame.index) if len(values) else float("nan")
            elif source == "interviews":
                frame[column] = _interview_measure(reference, transcripts, interviewed, indicator,
                                                   code_by_participant).reindex(frame.index)
            else:
                frame[column] = chats[indicator.metric].reindex(frame.index) if not chats.empty else float("nan")
    any_source = frame[["in_survey", "in_interviews", "in_chats"]].any(axis=1)
    return frame[any_source].reset_index()


def _interview_measure(reference, transcripts, interviewed, indicator, code_by_participant) -> "pd.Series":
    import pandas as pd

    wanted = set(indicator.codes)
    chosen = reference[reference["code_id"].isin(wanted) | reference["theme"].isin(wanted)]
    values = pd.Series(0.0, index=pd.Index(interviewed, name="participant_id"))
    if not chosen.empty:
        table = code_by_participant(chosen.assign(code_id="x"), transcripts, "code_id").set_index("participant_id")
        column = {"presence": "present", "coverage": "coverage", "frequency": "frequency"}[indicator.measure]
        values.loc[table.index] = table[column].astype(float)
    return values


def coverage_table(frame: "pd.DataFrame", groups: list[str], k: int,
                   hidden_groups: list[str] | None = None) -> "pd.DataFrame":
    """Participants in exactly each combination of sources, by group and in all.

    Suppressed by :func:`mixedmethods.disclosure.suppression_mask`: counts from 1 to k - 1, the columns of
    ``hidden_groups``, and complementary cells, each row adding up to ``all`` and each column to the
    group's participants; the ``protected`` column names the cells hidden only to protect another.
    """
    import pandas as pd

    from ..disclosure import PROTECTED, is_small, suppression_mask

    flags = frame[["in_survey", "in_interviews", "in_chats"]].rename(columns=lambda c: c[3:])
    rows = []
    for combination in COMBINATIONS:
        exact = flags[list(combination)].all(axis=1) & ~flags.drop(columns=list(combination)).any(axis=1)
        record: dict[str, object] = {"sources": " + ".join(combination)}
        for group in groups:
            record[group] = int((exact & frame["group"].eq(group)).sum())
        record["all"] = int(exact.sum())
        rows.append(record)
    table = pd.DataFrame(rows)
    counts = table[groups].astype(float)
    given = pd.DataFrame(False, index=counts.index, columns=groups)
    for group in hidden_groups or []:
        given[group] = True
    mask, rows_hidden, _ = suppression_mask(counts, k, hidden=given)
    protected = mask & ~given & ~counts.apply(lambda column: column.map(lambda v: is_small(v, k)))
    for group in groups:
        table[group] = counts[group].mask(mask[group])
    totals = table["all"].astype(float)
    small = totals.map(lambda v: is_small(v, k))
    table["all"] = totals.mask(rows_hidden | small)
    table[PROTECTED] = [", ".join([g for g in groups if protected.loc[i, g]] +
                                  (["all"] if rows_hidden[i] and not small[i] else [])) for i in table.index]
    return table


def coverage_shares(table: "pd.DataFrame") -> dict[str, object] | None:
    """From the coverage table (:func:`coverage_table`): the participants found in at least one source, and how
    many of them, with the percentage, are in each source and in every source present; None when a cell of
    the ``all`` column is withheld or protected (the shares would give it away) or nobody is found.

    ``{"participants": n, "sources": {source: {"n": n, "pct": pct}}, "all_sources": {"n": n, "pct": pct}}``.
    """
    if table is None or table.empty or "all" not in table.columns:
        return None
    counts = table.set_index("sources")["all"]
    if counts.isna().any() or ("protected" in table.columns and (table["protected"].fillna("") != "").any()):
        return None
    total = float(counts.sum())
    if total <= 0:
        return None
    combinations = {name: set(name.split(" + ")) for name in counts.index}
    present = [s for s in ("survey", "interviews", "chats") if any(s in c for c in combinations.values())]

    def share(n: float) -> dict[str, float]:
        return {"n": int(n), "pct": 100 * n / total}

    return {"participants": int(total),
            "sources": {source: share(sum(counts[name] for name, parts in combinations.items() if source in parts))
                        for source in present},
            "all_sources": share(sum(counts[name] for name, parts in combinations.items()
                                     if set(present) <= parts))}
