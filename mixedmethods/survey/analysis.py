"""The survey analysis of a study: everything the survey chapter reports, as frames and numbers.

:func:`analyse_survey` reads the store and returns a :class:`SurveyResults`
holding tidy tables (pandas DataFrames, small cells already suppressed) and
a JSON-ready dictionary of statistics. Report code formats these; it computes
nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..privacy import suppress_small_counts
from ..store import connect

if TYPE_CHECKING:
    import pandas as pd

    from ..study import Study


@dataclass
class SurveyResults:
    """Tables and statistics of the survey chapter; see :func:`analyse_survey` for the keys."""

    groups: list[str]
    min_cell_size: int
    test: str
    tables: dict[str, "pd.DataFrame"] = field(default_factory=dict)
    statistics: dict[str, Any] = field(default_factory=dict)
    likert: "pd.DataFrame | None" = None  # item x answer level, % of respondents (for the figure)


def analyse_survey(study: "Study") -> SurveyResults:
    """Score, describe, test and tabulate the survey of ``study``.

    Tables: ``sample`` (respondents by group), ``profile`` (choice counts and %
    by group for profile questions), ``reliability``, ``item_total``,
    ``descriptives`` (scale scores by group), ``comparisons`` (two-group test
    per scale, Holm-adjusted p), ``associations`` (categorical answers by
    group). Counts below the study's k are NA and flagged in a ``suppressed``
    column; group statistics from fewer than k respondents are withheld.
    """
    import pandas as pd
    import pingouin as pg

    from .comparisons import association, compare_groups
    from .descriptives import choice_counts, describe_by_group
    from .reliability import corrected_item_total, scale_reliability
    from .responses import load_responses
    from .scoring import keyed_items, scale_scores

    questionnaire = study.questionnaire()
    k = study.report.min_cell_size
    groups = list(study.groups)
    conn = connect(study.store_path, create=False)
    try:
        responses = load_responses(conn, questionnaire)
    finally:
        conn.close()
    results = SurveyResults(groups, k, study.report.group_test)
    if responses.empty:
        results.statistics["n"] = 0
        return results

    # Sample
    sample = responses["group"].value_counts().reindex(groups, fill_value=0)
    sample_table = pd.DataFrame({"group": groups, "n": [int(sample[g]) for g in groups]})
    sample_table["n"] = suppress_small_counts(sample_table["n"], k)
    results.tables["sample"] = sample_table
    results.statistics["n"] = int(len(responses))
    results.statistics["n_by_group"] = {g: (int(sample[g]) if sample[g] >= k or sample[g] == 0 else None)
                                        for g in groups}

    # Profile
    profile_rows = []
    for question in questionnaire.profile_questions():
        if question.choices is None:
            continue
        qid = question.id
        counts = choice_counts(responses, questionnaire, question, groups)
        for value, row in counts.iterrows():
            record: dict[str, Any] = {"question": qid, "value": value}
            for g in groups:
                total = int(sample[g])
                shown = row[g] if (row[g] == 0 or row[g] >= k) else None
                record[f"{g}_n"] = shown
                record[f"{g}_pct"] = (100 * row[g] / total) if (shown is not None and total) else None
            profile_rows.append(record)
    results.tables["profile"] = pd.DataFrame(profile_rows)

    # Reliability and item-total correlations
    reliability_rows, item_rows, stats_rel = [], [], {}
    for scale in questionnaire.scales:
        items = keyed_items(responses, questionnaire, scale)
        rel = scale_reliability(items)
        item_total = corrected_item_total(items)
        item_total.insert(0, "scale", scale.id)
        item_total["reverse"] = [questionnaire.question(i).reverse for i in item_total["item"]]
        item_rows.append(item_total)
        reliability_rows.append({"scale": scale.id, "items": rel.items, "n": rel.n, "alpha": rel.alpha,
                                 "alpha_CI95_low": rel.alpha_ci[0], "alpha_CI95_high": rel.alpha_ci[1],
                                 "omega": rel.omega, "min_item_total_r": float(item_total["r"].min())})
        stats_rel[scale.id] = {"alpha": rel.alpha, "alpha_ci95": list(rel.alpha_ci), "omega": rel.omega,
                               "n_complete": rel.n, "items": rel.items}
    results.tables["reliability"] = pd.DataFrame(reliability_rows)
    results.tables["item_total"] = pd.concat(item_rows, ignore_index=True)
    results.statistics["reliability"] = stats_rel

    # Scale scores: descriptives and group comparisons
    scores = scale_scores(responses, questionnaire)
    scale_ids = [s.id for s in questionnaire.scales]
    descriptives = describe_by_group(scores, scale_ids, groups)
    small = descriptives["n"] < k
    descriptives.loc[small, ["M", "SD", "Mdn", "IQR"]] = float("nan")
    descriptives["suppressed"] = small & (descriptives["n"] > 0)
    descriptives["n"] = descriptives["n"].astype("float").where(~descriptives["suppressed"])
    results.tables["descriptives"] = descriptives
    comparisons, stats_cmp = [], {}
    if len(groups) == 2:
        g1, g2 = groups
        for scale_id in scale_ids:
            x = scores.loc[scores["group"] == g1, scale_id].dropna()
            y = scores.loc[scores["group"] == g2, scale_id].dropna()
            if len(x) < k or len(y) < k:
                continue
            c = compare_groups(x, y, study.report.group_test)
            comparisons.append({"scale": scale_id, "test": c.test, "n1": c.n1, "n2": c.n2,
                                "statistic": c.statistic, "df": c.df, "p": c.p, "effect": c.effect,
                                "effect_size": c.effect_size, "effect_CI95_low": c.effect_ci[0],
                                "effect_CI95_high": c.effect_ci[1]})
        if comparisons:
            table = pd.DataFrame(comparisons)
            table["p_holm"] = pg.multicomp(table["p"].to_numpy(), method="holm")[1]
            results.tables["comparisons"] = table
            stats_cmp = {row["scale"]: {k2: (None if isinstance(v, float) and v != v else v)
                                        for k2, v in row.items() if k2 != "scale"}
                         for row in table.to_dict("records")}
    results.statistics["comparisons"] = stats_cmp
    results.statistics["groups"] = groups

    # Categorical answers by group
    assoc_rows = []
    if len(groups) >= 2:
        for question in questionnaire.profile_questions():
            qid = question.id
            if question.type != "select_one" or qid == questionnaire.group_question:
                continue
            counts = choice_counts(responses, questionnaire, question, groups)
            if counts.to_numpy().sum() < k or (counts.sum(axis=1) > 0).sum() < 2:
                continue
            a = association(counts)
            assoc_rows.append({"question": qid, "test": a.test, "n": a.n, "statistic": a.statistic, "df": a.df,
                               "p": a.p, "cramers_v": a.cramers_v})
    results.tables["associations"] = pd.DataFrame(assoc_rows)
    results.statistics["associations"] = {r["question"]: {k2: v for k2, v in r.items() if k2 != "question"}
                                          for r in assoc_rows}

    # Likert distribution for the diverging bar figure (all respondents, raw answers, not reverse-keyed)
    likert_rows = []
    for scale in questionnaire.scales:
        for item in scale.items:
            question = questionnaire.question(item)
            values = [float(v) for v in questionnaire.choice_list(question).values()]
            answered = responses[item].dropna()
            shares = {v: 100 * float((answered == v).mean()) if len(answered) else 0.0 for v in values}
            likert_rows.append({"scale": scale.id, "item": item, "n": int(answered.size), **shares})
    results.likert = pd.DataFrame(likert_rows)
    return results
