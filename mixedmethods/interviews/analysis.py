"""The interview analysis of a study: everything the interview chapter reports, as frames and numbers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..disclosure import group_sizes, suppress_by_group
from ..store import connect

if TYPE_CHECKING:
    import pandas as pd

    from ..study import Study


@dataclass
class InterviewResults:
    """Tables (small cells suppressed), statistics, quotes and the co-occurrence matrix."""

    groups: list[str]
    min_cell_size: int
    tables: dict[str, "pd.DataFrame"] = field(default_factory=dict)
    statistics: dict[str, Any] = field(default_factory=dict)
    cooccurrence: "pd.DataFrame | None" = None
    quotes: "pd.DataFrame | None" = None


def _ids_under(code: Any) -> list[str]:
    """The id of ``code`` and of every code below it."""
    return [code.id] + [i for child in code.codes for i in _ids_under(child)]


def analyse_interviews(study: "Study") -> InterviewResults:
    """Quantify, check agreement and choose quotes for the interviews of ``study``.

    Tables: ``codebook`` (code, theme, label), ``frequencies`` (participants
    with each theme and code by group, suppressed below k), ``per_participant``
    (presence, frequency, coverage per pseudonymous participant and code),
    ``agreement`` (per code), ``cooccurrence`` (themes x themes, paragraphs).
    """
    import pandas as pd

    from .agreement import agreement_table
    from .quantify import code_by_group, code_by_participant, cooccurrence, with_themes
    from .quotes import choose_quotes
    from .units import load_segments, load_transcripts, reference_segments

    groups = list(study.groups)
    k = study.report.min_cell_size
    results = InterviewResults(groups, k)
    if not study.store_path.exists():
        return results
    conn = connect(study.store_path, create=False)
    try:
        transcripts = load_transcripts(conn)
        results.statistics["transcripts"] = int(len(transcripts))
        if transcripts.empty:
            results.statistics.update({"segments": 0, "interviewed": 0})
            return results  # a study without interviews needs no codebook
        codebook = study.codebook()
        segments = with_themes(load_segments(conn), codebook)
    finally:
        conn.close()
    # Groups of fewer than k interviewees are hidden. Their interviews stay in the chapter (themes and quotes are
    # its substance), so where one alone (or several with fewer than k together) could be had from a total,
    # the totals of people are what is suppressed: the number of interviewees and of transcripts, and each
    # code's all-groups count (mixedmethods.disclosure, "Groups").
    people = transcripts.drop_duplicates("participant_id")["group"].value_counts()
    sizes = group_sizes({g: int(people.get(g, 0)) for g in groups}, k)
    results.statistics["groups_hidden"] = sizes.hidden
    results.statistics["groups_left_out"] = sizes.left_out
    if sizes.left_out:
        results.statistics["transcripts"] = None
        results.statistics["transcripts_withheld"] = True
    reference = reference_segments(segments)
    themes = [theme.id for theme in codebook.codes]
    codes = codebook.ids()
    results.tables["codebook"] = pd.DataFrame(
        [{"code": c.id, "theme": codebook.theme_of(c.id), "level": 1 if parent is None else 2,
          **{f"label_{lang}": c.label.get(lang, "") for lang in codebook.languages},
          **{f"definition_{lang}": c.definition.get(lang, "") for lang in codebook.languages}}
         for c, parent in codebook.walk()])
    per_code = code_by_participant(reference, transcripts, "code_id")
    per_theme = code_by_participant(reference, transcripts, "theme")
    results.tables["per_participant"] = pd.concat([per_theme.assign(level="theme"), per_code.assign(level="code")],
                                                  ignore_index=True)
    frequencies = pd.concat([code_by_group(per_theme, transcripts, themes, groups).assign(level=1),
                             code_by_group(per_code, transcripts, [c for c in codes if c not in themes],
                                           groups).assign(level=2)], ignore_index=True)
    order = {code: index for index, code in enumerate(codes)}
    frequencies = frequencies.sort_values("code", key=lambda s: s.map(order), kind="stable").reset_index(drop=True)
    if sizes.left_out:
        frequencies["all_n"] = float("nan")
    results.tables["frequencies"] = suppress_by_group(frequencies, groups, sizes.hidden, k,
                                                      total=None if sizes.left_out else "all_n")
    results.statistics["interviewed_by_group"] = {g: sizes.shown(g) for g in groups}
    # The number of interviewees, withheld (None) when it is from 1 to k - 1 or would give back a hidden group.
    total = int(people.sum())
    results.statistics["interviewed"] = None if sizes.left_out or 0 < total < k else total
    # k or more, but not shown (it would give a hidden group back): the text says "several" then.
    results.statistics["interviewed_withheld"] = bool(sizes.left_out) and total >= k
    # The all-groups share of each code (of the interviewees, where their number may be shown), and the counts
    # and shares of the frequency table in results.json: the executive summary and recommendations quote them.
    interviewed = results.statistics["interviewed"]
    shown = results.tables["frequencies"]
    shown["all_pct"] = 100 * shown["all_n"] / interviewed if interviewed else float("nan")
    results.statistics["frequencies"] = {
        row["code"]: {key: (None if isinstance(v, float) and v != v else v) for key, v in row.items() if key != "code"}
        for row in shown.to_dict("records")}
    results.statistics["segments"] = int(len(segments))
    results.statistics["coders"] = sorted(segments["coder"].unique().tolist())
    matrix = cooccurrence(reference, transcripts, "theme").reindex(index=themes, columns=themes, fill_value=0)
    results.cooccurrence = matrix
    results.tables["cooccurrence"] = matrix.reset_index(names="theme")
    # A theme's row counts a paragraph when the theme or one of its codes was applied, as the counts above do.
    covers = {theme.id: _ids_under(theme) for theme in codebook.codes}
    agreement = agreement_table(segments, transcripts, codes, covers, study.interviews.min_agreement_units)
    results.tables["agreement"] = agreement
    if not agreement.empty:
        results.statistics["agreement"] = {
            row["code"]: {k2: (None if isinstance(v, float) and v != v else v) for k2, v in row.items()
                          if k2 != "code"} for row in agreement.to_dict("records")}
    results.quotes = choose_quotes(reference, themes, transcript_languages=dict(zip(transcripts["transcript_id"],
                                                                                    transcripts["language"])))
    results.tables["quotes"] = results.quotes
    return results
