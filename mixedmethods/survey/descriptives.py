"""Descriptive statistics: scale scores by group and answer frequencies."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from ..instrument.questionnaire import Question, Questionnaire


def describe(values: "pd.Series") -> dict[str, float]:
    """n, M, SD (n - 1), Mdn and IQR (Q3 - Q1, linear interpolation) of the non-missing values."""
    clean = values.dropna().astype(float)
    n = int(clean.size)
    if n == 0:
        return {"n": 0, "M": float("nan"), "SD": float("nan"), "Mdn": float("nan"), "IQR": float("nan")}
    q1, q3 = clean.quantile([0.25, 0.75])
    return {"n": n, "M": float(clean.mean()), "SD": float(clean.std(ddof=1)) if n > 1 else float("nan"),
            "Mdn": float(clean.median()), "IQR": float(q3 - q1)}


def describe_by_group(scores: "pd.DataFrame", columns: list[str], groups: list[str]) -> "pd.DataFrame":
    """One row per column and group (and ``all``): n, M, SD, Mdn, IQR."""
    import pandas as pd

    rows = []
    for column in columns:
        for group in [*groups, "all"]:
            values = scores[column] if group == "all" else scores.loc[scores["group"] == group, column]
            rows.append({"variable": column, "group": group, **describe(values)})
    return pd.DataFrame(rows)


def choice_counts(responses: "pd.DataFrame", questionnaire: "Questionnaire", question: "Question",
                  groups: list[str]) -> "pd.DataFrame":
    """Counts of each choice by group (rows: choice values in list order; columns: groups).

    For select_multiple questions a respondent counts once for each choice
    they selected, so columns can sum to more than the respondents.
    """
    import pandas as pd

    values = questionnaire.choice_list(question).values()
    table = pd.DataFrame(0, index=pd.Index(values, name=question.id), columns=groups, dtype="int64")
    for group in groups:
        answers = responses.loc[responses["group"] == group, question.id].dropna()
        if question.type == "select_multiple":
            answers = answers.astype(str).str.split().explode()
        counts = answers.astype(str).value_counts()
        for value, count in counts.items():
            if value in table.index:
                table.loc[value, group] = int(count)
    return table
