"""python-docx's XML, written and read without its generic element machinery (issue 14: rendering CPU).

python-docx builds each element child by child, placing every child by searching the successors its schema
allows, writes a run's text one character at a time, and looks up a style by scanning every style (and the
default style among all of them) each time a paragraph's style is set or read. That was most of the time of
writing the report's documents. The functions here write and read the same XML directly; each says which
python-docx calls it stands for, and tests/test_render_xml.py compares it with python-docx's own output.
"""

from __future__ import annotations

import re

_RUN_BREAKS = re.compile(r"[\t\r\n]")


def append_run(p, text: str, bold: bool = False, italic: bool = False, subscript: bool = False,
                properties: bool = True) -> None:
    """Append to the ``w:p`` element ``p`` the run python-docx writes for ``paragraph.add_run(text)`` followed by
    ``run.italic = True`` (``italic``), ``run.font.subscript = True`` (``subscript``) and ``run.bold = bold or
    None``: the same XML (a ``w:rPr``, empty when no property is set; none without ``properties``, as
    ``add_run(text)`` alone). Text with a tab or a line break goes through python-docx, which turns them into
    ``w:tab`` and ``w:br``.
    """
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    r = OxmlElement("w:r")
    if properties:
        rpr = OxmlElement("w:rPr")  # children in the schema's order: b, i, vertAlign
        if bold:
            rpr.append(OxmlElement("w:b"))
        if italic:
            rpr.append(OxmlElement("w:i"))
        if subscript:
            rpr.append(OxmlElement("w:vertAlign", {qn("w:val"): "subscript"}))
        r.append(rpr)
    p.append(r)
    if not text:
        return
    if _RUN_BREAKS.search(text):
        r.text = text  # python-docx's CT_R.text: w:t, w:tab and w:br
        return
    t = OxmlElement("w:t")
    t.text = text
    if len(text.strip()) < len(text):
        t.set(qn("xml:space"), "preserve")
    r.append(t)


def style_name_reader(document):
    """A function giving, for a ``w:p`` element of the python-docx ``document``, the name of its style as
    ``Paragraph(p).style.name`` gives it (None when there is no style, or it has no name).

    Each style id is looked up once: python-docx scans every style, and looks for the default style among
    all of them, for every paragraph it is asked about.
    """
    from docx.enum.style import WD_STYLE_TYPE

    part = document.part
    names: dict[str | None, str | None] = {}

    def name_of(p) -> str | None:
        style_id = p.style  # w:pPr/w:pStyle/@w:val
        if style_id not in names:
            style = part.get_style(style_id, WD_STYLE_TYPE.PARAGRAPH)
            names[style_id] = style.name if style is not None else None
        return names[style_id]

    return name_of


def paragraph_text(p) -> str:
    """The text of a ``w:p`` element as python-docx's ``Paragraph.text`` gives it.

    Read from the runs' ``w:t`` directly when the runs hold nothing else (the paragraphs ReportDocument writes);
    a run with a tab, break, field or drawing, or a hyperlink, is read by python-docx (its XPath queries, per
    run, were a tenth of the time of writing the documents when the citations were gathered).
    """
    from docx.oxml.ns import qn

    run, text, properties, link = qn("w:r"), qn("w:t"), qn("w:rPr"), qn("w:hyperlink")
    parts = []
    for child in p:
        if child.tag == run:
            for inner in child:
                if inner.tag == text:
                    parts.append(inner.text or "")
                elif inner.tag != properties:
                    return p.text
        elif child.tag == link:
            return p.text
    return "".join(parts)


def paragraph_properties(style_id: str, keep: bool, jc: str):
    """The ``w:pPr`` python-docx writes for a paragraph given the style ``style_id``, an alignment (``jc``) and
    keep-with-next (when ``keep``), made in one piece rather than child by child."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = OxmlElement("w:pPr")  # children in the schema's order: pStyle, keepNext, jc
    properties.append(OxmlElement("w:pStyle", {qn("w:val"): style_id}))
    if keep:
        properties.append(OxmlElement("w:keepNext"))
    properties.append(OxmlElement("w:jc", {qn("w:val"): jc}))
    return properties
