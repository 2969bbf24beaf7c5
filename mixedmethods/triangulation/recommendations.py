"""Draft recommendations: rules in templates/text/<language>.yaml applied to facts drawn from the results.

Each rule has a ``when`` condition in the XLSForm expression syntax used for
skip logic (``${security_mean} >= 3.3 and ${training_yes_pct} < 50``) over the
facts below, and a ``text`` with ``{fact}`` placeholders. Teams edit the
rules; the report marks the result as a draft. Each fact knows the result
table it comes from (:attr:`Facts.tables`), so a drafted recommendation cites
the report's tables that show its numbers ("(Table 5)").
"""

from __future__ import annotations

import math
import re
import string
from typing import Any, Callable

from ..instrument.relevance import compile_relevance


def fact_name(*parts: str) -> str:
    """A fact's name from instrument ids: characters other than letters, digits and ``_`` become ``_``.

    >>> fact_name("theme.sub-code", "pct")
    'theme_sub_code_pct'
    """
    return "_".join(re.sub(r"\W", "_", str(part)) for part in parts)


class Facts(dict):
    """The facts by name, and in ``tables`` the result table each comes from (``survey.descriptives``, ...)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, str] = {}

    def add(self, name: str, value: Any, table: str) -> None:
        self[name] = value
        self.tables[name] = table


def facts(survey, interviews, chats, triangulation, construct_labels: dict[str, str]) -> Facts:
    """Numbers the rules may use; missing or suppressed ones are absent, so conditions on them are false.

    Names come from the study's instruments: ``<scale>_mean`` (all respondents),
    ``<question>_<value>_pct`` (share of respondents giving that answer to a
    profile question, when no group's count is suppressed), ``<code>_pct``
    (share of interviewees who raised a code or theme; dots become ``_``),
    ``night_share_max``, ``night_share_max_pct``, ``gini_max``,
    ``top10_max_pct`` (chats), ``dissonances`` and ``dissonant``
    (triangulation). A share of interviewees is a share of all interviewees,
    as the all-groups column of the interview chapter's frequency table shows it.
    """
    found = Facts()
    descriptives = survey.tables.get("descriptives")
    if descriptives is not None and not descriptives.empty:
        overall = descriptives[descriptives["group"] == "all"].set_index("variable")["M"]
        for scale, mean in overall.items():
            if mean == mean:
                found.add(fact_name(scale, "mean"), round(float(mean), 2), "survey.descriptives")
    profile = survey.tables.get("profile")
    respondents = survey.statistics.get("n") or 0
    if profile is not None and not profile.empty and respondents:
        for question, block in profile.groupby("question", sort=False):
            counts = block.set_index("value")[[c for c in block.columns if c.endswith("_n")]].astype(float)
            if counts.notna().all().all():
                for value, row in counts.iterrows():
                    found.add(fact_name(question, value, "pct"), round(100 * row.sum() / respondents), "survey.profile")
    participation = chats.tables.get("participation")
    if participation is not None:
        participation = participation.dropna(subset=["gini"])  # chats with fewer than k members are withheld
    if participation is not None and not participation.empty:
        found.add("night_share_max", round(float(participation["night_share"].max()), 3), "chats.participation")
        found.add("night_share_max_pct", round(100 * found["night_share_max"]), "chats.participation")
        found.add("gini_max", round(float(participation["gini"].max()), 2), "chats.participation")
        found.add("top10_max_pct", round(100 * float(participation.sort_values("gini")["top10_share"].iloc[-1])),
                  "chats.participation")
    frequencies = interviews.tables.get("frequencies")
    interviewed = interviews.statistics.get("interviewed")
    if frequencies is not None and interviewed:
        for _, row in frequencies.iterrows():
            if row["all_n"] == row["all_n"] and row["all_n"] is not None:
                found.add(fact_name(row["code"], "pct"), round(100 * float(row["all_n"]) / interviewed),
                          "interviews.frequencies")
    matrix = triangulation.tables.get("convergence")
    if matrix is not None and not matrix.empty:
        dissonant = matrix.loc[matrix["verdict"] == "dissonance", "construct"].unique().tolist()
        found.add("dissonances", len(dissonant), "triangulation.convergence")
        found.add("dissonant", ", ".join(construct_labels.get(c, c) for c in dissonant), "triangulation.convergence")
    return found


def draft_recommendations(rules: list[dict[str, str]], found: dict[str, Any], decimal_mark: str = ".",
                          cite: Callable[[list[str]], str] | None = None, language: str | None = None) -> list[str]:
    """The texts of the rules whose condition holds, in the rules' order; decimals written with ``decimal_mark``.

    With ``language``, numbers are written in that report language's locale instead (decimal mark, thousands
    separator, minus sign; the decimals a fact was rounded to are kept). With ``cite`` (table keys -> text such
    as ``" (Table 5)"``), each text ends with the citation of the tables of the facts its condition and its text
    use (``found.tables``), placed before its final full stop.

    >>> draft_recommendations([{"when": "${m} > 3", "text": "Mean {m} of 5."}], {"m": 3.25}, ",")
    ['Mean 3,25 of 5.']
    >>> draft_recommendations([{"when": "${n} > 3", "text": "{n} messages, {m}."}], {"n": 19046, "m": -0.5}, \
language="en")
    ['19,046 messages, −0.5.']
    >>> f = Facts(); f.add("m", 3.25, "survey.descriptives")
    >>> draft_recommendations([{"when": "${m} > 3", "text": "Mean {m} of 5."}], f,
    ...                       cite=lambda keys: f" (see {', '.join(keys)})")
    ['Mean 3.25 of 5 (see survey.descriptives).']
    """
    tables = getattr(found, "tables", {})
    texts = []
    for rule in rules:
        if compile_relevance(rule["when"])(found):
            text = rule["text"].format_map(_Missing(found, decimal_mark, language))
            if cite is not None:
                used = re.findall(r"\$\{(\w+)\}", rule["when"]) + \
                    [name for _, name, _, _ in string.Formatter().parse(rule["text"]) if name]
                keys = list(dict.fromkeys(tables[name] for name in used if name in tables))
                citation = cite(keys) if keys else ""
                text = text[:-1] + citation + text[-1] if text[-1:] in ".!" else text + citation
            texts.append(text)
    return texts


class _Missing(dict):
    """The facts for a sentence: a missing or NaN fact reads as a dash, a decimal with the report's mark."""

    def __init__(self, found: dict[str, Any], decimal_mark: str, language: str | None = None) -> None:
        super().__init__(found)
        self.decimal_mark, self.language = decimal_mark, language

    def __missing__(self, key: str) -> str:
        return "\u2014"

    def __getitem__(self, key: str) -> Any:
        value = super().__getitem__(key) if key in self else self.__missing__(key)
        if isinstance(value, float) and math.isnan(value):
            return "\u2014"
        if self.language is not None and isinstance(value, (int, float)) and not isinstance(value, bool):
            from ..report.apa import localise_label

            return localise_label(str(value), self.language)
        if isinstance(value, float):
            return str(value).replace(".", self.decimal_mark)
        return value
