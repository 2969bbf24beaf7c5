"""A chapter rendered once per language, for its own file and for the whole report (issue 14, "compute once").

A chapter file numbers its tables and figures from 1; in the whole report the same tables and figures are
numbered on from the chapters before, and the chapter's sentences cite those numbers ("Table 7 shows...").
Rather than rendering each chapter twice, the chapter file's step renders it once with *marked* numbers:
``doc.tables`` and ``doc.figures`` are :class:`MarkedNumber` values, which stay numbers for arithmetic
(``doc.tables + 1``) but write themselves into text as a mark (two private-use characters around a kind and
the chapter's own number). The chapter's body is then kept as XML, marks included (:class:`ChapterBody`), and
the marks in the chapter file are replaced by the chapter's own numbers. The whole report copies each
chapter's body in, with the marks replaced by the numbers that follow its own tables and figures
(:func:`insert`): the same text the chapter would have rendered there.

What a copy must redo, because it belongs to the document rather than to the chapter's text:

* each picture's image part (its relationship id is the document's), added in the order the chapter added
  them, as ``add_picture`` would;
* each drawing's ``wp:docPr`` id, unique in the document, and its name ("Picture <id>"): numbered on from the
  largest id already in it, as python-docx's ``StoryPart.next_id`` numbers a new picture;
* each change between portrait and landscape pages (a paragraph holding a ``w:sectPr``): made again by
  :meth:`.ReportDocument._orient`, which clones the whole report's own current section, as the chapter did in
  its file.

tests/test_chapter_body.py builds documents both ways (rendered in the whole report, and copied) and compares
them part by part.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .document import ReportDocument

START, END = "\ue000", "\ue001"  # Unicode private-use characters: no text of a report holds them
_MARK = re.compile("\ue000([TF])(\\d+)\ue001")
TABLE, FIGURE = "T", "F"  # the kinds of marked numbers


class MarkedNumber(int):
    """A table or figure number of a chapter being rendered once (module docstring).

    Arithmetic with a plain whole number keeps the mark (``doc.tables + 1`` is the next table's marked
    number); the difference of two marked numbers is a plain count. Formatted or turned into text, it is its
    mark, which :func:`fill` replaces with the number the document gives it.
    """

    def __new__(cls, value: int, kind: str) -> "MarkedNumber":
        number = super().__new__(cls, value)
        number.kind = kind
        return number

    def __add__(self, other: object):
        if not isinstance(other, int):
            return NotImplemented
        if isinstance(other, MarkedNumber):  # a count, not a number to cite
            return int(self) + int(other)
        return MarkedNumber(int(self) + other, self.kind)

    __radd__ = __add__

    def __sub__(self, other: object):
        if not isinstance(other, int):
            return NotImplemented
        if isinstance(other, MarkedNumber):
            return int(self) - int(other)
        return MarkedNumber(int(self) - other, self.kind)

    def __format__(self, spec: str) -> str:
        return f"{START}{self.kind}{int(self)}{END}"

    def __str__(self) -> str:
        return self.__format__("")

    def __repr__(self) -> str:
        return f"MarkedNumber({int(self)}, {self.kind!r})"

    def __reduce__(self):
        return MarkedNumber, (int(self), self.kind)


def fill(text: str, offsets: dict[str, int]) -> str:
    """``text`` with each mark replaced by its number plus the offset of its kind (``{"T": 4, "F": 2}``)."""
    return _MARK.sub(lambda m: str(int(m.group(2)) + offsets[m.group(1)]), text)


@dataclass
class ChapterBody:
    """What a chapter wrote into a document, as the whole report copies it in.

    ``elements``: the XML of each paragraph and table in order, numbers marked; None where the chapter turned
    the page's orientation (a section break). ``images``: relationship id in the chapter's document -> the
    image's file name in the figures folder. ``tables`` and ``figures``: how many it numbered;
    ``table_keys``: its tables' keys (:attr:`.ReportDocument.table_keys`) -> their numbers in the chapter.
    ``files``: the chapter file and its figures, relative to the report folder (:mod:`.chapter_cache`).
    """

    elements: list[str | None] = field(default_factory=list)
    images: dict[str, str] = field(default_factory=dict)
    tables: int = 0
    figures: int = 0
    table_keys: dict[str, int] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)


def mark_numbers(doc: "ReportDocument") -> None:
    """Let ``doc`` number the tables and figures written next with marks (module docstring)."""
    doc.tables = MarkedNumber(int(doc.tables), TABLE)
    doc.figures = MarkedNumber(int(doc.figures), FIGURE)


def _section_break(element) -> bool:
    """Is ``element`` the paragraph python-docx adds for a new section (``w:p/w:pPr/w:sectPr``)?"""
    from docx.oxml.ns import qn

    properties = element.find(qn("w:pPr")) if element.tag == qn("w:p") else None
    return properties is not None and properties.find(qn("w:sectPr")) is not None


def capture(doc: "ReportDocument", before: set) -> ChapterBody:
    """The chapter written into ``doc`` since its body held the elements ``before`` (marked numbers, from
    :func:`mark_numbers` with both counters at 0); then the marks in ``doc`` itself become the chapter's own
    numbers, and its counters plain numbers again."""
    from docx.oxml.ns import qn
    from lxml import etree

    body = doc.doc.element.body
    added = [e for e in body if e not in before and e.tag != qn("w:sectPr")]
    blip, embed = qn("a:blip"), qn("r:embed")
    related = doc.doc.part.related_parts
    captured = ChapterBody(tables=int(doc.tables), figures=int(doc.figures),
                           table_keys={key: int(number) for key, number in doc.table_keys.items()})
    for element in added:
        if _section_break(element):
            captured.elements.append(None)
            continue
        captured.elements.append(etree.tostring(element, encoding="unicode"))
        for picture in element.iter(blip):
            captured.images[picture.get(embed)] = related[picture.get(embed)].filename
    own = {TABLE: 0, FIGURE: 0}
    for element in added:
        _fill_in_place(element, own)
    doc.tables, doc.figures = int(doc.tables), int(doc.figures)
    doc.table_keys = dict(captured.table_keys)
    return captured


def _fill_in_place(element, offsets: dict[str, int]) -> None:
    """The marks in the text (``w:t``) and the attributes (a picture's alt text) of ``element`` and its
    descendants replaced (:func:`fill`)."""
    from docx.oxml.ns import qn

    text = qn("w:t")
    for node in element.iter():
        if node.tag == text and node.text and START in node.text:
            node.text = fill(node.text, offsets)
        for name, value in node.attrib.items():
            if START in value:
                node.set(name, fill(value, offsets))


def insert(doc: "ReportDocument", chapter: ChapterBody, figures: Path) -> None:
    """Copy ``chapter`` at the end of ``doc`` as if it had been rendered there (module docstring)."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import qn

    tables, figures_before = int(doc.tables), int(doc.figures)
    offsets = {TABLE: tables, FIGURE: figures_before}
    doc._portrait()  # what the chapter's first heading does
    part = doc.doc.part
    end = doc.doc.element.body.sectPr  # python-docx adds paragraphs before the last section's properties
    used = [int(value) for value in doc.doc.element.xpath("//@id") if value.isdigit()]
    next_id = max(used, default=0) + 1  # StoryPart.next_id
    blip, embed, drawing = qn("a:blip"), qn("r:embed"), qn("wp:docPr")
    for xml in chapter.elements:
        if xml is None:
            doc._orient(landscape=not doc.landscape)
            continue
        element = parse_xml(fill(xml, offsets))
        for picture in element.iter(blip):
            rid, _ = part.get_or_add_image(str(figures / chapter.images[picture.get(embed)]))
            picture.set(embed, rid)
        for properties in element.iter(drawing):  # as CT_Inline.new_pic_inline names a new picture
            properties.set("id", str(next_id))
            properties.set("name", f"Picture {next_id}")
            next_id += 1
        if end is not None:
            end.addprevious(element)
        else:
            doc.doc.element.body.append(element)
    doc.tables, doc.figures = tables + chapter.tables, figures_before + chapter.figures
    doc.table_keys.update({key: number + tables for key, number in chapter.table_keys.items()})
