"""The survey chapter: method, sample, reliability, scale scores, group comparisons, Likert figure.

Input: :class:`~mixedmethods.survey.analysis.SurveyResults` (numbers already
computed and small cells already suppressed). Output: paragraphs, tables and a
figure added to a :class:`~.document.ReportDocument`. Sentences come from
templates/text/<language>.yaml.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..instrument.questionnaire import in_language
from . import apa
from ..disclosure import protected_in
from .chapter import Chapter, missing
from .document import ReportDocument, TableSpec
from .figures import diverging_likert, likert_parts
from .survey_quality_sections import SurveyQualitySections
from .texts import Texts

from ..survey.omnibus import OMNIBUS_TESTS as OMNIBUS  # the study's test for k >= 3 groups
from ..survey.reliability import MIN_OMEGA_ITEMS, OMEGA_RESAMPLES

if TYPE_CHECKING:
    from ..instrument.questionnaire import Questionnaire
    from ..study import Study
    from ..survey.analysis import SurveyResults


MAX_PAIRS_IN_A_SENTENCE = 3  # beyond, a scale's significant pairs are summarised in one clause
LIKERT_WIDTH_CM = 16.0  # the Likert chart is drawn at the width it is printed at (text sizes hold on paper)


class SurveyChapter(SurveyQualitySections, Chapter):
    """Writes the chapter; one method per section, in reading order."""

    section = "survey"

    def __init__(self, doc: ReportDocument, results: "SurveyResults", study: "Study",
                 questionnaire: "Questionnaire", texts: Texts, figures_dir: Path) -> None:
        super().__init__(doc, study, texts, figures_dir, results.min_cell_size)
        self.results, self.q = results, questionnaire
        self.groups = results.groups
        self.tested: list[str] = results.statistics.get("groups_tested", self.groups)

    def scale_label(self, scale_id: str) -> str:
        return next(s for s in self.q.scales if s.id == scale_id).text(self.lang)

    # sections ----------------------------------------------------------------
    def write(self) -> None:
        self.doc.heading(self.t.get("survey.title"), 1)
        if self.results.statistics.get("n", 0) == 0:
            left_out = self.results.statistics.get("groups_left_out")
            self.doc.paragraph(self.t.get("survey.all_left_out", k=self.k) if left_out else "—")
            return
        self.method()
        self.sample()
        self.response()
        self.reliability()
        self.scale_quality()
        self.descriptives()
        self.comparisons()
        self.associations()
        self.likert()

    def answer_scales(self) -> list[str]:
        """Each answer scale of the scale items, from its choice list: levels and the labels of both ends."""
        described = []
        lists = dict.fromkeys(self.q.question(item).choices for scale in self.q.scales for item in scale.items)
        for name in lists:
            choices = self.q.choice_lists[name].choices
            described.append(self.t.get("survey.answer_scale", n=len(choices),
                                        low=in_language(choices[0].label, self.lang, choices[0].value),
                                        high=in_language(choices[-1].label, self.lang, choices[-1].value)))
        return described

    def method(self) -> None:
        t, lang = self.t, self.lang
        self.doc.heading(t.get("survey.method_heading"), 2)
        scales = "; ".join(f"{s.text(lang).lower() if lang == 'en' else s.text(lang)} ({len(s.items)} items)"
                           if lang == "en" else f"{s.text(lang)} ({len(s.items)} items)" for s in self.q.scales)
        shares = sorted({s.min_answered for s in self.q.scales})
        min_share = " / ".join(apa.percent(100 * x, lang) for x in shares)
        self.doc.paragraph(t.get("survey.method_instrument", title=self.q.title.get(lang, self.q.id),
                                 version=self.q.version, n_scales=len(self.q.scales), scales=scales,
                                 min_share=min_share, answer_scales=self.join(self.answer_scales())))
        self.doc.paragraph(t.get("survey.method_reliability", resamples=self.resamples()))
        self.doc.paragraph(self.method_comparisons())
        associations = self.results.tables.get("associations")
        if len(self.tested) >= 2 and associations is not None and not associations.empty:
            self.doc.paragraph(t.get("survey.method_categorical", n_tests=len(associations)))
        self.doc.paragraph(t.get("survey.method_privacy", k=self.k, k_minus=self.k - 1))

    def resamples(self) -> str:
        """The number of bootstrap resamples of omega, as printed (the number that ran, else the setting)."""
        table = self.results.tables.get("reliability")
        ran = [int(x) for x in table["omega_resamples"] if x == x and x] if table is not None and \
            "omega_resamples" in table else []
        return self.thousands(max(ran) if ran else OMEGA_RESAMPLES)

    def thousands(self, value: int) -> str:
        """1,000 (en) or 1 000 (fr, with a narrow no-break space)."""
        return apa.integer(value, self.lang)

    def sample(self) -> None:
        t, lang = self.t, self.lang
        self.doc.heading(t.get("survey.sample_heading"), 2)
        left_out = self.results.statistics.get("groups_left_out") or []
        by_group = [t.get("survey.sample_group", n=self.count(n), group=self.group_label(g))
                    for g, n in self.results.statistics["n_by_group"].items() if g not in left_out]
        joined = self.join(by_group)
        profile = self.results.tables["profile"]
        asked = [] if profile.empty else list(dict.fromkeys(profile["question"]))
        shorts = [self.q.question(qid).short.get(lang) for qid in asked]
        if asked and all(shorts):  # short names read well in a sentence; whole questions do not
            described = t.get("survey.sample_profile", table=self.doc.tables + 1,
                              questions=self.join([s[0].lower() + s[1:] if s[1:2].islower() else s for s in shorts]))
        else:
            described = t.get("survey.sample_profile_one" if len(asked) == 1 else "survey.sample_profile_count",
                              table=self.doc.tables + 1, n=len(asked))
        self.doc.paragraph(t.get("survey.sample_text", n=self.count_in_text(self.results.statistics["n"]),
                                 by_group=joined, profile=described if asked else ""))
        if left_out:  # said where the numbers start, so that no total is read as including them
            self.doc.paragraph(t.get("survey.sample_left_out", k=self.k,
                                     groups=self.join([self.study.group_label(g, lang) for g in left_out])))
        if not asked:
            return  # no profile question: no profile table
        header = [self.col("variable")]
        spanners = []
        compact = len(self.groups) > 3  # beyond three groups, one "n (%)" column each (as in the interviews)
        for index, g in enumerate(self.groups):
            if compact:
                header.append(self.study.group_label(g, lang))
            else:
                header += [self.col("n"), "%"]
                spanners.append((self.group_label(g), 1 + 2 * index, 2))
        rows: list[list[str]] = []
        bold: set[int] = set()
        for qid, block in profile.groupby("question", sort=False):
            question = self.q.question(qid)
            label = question.short_text(lang)
            bold.add(len(rows))
            rows.append([label] + [""] * (len(header) - 1))
            for _, row in block.iterrows():
                cells = ["\u2003" + self.q.choice_list(question).label_of(row["value"], lang)]
                for g in self.groups:
                    n = row[f"{g}_n"]
                    share = "\u2014" if missing(n) else apa.percent(row[f"{g}_pct"], lang)
                    shown = self.cell(n, protected_in(row, g))
                    cells += [f"{shown} ({share})"] if compact else [shown, share]
                rows.append(cells)
        self.doc.table(TableSpec(t.get("survey.sample_table_title"), header, rows,
                                 t.get("survey.sample_table_note", k=self.k, k_minus=self.k - 1),
                                 bold_rows=bold, spanners=spanners), t.get("report.table"))

    def reliability(self) -> None:
        t, lang = self.t, self.lang
        self.doc.heading(t.get("survey.reliability_heading"), 2)
        table = self.results.tables["reliability"]
        weak = [self.scale_label(s) for s, a in zip(table["scale"], table["alpha"]) if a < 0.70]
        summary = t.get("survey.reliability_weak", scales=self.join(weak)) if weak else \
            t.get("survey.reliability_good")
        self.doc.paragraph(t.get("survey.reliability_text", table=self.doc.tables + 1, summary=summary))
        rows = [[self.scale_label(r.scale), str(r["items"]), str(r.n), apa.bounded(r.alpha, 2, lang),
                 apa.interval(r.alpha_CI95_low, r.alpha_CI95_high, 2, lang, is_bounded=True),
                 # omega only from three items on (a one-factor model is not identified below): a dash otherwise
                 apa.bounded(r.omega, 2, lang) if r["items"] >= MIN_OMEGA_ITEMS else "\u2014",
                 self.interval_or_dash(r.get("omega_CI95_low"), r.get("omega_CI95_high"))
                 if r["items"] >= MIN_OMEGA_ITEMS else "\u2014",
                 apa.bounded(r.min_item_total_r, 2, lang)]
                for _, r in table.iterrows()]
        header = [self.col(c) for c in ("scale", "items", "n", "alpha", "ci", "omega", "ci", "min_rit")]
        note = t.get("survey.reliability_table_note", resamples=self.resamples())
        few = [self.scale_label(r.scale) for _, r in table.iterrows() if r["items"] < MIN_OMEGA_ITEMS]
        if few:
            note += " " + t.get("survey.reliability_note_few_items", scales=self.join(few))
        self.doc.table(TableSpec(t.get("survey.reliability_table_title"), header, rows, note), t.get("report.table"))

    def interval_or_dash(self, low, high) -> str:
        if missing(low) or missing(high):
            return "\u2014"
        return apa.interval(low, high, 2, self.lang, is_bounded=True)

    def descriptives(self) -> None:
        t, lang = self.t, self.lang
        self.doc.heading(t.get("survey.descriptives_heading"), 2)
        self.doc.paragraph(t.get("survey.descriptives_text", table=self.doc.tables + 1))
        table = self.results.tables["descriptives"]
        rows, bold = [], set()
        for scale_id, block in table.groupby("variable", sort=False):
            bold.add(len(rows))
            rows.append([self.scale_label(scale_id), "", "", "", "", ""])
            for _, r in block.iterrows():
                if len(self.groups) == 1 and r.group != "all":
                    continue  # one group: its row would repeat the all-respondents row
                name = t.get("report.all") if r.group == "all" else self.group_label(r.group)
                n = self.cell(r.n, bool(r.get("protected", False)))
                rows.append(["\u2003" + name, n, apa.number(r.M, 2, lang), apa.number(r.SD, 2, lang),
                             apa.number(r.Mdn, 2, lang), apa.number(r.IQR, 2, lang)])
        header = [self.col(c) for c in ("scale", "n", "M", "SD", "Mdn", "IQR")]
        self.doc.table(TableSpec(t.get("survey.descriptives_table_title"), header, rows,
                                 t.get("survey.descriptives_table_note")), t.get("report.table"))

    def method_comparisons(self) -> str:
        """Which test compared the groups and why, or why the groups were not compared."""
        t, stats = self.t, self.results.statistics
        skipped = stats.get("comparisons_skipped")
        if skipped is not None:
            key = "one_group" if len(self.groups) < 2 else "small_groups"
            return t.get(f"survey.method_no_comparison_{key}", k=self.k)
        if len(self.tested) == 2:
            text = t.get(f"survey.method_test_{self.results.test}", group1=self.group_label(self.tested[0]),
                         n_scales=len(self.q.scales))
        else:
            text = t.get(f"survey.method_test_{OMNIBUS[self.results.test]}", n_groups=len(self.tested),
                         n_scales=len(self.q.scales))
        excluded = stats.get("groups_excluded", [])
        if excluded:
            text += " " + t.get("survey.method_groups_excluded", k=self.k,
                                groups=self.join([self.study.group_label(g, self.lang) for g in excluded]))
        return text

    def comparisons(self) -> None:
        t = self.t
        table = self.results.tables.get("comparisons")
        skipped = self.results.statistics.get("comparisons_skipped")
        if skipped is None and (table is None or table.empty):
            return
        self.doc.heading(t.get("survey.comparisons_heading"), 2)
        if skipped is not None or table is None or table.empty:
            key = "one_group" if len(self.groups) < 2 else "small_groups"
            self.doc.paragraph(t.get(f"survey.comparisons_none_{key}", k=self.k))
            return
        two = table[table["k"] == 2]
        more = table[table["k"] > 2]
        if not two.empty:
            self.two_groups(two, len(table))
        if not more.empty:
            self.k_groups(more, len(table))
            self.posthoc(more)
        self.sensitivity(table)

    def sensitivity(self, table) -> None:
        """What the group sizes could detect: per effect size, the range of the smallest effects the tests had 80%
        power for (``detectable_effect``, :func:`mixedmethods.survey.analysis.detectable`)."""
        t, lang = self.t, self.lang
        for effect, block in table.groupby("effect", sort=False):
            source = t.raw("survey.sensitivity_source")[effect]
            values = block["detectable_effect"].dropna().astype(float)
            if values.empty:
                self.doc.paragraph(t.get("survey.sensitivity_none", source=source))
                continue
            shown = apa.number if effect == "g" else apa.bounded
            low, high = shown(values.min(), 2, lang), shown(values.max(), 2, lang)
            value = low if low == high else t.get("survey.sensitivity_range", low=low, high=high)
            effects = f"{t.raw('survey.sensitivity_symbol')[effect]} = {value}"
            self.doc.paragraph(t.get("survey.sensitivity", effects=effects, source=source))

    def two_groups(self, table, n_tests: int) -> None:
        """One sentence per scale naming the two groups, and the table of U or t tests."""
        t, lang, test = self.t, self.lang, self.results.test
        desc = self.results.tables["descriptives"].set_index(["variable", "group"])
        first = None
        for _, r in table.iterrows():
            g1, g2 = r.groups.split(", ")
            first = first or g1
            verdict = t.get("survey.differ") if r.p_holm < 0.05 else t.get("survey.not_differ")
            values = dict(
                scale=self.scale_label(r.scale), group1=self.group_label(g1), group2=self.group_label(g2),
                verdict=verdict, p=apa.p_value(r.p, lang),
                p_holm=apa.p_value(r.p_holm, lang).replace("*p* ", ""),
                ci=apa.interval(r.effect_CI95_low, r.effect_CI95_high, 2, lang, is_bounded=test == "mann-whitney"),
                mdn1=apa.number(desc.loc[(r.scale, g1), "Mdn"], 2, lang),
                mdn2=apa.number(desc.loc[(r.scale, g2), "Mdn"], 2, lang),
                m1=apa.number(desc.loc[(r.scale, g1), "M"], 2, lang),
                m2=apa.number(desc.loc[(r.scale, g2), "M"], 2, lang),
                sd1=apa.number(desc.loc[(r.scale, g1), "SD"], 2, lang),
                sd2=apa.number(desc.loc[(r.scale, g2), "SD"], 2, lang),
            )
            if test == "mann-whitney":
                values.update(statistic=apa.number(r.statistic, 1, lang), effect=apa.bounded(r.effect_size, 2, lang))
            else:
                values.update(statistic=apa.number(r.statistic, 2, lang), df=apa.number(r.df, 2, lang),
                              effect=apa.number(r.effect_size, 2, lang))
            self.doc.paragraph(t.get(f"survey.comparison_sentence_{test}", **values))
        if test == "mann-whitney":
            header = [self.col(c) for c in ("scale", "U", "p", "p_holm", "r_rb", "ci")]
            rows = [[self.scale_label(r.scale), apa.number(r.statistic, 1, lang), apa.p_cell(r.p, lang),
                     apa.p_cell(r.p_holm, lang), apa.bounded(r.effect_size, 2, lang),
                     apa.interval(r.effect_CI95_low, r.effect_CI95_high, 2, lang, is_bounded=True)]
                    for _, r in table.iterrows()]
        else:
            header = [self.col(c) for c in ("scale", "t", "df", "p", "p_holm", "g", "ci")]
            rows = [[self.scale_label(r.scale), apa.number(r.statistic, 2, lang), apa.number(r.df, 2, lang),
                     apa.p_cell(r.p, lang), apa.p_cell(r.p_holm, lang), apa.number(r.effect_size, 2, lang),
                     apa.interval(r.effect_CI95_low, r.effect_CI95_high, 2, lang)]
                    for _, r in table.iterrows()]
        note = t.get(f"survey.comparisons_table_note_{test}", group1=self.group_label(first), n_scales=n_tests)
        score = [self.scale_label(r.scale) for _, r in table.iterrows()
                 if r.get("ci_method") == "Hanley-McNeil score"]
        if score:  # the interval is not the BCa one the note names: say which it is
            note += " " + t.get("survey.comparisons_note_score", scales=self.join(score))
        self.doc.table(TableSpec(t.get("survey.comparisons_table_title"), header, rows, note), t.get("report.table"))

    def k_groups(self, table, n_tests: int) -> None:
        """One sentence per scale for three or more groups, and the table of H or F tests."""
        t, lang = self.t, self.lang
        test = OMNIBUS[self.results.test]
        for _, r in table.iterrows():
            verdict = t.get("survey.differ") if r.p_holm < 0.05 else t.get("survey.not_differ")
            self.doc.paragraph(t.get(
                f"survey.comparison_sentence_{test}", scale=self.scale_label(r.scale), verdict=verdict,
                n_groups=int(r.k), df=apa.degrees_of_freedom(r.df, r.df2 if test == "welch-anova" else None, lang),
                statistic=apa.number(r.statistic, 2, lang), p=apa.p_value(r.p, lang),
                p_holm=apa.p_value(r.p_holm, lang).replace("*p* ", ""), effect=apa.bounded(r.effect_size, 2, lang),
                ci=self.effect_ci(r)))
        symbol, effect = ("H", "epsilon2") if test == "kruskal-wallis" else ("F", "omega2")
        header = [self.col(c) for c in ("scale", symbol, "df", "p", "p_holm", effect, "ci")]
        rows = [[self.scale_label(r.scale), apa.number(r.statistic, 2, lang),
                 apa.degrees_of_freedom(r.df, r.df2 if test == "welch-anova" else None, lang),
                 apa.p_cell(r.p, lang), apa.p_cell(r.p_holm, lang), apa.bounded(r.effect_size, 2, lang),
                 self.effect_ci(r)] for _, r in table.iterrows()]
        excluded = self.results.statistics.get("groups_excluded", [])
        note = t.get(f"survey.comparisons_table_note_{test}", n_scales=n_tests)
        if excluded:
            note += " " + t.get("survey.comparisons_note_excluded", k=self.k,
                                groups=self.join([self.study.group_label(g, self.lang) for g in excluded]))
        percentile = [self.scale_label(r.scale) for _, r in table.iterrows() if r.ci_method == "percentile"]
        if percentile:
            note += " " + t.get("survey.comparisons_note_percentile", scales=self.join(percentile))
        self.doc.table(TableSpec(t.get("survey.comparisons_table_title"), header, rows, note), t.get("report.table"))

    def effect_ci(self, r) -> str:
        if missing(r.effect_CI95_low) or missing(r.effect_CI95_high):
            return "\u2014"
        return apa.interval(r.effect_CI95_low, r.effect_CI95_high, 2, self.lang, is_bounded=True)

    def posthoc(self, omnibus) -> None:
        """Pairs of groups on the scales whose omnibus test was significant after Holm's correction."""
        t, lang = self.t, self.lang
        table = self.results.tables.get("posthoc")
        significant = list(omnibus.loc[omnibus["p_holm"] < 0.05, "scale"])
        test = "dunn" if self.results.test == "mann-whitney" else "games-howell"
        if table is None or table.empty or not significant:
            self.doc.paragraph(t.get("survey.posthoc_none"))
            return
        shown = table[table["scale"].isin(significant)]
        subscript = "*p*_[Holm]" if test == "dunn" else "*p*_[GH]"
        pairs = []
        for scale_id, block in shown.groupby("scale", sort=False):
            scale = self.scale_label(scale_id)
            scale = scale[0].lower() + scale[1:] if len(scale) > 1 and scale[1].islower() else scale  # mid-sentence
            differing = block[block["p_adjusted"] < 0.05]
            winners = [(r.group_a if r.statistic > 0 else r.group_b) for r in differing.itertuples()]
            if len(differing) > MAX_PAIRS_IN_A_SENTENCE:
                # Many groups: one clause per scale (how many pairs differ, which group most often scores higher);
                # every pair is in the table.
                top = max(dict.fromkeys(winners), key=winners.count)
                pairs.append(t.get("survey.posthoc_scale_summary", scale=scale, n_sig=len(differing),
                                   n_pairs=len(block), top=self.group_label(top), wins=winners.count(top)))
                continue
            for r, higher in zip(differing.itertuples(), winners):
                lower = r.group_b if higher == r.group_a else r.group_a
                pairs.append(t.get("survey.posthoc_pair", scale=scale, higher=self.group_label(higher),
                                   lower=self.group_label(lower),
                                   p=apa.p_value(r.p_adjusted, lang).replace("*p*", subscript)))
        summary = self.join(pairs) if pairs else t.get("survey.posthoc_no_pair")
        self.doc.paragraph(t.get(f"survey.posthoc_text_{test}", table=self.doc.tables + 1, summary=summary))
        columns = ("pair", "z", "p", "p_holm", "r_rb") if test == "dunn" else ("pair", "t", "df", "p", "p_gh", "g")
        rows, bold = [], set()
        for scale_id, block in shown.groupby("scale", sort=False):
            bold.add(len(rows))
            rows.append([self.scale_label(scale_id)] + [""] * (len(columns) - 1))
            for _, r in block.iterrows():
                first, second = self.study.group_label(r.group_a, lang), self.study.group_label(r.group_b, lang)
                pair = f"\u2003{first} \u2013 {second}"
                if test == "dunn":
                    rows.append([pair, apa.number(r.statistic, 2, lang), apa.p_cell(r.p, lang),
                                 apa.p_cell(r.p_adjusted, lang), apa.bounded(r.effect_size, 2, lang)])
                else:
                    rows.append([pair, apa.number(r.statistic, 2, lang), apa.number(r.df, 2, lang),
                                 apa.p_cell(r.p, lang), apa.p_cell(r.p_adjusted, lang),
                                 apa.number(r.effect_size, 2, lang)])
        header = [self.col(c) for c in columns]
        self.doc.table(TableSpec(t.get("survey.posthoc_table_title"), header, rows,
                                 t.get(f"survey.posthoc_table_note_{test}"), bold_rows=bold), t.get("report.table"))

    def associations(self) -> None:
        table = self.results.tables.get("associations")
        withheld = self.results.statistics.get("associations_withheld") or []
        if (table is None or table.empty) and not withheld:
            return
        t, lang = self.t, self.lang
        self.doc.heading(t.get("survey.associations_heading"), 2)
        if withheld:
            self.doc.paragraph(t.get("survey.associations_withheld", k=self.k, questions=self.join(
                [self.q.question(q).short_text(lang) for q in withheld])))
        if table is None or table.empty:
            return
        for _, r in table.iterrows():
            label = self.q.question(r.question).short_text(lang)
            common = dict(question=label, n=int(r.n), p=apa.p_value(r.p, lang),
                          p_holm=apa.p_value(r.p_holm, lang).replace("*p* ", ""),
                          v=apa.bounded(r.cramers_v, 2, lang),
                          v_ci=self.interval_or_dash(r.cramers_v_CI95_low, r.cramers_v_CI95_high))
            if r.test == "fisher":
                text = t.get("survey.association_sentence_fisher", **common)
            elif r.test == "fisher-monte-carlo":  # the label says what ran: simulated tables and their seed
                text = t.get("survey.association_sentence_fisher_monte_carlo", tables=self.thousands(r.tables),
                             seed=str(r.seed), **common)
            else:
                text = t.get("survey.association_sentence_chi", df=int(r.df),
                             statistic=apa.number(r.statistic, 2, lang), **common)
            self.doc.paragraph(text)

    def likert(self) -> None:
        shares_table = self.results.likert
        if shares_table is None or shares_table.empty:
            return
        t, lang = self.t, self.lang
        self.doc.heading(t.get("survey.likert_heading"), 2)
        level_columns = [c for c in shares_table.columns if c not in ("scale", "item", "n")]
        first_item = self.q.question(shares_table["item"].iloc[0])
        choice_list = self.q.choice_list(first_item)
        levels = [choice_list.label_of(v, lang) for v in choice_list.values()]
        items = [self.q.question(i).text(lang) + (" (R)" if self.q.question(i).reverse else "")
                 for i in shares_table["item"]]
        blocks = [self.scale_label(s) for s in shares_table["scale"]]
        # Many items do not fit one page at a readable size: one chart per page-full of whole scales, split
        # alike in every edition (measured with each label's longest translation), so figure numbers agree.
        parts = likert_parts(*self.likert_widest(shares_table, choice_list), LIKERT_WIDTH_CM)
        first = self.doc.figures + 1
        if len(parts) == 1:
            self.doc.paragraph(t.get("survey.likert_text", figure=first))
        else:
            self.doc.paragraph(t.get("survey.likert_text_parts", figure=first, last=first + len(parts) - 1))
        names = [f"survey-likert{'' if len(parts) == 1 else f'-{n}'}.{lang}.png" for n in range(1, len(parts) + 1)]
        shares = shares_table[level_columns].to_numpy(dtype=float)
        agree_from = len(level_columns) - len(level_columns) // 2  # the levels above the middle
        for number, part in enumerate(parts, start=1):
            path = diverging_likert(shares[part], [items[i] for i in part], levels, [blocks[i] for i in part],
                                    self.figures_dir / names[number - 1], t.get("survey.likert_axis"),
                                    language=lang, width_cm=LIKERT_WIDTH_CM)
            agree = {i: float(shares[i, agree_from:].sum()) for i in part}
            low, high = min(agree, key=agree.get), max(agree, key=agree.get)
            alt = t.get("survey.likert_alt", items=len(part), scales=self.join(list(dict.fromkeys(
                blocks[i] for i in part))), low=apa.percent(agree[low], lang), low_item=items[low].rstrip("."),
                high=apa.percent(agree[high], lang), high_item=items[high].rstrip("."))
            title = t.get("survey.likert_figure_title") if len(parts) == 1 else t.get(
                "survey.likert_figure_title_part", part=number, parts=len(parts))
            self.doc.figure(path, title, t.get("survey.likert_figure_note"), width_cm=LIKERT_WIDTH_CM,
                            label=t.get("report.figure"), alt_text=alt)

    def likert_widest(self, shares_table, choice_list) -> tuple[list[str], list[str], list[str]]:
        """Item, scale and answer labels in whichever of the study's languages is longest, label by label."""
        languages = list(dict.fromkeys([self.lang, *self.study.languages]))

        def widest(texts: list[str]) -> str:
            return max(texts, key=len)

        items = [widest([self.q.question(i).text(lang) + (" (R)" if self.q.question(i).reverse else "")
                         for lang in languages]) for i in shares_table["item"]]
        scales = [widest([next(s for s in self.q.scales if s.id == scale).text(lang) for lang in languages])
                  for scale in shares_table["scale"]]
        levels = [widest([choice_list.label_of(v, lang) for lang in languages]) for v in choice_list.values()]
        return items, scales, levels
