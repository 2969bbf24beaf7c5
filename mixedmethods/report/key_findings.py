"""The executive summary and the discussion of the whole report: key findings with their statistics, the
meta-inferences per construct and the limitations the data show.

Every number is read from the analyses' result objects (the values the chapters' tables print, formatted by
:mod:`.apa` as the tables format them) and each sentence cites the table it comes from, looked up by the
table's key or title in :attr:`.ReportDocument.table_keys` (the summary is therefore written after the
chapters, see :class:`.whole.WholeReport`).
"""

from __future__ import annotations

from typing import Any

from . import apa
from .chapter import Chapter, missing

# The text key of each table's title, for tables whose chapter did not give the table a key.
TABLE_TITLES = {
    "survey.profile": "survey.sample_table_title",
    "survey.descriptives": "survey.descriptives_table_title",
    "survey.comparisons": "survey.comparisons_table_title",
    "interviews.frequencies": "interviews.frequencies_table_title",
    "chats.participation": "chats.participation_table_title",
    "triangulation.coverage": "triangulation.coverage_table_title",
    "triangulation.convergence": "triangulation.matrix_table_title",
}

# The verdicts of the convergence table that decide something about a construct (the others are "not available").
META_OF_VERDICT = {"agreement": "confirmation", "partial agreement": "expansion", "dissonance": "discordance",
                   "inconclusive": "inconclusive", "silence": "silence"}
META_ORDER = ("confirmation", "expansion", "discordance", "silence", "inconclusive")


def meta_inferences(convergence) -> dict[str, str]:
    """Each construct's meta-inference, in the constructs' order, by the rule of the joint displays
    (:func:`mixedmethods.triangulation.meta_inference.meta_inference`; Fetters, Curry & Creswell, 2013).

    Where that rule finds nothing to integrate (``none``), the words say why: ``silence`` when every pair
    with an indicator on both sides is silent, ``inconclusive`` otherwise (a pair lacked the power to decide).
    Constructs whose every pair lacks an indicator are not listed.

    >>> import pandas as pd
    >>> m = pd.DataFrame({"construct": ["a", "a", "b", "b", "c", "d", "d"],
    ...                   "verdict": ["agreement", "partial agreement", "agreement", "dissonance", "inconclusive",
    ...                               "agreement", "inconclusive"]})
    >>> meta_inferences(m)
    {'a': 'expansion', 'b': 'discordance', 'c': 'inconclusive', 'd': 'confirmation'}
    """
    from ..triangulation.meta_inference import meta_inference

    found: dict[str, str] = {}
    for construct, block in convergence.groupby("construct", sort=False):
        informative = block[block["verdict"].isin(list(META_OF_VERDICT))]
        if informative.empty:
            continue
        rules = block["rule"] if "rule" in block.columns else [""] * len(block)
        meta, _ = meta_inference(zip(block["verdict"], rules))
        if meta == "none":
            meta = "silence" if set(informative["verdict"]) == {"silence"} else "inconclusive"
        found[construct] = meta
    return found


def lower_first(label: str) -> str:
    """A label inside a sentence: first letter lower-cased unless it starts an acronym ("UN", "CARICOM")."""
    return label[0].lower() + label[1:] if len(label) > 1 and not label[1].isupper() else label


class KeyFindings(Chapter):
    """Sentences of the executive summary and the discussion (``whole`` section of the texts)."""

    section = "whole"
    analyses: dict[str, Any]

    def named(self, label: str) -> str:
        """A construct, scale or theme named inside a sentence ("trust in the chair"; « ... » in French)."""
        return self.text("construct_name", label=lower_first(label))

    # -- table citations ---------------------------------------------------------------------------------------
    def table_number(self, key: str) -> int | None:
        """The number of the table ``key`` (e.g. ``survey.comparisons``) in this document, if it has one."""
        found = self.doc.table_keys.get(key)
        if found is None and key in TABLE_TITLES:
            found = self.doc.table_keys.get(self.t.get(TABLE_TITLES[key]))
        return found

    def cite(self, *keys: str) -> str:
        """`` (Table 6)`` or `` (Tables 5 and 6)`` for the tables that exist; empty when none does."""
        numbers = sorted({n for n in (self.table_number(k) for k in keys) if n is not None})
        if not numbers:
            return ""
        if len(numbers) == 1:
            return self.text("cite_one", n=numbers[0])
        return self.text("cite_many", numbers=self.join([str(n) for n in numbers]))

    # -- survey --------------------------------------------------------------------------------------------------
    def _scales(self) -> dict[str, Any]:
        if "_scale_index" not in self.__dict__:
            self._scale_index = {s.id: s for s in self.study.questionnaire().scales}
        return self._scale_index

    def scale_label(self, scale_id: str) -> str:
        return self._scales()[scale_id].text(self.lang)

    def _has_scale(self, scale_id: str) -> bool:
        return scale_id in self._scales()

    def survey_findings(self, survey) -> list[str]:
        """One sentence per scale: the higher (or highest) group with the test, effect size and 95% CI, or the
        null result with its interval; a sentence saying why no comparison was made when none was."""
        from ..survey.analysis import SKIPPED_ONE_GROUP

        skipped = survey.statistics.get("comparisons_skipped")
        if skipped:
            key = "summary_no_comparison_one_group" if skipped == SKIPPED_ONE_GROUP else "summary_no_comparison_small"
            return [self.text(key, k=self.k)]
        table = survey.tables.get("comparisons")
        if table is None or table.empty:
            return []
        desc = survey.tables["descriptives"]
        sentences = []
        for _, row in table.iterrows():
            if not self._has_scale(row["scale"]):
                continue
            scale = lower_first(self.scale_label(row["scale"]))
            of_scale = ("d'" if scale[0].lower() in "aeiouyéèêâîôûh" else "de ") + scale  # French elision
            effect, ci = self._effect(row)
            medians = desc[(desc["variable"] == row["scale"]) & (desc["group"] != "all")].dropna(subset=["Mdn"])
            medians = medians.sort_values("Mdn", ascending=False, kind="stable")
            values = dict(scale=scale[0].upper() + scale[1:], of_scale=of_scale, effect=effect,
                          ci=self.text("ci_part", ci=ci) if ci else "")
            if missing(row.get("p_holm")) or row["p_holm"] >= 0.05 or medians.empty:
                sentences.append(self.text("finding_null", cite=self.cite("survey.comparisons"), **values))
                continue
            values.update(stats=self._test(row), group=self.group_label(medians["group"].iloc[0]),
                          mdn=apa.number(medians["Mdn"].iloc[0], 2, self.lang),
                          cite=self.cite("survey.descriptives", "survey.comparisons"))
            if int(row["k"]) == 2 and len(medians) == 2:
                sentences.append(self.text("finding_two", other=self.group_label(medians["group"].iloc[-1]),
                                           mdn_other=apa.number(medians["Mdn"].iloc[-1], 2, self.lang), **values))
            else:
                sentences.append(self.text("finding_many", **values))
        return sentences

    def _effect(self, row) -> tuple[str, str]:
        """``*r*_[rb] = .60`` and its interval ``[.42, .74]`` (empty when it has none), as the tables print them."""
        symbol = self.t.raw("survey.sensitivity_symbol").get(row["effect"], row["effect"])
        shown = apa.number if row["effect"] == "g" else apa.bounded
        effect = f"{symbol} = {shown(row['effect_size'], 2, self.lang)}"
        if missing(row.get("effect_CI95_low")) or missing(row.get("effect_CI95_high")):
            return effect, ""
        return effect, apa.interval(row["effect_CI95_low"], row["effect_CI95_high"], 2, self.lang,
                                    is_bounded=row["effect"] != "g")

    def _test(self, row) -> str:
        """``*U* = 2828.5, *p*_[Holm] < .001``: the test statistic (with its df) and the Holm-adjusted p."""
        test = row["test"]
        symbol = self.t.raw("whole.test_symbols").get(test, test)
        if test == "mann-whitney":
            stat = f"{symbol} = {apa.number(row['statistic'], 1, self.lang)}"
        else:
            df = apa.number(row["df"], 2, self.lang) if test == "welch" else \
                apa.degrees_of_freedom(row["df"], row["df2"] if test == "welch-anova" else None, self.lang)
            stat = f"{symbol}({df}) = {apa.number(row['statistic'], 2, self.lang)}"
        p_holm = apa.p_value(row["p_holm"], self.lang).replace("*p*", "*p*_[Holm]", 1)
        return f"{stat}, {p_holm}"

    # -- interviews ----------------------------------------------------------------------------------------------
    def top_themes(self, interviews, limit: int = 3):
        """The themes raised by the most interviewees (all groups, shown counts only), most frequent first."""
        table = interviews.tables.get("frequencies")
        if table is None or table.empty:
            return table
        themes = table[table["level"] == 1].dropna(subset=["all_n"])
        return themes[themes["all_n"] >= self.k].sort_values("all_n", ascending=False, kind="stable").head(limit)

    def interview_finding(self, interviews) -> str:
        n = self.count_in_text(interviews.statistics.get("interviewed"),
                               bool(interviews.statistics.get("interviewed_withheld")))
        themes = self.top_themes(interviews)
        if themes is None or themes.empty or missing(interviews.statistics.get("interviewed")):
            return self.text("summary_interviews_no_theme", n=n, k=self.k)
        codebook = self.study.codebook()
        parts = [self.text("theme_count_first" if index == 0 else "theme_count",
                           theme=self.named(codebook.code(row["code"]).text(self.lang)), n=self.count(row["all_n"]))
                 for index, (_, row) in enumerate(themes.iterrows())]
        key = "summary_interviews" if len(parts) > 1 else "summary_interviews_one"
        return self.text(key, n=n, themes=self.join(parts), cite=self.cite("interviews.frequencies"))

    # -- chats ---------------------------------------------------------------------------------------------------
    def chat_finding(self, chats) -> str:
        """Messages per chat and the most and least unequal chat with Gini and its 95% CI (chats under k withheld)."""
        table = chats.tables["participation"]
        shown = table.dropna(subset=["gini"]).sort_values("gini", ascending=False, kind="stable")
        if shown.empty:
            return self.text("summary_chats_withheld", k=self.k)
        cite = self.cite("chats.participation")

        def gini(row) -> dict[str, str]:
            ci = "\u2014" if missing(row["gini_CI95_low"]) else apa.interval(
                row["gini_CI95_low"], row["gini_CI95_high"], 2, self.lang, is_bounded=True)
            return {"gini": apa.bounded(row["gini"], 2, self.lang), "ci": ci}

        if len(shown) == 1:
            row = shown.iloc[0]
            return self.text("summary_chat_one", group=self.group_label(row["group"]),
                             messages=self.count(row["messages"]), cite=cite, **gini(row))
        volumes = self.join([self.text("volume_first" if index == 0 else "volume", n=self.count(row["messages"]),
                                       group=self.group_label(row["group"]))
                             for index, (_, row) in enumerate(table.dropna(subset=["gini"]).iterrows())])
        more, less = shown.iloc[0], shown.iloc[-1]
        key = "summary_chats_partial" if len(shown) < len(table) else "summary_chats"
        g_more, g_less = gini(more), gini(less)
        return self.text(key, volumes=volumes, k=self.k, more=self.group_label(more["group"]),
                         less=self.group_label(less["group"]), gini_more=g_more["gini"], ci_more=g_more["ci"],
                         gini_less=g_less["gini"], ci_less=g_less["ci"], cite=cite)

    # -- triangulation -------------------------------------------------------------------------------------------
    def construct_labels(self, triangulation) -> dict[str, str]:
        return {c.id: c.label.get(self.lang) or next(iter(c.label.values()), c.id)
                for c in getattr(triangulation, "constructs", [])}

    def triangulation_finding(self, triangulation) -> str:
        """The meta-inference of every construct, in words: which constructs the sources confirm, expand, ..."""
        matrix = triangulation.tables.get("convergence")
        if matrix is None or matrix.empty:
            return ""
        labels = self.construct_labels(triangulation)
        found = meta_inferences(matrix)
        phrases = self.t.raw("whole.meta_summary")
        parts = []
        for kind in META_ORDER:
            constructs = [self.named(labels.get(c, c)) for c, meta in found.items() if meta == kind]
            if constructs:
                parts.append(phrases[kind].format(constructs=self.join(constructs)))
        if not parts:
            return ""
        return self.text("summary_triangulation", parts=self.text("semicolon").join(parts),
                         cite=self.cite("triangulation.convergence"))

    def meta_paragraphs(self, triangulation) -> list[str]:
        """One sentence per construct: its meta-inference, then the pairs of sources under each verdict of the
        convergence table (in that table's words)."""
        matrix = triangulation.tables.get("convergence")
        if matrix is None or matrix.empty:
            return []
        labels = self.construct_labels(triangulation)
        sources = self.t.raw("whole.source_short")
        verdicts = self.t.raw("triangulation.verdicts")
        meta_words = self.t.raw("whole.meta_words")
        sentences = []
        for construct, meta in meta_inferences(matrix).items():
            block = matrix[(matrix["construct"] == construct) & matrix["verdict"].isin(list(META_OF_VERDICT))]
            parts = []
            for verdict, pairs in block.groupby("verdict", sort=False):
                names = [f"{sources.get(a, a)}\u2013{sources.get(b, b)}"
                         for a, b in zip(pairs["source_a"], pairs["source_b"])]
                parts.append(self.text("verdict_pairs", verdict=verdicts.get(verdict, verdict),
                                       pairs=", ".join(names)))
            sentences.append(self.text("discussion_construct", construct=labels.get(construct, construct),
                                       meta=meta_words[meta], pairs=self.text("semicolon").join(parts)))
        return sentences

    # -- limitations ---------------------------------------------------------------------------------------------
    def limitations(self) -> list[str]:
        """Sample size and detectable effect, self-selection, coverage of the sources, ethics, data availability."""
        paragraphs = []
        survey = self.analyses.get("survey")
        if survey is not None and survey.statistics.get("n"):
            paragraphs += [p for p in (self._limit_sample(survey), self._limit_response(survey)) if p]
        triangulation = self.analyses.get("triangulation")
        if triangulation is not None:
            paragraphs += [p for p in (self._limit_power(triangulation), self._limit_coverage(triangulation)) if p]
        paragraphs.append(self.text("discussion_ethics"))
        paragraphs.append(self.text("discussion_data"))
        return paragraphs

    def _limit_sample(self, survey) -> str:
        """The group sizes and the smallest effect each comparison had 80% power for (``detectable_effect``)."""
        table = survey.tables.get("comparisons")
        if table is None or table.empty or "detectable_effect" not in table.columns:
            return ""
        sizes = self.join([self.count_in_text(n) for n in (survey.statistics.get("n_by_group") or {}).values()
                           if n is not None])
        effects = []
        for effect, block in table.groupby("effect", sort=False):
            values = block["detectable_effect"].dropna().astype(float)
            if values.empty:
                continue
            shown = apa.number if effect == "g" else apa.bounded
            low, high = shown(values.min(), 2, self.lang), shown(values.max(), 2, self.lang)
            symbol = self.t.raw("survey.sensitivity_symbol").get(effect, effect)
            effects.append(f"{symbol} = {low}" if low == high else
                           self.text("effect_range", symbol=symbol, low=low, high=high))
        if not effects:
            return ""
        nulls = [self.named(self.scale_label(r["scale"])) for _, r in table.iterrows()
                 if self._has_scale(r["scale"]) and (missing(r.get("p_holm")) or r["p_holm"] >= 0.05)]
        key = "limit_sample_nulls" if nulls else "limit_sample"
        return self.text(key, sizes=sizes, effects=self.join(effects), nulls=self.join(nulls),
                         cite=self.cite("survey.comparisons"))

    def _limit_response(self, survey) -> str:
        """Self-selection: the response rate (AAPOR RR2) of everyone listed, or why it could not be computed."""
        rate = (survey.statistics.get("response_rate") or {}).get("by_group", {}).get("all") or {}
        if missing(rate.get("rate_pct")) or missing(rate.get("listed")):
            return self.text("limit_response_unknown")
        return self.text("limit_response", listed=self.count_in_text(rate["listed"]),
                         respondents=self.count_in_text(rate["respondents"]),
                         rate=apa.percent(rate["rate_pct"], self.lang))

    def _limit_power(self, triangulation) -> str:
        """The power of the sources and correlations to detect the smallest effect of interest (convergence table)."""
        matrix = triangulation.tables.get("convergence")
        if matrix is None or matrix.empty:
            return ""
        columns = [c for c in ("power_a", "power_b", "power_correlation") if c in matrix.columns]
        values = matrix[columns].stack().dropna().astype(float) if columns else []
        smallest = triangulation.statistics.get("smallest_effect")
        if len(values) == 0 or missing(smallest):
            return ""
        return self.text("limit_power", effect=apa.bounded(smallest, 2, self.lang),
                         low=apa.percent(100 * values.min(), self.lang),
                         high=apa.percent(100 * values.max(), self.lang),
                         cite=self.cite("triangulation.convergence"))

    def _limit_coverage(self, triangulation) -> str:
        """Of the participants in at least one source, how many are in each source and in all (coverage table;
        the shares computed with it, results.json ``triangulation.participants_by_source``)."""
        table = triangulation.tables.get("coverage")
        if table is None or table.empty or "all" not in table.columns:
            return ""
        coverage = triangulation.statistics.get("participants_by_source")
        if coverage is None:
            withheld = table["all"].isna().any() or (
                "protected" in table.columns and (table["protected"].fillna("") != "").any())
            return self.text("limit_coverage_withheld", cite=self.cite("triangulation.coverage")) if withheld else ""

        def share(counted: dict) -> str:
            return self.text("count_share", n=self.count_in_text(counted["n"]),
                             pct=apa.percent(counted["pct"], self.lang))

        parts = [self.text(f"coverage_{source}", n=share(counted)) for source, counted in coverage["sources"].items()]
        return self.text("limit_coverage", total=self.count_in_text(coverage["participants"]), parts=self.join(parts),
                         every=share(coverage["all_sources"]), cite=self.cite("triangulation.coverage"))
