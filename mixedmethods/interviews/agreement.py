"""Intercoder agreement per code, at the paragraph level (see :mod:`.units`).

For every transcript coded by two or more coders, each paragraph is a unit
and each coder's judgement is 1 (applied the code) or 0. Per code:

* percent agreement: share of units on which all coders agree;
* Cohen's kappa (two coders per transcript; the first and second coder in
  alphabetical order are rater 1 and 2) with its asymptotic 95% CI, from
  statsmodels (Cohen, 1960; Fleiss, Cohen & Everitt, 1969), cut at -1 and 1;
* Krippendorff's alpha, nominal, any number of coders and missing
  judgements, from the ``krippendorff`` package (Krippendorff, 2011).

Interpretation: kappa by Landis & Koch (1977) - below .00 poor, .00-.20
slight, .21-.40 fair, .41-.60 moderate, .61-.80 substantial, .81-1.00 almost
perfect; alpha by Krippendorff (2004) - at least .800 reliable, .667 to .800
for tentative conclusions only, below .667 unreliable.

References
----------
Cohen, J. (1960). A coefficient of agreement for nominal scales. *Educational and
Psychological Measurement*, 20(1), 37-46.
Krippendorff, K. (2004). *Content analysis: An introduction to its methodology*
(2nd ed.). Sage.
Krippendorff, K. (2011). Computing Krippendorff's alpha-reliability.
https://repository.upenn.edu/asc_papers/43
Landis, J. R., & Koch, G. G. (1977). The measurement of observer agreement for
categorical data. *Biometrics*, 33(1), 159-174.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Sequence

from .units import applied, paragraphs

if TYPE_CHECKING:
    import pandas as pd


def kappa_with_ci(first: Sequence[int], second: Sequence[int]) -> tuple[float, float, float]:
    """Cohen's kappa of two binary ratings with its 95% CI (statsmodels); NaN when undefined."""
    import numpy as np
    from statsmodels.stats.inter_rater import cohens_kappa

    table = np.zeros((2, 2))
    for a, b in zip(first, second):
        table[int(a), int(b)] += 1
    expected = (table.sum(axis=1) @ table.sum(axis=0)) / table.sum() ** 2
    if math.isclose(expected, 1.0):  # both coders gave one and the same value throughout
        return math.nan, math.nan, math.nan
    import warnings

    with warnings.catch_warnings():  # statsmodels divides by a zero SE for perfect agreement
        warnings.simplefilter("ignore", RuntimeWarning)
        result = cohens_kappa(table)
    # The asymptotic interval can pass the bounds of kappa; it is cut at -1 and 1.
    return float(result.kappa), max(-1.0, float(result.kappa_low)), min(1.0, float(result.kappa_upp))


def krippendorff_alpha(data: Sequence[Sequence[float]]) -> float:
    """Nominal alpha of a coders x units matrix (NaN = no judgement); NaN when there is no variation."""
    import krippendorff
    import numpy as np

    matrix = np.asarray(data, dtype=float)
    values = np.unique(matrix[~np.isnan(matrix)])
    if values.size < 2:
        return math.nan
    return float(krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal"))


def kappa_label(kappa: float) -> str:
    """Landis & Koch (1977) band of a kappa value (English key; the report translates it)."""
    if math.isnan(kappa):
        return "undefined"
    for limit, label in ((0.0, "poor"), (0.205, "slight"), (0.405, "fair"), (0.605, "moderate"),
                         (0.805, "substantial")):
        if kappa < limit:
            return label
    return "almost perfect"


def alpha_label(alpha: float) -> str:
    """Krippendorff (2004) reading of an alpha value."""
    if math.isnan(alpha):
        return "undefined"
    return "reliable" if alpha >= 0.800 else "tentative" if alpha >= 0.667 else "unreliable"


def agreement_table(segments: "pd.DataFrame", transcripts: "pd.DataFrame", codes: list[str]) -> "pd.DataFrame":
    """One row per code (and ``all``): transcripts, units, coders, percent agreement, kappa [CI], alpha.

    ``segments`` holds all coders' segments; only transcripts with two or more
    coders count. Returns an empty frame when no transcript is double-coded.
    """
    import numpy as np
    import pandas as pd

    multi = segments.groupby("transcript_id")["coder"].nunique()
    multi = multi[multi >= 2].index.tolist()
    if not multi:
        return pd.DataFrame()
    coders = sorted(segments.loc[segments["transcript_id"].isin(multi), "coder"].unique())
    texts = transcripts.set_index("transcript_id")["text"]
    judgements: dict[str, list[list[float]]] = {code: [] for code in codes}  # per code: units x coders
    pairs: dict[str, list[tuple[int, int]]] = {code: [] for code in codes}
    for transcript_id in multi:
        units = paragraphs(texts[transcript_id])
        own = segments[segments["transcript_id"] == transcript_id]
        present = sorted(own["coder"].unique())
        marks = {c: applied(own[own["coder"] == c], units) for c in present}
        for code in codes:
            for index in range(len(units)):
                row = [float((index, code) in marks[c]) if c in marks else np.nan for c in coders]
                judgements[code].append(row)
                pairs[code].append((int((index, code) in marks[present[0]]), int((index, code) in marks[present[1]])))
    rows = []
    for code in [*codes, "all"]:
        units_rows = [r for c in codes for r in judgements[c]] if code == "all" else judgements[code]
        pair_rows = [p for c in codes for p in pairs[c]] if code == "all" else pairs[code]
        matrix = np.asarray(units_rows).T  # coders x units
        judged = [[v for v in row if not np.isnan(v)] for row in units_rows]
        agree = float(np.mean([len(set(values)) == 1 for values in judged])) if judged else math.nan
        used = any(v == 1 for row in units_rows for v in row)
        if code != "all" and not used:
            continue
        kappa, low, high = kappa_with_ci([a for a, _ in pair_rows], [b for _, b in pair_rows])
        alpha = krippendorff_alpha(matrix)
        rows.append({"code": code, "transcripts": len(multi), "units": len(units_rows), "coders": len(coders),
                     "percent_agreement": 100 * agree, "kappa": kappa, "kappa_CI95_low": low,
                     "kappa_CI95_high": high, "kappa_band": kappa_label(kappa), "alpha": alpha,
                     "alpha_reading": alpha_label(alpha)})
    return pd.DataFrame(rows)
