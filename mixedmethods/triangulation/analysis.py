"""The triangulation of a study: coverage, statistics per construct, convergence matrix, joint displays."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..disclosure import group_sizes

if TYPE_CHECKING:
    import pandas as pd

    from ..study import Study
    from .constructs import Construct


QUOTES_PER_CONSTRUCT = 2  # a construct's voices: two participants, of two groups where there are two


@dataclass
class TriangulationResults:
    """Plain results: frames for the report to render and statistics for results.json."""

    groups: list[str]
    min_cell_size: int
    constructs: list["Construct"] = field(default_factory=list)
    frame: "pd.DataFrame | None" = None  # participant level, pseudonymous
    tables: dict[str, "pd.DataFrame"] = field(default_factory=dict)
    joint: dict[str, "pd.DataFrame"] = field(default_factory=dict)  # construct -> joint display
    quotes: dict[str, str] = field(default_factory=dict)  # construct -> one pseudonymised quote
    # construct -> quotes (participant_id, group, quote, language) from different participants, the first one is
    # ``quotes``; chosen for all constructs together so that no participant dominates the displays.
    quote_rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # construct -> candidate quotes (choose_quotes' frame: participant_id, group, quote, segment_id[, language])
    quote_candidates: dict[str, "pd.DataFrame"] = field(default_factory=dict)
    statistics: dict[str, Any] = field(default_factory=dict)


QUOTE_CANDIDATES = 4  # quotes chosen per construct, so each display can take one per participant
JOINT_COLUMNS = ["family", "construct", "source", "indicator", "direction", "summary", "finding", "highest",
                 "effect", "effect_size", "effect_CI95_low", "effect_CI95_high", "p_holm", "meta_inference",
                 "meta_rule", "quote_participant"]


def constructs_path(study: "Study"):
    path = study.root / "instruments" / "constructs.yaml"
    if path.is_file():
        return path
    from ..resources import instruments_dir

    return instruments_dir() / "constructs.yaml"


def analyse_triangulation(study: "Study", sources: dict[str, Any] | None = None) -> TriangulationResults:
    """Everything the triangulation chapter shows, from the store and constructs.yaml.

    ``sources``: this build's survey, interview and chat results (``analyse_all`` passes them), whose survey
    responses and per-person chat metrics the linked frame reuses instead of computing them again.
    """
    import pandas as pd

    from ..interviews.quantify import with_themes
    from ..interviews.units import load_segments, load_transcripts, reference_segments
    from ..store import connect
    from .constructs import load_constructs
    from ..power import effect_from_r
    from .convergence import MIN_POWER, convergence_matrix
    from .meta_inference import meta_inferences
    from .linkage import coverage_shares, coverage_table, participant_frame
    from .statistics import construct_statistics

    groups = list(study.groups)
    k = study.report.min_cell_size
    results = TriangulationResults(groups, k)
    if not study.store_path.exists():
        return results
    path = constructs_path(study)
    constructs = load_constructs(path, study.questionnaire(), study.codebook(), display=study.relative(path))
    results.constructs = constructs
    frame = participant_frame(study, constructs, sources)
    results.frame = frame  # every participant: the participant-level export (private unless k-anonymous)
    # Groups of fewer than k participants are hidden; one alone is left out of every pooled number.
    sizes = group_sizes({g: int((frame["group"] == g).sum()) for g in groups}, k)
    results.tables["coverage"] = coverage_table(frame, groups, k, sizes.hidden)
    frame = frame[~frame["group"].isin(sizes.left_out)].reset_index(drop=True)
    correlations, comparisons = construct_statistics(frame, constructs, groups, study.report.group_test, k)
    matrix = convergence_matrix(constructs, correlations, comparisons, study.triangulation.smallest_effect)
    results.tables.update({"correlations": correlations, "comparisons": comparisons, "convergence": matrix})
    conn = connect(study.store_path, create=False)
    try:
        segments = with_themes(load_segments(conn), study.codebook())
        transcripts = load_transcripts(conn)
    finally:
        conn.close()
    reference = reference_segments(segments) if not segments.empty else segments
    _choose_construct_quotes(results, constructs, reference, transcripts)
    for construct in constructs:
        results.joint[construct.id] = joint_rows(frame, construct, comparisons, groups, k, sizes.hidden,
                                                 study.triangulation.smallest_effect)
    inferences = meta_inferences(matrix, [c.id for c in constructs])
    results.tables["joint_display"] = joint_display_table(results, inferences, study.languages[0])
    results.statistics = {
        "groups_hidden": sizes.hidden, "groups_left_out": sizes.left_out,
        "correlations": _records(correlations), "comparisons": _records(comparisons),
        "convergence": _records(matrix),
        # Fetters et al. (2013) integration outcome per construct (mixedmethods.triangulation.meta_inference).
        "meta_inferences": _records(inferences),
        # The rules' settings (mixedmethods.triangulation.convergence): SESOI as r, and the power called adequate.
        "smallest_effect": study.triangulation.smallest_effect, "min_power": MIN_POWER,
        "smallest_effect_by_metric": {kind: effect_from_r(study.triangulation.smallest_effect, kind)
                                      for kind in ("r_rb", "g", "epsilon2", "omega2")},
        "verdicts": ({v: int((matrix["verdict"] == v).sum()) for v in matrix["verdict"].unique()}
                     if not matrix.empty else {}),
        # The limitations' coverage shares (None when a cell of the coverage table is withheld).
        "participants_by_source": coverage_shares(results.tables["coverage"]),
    }
    if len(groups) < 2:
        results.statistics["comparisons_skipped"] = "one group"
    return results


def _choose_construct_quotes(results: TriangulationResults, constructs: list["Construct"],
                             reference: "pd.DataFrame", transcripts: "pd.DataFrame") -> None:
    """``quote_candidates``, ``quote_rows`` and ``quotes`` of each construct with an interview indicator, by the rule of
    :mod:`mixedmethods.interviews.quotes` over the segments of the construct's codes (or themes)."""
    import pandas as pd

    from ..interviews.quotes import choose_quotes

    with_interviews = [c for c in constructs if "interviews" in c.indicators]
    if reference.empty or not with_interviews:
        return
    pools = []
    for construct in with_interviews:
        wanted = set(construct.indicators["interviews"].codes)
        pools.append(reference[reference["code_id"].isin(wanted) | reference["theme"].isin(wanted)]
                     .assign(theme=construct.id))
    quotes = choose_quotes(pd.concat(pools, ignore_index=True), [c.id for c in with_interviews],
                           per_theme=QUOTE_CANDIDATES,
                           transcript_languages=dict(zip(transcripts["transcript_id"], transcripts["language"])))
    for construct_id, block in quotes.groupby("theme", sort=False):
        # Candidates in the rule's order: a joint display takes the first whose participant it has not quoted yet.
        results.quote_candidates[construct_id] = block.reset_index(drop=True)
        results.quote_rows[construct_id] = block[["participant_id", "group", "quote", "language"]] \
            .head(QUOTES_PER_CONSTRUCT).to_dict("records")
        first = block.iloc[0]
        results.quotes[construct_id] = f"{first['quote']} ({first['participant_id']})"
def joint_rows(frame: "pd.DataFrame", construct: "Construct", comparisons: "pd.DataFrame", groups: list[str],
               k: int, hidden: list[str], smallest_effect: float) -> "pd.DataFrame":
    """The joint display rows of one construct: one row per source with an indicator.

    Columns: ``source``, ``indicator`` (the instrument id it reads), ``direction``, ``summary``
    (``median``, or ``percent`` for an interview presence measure: the share of the group's interviewees
    who raised the codes, as the median of a 0/1 measure says nothing), per group ``<group>_n`` (people with
    a value, None under k), ``<group>_median`` and ``<group>_value`` (the summary; None under k people, and
    a percent whose count is from 1 to k - 1), the comparison's ``test`` ... ``p_holm`` where a test was made,
    ``finding`` (``more_in``: the source shows a difference and ``highest`` names the group with the highest
    location on the oriented indicator; ``equivalent``: equivalent to no difference; ``unclear``: neither;
    ``not_tested``) read by :func:`.convergence.read_comparison` against the smallest effect of interest.
    """
    import pandas as pd

    from ..disclosure import is_small, shown_count
    from .convergence import read_comparison

    rows = []
    for source, indicator in construct.indicators.items():
        record: dict[str, Any] = {"source": source, "indicator": indicator.scale or indicator.item or
                                  indicator.metric or f"{indicator.measure}: {', '.join(indicator.codes)}",
                                  "direction": indicator.direction,
                                  "summary": "percent" if indicator.measure == "presence" else "median"}
        # Values of the indicator as measured (not oriented), withheld below k people; an absent source
        # is an all-NA column (pd.NA), hence to_numeric rather than astype(float).
        values = pd.to_numeric(frame[f"{construct.id}.{source}"], errors="coerce") \
            if f"{construct.id}.{source}" in frame else pd.Series(dtype=float)
        for group in groups:
            own = values[frame["group"] == group].dropna() if len(values) else values
            record[f"{group}_n"] = None if group in hidden else shown_count(len(own), k)
            shown = record[f"{group}_n"] is not None and len(own) >= k
            record[f"{group}_median"] = float(own.median()) if shown else None
            if record["summary"] == "percent":
                raised = int((own > 0).sum())
                record[f"{group}_value"] = 100 * raised / len(own) if shown and not is_small(raised, k) else None
            else:
                record[f"{group}_value"] = record[f"{group}_median"]
        found = comparisons[(comparisons["construct"] == construct.id) & (comparisons["source"] == source)] \
            if {"construct", "source"} <= set(comparisons.columns) else comparisons.iloc[0:0]
        record["finding"], record["highest"] = "not_tested", None
        if not found.empty and found["p_holm"].notna().iloc[0]:
            row = found.iloc[0]
            record.update({key: row[key] for key in ("test", "groups", "k", "statistic", "df", "df2", "effect",
                                                     "effect_size", "effect_CI95_low", "effect_CI95_high",
                                                     "p_holm") if key in row.index})
            clean = {key: value for key, value in row.to_dict().items() if not _absent(value)}
            reading = read_comparison(clean, smallest_effect)
            locations = {key[len("location."):]: value for key, value in clean.items() if key.startswith("location.")}
            if reading.shows and locations:
                record["finding"], record["highest"] = "more_in", max(locations, key=locations.get)
            else:
                record["finding"] = "equivalent" if reading.equivalent else "unclear"
        rows.append(record)
    return pd.DataFrame(rows)


def display_quotes(constructs: list[str], candidates: dict[str, "pd.DataFrame"]) -> dict[str, dict]:
    """One quote per construct of a joint display, each participant quoted at most once in the display.

    Constructs are served in display order; each takes its first candidate (the order of
    :func:`mixedmethods.interviews.quotes.choose_quotes`) whose participant is not yet quoted in the display.
    A construct whose every candidate is taken gets none. Returns construct -> the candidate row as a dict.

    >>> import pandas as pd
    >>> c = {"a": pd.DataFrame({"participant_id": ["P1", "P2"], "quote": ["x", "y"]}),
    ...      "b": pd.DataFrame({"participant_id": ["P1"], "quote": ["z"]})}
    >>> {k: v["quote"] for k, v in display_quotes(["a", "b"], c).items()}
    {'a': 'x'}
    """
    chosen: dict[str, dict] = {}
    quoted: set[str] = set()
    for construct in constructs:
        frame = candidates.get(construct)
        if frame is None:
            continue
        for row in frame.to_dict("records"):
            if row["participant_id"] not in quoted:
                chosen[construct] = row
                quoted.add(row["participant_id"])
                break
    return chosen


def _absent(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def joint_display_table(results: TriangulationResults, inferences: "pd.DataFrame", language: str) -> "pd.DataFrame":
    """One row per construct and source (:data:`JOINT_COLUMNS` plus ``<group>_value``), for tables.xlsx:
    the joint displays' numbers with each construct's family (in ``language``) and meta-inference."""
    import pandas as pd

    from .constructs import families

    by_construct = inferences.set_index("construct") if not inferences.empty else inferences
    quoted: dict[str, dict] = {}
    for _, members in families(results.constructs):
        quoted.update(display_quotes([c.id for c in members], results.quote_candidates))
    frames = []
    for construct in results.constructs:
        rows = results.joint.get(construct.id)
        if rows is None or rows.empty:
            continue
        rows = rows.copy()
        rows.insert(0, "construct", construct.id)
        rows.insert(0, "family", (construct.family or {}).get(language) or next(iter((construct.family or {})
                                                                                     .values()), ""))
        found = construct.id in getattr(by_construct, "index", [])
        rows["meta_inference"] = by_construct.loc[construct.id, "meta_inference"] if found else "none"
        rows["meta_rule"] = by_construct.loc[construct.id, "rule"] if found else "nothing_to_integrate"
        quote = quoted.get(construct.id)
        rows["quote_participant"] = None if quote is None else quote["participant_id"]
        frames.append(rows)
    columns = [*JOINT_COLUMNS[:6], *[f"{g}_value" for g in results.groups], *JOINT_COLUMNS[6:]]
    if not frames:
        return pd.DataFrame(columns=columns)
    table = pd.concat(frames, ignore_index=True)
    for column in columns:
        if column not in table:
            table[column] = None
    return table[columns]


def _records(frame: "pd.DataFrame") -> list[dict[str, Any]]:
    from ..survey.analysis import json_ready

    return [{k: json_ready(v) for k, v in row.items()} for row in frame.to_dict("records")]
