"""Intercoder agreement per code, at the paragraph level (see :mod:`.units`), with the base it rests on.

For every transcript coded by two or more coders, each paragraph is a unit
and each coder's judgement is 1 (applied the code) or 0. Every code of the
codebook gets a row, in codebook order, and a pooled row (``all``) closes the
table. Per row:

* ``units``: paragraphs of the double-coded transcripts; ``units_coded_any``
  and ``units_coded_all``: paragraphs to which any coder, and every coder of
  the transcript, applied the code (with two coders: either and both);
* ``percent_agreement``: share of units on which all coders agree;
* Cohen's kappa (two coders per transcript; with more, the first two in
  alphabetical order) and Krippendorff's alpha (nominal, all coders), each
  with a 95% unit-bootstrap percentile interval (:mod:`.reliability`): the
  paragraphs are resampled with all their judgements, ``resamples`` times,
  from a seed derived from the data's content, so the same coding gives the
  same interval in any row order;
* ``kappa_note`` / ``alpha_note``: why a value or interval is not given -
  ``not_applied`` (no coder applied the code in the double-coded
  transcripts), ``one_coder`` (one coder of the pair never applied it, so
  kappa is 0 by construction and no resample can differ), ``everywhere``
  (every coder applied it to every unit: no variation), ``perfect`` (the
  coders agreed on every unit: every resample gives 1), ``no_spread`` (the
  resamples did not vary for another reason);
* ``thin``: fewer than ``min_units`` paragraphs were coded by any coder, too
  few to read the coefficients.

A theme row (a code with sub-codes) counts a paragraph as coded with the
theme when the theme or one of its codes was applied to it, as the counts of
the chapter do. The pooled row pools the decisions (paragraph x code) of the
codes that at least one coder applied directly, so codes nobody used do not
inflate it; its bootstrap resamples paragraphs, so the decisions on one
paragraph stay together.

Interpretation: kappa by Landis & Koch (1977) - below .00 poor, .00-.20
slight, .21-.40 fair, .41-.60 moderate, .61-.80 substantial, .81-1.00 almost
perfect; alpha by Krippendorff (2004) - at least .800 reliable, .667 to .800
for tentative conclusions only, below .667 unreliable. Kappa depends on how
often a code is used: a rare code can show high agreement and a low kappa
(Feinstein & Cicchetti, 1990), which is why the counts stand beside it.

References
----------
Feinstein, A. R., & Cicchetti, D. V. (1990). High agreement but low kappa: I. The
problems of two paradoxes. *Journal of Clinical Epidemiology*, 43(6), 543-549.
Krippendorff, K. (2004). *Content analysis: An introduction to its methodology*
(2nd ed.). Sage.
Landis, J. R., & Koch, G. G. (1977). The measurement of observer agreement for
categorical data. *Biometrics*, 33(1), 159-174.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Mapping, Sequence

from ..survey.omnibus import BOOTSTRAP_RESAMPLES
from .reliability import (alpha_counts, alpha_from_counts, alpha_label, cohens_kappa, kappa_cells,
                          kappa_from_cells, kappa_label, kappa_with_ci, krippendorff_alpha, percentile_interval,
                          replicates, resample_weights)
from .units import applied, paragraphs

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = ["MIN_UNITS", "agreement_table", "alpha_label", "kappa_label", "kappa_with_ci", "krippendorff_alpha"]

MIN_UNITS = 10  # default thin-code threshold: paragraphs coded by any coder (study.yaml interviews.min_agreement_units)


def _judgements(segments: "pd.DataFrame", transcripts: "pd.DataFrame", codes: list[str], multi: list,
                coders: list[str]) -> tuple["np.ndarray", "np.ndarray"]:
    """Units x codes x coders judgements (1, 0, NaN where the coder did not code the transcript), and per unit
    the indexes of the two coders that kappa compares."""
    import numpy as np

    texts = transcripts.set_index("transcript_id")["text"]
    index = {code: i for i, code in enumerate(codes)}
    blocks, pairs = [], []
    for transcript_id in multi:
        units = paragraphs(texts[transcript_id])
        own = segments[segments["transcript_id"] == transcript_id]
        present = sorted(own["coder"].unique())
        block = np.full((len(units), len(codes), len(coders)), np.nan)
        for coder in present:
            column = coders.index(coder)
            block[:, :, column] = 0.0
            for unit, code in applied(own[own["coder"] == coder], units):
                if code in index:
                    block[unit, index[code], column] = 1.0
        blocks.append(block)
        pairs += [(coders.index(present[0]), coders.index(present[1]))] * len(units)
    return np.concatenate(blocks), np.asarray(pairs, dtype=int).reshape(-1, 2)


def _canonical(judgements: "np.ndarray", pairs: "np.ndarray") -> tuple["np.ndarray", "np.ndarray", int]:
    """Units sorted by their content, and the bootstrap seed of that content: row order cannot matter."""
    import numpy as np

    from ..survey.omnibus import content_seed

    keys = np.concatenate([np.nan_to_num(judgements.reshape(len(judgements), -1), nan=-1.0), pairs], axis=1)
    order = np.lexsort(keys.T[::-1]) if len(keys) else np.arange(0)
    return judgements[order], pairs[order], content_seed([row for row in keys[order]])


def _ci_note(point: float, low: float, high: float, defined: int) -> str:
    if defined == 0 or math.isnan(low):
        return "no_spread"
    if high - low < 1e-9:
        return "perfect" if math.isclose(point, 1.0) else "no_spread"
    return ""


def _row(code: str, stack: "list[np.ndarray]", pairs: "np.ndarray", weights: list, min_units: int) -> dict:
    """Counts and coefficients of the decisions of one code, or of several pooled (``stack``: units x coders each)."""
    import numpy as np

    at = np.arange(len(pairs))
    coded_any = coded_all = 0
    agree = []
    for matrix in stack:
        ones, judged = np.nansum(matrix, axis=1), (~np.isnan(matrix)).sum(axis=1)
        coded_any += int((ones > 0).sum())
        coded_all += int(((ones == judged) & (ones > 0)).sum())
        agree.append((ones == 0) | (ones == judged))
    row = {"code": code, "units": len(pairs) * len(stack), "units_coded_any": coded_any,
           "units_coded_all": coded_all, "thin": 0 < coded_any < min_units, "percent_agreement": math.nan,
           "kappa": math.nan, "kappa_CI95_low": math.nan, "kappa_CI95_high": math.nan, "kappa_note": "",
           "kappa_resamples": 0, "alpha": math.nan, "alpha_CI95_low": math.nan, "alpha_CI95_high": math.nan,
           "alpha_note": "", "alpha_resamples": 0}
    if coded_any == 0:
        row.update(kappa_note="not_applied", alpha_note="not_applied")
    else:
        row["percent_agreement"] = 100 * float(np.concatenate(agree).mean())
        first = np.concatenate([m[at, pairs[:, 0]] for m in stack])
        second = np.concatenate([m[at, pairs[:, 1]] for m in stack])
        row["kappa"] = cohens_kappa(first.astype(int), second.astype(int))
        row["alpha"] = krippendorff_alpha(np.concatenate(stack, axis=0).T)
        # Per paragraph sums over the pooled codes: resampling a paragraph takes all its decisions along.
        cells = sum(kappa_cells(m[at, pairs[:, 0]], m[at, pairs[:, 1]]) for m in stack)
        counts = sum(alpha_counts(m.T, values=[0.0, 1.0]) for m in stack)
        if math.isnan(row["kappa"]):
            row["kappa_note"] = "everywhere"
        elif first.sum() == 0 or second.sum() == 0:
            row["kappa_note"] = "one_coder"  # kappa is 0 by construction and so is every resample
        else:
            low, high, defined = percentile_interval(replicates(weights, cells, kappa_from_cells))
            row.update(kappa_resamples=defined, kappa_note=_ci_note(row["kappa"], low, high, defined))
            if not row["kappa_note"]:
                row.update(kappa_CI95_low=low, kappa_CI95_high=high)
        if math.isnan(row["alpha"]):
            row["alpha_note"] = "everywhere"
        else:
            low, high, defined = percentile_interval(replicates(weights, counts, alpha_from_counts))
            row.update(alpha_resamples=defined, alpha_note=_ci_note(row["alpha"], low, high, defined))
            if not row["alpha_note"]:
                row.update(alpha_CI95_low=low, alpha_CI95_high=high)
    row["kappa_band"] = kappa_label(row["kappa"])
    row["alpha_reading"] = alpha_label(row["alpha"])
    return row


def agreement_table(segments: "pd.DataFrame", transcripts: "pd.DataFrame", codes: list[str],
                    covers: Mapping[str, Sequence[str]] | None = None, min_units: int = MIN_UNITS,
                    resamples: int = BOOTSTRAP_RESAMPLES) -> "pd.DataFrame":
    """One row per code of ``codes`` (in that order) and ``all``: the base, percent agreement, kappa, alpha.

    Parameters
    ----------
    segments : all coders' segments (transcript_id, coder, code_id, start, end); only transcripts with two
        or more coders count.
    transcripts : transcript_id and text.
    codes : every code of the codebook, in the order of the table.
    covers : for a theme, the codes whose application counts as the theme's (itself and its sub-codes);
        a code not named covers itself.
    min_units : a code coded by any coder on fewer paragraphs than this is ``thin``.
    resamples : bootstrap resamples of the paragraphs.

    Returns
    -------
    DataFrame with columns code, kind (``theme``, ``code`` or ``pooled``), transcripts, coders, units,
    units_coded_any, units_coded_all, thin, percent_agreement, kappa, kappa_CI95_low, kappa_CI95_high,
    kappa_band, kappa_note, kappa_resamples, alpha, alpha_CI95_low, alpha_CI95_high, alpha_reading,
    alpha_note, alpha_resamples, codes_pooled, min_units, resamples (see the module docstring). Empty when
    no transcript is double-coded.
    """
    import numpy as np
    import pandas as pd

    if segments.empty:
        return pd.DataFrame()
    multi = segments.groupby("transcript_id")["coder"].nunique()
    multi = sorted(multi[multi >= 2].index.tolist())
    if not multi or not codes:
        return pd.DataFrame()
    coders = sorted(segments.loc[segments["transcript_id"].isin(multi), "coder"].unique())
    judgements, pairs = _judgements(segments, transcripts, codes, multi, coders)
    judgements, pairs, seed = _canonical(judgements, pairs)
    weights = resample_weights(len(judgements), resamples, seed) if len(judgements) else []
    covers = covers or {}
    index = {code: i for i, code in enumerate(codes)}
    rows = []
    for code in codes:
        parts = [index[c] for c in covers.get(code, [code]) if c in index] or [index[code]]
        matrix = np.max(judgements[:, parts, :], axis=1)  # NaN (coder absent) stays NaN
        rows.append({**_row(code, [matrix], pairs, weights, min_units), "kind": "theme" if len(parts) > 1 else "code"})
    # Pooled over the codes some coder applied directly: codes nobody used would only add agreeing zeros.
    stack = [judgements[:, i, :] for i in range(len(codes)) if np.nansum(judgements[:, i, :]) > 0]
    rows.append({**_row("all", stack, pairs, weights, min_units), "kind": "pooled", "codes_pooled": len(stack)})
    table = pd.DataFrame(rows)
    table.insert(1, "kind", table.pop("kind"))
    table.insert(2, "transcripts", len(multi))
    table.insert(3, "coders", len(coders))
    table["min_units"] = min_units
    table["resamples"] = resamples
    return table
