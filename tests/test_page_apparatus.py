"""Page apparatus: running heads, page numbers, contents with page numbers, lists of tables and figures,
repeated table headers, tables that may break across pages, column widths from content, ``build --pdf``."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn

from mixedmethods.report.document import TableSpec, column_widths

DOCUMENTS = ["report.docx", "rapport.docx", "survey.en.docx", "survey.fr.docx", "interviews.en.docx",
             "chats.fr.docx", "triangulation.en.docx"]


def _instructions(part) -> list[str]:
    return [" ".join(t.text.split()) for t in part._element.iter(qn("w:instrText"))]


@pytest.mark.parametrize("name", DOCUMENTS)
def test_every_document_has_page_numbers_and_a_running_head(built_demo: Path, name: str):
    document = Document(str(built_demo / "report" / name))
    first = document.sections[0]
    assert "PAGE" in _instructions(first.footer)
    # The page number field holds a cached number, which a viewer shows before any update.
    assert first.footer.paragraphs[0].text.strip().isdigit()
    assert first.different_first_page_header_footer  # the title (page) has no running head
    assert first.first_page_header.paragraphs[0].text == ""
    if name in ("report.docx", "rapport.docx"):
        # The demo's titles shortened as APA 7 (2.18) asks: the parenthetical "(synthetic demo study)" dropped.
        expected = {"report.docx": "WhatsApp in multilateral diplomacy",
                    "rapport.docx": "WhatsApp dans la diplomatie multilatérale"}[name]
        assert first.first_page_footer.paragraphs[0].text == ""  # the title page is bare
    else:
        expected = next(p.text for p in document.paragraphs if p.style.name == "Heading 1")
        assert "PAGE" in _instructions(first.first_page_footer)
    assert first.header.paragraphs[0].text == expected
    for section in document.sections[1:]:  # landscape sections show the same head and numbers
        assert section.header.is_linked_to_previous and section.footer.is_linked_to_previous


def _header_rows(table) -> int:
    rows = table._tbl.tr_lst
    flags = [row.trPr is not None and row.trPr.find(qn("w:tblHeader")) is not None for row in rows]
    count = flags.index(False) if False in flags else len(flags)
    assert not any(flags[count:]), "only the top rows repeat as a header"
    return count


def _kept(row) -> bool:
    return any(p.find(f"{qn('w:pPr')}/{qn('w:keepNext')}") is not None for p in row.iter(qn("w:p")))


@pytest.mark.parametrize("name", ["report.docx", "rapport.docx", "interviews.en.docx"])
def test_table_headers_repeat_and_long_tables_may_break(built_demo: Path, name: str):
    document = Document(str(built_demo / "report" / name))
    spanned = 0
    for table in document.tables:
        header = _header_rows(table)
        rows = table._tbl.tr_lst
        first_cells = rows[0].tc_lst
        has_spanner = any(tc.grid_span > 1 for tc in first_cells)
        assert header in (1, 2) and (header == 2 or not has_spanner)  # the spanner row repeats with the header
        spanned += header == 2
        assert all(row.trPr.find(qn("w:cantSplit")) is not None for row in rows)  # a row stays whole
        # Header and the first body rows stay together; later rows are free to move to the next page.
        assert all(_kept(row) for row in rows[:header])
        assert not any(_kept(row) for row in rows[header + 2:]), "keep-with-next beyond the first body rows"
    assert spanned >= 1


def test_lists_of_tables_and_figures_match_the_captions(built_demo: Path):
    document = Document(str(built_demo / "report" / "report.docx"))
    body = document.element.body
    paragraphs = {p._p: p for p in document.paragraphs}
    captions = {"table": [], "figure": []}
    elements = list(body.iterchildren())
    for index, element in enumerate(elements[:-2]):
        number, title = paragraphs.get(element), paragraphs.get(elements[index + 1])
        if number is None or title is None or number.style.name != "Caption" or title.style.name != "Caption":
            continue
        kind = "table" if elements[index + 2].tag == qn("w:tbl") else "figure"
        captions[kind].append(f"{number.text}. {title.text}")
        assert "SEQ " + ("Table" if kind == "table" else "Figure") in " ".join(_instructions(number))
    entries = [p.text.rsplit("\t", 1)[0] for p in document.paragraphs if p.style.name == "Table of Figures"]
    assert entries == captions["table"] + captions["figure"]
    assert captions["table"][0] == "Table 1. Profile of the Respondents by Group"
    assert len(captions["figure"]) >= 3
    fields = " ".join(_instructions(document))
    assert 'TOC \\o "1-2"' in fields and "TOC \\h \\z \\f t" in fields and "TOC \\h \\z \\f f" in fields
    titles = [p.text for p in document.paragraphs if p.style.name == "Title"]
    assert titles[1:4] == ["Contents", "List of Tables", "List of Figures"]
    french = [p.text for p in Document(str(built_demo / "report" / "rapport.docx")).paragraphs
              if p.style.name == "Title"]
    assert french[1:4] == ["Table des matières", "Liste des tableaux", "Liste des figures"]
    assert document.settings.element.find(qn("w:updateFields")) is not None  # Word refreshes the pages


def test_column_widths_follow_the_text_each_column_holds():
    # A codebook: short code names, long definitions, a column of counts under a two-word header.
    spec = TableSpec(
        title="Codebook", header=["Code", "Definition", "CARICOM n"],
        rows=[["Leaks", "Group content reaching people outside the group, by forwarding or screenshots.", "3"],
              ["Etiquette", "Explicit or implicit rules of behaviour in the group, including reply times.", "12"],
              ["Record keeping", "Whether and how the group's exchanges are recorded for the archive.", "7"]],
        align=["l", "l", "r"])
    widths = column_widths(spec, 16.0)
    assert sum(widths) == pytest.approx(16.0)
    code, definition, count = widths
    assert definition > code > count  # the long text gets the most room
    # "CARICOM" in Times New Roman 10 pt: C .667 + A .722 + R .667 + I .333 + C .667 + O .722 + M .889 em
    # (Adobe AFM widths) = 4.667 em = 46.7 pt = 1.65 cm, plus Word's default cell margins 2 x 0.19 cm.
    assert count >= 1.65 + 0.38  # the header wraps between its words, never inside "CARICOM"
    # Definitions of 75 characters need ~12 cm on one line: they wrap, the count column stays narrow.
    assert count < 3.0


def test_two_columns_that_wrap_share_the_room_by_how_much_text_they_hold():
    # Theme names of ~45 characters beside definitions of ~150: both wrap on a 12 cm wide page.
    name = "Informal versus institutional channels of work"
    definition = ("The group's place beside the official channels of the negotiation, and whether "
                  "delegates move exchanges from one to the other when the stakes rise.")
    spec = TableSpec(title="t", header=["Theme", "Definition"], rows=[[name, definition]] * 5, align=["l", "l"])
    names, definitions = column_widths(spec, 12.0)
    assert names + definitions == pytest.approx(12.0)
    # Three times as much text gets more than twice the room (a names column no wider than the definitions').
    assert definitions > 2 * names
    assert names > 2.0  # still wider than its longest word, "institutional" (13 letters)


def test_column_widths_give_a_narrow_table_its_spare_room_in_the_text_column():
    spec = TableSpec(title="t", header=["Scale", "n", "M"], rows=[["Speed", "52", "3.40"]])
    widths = column_widths(spec, 16.0)
    assert sum(widths) == pytest.approx(16.0)
    assert widths[0] > 12 and widths[1] < 2 and widths[2] < 2


def test_column_widths_of_an_empty_table():
    assert column_widths(TableSpec(title="t", header=[], rows=[]), 16.0) == []
    widths = column_widths(TableSpec(title="t", header=["A", "B"], rows=[]), 16.0)
    assert sum(widths) == pytest.approx(16.0)


def test_build_pdf_without_libreoffice_says_how_to_install_it(built_demo: Path, tmp_path: Path, monkeypatch):
    from click.testing import CliRunner

    from mixedmethods.cli import cli

    monkeypatch.setattr(shutil, "which", lambda name: None)
    result = CliRunner().invoke(cli, ["build", str(built_demo), "--pdf"])
    assert result.exit_code == 2
    message = result.output.strip()
    assert "\n" not in message and "LibreOffice" in message and "apt-get install libreoffice-writer-nogui" in message


def _pages(pdf: Path) -> list[list[str]]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    return [[" ".join(line.split()) for line in page.splitlines()] for page in text.split("\f")]


@pytest.mark.slow
def test_build_pdf_writes_pdfs_whose_contents_give_the_right_pages(built_demo: Path, tmp_path: Path,
                                                                   monkeypatch):
    if shutil.which("soffice") is None and shutil.which("libreoffice") is None:
        pytest.skip("LibreOffice is not installed (CI installs it)")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed")
    from click.testing import CliRunner

    from mixedmethods.cli import cli
    from mixedmethods.report import build

    root = tmp_path / "study"
    shutil.copytree(built_demo, root, ignore=shutil.ignore_patterns("report"))

    def built_documents(out: Path, *args, **kwargs) -> build.Written:  # the analyses are tested elsewhere: reuse them
        return build.Written([Path(shutil.copy(built_demo / "report" / name, out / name))
                              for name in ("report.docx", "survey.en.docx")])

    monkeypatch.setattr(build, "_build_into", built_documents)
    result = CliRunner().invoke(cli, ["build", str(root), "--pdf"])
    assert result.exit_code == 0, result.output
    report = root / "report"
    assert "wrote report/report.pdf" in result.output and "wrote report/survey.en.pdf" in result.output
    for name in ("report", "survey.en"):
        assert (report / f"{name}.pdf").stat().st_size > 10_000
    pages = _pages(report / "report.pdf")
    assert pages[0] and not any(line.isdigit() for line in pages[0])  # the title page has no number
    assert any(line == "2" for line in pages[1])  # the footer numbers the pages
    # Each contents line "Survey ....... 5": the heading "Survey" stands alone on page 5.
    contents = [re.match(r"^(.*?)\s*\.{4,}\s*(\d+)$", line) for page in pages[1:4] for line in page]
    contents = [(m.group(1), int(m.group(2))) for m in contents if m]
    assert len(contents) > 40
    for text, page in contents:
        target = re.match(r"^((?:Table|Figure) \d+)\. ", text)
        target = target.group(1) if target else text
        assert target in pages[page - 1], f"{text!r} is not on page {page}"
    # The .docx carries the same numbers in the cached result of its fields.
    document = Document(str(report / "report.docx"))
    cached = [p.text.rsplit("\t", 1) for p in document.paragraphs if p.style.name in ("TOC 1", "TOC 2")]
    assert [int(n) for _, n in cached][:3] == [page for _, page in contents][:3]
    assert any(line == "WhatsApp in multilateral diplomacy" for line in pages[3])  # the running head
    # The PDFs are read as text by check-privacy (their compressed streams gave false phone numbers).
    assert CliRunner().invoke(cli, ["check-privacy", str(root)]).exit_code == 0


def test_a_long_table_with_a_spanner_repeats_both_header_rows_and_keeps_only_its_top_together(tmp_path: Path):
    from mixedmethods.report.document import ReportDocument

    doc = ReportDocument()
    spec = TableSpec(title="Answers", header=["Item", "n", "%", "n", "%"],
                     rows=[[f"Item {i}", "12", "40%", "9", "30%"] for i in range(30)],
                     spanners=[("First group", 1, 2), ("Second group", 3, 2)])
    doc.table(spec)
    table = Document(str(doc.save(tmp_path / "t.docx"))).tables[0]
    rows = table._tbl.tr_lst
    assert _header_rows(table) == 2  # the spanner row and the header row repeat on every page
    assert [_kept(row) for row in rows[:6]] == [True, True, True, True, False, False]  # header + 3 body rows
    assert not any(_kept(row) for row in rows[4:])
