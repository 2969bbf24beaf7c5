"""REFI-QDA codebook exchange (``.qdc``, namespace ``urn:QDA-XML:codebook:1.0``), both ways.

A REFI-QDA ``Code`` has a ``guid``, a ``name``, ``isCodable``, a ``color`` and
a free-text ``Description``; children are nested ``Code`` elements. Our code
id and the fields REFI-QDA has no element for are written into the
Description as labelled lines that a coder can read in QualCoder, MAXQDA,
NVivo or ATLAS.ti and that we read back:

    Definition: How the group changes the pace ...
    Include: Faster reactions ...
    Exclude: ...
    Example: ...
    [fr] Label: Rapidité et efficacité
    [fr] Definition: ...
    Id: speed

The first language's label is the code's ``name``. GUIDs are derived from the
code id (UUID 5), so exporting twice gives the same file. A Description
written by another tool (no labelled lines) becomes the definition.
Reference: REFI-QDA Codebook Exchange standard, https://www.qdasoftware.org.
"""

from __future__ import annotations

import re
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path

from ..errors import InstrumentError
from ..safeinput import xml_root
from .codebook import TEXT_FIELDS, Code, Codebook

NS = "urn:QDA-XML:codebook:1.0"
GUID_NAMESPACE = uuid.UUID("6f1d3c9e-5a0b-4c52-9a55-2b7c3f6f4e10")  # mixedmethods' namespace for UUID 5
_LINE = re.compile(r"^(?:\[(?P<lang>[\w-]+)\] )?(?P<field>Label|Definition|Include|Exclude|Example|Id): ?(?P<text>.*)$")


def code_guid(code_id: str) -> str:
    """Stable GUID of a code id."""
    return str(uuid.uuid5(GUID_NAMESPACE, f"code:{code_id}"))


def describe(code: Code, languages: list[str]) -> str:
    """The Description text of a code (see the module docstring)."""
    lines = []
    for index, language in enumerate(languages):
        prefix = "" if index == 0 else f"[{language}] "
        if index > 0 and language in code.label:
            lines.append(f"{prefix}Label: {code.label[language]}")
        for name in TEXT_FIELDS:
            value = getattr(code, name).get(language)
            if value:
                lines.append(f"{prefix}{name.capitalize()}: {' '.join(value.split())}")
    lines.append(f"Id: {code.id}")
    return "\n".join(lines)


def code_element(code: Code, languages: list[str], tag: str) -> ET.Element:
    """A ``Code`` element (with its children) under namespace-qualified ``tag``."""
    element = ET.Element(tag, {"guid": code_guid(code.id), "name": code.text(languages[0]), "isCodable": "true"})
    if code.color:
        element.set("color", code.color)
    ET.SubElement(element, tag.replace("Code", "Description")).text = describe(code, languages)
    for child in code.codes:
        element.append(code_element(child, languages, tag))
    return element


def write_qdc(codebook: Codebook, path: Path) -> None:
    """Write ``codebook`` as a REFI-QDA codebook file."""
    ET.register_namespace("", NS)
    root = ET.Element(f"{{{NS}}}CodeBook", {"origin": f"mixedmethods ({codebook.id} {codebook.version})"})
    codes = ET.SubElement(root, f"{{{NS}}}Codes")
    for code in codebook.codes:
        codes.append(code_element(code, codebook.languages, f"{{{NS}}}Code"))
    ET.indent(root)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)


def parse_code(element: ET.Element, ns: str, languages: list[str]) -> Code:
    """Read a ``Code`` element (any namespace ``ns``) into a :class:`Code`."""
    name = element.get("name") or ""
    description = element.findtext(f"{{{ns}}}Description") or ""
    fields: dict[str, dict[str, str]] = {n: {} for n in TEXT_FIELDS}
    label = {languages[0]: name}
    code_id = None
    structured = False
    for line in description.splitlines():
        match = _LINE.match(line.strip())
        if not match:
            continue
        structured = True
        language = match["lang"] or languages[0]
        if language not in languages:
            languages.append(language)
        field_name, text = match["field"].lower(), match["text"]
        if field_name == "id":
            code_id = text.strip()
        elif field_name == "label":
            label[language] = text
        else:
            fields[field_name][language] = text
    if description.strip() and not structured:
        fields["definition"][languages[0]] = description.strip()
    color = element.get("color")
    children = [parse_code(child, ns, languages) for child in element.findall(f"{{{ns}}}Code")]
    return Code(code_id or _slug(name), label, **fields, color=color.lower() if color and len(color) == 7 else None,
                codes=children)


def _slug(name: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_").lower()
    return slug if slug and slug[0].isalpha() else f"code_{slug}"


def read_qdc(path: Path, shown: str) -> Codebook:
    """Read a REFI-QDA codebook (``.qdc``)."""
    try:
        root = xml_root(Path(path).read_bytes())
    except ET.ParseError as exc:
        raise InstrumentError(f"not a valid XML codebook ({exc})", file=shown, line=exc.position[0]) from None
    except FileNotFoundError:
        raise InstrumentError("file not found", file=shown) from None
    ns = root.tag[1:].split("}")[0] if root.tag.startswith("{") else ""
    if not root.tag.endswith("CodeBook"):
        raise InstrumentError(f"expected a CodeBook root element, found {root.tag!r}", file=shown)
    languages: list[str] = ["en"]
    codes_element = root.find(f"{{{ns}}}Codes")
    codes = [parse_code(c, ns, languages) for c in (codes_element if codes_element is not None else [])]
    if not codes:
        raise InstrumentError("the codebook has no codes", file=shown)
    origin = root.get("origin", "")
    match = re.match(r"mixedmethods \((\S+) (\S+)\)", origin)
    ident, version = (match.group(1), match.group(2)) if match else (path.stem, "1")
    return Codebook(ident, version, languages, codes)
