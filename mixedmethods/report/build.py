"""``mixedmethods build``: analyse the store once, then write the report folder in each language.

For every study language (or the one asked for): one Word file per chapter
(``survey``, ``interviews``, ``chats``, ``triangulation``, each
``<chapter>.<language>.docx``) and the whole report (``report.docx`` in
English, ``rapport.docx`` in French). Once: ``figures/``, ``tables.xlsx``
(every table, one sheet each), ``results.json`` (every statistic),
``participants.csv`` and ``participants.sav`` (the pseudonymous
participant-level frame with SPSS labels). A chapter whose source has no
data yet is skipped. A team may put its own ``templates/report.docx`` in the
study folder (or name one in study.yaml ``report.template``) to restyle it.

Every document has a running head and page numbers; the whole report has the
contents and the lists of tables and figures (:mod:`.apparatus`). With
``pdf=True`` (``build --pdf``) LibreOffice renders a PDF next to each .docx,
and the contents get their page numbers (:mod:`.pdf`).

Every file is first written into a staging folder inside ``report/``
(``.building-<process id>``) and moved into place (``os.replace``, atomic on
one file system) only once the whole build succeeded: a build that is killed,
runs out of disk space or meets a read-only file leaves the previous report
whole, and says so in one line. Last of all the staged files and the store
are checked for participants' identities (``check-privacy``): a build that
would publish one fails instead, naming the file and the kind.

Builds are incremental (:mod:`.cache`): each analysis runs once per build, or not at all when its inputs
(store rows, instruments, settings, tool) are those of a cached result; a file whose bytes equal the
published one is not replaced; and when nothing changed since the last build, nothing is done. ``force``
recomputes and rewrites everything. Each chapter is still rendered twice per language, as its own file and
inside the whole report: the whole report numbers its tables continuously and its text cites those numbers,
while a chapter file numbers from 1, so one rendering cannot serve both.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable

from .. import __version__
from ..study import Study

if TYPE_CHECKING:
    from .workers import Workers

WHOLE_NAMES = {"en": "report.docx", "fr": "rapport.docx"}


def _template(study: Study) -> Path | None:
    own = study.report.template or study.root / "templates" / "report.docx"
    return own if own.is_file() else None


def _document(study: Study, language: str, texts):
    from . import apa
    from .document import ReportDocument

    doc = ReportDocument(_template(study), language)
    doc.title(study.title.get(language) or next(iter(study.title.values())))
    doc.paragraph(texts.get("report.subtitle", version=__version__, date=apa.date(date.today(), language)))
    return doc


def _chapter_title(doc) -> str:
    """The first Heading 1 of a chapter file (its running head)."""
    return next((p.text for p in doc.doc.paragraphs if p.style.name == "Heading 1" and p.text.strip()), "")


# Does an analysis have data to report? (A chapter without data is left out; the methods text says so.)
HAS_DATA: dict[str, Callable[[Any], bool]] = {
    "survey": lambda r: bool(r.statistics.get("n")),
    "interviews": lambda r: bool(r.statistics.get("transcripts") or r.statistics.get("transcripts_withheld")),
    "chats": lambda r: "participation" in r.tables,
    "triangulation": lambda r: "convergence" in r.tables and not r.tables["convergence"].empty,
}


def analyse_all(study: Study, progress: Callable[[Iterable], Iterable] | None = None, *,
                keys: dict[str, str] | None = None, force: bool = False,
                computed: list[str] | None = None, workers: "Workers | None" = None,
                meanwhile: Callable[[], Any] | None = None) -> dict[str, Any]:
    """Every analysis of the study (language-independent), each run once; sources without data give empty results.

    Triangulation runs only when at least two sources have data: with one source there is nothing to
    triangulate; it is given the three sources' results rather than computing them again (compute once).
    With ``keys`` (:func:`.cache.analysis_keys`) a result cached under its key is reused instead of computed,
    unless ``force``; each computed result is cached. The names of the analyses actually run are appended
    to ``computed``. With ``workers`` (:mod:`.workers`) the sources' analyses that are not cached run side by
    side, each in its own process; the triangulation, which needs them all, runs after them in this one.
    ``meanwhile`` is called once they are started (the build submits its check of the store there, to run
    beside the analyses).
    """
    from ..chats.analysis import ChatResults, analyse_chats
    from ..interviews.analysis import InterviewResults, analyse_interviews
    from ..survey.analysis import SurveyResults, analyse_survey
    from ..triangulation.analysis import TriangulationResults, analyse_triangulation
    from .cache import load_result, store_result

    def triangulate(study: Study) -> Any:
        sources = [name for name in ("survey", "interviews", "chats") if HAS_DATA[name](results[name])]
        if len(sources) < 2:
            return TriangulationResults(list(study.groups), study.report.min_cell_size)
        return analyse_triangulation(study, {name: results[name] for name in ("survey", "interviews", "chats")})

    steps = [("survey", analyse_survey, SurveyResults), ("interviews", analyse_interviews, InterviewResults),
             ("chats", analyse_chats, ChatResults), ("triangulation", triangulate, TriangulationResults)]
    results: dict[str, Any] = {}
    cached = {name: load_result(study, name, keys[name], kind) if keys and not force else None
              for name, _, kind in steps}
    # The chats first: their cost grows with the messages, and the survey's with the respondents.
    if workers:
        workers.preload("pandas", "scipy.stats")
    started = {name: workers.submit(partial(analyse, study)) for name, analyse, _ in
               sorted(steps[:-1], key=lambda step: step[0] != "chats") if cached[name] is None} if workers else {}
    if meanwhile is not None:
        meanwhile()
    if started:  # while the analyses run elsewhere: the libraries of the steps that follow here, once
        if cached["triangulation"] is None:
            workers.preload("pingouin")  # the triangulation's tests
        _preload_rendering(workers)
    for name, analyse, kind in (progress(steps) if progress else steps):
        if cached[name] is not None:
            results[name] = cached[name]
            continue
        results[name] = workers.result(started[name]) if name in started else analyse(study)
        if computed is not None:
            computed.append(name)
        if keys:
            store_result(study, name, keys[name], results[name])
    return results


def _writers(study: Study, texts, figures: Path) -> dict[str, tuple[Callable[[Any], bool], Callable]]:
    """For each chapter: does it have data, and how to write it into a document."""
    from .chat_chapter import ChatChapter
    from .interview_chapter import InterviewChapter
    from .survey_chapter import SurveyChapter
    from .triangulation_chapter import TriangulationChapter

    return {
        # A survey whose every respondent is in a group under k still gets its chapter, saying so (as the
        # interviews and chats do), rather than vanishing from the report.
        "survey": (lambda r: HAS_DATA["survey"](r) or bool(r.statistics.get("groups_left_out")),
                   lambda doc, r: SurveyChapter(doc, r, study, study.questionnaire(), texts, figures)),
        "interviews": (HAS_DATA["interviews"],
                       lambda doc, r: InterviewChapter(doc, r, study, study.codebook(), texts, figures)),
        "chats": (HAS_DATA["chats"], lambda doc, r: ChatChapter(doc, r, study, texts, figures)),
        "triangulation": (HAS_DATA["triangulation"],
                          lambda doc, r: TriangulationChapter(doc, r, study, texts, figures)),
    }


STAGING_PREFIX = ".building-"


@dataclass
class BuildOutcome:
    """What a build did: the files it rewrote, those whose bytes were already published, the analyses it ran
    (the others came from the cache), and ``up_to_date`` when nothing had changed and nothing was done."""

    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    computed: list[str] = field(default_factory=list)
    up_to_date: bool = False


def build_report(study: Study, language: str | None = None,
                 progress: Callable[[Iterable], Iterable] | None = None, pdf: bool = False,
                 pdf_progress: Callable[[Iterable], Iterable] | None = None, force: bool = False,
                 jobs: int | None = None) -> BuildOutcome:
    """Build the report of ``study`` (all its languages, or ``language``); returns what was written.

    Written into a staging folder first and published only when every file is written (module docstring).
    With ``pdf``, each .docx also gets a PDF rendered by LibreOffice (refused up front, in one line, when
    LibreOffice is not installed); ``pdf_progress`` wraps the rendering steps as ``progress`` the analyses.

    Incremental (:mod:`.cache`): when the inputs, the store's rows and every published file are as the last
    build left them, nothing is done (``up_to_date``; no heavy library is imported); otherwise each analysis
    whose inputs did not change comes from the cache, and only the files whose bytes changed are replaced.
    ``force`` recomputes every analysis and rewrites every file.

    ``jobs``: how many steps run at once, each in its own process (:mod:`.workers`; default: one more than
    the usable cores, at most four). The files are the same bytes whatever the number.
    """
    from ..errors import ConfigError, OutputError
    from . import cache

    for lang in [language] if language else []:
        if lang not in study.languages:
            raise ConfigError(f"language {lang!r} is not among the study's languages {study.languages}",
                              file=study.root / "study.yaml")
    out = study.report_dir
    inputs = cache.build_inputs(study, language, pdf, date.today().isoformat())
    if not force and cache.up_to_date(study, inputs):
        _remove_abandoned_staging(out)
        return BuildOutcome(up_to_date=True)
    if pdf:
        from .pdf import check_tools

        check_tools()

    staging = out / f"{STAGING_PREFIX}{os.getpid()}"
    outcome = BuildOutcome()
    from .workers import Workers, default_jobs, one_blas_thread

    try:
        with Workers(jobs or default_jobs()) as workers, one_blas_thread():
            out.mkdir(parents=True, exist_ok=True)
            _remove_abandoned_staging(out)
            staging.mkdir()
            cache.settle_store(study)
            store = cache.store_stat(study)  # before the keys: an import running meanwhile is not taken as seen
            sources = cache.known_source_keys(study, store)
            keys = cache.analysis_keys(study, sources)
            # The store is checked for identities beside the analyses (it does not change during the build).
            store_check: list = []

            def check_store() -> None:
                store_check.append(workers.submit(partial(_store_findings, study)))

            def analyse() -> dict[str, Any]:
                return analyse_all(study, progress, keys=keys, force=force, computed=outcome.computed,
                                   workers=workers, meanwhile=check_store)

            written = _build_into(staging, study, language, progress, analyse, workers)
            if not store_check:  # the analyses were not run (a test gave the build its own)
                check_store()
            if pdf:
                from .pdf import write_pdfs

                documents = [p for p in written if p.suffix == ".docx"]
                whole = [p for p in documents if p.name in WHOLE_NAMES.values() or p.name.startswith("report.")]
                written += write_pdfs(documents, whole, pdf_progress)
            _refuse_leaks(study, staging, out, workers, store_check[0])
        outcome.written, outcome.unchanged = _publish(staging, out, written, replace_all=force)
        cache.write_manifest(study, inputs, keys, [*outcome.written, *outcome.unchanged], store, sources)
        return outcome
    except OSError as exc:
        where = Path(exc.filename) if exc.filename else out
        if staging in where.parents:  # name the file as the user will know it, not the staging copy
            where = out / where.relative_to(staging)
        raise OutputError(f"cannot write the report ({exc.strerror or exc}); the previous report files are "
                          "left as they were", file=study.relative(where)) from None
    except ValueError as exc:
        if "XML compatible" not in str(exc):
            raise
        # Data are cleaned at import and YAML texts refused at load; what is left is a label from another source
        # (an XLSForm cell, a template text) holding a control character.
        raise OutputError("a text of the report holds a control character (from the questionnaire, codebook or "
                          "templates?); remove it; the previous report files are left as they were",
                          file=study.relative(out)) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _store_findings(study: Study) -> list:
    """The identities found in the store's tables, not its raw bytes: what the report is made from
    (check-privacy reads the bytes too)."""
    from ..privacy_check import check_store

    return check_store(study, raw=False)


def _refuse_leaks(study: Study, staging: Path, out: Path, workers: "Workers", store_check: Any) -> None:
    """``check-privacy`` on the staged files and the store, last: a leaking report is never published.

    The staged files are checked in ``workers.jobs`` parts of about equal size side by side (in sorted order,
    so the findings come in the order one check gives); ``store_check`` is the step checking the store."""
    from ..errors import OutputError
    from ..privacy_check import check_outputs

    files = sorted(p for p in staging.rglob("*") if p.is_file())
    parts = _parts_by_size(files, workers.jobs if workers.parallel else 1)
    checks = [workers.submit(partial(check_outputs, study, staging, out, None, part, index == 0))
              for index, part in enumerate(parts)]
    found = [finding for check in checks for finding in workers.result(check)] or workers.result(store_check)
    if found:
        first = found[0]
        whose = f" of {first.participant_id}" if first.participant_id else ""
        hint = ("; 'mixedmethods import' redacts paths stored by an earlier version"
                if first.file == study.relative(study.store_path) else "")
        raise OutputError(f"{first.location}: {first.kind}{whose} found, so the report was not published and the "
                          f"previous report files are left as they were ({len(found)} findings; 'mixedmethods "
                          f"check-privacy' lists them{hint})", file=first.file)


def _parts_by_size(files: list[Path], count: int) -> list[list[Path]]:
    """``files`` cut in at most ``count`` runs of consecutive files of about equal total size (never empty)."""
    sizes = [p.stat().st_size + 1 for p in files]
    total, parts, current, filled = sum(sizes), [], [], 0
    for path, size in zip(files, sizes):
        current.append(path)
        filled += size
        if filled >= total * (len(parts) + 1) / count and len(parts) < count - 1:
            parts.append(current)
            current = []
    return [part for part in [*parts, current] if part] or [[]]


def _remove_abandoned_staging(out: Path) -> None:
    """Staging folders of builds that were killed (their process no longer runs)."""
    for folder in out.glob(STAGING_PREFIX + "*"):
        pid = folder.name[len(STAGING_PREFIX):]
        if pid.isdigit() and int(pid) != os.getpid() and not _running(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, owned by someone else
        return True
    return True


def _same_bytes(a: Path, b: Path) -> bool:
    import filecmp

    return b.is_file() and filecmp.cmp(a, b, shallow=False)


def _publish(staging: Path, out: Path, written: list[Path],
             replace_all: bool = False) -> tuple[list[Path], list[Path]]:
    """Move every staged file whose bytes differ from the published one to its place in ``out`` (each move
    atomic); a file already published with the same bytes is left untouched (same inode and time), so a reader
    or a synchronised folder sees only what changed. Returns the files replaced and the files left, by their
    published paths; ``replace_all`` replaces every file."""
    replaced, kept = set(), set()
    for staged in sorted(p for p in staging.rglob("*") if p.is_file()):
        target = out / staged.relative_to(staging)
        if not replace_all and _same_bytes(staged, target):
            kept.add(target)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staged, target)
        replaced.add(target)
    published = list(dict.fromkeys(out / p.relative_to(staging) for p in written))
    return [p for p in published if p in replaced], [p for p in published if p in kept]


def _build_into(out: Path, study: Study, language: str | None,
                progress: Callable[[Iterable], Iterable] | None,
                analyse: Callable[[], dict[str, Any]] | None = None,
                workers: "Workers | None" = None) -> list[Path]:
    """Write every output of the build into ``out`` (the staging folder); returns the files written."""
    languages = [language] if language else list(study.languages)
    analyses = analyse() if analyse else analyse_all(study, progress)
    from .exports import export_plan

    export_plan(study, analyses)  # kept in the results, which the whole report and the exports read
    # Each language's documents, and the workbooks and exports: side by side with ``workers`` (each step
    # writes its own files), in this order otherwise; the files are listed in this order either way.
    steps = [partial(_write_documents, out, study, lang, analyses) for lang in languages]
    steps.append(partial(_write_tables, out, study, languages, analyses))
    if workers is None:
        return [path for step in steps for path in step()]
    _preload_rendering(workers)
    started = [workers.submit(step) for step in steps]
    return [path for step in started for path in workers.result(step)]


def _preload_rendering(workers: "Workers") -> None:
    """Import what every document step needs here, so that each child shares it (:meth:`.Workers.preload`)."""
    workers.preload("docx", "openpyxl", "mixedmethods.report.document", "mixedmethods.report.figures")
    if workers.parallel:
        from .figure_style import pyplot

        pyplot()  # matplotlib with its Agg backend


def _write_documents(out: Path, study: Study, lang: str, analyses: dict[str, Any]) -> list[Path]:
    """The chapter files and the whole report of one language, with their figures."""
    from .apparatus import add_page_furniture, insert_contents, mark_captions, running_head
    from .document import ReportDocument
    from .texts import Texts
    from .whole import WholeReport

    figures = out / "figures"
    written: list[Path] = []
    texts = Texts(lang, study_root=study.root)
    writers = _writers(study, texts, figures)
    present = [name for name, (has_data, _) in writers.items() if has_data(analyses[name])]
    for name in present:
        doc = _document(study, lang, texts)
        chapter = writers[name][1](doc, analyses[name])
        chapter.write()
        doc.heading(texts.get("survey.references_heading"), 2)
        chapter.references()
        mark_captions(doc)
        add_page_furniture(doc, running_head(_chapter_title(doc)), title_page=False)
        written.append(doc.save(out / f"{name}.{lang}.docx"))
        written.extend(sorted(figures.glob(f"{name}-*.{lang}.png")))
    whole_doc = ReportDocument(_template(study), lang)
    whole = WholeReport(whole_doc, study, texts, figures, analyses, present)
    anchor = whole.title_page()
    whole.summary()
    whole.methods()
    for name in present:
        writers[name][1](whole_doc, analyses[name]).write()
    whole.recommendations_section()
    whole.references_section(present)
    insert_contents(whole_doc, anchor, {"contents": texts.get("whole.contents"),
                                        "tables": texts.get("whole.list_of_tables"),
                                        "figures": texts.get("whole.list_of_figures")})
    add_page_furniture(whole_doc, running_head(study.title.get(lang) or next(iter(study.title.values()))),
                       title_page=True)
    written.append(whole_doc.save(out / WHOLE_NAMES.get(lang, f"report.{lang}.docx")))
    return written


def _write_tables(out: Path, study: Study, languages: list[str], analyses: dict[str, Any]) -> list[Path]:
    """tables.xlsx (and its translations), results.json and the participant-level exports."""
    from .exports import write_participants
    from .outputs import write_results_json
    from .workbook import write_workbooks

    written: list[Path] = []
    tables = {f"{name}_{key}": table for name, result in analyses.items() for key, table in result.tables.items()}
    written.extend(write_workbooks(out, tables, study, languages, __version__))  # tables.xlsx, tableaux.xlsx
    written.append(write_results_json(out / "results.json", {
        "tool_version": __version__, "languages": languages, "min_cell_size": study.report.min_cell_size,
        **{name: ({**result.statistics, "test": result.test} if name == "survey" else result.statistics)
           for name, result in analyses.items()}}))
    written.extend(write_participants(out, analyses, study))  # private/exports/ unless public and k-anonymous
    return written
