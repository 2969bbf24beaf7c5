"""What ``check-privacy`` reads in a file that is not the store: the texts a reader of it would see.

Inside .docx, .xlsx, .qdpx and other zip files every member (Word paragraphs whole, each cell of a sheet with its
shared strings, the text chunks of embedded images), the strings and keys of a .json, the cells of a .csv, the
values and labels of an SPSS .sav, the text chunks of a .png, the text of each page of a .pdf, else text lines;
each as ``(location, text)`` for :meth:`mixedmethods.privacy_check.LeakFinder.scan`.
"""

from __future__ import annotations

import html
import io
import json
import re
import struct
import zipfile
import zlib
from pathlib import Path
from typing import Iterator

from .privacy_store import value_text

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_S = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_ZIP_LIMIT = 512 << 20  # members larger than this (uncompressed) are reported, not read
_ATTRIBUTE = re.compile(r"""=\s*(["'])(.*?)\1""", re.DOTALL)


class Markup(str):
    """Text that is not written for a reader (XML attributes, raw bytes of a database): only the listed
    identities are looked for in it, not every phone- or e-mail-like pattern (an image's size in EMU, 5486400,
    is not a phone number)."""


def file_texts(path: Path, finder) -> Iterator[tuple[str, str]]:
    """The ``(location, text)`` items of a file that is not a database (``privacy_check.check_file``); ``finder``
    (a ``LeakFinder``) names the members of a zip as they may be shown, and keeps the parts read before."""
    with path.open("rb") as handle:
        head = handle.read(16)
    if path.name.endswith("-wal"):
        return
    elif zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            yield from _zip_texts(archive, finder, "")
    elif head.startswith(b"\x89PNG"):
        yield from _png_texts(path.read_bytes())
    elif path.suffix == ".sav":
        yield from _sav_texts(path)
    elif head.startswith(b"%PDF"):
        yield from _pdf_texts(path)
    else:
        yield from _data_texts(path.suffix.lower(), path.read_bytes())


def _zip_texts(archive: zipfile.ZipFile, finder, prefix: str) -> Iterator[tuple[str, str]]:
    names = archive.namelist()
    sheets = _sheet_names(archive) if "xl/workbook.xml" in names else {}
    shared = _shared_strings(archive) if "xl/sharedStrings.xml" in names else []
    for info in archive.infolist():
        member = prefix + finder.shown(info.filename)
        yield f"name of member {member}", info.filename
        if info.is_dir():
            continue
        if info.file_size > _ZIP_LIMIT:
            yield f"{member} (too large to read, not checked)", ""
            continue
        data = archive.read(info)
        if info.filename in sheets:
            yield from _sheet_texts(data, sheets[info.filename], shared)
        elif info.filename == "xl/sharedStrings.xml":
            continue  # read through the cells that use them
        elif data.startswith(b"\x89PNG"):
            yield from ((f"{member}, {where}", text) for where, text in _png_texts(data))
        elif data.startswith(b"PK") and not prefix:
            try:
                with zipfile.ZipFile(io.BytesIO(data)) as inner:
                    yield from _zip_texts(inner, finder, member + "/")
            except zipfile.BadZipFile:
                yield from _data_texts("", data, member)
        else:
            # The same part recurs in every .docx of a build (styles, theme, settings): read it once.
            key = (member, info.CRC, info.file_size)
            if key not in finder.parsed:
                finder.parsed[key] = list(_data_texts(Path(info.filename).suffix.lower(), data, member))
            yield from finder.parsed[key]


def _data_texts(suffix: str, data: bytes, member: str = "") -> Iterator[tuple[str, str]]:
    """XML (paragraphs, elements, attributes), JSON (paths), CSV (cells), else text lines."""
    at = f"{member}, " if member else ""
    stripped = data.lstrip()
    if suffix in (".xml", ".rels", ".qde", ".qdc", ".vml") or stripped.startswith(b"<?xml"):
        try:
            yield from ((at + where, text) for where, text in _xml_texts(data))
            return
        except Exception:  # not well-formed: read it as text below
            pass
    text = data.decode("utf-8", "replace")
    if suffix == ".json":
        try:
            yield from ((at + where, value) for where, value in _json_texts(json.loads(text), "$"))
            return
        except ValueError:
            pass
    if suffix == ".csv":
        import csv

        rows = list(csv.reader(io.StringIO(text)))
        for number, row in enumerate(rows, start=1):
            for index, cell in enumerate(row):
                yield f"{at}row {number}, column {index + 1}", cell
        return
    for number, line in enumerate(text.splitlines(), start=1):
        yield f"{at}line {number}", line


def _json_texts(value: object, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield f"{path} (a key)", str(key)
            yield from _json_texts(item, f"{path}.{key}" if re.fullmatch(r"\w+", str(key)) else f"{path}[{key!r}]")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _json_texts(item, f"{path}[{index}]")
    else:
        text = value_text(value)
        if text:
            yield path, text


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _xml_texts(data: bytes) -> Iterator[tuple[str, str]]:
    """Word paragraphs whole (a name may be split across runs), else every element's text; the attributes.

    The attribute values of a part are scanned as one text (a part holds hundreds of thousands, nearly all
    sizes and ids), so a finding in them names the part, not the element.
    """
    from xml.etree import ElementTree

    root = ElementTree.fromstring(data)
    paragraphs = list(root.iter(_W + "p"))
    if paragraphs:
        for number, paragraph in enumerate(paragraphs, start=1):
            yield f"paragraph {number}", "".join(paragraph.itertext())
    else:
        for element in root.iter():
            for text in (element.text, element.tail):
                if text and text.strip():
                    yield f"<{_local(element.tag)}>", text
    values = [value for _, value in _ATTRIBUTE.findall(data.decode("utf-8", "replace"))]
    yield "an attribute value", Markup(html.unescape("\n".join(values)))


def _sheet_names(archive: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet part -> sheet name, from xl/workbook.xml and its relationships."""
    from xml.etree import ElementTree

    try:
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError):
        return {}
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    parts = {}
    for sheet in book.iter(_S + "sheet"):
        target = targets.get(sheet.get(_R + "id"), "")
        part = target.lstrip("/") if target.startswith("/") else "xl/" + target
        parts[part] = sheet.get("name", "")
    return parts


def _shared_strings(archive: zipfile.ZipFile) -> list[str]:
    from xml.etree import ElementTree

    root = ElementTree.fromstring(archive.read("xl/sharedStrings.xml"))
    return ["".join(si.itertext()) for si in root.iter(_S + "si")]


def _sheet_texts(data: bytes, sheet: str, shared: list[str]) -> Iterator[tuple[str, str]]:
    from xml.etree import ElementTree

    for cell in ElementTree.fromstring(data).iter(_S + "c"):
        where = f"sheet {sheet!r}, cell {cell.get('r', '?')}"
        value = cell.find(_S + "v")
        if cell.get("t") == "s" and value is not None and (value.text or "").isdigit():
            index = int(value.text)
            yield where, shared[index] if index < len(shared) else ""
        else:
            yield where, "".join(cell.itertext())


def _png_texts(data: bytes) -> Iterator[tuple[str, str]]:
    """The text chunks of a PNG (tEXt, zTXt, iTXt; PNG specification, 11.3.4)."""
    position = 8
    while position + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        body = data[position + 8:position + 8 + length]
        position += 12 + length
        try:
            if kind == b"tEXt":
                keyword, _, text = body.partition(b"\0")
                yield f"text chunk {keyword.decode('latin-1')!r}", text.decode("latin-1")
            elif kind == b"zTXt":
                keyword, _, rest = body.partition(b"\0")
                yield f"text chunk {keyword.decode('latin-1')!r}", zlib.decompress(rest[1:]).decode("latin-1")
            elif kind == b"iTXt":
                keyword, _, rest = body.partition(b"\0")
                compressed, rest = rest[0], rest[2:]
                language, _, rest = rest.partition(b"\0")
                translated, _, text = rest.partition(b"\0")
                text = zlib.decompress(text) if compressed else text
                yield f"text chunk {keyword.decode('latin-1')!r}", (translated + b" " + text).decode("utf-8", "replace")
        except (zlib.error, IndexError):
            yield f"text chunk {kind.decode('latin-1')!r} (unreadable)", body.decode("latin-1")
        if kind == b"IEND":
            break


def _pdf_texts(path: Path) -> Iterator[tuple[str, str]]:
    """The text of each page of a PDF (``build --pdf``), read by pdftotext: its streams are compressed."""
    import subprocess

    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    for page, content in enumerate(text.split("\f"), start=1):
        for number, line in enumerate(content.splitlines(), start=1):
            yield f"page {page}, line {number}", line


def _sav_texts(path: Path) -> Iterator[tuple[str, str]]:
    """An SPSS file's variable names and labels, value labels, file label and notes, and every value."""
    import pyreadstat

    frame, meta = pyreadstat.read_sav(str(path))
    yield "file label", meta.file_label or ""
    for note in meta.notes or []:
        yield "notes", note
    for name, label in zip(meta.column_names, meta.column_labels or []):
        yield f"variable {name!r}", name
        yield f"variable {name!r} label", label or ""
    for name, labels in (meta.variable_value_labels or {}).items():
        for value, label in labels.items():
            yield f"variable {name!r} value label {value!r}", f"{value_text(value)} {label}"
    for name in frame.columns:
        for case, value in enumerate(frame[name].tolist(), start=1):
            text = value_text(value)
            if text:
                yield f"variable {name!r}, case {case}", text
