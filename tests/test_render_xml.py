"""The report's fast writers give python-docx's own XML (issue 14: rendering CPU down, bytes unchanged).

ReportDocument writes runs, paragraph styles, table-cell properties and widths without python-docx's generic
element machinery, and reads style names and table text from the XML. Each test builds the reference with
python-docx's public API (the peer library's output) and compares the serialised XML, or applies python-docx's
setters over our output and checks that nothing changes.
"""

from __future__ import annotations

import copy
import math
from pathlib import Path

import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.shared import Cm
from docx.text.paragraph import Paragraph
from lxml import etree

from mixedmethods.errors import ConfigError
from mixedmethods.report.citations import document_texts, reference_entries
from mixedmethods.report.apparatus import field
from mixedmethods.report.document import ReportDocument, TableSpec, column_widths
from mixedmethods.report.wordxml import append_run, paragraph_properties, paragraph_text, style_name_reader
from mixedmethods.report.workbook import _cell
from mixedmethods.yamlio import _BundledLoader, _LineLoader, load_yaml, load_yaml_once


def _xml(element) -> bytes:
    return etree.tostring(element)


@pytest.fixture(scope="module")
def document() -> ReportDocument:
    return ReportDocument(language="en")


TEXTS = ["plain", " leading space", "trailing ", "a\ttab", "two\nlines", "cr\rline", "", "M = 3.42 ± 0.1 « é »"]


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("bold, italic, subscript", [(False, False, False), (True, False, False),
                                                     (False, True, False), (True, True, False),
                                                     (False, False, True), (True, False, True)])
def test_a_run_is_written_as_python_docx_writes_it(document, text, bold, italic, subscript):
    ours, theirs = document.doc.add_paragraph(), document.doc.add_paragraph()
    append_run(ours._p, text, bold=bold, italic=italic, subscript=subscript)
    run = theirs.add_run(text)
    if italic:
        run.italic = True
    if subscript:
        run.font.subscript = True
    run.bold = bold or None
    assert _xml(ours._p) == _xml(theirs._p)


@pytest.mark.parametrize("text", TEXTS)
def test_a_run_without_properties_is_add_run_alone(document, text):
    ours, theirs = document.doc.add_paragraph(), document.doc.add_paragraph()
    append_run(ours._p, text, properties=False)
    theirs.add_run(text)
    assert _xml(ours._p) == _xml(theirs._p)


@pytest.mark.parametrize("style", [None, "Normal", "Title", "Heading 1", "Heading 2", "Caption", "Table Note",
                                   "Reference", "Quote Block"])
@pytest.mark.parametrize("text", ["", "Some text", " spaced "])
def test_a_styled_paragraph_is_written_as_python_docx_writes_it(document, style, text):
    ours = document.add_paragraph(text, style=style)
    theirs = document.doc.add_paragraph(text, style=style)
    assert _xml(ours._p) == _xml(theirs._p)


def test_the_default_style_is_written_as_no_style_id(document):
    # python-docx writes no w:pStyle for the document's default paragraph style (an empty w:pPr).
    assert document.paragraph_style_id("Normal") is None
    assert document.paragraph_style_id("Heading 1") == document.doc.styles["Heading 1"].style_id


@pytest.mark.parametrize("keep", [True, False])
@pytest.mark.parametrize("jc, alignment", [("left", WD_ALIGN_PARAGRAPH.LEFT), ("center", WD_ALIGN_PARAGRAPH.CENTER),
                                           ("right", WD_ALIGN_PARAGRAPH.RIGHT)])
def test_cell_paragraph_properties_are_python_docx_s(document, keep, jc, alignment):
    style_id = document._style_id("Table Text")
    ours, theirs = OxmlElement("w:p"), OxmlElement("w:p")
    ours.insert(0, paragraph_properties(style_id, keep, jc))
    paragraph = Paragraph(theirs, None)
    theirs.get_or_add_pPr().get_or_add_pStyle().val = style_id  # the order ReportDocument.table used
    paragraph.alignment = alignment
    paragraph.paragraph_format.keep_with_next = keep or None
    assert _xml(ours) == _xml(theirs)


def _spanned_spec(rows: int) -> TableSpec:
    return TableSpec(title="Scores by *group*", header=["Scale", "M", "SD", "M", "SD", "Note"],
                     rows=[[f"Scale {i}", "3.1", "0.9", "2.8", "1.1", "a *longer* note _[x]"] for i in range(rows)],
                     note="Hand-made.", spanners=[("North", 1, 2), ("South", 3, 2)], bold_rows={1})


@pytest.mark.parametrize("rows", [0, 1, 2, 6])
def test_python_docx_setters_change_nothing_in_a_table(rows):
    """Setting again, with python-docx, every cell's style, alignment, keep-with-next and width leaves the XML
    of the table as ReportDocument wrote it."""
    document = ReportDocument(language="fr")
    spec = _spanned_spec(rows)
    document.table(spec)
    table = document.doc.tables[-1]
    before = _xml(copy.deepcopy(table._tbl))
    section = document.doc.sections[-1]
    widths = column_widths(spec, (section.page_width - section.left_margin - section.right_margin) / 360000)
    grid = [row.cells for row in table.rows]
    style_id = document._style_id("Table Text")
    for index, row_cells in enumerate(grid):
        keep = index < 2 + 3 - 1 and index < len(grid) - 1  # header rows 2, KEPT_BODY_ROWS 3
        for col, cell in enumerate(row_cells):
            cell.width = Cm(widths[col])
            paragraph = cell.paragraphs[0]
            paragraph.paragraph_format.keep_with_next = keep or None
            if index >= 1:  # below the spanners: every cell has the table style and an alignment
                paragraph._p.get_or_add_pPr().get_or_add_pStyle().val = style_id
                if col == 0:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
                else:  # the header centred, the body as TableSpec.align's default (first left, rest right)
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if index == 1 else WD_ALIGN_PARAGRAPH.RIGHT
    assert _xml(copy.deepcopy(table._tbl)) == before


def test_paragraph_text_is_python_docx_s(document):
    paragraphs = [document.doc.add_paragraph() for _ in range(7)]
    add = [lambda p: None,  # empty
           lambda p: append_run(p._p, "plain and *marked*", bold=True),
           lambda p: (append_run(p._p, "a"), append_run(p._p, "tab\there and\nbreak")),
           lambda p: field(p, "PAGE", "12"),  # fldChar and instrText runs
           lambda p: (p.add_run("x").add_break(), p.add_run("y")),
           lambda p: p._p.append(etree.fromstring(
               '<w:hyperlink xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
               '<w:r><w:t>linked</w:t></w:r></w:hyperlink>')),
           lambda p: (append_run(p._p, "before "), p._p.append(OxmlElement("w:bookmarkStart")),
                      append_run(p._p, " after"))]
    for paragraph, fill in zip(paragraphs, add):
        fill(paragraph)
    assert [paragraph_text(p._p) for p in paragraphs] == [p.text for p in paragraphs]
    assert [paragraph_text(p._p) for p in paragraphs][:3] == ["", "plain and *marked*", "atab\there and\nbreak"]


def _reference_style_name(document, p) -> str | None:
    style = Paragraph(p, document._body).style
    return style.name if style is not None else None


def test_style_names_are_python_docx_s(document):
    body = document.doc.element.body
    odd = document.doc.add_paragraph("unknown style id")
    odd._p.style = "NoSuchStyleId"  # python-docx falls back to the default paragraph style
    character = document.doc.add_paragraph("a character style's id")
    character._p.style = document.doc.styles["Default Paragraph Font"].style_id
    document.add_paragraph("reference", style="Reference")
    read = style_name_reader(document.doc)
    names = [read(p) for p in body.p_lst]
    assert names == [_reference_style_name(document.doc, p) for p in body.p_lst]
    assert {"Normal", "Reference", "Heading 1", "Caption"} <= set(names)


def _texts_by_python_docx(document) -> list[str]:
    """document_texts as python-docx's API gives it (the code before issue 14)."""
    texts = [p.text for p in document.paragraphs if p.style is None or p.style.name != "Reference"]
    for table in document.tables:
        for row in table.rows:
            texts += [cell.text for cell in row.cells]
    return texts


def test_document_texts_are_those_python_docx_reads():
    document = ReportDocument(language="en")
    document.paragraph("As Cohen (1988) showed, and (Field, 2018).")
    document.paragraph("Cohen, J. (1988). *Statistical power analysis*. Erlbaum.", style="Reference")
    document.table(_spanned_spec(3))
    vertical = document.doc.add_table(rows=3, cols=2)  # a vertical merge: the cell below repeats the one above
    vertical.cell(0, 0).merge(vertical.cell(1, 0)).text = "merged (Smith, 2020)"
    vertical.cell(2, 1).text = "two\nlines"
    assert document_texts(document.doc) == _texts_by_python_docx(document.doc)
    assert reference_entries(document.doc) == [p.text for p in document.doc.paragraphs
                                               if p.style is not None and p.style.name == "Reference"]
    assert reference_entries(document.doc) == ["Cohen, J. (1988). Statistical power analysis. Erlbaum."]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_bundled_texts_read_by_libyaml_are_those_pyyaml_reads(language):
    import yaml

    from mixedmethods.resources import templates_dir

    text = (templates_dir() / "text" / f"{language}.yaml").read_text(encoding="utf-8-sig")
    ours, theirs = yaml.load(text, Loader=_BundledLoader), yaml.load(text, Loader=_LineLoader)  # noqa: S506

    def same(a, b):
        assert type(a) is type(b) and a == b
        if isinstance(a, dict):
            assert (a.line, a.key_lines) == (b.line, b.key_lines)
            for key in a:
                same(a[key], b[key])
        elif isinstance(a, list):
            assert (a.line, a.item_lines) == (b.line, b.item_lines)
            for x, y in zip(a, b):
                same(x, y)

    same(ours, theirs)


def test_a_yaml_file_is_parsed_once_and_again_when_it_changes(tmp_path: Path, monkeypatch):
    import mixedmethods.yamlio as yamlio

    path = tmp_path / "t.yaml"
    path.write_text("a:\n  b: one\n", encoding="utf-8")
    parsed = []
    real = yamlio.load_yaml
    monkeypatch.setattr(yamlio, "load_yaml", lambda *a, **k: parsed.append(1) or real(*a, **k))
    first = load_yaml_once(path)
    first["a"]["b"] = "changed by a caller"
    second = load_yaml_once(path)
    assert second == {"a": {"b": "one"}} and second.line_of("a") == 1 and second["a"].line_of("b") == 2
    assert len(parsed) == 1  # the second call read no file
    path.write_text("a:\n  b: two, longer\n", encoding="utf-8")
    assert load_yaml_once(path) == {"a": {"b": "two, longer"}}
    assert len(parsed) == 2
    with pytest.raises(ConfigError, match="file not found"):
        load_yaml_once(tmp_path / "missing.yaml")
    (tmp_path / "bad.yaml").write_text("a: [1,\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_yaml_once(tmp_path / "bad.yaml")
    assert load_yaml(path) == load_yaml_once(path)


def test_workbook_cells_plain_values():
    import numpy as np
    import pandas as pd

    assert _cell("=SUM(A1)", 1.0) == "'=SUM(A1)"  # formula text neutralised (outputs.safe_cell)
    assert _cell("plain", 1.0) == "plain"
    assert _cell(12.5, 100.0) == pytest.approx(0.125)  # a 0-100 percentage written as a proportion
    assert _cell(7, 100.0) == pytest.approx(0.07)
    assert _cell(7, 1.0) == 7 and type(_cell(7, 1.0)) is int
    assert _cell(math.nan, 1.0) is None and _cell(math.nan, 100.0) is None
    assert _cell(np.float64("nan"), 1.0) is None
    assert _cell(np.int64(4), 1.0) == 4 and type(_cell(np.int64(4), 1.0)) is int
    assert _cell(True, 100.0) is True  # a bool is not a quantity
    assert _cell(None, 1.0) is None and _cell(pd.NA, 1.0) is None
    assert _cell(pd.Timestamp("2026-11-26"), 1.0) == "2026-11-26T00:00:00"
