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

    def joint_displays(self) -> None:
        lang = self.lang
        self.doc.heading(self.text("joint_heading"), 2)
        self.doc.paragraph(self.text("joint_text" if len(self.groups) > 1 else "joint_text_one_group"))
        symbols = self.t.raw("triangulation.effects")
        many = len(self.groups) >= 3
        for construct in self.results.constructs:
            table = self.results.joint[construct.id]
            header = [self.col("source"), self.col("indicator"),
                      *[self.study.group_label(g, lang) for g in self.groups], self.col("effect"), self.col("p_holm")]
            rows = []
            for _, r in table.iterrows():
                medians = [("\u2014" if missing(r.get(f"{g}_median")) else apa.number(r[f"{g}_median"], 2, lang))
                           for g in self.groups]
                if missing(r.get("effect_size")):
                    effect, p = "\u2014", "\u2014"
                else:
                    bounded = r["effect"] != "g"  # Hedges' g can exceed 1; r_rb, epsilon2 and omega2 cannot
                    fmt = apa.bounded if bounded else apa.number
                    effect = (f"{fmt(r['effect_size'], 2, lang)} "
                              f"{apa.interval(r['effect_CI95_low'], r['effect_CI95_high'], 2, lang, bounded)}")
                    if many:  # a source may compare fewer groups than the study has: name the statistic
                        effect = f"{symbols[r['effect']]} = {effect}"
                    p = apa.p_cell(r["p_holm"], lang)
                rows.append([self.sources[r["source"]], str(r["indicator"]), *medians, effect, p])
            quote = self.results.quotes.get(construct.id) or self.text("no_quote")
            if len(self.groups) < 2:
                note = self.text("joint_table_note_one", k=self.k, quote=quote)
            elif many:
                note = self.text("joint_table_note_k", k=self.k, quote=quote)
            else:
                note = self.text("joint_table_note", k=self.k, group1=self.group_label(self.groups[0]), quote=quote)
            self.doc.table(TableSpec(self.text("joint_table_title", construct=self.labels[construct.id]), header, rows,
                                     note, align=["l", "l"] + ["r"] * (len(header) - 2)), self.t.get("report.table"))
