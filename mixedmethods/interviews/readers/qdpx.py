"""REFI-QDA projects (.qdpx): a zip of a ``*.qde`` project file and its ``Sources/``.

Read: ``Users`` (coders), the ``CodeBook`` (code GUID -> name; our ``Id:``
line in a code's Description when the project came from mixedmethods),
``Cases`` (a case's name says whose interview a source is), and each
``TextSource`` (text inline in ``PlainTextContent`` or in ``Sources/`` via
``plainTextPath="internal://..."``) with its ``PlainTextSelection`` start and
end positions (characters, end exclusive) and their ``Coding``. The coder is
the coding's ``creatingUser``, else the selection's.
Reference: REFI-QDA Project Exchange standard 1.0, https://www.qdasoftware.org.
"""

from __future__ import annotations

import re
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
                target = (source.get("plainTextPath") or "").replace("internal://", "")
                candidates = [n for n in archive.namelist() if n.endswith(f"Sources/{target}") or n == target]
                if not target or not candidates:
                    raise InputFileError(f"text of source {name!r} not found in the archive ({target or 'no path'})",
                                         file=shown)
                text = archive.read(candidates[0]).decode("utf-8-sig")
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
