"""A chapter rendered once and copied into the whole report (report/chapter_body.py, issue 14 "compute once").

The reference is what rendering the chapter directly into the whole report gives (the way the report was
written before, through python-docx): a copy must give the same XML, the same image parts and the same
numbers, on portrait and landscape pages.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from mixedmethods.report.chapter_body import MarkedNumber, capture, fill, insert, mark_numbers
from mixedmethods.report.document import ReportDocument, TableSpec
from mixedmethods.report.texts import localise_values


def _png(path: Path, colour: tuple[int, int, int]) -> Path:
    from PIL import Image

    Image.new("RGB", (40, 30), colour).save(path)
    return path


class _Chapter:
    """Writes as the chapters do: sentences citing ``doc.tables + 1``, narrow and wide tables, figures."""

    def __init__(self, doc: ReportDocument, figures: Path) -> None:
        self.doc, self.figures = doc, figures

    def write(self) -> None:
        doc = self.doc
        doc.heading("Chapter", 1)
        doc.paragraph(f"Table {doc.tables + 1} counts; Figures {doc.figures + 1} and {doc.figures + 2} draw.")
        doc.table(TableSpec("Two groups", ["Measure", "A", "B"], [["Messages", "60", "61"]]), key="narrow")
        doc.figure(_png(self.figures / "one.png", (200, 10, 10)), "First", alt_text=f"Figure {doc.figures + 1}")
        doc.figure(_png(self.figures / "two.png", (10, 200, 10)), "Second")
        wide = TableSpec("Nine groups", ["Measure", *[f"Group number {i}" for i in range(1, 10)]],
                         [["Messages", *["1,234 (56%)"] * 9]])
        doc.paragraph(f"Tables {doc.tables + 1} and {doc.tables + 2} are wide.")
        doc.table(wide, key="wide")
        doc.table(wide)
        doc.paragraph(f"Back to portrait; Table {doc.tables} was the last.")
        doc.figure(_png(self.figures / "three.png", (10, 10, 200)), "Third")
        doc.table(wide, key="last wide")  # the chapter ends on a landscape page


def _before(doc: ReportDocument, figures: Path, wide: bool) -> None:
    """What the whole report holds before the chapter: two tables and a figure (the last table wide or not)."""
    doc.title("Whole report")
    doc.table(TableSpec("Earlier", ["Measure", "A"], [["x", "1"]]), key="earlier")
    doc.figure(_png(figures / "earlier.png", (90, 90, 90)), "Earlier figure")
    columns = 10 if wide else 2
    doc.table(TableSpec("Earlier too", ["Measure", *[f"Group number {i}" for i in range(1, columns)]],
                        [["x", *["1,234 (56%)"] * (columns - 1)]]))


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.mark.parametrize("wide_before", [False, True])
def test_a_copied_chapter_is_the_chapter_rendered_in_place(tmp_path, wide_before):
    figures = tmp_path / "figures"
    figures.mkdir()
    rendered = ReportDocument(None, "en")  # the reference: the chapter written straight into the whole report
    _before(rendered, figures, wide_before)
    _Chapter(rendered, figures).write()
    rendered.paragraph("After the chapter.")

    own = ReportDocument(None, "en")  # the chapter's own file, rendered once with marked numbers
    own.title("Chapter file")
    mark_numbers(own)
    before = set(own.doc.element.body)
    _Chapter(own, figures).write()
    body = capture(own, before)
    copied = ReportDocument(None, "en")
    _before(copied, figures, wide_before)
    insert(copied, body, figures)
    copied.paragraph("After the chapter.")

    assert (copied.tables, copied.figures) == (rendered.tables, rendered.figures) == (6, 4)
    assert copied.table_keys == rendered.table_keys
    assert copied.landscape == rendered.landscape
    a = _parts(rendered.save(tmp_path / "rendered.docx"))
    b = _parts(copied.save(tmp_path / "copied.docx"))
    assert a.keys() == b.keys()
    for name in a:
        assert a[name] == b[name], name
    text = a["word/document.xml"].decode()
    assert "Table 3 counts; Figures 2 and 3 draw." in text  # numbered on from the two tables and the figure before
    assert "Tables 4 and 5 are wide." in text and "Table 5 was the last." in text
    assert 'descr="Figure 2"' in text

    chapter_text = _parts(own.save(tmp_path / "own.docx"))["word/document.xml"].decode()
    assert "Table 1 counts; Figures 1 and 2 draw." in chapter_text  # the chapter file numbers from 1
    assert "Tables 2 and 3 are wide." in chapter_text and 'descr="Figure 1"' in chapter_text
    assert "\ue000" not in chapter_text and "\ue000" not in text
    assert own.table_keys == {"narrow": 1, "wide": 2, "Nine groups": 3, "last wide": 4}


def test_marked_numbers_count_and_are_filled_in_by_kind():
    table = MarkedNumber(3, "T")
    assert table + 1 == 4 and isinstance(table + 1, MarkedNumber) and isinstance(1 + table, MarkedNumber)
    assert (table + 2) - table == 2 and not isinstance((table + 2) - table, MarkedNumber)  # a count, not a label
    figure = MarkedNumber(1, "F")
    text = f"Table {table + 1}, Figures {figure} to {figure + 2 - 1}"
    assert fill(text, {"T": 10, "F": 0}) == "Table 14, Figures 1 to 2"
    assert fill(text, {"T": 0, "F": 5}) == "Table 4, Figures 6 to 7"
    # A number of a table is a label: never grouped by thousands, whatever its placeholder is called.
    values = localise_values({"last": MarkedNumber(1234, "T"), "n": 1234}, "en")
    assert values["n"] == "1,234" and fill(f"{values['last']}", {"T": 1}) == "1235"


def test_the_demo_report_numbers_its_chapters_on_and_each_chapter_file_from_one(built_demo):
    """Every table caption of the whole report, in order, is 1..N; each chapter file's captions are 1..n, and
    its captions appear in the whole report in the same order, shifted by the tables before it."""
    import re

    from docx import Document

    def captions(path: Path, word: str) -> list[tuple[int, str]]:
        paragraphs = [p for p in Document(str(path)).paragraphs if p.style.name == "Caption"]
        found = []
        for number, title in zip(paragraphs, paragraphs[1:]):
            match = re.fullmatch(rf"{word} (\d+)", number.text)
            if match:
                found.append((int(match.group(1)), title.text))
        return found

    report = built_demo / "report"
    for lang, whole_name, word in (("en", "report.docx", "Table"), ("fr", "rapport.docx", "Tableau")):
        whole = captions(report / whole_name, word)
        assert [n for n, _ in whole] == list(range(1, len(whole) + 1))
        offset = 0
        for chapter in ("survey", "interviews", "chats", "triangulation"):
            own = captions(report / f"{chapter}.{lang}.docx", word)
            assert [n for n, _ in own] == list(range(1, len(own) + 1)), chapter
            titles = [title for _, title in whole]
            first = titles.index(own[0][1], offset)
            assert [(n + first, t) for n, t in own] == whole[first:first + len(own)], chapter
            offset = first + len(own)
        for path in report.glob(f"*.{lang}.docx"):
            assert "\ue000" not in _parts(path)["word/document.xml"].decode(), path.name


def test_a_whole_report_written_without_the_chapters_bodies_renders_them_to_the_same_document(built_copy, tmp_path):
    """write_whole_report called on its own (no chapter files' step before it) renders each chapter itself: the
    same document as the build's, which copied in the bodies its chapter files' steps handed over."""
    from mixedmethods.report import cache
    from mixedmethods.report.build import analyse_all
    from mixedmethods.report.exports import export_plan
    from mixedmethods.report.texts import Texts
    from mixedmethods.report.writing import write_whole_report
    from mixedmethods.study import load_study

    study = load_study(built_copy)
    computed: list[str] = []
    analyses = analyse_all(study, keys=cache.analysis_keys(study), computed=computed)
    assert computed == []  # the build's own results, from its cache
    export_plan(study, analyses)
    out = tmp_path / "out"
    written = write_whole_report(out, study, "fr", analyses, Texts("fr", study_root=study.root))
    assert written.files == [out / "rapport.docx"]
    assert _parts(out / "rapport.docx") == _parts(built_copy / "report" / "rapport.docx")
