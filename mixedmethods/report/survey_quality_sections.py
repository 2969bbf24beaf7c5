"""Survey chapter sections a reviewer asks for: response rate, item non-response, missing-data handling,
one-factor fit per scale and the reliability treatment (issue 12).

A mixin of :class:`~.survey_chapter.SurveyChapter` (it uses the chapter's document, texts, results and
questionnaire); numbers come from :func:`mixedmethods.survey.analysis.analyse_survey_quality`, sentences from
the ``survey_quality`` section of templates/text/<language>.yaml.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..disclosure import protected_in
from . import apa
from .document import TableSpec

if TYPE_CHECKING:
    from ..instrument.questionnaire import Questionnaire
    from ..survey.analysis import SurveyResults
    from .document import ReportDocument
    from .texts import Texts


class SurveyQualitySections:
    """The response and scale-quality sections; mixed into the survey chapter."""

    doc: "ReportDocument"
    t: "Texts"
    lang: str
    k: int
    groups: list[str]
    q: "Questionnaire"
    results: "SurveyResults"
    section: str

    def quality(self, key: str, **values: Any) -> str:
        return self.t.get(f"survey_quality.{key}", **values)

    def response(self) -> None:
        """Response rate over the people listed, item non-response table, and how missing answers are handled."""
        stats, lang = self.results.statistics, self.lang
        rate = stats.get("response_rate")
        if rate is None:
            return
        self.doc.heading(self.quality("response_heading"), 2)
        self.doc.paragraph(self.response_rate_text(rate))
        items = self.results.tables.get("item_nonresponse")
        if items is not None and not items.empty:
            self.doc.paragraph(self.quality("item_text", table=self.doc.tables + 1, summary=self.item_summary()))
            rows = []
            for r in items.itertuples(index=False):
                protected = protected_in(r._asdict(), "answered"), protected_in(r._asdict(), "missing"), \
                    protected_in(r._asdict(), "not_applicable")
                rows.append([self.q.question(r.question).short_text(lang),
                             self.cell(r.answered, protected[0]), self.cell(r.missing, protected[1]),
                             self.cell(r.not_applicable, protected[2]), apa.percent(r.missing_pct, lang)])
            header = [self.quality(f"columns.{c}") for c in
                      ("question", "answered", "missing", "not_applicable", "missing_pct")]
            self.doc.table(TableSpec(self.quality("item_table_title"), header, rows,
                                     self.quality("item_table_note", k=self.k, k_minus=self.k - 1)),
                           self.t.get("report.table"))
        self.doc.paragraph(self.quality("missing_data"))

    def response_rate_text(self, rate: dict) -> str:
        """The rate sentence: overall, by group where shown, withheld groups, respondents not listed."""
        lang = self.lang
        if rate.get("not_computed"):
            return self.quality("response_rate_none")
        by_group = rate.get("by_group", {})
        overall = by_group.get("all", {})
        if overall.get("withheld", True):
            text = self.quality("response_rate_withheld", k=self.k)
        else:
            text = self.quality("response_rate", listed=int(overall["listed"]),
                                respondents=int(overall["respondents"]), rate=apa.percent(overall["rate_pct"], lang))
        groups = [g for g in self.groups if g in by_group]
        shown = [g for g in groups if not by_group[g]["withheld"] and by_group[g]["listed"]]
        if len(groups) > 1 and shown:
            text += " " + self.quality("response_by_group", groups=self.join([
                self.quality("response_group", rate=apa.percent(by_group[g]["rate_pct"], lang),
                             group=self.group_label(g), respondents=int(by_group[g]["respondents"]),
                             listed=int(by_group[g]["listed"])) for g in shown]))
        withheld = [g for g in groups if by_group[g]["withheld"]]
        if len(groups) > 1 and withheld:
            text += " " + self.quality("response_groups_withheld", k=self.k,
                                       groups=self.join([self.quality("response_group_withheld", group=self.group_label(g))
                                                          for g in withheld]))
        unlisted = rate.get("unlisted_respondents")
        if unlisted is None or unlisted > 0:
            text += " " + self.quality("response_unlisted", n=self.count_in_text(unlisted))
        return text

    def item_summary(self) -> str:
        """Questions without missing answers, the largest share missing, and how many rows are withheld."""
        summary = self.results.statistics.get("item_nonresponse_summary", {})
        if summary.get("without_missing") == summary.get("questions"):
            return self.quality("item_summary_complete")
        parts = []
        if summary.get("largest_missing_question") is not None:
            parts.append(self.quality("item_summary", n_none=summary["without_missing"],
                                      n_questions=summary["questions"],
                                      pct=apa.percent(summary["largest_missing_pct"], self.lang),
                                      question=self.q.question(summary["largest_missing_question"])
                                      .short_text(self.lang)))
        if summary.get("withheld"):
            parts.append(self.quality("item_summary_hidden", n_hidden=summary["withheld"], k=self.k))
        return " ".join(parts)

    REASON_KEYS = {"fewer than 3 items": "too_few_items", "3 items: df = 0": "just_identified",
                   "an item without variance": "no_variance", "too few complete cases": "too_few_cases",
                   "no convergence": "no_convergence"}  # survey.factor_fit reasons -> survey_quality.reasons

    def scale_quality(self) -> None:
        """One-factor CFA fit per scale (Hu & Bentler cut-offs) and the reliability treatment (ordinal or not)."""
        table = self.results.tables.get("scale_fit")
        if table is None or table.empty:
            return
        lang = self.lang
        ordinal = self.results.statistics.get("reliability_treatment") == "ordinal"
        self.doc.heading(self.quality("fit_heading"), 2)
        number = self.doc.tables + 1
        fitted = table[table["not_estimable"].isna()]
        text = self.quality("fit_method", table=number)
        if len(fitted):
            misfits = [self.quality("fit_misfit", scale=self.scale_label(r.scale), indices=r.cutoffs_not_met)
                       for r in fitted.itertuples(index=False) if r.cutoffs_not_met]
            summary = self.results.statistics["scale_fit_summary"]
            text += " " + self.quality("fit_summary", n_good=summary["meeting_cutoffs"], n_fitted=summary["fitted"])
            if misfits:
                text += " " + self.quality("fit_misfits", scales=self.quality("list_separator").join(misfits))
        untested = table[table["not_estimable"].notna()]
        if len(untested):
            text += " " + self.quality("fit_not_estimable", scales=self.quality("list_separator").join(
                self.quality("fit_reason", scale=self.scale_label(r.scale),
                             reason=self.quality(f"reasons.{self.REASON_KEYS[r.not_estimable]}"))
                for r in untested.itertuples(index=False)))
        self.doc.paragraph(text)
        self.doc.paragraph(self.quality("treatment_ordinal", table=number) if ordinal
                           else self.quality("treatment_pearson"))
        rows = []
        for r in table.itertuples(index=False):
            ok = r.not_estimable is None or r.not_estimable != r.not_estimable
            row = [self.scale_label(r.scale), apa.integer(r.n, self.lang)]
            if ok:  # chi2 with its df, RMSEA with its interval: seven columns stay on a portrait page
                row += [f"{apa.number(r.chi2, 2, lang)} ({apa.degrees_of_freedom(r.df, None, lang)})",
                        apa.p_cell(r.p, lang), apa.bounded(r.cfi, 2, lang),
                        f"{apa.bounded(r.rmsea, 3, lang)} "
                        f"{apa.interval(r.rmsea_CI90_low, r.rmsea_CI90_high, 3, lang, is_bounded=True)}",
                        apa.bounded(r.srmr, 3, lang)]
            else:
                row += ["\u2014"] * 5
            if ordinal:
                row.append(apa.bounded(r.ordinal_alpha, 2, lang))
            rows.append(row)
        columns = ["scale", "n", "chi2_df", "p", "cfi", "rmsea_ci", "srmr"]
        columns += ["ordinal_alpha"] if ordinal else []
        note = self.quality("fit_table_note")
        if ordinal:
            note += " " + self.quality("fit_table_note_ordinal")
        self.doc.table(TableSpec(self.quality("fit_table_title"), [self.quality(f"columns.{c}") for c in columns],
                                 rows, note), self.t.get("report.table"))

    def references(self) -> None:
        """The chapter's references with those of the response and scale-quality sections, in one list."""
        extra = list(self.t.raw("survey_quality.references")) if "response_rate" in self.results.statistics else []
        if self.results.statistics.get("reliability_treatment") == "ordinal":
            extra += list(self.t.raw("survey_quality.references_ordinal"))
        from .citations import cited_references, document_texts

        for reference in cited_references([*self.t.raw(f"{self.section}.references"), *extra],
                                          document_texts(self.doc.doc)):
            self.doc.paragraph(reference, style="Reference")
