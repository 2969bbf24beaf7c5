"""The whole report in one Word file: title page, contents, executive summary, methods, the chapters,
triangulation, draft recommendations and references (``report.docx`` in English, ``rapport.docx`` in French).

The contents and the lists of tables and figures are written by
:mod:`.apparatus` (``insert_contents``) at the place :meth:`WholeReport.title_page`
returns. Numbers come from the analyses; sentences from templates/text.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from .. import __version__
from . import apa
from .chapter import Chapter
from .document import ReportDocument
from .texts import Texts


class WholeReport(Chapter):
    section = "whole"

    def __init__(self, doc: ReportDocument, study, texts: Texts, figures_dir: Path, analyses: dict[str, Any],
                 recommendations: list[str], present: list[str]) -> None:
        super().__init__(doc, study, texts, figures_dir, study.report.min_cell_size)
        self.analyses = analyses
        self.recommendations = recommendations
        self.present = present  # the chapters that have data, in report order

    def title_page(self) -> Any:
        self.doc.title(self.study.title.get(self.lang) or next(iter(self.study.title.values())))
        self.doc.paragraph(f"*{self.text('draft')}*")
        self.doc.paragraph(self.t.get("report.subtitle", version=__version__, date=apa.date(date.today(), self.lang)))
        self.doc.page_break()
        anchor = self.doc.doc.add_paragraph()
        self.doc.page_break()
        return anchor

    def summary(self) -> None:
        self.doc.heading(self.text("summary_title"), 1)
        survey = self.analyses.get("survey")
        if survey is not None and survey.statistics.get("n"):
            self.doc.paragraph(self.text("summary_survey", n=self.count_in_text(survey.statistics["n"]),
                                         differences=self._survey_differences(survey)))
        interviews = self.analyses.get("interviews")
        if interviews is not None and (interviews.statistics.get("transcripts") or
                                       interviews.statistics.get("transcripts_withheld")):
            table = interviews.tables["frequencies"]
            themes = table[table["level"] == 1].dropna(subset=["all_n"])
            themes = themes[themes["all_n"] > 0].sort_values("all_n", ascending=False)
            n = self.count_in_text(interviews.statistics.get("interviewed"),
                                   bool(interviews.statistics.get("interviewed_withheld")))
            if themes.empty:
                self.doc.paragraph(self.text("summary_interviews_no_theme", n=n, k=self.k))
            else:
                theme = self.study.codebook().code(themes["code"].iloc[0]).text(self.lang)
                self.doc.paragraph(self.text("summary_interviews", n=n, theme=theme))
        chats = self.analyses.get("chats")
        if chats is not None and "participation" in chats.tables:
            self._summary_chats(chats)
        triangulation = self.analyses.get("triangulation")
        if triangulation is not None and "convergence" in triangulation.tables \
                and not triangulation.tables["convergence"].empty:
            verdicts = self.t.raw("triangulation.verdicts")
            counts = triangulation.tables["convergence"]["verdict"].value_counts()
            self.doc.paragraph(self.text("summary_triangulation",
                                         counts=self.join([f"{verdicts[v]} {n}" for v, n in counts.items()])))

    def _summary_chats(self, chats) -> None:
        """Messages and the most unequal chat, over the chats with at least k members (the others are withheld)."""
        table = chats.tables["participation"]
        shown = table.dropna(subset=["gini"]).sort_values("gini")
        if shown.empty:
            self.doc.paragraph(self.text("summary_chats_withheld", k=self.k))
            return
        key = "summary_chat_one" if len(shown) == 1 else "summary_chats"
        if len(shown) > 1 and len(shown) < len(table):
            key = "summary_chats_partial"
        self.doc.paragraph(self.text(key, messages=int(shown["messages"].sum()), k=self.k,
                                     group=self.group_label(shown["group"].iloc[-1]),
                                     gini=apa.bounded(shown["gini"].iloc[-1], 2, self.lang)))

    def _survey_differences(self, survey) -> str:
        """The scales on which the groups differed (Holm-adjusted p < .05), each with its highest group."""
        from ..survey.analysis import SKIPPED_ONE_GROUP

        comparisons = survey.statistics.get("comparisons") or {}
        skipped = survey.statistics.get("comparisons_skipped")  # why the analysis compared no groups, if so
        if skipped:
            key = "summary_no_comparison_one_group" if skipped == SKIPPED_ONE_GROUP else "summary_no_comparison_small"
            return self.text(key, k=self.k)
        desc = survey.tables["descriptives"]
        scales = {s.id: s for s in self.study.questionnaire().scales}
        differences = []
        for scale_id, row in comparisons.items():
            if (row.get("p_holm") if row.get("p_holm") is not None else 1) >= 0.05 or scale_id not in scales:
                continue
            medians = desc[(desc["variable"] == scale_id) & (desc["group"] != "all")].dropna(subset=["Mdn"])
            if medians.empty:
                continue
            higher = medians.sort_values("Mdn", ascending=False)["group"].iloc[0]
            scale = scales[scale_id].text(self.lang)
            scale = scale[0].lower() + scale[1:]
            of_scale = ("d'" if scale[0] in "aeiouéèêâîôûh" else "de ") + scale  # French elision
            key = "summary_difference" if len(medians) == 2 else "summary_difference_highest"
            differences.append(self.text(key, scale=scale, of_scale=of_scale, direction=self.text("higher"),
                                         group=self.group_label(higher)))
        return self.join(differences) or self.text("summary_no_difference")

    def methods(self) -> None:
        """Design, sample, instruments and analysis, naming only the sources the study has."""
        self.doc.heading(self.text("methods_title"), 1)
        sources = [s for s in ("survey", "interviews", "chats") if s in self.present]
        names, missing_names = self.t.raw("whole.source_names"), self.t.raw("whole.missing_names")
        if len(sources) >= 2:
            self.doc.paragraph(self.text("methods_design", sources=self.join([names[s] for s in sources])))
        elif sources:
            self.doc.paragraph(self.text("methods_design_single", sources=names[sources[0]]))
        absent = [s for s in ("survey", "interviews", "chats") if s not in sources]
        if absent and sources:
            self.doc.paragraph(self.text("methods_missing", sources=self.join([missing_names[s] for s in absent], "or")))
        survey, interviews, chats = (self.analyses.get(k) for k in ("survey", "interviews", "chats"))
        counts = {}
        if "survey" in sources:
            counts["survey"] = survey.statistics.get("n")
        if "interviews" in sources:
            counts["interviews"] = interviews.statistics.get("interviewed")
        if "chats" in sources:
            counts["chats"] = int(chats.tables["participation"]["active_members"].sum())
        labels = self.join([self.study.group_label(g, self.lang) for g in self.groups])
        phrase = self.text("groups_phrase", n_groups=len(self.groups), groups=labels) if len(self.groups) > 1 \
            else self.text("one_group_phrase", groups=labels)
        parts = [self.text(f"sample_{source}", n=self.count_in_text(n)) for source, n in counts.items()]
        if parts:
            self.doc.paragraph(self.text("methods_sample", groups_phrase=phrase, parts=self.join(parts)))
        instruments = []
        if "survey" in sources:
            instruments.append(self.text("instrument_survey", n_scales=len(self.study.questionnaire().scales)))
        if "interviews" in sources:
            instruments.append(self.text("instrument_interviews", n_themes=len(self.study.codebook().codes)))
        if "triangulation" in self.present:
            instruments.append(self.text("instrument_triangulation"))
        if instruments:
            self.doc.paragraph(self.text("methods_instruments", parts=self.join(instruments)))
        analysis = [self.text(f"analysis_{part}") for part in (*sources, "triangulation") if part in self.present]
        self.doc.paragraph(self.text("methods_analysis", parts=" ".join(analysis)))
        self.doc.paragraph(self.text("methods_privacy", k=self.k) + " " + self.exports_sentence())

    def exports_sentence(self) -> str:
        """Where the participant-level files are, and why (report.exports and the k-anonymity check)."""
        from .exports import export_plan

        plan = export_plan(self.study, self.analyses)
        questionnaire = self.study.questionnaire() if self.study.questionnaire_path is not None else None
        columns = self.join([self.t.get("whole.group_word") if c == "group" else
                             questionnaire.question(c).short_text(self.lang).lower() for c in plan["quasi_identifiers"]])
        if plan["where"] == "public":
            return self.text("methods_exports_public", k=self.k, columns=columns)
        key = "methods_exports_refused" if plan["asked"] == "public" else "methods_exports_private"
        return self.text(key, k=self.k, columns=columns)

    def recommendations_section(self) -> None:
        self.doc.heading(self.text("recommendations_title"), 1)
        self.doc.paragraph(f"*{self.text('draft')}*")
        self.doc.paragraph(self.text("recommendations_intro"))
        if not self.recommendations:
            self.doc.paragraph(self.text("recommendations_none"))
        for number, text in enumerate(self.recommendations, 1):
            self.doc.paragraph(f"{number}. {text}")

    def references_section(self, sections: list[str]) -> None:
        self.doc.heading(self.text("references_title"), 1)
        from .citations import cited_references, document_texts

        keys = [f"{section}.references" for section in [*sections, "whole"]]
        if "survey" in sections:  # the survey chapter's response and scale-quality sections have their own lists
            keys += ["survey_quality.references", "survey_quality.references_ordinal"]
        found = [reference for key in keys for reference in self.t.raw(key)]
        for reference in cited_references(found, document_texts(self.doc.doc)):
            self.doc.paragraph(reference, style="Reference")
