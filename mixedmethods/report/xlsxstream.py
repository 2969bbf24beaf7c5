"""A workbook of plain cells (text, numbers, true/false) written straight as SpreadsheetML, for large tables.

Why (issue 14): participant_tables.xlsx has a row per pair of people who wrote after or mentioned each other,
11,500 rows at a million messages. openpyxl, even in its write-only mode, makes a cell object per value and
took 0.75 s there; the same cells written as XML text take a tenth of that. The cells are those openpyxl
writes (ECMA-376 Part 1, 18.3.1.4 ``c``: text as an inline string, numbers as ``n``, true/false as ``b``; an
empty text cell for the empty text), so a reader gets the same values and types (tests/test_chat_metrics_fast.py
reads both with openpyxl). Nothing else is written: no styles beyond the default, no shared strings. Every
zip entry is dated ``stamp`` (the build's day), so the same tables give the same bytes.
"""

from __future__ import annotations

import math
import re
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Iterable, Sequence
from xml.sax.saxutils import escape, quoteattr

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"
_TYPES = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # not allowed in XML 1.0 (openpyxl's own test)


def column_name(index: int) -> str:
    """The letters of the 0-based column ``index`` (0 -> A, 25 -> Z, 26 -> AA).

    >>> column_name(0), column_name(25), column_name(26), column_name(701), column_name(702)
    ('A', 'Z', 'AA', 'ZZ', 'AAA')
    """
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def _cell(reference: str, value: object) -> str:
    if value is None or value == "":
        return f'<c r="{reference}" t="inlineStr"></c>'
    if isinstance(value, bool):
        return f'<c r="{reference}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"cell {reference}: {value} is not a number a spreadsheet can hold")
        return f'<c r="{reference}" t="n"><v>{value!r}</v></c>'
    text = str(value)
    if _ILLEGAL.search(text):  # as openpyxl and python-docx refuse them (the build says so in one line)
        raise ValueError(f"cell {reference}: a control character is not XML compatible")
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f'<c r="{reference}" t="inlineStr"><is><t{space}>{escape(text)}</t></is></c>'


def _sheet(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A worksheet's XML: the header in row 1, then ``rows``."""
    letters = [column_name(i) for i in range(len(header))]
    lines = []
    for number, row in enumerate([header, *rows], start=1):
        cells = "".join(_cell(f"{letter}{number}", value) for letter, value in zip(letters, row))
        lines.append(f'<row r="{number}">{cells}</row>')
    return (f'{_HEAD}<worksheet xmlns="{_MAIN}" xmlns:r="{_RELATIONSHIPS}"><sheetData>{"".join(lines)}'
            "</sheetData></worksheet>")


def write_xlsx(path: Path, sheets: dict[str, tuple[Sequence[str], Iterable[Sequence[object]]]],
               stamp: datetime) -> Path:
    """Write ``sheets`` (name -> (header, rows)) to ``path``; names are cut to Excel's 31 characters.

    Cells: text (written as it is: the caller defuses formulas), whole and decimal numbers (finite), true/false,
    and None or the empty text for an empty text cell.
    """
    names = [name[:31] for name in sheets]
    parts = {
        "[Content_Types].xml": (
            f'{_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{_TYPES}.sheet.main+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{_TYPES}.styles+xml"/>'
            + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{_TYPES}.worksheet+xml"/>'
                      for i in range(1, len(names) + 1)) + "</Types>"),
        "_rels/.rels": (f'{_HEAD}<Relationships xmlns="{_PACKAGE}"><Relationship Id="rId1" '
                        f'Type="{_RELATIONSHIPS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'),
        "xl/workbook.xml": (f'{_HEAD}<workbook xmlns="{_MAIN}" xmlns:r="{_RELATIONSHIPS}"><sheets>'
                            + "".join(f'<sheet name={quoteattr(name)} sheetId="{i}" r:id="rId{i}"/>'
                                      for i, name in enumerate(names, start=1)) + "</sheets></workbook>"),
        "xl/_rels/workbook.xml.rels": (
            f'{_HEAD}<Relationships xmlns="{_PACKAGE}">'
            + "".join(f'<Relationship Id="rId{i}" Type="{_RELATIONSHIPS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                      for i in range(1, len(names) + 1))
            + f'<Relationship Id="rId{len(names) + 1}" Type="{_RELATIONSHIPS}/styles" Target="styles.xml"/>'
              "</Relationships>"),
        # The smallest style sheet Excel accepts: one font, the two fills it requires, one border, one format,
        # and the Normal style.
        "xl/styles.xml": (f'{_HEAD}<styleSheet xmlns="{_MAIN}"><fonts count="1"><font><sz val="11"/>'
                          '<name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/>'
                          '</fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border>'
                          '<left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf '
                          'numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="1"><xf '
                          'numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs><cellStyles count="1">'
                          '<cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'),
    }
    for i, (header, rows) in enumerate(sheets.values(), start=1):
        parts[f"xl/worksheets/sheet{i}.xml"] = _sheet(header, rows)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(zipfile.ZipInfo(name, date_time=stamp.timetuple()[:6]), text.encode("utf-8"),
                             compress_type=zipfile.ZIP_DEFLATED)
    return path
