"""The whole report in one Word file: title page, contents, executive summary, methods, the chapters,
triangulation, discussion, draft recommendations and references (``report.docx`` in English, ``rapport.docx``
in French). The summary's and the discussion's sentences are in :mod:`.key_findings`.

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
from .document import ReportDocument
from .key_findings import KeyFindings
from .texts import Texts


class WholeReport(KeyFindings):
    """The whole report's own sections. The executive summary cites the chapters' tables, so :meth:`summary`
    only marks its place and :meth:`recommendations_section` (written after the chapters) writes the discussion,
    the recommendations and then the summary into that place."""

    section = "whole"

    def __init__(self, doc: ReportDocument, study, texts: Texts, figures_dir: Path, analyses: dict[str, Any],
                 present: list[str]) -> None:
        super().__init__(doc, study, texts, figures_dir, study.report.min_cell_size)
        self.analyses = analyses
        self.present = present  # the chapters that have data, in report order
        self._summary_anchor = None

    def title_page(self) -> Any:
        self.doc.title(self.study.title.get(self.lang) or next(iter(self.study.title.values())))
        self.doc.paragraph(f"*{self.text('draft')}*")
        self.doc.paragraph(self.t.get("report.subtitle", version=__version__, date=apa.date(date.today(), self.lang)))
        self.doc.page_break()
        anchor = self.doc.doc.add_paragraph()
        self.doc.page_break()
        return anchor

    def summary(self) -> None:
        """The summary's heading and the place its paragraphs go once the tables they cite are numbered."""
        self.doc.heading(self.text("summary_title"), 1)
        self._summary_anchor = self.doc.doc.add_paragraph()

    def summary_paragraphs(self) -> list[str]:
        """Survey, interviews, chats, triangulation: each key finding with its numbers and its table."""
        paragraphs = []
        survey = self.analyses.get("survey")
        if survey is not None and survey.statistics.get("n"):
            intro = self.text("summary_survey", n=self.count_in_text(survey.statistics["n"]),
                              cite=self.cite("survey.descriptives"))
            paragraphs.append(" ".join([intro, *self.survey_findings(survey)]))
        interviews = self.analyses.get("interviews")
        if interviews is not None and (interviews.statistics.get("transcripts") or
                                       interviews.statistics.get("transcripts_withheld")):
            paragraphs.append(self.interview_finding(interviews))
        chats = self.analyses.get("chats")
        if chats is not None and "participation" in chats.tables:
            paragraphs.append(self.chat_finding(chats))
        triangulation = self.analyses.get("triangulation")
        if triangulation is not None and "triangulation" in self.present:
            paragraphs.append(self.triangulation_finding(triangulation))
        return [p for p in paragraphs if p]

    def _write_summary(self) -> None:
        """Write the summary's paragraphs at the end and move them to the summary's place."""
        if self._summary_anchor is None:
            return
        body = self.doc.doc.element.body
        existing = set(body)
        for text in self.summary_paragraphs():
            self.doc.paragraph(text)
        anchor = self._summary_anchor._p
        for element in [e for e in body if e not in existing]:
            anchor.addprevious(element)
        anchor.getparent().remove(anchor)
        self._summary_anchor = None

    def discussion(self) -> None:
        """Meta-inferences per construct, then the limitations the data show and the team's statements to write."""
        self.doc.heading(self.text("discussion_title"), 1)
        triangulation = self.analyses.get("triangulation")
        if triangulation is not None and "triangulation" in self.present:
            sentences = self.meta_paragraphs(triangulation)
            if sentences:
                self.doc.heading(self.text("discussion_meta_title"), 2)
                self.doc.paragraph(self.text("discussion_meta_intro", cite=self.cite("triangulation.convergence")))
                for sentence in sentences:
                    self.doc.paragraph(sentence)
        self.doc.heading(self.text("discussion_limits_title"), 2)
        for paragraph in self.limitations():
            self.doc.paragraph(paragraph)

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
        """The discussion, the draft recommendations (each citing the tables of its numbers), then the summary."""
        from ..triangulation.recommendations import draft_recommendations, facts

        self.discussion()
        self.doc.heading(self.text("recommendations_title"), 1)
        self.doc.paragraph(f"*{self.text('draft')}*")
        self.doc.paragraph(self.text("recommendations_intro"))
        triangulation = self.analyses.get("triangulation")
        labels = self.construct_labels(triangulation) if triangulation is not None else {}
        if all(name in self.analyses for name in ("survey", "interviews", "chats", "triangulation")):
            found = facts(self.analyses["survey"], self.analyses["interviews"], self.analyses["chats"],
                          triangulation, labels)
            drafted = draft_recommendations(self.t.raw("recommendations"), found,
                                            cite=lambda keys: self.cite(*keys), language=self.lang)
        else:
            drafted = []
        if not drafted:
            self.doc.paragraph(self.text("recommendations_none"))
        for number, text in enumerate(drafted, 1):
            self.doc.paragraph(f"{number}. {text}")
        self._write_summary()

    def references_section(self, sections: list[str]) -> None:
        self.doc.heading(self.text("references_title"), 1)
        from .citations import cited_references, document_texts

        keys = [f"{section}.references" for section in [*sections, "whole"]]
        if "survey" in sections:  # the survey chapter's response and scale-quality sections have their own lists
            keys += ["survey_quality.references", "survey_quality.references_ordinal"]
        found = [reference for key in keys for reference in self.t.raw(key)]
        for reference in cited_references(found, document_texts(self.doc.doc)):
            self.doc.paragraph(reference, style="Reference")
