"""Regenerate templates/report.docx, the style sheet of every report (run from the repository root).

Teams may replace templates/report.docx in their study with their own house
style; the report uses only the style names set here: Title, Heading 1-3,
Normal, Caption, "Table Note", "Table Text", "Reference", "Quote Block" and the table style "APA Table".
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from mixedmethods.report.document import rule_element

FONT = "Times New Roman"


def _font(style, size: float, bold: bool = False, italic: bool = False) -> None:
    style.font.name = FONT
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.italic = italic
    style.font.color.rgb = RGBColor(0, 0, 0)
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
        fonts.attrib.pop(qn(theme), None)


def _apa_table_style(document) -> None:
    style = document.styles.add_style("APA Table", WD_STYLE_TYPE.TABLE)
    style.base_style = document.styles["Normal Table"]
    tbl_pr = style.element.find(qn("w:tblPr"))
    if tbl_pr is None:
        tbl_pr = OxmlElement("w:tblPr")
        style.element.append(tbl_pr)
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "bottom"):  # APA 7: horizontal rules only
        borders.append(rule_element(edge))
    for edge in ("left", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    tbl_pr.append(borders)


def main() -> None:
    document = Document()
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)  # A4
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.54))
    styles = document.styles
    _font(styles["Normal"], 12)
    styles["Normal"].paragraph_format.line_spacing_rule = WD_LINE_SPACING.ONE_POINT_FIVE
    styles["Normal"].paragraph_format.space_after = Pt(6)
    _font(styles["Title"], 20, bold=True)
    _font(styles["Heading 1"], 16, bold=True)
    _font(styles["Heading 2"], 13, bold=True)
    _font(styles["Heading 3"], 12, bold=True, italic=True)
    for name in ("Heading 1", "Heading 2", "Heading 3"):
        styles[name].paragraph_format.space_before = Pt(12)
        styles[name].paragraph_format.space_after = Pt(6)
    _font(styles["Caption"], 12)
    styles["Caption"].paragraph_format.space_after = Pt(0)
    styles["Caption"].paragraph_format.keep_with_next = True
    note = styles.add_style("Table Note", WD_STYLE_TYPE.PARAGRAPH)
    note.base_style = styles["Normal"]
    _font(note, 10)
    note.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    note.paragraph_format.space_after = Pt(12)
    cell = styles.add_style("Table Text", WD_STYLE_TYPE.PARAGRAPH)
    cell.base_style = styles["Normal"]
    _font(cell, 10)
    cell.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    cell.paragraph_format.space_after = Pt(0)
    reference = styles.add_style("Reference", WD_STYLE_TYPE.PARAGRAPH)
    reference.base_style = styles["Normal"]
    reference.paragraph_format.left_indent = Cm(1.27)  # APA 7: hanging indent of 0.5 inch
    reference.paragraph_format.first_line_indent = Cm(-1.27)
    quote = styles.add_style("Quote Block", WD_STYLE_TYPE.PARAGRAPH)
    quote.base_style = styles["Normal"]
    quote.paragraph_format.left_indent = Cm(1.27)  # APA 7: block quotations indented 0.5 inch
    quote.paragraph_format.right_indent = Cm(1.27)
    _apa_table_style(document)
    # The template holds styles only: remove the empty first paragraph.
    body = document.element.body
    for paragraph in list(body.iterchildren(qn("w:p"))):
        body.remove(paragraph)
    target = Path("templates/report.docx")
    document.save(target)
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
