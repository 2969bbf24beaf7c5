"""Scale scores: reverse keying and the minimum-answered rule.

A reverse-keyed item is recoded as ``(min + max) - x`` on its choice list's
numeric range (1..5 -> 5..1). A respondent gets a scale score only if they
answered at least the scale's ``min_answered`` share of items; the score is
then the mean of the answered items (``scoring: mean``) or that mean times
the number of items (``scoring: sum``, a prorated sum), the usual "person
mean imputation" rule for scales with few missing items (Schafer & Graham,
2002, *Psychological Methods*, 7(2), 147-177).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from ..instrument.questionnaire import Questionnaire, Scale


def keyed_items(responses: "pd.DataFrame", questionnaire: "Questionnaire", scale: "Scale") -> "pd.DataFrame":
    """The scale's item columns with reverse-keyed items recoded (higher = more of the construct)."""
    items = responses[scale.items].astype("float64").copy()
    for item in scale.items:
        question = questionnaire.question(item)
        if question.reverse:
            low, high = questionnaire.choice_list(question).numeric_range()
            items[item] = (low + high) - items[item]
    return items


def scale_scores(responses: "pd.DataFrame", questionnaire: "Questionnaire") -> "pd.DataFrame":
    """One column per scale (NA where too few items were answered), plus ``group``."""
    import pandas as pd

    scores = pd.DataFrame(index=responses.index)
    scores["group"] = responses["group"]
    for scale in questionnaire.scales:
        items = keyed_items(responses, questionnaire, scale)
        answered = items.notna().sum(axis=1)
        needed = math.ceil(scale.min_answered * len(scale.items) - 1e-9)
        score = items.mean(axis=1, skipna=True)
        if scale.scoring == "sum":
            score = score * len(scale.items)
        scores[scale.id] = score.where(answered >= needed)
    return scores
