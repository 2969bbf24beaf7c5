"""The steps of a build that write files: a chapter's file in one language, the whole report of a language,
and the workbooks and exports. Each returns what it wrote and what :mod:`..privacy_check` found in it.

Why steps (issue 14): :mod:`.build` starts each chapter's file as soon as its source's analysis ends, while the
other analyses still run, each in its own process (:mod:`.workers`); the whole report of a language starts
when every analysis and that language's chapter files are done. A step checks the files it wrote for
participants' identities before it returns, so the check runs beside the other steps instead of after them
all. Each chapter is rendered once per language: its file's step hands back the chapter's body
(:mod:`.chapter_body`), which the whole report, written in another process, copies in with its own table and
figure numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from .. import __version__

if TYPE_CHECKING:
    from ..privacy_check import Finding, LeakFinder
    from .chapter_body import ChapterBody
    from .document import ReportDocument
    from ..study import Study

WHOLE_NAMES = {"en": "report.docx", "fr": "rapport.docx"}
CHAPTERS = ("survey", "interviews", "chats", "triangulation")  # in the order of the whole report

# Does an analysis have data to report? (A chapter without data is left out; the methods text says so.)
HAS_DATA: dict[str, Callable[[Any], bool]] = {
    "survey": lambda r: bool(r.statistics.get("n")),
    "interviews": lambda r: bool(r.statistics.get("transcripts") or r.statistics.get("transcripts_withheld")),
    "chats": lambda r: "participation" in r.tables,
    "triangulation": lambda r: "convergence" in r.tables and not r.tables["convergence"].empty,
}


def has_chapter(name: str, result: Any) -> bool:
    """Does ``result`` get a chapter? A survey whose every respondent is in a group under k still gets one,
    saying so (as the interviews and chats do), rather than vanishing from the report."""
    if name == "survey":
        return HAS_DATA["survey"](result) or bool(result.statistics.get("groups_left_out"))
    return HAS_DATA[name](result)


@dataclass
class Written:
    """What a step wrote (in the order the build lists them), the bodies of the chapters it rendered ((chapter,
    language) -> :class:`.chapter_body.ChapterBody`, for the whole report of that language) and the identities
    found in each file it wrote (path -> findings; none in a clean build). The build's own adds up its steps',
    with the ``finder`` they checked with."""

    files: list[Path] = field(default_factory=list)
    bodies: dict[tuple[str, str], "ChapterBody"] = field(default_factory=dict)
    findings: dict[Path, list["Finding"]] = field(default_factory=dict)
    finder: "LeakFinder | None" = None

    def add(self, other: "Written") -> None:
        self.files.extend(other.files)
        self.bodies.update(other.bodies)
        self.findings.update(other.findings)


def template(study: "Study") -> Path | None:
    own = study.report.template or study.root / "templates" / "report.docx"
    return own if own.is_file() else None


def new_document(study: "Study", language: str, texts):
    """A chapter file's document: the study's title and the subtitle (tool version, date)."""
    from . import apa
    from .document import ReportDocument

    doc = ReportDocument(template(study), language)
    doc.title(study.title.get(language) or next(iter(study.title.values())))
    doc.paragraph(texts.get("report.subtitle", version=__version__, date=apa.date(date.today(), language)))
    return doc


def chapter_writer(study: "Study", name: str, texts, figures: Path) -> Callable:
    """``(doc, result) -> chapter``: how the chapter ``name`` is written into a document."""
    if name == "survey":
        from .survey_chapter import SurveyChapter

        return lambda doc, r: SurveyChapter(doc, r, study, study.questionnaire(), texts, figures)
    if name == "interviews":
        from .interview_chapter import InterviewChapter

        return lambda doc, r: InterviewChapter(doc, r, study, study.codebook(), texts, figures)
    if name == "chats":
        from .chat_chapter import ChatChapter

        return lambda doc, r: ChatChapter(doc, r, study, texts, figures)
    from .triangulation_chapter import TriangulationChapter

    return lambda doc, r: TriangulationChapter(doc, r, study, texts, figures)


def _chapter_title(doc) -> str:
    """The first Heading 1 of a chapter file (its running head)."""
    return next((p.text for p in doc.doc.paragraphs if p.style.name == "Heading 1" and p.text.strip()), "")


def checked_files(study: "Study", out: Path, files: list[Path], finder: "LeakFinder | None") -> dict[Path, list]:
    """Each file's findings (``check-privacy`` on the content of each of ``files``, written under ``out``, the
    staging folder); the build checks the file names at the end. Nothing without a ``finder``."""
    if finder is None:
        return {}
    from ..privacy_check import check_outputs

    return {path: check_outputs(study, out, study.report_dir, finder, [path], names=False) for path in files}


def render_chapter(study: "Study", name: str, result: Any, texts, figures: Path,
                   doc: "ReportDocument") -> tuple[Any, "ChapterBody"]:
    """Write the chapter ``name`` at the end of ``doc`` (whose tables and figures are numbered from 1 on); returns
    the chapter writer (for its references) and the chapter's body, for the whole report (:mod:`.chapter_body`)."""
    from .chapter_body import capture, mark_numbers

    mark_numbers(doc)
    before = set(doc.doc.element.body)
    chapter = chapter_writer(study, name, texts, figures)(doc, result)
    chapter.write()
    return chapter, capture(doc, before)


def write_chapter_file(out: Path, study: "Study", lang: str, name: str, result: Any, texts,
                       finder: "LeakFinder | None" = None) -> Written:
    """``<name>.<lang>.docx``: the chapter on its own, with its references, and its figures; the chapter's body
    is handed back for the whole report (:attr:`Written.bodies`)."""
    from .apparatus import add_page_furniture, mark_captions, running_head

    figures = out / "figures"
    doc = new_document(study, lang, texts)
    chapter, body = render_chapter(study, name, result, texts, figures, doc)
    doc.heading(texts.get("survey.references_heading"), 2)
    chapter.references()
    mark_captions(doc)
    add_page_furniture(doc, running_head(_chapter_title(doc)), title_page=False)
    files = [doc.save(out / f"{name}.{lang}.docx"), *sorted(figures.glob(f"{name}-*.{lang}.png"))]
    body.files = [path.relative_to(out).as_posix() for path in files]
    return Written(files, {(name, lang): body}, checked_files(study, out, files, finder))


def write_whole_report(out: Path, study: "Study", lang: str, analyses: dict[str, Any], texts,
                       finder: "LeakFinder | None" = None, bodies: dict[str, "ChapterBody"] | None = None) -> Written:
    """The whole report of one language (``report.docx``, ``rapport.docx``): title page, summary, methods, every
    chapter with data, recommendations, references, with the contents and lists of tables and figures.

    ``bodies``: the chapters as their files' steps rendered them in this language (:func:`write_chapter_file`),
    copied in with the whole report's numbers; a chapter not among them is rendered here first.
    """
    from .apparatus import add_page_furniture, insert_contents, running_head
    from .chapter_body import insert
    from .document import ReportDocument
    from .whole import WholeReport

    figures = out / "figures"
    present = [name for name in CHAPTERS if has_chapter(name, analyses[name])]
    doc = ReportDocument(template(study), lang)
    whole = WholeReport(doc, study, texts, figures, analyses, present)
    anchor = whole.title_page()
    whole.summary()
    whole.methods()
    for name in present:
        body = (bodies or {}).get(name)
        if body is None:
            body = render_chapter(study, name, analyses[name], texts, figures, ReportDocument(template(study), lang))[1]
        insert(doc, body, figures)
    whole.recommendations_section()
    whole.references_section(present)
    insert_contents(doc, anchor, {"contents": texts.get("whole.contents"), "tables": texts.get("whole.list_of_tables"),
                                  "figures": texts.get("whole.list_of_figures")})
    add_page_furniture(doc, running_head(study.title.get(lang) or next(iter(study.title.values()))), title_page=True)
    files = [doc.save(out / WHOLE_NAMES.get(lang, f"report.{lang}.docx"))]
    return Written(files, {}, checked_files(study, out, files, finder))


def write_tables(out: Path, study: "Study", languages: list[str], analyses: dict[str, Any],
                 finder: "LeakFinder | None" = None) -> Written:
    """tables.xlsx (and its translations), results.json and the participant-level exports."""
    from .exports import write_participants
    from .outputs import write_results_json
    from .workbook import write_workbooks

    files: list[Path] = []
    tables = {f"{name}_{key}": table for name, result in analyses.items() for key, table in result.tables.items()}
    files.extend(write_workbooks(out, tables, study, languages, __version__))  # tables.xlsx, tableaux.xlsx
    files.append(write_results_json(out / "results.json", {
        "tool_version": __version__, "languages": languages, "min_cell_size": study.report.min_cell_size,
        **{name: ({**result.statistics, "test": result.test} if name == "survey" else result.statistics)
           for name, result in analyses.items()}}))
    files.extend(write_participants(out, analyses, study))  # private/exports/ unless public and k-anonymous
    return Written(files, {}, checked_files(study, out, files, finder))


def prepare_writing(study: "Study", languages: list[str], parallel: bool, check: bool) -> dict[str, Any]:
    """What every writing step needs, made once here while the analyses run: each language's texts and the
    identity finder (``check``); and, when the steps run in processes of their own (``parallel``), what each
    would otherwise load or warm up on its own: the instruments, the chapter modules, matplotlib's fonts (a
    figure drawn with regular and bold text), the check's reading of the template's parts and the date
    formats of each language (about 0.1 s to 0.2 s per step, and a build has about ten).
    """
    from ..errors import UserError
    from ..privacy_check import leak_finder
    from .texts import Texts

    shared = {"texts": {lang: Texts(lang, study_root=study.root) for lang in languages},
              "finder": leak_finder(study) if check else None}
    if not parallel:
        return shared
    for instrument, path in ((study.questionnaire, study.questionnaire_path), (study.codebook, study.codebook_path)):
        if path is not None:
            try:
                instrument()
            except UserError:  # the step that needs it says what is wrong, as without this warm-up
                pass
    import io
    import tempfile

    from . import apa, chat_chapter, interview_chapter, survey_chapter, triangulation_chapter, whole  # noqa: F401
    from .document import ReportDocument
    from .figure_style import figure, pyplot

    fig = figure(4.0, 3.0)
    fig.add_subplot().set_title("Aé", fontweight="bold")
    fig.axes[0].set_xlabel("Aé 1,5")
    fig.savefig(io.BytesIO(), format="png", dpi=72)
    pyplot().close(fig)
    with tempfile.TemporaryDirectory() as folder:
        for lang in languages:
            apa.date(date.today(), lang)
            if shared["finder"] is not None:  # the parts every document of this language shares, read once
                from ..privacy_check import check_file

                blank = ReportDocument(template(study), lang).save(Path(folder) / f"{lang}.docx")
                check_file(blank, blank.name, shared["finder"])
    return shared
