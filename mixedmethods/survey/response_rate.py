"""Who answered: the response rate over the people listed, and item non-response per question.

**Response rate.** The people listed in private/participants.csv (the store's
``participants`` with ``listed = 1``) are the sample invited; a listed person
with a kept survey response is a respondent. The rate is AAPOR's Response Rate
2 (RR2, AAPOR 2023, Standard Definitions, 10th ed., p. 78): complete *and*
partial responses over all eligible cases, every listed person being taken as
eligible (no case of unknown eligibility). It is RR2 and not RR1 because the
tool keeps every response that links to a person, however many questions it
answers, and cannot tell a partial response from a complete one in every
export. People who answered without being listed are not in the rate (they
are counted apart). Groups are the listed people's groups.

Disclosure (mixedmethods.disclosure): the respondents of each group are
those of the survey's sample (already protected there); the non-respondents
of the groups are a line whose total is published: a group with 1 to k - 1
non-respondents is withheld, with other groups by complementary suppression
(see :func:`response_rates`). Groups the survey chapter leaves out of every
total are left out here too.

**Item non-response.** For every question, among the respondents: answered,
missing (asked but not answered) and not applicable (the question's skip
logic, XLSForm ``relevant``, says it was not asked given the respondent's
other answers: *not* missing). The percentage missing is over those asked.
Each question's three counts add up to the published number of respondents,
so they are a line of :func:`~mixedmethods.disclosure.protect_line`.

References
----------
American Association for Public Opinion Research (2023). *Standard
definitions: Final dispositions of case codes and outcome rates for surveys*
(10th ed.). AAPOR.
"""

from __future__ import annotations

import math
import sqlite3
from typing import TYPE_CHECKING, Any

from ..disclosure import PROTECTED, is_small, protect_line

if TYPE_CHECKING:
    import pandas as pd

    from ..instrument.questionnaire import Questionnaire

DEFINITION = "AAPOR RR2"  # results.json: which rate (see the module docstring)
NOBODY_LISTED = "nobody listed in participants.csv"
RATE_COLUMNS = ("group", "listed", "respondents", "rate_pct", "withheld")
ITEM_COLUMNS = ("question", "answered", "missing", "not_applicable", "missing_pct", PROTECTED)


def listed_people(conn: sqlite3.Connection) -> "pd.DataFrame":
    """Listed participants with their group and whether they have a kept survey response (``responded``)."""
    import pandas as pd

    return pd.read_sql_query(
        "SELECT participant_id, grp AS \"group\", EXISTS (SELECT 1 FROM survey_responses r WHERE "
        "r.participant_id = p.participant_id AND r.status = 'kept') AS responded FROM participants p "
        "WHERE listed = 1", conn)


def unlisted_respondents(conn: sqlite3.Connection) -> int:
    """Respondents with a kept response who are not in participants.csv (not counted in the rate)."""
    return int(conn.execute(
        "SELECT COUNT(DISTINCT r.participant_id) FROM survey_responses r JOIN participants p USING (participant_id) "
        "WHERE r.status = 'kept' AND p.listed = 0").fetchone()[0])


def response_rates(people: "pd.DataFrame", groups: list[str], hidden: list[str], left_out: list[str],
                   k: int) -> "pd.DataFrame":
    """Response rate per group and overall (last row, group ``all``), small counts withheld.

    Parameters
    ----------
    people : :func:`listed_people` (columns ``group`` and ``responded``, one row per listed person).
    groups : the study's groups, in order; hidden, left_out : the survey's hidden and left-out groups
        (:class:`~mixedmethods.disclosure.GroupSizes`).
    k : minimum cell size.

    Returns
    -------
    DataFrame with :data:`RATE_COLUMNS`: ``listed`` people, ``respondents`` among them, ``rate_pct`` =
    100 x respondents / listed (NaN when nobody is listed), ``withheld`` = True where the counts and rate
    are not published (they are then NaN). Empty when nobody is listed.

    Notes
    -----
    The groups' non-respondents are a line whose total (the overall non-respondents) is published:
    a group is withheld when the survey hides it or its non-respondents are from 1 to k - 1, and then
    :func:`~mixedmethods.disclosure.protect_line` withholds other groups until the withheld ones hold
    at least two groups and k non-respondents, or else withholds the overall row. Groups left out of the
    survey's totals are withheld and counted nowhere.
    """
    import pandas as pd

    if people.empty:
        return pd.DataFrame(columns=list(RATE_COLUMNS))
    counts = {}
    for g in groups:
        mine = people[people["group"] == g]
        counts[g] = (len(mine), int(mine["responded"].sum()))
    pooled = [g for g in groups if g not in left_out]
    others = [float(counts[g][0] - counts[g][1]) for g in pooled]
    primary = {i for i, g in enumerate(pooled) if g in hidden or is_small(others[i], k)}
    withheld, overall_withheld = protect_line(others, primary, k) if primary else (set(), False)
    withheld_groups = {pooled[i] for i in withheld} | set(left_out)
    rows = [_rate_row(g, *counts[g], g in withheld_groups) for g in groups]
    listed, respondents = sum(counts[g][0] for g in pooled), sum(counts[g][1] for g in pooled)
    overall_withheld = overall_withheld or is_small(respondents, k) or is_small(listed - respondents, k)
    rows.append(_rate_row("all", listed, respondents, overall_withheld))
    return pd.DataFrame(rows, columns=list(RATE_COLUMNS))


def _rate_row(group: str, listed: int, respondents: int, withheld: bool) -> dict[str, Any]:
    if withheld:
        return {"group": group, "listed": math.nan, "respondents": math.nan, "rate_pct": math.nan, "withheld": True}
    return {"group": group, "listed": float(listed), "respondents": float(respondents),
            "rate_pct": 100 * respondents / listed if listed else math.nan, "withheld": False}


def _typed(value: Any) -> Any:
    """An answer as the skip logic reads it (dates as ISO text, missing as absent)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return value


def asked_mask(responses: "pd.DataFrame", questionnaire: "Questionnaire") -> "pd.DataFrame":
    """Respondent x question: True where the question was asked (its skip logic, if any, holds)."""
    import pandas as pd

    questions = item_questions(responses, questionnaire)
    asked = pd.DataFrame(True, index=responses.index, columns=[q.id for q in questions])
    ruled = [q for q in questions if q.relevance is not None]
    if not ruled:
        return asked
    import numpy as np

    # One row of plain values per respondent and one assignment at the end: setting cells one by one with
    # .loc cost 11.6 s at 12,000 respondents (issue 14).
    columns = [c for c in responses.columns if c != "group"]
    held = np.ones((len(responses), len(ruled)), dtype=bool)
    for position, record in enumerate(responses[columns].itertuples(index=False, name=None)):
        answers = {qid: typed for qid, value in zip(columns, record) if (typed := _typed(value)) is not None}
        held[position] = [bool(q.relevance(answers)) for q in ruled]
    asked[[q.id for q in ruled]] = held
    return asked


def item_questions(responses: "pd.DataFrame", questionnaire: "Questionnaire") -> list:
    """Questions of the item non-response table: those stored one answer per respondent (not the group
    question, the invitation-code key or questions inside a repeat)."""
    skipped = {questionnaire.group_question, questionnaire.participant_key}
    return [q for q in questionnaire.questions if q.id not in skipped and q.repeat is None
            and q.id in responses.columns]


def item_nonresponse(responses: "pd.DataFrame", questionnaire: "Questionnaire", k: int) -> "pd.DataFrame":
    """Answered / missing / not applicable per question, small counts hidden; see the module docstring.

    Returns
    -------
    DataFrame with :data:`ITEM_COLUMNS`, one row per question in questionnaire order: counts (NaN where
    hidden), ``missing_pct`` = 100 x missing / (answered + missing) (NaN where answered or missing is
    hidden, or nobody was asked), and :data:`~mixedmethods.disclosure.PROTECTED` naming the cells hidden only so that a small
    one cannot be had by subtraction (comma-separated).
    """
    import pandas as pd

    questions = item_questions(responses, questionnaire)
    asked = asked_mask(responses, questionnaire)
    rows = []
    names = ("answered", "missing", "not_applicable")
    for q in questions:
        given = responses[q.id].notna()
        counts = [int((given & asked[q.id]).sum()), int((~given & asked[q.id]).sum()), int((~asked[q.id]).sum())]
        primary = {i for i, c in enumerate(counts) if is_small(c, k)}
        hidden = protect_line([float(c) for c in counts], primary, k)[0] if primary else set()
        record: dict[str, Any] = {name: (math.nan if i in hidden else float(c))
                                  for i, (name, c) in enumerate(zip(names, counts))}
        record["question"] = q.id
        asked_n = counts[0] + counts[1]
        record["missing_pct"] = 100 * counts[1] / asked_n if asked_n and not hidden & {0, 1} else math.nan
        record[PROTECTED] = ", ".join(names[i] for i in sorted(hidden - primary))
        rows.append(record)
    return pd.DataFrame(rows, columns=list(ITEM_COLUMNS))
