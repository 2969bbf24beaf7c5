"""REFI-QDA projects (.qdpx): a zip of a ``*.qde`` project file and its ``Sources/``.

Read: ``Users`` (coders), the ``CodeBook`` (code GUID -> name; our ``Id:``
line in a code's Description when the project came from mixedmethods),
``Cases`` (a case's name says whose interview a source is), and each
``TextSource`` (text inline in ``PlainTextContent`` or in ``Sources/`` via
``plainTextPath="internal://..."``) with its ``PlainTextSelection`` start and
end positions (characters, end exclusive) and their ``Coding``. The coder is
the coding's ``creatingUser``, else the selection's.

QDA packages write the same standard in different shapes: NVivo and MAXQDA
a ``Sources/`` folder and upper-case GUIDs in braces, ATLAS.ti and QualCoder
``sources/`` or file names in another case than ``plainTextPath`` says, some
a byte-order mark, UTF-16 or a ``relative://`` path to a file next to the
project. So folder and file names are matched without regard to case, and a
source's text is decoded by its byte-order mark (UTF-8, UTF-16, UTF-32),
else as UTF-8 (what the standard prescribes), else as Latin-1 with a warning.
Reference: REFI-QDA Project Exchange standard 1.0, https://www.qdasoftware.org.
"""

from __future__ import annotations

import codecs
import re
import warnings
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

from ...errors import InputFileError
from ...sources import register
from ..model import RawSegment, RawTranscript
from . import TRANSCRIPTS


def _code_names(codebook: ET.Element | None, ns: str) -> dict[str, str]:
    names: dict[str, str] = {}
    if codebook is None:
        return names
    for code in codebook.iter(f"{ns}Code"):
        description = code.findtext(f"{ns}Description") or ""
        ident = re.search(r"^Id: (\S+)$", description, re.MULTILINE)
        names[code.get("guid", "").strip("{}").lower()] = ident.group(1) if ident else code.get("name", "")
    return names


# Byte-order marks, longest first (the UTF-32 LE mark begins with the UTF-16 LE one).
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF8, "utf-8"),
         (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


def decode_source(data: bytes, where: str) -> str:
    """A plain-text source's text: by its byte-order mark, else UTF-8, else Latin-1 (with a warning)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(encoding)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        warnings.warn(f"{where}: not UTF-8 and no byte-order mark; read as Latin-1 (check accented letters)",
                      stacklevel=2)
        return data.decode("latin-1")


def _find_member(names: list[str], target: str) -> str | None:
    """The archive member ``target`` names: itself, else under ``Sources/``, compared without regard to case."""
    target = target.replace("\\", "/").lstrip("/")
    wanted = target.casefold()
    exact = [n for n in names if n.casefold() == wanted]
    in_sources = [n for n in names if n.casefold().endswith("sources/" + wanted)]
    base = [n for n in names if n.casefold().rsplit("/", 1)[-1] == wanted.rsplit("/", 1)[-1]]
    found = exact or in_sources or base
    return found[0] if found else None


def _source_text(archive: zipfile.ZipFile, path: Path, source_path: str, name: str, shown: str) -> str:
    """Read a ``plainTextPath``: ``internal://`` in the archive, ``relative://`` or ``file://`` next to it."""
    scheme, separator, target = source_path.partition("://")
    if not separator:
        scheme, target = "internal", source_path
    member = _find_member(archive.namelist(), target) if target else None
    if member is not None:
        return decode_source(archive.read(member), f"{shown}: {member}")
    outside = Path(target) if scheme.lower() == "file" else path.parent / target
    if scheme.lower() in ("relative", "file") and target and outside.is_file():
        return decode_source(outside.read_bytes(), str(outside))
    raise InputFileError(f"text of source {name!r} not found in the archive ({source_path or 'no path'})",
                         file=shown)


def detect(path: Path) -> bool:
    return path.suffix.lower() == ".qdpx"


@register("interviews", "qdpx", detect=detect, suffixes=(".qdpx",), stores=TRANSCRIPTS,
          recognised_by="the `.qdpx` suffix",
          description=("REFI-QDA project from QualCoder, MAXQDA, NVivo or ATLAS.ti: text sources, codebook, "
                       "coders, cases and codings"))
def read(path: Path, shown: str) -> list[RawTranscript]:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise InputFileError("cannot open as a REFI-QDA project (.qdpx is a zip file)", file=shown) from None
    with archive:
        projects = [n for n in archive.namelist() if n.lower().endswith(".qde")]
        if not projects:
            raise InputFileError("no .qde project file inside this .qdpx", file=shown)
        try:
            root = ET.fromstring(archive.read(projects[0]))
        except ET.ParseError as exc:
            raise InputFileError(f"{projects[0]} is not valid XML ({exc})", file=shown) from None
        ns = root.tag.split("}")[0] + "}" if root.tag.startswith("{") else ""
        users = {u.get("guid", "").strip("{}").lower(): (u.get("name") or u.get("id") or "coder")
                 for u in root.iter(f"{ns}User")}
        codes = _code_names(root.find(f"{ns}CodeBook"), ns)
        owners: dict[str, str] = {}
        for case in root.iter(f"{ns}Case"):
            for ref in case.findall(f"{ns}SourceRef"):
                owners[ref.get("targetGUID", "").strip("{}").lower()] = case.get("name", "")
        transcripts = []
        for source in root.iter(f"{ns}TextSource"):
            guid = source.get("guid", "").strip("{}").lower()
            name = source.get("name") or guid
            text = source.findtext(f"{ns}PlainTextContent")
            if text is None:
                text = _source_text(archive, path, source.get("plainTextPath") or "", name, shown)
            segments = []
            for number, selection in enumerate(source.findall(f"{ns}PlainTextSelection"), 1):
                try:
                    start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
                except (TypeError, ValueError):
                    raise InputFileError(f"selection {number} of source {name!r} has no valid start/end",
                                         file=shown) from None
                for coding in selection.findall(f"{ns}Coding"):
                    ref = coding.find(f"{ns}CodeRef")
                    code_guid = (ref.get("targetGUID") if ref is not None else "").strip("{}").lower()
                    user = (coding.get("creatingUser") or selection.get("creatingUser") or "").strip("{}").lower()
                    segments.append(RawSegment(users.get(user, "coder"), codes.get(code_guid, code_guid), start, end,
                                               f"source {name!r} selection {number}", shown))
            transcripts.append(RawTranscript(name, shown, text, segments, owners.get(guid), None, None))
        return transcripts
