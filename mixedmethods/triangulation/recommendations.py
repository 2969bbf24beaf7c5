"""Draft recommendations: rules in templates/text/<language>.yaml applied to facts drawn from the results.

Each rule has a ``when`` condition in the XLSForm expression syntax used for
skip logic (``${security_mean} >= 3.3 and ${training_yes_pct} < 50``) over the
facts below, and a ``text`` with ``{fact}`` placeholders. Teams edit the
rules; the report marks the result as a draft.
"""

from __future__ import annotations

import math
from typing import Any

from ..instrument.relevance import compile_relevance


def facts(survey, interviews, chats, triangulation, construct_labels: dict[str, str]) -> dict[str, Any]:
    """Numbers the rules may use (missing ones are absent, so conditions on them are false)."""
    found: dict[str, Any] = {}
    descriptives = survey.tables.get("descriptives")
    if descriptives is not None:
        overall = descriptives[descriptives["group"] == "all"].set_index("variable")["M"]
        for scale, mean in overall.items():
            if mean == mean:
                found[f"{scale}_mean"] = round(float(mean), 2)
    profile = survey.tables.get("profile")
    if profile is not None and not profile.empty:
        training = profile[profile["question"] == "training"].set_index("value")
        counts = training[[c for c in training.columns if c.endswith("_n")]].astype(float)
        if "yes" in counts.index and counts.notna().all().all() and counts.to_numpy().sum():
            found["training_yes_pct"] = round(100 * counts.loc["yes"].sum() / counts.to_numpy().sum())
    participation = chats.tables.get("participation")
    if participation is not None and not participation.empty:
        found["night_share_max"] = round(float(participation["night_share"].max()), 3)
        found["night_share_max_pct"] = round(100 * found["night_share_max"])
        found["gini_max"] = round(float(participation["gini"].max()), 2)
        found["top10_max_pct"] = round(100 * float(participation.sort_values("gini")["top10_share"].iloc[-1]))
    frequencies = interviews.tables.get("frequencies")
    interviewed = sum(n or 0 for n in interviews.statistics.get("interviewed_by_group", {}).values())
    if frequencies is not None and interviewed:
        row = frequencies[frequencies["code"] == "channels.record_keeping"]
        if not row.empty and row["all_n"].notna().iloc[0]:
            found["record_keeping_pct"] = round(100 * float(row["all_n"].iloc[0]) / interviewed)
    matrix = triangulation.tables.get("convergence")
    if matrix is not None and not matrix.empty:
        dissonant = matrix.loc[matrix["verdict"] == "dissonance", "construct"].unique().tolist()
        found["dissonances"] = len(dissonant)
        found["dissonant"] = ", ".join(construct_labels.get(c, c) for c in dissonant)
    return found


def draft_recommendations(rules: list[dict[str, str]], found: dict[str, Any]) -> list[str]:
    """The texts of the rules whose condition holds, in the rules' order."""
    texts = []
    for rule in rules:
        if compile_relevance(rule["when"])(found):
            texts.append(rule["text"].format_map(_Missing(found)))
    return texts


class _Missing(dict):
    def __missing__(self, key: str) -> str:
        return "\u2014"

    def __getitem__(self, key: str) -> Any:
        value = super().__getitem__(key) if key in self else self.__missing__(key)
        return "\u2014" if isinstance(value, float) and math.isnan(value) else value
