"""``mixedmethods build``: analyse the store and write the report folder.

Writes, under the study's report folder: ``survey.<language>.docx`` (the
survey chapter), ``figures/``, ``tables.xlsx`` (every table, one sheet each)
and ``results.json`` (every statistic). A team may put its own
``templates/report.docx`` in the study folder to restyle the report.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Callable, Iterable

from .. import __version__
from ..study import Study


def build_report(study: Study, language: str = "en",
                 progress: Callable[[Iterable], Iterable] | None = None) -> list[Path]:
    """Build the report of ``study`` in ``language``; returns the files written."""
    from ..errors import ConfigError
    from ..survey.analysis import analyse_survey
    from .document import ReportDocument
    from .outputs import write_results_json, write_tables_xlsx
    from .survey_chapter import SurveyChapter
    from .texts import Texts

    if language not in study.languages:
        raise ConfigError(f"language {language!r} is not among the study's languages {study.languages}",
                          file=study.root / "study.yaml")
    out = study.report_dir
    out.mkdir(parents=True, exist_ok=True)
    steps = ["survey analysis", "survey chapter", "tables and results"]
    texts = Texts(language)
    own_template = study.root / "templates" / "report.docx"
    written: list[Path] = []
    results = None
    for step in (progress(steps) if progress else steps):
        if step == "survey analysis":
            results = analyse_survey(study)
        elif step == "survey chapter":
            assert results is not None
            doc = ReportDocument(own_template if own_template.is_file() else None, language)
            doc.title(study.title.get(language) or next(iter(study.title.values())))
            doc.paragraph(texts.get("report.subtitle", version=__version__, date=date.today().isoformat()))
            chapter = SurveyChapter(doc, results, study, study.questionnaire(), texts, out / "figures")
            chapter.write()
            chapter.references()
            written.append(doc.save(out / f"survey.{language}.docx"))
            written.extend(sorted((out / "figures").glob(f"survey-*.{language}.png")))
        else:
            assert results is not None
            written.append(write_tables_xlsx(out / "tables.xlsx", {f"survey_{k}": v for k, v in
                                                                   results.tables.items()}))
            written.append(write_results_json(out / "results.json", {
                "tool_version": __version__, "language": language, "min_cell_size": results.min_cell_size,
                "survey": {**results.statistics, "test": results.test}}))
    return written
