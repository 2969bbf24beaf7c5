"""The interview chapter: method, codebook, themes by group, co-occurrence, agreement, quotes.

Input: :class:`~mixedmethods.interviews.analysis.InterviewResults`; output:
paragraphs, tables and a figure in a :class:`~.document.ReportDocument`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from . import apa
from ..disclosure import protected_in
from .chapter import Chapter, missing
from .document import ReportDocument, TableSpec
from .figure_style import drawn_width_cm
from .figures import heatmap
from .texts import Texts

if TYPE_CHECKING:
    from ..instrument.codebook import Codebook
    from ..interviews.analysis import InterviewResults
    from ..study import Study


SUPERSCRIPT_LETTERS = "\u1d43\u1d47\u1d9c\u1d48\u1d49\u1da0"  # a b c d e f: which reason a dash stands for


def whole(n: int, language: str) -> str:
    """A count with thousands grouped: 1,311 in English, 1 311 (narrow no-break space) in French.

    >>> whole(1311, "en"), whole(2000, "fr") == "2\u202f000"
    ('1,311', True)
    """
    return apa.integer(n, language)


class InterviewChapter(Chapter):
    section = "interviews"

    def __init__(self, doc: ReportDocument, results: "InterviewResults", study: "Study", codebook: "Codebook",
                 texts: Texts, figures_dir: Path) -> None:
        super().__init__(doc, study, texts, figures_dir, results.min_cell_size)
        self.results, self.codebook = results, codebook

    def label(self, code_id: str) -> str:
        return self.codebook.code(code_id).text(self.lang)

    def write(self) -> None:
        self.doc.heading(self.text("title"), 1)
        if not (self.results.statistics.get("transcripts") or self.results.statistics.get("transcripts_withheld")):
            self.doc.paragraph("\u2014")
            return
        self.method()
        self.codebook_table()
        self.frequencies()
        self.cooccurrence()
        self.agreement()
        self.quotes()

    def method(self) -> None:
        stats = self.results.statistics
        self.doc.heading(self.text("method_heading"), 2)
        by_group = [self.text("group_count", n=self.count(n), group=self.group_label(g))
                    for g, n in stats["interviewed_by_group"].items()]
        agreement = self.results.tables.get("agreement")
        n_double = int(agreement["transcripts"].iloc[0]) if agreement is not None and not agreement.empty else 0
        self.doc.paragraph(self.text("method_material", n=self.count_in_text(stats.get("interviewed"),
                                                                       bool(stats.get("interviewed_withheld"))),
                                     by_group=self.join(by_group), n_themes=len(self.codebook.codes),
                                     n_codes=len(self.codebook.ids()) - len(self.codebook.codes),
                                     table=self.doc.tables + 1, n_coders=len(stats["coders"])))
        self.doc.paragraph(self.text("method_units"))
        if n_double:
            overall = agreement[agreement["code"] == "all"].iloc[0]
            self.doc.paragraph(self.text("method_agreement", n_double=n_double, n_coders=int(overall["coders"]),
                                         n_units=whole(int(agreement["units"].iloc[0]), self.lang),
                                         resamples=whole(int(overall["resamples"]), self.lang),
                                         min_units=int(overall["min_units"])))
            if int(overall["coders"]) > 2:
                self.doc.paragraph(self.text("method_agreement_pairs"))
        self.doc.paragraph(self.text("method_quotes"))

    def codebook_table(self) -> None:
        rows, bold = [], set()
        for code, parent in self.codebook.walk():
            if parent is None:
                bold.add(len(rows))
            indent = "" if parent is None else "\u2003"
            rows.append([indent + code.text(self.lang), code.definition.get(self.lang, "")])
        header = [self.col("code"), self.col("definition")]
        self.doc.table(TableSpec(self.text("codebook_table_title"), header, rows, self.text("codebook_table_note", path=self.study.relative(self.study.codebook_path)),
                                 align=["l", "l"], bold_rows=bold), self.t.get("report.table"))

    def frequencies(self) -> None:
        table = self.results.tables["frequencies"]
        interviewed = self.results.statistics["interviewed_by_group"]
        self.doc.heading(self.text("frequencies_heading"), 2)
        themes = table[table["level"] == 1].dropna(subset=["all_n"])
        themes = themes[themes["all_n"] > 0].sort_values("all_n", ascending=False)
        total = self.results.statistics.get("interviewed")
        # A most frequent theme is named only when it and the number of interviewees can both be shown.
        summary = self.text("frequencies_summary", theme=self.label(themes["code"].iloc[0]).lower()
                            if self.lang == "en" else self.label(themes["code"].iloc[0]),
                            n=int(themes["all_n"].iloc[0]), total=total) \
            if not themes.empty and not missing(total) else ""
        self.doc.paragraph(self.text("frequencies_text", table=self.doc.tables + 1, summary=summary))
        # Up to three groups: n and % in columns of their own under the group; more groups: one "n (%)"
        # column each, so that a dozen groups still fit the page.
        compact = len(self.groups) > 3
        header, spanners = [self.col("code")], []
        for index, group in enumerate(self.groups):
            title = f"{self.study.group_label(group, self.lang)} ({self.count(interviewed.get(group))})"
            if compact:
                header.append(title)
            else:
                header += [self.t.get("survey.columns.n"), "%"]
                spanners.append((title, 1 + 2 * index, 2))
        # All interviewees, when there are several groups and their number may be shown (the summary cites it).
        everyone = len(self.groups) > 1 and not missing(total) and "all_pct" in table.columns
        if everyone:
            title = f"{self.t.get('whole.all_interviewees')} ({self.count(total)})"
            if compact:
                header.append(title)
            else:
                header += [self.t.get("survey.columns.n"), "%"]
                spanners.append((title, 1 + 2 * len(self.groups), 2))
        rows, bold = [], set()
        for _, row in table.iterrows():
            if row["level"] == 1:
                bold.add(len(rows))
            cells = [("" if row["level"] == 1 else "\u2003") + self.label(row["code"])]
            for group in self.groups + (["all"] if everyone else []):
                n = row[f"{group}_n"]
                share = "\u2014" if missing(n) else apa.percent(row[f"{group}_pct"], self.lang)
                shown = self.cell(n, protected_in(row, "all_n" if group == "all" else group))
                cells += [f"{shown} ({share})"] if compact else [shown, share]
            rows.append(cells)
        self.doc.table(TableSpec(self.text("frequencies_table_title"), header, rows,
                                 self.text("frequencies_table_note", k=self.k, k_minus=self.k - 1),
                                 bold_rows=bold, spanners=spanners), self.t.get("report.table"))

    def cooccurrence(self) -> None:
        matrix = self.results.cooccurrence
        if matrix is None or matrix.empty:
            return
        self.doc.heading(self.text("cooccurrence_heading"), 2)
        best = None
        for a_index, a in enumerate(matrix.index):
            for b in matrix.columns[a_index + 1:]:
                if matrix.loc[a, b] > 0 and (best is None or matrix.loc[a, b] > best[2]):
                    best = (a, b, int(matrix.loc[a, b]))
        summary = self.text("cooccurrence_summary", a=self.label(best[0]), b=self.label(best[1]), n=best[2]) \
            if best else self.text("cooccurrence_none")
        self.doc.paragraph(self.text("cooccurrence_text", figure=self.doc.figures + 1, summary=summary))
        labels = [self.label(code) for code in matrix.index]
        # Drawn at most 16 cm wide, narrower for few themes; printed at the width drawn, so 8.5 pt stays 8.5 pt.
        path = heatmap(matrix.to_numpy(), labels, self.figures_dir / f"interviews-cooccurrence.{self.lang}.png",
                       self.text("cooccurrence_axis"), language=self.lang, width_cm=16.0)
        width = drawn_width_cm(path)
        diagonal = [int(matrix.iloc[i, i]) for i in range(len(matrix))]
        alt = self.text("cooccurrence_alt", themes=len(labels), low=min(diagonal), high=max(diagonal),
                        summary=summary)
        self.doc.figure(path, self.text("cooccurrence_figure_title"), self.text("cooccurrence_figure_note"),
                        width_cm=width, label=self.t.get("report.figure"), alt_text=alt)

    def agreement(self) -> None:
        table = self.results.tables.get("agreement")
        self.doc.heading(self.text("agreement_heading"), 2)
        if table is None or table.empty:
            self.doc.paragraph(self.text("agreement_none"))
            return
        lang = self.lang
        overall = table[table["code"] == "all"].iloc[0]
        codes = table[table["code"] != "all"]
        bands = self.t.raw("interviews.bands")
        reasons = self.t.raw("interviews.reasons")
        marks: dict[str, str] = {}  # reason -> letter, in order of first appearance in the table

        def mark(reason: str) -> str:
            return marks.setdefault(reason, SUPERSCRIPT_LETTERS[len(marks) % len(SUPERSCRIPT_LETTERS)])

        def value(row, name: str) -> str:
            shown = apa.bounded(row[name], 2, lang)
            return shown + mark(row[f"{name}_note"]) if missing(row[name]) and row[f"{name}_note"] else shown

        def ci(row, name: str) -> str:
            if not missing(row[f"{name}_CI95_low"]):
                return apa.interval(row[f"{name}_CI95_low"], row[f"{name}_CI95_high"], 2, lang, is_bounded=True)
            note = row[f"{name}_note"]
            return "\u2014" + mark(note) if note and not missing(row[name]) else "\u2014"

        def ci_in_text(row, name: str) -> str:
            if not missing(row[f"{name}_CI95_low"]):
                return self.text("ci_text", ci=apa.interval(row[f"{name}_CI95_low"], row[f"{name}_CI95_high"], 2,
                                                             lang, is_bounded=True))
            return self.text("ci_none", reason=reasons.get(row[f"{name}_note"] or "no_spread", ""))

        min_units = int(overall["min_units"])
        table_number = self.doc.tables + 1
        if missing(overall["kappa"]) and missing(overall["alpha"]):
            self.doc.paragraph(self.text("agreement_text_none", reason=reasons[overall["kappa_note"] or "no_spread"],
                                         table=table_number))
        else:
            self.doc.paragraph(self.text(
                "agreement_text", n_pooled=int(overall["codes_pooled"]), n_units=whole(int(overall["units"]), lang),
                n_any=whole(int(overall["units_coded_any"]), lang), n_all=whole(int(overall["units_coded_all"]), lang),
                percent=apa.percent(overall["percent_agreement"], lang), kappa=apa.bounded(overall["kappa"], 2, lang),
                kappa_ci=ci_in_text(overall, "kappa"), band=bands[overall["kappa_band"]],
                alpha=apa.bounded(overall["alpha"], 3, lang), alpha_ci=ci_in_text(overall, "alpha"),
                reading=bands[overall["alpha_reading"]], table=table_number))
        thin = [self.label(c) for c in codes.loc[codes["thin"].astype(bool), "code"]]
        if thin:
            self.doc.paragraph(self.text("agreement_thin", n_thin=len(thin), n_rows=len(codes), min_units=min_units,
                                         codes=self.join(thin), table=table_number))
        unapplied = [self.label(c) for c in codes.loc[codes["kappa_note"] == "not_applied", "code"]]
        if unapplied:
            self.doc.paragraph(self.text("agreement_unapplied", codes=self.join(unapplied)))
        themes = {code.id for code, parent in self.codebook.walk() if parent is None}
        rows, bold = [], set()
        for _, row in table.iterrows():
            if row["code"] == "all" or row["code"] in themes:
                bold.add(len(rows))
            if row["code"] == "all":
                name = self.text("all_codes")
            else:
                name = ("" if row["code"] in themes else "\u2003") + self.label(row["code"])
            if bool(row["thin"]):
                name += "\u2020"
            rows.append([name, whole(int(row["units"]), lang), whole(int(row["units_coded_any"]), lang),
                         whole(int(row["units_coded_all"]), lang), apa.percent(row["percent_agreement"], lang),
                         value(row, "kappa"), ci(row, "kappa"), value(row, "alpha"), ci(row, "alpha")])
        pair = int(overall["coders"]) <= 2
        header = [self.col("code"), self.col("units"), self.col("coded_any" if pair else "coded_any_k"),
                  self.col("coded_all" if pair else "coded_all_k"), self.col("agreement"), self.col("kappa"),
                  self.col("ci"), self.col("alpha"), self.col("ci")]
        dashes = "; ".join(f"{letter} {reasons[reason]}" for reason, letter in marks.items())
        note = self.text("agreement_table_note", n_double=int(overall["transcripts"]),
                         n_pooled=int(overall["codes_pooled"]), resamples=whole(int(overall["resamples"]), lang),
                         min_units=min_units)
        if dashes:
            note += " " + self.text("agreement_table_dashes", dashes=dashes)
        self.doc.table(TableSpec(self.text("agreement_table_title"), header, rows, note, bold_rows=bold),
                       self.t.get("report.table"))

    def quotes(self) -> None:
        quotes = self.results.quotes
        if quotes is None or quotes.empty:
            return
        self.doc.heading(self.text("quotes_heading"), 2)
        self.doc.paragraph(self.text("quotes_text"))
        for theme, block in quotes.groupby("theme", sort=False):
            self.doc.heading(self.label(theme), 3)
            for _, row in block.iterrows():
                attribution = self.text("quote_attribution", participant=row["participant_id"],
                                        group=self.study.group_label(row["group"], self.lang))
                self.doc.paragraph(f"{row['quote']} {attribution}{self.translation_note(row.get('language'))}",
                                   style="Quote Block")

    def translation_note(self, language: object) -> str:
        """`` [original in French; ...]`` after a quote in another language than the report's, else nothing."""
        from babel import Locale, UnknownLocaleError

        if not isinstance(language, str) or language in ("", "und", self.lang):
            return ""
        try:  # the language's name in the report's language, from the CLDR (Babel): "French", "anglais"
            name = Locale.parse(self.lang).languages.get(language, language)
        except (ValueError, UnknownLocaleError):
            name = language
        return " " + self.text("quote_translation_note", language=name)
