"""The survey analysis of a study: everything the survey chapter reports, as frames and numbers.

:func:`analyse_survey` reads the store and returns a :class:`SurveyResults`
holding tidy tables (pandas DataFrames, small cells already suppressed) and
a JSON-ready dictionary of statistics. Report code formats these; it computes
nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..disclosure import PROTECTED, group_sizes, is_small, protect_line, suppression_mask
from ..store import connect

if TYPE_CHECKING:
    import pandas as pd

    from ..study import Study
    from .omnibus import Omnibus

SKIPPED_ONE_GROUP = "one group"
SKIPPED_SMALL_GROUPS = "fewer than two groups with at least k respondents"


@dataclass
class SurveyResults:
    """Tables and statistics of the survey chapter; see :func:`analyse_survey` for the keys."""

    groups: list[str]
    min_cell_size: int
    test: str
    tables: dict[str, "pd.DataFrame"] = field(default_factory=dict)
    statistics: dict[str, Any] = field(default_factory=dict)
    likert: "pd.DataFrame | None" = None  # item x answer level, % of respondents (for the figure)
    responses: "pd.DataFrame | None" = None  # every stored response, all groups: read once, reused by triangulation


def analyse_survey(study: "Study") -> SurveyResults:
    """Score, describe, test and tabulate the survey of ``study``.

    Tables: ``sample`` (respondents by group), ``profile`` (choice counts and %
    by group for the questionnaire's profile questions), ``reliability``,
    ``item_total``, ``descriptives`` (scale scores by group), ``comparisons``
    (one omnibus test per scale over the groups with at least k respondents,
    see :func:`~.omnibus.compare_k_groups`; Holm-adjusted over the scales),
    ``posthoc`` (pairs of groups per scale when three or more were compared),
    ``associations`` (profile answers by group: chi-square, Fisher's exact test
    for a sparse table, or a Monte Carlo p (``tables``, ``seed``) for a sparse
    table too large to enumerate; Cramér's V with its noncentral chi-square CI;
    ``p_holm`` over the association tests of the chapter).
    Counts are suppressed by :mod:`mixedmethods.disclosure` (under k, and
    complementary cells so that none comes back by subtraction); group
    statistics from fewer than k respondents are withheld, and a group left out
    (alone under k) counts in no total, pooled statistic or figure.

    Statistics (results.json): ``groups_tested`` (groups with at least k
    respondents, in study order), ``groups_excluded`` (groups with fewer),
    ``groups_hidden`` (groups from 1 to k - 1), ``groups_left_out`` (hidden
    groups left out of every total), ``associations_withheld`` (profile
    questions not tested because a tested group's count is hidden), and
    ``comparisons_skipped`` (``"one group"`` or ``"fewer than two groups with at
    least k respondents"``) when no group comparison could be made;
    ``comparisons`` maps each tested scale to its omnibus result and
    ``posthoc`` to its list of pairs.
    """
    import pandas as pd

    from .comparisons import association
    from .descriptives import choice_counts, describe_by_group
    from .reliability import corrected_item_total, scale_reliability
    from .responses import stored_responses
    from .scoring import keyed_items, scale_scores

    k = study.report.min_cell_size
    groups = list(study.groups)
    results = SurveyResults(groups, k, study.report.group_test)
    if study.questionnaire_path is None:  # a study without a questionnaire has no survey
        results.statistics["n"] = 0
        return results
    questionnaire = study.questionnaire()
    responses = stored_responses(study.store_path, questionnaire)
    results.responses = responses
    if responses.empty:
        results.statistics["n"] = 0
        return results

    # Sample. Groups under k are hidden; one alone (or several with fewer than k together) is left out of
    # every pooled number, so that the total cannot give it back (mixedmethods.disclosure, "Groups").
    counted = responses["group"].value_counts().reindex(groups, fill_value=0)
    sizes = group_sizes({g: int(counted[g]) for g in groups}, k)
    responses = responses[responses["group"].isin(sizes.pooled)].reset_index(drop=True)
    sample = counted.where(~counted.index.isin(sizes.left_out), 0)
    results.tables["sample"] = pd.DataFrame({"group": groups, "n": [sizes.shown(g) for g in groups]},
                                            columns=["group", "n"]).astype({"n": "float"})
    results.statistics["n"] = sizes.total
    results.statistics["n_by_group"] = {g: sizes.shown(g) for g in groups}
    results.statistics["groups_hidden"] = sizes.hidden
    results.statistics["groups_left_out"] = sizes.left_out
    if responses.empty:
        return results

    # Profile: answer counts by group, each group's column a line whose total (its n) is published.
    profile_rows = []
    # Profile questions with answer choices (a team may mark e.g. an integer question as profile; it has no counts).
    profile_questions = [q for q in questionnaire.profile_questions()
                         if q.id != questionnaire.group_question and q.choices is not None]
    shown_groups = [g for g in groups if g not in sizes.hidden]
    hidden_cells: dict[str, bool] = {}  # question -> a tested group's cell is hidden (no association test then)
    for question in profile_questions:
        qid = question.id
        counts = choice_counts(responses, questionnaire, question, groups)
        mask = profile_mask(counts[shown_groups], {g: int(sample[g]) for g in shown_groups}, k,
                            exclusive=question.type == "select_one")
        hidden_cells[qid] = bool(mask.to_numpy().any())
        for value, row in counts.iterrows():
            record: dict[str, Any] = {"question": qid, "value": value,
                                      PROTECTED: ", ".join(g for g in shown_groups if mask.loc[value, g]
                                                           and not is_small(row[g], k))}
            for g in groups:
                total = int(sample[g])
                shown = None if (g in sizes.hidden or mask.loc[value, g]) else int(row[g])
                record[f"{g}_n"] = shown
                record[f"{g}_pct"] = (100 * row[g] / total) if (shown is not None and total) else None
            profile_rows.append(record)
    profile_columns = ["question", "value", *[f"{g}_{x}" for g in groups for x in ("n", "pct")], PROTECTED]
    results.tables["profile"] = pd.DataFrame(profile_rows, columns=profile_columns)

    # Reliability and item-total correlations
    reliability_rows, item_rows, stats_rel = [], [], {}
    for scale in questionnaire.scales:
        items = keyed_items(responses, questionnaire, scale)
        rel = scale_reliability(items)
        item_total = corrected_item_total(items)
        item_total.insert(0, "scale", scale.id)
        item_total["reverse"] = [questionnaire.question(i).reverse for i in item_total["item"]]
        item_rows.append(item_total)
        # n: the complete cases on which alpha, its CI and omega were all computed (reliability module docstring).
        reliability_rows.append({"scale": scale.id, "items": rel.items, "n": rel.n, "alpha": rel.alpha,
                                 "alpha_CI95_low": rel.alpha_ci[0], "alpha_CI95_high": rel.alpha_ci[1],
                                 "omega": rel.omega, "omega_CI95_low": rel.omega_ci[0],
                                 "omega_CI95_high": rel.omega_ci[1], "omega_resamples": rel.omega_resamples,
                                 "min_item_total_r": float(item_total["r"].min())})
        stats_rel[scale.id] = {"alpha": rel.alpha, "alpha_ci95": list(rel.alpha_ci), "omega": json_ready(rel.omega),
                               "omega_ci95": [json_ready(v) for v in rel.omega_ci],
                               "omega_resamples": rel.omega_resamples, "n_complete": rel.n, "items": rel.items}
    results.tables["reliability"] = pd.DataFrame(reliability_rows)
    results.tables["item_total"] = pd.concat(item_rows, ignore_index=True)
    results.statistics["reliability"] = stats_rel

    # Scale scores: descriptives and group comparisons
    scores = scale_scores(responses, questionnaire)
    scale_ids = [s.id for s in questionnaire.scales]
    descriptives = describe_by_group(scores, scale_ids, groups)
    descriptives["suppressed"] = descriptive_mask(descriptives, sizes.hidden, sizes.left_out, k)
    # The all row hidden only so that a group's n cannot be had by subtraction (shown "x", not "< k").
    descriptives["protected"] = descriptives["suppressed"] & (descriptives["group"] == "all") & \
        (descriptives["n"] >= k)
    descriptives.loc[descriptives["suppressed"] | (descriptives["n"] < k), ["M", "SD", "Mdn", "IQR"]] = float("nan")
    descriptives["n"] = descriptives["n"].astype("float").where(~descriptives["suppressed"])
    results.tables["descriptives"] = descriptives
    # Every number the chapter prints comes from results.json: scale scores by group (withheld ones as null).
    results.statistics["descriptives"] = {
        scale: {row["group"]: {key: json_ready(row[key]) for key in ("n", "M", "SD", "Mdn", "IQR")}
                for row in block.to_dict("records")}
        for scale, block in descriptives.groupby("variable", sort=False)}
    tested = sizes.tested
    results.statistics["groups"] = groups
    results.statistics["groups_tested"] = tested
    results.statistics["groups_excluded"] = [g for g in groups if g not in tested]
    if len(groups) < 2 or len(tested) < 2:
        results.statistics["comparisons_skipped"] = SKIPPED_ONE_GROUP if len(groups) < 2 else SKIPPED_SMALL_GROUPS
    comparisons, posthoc = compare_scales(scores, scale_ids, tested, study.report.group_test, k)
    results.tables["comparisons"] = comparisons
    results.statistics["comparisons"] = {
        row["scale"]: {key: json_ready(value) for key, value in row.items() if key != "scale"}
        for row in comparisons.to_dict("records")}
    results.statistics["posthoc"] = {
        scale: [{key: json_ready(value) for key, value in row.items() if key != "scale"}
                for row in block.to_dict("records")]
        for scale, block in posthoc.groupby("scale", sort=False)} if not posthoc.empty else {}

    # Categorical answers by group
    assoc_rows: list[dict[str, Any]] = []
    withheld_associations: list[str] = []
    if len(tested) >= 2:
        for question in profile_questions:
            qid = question.id
            if question.type != "select_one":
                continue
            counts = choice_counts(responses, questionnaire, question, tested)
            if counts.to_numpy().sum() < k or (counts.sum(axis=1) > 0).sum() < 2 or (counts.sum(axis=0) > 0).sum() < 2:
                continue
            if hidden_cells.get(qid):
                # With the margins published, the statistic of a table with a hidden cell would give it back.
                withheld_associations.append(qid)
                continue
            a = association(counts)
            assoc_rows.append({"question": qid, "test": a.test, "n": a.n, "statistic": a.statistic, "df": a.df,
                               "p": a.p, "cramers_v": a.cramers_v, "cramers_v_CI95_low": a.cramers_v_ci[0],
                               "cramers_v_CI95_high": a.cramers_v_ci[1], "tables": a.tables, "seed": None if a.seed is None else str(a.seed),
                               "groups": ", ".join(tested)})
    # Holm over the family of this chapter's association tests (one per profile question tested).
    if assoc_rows:
        import pingouin as pg

        for row, adjusted in zip(assoc_rows, pg.multicomp([r["p"] for r in assoc_rows], method="holm")[1]):
            row["p_holm"] = float(adjusted)
    results.tables["associations"] = pd.DataFrame(assoc_rows, columns=list(ASSOCIATION_COLUMNS))
    results.statistics["associations_withheld"] = withheld_associations
    results.tables["posthoc"] = posthoc  # after associations: the first sheets of tables.xlsx keep their order
    results.statistics["associations"] = {r["question"]: {key: json_ready(v) for key, v in r.items()
                                                           if key != "question"} for r in assoc_rows}

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
    analyse_survey_quality(results, study, questionnaire, responses, sizes)
    return results


def profile_mask(counts: "pd.DataFrame", group_n: dict[str, int], k: int, exclusive: bool) -> "pd.DataFrame":
    """Hidden answer counts (answers x groups): under k, and complementary within each group's column.

    For a select_one question a group's answers and its unanswered count (never shown) add up to the
    group's published n: that column is a line of :func:`~mixedmethods.disclosure.protect_line`, the
    unanswered count standing as an already hidden cell. Choices of a select_multiple question do not add
    up to anything, so only counts under k are hidden.
    """
    import pandas as pd

    mask = pd.DataFrame(False, index=counts.index, columns=counts.columns)
    if counts.empty:
        return mask
    primary, _, _ = suppression_mask(counts, k, row_totals=False, column_totals=False)
    mask |= primary
    if not exclusive:
        return mask
    for g in counts.columns:
        line = [float(v) for v in counts[g]] + [float(group_n[g] - counts[g].sum())]
        hidden = {i for i, h in enumerate(mask[g]) if h} | {len(line) - 1}
        chosen, total_hidden = protect_line(line, hidden, k) if len(hidden) > 1 else (hidden, False)
        for i in chosen:
            if i < len(counts):
                mask.iloc[i, mask.columns.get_loc(g)] = True
        if total_hidden:  # the group's n is published: hide its whole column instead
            mask[g] = True
    return mask


def descriptive_mask(descriptives: "pd.DataFrame", hidden_groups: list[str], left_out: list[str],
                     k: int) -> "pd.Series":
    """Rows of the scale descriptives to withhold: hidden groups, n under k, and the "all" row when a
    withheld group's n could be had by subtracting the shown groups' n from it (the total is suppressed).
    Groups left out are in no total (their rows are empty), so they are not part of that subtraction."""
    withheld = descriptives["group"].isin(hidden_groups) | ((descriptives["n"] > 0) & (descriptives["n"] < k))
    for _, block in descriptives.groupby("variable", sort=False):
        cells = block[(block["group"] != "all") & ~block["group"].isin(left_out)]
        hidden = [float(n) for index, n in zip(cells.index, cells["n"]) if withheld[index]]
        if hidden and (len(hidden) == 1 or sum(hidden) < k):
            withheld[block.index[block["group"] == "all"]] = True
    return withheld


ASSOCIATION_COLUMNS = ("question", "test", "n", "statistic", "df", "p", "p_holm", "cramers_v", "cramers_v_CI95_low",
                       "cramers_v_CI95_high", "tables", "seed", "groups")
COMPARISON_COLUMNS = ("scale", "test", "groups", "k", "n", "n1", "n2", "statistic", "df", "df2", "p", "effect",
                      "effect_size", "effect_CI95_low", "effect_CI95_high", "ci_method", "detectable_effect", "p_holm")


def detectable(omnibus: "Omnibus") -> float:
    """The smallest effect (in the test's own metric) the comparison had 80% power to detect, two-sided, alpha .05.

    A sensitivity analysis (Cohen, 1988; Noether, 1987 for r_rb): it depends only on the group sizes, so unlike
    a post hoc power from the observed effect it says what a non-significant result can and cannot rule out.
    """
    from ..power import detectable_effect, detectable_effect_k_groups

    if omnibus.k == 2:
        return detectable_effect(omnibus.n[0], omnibus.n[1], omnibus.effect)
    return detectable_effect_k_groups(list(omnibus.n), omnibus.effect)


def compare_scales(scores: "pd.DataFrame", scale_ids: list[str], groups: list[str], test: str,
                   k: int) -> tuple["pd.DataFrame", "pd.DataFrame"]:
    """One omnibus comparison per scale over ``groups`` and, for three or more groups, the post hoc pairs.

    Per scale, only groups with at least ``k`` scale scores are compared (the
    ``groups`` column lists them, comma-separated); a scale with fewer than two
    such groups is not tested. ``p_holm`` is Holm's adjustment over the
    scales. ``n1``/``n2`` are the two group sizes when two groups were compared
    (NA otherwise). Returns (comparisons, posthoc), both possibly empty, with
    the columns :data:`COMPARISON_COLUMNS` and ``scale`` +
    :data:`~.omnibus.POSTHOC_COLUMNS`.
    """
    import pandas as pd
    import pingouin as pg

    from .omnibus import POSTHOC_COLUMNS, compare_k_groups

    rows, pairs = [], []
    for scale_id in scale_ids:
        samples = {g: scores.loc[scores["group"] == g, scale_id].dropna().astype(float).to_numpy() for g in groups}
        samples = {g: v for g, v in samples.items() if len(v) >= k}
        omnibus, posthoc = compare_k_groups(samples, test)
        if omnibus is None:
            continue
        two = omnibus.k == 2
        rows.append({"scale": scale_id, "test": omnibus.test, "groups": ", ".join(omnibus.groups), "k": omnibus.k,
                     "n": sum(omnibus.n), "n1": omnibus.n[0] if two else None, "n2": omnibus.n[1] if two else None,
                     "statistic": omnibus.statistic, "df": omnibus.df, "df2": omnibus.df2, "p": omnibus.p,
                     "effect": omnibus.effect, "effect_size": omnibus.effect_size,
                     "effect_CI95_low": omnibus.effect_ci[0], "effect_CI95_high": omnibus.effect_ci[1],
                     "ci_method": omnibus.ci_method, "detectable_effect": detectable(omnibus)})
        if not posthoc.empty:
            pairs.append(posthoc.assign(scale=scale_id))
    table = pd.DataFrame(rows, columns=[c for c in COMPARISON_COLUMNS if c != "p_holm"])
    table["p_holm"] = pg.multicomp(table["p"].to_numpy(dtype=float), method="holm")[1] if len(table) else []
    posthoc_table = (pd.concat(pairs, ignore_index=True) if pairs else pd.DataFrame(columns=list(POSTHOC_COLUMNS)))
    posthoc_table = posthoc_table.reindex(columns=["scale", *POSTHOC_COLUMNS])
    return table, posthoc_table


def json_ready(value: Any) -> Any:
    """JSON-ready: NaN -> None, numpy scalars -> Python numbers."""
    if value is None:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and value != value:
        return None
    return value


def analyse_survey_quality(results: SurveyResults, study: "Study", questionnaire: Any, responses: "pd.DataFrame",
                           sizes: Any) -> None:
    """Add what a reviewer asks of a survey: response rate, item non-response, one-factor fit per scale and,
    with ``survey: reliability: ordinal``, ordinal alpha.

    Tables: ``response_rate`` (:func:`~.response_rate.response_rates`), ``item_nonresponse``
    (:func:`~.response_rate.item_nonresponse`), ``scale_fit`` (:data:`~.factor_fit.FIT_COLUMNS`, plus
    ``ordinal_alpha`` when asked). Statistics (results.json): ``response_rate`` (``definition``,
    ``not_computed`` = the reason or None, ``unlisted_respondents``, ``by_group`` with ``all`` last),
    ``item_nonresponse`` (question -> counts and %), ``item_nonresponse_summary`` (``questions``,
    ``without_missing``, ``withheld``, ``largest_missing_pct`` and its question among the rows shown),
    ``scale_fit`` (scale -> fit or ``not_estimable``), ``scale_fit_summary`` (``fitted`` scales and those
    ``meeting_cutoffs`` of Hu & Bentler, 1999),
    ``reliability_treatment`` (``pearson`` or ``ordinal``) and, when ordinal, ``ordinal_alpha`` in each
    scale's ``reliability`` entry. ``responses`` are those of the pooled groups.
    """
    import pandas as pd

    from ..disclosure import shown_count
    from .factor_fit import FIT_COLUMNS, one_factor_fit
    from .ordinal import ordinal_alpha
    from .response_rate import DEFINITION, NOBODY_LISTED, item_nonresponse, listed_people, response_rates, \
        unlisted_respondents
    from .scoring import keyed_items

    k = study.report.min_cell_size
    conn = connect(study.store_path, create=False)
    try:
        people, unlisted = listed_people(conn), unlisted_respondents(conn)
    finally:
        conn.close()
    rates = response_rates(people, list(study.groups), sizes.hidden, sizes.left_out, k)
    results.tables["response_rate"] = rates
    results.statistics["response_rate"] = {
        "definition": DEFINITION, "not_computed": NOBODY_LISTED if people.empty else None,
        "unlisted_respondents": shown_count(unlisted, k),
        "by_group": {r["group"]: {key: json_ready(r[key]) for key in ("listed", "respondents", "rate_pct", "withheld")}
                     for r in rates.to_dict("records")}}
    items = item_nonresponse(responses, questionnaire, k)
    results.tables["item_nonresponse"] = items
    results.statistics["item_nonresponse"] = {
        r["question"]: {key: json_ready(value) for key, value in r.items() if key != "question"}
        for r in items.to_dict("records")}
    shown = items[items["missing_pct"].notna()]
    worst = shown.loc[shown["missing_pct"].idxmax()] if len(shown) else None
    results.statistics["item_nonresponse_summary"] = {
        "questions": len(items), "without_missing": int((shown["missing"] == 0).sum()),
        "withheld": int(items["missing"].isna().sum()),
        "largest_missing_pct": None if worst is None else float(worst["missing_pct"]),
        "largest_missing_question": None if worst is None else worst["question"]}

    ordinal = study.survey.reliability == "ordinal"
    results.statistics["reliability_treatment"] = study.survey.reliability
    fit_rows = []
    for scale in questionnaire.scales:
        keyed = keyed_items(responses, questionnaire, scale)
        row = {"scale": scale.id, **one_factor_fit(keyed).record()}
        if ordinal:
            row["ordinal_alpha"] = ordinal_alpha(keyed)
            results.statistics.setdefault("reliability", {}).setdefault(scale.id, {})["ordinal_alpha"] = \
                json_ready(row["ordinal_alpha"])
        fit_rows.append(row)
    columns = [*FIT_COLUMNS, *(["ordinal_alpha"] if ordinal else [])]
    results.tables["scale_fit"] = pd.DataFrame(fit_rows, columns=columns)
    results.statistics["scale_fit"] = {
        r["scale"]: {key: json_ready(value) for key, value in r.items() if key != "scale"} for r in fit_rows}
    fitted = [r for r in fit_rows if r["not_estimable"] is None]
    results.statistics["scale_fit_summary"] = {"fitted": len(fitted),
                                               "meeting_cutoffs": sum(not r["cutoffs_not_met"] for r in fitted)}
