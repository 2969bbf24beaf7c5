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
published one is not replaced; a chapter whose analysis and documents' inputs did not change is kept from the
last build rather than rendered (:mod:`.chapter_cache`); and when nothing changed since the last build, nothing
is done. ``force`` recomputes, renders and rewrites everything. Each chapter is rendered once per language:
its file numbers its tables and figures from 1, and the whole report copies the same rendering in, numbered on
from the chapters before (:mod:`.chapter_body`).

With several processes (:mod:`.workers`) the build is a pipeline: the store's check starts first, at a lower
priority; each source's analysis runs in its own process, and as soon as one ends, its chapter files are
written (one step for both languages) while the other analyses go on; when all are in, the triangulation runs here,
then each language's triangulation chapter and whole report (with the chapters as their files' steps rendered
them) and the workbooks and exports. Every step checks the files it wrote for identities before it returns
(:mod:`.writing`).
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable

from ..study import Study

if TYPE_CHECKING:
    from .chapter_cache import ChapterCache
    from .workers import Workers

from .writing import HAS_DATA, WHOLE_NAMES, Written  # noqa: F401 - WHOLE_NAMES, HAS_DATA: the build's names


def analyse_all(study: Study, progress: Callable[[Iterable], Iterable] | None = None, *,
                keys: dict[str, str] | None = None, force: bool = False,
                computed: list[str] | None = None, workers: "Workers | None" = None,
                meanwhile: Callable[[], Any] | None = None,
                ready: Callable[[str, Any], None] | None = None) -> dict[str, Any]:
    """Every analysis of the study (language-independent), each run once; sources without data give empty results.

    Triangulation runs only when at least two sources have data: with one source there is nothing to
    triangulate; it is given the three sources' results rather than computing them again (compute once).
    With ``keys`` (:func:`.cache.analysis_keys`) a result cached under its key is reused instead of computed,
    unless ``force``; each computed result is cached. The names of the analyses actually run are appended
    to ``computed`` (in the order survey, interviews, chats, triangulation). With ``workers`` (:mod:`.workers`)
    the sources' analyses that are not cached run side by side, each in its own process; the triangulation,
    which needs them all, runs after them in this one. ``meanwhile`` is called once they are started (the
    build prepares its documents there). ``ready(name, result)`` is called with each source's result as soon
    as it is in (the cached ones first, then the others in the order they end), before the triangulation:
    the build starts writing that chapter while the other analyses still run.
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
    started = _start_analyses(study, steps[:-1], cached, workers) if workers is not None else {}
    if meanwhile is not None:
        meanwhile()

    def in_order_of_ending() -> Iterable[tuple[str, Any, bool]]:
        for name, _, _ in steps[:-1]:
            if cached[name] is not None:
                yield name, cached[name], False
        while started:
            step = workers.first_done(list(started.values()))
            name = next(name for name, one in started.items() if one is step)
            del started[name]
            yield name, workers.result(step), True
        for name, analyse, _ in steps:
            if cached[name] is None and name not in results:
                yield name, analyse(study), True
        if cached["triangulation"] is not None:
            yield "triangulation", cached["triangulation"], False

    fresh = set()
    for _, (name, result, computed_here) in zip(progress(steps) if progress else steps, in_order_of_ending()):
        results[name] = result
        if computed_here:
            fresh.add(name)
            if keys:
                store_result(study, name, keys[name], result)
        if ready is not None and name != "triangulation":
            ready(name, result)
    if computed is not None:
        computed.extend(name for name, _, _ in steps if name in fresh)
    return {name: results[name] for name, _, _ in steps}  # in this order whichever ended first: the workbooks' sheets


# What each source's analysis imports, in the order the analyses are started: each starts as soon as the
# libraries it needs are imported here (its process then shares them); the chats' analysis, whose cost grows
# with the messages, first. (Started before pandas, it imported pandas itself: 0.3 s more CPU in all, and the
# 1M-message build was no faster.) pingouin serves the survey's and the triangulation's tests: imported once.
ANALYSIS_LIBRARIES = {"chats": ("pandas",), "interviews": ("pandas", "scipy.stats"),
                      "survey": ("pandas", "scipy.stats", "pingouin")}


def _start_analyses(study: Study, sources: list, cached: dict[str, Any], workers: "Workers") -> dict[str, Any]:
    """Submit the sources' analyses that are not cached, each to run in its own process; returns their steps.

    Each is started once the libraries it needs (:data:`ANALYSIS_LIBRARIES`) are imported here, the chats'
    first: the next libraries are imported here while it already runs.
    """
    if not workers.parallel:
        return {}
    analyses = {name: analyse for name, analyse, _ in sources}
    started = {}
    for name, libraries in ANALYSIS_LIBRARIES.items():
        if cached[name] is None or (name == "survey" and cached["triangulation"] is None):
            workers.preload(*libraries)
        if cached[name] is None:
            started[name] = workers.submit(partial(analyses[name], study))
    return started


STAGING_PREFIX = ".building-"
STORE_CHECK_NICE = 5  # the store's check runs beside the build at this lower priority (os.nice)


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

    ``jobs``: how many steps run at once, each in its own process (:mod:`.workers`; default: two more than
    the usable cores, at most four). The files are the same bytes whatever the number.
    """
    from ..errors import ConfigError, OutputError
    from . import cache
    from .chapter_cache import ChapterCache

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
            # The store is checked for identities beside everything else (it does not change during the build), at a
            # lower priority: its finding is needed only before publishing.
            store_check = workers.submit(partial(_store_findings, study, sources, force), nice=STORE_CHECK_NICE)

            def analyse(ready: Callable[[str, Any], None], meanwhile: Callable[[], Any]) -> dict[str, Any]:
                return analyse_all(study, progress, keys=keys, force=force, computed=outcome.computed,
                                   workers=workers, meanwhile=meanwhile, ready=ready)

            chapters = ChapterCache(study, keys, inputs, out)
            staged = _build_into(staging, study, language, progress, analyse, workers, check=True,
                                 kept=None if force else chapters)
            written = staged.files
            if pdf:
                from .pdf import write_pdfs

                documents = [p for p in written if p.suffix == ".docx"]
                whole = [p for p in documents if p.name in WHOLE_NAMES.values() or p.name.startswith("report.")]
                written += write_pdfs(documents, whole, pdf_progress)
            _refuse_leaks(study, staging, out, workers, store_check, staged)
        outcome.written, outcome.unchanged = _publish(staging, out, written, replace_all=force)
        chapters.record(staged.bodies)
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


def _store_findings(study: Study, sources: dict[str, str], force: bool) -> list:
    """The identities found in the store's tables, not its raw bytes: what the report is made from
    (check-privacy reads the bytes too); reused from the import's or the last build's check while the store and
    participants.csv did not change (:func:`.cache.checked_store`)."""
    from .cache import checked_store

    return checked_store(study, sources, force)


def _refuse_leaks(study: Study, staging: Path, out: Path, workers: "Workers", store_check: Any,
                  staged: Written) -> None:
    """``check-privacy`` on the staged files and the store, last: a leaking report is never published.

    The build's steps checked the files they wrote (``staged.findings``); the files written since (the PDFs)
    are checked here in ``workers.jobs`` parts of about equal size side by side, and every file name. The
    findings come in the order one check of the whole folder gives (names, then the files in sorted order);
    ``store_check`` is the step checking the store."""
    from ..errors import OutputError
    from ..privacy_check import check_outputs, leak_finder
    from .writing import checked_files

    finder = staged.finder or leak_finder(study)
    files = sorted(p for p in staging.rglob("*") if p.is_file())
    unchecked = [p for p in files if p not in staged.findings]
    parts = _parts_by_size(unchecked, workers.jobs if workers.parallel else 1) if unchecked else []
    checks = [workers.submit(partial(checked_files, study, staging, part, finder)) for part in parts]
    found_in = dict(staged.findings)
    for check in checks:
        found_in.update(workers.result(check))
    found = check_outputs(study, staging, out, finder, [], names=True)  # the file names
    found += [finding for path in files for finding in found_in.get(path, [])]
    found = list(dict.fromkeys(found)) or workers.result(store_check)
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
                analyse: Callable[..., dict[str, Any]] | None = None,
                workers: "Workers | None" = None, check: bool = False,
                kept: "ChapterCache | None" = None) -> Written:
    """Write every output of the build into ``out`` (the staging folder); returns the files written, in the
    order: each language's chapter files (each with its figures) and whole report, then the workbooks and
    exports.

    The analyses (``analyse(ready, meanwhile)``, default :func:`analyse_all`) hand over each source's result as
    it ends (``ready``): its chapter files are started then, one step for every language, beside the analyses
    still running. Once every analysis is in, each language's whole report (after its chapter files, whose
    rendering it copies in) and the workbooks and exports are written side by side. With ``check`` each step checks the
    files it wrote for identities (:mod:`.writing`). A chapter ``kept`` from the last build
    (:mod:`.chapter_cache`) is taken back rather than rendered.
    """
    from .exports import export_plan
    from .workers import Workers
    from .writing import CHAPTERS, has_chapter, write_tables

    workers = workers or Workers(1)
    languages = [language] if language else list(study.languages)
    shared: dict[str, Any] = {}
    chapters: dict[str, Any] = {}  # chapter -> the step writing its file in every language, or what was kept

    def prepare() -> None:
        """Once, while the analyses run: what every writing step needs, here, so each child shares it."""
        if shared:
            return
        from .writing import prepare_writing

        _preload_rendering(workers)
        shared.update(prepare_writing(study, languages, workers.parallel, check))

    def ready(name: str, result: Any) -> None:
        """A source's analysis is in: its chapter files can be written."""
        prepare()
        if name in chapters or not has_chapter(name, result):
            return
        taken = kept.reuse(name, languages, out) if kept is not None else None
        chapters[name] = taken if taken is not None else workers.submit(partial(
            _write_chapter_files, out, study, languages, name, result, shared["texts"], shared["finder"]))

    def chapter_files(name: str) -> dict[str, Written]:
        step = chapters[name]
        return step if isinstance(step, dict) else workers.result(step)

    analyses = analyse(ready, prepare) if analyse else analyse_all(study, progress, workers=workers,
                                                                    meanwhile=prepare, ready=ready)
    for name in CHAPTERS[:-1]:  # an ``analyse`` that did not say when each was ready
        ready(name, analyses[name])
    export_plan(study, analyses)  # kept in the results, which the whole report and the exports read
    tables = workers.submit(partial(write_tables, out, study, languages, analyses, shared["finder"]))
    last = None  # the triangulation's chapter, when kept
    if kept is not None and has_chapter("triangulation", analyses["triangulation"]):
        last = kept.reuse("triangulation", languages, out)
    done = {name: chapter_files(name) for name in chapters} | ({"triangulation": last} if last is not None else {})
    bodies = {lang: {name: files[lang].bodies[name, lang] for name, files in done.items()} for lang in languages}
    wholes = {lang: workers.submit(partial(_write_last, out, study, lang, analyses, shared["texts"][lang],
                                           shared["finder"], bodies[lang])) for lang in languages}
    written = Written(finder=shared["finder"])
    for lang in languages:
        for name in CHAPTERS[:-1]:
            if name in chapters:
                written.add(chapter_files(name)[lang])
        if last is not None:
            written.add(last[lang])
        written.add(workers.result(wholes[lang]))
    written.add(workers.result(tables))
    return written


def _write_chapter_files(out: Path, study: Study, languages: list[str], name: str, result: Any, texts: dict,
                         finder) -> dict[str, Written]:
    """The chapter file of ``name`` in each language, in one step: one process for both languages saves a
    process's start (0.15-0.25 s of CPU per chapter, measured; the 1M-message build 8.3-9.0 s against
    8.8-9.0 s with a step per language)."""
    from .writing import write_chapter_file

    return {lang: write_chapter_file(out, study, lang, name, result, texts[lang], finder) for lang in languages}


def _write_last(out: Path, study: Study, lang: str, analyses: dict[str, Any], texts, finder,
                bodies: dict[str, Any]) -> Written:
    """The triangulation's chapter file (it needs every analysis; unless ``bodies`` holds it, kept from the last
    build), then the whole report of ``lang``, which copies in the chapters' ``bodies`` as their files' steps
    rendered them (:mod:`.chapter_body`)."""
    from .writing import has_chapter, write_chapter_file, write_whole_report

    written = Written()
    if has_chapter("triangulation", analyses["triangulation"]) and "triangulation" not in bodies:
        written.add(write_chapter_file(out, study, lang, "triangulation", analyses["triangulation"], texts, finder))
    written.add(write_whole_report(out, study, lang, analyses, texts, finder,
                                   {**bodies, **{name: body for (name, _), body in written.bodies.items()}}))
    return written


def _preload_rendering(workers: "Workers") -> None:
    """Import what every document step needs here, so that each child shares it (:meth:`.Workers.preload`)."""
    workers.preload("docx", "openpyxl", "mixedmethods.report.document", "mixedmethods.report.figures")
    if workers.parallel:
        from .figure_style import pyplot

        pyplot()  # matplotlib with its Agg backend
