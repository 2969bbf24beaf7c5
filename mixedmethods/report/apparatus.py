"""The page apparatus of a report document: running head, page numbers, contents and lists of tables/figures.

Every document the build writes gets a running head (the study's title, or the chapter's title in a chapter
file) and a page number in the footer (a ``PAGE`` field); the first page (the title) has neither. The whole
report gets, after its title page, the contents (a Word ``TOC`` field over Heading 1-2) and the lists of
tables and of figures (``TOC \\f`` fields over ``TC`` entries that the captions carry; each caption number is
a ``SEQ`` field). Every field holds a cached result, which LibreOffice and PDF show as it is, and Word
refreshes on opening (``w:updateFields``). The cached page numbers are filled in by :mod:`.pdf`, which
renders the document with LibreOffice, reads on which page each heading and caption fell, and writes them in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .document import ReportDocument
from .wordxml import append_run, style_name_reader
from .typography import typeset

# Word's built-in styles of contents entries (Word itself uses them when it refreshes the fields).
ENTRY_STYLES = {1: "TOC 1", 2: "TOC 2", "list": "Table of Figures"}
# The identifiers of the TC entries that the lists of tables and of figures gather (TOC \f t, TOC \f f).
LIST_IDS = {"table": "t", "figure": "f"}
PAGE_PLACEHOLDER = ""  # no page number before the document is rendered: a reader never sees a wrong one
_NUMBER = re.compile(r"^(.*\S)\s+(\d+)$")


@dataclass
class Entry:
    """One line of the contents or of a list: its text, level (1, 2 or "list") and what to look for on a page."""

    text: str
    level: int | str
    target: str  # the heading, or the caption number ("Table 3") as it stands alone on its line
    kind: str = "heading"  # "heading", "table" or "figure"


def _field_char(paragraph, kind: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    element = OxmlElement("w:fldChar")
    element.set(qn("w:fldCharType"), kind)
    paragraph.add_run()._r.append(element)


def _instruction(paragraph, instruction: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    element = OxmlElement("w:instrText")
    element.set(qn("xml:space"), "preserve")
    element.text = f" {instruction} "
    paragraph.add_run()._r.append(element)


def field(paragraph, instruction: str, result: str | None = None, bold: bool | None = None) -> None:
    """Append a Word field to ``paragraph``: ``{instruction}`` with the cached ``result`` (none: a hidden field)."""
    _field_char(paragraph, "begin")
    _instruction(paragraph, instruction)
    if result is not None:
        _field_char(paragraph, "separate")
        if bold is None or bold is True:
            append_run(paragraph._p, result, bold=bool(bold))  # as add_run(result).bold = bold, faster
        else:
            paragraph.add_run(result).bold = bold
    _field_char(paragraph, "end")


def _clear(part) -> None:
    """Empty a header or footer (it keeps one empty paragraph, as Word requires)."""
    for paragraph in part.paragraphs[1:]:
        paragraph._p.getparent().remove(paragraph._p)
    paragraph = part.paragraphs[0]
    for run in list(paragraph.runs):
        run._r.getparent().remove(run._r)


def add_page_furniture(doc: ReportDocument, running_head: str, title_page: bool) -> None:
    """Running head and page numbers on every page of ``doc``; none on the first page if ``title_page``.

    A chapter file opens with its title, so its first page keeps the page number but drops the running head
    (the title is just below it). Sections after the first (landscape pages for wide tables) inherit both.
    """
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    for index, section in enumerate(doc.doc.sections):
        if index:
            section.header.is_linked_to_previous = True
            section.footer.is_linked_to_previous = True
            section.first_page_header.is_linked_to_previous = True
            section.first_page_footer.is_linked_to_previous = True
            section.different_first_page_header_footer = False
            continue
        section.different_first_page_header_footer = True
        for part in (section.header, section.footer, section.first_page_header, section.first_page_footer):
            part.is_linked_to_previous = False
            _clear(part)
        head = section.header.paragraphs[0]
        head.style = doc.doc.styles["Header"]
        head.add_run(running_head).italic = True
        footers = [section.footer] if title_page else [section.footer, section.first_page_footer]
        for footer in footers:
            number = footer.paragraphs[0]
            number.style = doc.doc.styles["Footer"]
            number.alignment = WD_ALIGN_PARAGRAPH.CENTER
            field(number, "PAGE", "1")


def running_head(title: str, longest: int = 50) -> str:
    """``title`` as a running head (APA 7, section 2.18: a short title of at most 50 characters).

    A title longer than ``longest`` characters loses a closing parenthesis ("... (synthetic demo study)"),
    then, if still too long, is cut after a word, with an ellipsis.
    """
    title = " ".join(title.split())
    if len(title) > longest and title.endswith(")") and " (" in title:
        title = title[:title.rindex(" (")].rstrip(" ,;:–-")
    if len(title) <= longest:
        return title
    return title[:longest].rsplit(" ", 1)[0].rstrip(" ,;:–-") + "…"


def mark_captions(doc: ReportDocument) -> list[Entry]:
    """Make each caption number a ``SEQ`` field and give each caption a ``TC`` entry for the lists.

    A caption is two Caption paragraphs, the number ("Table 3", in the report's language) and the title,
    followed by the table or by the picture's paragraph. Returns the list entries in document order.
    """
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph

    caption_style = doc._style_id("Caption")
    body = doc.doc.element.body
    entries: list[Entry] = []
    elements = list(body.iterchildren())

    def is_caption(element) -> bool:
        style = element.find(f"{qn('w:pPr')}/{qn('w:pStyle')}") if element.tag == qn("w:p") else None
        return style is not None and style.get(qn("w:val")) == caption_style

    for index, element in enumerate(elements[:-2]):
        if not (is_caption(element) and is_caption(elements[index + 1])):
            continue
        number, title = Paragraph(element, doc.doc._body), Paragraph(elements[index + 1], doc.doc._body)
        found = _NUMBER.match(number.text)
        after = elements[index + 2]
        if found is None or element.find(f".//{qn('w:instrText')}") is not None:
            continue
        if after.tag == qn("w:tbl"):
            kind = "table"
        elif after.find(f".//{qn('w:drawing')}") is not None:
            kind = "figure"
        else:
            continue
        label, value = found.groups()
        for run in list(number.runs):
            run._r.getparent().remove(run._r)
        number.add_run(f"{label} ").bold = True
        field(number, f"SEQ {kind.capitalize()} \\* ARABIC", value, bold=True)
        text = f"{label} {value}. {' '.join(title.text.split())}"
        # The TC field sits in the title paragraph, so Word's page for the entry is the caption's page.
        field(title, f'TC "{text.replace(chr(34), chr(39))}" \\f {LIST_IDS[kind]} \\l 1')
        entries.append(Entry(text, "list", f"{label} {value}", kind))
    return entries


def _entry_paragraph(doc: ReportDocument, entry: Entry, tab_cm: float):
    from docx.enum.text import WD_TAB_ALIGNMENT, WD_TAB_LEADER
    from docx.shared import Cm

    _entry_style(doc, entry.level)
    paragraph = doc.add_paragraph(style=ENTRY_STYLES[entry.level])
    layout = paragraph.paragraph_format
    layout.space_after = 0
    if entry.level == 2:
        layout.left_indent = Cm(0.75)
    elif entry.level == "list":  # a long title wraps under itself, not under "Table 3."
        layout.left_indent, layout.first_line_indent = Cm(0.75), Cm(-0.75)
    # Dot leaders only once a page number is known (pdf.fill_page_numbers); Word's refresh uses its own styles.
    layout.tab_stops.add_tab_stop(Cm(tab_cm), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.SPACES)
    return paragraph


def _entry_style(doc: ReportDocument, level: int | str):
    """The built-in style of a contents or list entry, added (based on Normal, single-spaced) if missing."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Pt

    name = ENTRY_STYLES[level]
    try:
        return doc.doc.styles[name]
    except KeyError:
        style = doc.doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = doc.doc.styles["Normal"]
        style.paragraph_format.line_spacing = 1.15
        style.paragraph_format.space_after = Pt(2)
        return style


def _add_field_block(doc: ReportDocument, instruction: str, entries: list[Entry], tab_cm: float) -> list:
    """Paragraphs holding one TOC field whose cached result is ``entries`` (page numbers still placeholders)."""
    paragraphs = []
    for index, entry in enumerate(entries):
        paragraph = _entry_paragraph(doc, entry, tab_cm)
        if index == 0:
            _field_char(paragraph, "begin")
            _instruction(paragraph, instruction)
            _field_char(paragraph, "separate")
        append_run(paragraph._p, typeset(entry.text, doc.language), bold=entry.level == 1)
        append_run(paragraph._p, "\t" + PAGE_PLACEHOLDER, properties=False)
        paragraphs.append(paragraph)
    _field_char(paragraphs[-1], "end")
    return paragraphs


def insert_contents(doc: ReportDocument, anchor, titles: dict[str, str]) -> None:
    """Replace ``anchor`` (a paragraph) by the contents and the lists of tables and of figures.

    ``titles`` gives the heading of each part in the report's language (``contents``, ``tables``,
    ``figures``); a list with no entry is left out. Word refreshes the fields on opening (``w:updateFields``);
    until the document is rendered (:func:`~.pdf.write_pdfs`) the cached page numbers are placeholders.
    """
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    section = doc.doc.sections[0]
    tab_cm = (section.page_width - section.left_margin - section.right_margin) / 360000 - 0.05
    style_name = style_name_reader(doc.doc)
    headings = []
    for p in doc.doc.element.body.p_lst:
        level = {"Heading 1": 1, "Heading 2": 2}.get(style_name(p))
        if level is not None and p.text.strip():
            headings.append(Entry(" ".join(p.text.split()), level, " ".join(p.text.split())))
    captions = mark_captions(doc)
    blocks = [(titles["contents"], 'TOC \\o "1-2" \\h \\z \\u', headings)]
    for kind, key in (("table", "tables"), ("figure", "figures")):
        listed = [entry for entry in captions if entry.kind == kind]
        blocks.append((titles[key], f"TOC \\h \\z \\f {LIST_IDS[kind]}", listed))
    new = []
    for title, instruction, entries in blocks:
        if not entries:
            continue
        heading = doc.add_paragraph(title, style="Title")
        if new:  # the lists follow the contents on the same page, set apart
            from docx.shared import Pt

            heading.paragraph_format.space_before = Pt(24)
            heading.paragraph_format.keep_with_next = True
        new.append(heading)
        new.extend(_add_field_block(doc, instruction, entries, tab_cm))
    for paragraph in new:
        anchor._p.addprevious(paragraph._p)
    anchor._p.getparent().remove(anchor._p)
    settings = doc.doc.settings.element
    if settings.find(qn("w:updateFields")) is None:
        update = OxmlElement("w:updateFields")
        update.set(qn("w:val"), "true")
        settings.append(update)
