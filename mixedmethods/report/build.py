"""``mixedmethods build``: analyse the store and write the report folder.

Writes, under the study's report folder, one Word file per chapter
(``survey.<language>.docx``, ``interviews.<language>.docx``,
``chats.<language>.docx``), ``figures/``,
``tables.xlsx`` (every table, one sheet each, named ``<chapter>_<table>``)
and ``results.json`` (every statistic, by chapter). A chapter whose source has
no data yet (no interviews imported, say) is skipped. A team may put its own
``templates/report.docx`` in the study folder to restyle the report.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Callable, Iterable

from .. import __version__
from ..study import Study


@dataclass
class ChapterOutput:
    name: str
    tables: dict[str, Any]
    statistics: dict[str, Any]
    path: Path | None


def _document(study: Study, language: str, texts):
    from .document import ReportDocument

    own_template = study.root / "templates" / "report.docx"
    doc = ReportDocument(own_template if own_template.is_file() else None, language)
    doc.title(study.title.get(language) or next(iter(study.title.values())))
    doc.paragraph(texts.get("report.subtitle", version=__version__, date=date.today().isoformat()))
    return doc


def _write(name: str, study: Study, language: str, texts, out: Path, results, writer) -> Path:
    """One chapter document: title page lines, the chapter, its references."""
    doc = _document(study, language, texts)
    chapter = writer(doc, results)
    chapter.write()
    doc.heading(texts.get("survey.references_heading"), 2)
    chapter.references()
    return doc.save(out / f"{name}.{language}.docx")


def _survey(study: Study, language: str, texts, out: Path) -> ChapterOutput:
    from ..survey.analysis import analyse_survey
    from .survey_chapter import SurveyChapter

    results = analyse_survey(study)
    path = _write("survey", study, language, texts, out, results, lambda doc, r: SurveyChapter(
        doc, r, study, study.questionnaire(), texts, out / "figures"))
    return ChapterOutput("survey", results.tables, {**results.statistics, "test": results.test}, path)


def _interviews(study: Study, language: str, texts, out: Path) -> ChapterOutput:
    from ..interviews.analysis import analyse_interviews
    from .interview_chapter import InterviewChapter

    results = analyse_interviews(study)
    if not results.statistics.get("transcripts"):
        return ChapterOutput("interviews", {}, results.statistics, None)
    path = _write("interviews", study, language, texts, out, results, lambda doc, r: InterviewChapter(
        doc, r, study, study.codebook(), texts, out / "figures"))
    return ChapterOutput("interviews", results.tables, results.statistics, path)


def _chats(study: Study, language: str, texts, out: Path) -> ChapterOutput:
    from ..chats.analysis import analyse_chats
    from .chat_chapter import ChatChapter

    results = analyse_chats(study)
    if "participation" not in results.tables:
        return ChapterOutput("chats", {}, results.statistics, None)
    path = _write("chats", study, language, texts, out, results, lambda doc, r: ChatChapter(
        doc, r, study, texts, out / "figures"))
    return ChapterOutput("chats", results.tables, results.statistics, path)


CHAPTERS: list[tuple[str, Callable[..., ChapterOutput]]] = [("survey", _survey), ("interviews", _interviews),
                                                             ("chats", _chats)]


def build_report(study: Study, language: str = "en",
                 progress: Callable[[Iterable], Iterable] | None = None) -> list[Path]:
    """Build the report of ``study`` in ``language``; returns the files written."""
    from ..errors import ConfigError
    from .outputs import write_results_json, write_tables_xlsx
    from .texts import Texts

    if language not in study.languages:
        raise ConfigError(f"language {language!r} is not among the study's languages {study.languages}",
                          file=study.root / "study.yaml")
    out = study.report_dir
    out.mkdir(parents=True, exist_ok=True)
    texts = Texts(language)
    written: list[Path] = []
    outputs: list[ChapterOutput] = []
    for name, make in (progress(CHAPTERS) if progress else CHAPTERS):
        output = make(study, language, texts, out)
        outputs.append(output)
        if output.path is not None:
            written.append(output.path)
            written.extend(sorted((out / "figures").glob(f"{name}-*.{language}.png")))
    tables = {f"{o.name}_{key}": table for o in outputs for key, table in o.tables.items()}
    written.append(write_tables_xlsx(out / "tables.xlsx", tables))
    written.append(write_results_json(out / "results.json", {
        "tool_version": __version__, "language": language, "min_cell_size": study.report.min_cell_size,
        **{o.name: o.statistics for o in outputs}}))
    return written
