"""Scale scores: reverse keying and the minimum-answered rule, by hand."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from mixedmethods.instrument.questionnaire import questionnaire_from_dict
from mixedmethods.survey.scoring import keyed_items, scale_scores

QUESTIONNAIRE = questionnaire_from_dict({
    "id": "t", "languages": ["en"],
    "choice_lists": {"agree5": [{"value": str(v), "label": str(v)} for v in range(1, 6)]},
    "questions": [{"id": f"i{n}", "type": "likert", "choices": "agree5", "reverse": n == 4} for n in range(1, 5)],
    "scales": [{"id": "s", "items": ["i1", "i2", "i3", "i4"], "min_answered": 0.75},
               {"id": "total", "items": ["i1", "i2", "i3", "i4"], "scoring": "sum", "min_answered": 0.75}],
}, "test")


def frame(rows: list[list[float | None]]) -> pd.DataFrame:
    data = pd.DataFrame(rows, columns=["i1", "i2", "i3", "i4"], dtype="float64")
    data.insert(0, "group", "g")
    return data


def test_reverse_keyed_item_is_recoded_on_its_scale_range():
    items = keyed_items(frame([[5, 4, 3, 1], [1, 1, 1, 5]]), QUESTIONNAIRE, QUESTIONNAIRE.scales[0])
    assert items["i4"].tolist() == [5.0, 1.0]  # 6 - x on a 1..5 scale


def test_score_is_mean_of_answered_items_when_enough_were_answered():
    scores = scale_scores(frame([[5, 4, 3, 1], [4, None, 2, 3], [4, None, None, 3]]), QUESTIONNAIRE)
    # Row 1: (5 + 4 + 3 + 5) / 4 = 4.25; row 2: (4 + 2 + 3) / 3 = 3.0 (3 of 4 answered = 75%, enough);
    # row 3: 2 of 4 answered (50% < 75%): no score.
    assert scores["s"].iloc[0] == pytest.approx(4.25)
    assert scores["s"].iloc[1] == pytest.approx(3.0)
    assert math.isnan(scores["s"].iloc[2])
    # The sum rule prorates: 3.0 * 4 items = 12.
    assert scores["total"].iloc[1] == pytest.approx(12.0)
