"""The triangulation chapter: method, coverage, correlations, convergence matrix, joint displays."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from . import apa
from ..disclosure import protected_in
from .chapter import Chapter, missing
from .document import ReportDocument, TableSpec
from .texts import Texts

if TYPE_CHECKING:
    from ..study import Study
    from ..triangulation.analysis import TriangulationResults


class TriangulationChapter(Chapter):
    section = "triangulation"

    def __init__(self, doc: ReportDocument, results: "TriangulationResults", study: "Study", texts: Texts,
                 figures_dir: Path) -> None:
        super().__init__(doc, study, texts, figures_dir, results.min_cell_size)
        self.results = results
        self.labels = {c.id: c.label.get(self.lang) or c.id for c in results.constructs}
        self.sources = self.t.raw("triangulation.sources")

    def write(self) -> None:
        from ..triangulation.statistics import MIN_GROUP, MIN_PAIRS

        tables = self.results.tables
        self.doc.heading(self.text("title"), 1)
        self.doc.heading(self.text("method_heading"), 2)
        n_tests = sum(int(tables[name]["p"].notna().sum()) for name in ("correlations", "comparisons")
                      if name in tables and "p" in tables[name])
        self.doc.paragraph(self.text("method_text", min_pairs=MIN_PAIRS, n_tests=n_tests,
                                     groups=self.method_groups(MIN_GROUP)))
        self.doc.paragraph(self.method_rules())
        if len(self.groups) >= 3:
            self.doc.paragraph(self.text("method_rules_k", sesoi_eta=apa.bounded(self.sesoi("epsilon2"), 3, self.lang)))
        self.coverage()
        if not self.results.constructs:
            return
        self.correlations(MIN_PAIRS)
        self.matrix()
        self.joint_displays()

    def sesoi(self, kind: str) -> float:
        """The smallest effect of interest in the metric ``kind`` (r, r_rb, g, epsilon2)."""
        from ..power import effect_from_r

        return effect_from_r(self.study.triangulation.smallest_effect, kind)

    def method_rules(self) -> str:
        """The convergence rules, the smallest effect of interest in each metric and where power comes from."""
        from ..triangulation.convergence import MIN_POWER

        lang = self.lang
        from ..study import TriangulationOptions

        default = self.study.triangulation.smallest_effect == TriangulationOptions().smallest_effect
        return self.text("method_rules", sesoi_r=apa.bounded(self.sesoi("r"), 2, lang),
                         sesoi_source=self.text("sesoi_default" if default else "sesoi_set"),
                         sesoi_rb=apa.bounded(self.sesoi("r_rb"), 3, lang),
                         sesoi_g=apa.number(self.sesoi("g"), 3, lang),
                         sesoi_eta=apa.bounded(self.sesoi("epsilon2"), 3, lang),
                         min_power=apa.bounded(MIN_POWER, 2, lang))

    def method_groups(self, min_group: int) -> str:
        """The sentence on group comparisons: two groups, k groups, or why there are none."""
        if len(self.groups) < 2:
            return self.text("method_groups_one")
        if len(self.groups) == 2:
            return self.text("method_groups_two", min_group=max(min_group, self.k))
        test = "kruskal" if self.study.report.group_test == "mann-whitney" else "welch"
        return self.text(f"method_groups_k_{test}", n_groups=len(self.groups), min_group=max(min_group, self.k))

    def coverage(self) -> None:
        self.doc.heading(self.text("coverage_heading"), 2)
        self.doc.paragraph(self.text("coverage_text", table=self.doc.tables + 1))
        table = self.results.tables["coverage"]
        rows = [[" + ".join(self.sources[s] for s in r["sources"].split(" + ")),
                 *[self.cell(r[g], protected_in(r, g)) for g in self.groups],
                 self.cell(r["all"], protected_in(r, "all"))] for _, r in table.iterrows()]
        header = [self.col("sources"), *[self.study.group_label(g, self.lang) for g in self.groups],
                  self.t.get("report.all")]
        self.doc.table(TableSpec(self.text("coverage_table_title"), header, rows,
                                 self.text("coverage_table_note", k=self.k, k_minus=self.k - 1)),
                       self.t.get("report.table"))

    def correlations(self, min_pairs: int) -> None:
        table = self.results.tables["correlations"]
        lang = self.lang
        self.doc.heading(self.text("correlations_heading"), 2)
        tested = table[table["p_holm"].notna()]
        summary = self.text("correlations_summary", n_sig=int((tested["p_holm"] < 0.05).sum()), n=len(tested)) \
            if len(tested) else self.text("correlations_none", min_pairs=min_pairs)
        self.doc.paragraph(self.text("correlations_text", table=self.doc.tables + 1, summary=summary))
        rows = []
        for _, r in table.iterrows():
            pair = f"{self.sources[r['source_a']]} \u2013 {self.sources[r['source_b']]}"
            if missing(r["rho"]):
                rows.append([self.labels[r["construct"]], pair, apa.integer(r["n"], lang),
                             "\u2014", "\u2014", "\u2014"])
            else:
                rows.append([self.labels[r["construct"]], pair, apa.integer(r["n"], lang),
                             apa.bounded(r["rho"], 2, lang),
                             apa.interval(r["CI95_low"], r["CI95_high"], 2, lang, is_bounded=True),
                             apa.p_cell(r["p_holm"], lang)])
        header = [self.col(c) for c in ("construct", "pair", "n", "rho", "ci", "p_holm")]
        self.doc.table(TableSpec(self.text("correlations_table_title"), header, rows,
                                 self.text("correlations_table_note", min_pairs=min_pairs), align=["l", "l", "r", "r",
                                                                                                   "r", "r"]),
                       self.t.get("report.table"))

    def matrix(self) -> None:
        """The verdict of each construct and pair of sources, with the rule that decided it in words."""
        matrix = self.results.tables["convergence"]
        verdicts = self.t.raw("triangulation.verdicts")
        self.doc.heading(self.text("matrix_heading"), 2)
        counts = self.join([f"{verdicts[v]} {n}" for v, n in matrix["verdict"].value_counts().items()])
        self.doc.paragraph(self.text("matrix_text", table=self.doc.tables + 1, counts=counts))
        rows = [[self.labels[r["construct"]], f"{self.sources[r['source_a']]} \u2013 {self.sources[r['source_b']]}",
                 verdicts[r["verdict"]], self.rule_words(r)] for _, r in matrix.iterrows()]
        header = [self.col(c) for c in ("construct", "pair", "verdict", "rule")]
        self.doc.table(TableSpec(self.text("matrix_table_title"), header, rows,
                                 self.text("matrix_table_note", sesoi_r=apa.bounded(self.sesoi("r"), 2, self.lang)),
                                 align=["l"] * len(header)), self.t.get("report.table"))

    def rule_words(self, row) -> str:
        """The rule of one matrix row in words; the power of the sources too small to tell, where inconclusive."""
        lang = self.lang
        limited = [name.strip() for name in str(row.get("limited") or "").split(",") if name.strip()]
        if row["rule"] == "low_power":
            power_of = {row["source_a"]: row.get("power_a"), row["source_b"]: row.get("power_b"),
                        "correlation": row.get("power_correlation")}
            parts = []
            for name in limited:
                power = power_of.get(name)
                shown = self.text("power_unknown") if missing(power) else apa.bounded(power, 2, lang)
                who = self.text("correlation_word") if name == "correlation" else self.sources[name]
                parts.append(self.text("power_part", source=who, power=shown))
            return self.text("rules.low_power", parts=self.text("parts_separator").join(parts))
        return self.text(f"rules.{row['rule']}", sources=self.join([self.sources[n] for n in limited
                                                                    if n in self.sources]))

    def convergence_figure(self) -> None:
        """Constructs x pairs of sources, one mark (colour, shape and letter) per verdict, with its alt text."""
        from ..triangulation.statistics import PAIRS
        from .convergence_figure import alt_text, convergence_figure

        matrix = self.results.tables.get("convergence")
        if matrix is None or matrix.empty:
            return
        pairs = [pair for pair in PAIRS if ((matrix["source_a"] == pair[0]) & (matrix["source_b"] == pair[1])).any()]
        constructs = [c for c in self.results.constructs if (matrix["construct"] == c.id).any()]
        found = {(r["construct"], r["source_a"], r["source_b"]): r["verdict"] for _, r in matrix.iterrows()}
        verdicts = [[found.get((c.id, a, b), "not available") for a, b in pairs] for c in constructs]
        construct_labels = [self.labels[c.id] for c in constructs]
        pair_labels = [f"{self.sources[a]} \u2013 {self.sources[b]}" for a, b in pairs]
        words = self.t.raw("triangulation.verdicts")
        path = convergence_figure(verdicts, construct_labels, pair_labels, words,
                                  self.t.raw("triangulation.verdict_letters"),
                                  self.figures_dir / f"triangulation-convergence.{self.lang}.png")
        described = alt_text(verdicts, construct_labels, pair_labels, words, self.text("figure_alt"),
                             self.text("figure_alt_row"), self.text("parts_separator"))
        number = self.doc.figures + 1
        self.doc.paragraph(self.text("figure_text", figure=number))
        self.add_figure(path, self.text("figure_title"), self.text("figure_note"), described)

    def add_figure(self, path: Path, title: str, note: str, described: str) -> None:
        """``doc.figure`` with its alt text (docx ``descr``), at its drawn size (never enlarged, so that 8-point
        text prints at 8 points), at most 15 cm wide."""
        from .figure_style import drawn_width_cm

        self.doc.figure(path, title, note, width_cm=min(15.0, drawn_width_cm(path)),
                        label=self.t.get("report.figure"), alt_text=described)

    def joint_displays(self) -> None:
        """One side-by-side joint display per construct family: rows = constructs, a column per source with its
        finding in words and numbers, then the meta-inference; quotes in the note (at most one per participant)."""
        from ..triangulation.analysis import display_quotes
        from ..triangulation.constructs import families

        self.doc.heading(self.text("joint_heading"), 2)
        inferences = self.results.tables.get("joint_display")
        displays = families(self.results.constructs)
        self.doc.paragraph(self.text("joint_text", first=self.doc.tables + 1, last=self.doc.tables + len(displays))
                           if len(displays) > 1 else self.text("joint_text_single", table=self.doc.tables + 1))
        self.doc.paragraph(self.text("meta_method"))
        for family, members in displays:
            sources = [s for s in ("survey", "interviews", "chats") if any(s in c.indicators for c in members)]
            quotes = display_quotes([c.id for c in members], self.results.quote_candidates)
            header = [self.col("construct"), *[self.sources[s] for s in sources], self.col("meta_inference")]
            rows = []
            for construct in members:
                rows.extend(self.construct_rows(construct, sources, inferences))
            title = self.text("joint_table_title", family=self.family_label(family)) if family \
                else self.text("joint_table_title_all")
            self.doc.table(TableSpec(title, header, rows, self.joint_note(members, quotes),
                                     align=["l"] * len(header)), self.t.get("report.table"))
        self.convergence_figure()

    def family_label(self, family: dict[str, str]) -> str:
        return family.get(self.lang) or next(iter(family.values()), "")

    def construct_words(self, construct_id: str) -> str:
        """The construct's label inside a sentence (a capital kept only for acronyms)."""
        label = self.labels[construct_id]
        return label[0].lower() + label[1:] if len(label) > 1 and label[1].islower() else label

    def indicator_words(self, construct, source: str) -> str:
        """The indicator as the instruments name it, in the report's language, with its unit or range."""
        indicator = construct.indicators[source]
        if source == "survey":
            questionnaire = self.study.questionnaire()
            if indicator.scale:
                scale = next(s for s in questionnaire.scales if s.id == indicator.scale)
                low, high = self.answer_range(questionnaire, scale.items)
                key = "scale_sum" if scale.scoring == "sum" else "scale_mean"
                return self.text(f"measures.{key}", scale=scale.text(self.lang), low=low, high=high)
            question = questionnaire.question(indicator.item)
            low, high = self.answer_range(questionnaire, [indicator.item])
            if low is None:
                return self.text("measures.item_plain", item=question.text(self.lang))
            return self.text("measures.item", item=question.text(self.lang), low=low, high=high)
        if source == "interviews":
            codebook = self.study.codebook()
            codes = self.join([f"\u201c{codebook.code(c).text(self.lang)}\u201d" if self.lang == "en"
                               else f"\u00ab\u00a0{codebook.code(c).text(self.lang)}\u00a0\u00bb"
                               for c in indicator.codes], "or")
            return self.text(f"measures.{indicator.measure}", codes=codes)
        return self.t.raw("triangulation.indicators").get(indicator.metric, self.text("measures.chat_other"))

    def answer_range(self, questionnaire, items: list[str]) -> tuple[str | None, str | None]:
        """Lowest and highest answer value of the items' choice lists, formatted (None for open questions)."""
        lows, highs = [], []
        for item in items:
            question = questionnaire.question(item)
            try:
                low, high = questionnaire.choice_list(question).numeric_range()
            except (KeyError, ValueError, TypeError, AttributeError):
                return None, None
            lows.append(low)
            highs.append(high)
        if not lows:
            return None, None
        fmt = (lambda v: str(int(v)) if float(v).is_integer() else apa.number(v, 1, self.lang))
        return fmt(min(lows)), fmt(max(highs))

    def construct_rows(self, construct, sources: list[str], inferences) -> list[list[str]]:
        """A construct's rows: its label, each source's indicator in words and the meta-inference; then one row
        per group with each source's value; then the group difference with its 95% CI and what it shows."""
        lang = self.lang
        joint = self.results.joint.get(construct.id)
        by_source = {r["source"]: r for _, r in joint.iterrows()} if joint is not None else {}
        indent = "\u2003"  # an em space: group rows sit under their construct
        first = [f"*{self.labels[construct.id]}*"]
        for source in sources:
            row = by_source.get(source)
            if row is None:
                first.append(self.text("no_indicator"))
                continue
            first.append("\n".join([self.indicator_words(construct, source),
                                    self.text(f"oriented_{row['direction']}",
                                              construct=self.construct_words(construct.id))]))
        rows = [[*first, self.meta_cell(construct.id, inferences)]]
        for group in self.groups:
            cells = []
            for source in sources:
                row = by_source.get(source)
                value = None if row is None else row.get(f"{group}_value")
                cells.append("\u2014" if missing(value) else apa.percent(value, lang)
                             if row.get("summary") == "percent" else apa.number(value, 2, lang))
            rows.append([indent + self.study.group_label(group, lang), *cells, ""])
        if len(self.groups) > 1:
            rows.append([indent + self.text("difference_row"),
                         *[self.difference(by_source[s]) if s in by_source else "" for s in sources], ""])
        return rows

    def difference(self, row) -> str:
        """The group difference of one source: effect [95% CI] and what it shows, in words."""
        lang = self.lang
        if missing(row.get("effect_size")):
            return self.text("finding_not_tested")
        bounded = row["effect"] != "g"  # Hedges' g can exceed 1; r_rb, epsilon2 and omega2 cannot
        fmt = apa.bounded if bounded else apa.number
        effect = (f"{self.t.raw('triangulation.effects')[row['effect']]} = {fmt(row['effect_size'], 2, lang)} "
                  f"{apa.interval(row['effect_CI95_low'], row['effect_CI95_high'], 2, lang, bounded)}")
        if row["finding"] == "more_in" and not missing(row.get("highest")):
            reading = self.text("finding_more_in", group=self.group_label(row["highest"]))
        else:
            reading = self.text(f"finding_{row['finding']}")
        return f"{effect}\n{reading}"

    def meta_cell(self, construct_id: str, table) -> str:
        """The meta-inference in a word, then the pairs that decided it."""
        if table is None or table.empty or not (table["construct"] == construct_id).any():
            return self.text("meta.none")
        row = table[table["construct"] == construct_id].iloc[0]
        inference = row["meta_inference"]
        found = {r["construct"]: r for r in self.results.statistics.get("meta_inferences", [])}.get(construct_id, {})
        pairs = found.get("dissonant_pairs" if inference == "discordance" else "agreeing_pairs") or ""
        named = self.join([" \u2013 ".join(self.sources[s] for s in pair.split("-")) for pair in
                           [p.strip() for p in pairs.split(",") if p.strip()]])
        return f"*{self.text('meta.' + inference)}*\n{self.text('meta_why.' + row['meta_rule'], pairs=named)}"

    def joint_note(self, members, quotes: dict[str, dict]) -> str:
        """How to read the display, then one quote per construct (at most one per participant)."""
        from babel import Locale

        if len(self.groups) < 2:
            note = self.text("joint_table_note_one", k=self.k)
        else:
            note = self.text("joint_table_note_k" if len(self.groups) >= 3 else "joint_table_note", k=self.k)
        lines = []
        for construct in members:
            quote = quotes.get(construct.id)
            if quote is None:
                continue
            said = str(quote.get("language") or "")
            translation = ""
            if said and said != self.lang:
                name = Locale.parse(self.lang).languages.get(said)
                if name:
                    translation = self.text("quote_original", language=name)
            lines.append(self.text("quote_line", construct=self.labels[construct.id], quote=quote["quote"],
                                   participant=quote["participant_id"],
                                   group=self.group_label(quote["group"]) if quote.get("group") else "",
                                   translation=translation))
        if lines:
            note += " " + self.text("quotes_intro") + " " + " ".join(lines)
        elif any("interviews" in c.indicators for c in members):
            note += " " + self.text("no_quote")
        return note
