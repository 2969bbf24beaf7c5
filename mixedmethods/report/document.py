"""A Word document built on templates/report.docx, with APA tables and figures.

:class:`ReportDocument` wraps python-docx. Text may mark italics with
asterisks (``*M* = 3.42``) and subscripts with ``_[...]`` (``*r*_[rb]``), the
way the sentence templates mark statistic symbols. Tables follow APA 7 (section 7.21): number in bold, title in italics
above, horizontal rules only (above and below the header and below the body),
notes below. Figures likewise: number and title above, note below.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..resources import templates_dir
from .typography import language_of, typeset
from .wordxml import append_run, paragraph_properties

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


def add_marked_text(paragraph, text: str, bold: bool = False, language: str | None = None) -> None:
    """Append ``text`` to ``paragraph``: ``*spans*`` in italics, ``_[spans]`` as subscripts.

    ``language``: the document's language tag, when the caller knows it (else read from the document's
    properties, :func:`.typography.language_of`).
    """
    text = typeset(text, language or language_of(paragraph))  # French spaces and guillemets (typography.py)
    p = paragraph._p
    position = 0
    for match in _MARKUP.finditer(text):
        if match.start() > position:
            append_run(p, text[position:match.start()], bold=bold)
        if match.group(1) is not None:
            append_run(p, match.group(1), bold=bold, italic=True)
        else:
            append_run(p, match.group(2), bold=bold, subscript=True)
        position = match.end()
    if position < len(text):
        append_run(p, text[position:], bold=bold)


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


TEXT_COLUMN_CAP = 5.2  # cm: a text column counted this wide when deciding on landscape (it may wrap)
KEPT_BODY_ROWS = 3  # body rows kept on the page of the table's header (a table never opens with its header alone)

# Widths of Times New Roman at 10 pt (the Table Text style), in cm: capitals and digits are wider than the rest.
_WIDE_CHAR, _NARROW_CHAR, _CELL_PADDING = 0.25, 0.185, 0.45


@functools.lru_cache(maxsize=8192)  # a table's cells are measured twice (_needs, column_widths); numbers repeat
def _printed_width(text: str) -> float:
    """The printed width of ``text`` on one line, in cm (an estimate from character classes)."""
    return sum(_WIDE_CHAR if c.isupper() or c.isdigit() else _NARROW_CHAR for c in text)


def _plain(text: object) -> str:
    return _MARKUP.sub(lambda m: m.group(1) or m.group(2), str(text))


def _column_text(spec: TableSpec) -> list[tuple[float, float]]:
    """For each column: (narrowest, widest) in cm.

    The narrowest width holds the longest word of any cell, header included, so no word breaks inside
    (a header such as "CARICOM delegates" wraps between its words); the widest holds the longest body cell
    on one line.
    """
    found = []
    for index, header in enumerate(spec.header):
        cells = [_plain(header)] + [_plain(row[index]) for row in spec.rows if index < len(row)]
        words = [word for cell in cells for word in cell.split()]
        narrowest = _CELL_PADDING + max((_printed_width(w) for w in words), default=_NARROW_CHAR)
        widest = _CELL_PADDING + max((_printed_width(c) for c in cells[1:]), default=0.0)
        widest = max(widest, narrowest)
        found.append((narrowest, widest))
    return found


def column_widths(spec: TableSpec, total: float) -> list[float]:
    """Widths in cm of the columns of ``spec`` over ``total`` cm, from what each column must hold.

    When every column fits on one line, each gets its widest cell and the room left goes to the text
    (left-aligned) columns in proportion to their widths (or to all if there is none). Otherwise each column
    gets a share in proportion to its longest cell, so the columns wrap to about as many lines each (a row
    is as tall as its tallest cell), but never less than its longest word, so no word (and no header word)
    breaks inside: a definitions column gets more than the short code names beside it, a column of numbers
    stays as wide as its numbers. A spanner label gets at least two lines' room over its columns. If even
    the longest words do not fit, every column shrinks in proportion.
    """
    columns = _column_text(spec)
    if not columns:
        return []
    narrowest = [c[0] for c in columns]
    widest = [c[1] for c in columns]
    for label, first, span in spec.spanners:  # a spanner label may take two lines, not more
        wanted = _CELL_PADDING + _printed_width(_plain(label)) / 2
        have = sum(narrowest[first:first + span])
        if have < wanted:
            for index in range(first, first + span):
                narrowest[index] *= wanted / have
                widest[index] = max(widest[index], narrowest[index])
    if sum(widest) <= total:
        align = spec.align or ["l"] + ["r"] * (len(columns) - 1)
        text = [i for i, a in enumerate(align[:len(columns)]) if a == "l"] or list(range(len(columns)))
        spare = total - sum(widest)
        weight = sum(widest[i] for i in text)
        return [w + (spare * w / weight if i in text else 0.0) for i, w in enumerate(widest)]
    if sum(narrowest) >= total:
        return [n * total / sum(narrowest) for n in narrowest]
    # Each column in proportion to its longest cell, so every column wraps to about as many lines (a row is as
    # tall as its tallest cell); a column whose share is below its longest word gets that word, the others
    # share what is left.
    widths = [0.0] * len(columns)
    floored: set[int] = set()
    while True:
        free = [i for i in range(len(columns)) if i not in floored]
        room = total - sum(narrowest[i] for i in floored)
        weight = sum(widest[i] for i in free)
        for i in free:
            widths[i] = room * widest[i] / weight
        below = [i for i in free if widths[i] < narrowest[i]]
        if not below:
            break
        for i in below:
            floored.add(i)
            widths[i] = narrowest[i]
    return widths


def _kept(index: int, header_rows: int, rows: int) -> bool:
    """Is row ``index`` of a table kept on the page of the next row (:meth:`ReportDocument._flow`)?"""
    return index < header_rows + KEPT_BODY_ROWS - 1 and index < rows - 1


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
        self._tag = tag  # what typography.language_of reads back from the properties, for add_marked_text

    def title(self, text: str) -> None:
        self._portrait()
        self.add_paragraph(typeset(text, self.language), style="Title")

    def heading(self, text: str, level: int = 1) -> None:
        self._portrait()
        self.add_paragraph(typeset(text, self.language), style=f"Heading {level}")

    def paragraph(self, text: str, style: str | None = None) -> None:
        self._portrait()
        paragraph = self.add_paragraph(style=style)
        add_marked_text(paragraph, text, language=self._tag)

    def add_paragraph(self, text: str = "", style: str | None = None):
        """``self.doc.add_paragraph(text, style)``: the same XML, the style's id looked up once per document."""
        paragraph = self.doc.add_paragraph()
        if text:
            append_run(paragraph._p, text, properties=False)  # add_run(text) alone writes no w:rPr
        if style is not None:
            paragraph._p.style = self.paragraph_style_id(style)
        return paragraph

    def paragraph_style_id(self, name: str) -> str | None:
        """The id python-docx writes for the paragraph style ``name`` (None for the default style).

        Looked up once per document: python-docx scans every style, and then looks for the default style among
        all of them, each time a paragraph's style is set (a third of the time of writing the documents).
        """
        from docx.enum.style import WD_STYLE_TYPE

        cache = self.__dict__.setdefault("_paragraph_style_ids", {})
        if name not in cache:
            cache[name] = self.doc.part.get_style_id(name, WD_STYLE_TYPE.PARAGRAPH)
        return cache[name]

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
        caption = self.add_paragraph(style="Caption")
        append_run(caption._p, f"{label} {self.tables}", bold=True)
        title = self.add_paragraph(style="Caption")
        add_marked_text(title, f"*{spec.title}*" if "*" not in spec.title else spec.title, language=self._tag)
        columns = len(spec.header)
        top = 1 if spec.spanners else 0
        table = self.doc.add_table(rows=top + 1 + len(spec.rows), cols=columns)
        table._tbl.tblStyle_val = self._table_style_id("APA Table")
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        align = spec.align or ["l"] + ["r"] * (columns - 1)
        if spec.spanners:  # APA column spanners: a label over several columns, ruled below
            spanner_row = table.rows[0]  # its cells as table.cell(0, i) gives them, without the whole grid
            for label, first, span in spec.spanners:
                cells = spanner_row.cells
                cell = cells[first].merge(cells[first + span - 1]) if span > 1 else cells[first]
                paragraph = cell.paragraphs[0]
                paragraph._p.style = self.paragraph_style_id("Table Text")
                add_marked_text(paragraph, label, language=self._tag)
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                _rule(cell, "bottom")
        # python-docx rebuilds row.cells on every access: take every row's cells once.
        grid = [row.cells for row in table.rows]
        text_style = self._style_id("Table Text")
        done = set()  # the cells' paragraphs given their properties here, keep-with-next included (_flow)
        for row_index, cells in enumerate([spec.header, *spec.rows]):
            row_cells = grid[top + row_index]
            keep = _kept(top + row_index, top + 1, len(grid))
            for col, text in enumerate(cells):
                cell = row_cells[col]
                paragraph = cell.paragraphs[0]
                if row_index == 0:
                    jc = "center" if col else "left"
                else:
                    jc = "right" if align[col] == "r" else "left"
                if paragraph._p.pPr is None:  # a new cell: its w:pPr in one piece
                    paragraph._p.insert(0, paragraph_properties(text_style, keep, jc))
                    done.add(paragraph._p)
                else:
                    paragraph._p.get_or_add_pPr().get_or_add_pStyle().val = text_style
                    paragraph.alignment = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
                                           "right": WD_ALIGN_PARAGRAPH.RIGHT}[jc]
                bold = row_index - 1 in spec.bold_rows
                add_marked_text(paragraph, str(text), bold=bold, language=self._tag)
                if row_index == 0:
                    _rule(cell, "bottom")
        self._widths(table, spec, grid)
        self._flow(table, grid, header_rows=top + 1, done=done)
        if spec.note:
            note = self.add_paragraph(style="Table Note")
            append_run(note._p, "Note.", italic=True)  # the same word in English and French
            add_marked_text(note, " " + spec.note, language=self._tag)
        else:
            self.add_paragraph(style="Table Note")
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
        """Each column's width in cm as its longest cell needs, text columns after the first capped at ~5 cm.

        Decides whether a table with many columns goes on a landscape page; :func:`column_widths` sets them.
        """
        align = spec.align or ["l"] + ["r"] * (len(spec.header) - 1)
        return [min(longest, TEXT_COLUMN_CAP) if index and align[index] == "l" else longest
                for index, (_, longest) in enumerate(_column_text(spec))]

    @staticmethod
    def _flow(table, grid: list, header_rows: int, done: set | None = None) -> None:
        """How a table breaks across pages: the header rows repeat, only the top of the table stays together.

        The header rows (spanners included) are marked ``w:tblHeader`` so Word and LibreOffice repeat them on
        every page; keep-with-next ties the caption to the header and the header to the first
        :data:`KEPT_BODY_ROWS` body rows, so a table never starts at the foot of a page with its header alone,
        but a long table is no longer pushed whole to the next page. A row is not split across pages.
        Paragraphs in ``done`` already have their keep-with-next (:func:`.wordxml.paragraph_properties`).
        """
        from docx.oxml import OxmlElement

        for index, (row, row_cells) in enumerate(zip(table.rows, grid)):
            properties = row._tr.get_or_add_trPr()
            properties.append(OxmlElement("w:cantSplit"))
            if index < header_rows:
                properties.append(OxmlElement("w:tblHeader"))
            keep = _kept(index, header_rows, len(grid))
            for cell in row_cells:
                for paragraph in cell.paragraphs:
                    if done is None or paragraph._p not in done:
                        paragraph.paragraph_format.keep_with_next = keep or None

    def _table_style_id(self, name: str) -> str | None:
        """The id python-docx writes for the table style ``name``, looked up once per document."""
        from docx.enum.style import WD_STYLE_TYPE

        cache = self.__dict__.setdefault("_table_style_ids", {})
        if name not in cache:
            cache[name] = self.doc.part.get_style_id(name, WD_STYLE_TYPE.TABLE)
        return cache[name]

    def _style_id(self, name: str) -> str:
        """The style id of a style name, looked up once per document (python-docx scans all styles each time)."""
        cache = self.__dict__.setdefault("_style_ids", {})
        if name not in cache:
            cache[name] = self.doc.styles[name].style_id
        return cache[name]

    def _widths(self, table, spec: TableSpec, grid: list) -> None:
        """Column widths from their content (:func:`column_widths`) over the width between the margins."""
        from docx.oxml.ns import qn
        from docx.shared import Cm

        section = self.doc.sections[-1]
        total = (section.page_width - section.left_margin - section.right_margin) / 360000  # EMU -> cm
        widths = column_widths(spec, total)
        table.autofit = False
        for column, width in zip(table.columns, widths):  # the grid, which LibreOffice reads
            column.width = Cm(width)
        # The cells, which Word reads: python-docx sets the first cell of each column (w:type, then w:w); the
        # others get the same attribute values directly (python-docx looks up w:tcPr and w:tcW at each cell).
        written: dict[int, tuple[str, str]] = {}
        for row_cells in grid:
            for index, width in enumerate(widths):
                tc = row_cells[index]._tc
                found = tc.tcPr.tcW if tc.tcPr is not None else None
                if found is None or index not in written:
                    row_cells[index].width = Cm(width)
                    done = tc.tcPr.tcW
                    written[index] = (done.get(qn("w:type")), done.get(qn("w:w")))
                else:
                    found.set(qn("w:type"), written[index][0])
                    found.set(qn("w:w"), written[index][1])

    def figure(self, image: Path, title: str, note: str | None = None, width_cm: float = 16.0,
               label: str = "Figure", alt_text: str | None = None) -> int:
        """Add an APA figure (image file); returns its number.

        ``alt_text`` is what a screen reader says instead of the picture (what it shows and its key numbers); it
        is written to the drawing's ``wp:docPr`` ``descr`` attribute (Word's "Alt Text"), and the figure title to
        its ``title`` attribute. Without one, the title stands in, so no picture is left undescribed.
        ``width_cm`` is the printed width: figures drawn at that width keep their font sizes on paper.
        """
        from docx.shared import Cm

        self._portrait()
        self.figures += 1
        caption = self.add_paragraph(style="Caption")
        append_run(caption._p, f"{label} {self.figures}", bold=True)
        heading = self.add_paragraph(style="Caption")
        add_marked_text(heading, f"*{title}*", language=self._tag)
        picture = self.doc.add_paragraph()
        picture.paragraph_format.keep_with_next = True
        shape = picture.add_run().add_picture(str(image), width=Cm(width_cm))
        plain_title = _MARKUP.sub(lambda m: m.group(1) or m.group(2), title)
        description = _MARKUP.sub(lambda m: m.group(1) or m.group(2), alt_text) if alt_text else plain_title
        doc_pr = shape._inline.docPr
        doc_pr.set("descr", description)
        doc_pr.set("title", plain_title)
        if note:
            paragraph = self.add_paragraph(style="Table Note")
            append_run(paragraph._p, "Note.", italic=True)
            add_marked_text(paragraph, " " + note, language=self._tag)
        return self.figures

    def page_break(self) -> None:
        from docx.enum.text import WD_BREAK

        self._portrait()
        self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def save(self, path: Path, today: "date | None" = None) -> Path:
        """Save to ``path``; the same document on the same day gives the same bytes (its dates are the day's,
        :mod:`.zipstamp`), so an incremental build can leave an unchanged chapter file untouched."""
        from datetime import date, datetime, time

        from .zipstamp import stamp_zip

        path.parent.mkdir(parents=True, exist_ok=True)
        stamp = datetime.combine(today or date.today(), time())
        properties = self.doc.core_properties
        properties.created = properties.modified = stamp
        properties.revision = 1
        self.doc.save(str(path))
        stamp_zip(path, stamp)
        return path


