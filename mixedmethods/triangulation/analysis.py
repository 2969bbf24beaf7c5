"""The triangulation of a study: coverage, statistics per construct, convergence matrix, joint displays."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..disclosure import group_sizes, shown_count

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
    statistics: dict[str, Any] = field(default_factory=dict)


def constructs_path(study: "Study"):
    path = study.root / "instruments" / "constructs.yaml"
    if path.is_file():
        return path
    from ..resources import instruments_dir

    return instruments_dir() / "constructs.yaml"


def analyse_triangulation(study: "Study") -> TriangulationResults:
    """Everything the triangulation chapter shows, from the store and constructs.yaml."""
    import pandas as pd

    from ..interviews.quantify import with_themes
    from ..interviews.units import load_segments, load_transcripts, reference_segments
    from ..store import connect
    from .constructs import load_constructs
    from ..power import effect_from_r
    from .convergence import MIN_POWER, convergence_matrix
    from .linkage import coverage_table, participant_frame
    from .statistics import construct_statistics

    groups = list(study.groups)
    k = study.report.min_cell_size
    results = TriangulationResults(groups, k)
    if not study.store_path.exists():
        return results
    path = constructs_path(study)
    constructs = load_constructs(path, study.questionnaire(), study.codebook(), display=study.relative(path))
    results.constructs = constructs
    frame = participant_frame(study, constructs)
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
        rows = []
        for source, indicator in construct.indicators.items():
            record: dict[str, Any] = {"source": source, "indicator": indicator.scale or indicator.item or
                                      indicator.metric or f"{indicator.measure}: {', '.join(indicator.codes)}",
                                      "direction": indicator.direction}
            # Medians of the indicator as measured (not oriented), withheld below k people; an absent source
            # is an all-NA column (pd.NA), hence to_numeric rather than astype(float).
            values = pd.to_numeric(frame[f"{construct.id}.{source}"], errors="coerce")
            for group in groups:
                own = values[frame["group"] == group].dropna()
                record[f"{group}_n"] = None if group in sizes.hidden else shown_count(len(own), k)
                record[f"{group}_median"] = float(own.median()) if record[f"{group}_n"] is not None and \
                    len(own) >= k else None
            found = comparisons[(comparisons["construct"] == construct.id) & (comparisons["source"] == source)]
            if not found.empty and found["p_holm"].notna().iloc[0]:
                row = found.iloc[0]
                record.update({key: row[key] for key in ("test", "groups", "k", "statistic", "df", "df2", "effect",
                                                         "effect_size", "effect_CI95_low", "effect_CI95_high",
                                                         "p_holm") if key in row.index})
            rows.append(record)
        results.joint[construct.id] = pd.DataFrame(rows)
    results.statistics = {
        "groups_hidden": sizes.hidden, "groups_left_out": sizes.left_out,
        "correlations": _records(correlations), "comparisons": _records(comparisons),
        "convergence": _records(matrix),
        # The rules' settings (mixedmethods.triangulation.convergence): SESOI as r, and the power called adequate.
        "smallest_effect": study.triangulation.smallest_effect, "min_power": MIN_POWER,
        "smallest_effect_by_metric": {kind: effect_from_r(study.triangulation.smallest_effect, kind)
                                      for kind in ("r_rb", "g", "epsilon2", "omega2")},
        "verdicts": ({v: int((matrix["verdict"] == v).sum()) for v in matrix["verdict"].unique()}
                     if not matrix.empty else {}),
    }
    if len(groups) < 2:
        results.statistics["comparisons_skipped"] = "one group"
    return results


def _choose_construct_quotes(results: TriangulationResults, constructs: list["Construct"],
                             reference: "pd.DataFrame", transcripts: "pd.DataFrame") -> None:
    """``quote_rows`` and ``quotes`` of each construct with an interview indicator, by the rule of
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
                           per_theme=QUOTES_PER_CONSTRUCT,
                           transcript_languages=dict(zip(transcripts["transcript_id"], transcripts["language"])))
    for construct_id, block in quotes.groupby("theme", sort=False):
        results.quote_rows[construct_id] = block[["participant_id", "group", "quote", "language"]].to_dict("records")
        first = block.iloc[0]
        results.quotes[construct_id] = f"{first['quote']} ({first['participant_id']})"


def _records(frame: "pd.DataFrame") -> list[dict[str, Any]]:
    from ..survey.analysis import json_ready

    return [{k: json_ready(v) for k, v in row.items()} for row in frame.to_dict("records")]
