"""A Word document built on templates/report.docx, with APA tables and figures.

:class:`ReportDocument` wraps python-docx. Text may mark italics with
asterisks (``*M* = 3.42``) and subscripts with ``_[...]`` (``*r*_[rb]``), the
way the sentence templates mark statistic symbols. Tables follow APA 7 (section 7.21): number in bold, title in italics
above, horizontal rules only (above and below the header and below the body),
notes below. Figures likewise: number and title above, note below.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..resources import templates_dir

# *italic* and _[subscript]; a subscript after an italic symbol stays upright, as in APA (r_rb).
_MARKUP = re.compile(r"\*([^*]+)\*|_\[([^\]]+)\]")


@dataclass
class TableSpec:
    """What an APA table shows: header cells, body rows, title and note (all text, already formatted)."""

    title: str
    header: list[str]
    rows: list[list[str]]
    note: str | None = None
    align: list[str] = field(default_factory=list)  # "l" or "r" per column; default: first left, rest right
    bold_rows: set[int] = field(default_factory=set)  # rows that are sub-headings (e.g. a scale name)
    spanners: list[tuple[str, int, int]] = field(default_factory=list)  # (label, first column, columns) above


def add_marked_text(paragraph, text: str, bold: bool = False) -> None:
    """Append ``text`` to ``paragraph``: ``*spans*`` in italics, ``_[spans]`` as subscripts."""
    position = 0
    for match in _MARKUP.finditer(text):
        if match.start() > position:
            run = paragraph.add_run(text[position:match.start()])
            run.bold = bold or None
        if match.group(1) is not None:
            run = paragraph.add_run(match.group(1))
            run.italic = True
        else:
            run = paragraph.add_run(match.group(2))
            run.font.subscript = True
        run.bold = bold or None
        position = match.end()
    if position < len(text):
        run = paragraph.add_run(text[position:])
        run.bold = bold or None


def _rule(cell, edge: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tc_pr = cell._tc.get_or_add_tcPr()
    borders = tc_pr.find(qn("w:tcBorders"))
    if borders is None:
        borders = OxmlElement("w:tcBorders")
        tc_pr.append(borders)
    borders.append(rule_element(edge))


def rule_element(edge: str):
    """A thin black single line for the border ``edge`` (top, bottom...) of a table or cell."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    element = OxmlElement(f"w:{edge}")
    for name, value in (("w:val", "single"), ("w:sz", "8"), ("w:space", "0"), ("w:color", "000000")):
        element.set(qn(name), value)
    return element


WIDE_TABLE_COLUMNS = 8  # from this many columns, a table squeezed on a portrait page is set in landscape


# Proofing language of each edition (BCP 47, as Word writes it in w:lang).
LANGUAGE_TAGS = {"en": "en-GB", "fr": "fr-FR"}


class ReportDocument:
    """One report document; tables and figures are numbered in order of appearance."""

    def __init__(self, template: Path | None = None, language: str = "en") -> None:
        from docx import Document

        self.language = language
        path = Path(template or templates_dir() / "report.docx")
        from ..errors import InputFileError
        from ..safeinput import check_zip_file

        check_zip_file(path, str(path), "the report template cannot be opened as a Word .docx file")
        try:
            self.doc = Document(str(path))
        except Exception as exc:  # python-docx: PackageNotFoundError, KeyError (a missing part), XML errors
            raise InputFileError(f"the report template cannot be opened as a Word .docx file "
                                 f"({type(exc).__name__}); save it again from Word", file=str(path)) from None
        self.tables = 0
        self.figures = 0
        self.table_keys: dict[str, int] = {}  # table key (or, without one, its title) -> its number, for citations
        self.landscape = False  # inside a landscape section opened for wide tables
        self._tag_language()

    def _tag_language(self) -> None:
        """Tag the document and every style with the edition's language, so Word spell-checks French as French.

        The default run properties (``w:docDefaults``) get a ``w:lang`` if the template has none; every
        ``w:lang`` of the styles is set to the edition's tag; the core properties carry it too.
        """
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        tag = LANGUAGE_TAGS.get(self.language, self.language)
        styles = self.doc.styles.element
        defaults = styles.find(qn("w:docDefaults"))
        if defaults is None:
            defaults = OxmlElement("w:docDefaults")
            styles.insert(0, defaults)
        run_defaults = defaults.find(qn("w:rPrDefault"))
        if run_defaults is None:
            run_defaults = OxmlElement("w:rPrDefault")
            defaults.insert(0, run_defaults)
        properties = run_defaults.find(qn("w:rPr"))
        if properties is None:
            properties = OxmlElement("w:rPr")
            run_defaults.append(properties)
        if properties.find(qn("w:lang")) is None:
            properties.append(OxmlElement("w:lang"))
        for lang in styles.iter(qn("w:lang")):
            lang.set(qn("w:val"), tag)
        self.doc.core_properties.language = tag

    def title(self, text: str) -> None:
        self._portrait()
        self.doc.add_paragraph(text, style="Title")

    def heading(self, text: str, level: int = 1) -> None:
        self._portrait()
        self.doc.add_paragraph(text, style=f"Heading {level}")

    def paragraph(self, text: str, style: str | None = None) -> None:
        self._portrait()
        paragraph = self.doc.add_paragraph(style=style)
        add_marked_text(paragraph, text)

    def table(self, spec: TableSpec, label: str = "Table", key: str | None = None) -> int:
        """Add an APA table; returns its number, also kept in ``table_keys`` under ``key`` (or the title)."""
        from docx.enum.table import WD_TABLE_ALIGNMENT
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        self.tables += 1
        self.table_keys[key or spec.title] = self.tables
        # A table with many columns (many groups) that a portrait page would squeeze goes on landscape pages,
        # with the wide tables that follow it; the next text returns to portrait.
        wide = len(spec.header) >= WIDE_TABLE_COLUMNS and sum(self._needs(spec)[1:]) > self._text_width() * 0.75
        if wide != self.landscape:
            self._orient(landscape=wide)
        caption = self.doc.add_paragraph(style="Caption")
        caption.add_run(f"{label} {self.tables}").bold = True
        title = self.doc.add_paragraph(style="Caption")
        add_marked_text(title, f"*{spec.title}*" if "*" not in spec.title else spec.title)
        columns = len(spec.header)
        top = 1 if spec.spanners else 0
        table = self.doc.add_table(rows=top + 1 + len(spec.rows), cols=columns)
        table.style = self.doc.styles["APA Table"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        align = spec.align or ["l"] + ["r"] * (columns - 1)
        if spec.spanners:  # APA column spanners: a label over several columns, ruled below
            for label, first, span in spec.spanners:
                cell = table.cell(0, first).merge(table.cell(0, first + span - 1)) if span > 1 \
                    else table.cell(0, first)
                paragraph = cell.paragraphs[0]
                paragraph.style = self.doc.styles["Table Text"]
                add_marked_text(paragraph, label)
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                _rule(cell, "bottom")
        # python-docx rebuilds row.cells on every access: take every row's cells once.
        grid = [row.cells for row in table.rows]
        text_style = self._style_id("Table Text")
        for row_index, cells in enumerate([spec.header, *spec.rows]):
            row_cells = grid[top + row_index]
            for col, text in enumerate(cells):
                cell = row_cells[col]
                paragraph = cell.paragraphs[0]
                paragraph._p.get_or_add_pPr().get_or_add_pStyle().val = text_style
                bold = row_index - 1 in spec.bold_rows
                add_marked_text(paragraph, str(text), bold=bold)
                if row_index == 0:
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if col else WD_ALIGN_PARAGRAPH.LEFT
                    _rule(cell, "bottom")
                else:
                    paragraph.alignment = (WD_ALIGN_PARAGRAPH.RIGHT if align[col] == "r"
                                           else WD_ALIGN_PARAGRAPH.LEFT)
        self._widths(table, spec, grid)
        for row_cells in grid:  # keep a table on one page where it fits
            for cell in row_cells:
                cell.paragraphs[0].paragraph_format.keep_with_next = True
        if spec.note:
            note = self.doc.add_paragraph(style="Table Note")
            note.add_run("Note.").italic = True  # the same word in English and French
            add_marked_text(note, " " + spec.note)
        else:
            self.doc.add_paragraph(style="Table Note")
        return self.tables

    def _portrait(self) -> None:
        if self.landscape:
            self._orient(landscape=False)

    def _orient(self, landscape: bool) -> None:
        """Start a new page section in landscape or back in portrait (margins kept)."""
        from docx.enum.section import WD_ORIENT, WD_SECTION

        previous = self.doc.sections[-1]
        section = self.doc.add_section(WD_SECTION.NEW_PAGE)
        width, height = previous.page_width, previous.page_height
        if (width > height) != landscape:
            width, height = height, width
        section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = width, height
        self.landscape = landscape

    def _text_width(self) -> float:
        """Width between the margins of a portrait page, in cm."""
        section = self.doc.sections[-1]
        width = min(section.page_width, section.page_height)
        return (width - section.left_margin - section.right_margin) / 360000  # EMU -> cm

    @staticmethod
    def _needs(spec: TableSpec) -> list[float]:
        """Each column's width in cm as its longest cell needs (10 pt text: ~0.21 cm a character plus padding).

        Header cells may wrap between words; body cells should not; text columns after the first may wrap.
        """
        def plain(text: object) -> str:
            return _MARKUP.sub(lambda m: m.group(1) or m.group(2), str(text))

        columns = len(spec.header)
        needs = [0.6 + 0.21 * max([max((len(w) for w in plain(spec.header[i]).split()), default=1),
                                   *(len(plain(r[i])) for r in spec.rows)]) for i in range(columns)]
        align = spec.align or ["l"] + ["r"] * (columns - 1)
        for i in range(1, columns):  # numbers get the room first
            if align[i] == "l":
                needs[i] = min(needs[i], 0.6 + 0.21 * 22)
        for label, first, span in spec.spanners:  # a spanner label may take two lines, not more
            wanted = 0.6 + 0.21 * len(label) / 2
            have = sum(needs[first:first + span])
            if have < wanted:
                for index in range(first, first + span):
                    needs[index] *= wanted / have
        return needs

    def _style_id(self, name: str) -> str:
        """The style id of a style name, looked up once per document (python-docx scans all styles each time)."""
        cache = self.__dict__.setdefault("_style_ids", {})
        if name not in cache:
            cache[name] = self.doc.styles[name].style_id
        return cache[name]

    def _widths(self, table, spec: TableSpec, grid: list) -> None:
        """First column as wide as its labels need (within limits), the others share the rest."""
        from docx.shared import Cm

        section = self.doc.sections[-1]
        total = (section.page_width - section.left_margin - section.right_margin) / 360000  # EMU -> cm
        # Each column as wide as its longest cell needs; the first (label) column takes what is left.
        needs = self._needs(spec)
        others = sum(needs[1:])
        if others > total * 0.75:  # too many columns: shrink them all proportionally
            widths = [total * 0.25] + [n * total * 0.75 / others for n in needs[1:]]
        else:
            widths = [total - others] + needs[1:]
        table.autofit = False
        for column, width in zip(table.columns, widths):  # the grid, which LibreOffice reads
            column.width = Cm(width)
        for row_cells in grid:  # the cells, which Word reads
            for index, width in enumerate(widths):
                row_cells[index].width = Cm(width)

    def figure(self, image: Path, title: str, note: str | None = None, width_cm: float = 16.0,
               label: str = "Figure") -> int:
        """Add an APA figure (image file); returns its number."""
        from docx.shared import Cm

        self._portrait()
        self.figures += 1
        caption = self.doc.add_paragraph(style="Caption")
        caption.add_run(f"{label} {self.figures}").bold = True
        heading = self.doc.add_paragraph(style="Caption")
        add_marked_text(heading, f"*{title}*")
        picture = self.doc.add_paragraph()
        picture.paragraph_format.keep_with_next = True
        picture.add_run().add_picture(str(image), width=Cm(width_cm))
        if note:
            paragraph = self.doc.add_paragraph(style="Table Note")
            paragraph.add_run("Note.").italic = True
            add_marked_text(paragraph, " " + note)
        return self.figures

    def page_break(self) -> None:
        from docx.enum.text import WD_BREAK

        self._portrait()
        self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def save(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.doc.save(str(path))
        return path


