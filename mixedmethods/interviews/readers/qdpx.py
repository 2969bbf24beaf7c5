"""REFI-QDA projects (.qdpx): a zip of a ``*.qde`` project file and its ``Sources/``.

Read: ``Users`` (coders), the ``CodeBook`` (code GUID -> name, nested codes
included; our ``Id:`` line in a code's Description when the project came from
mixedmethods), ``Cases`` (a case's name says whose interview a source is), and
each ``TextSource`` (text inline in ``PlainTextContent``, in the archive via
``plainTextPath="internal://..."``, or outside it via ``relative://`` (against
the project's ``basePath``, else the folder of the .qdpx) or ``absolute://``)
with its ``PlainTextSelection`` start and end positions (end exclusive) and
their ``Coding``; a ``Coding`` on the source itself codes its whole text.
The coder is the coding's ``creatingUser``, else the selection's, else
"coder". Sources with the same name are numbered ("Interview (2)") with a
warning. Pictures, PDFs, audio and video are not transcripts: they are
skipped with one warning that counts them and their coded selections. ``Notes``, ``Sets``, ``Links``, ``Graphs`` and
``Variables`` are not read.

QDA packages write the same standard in different shapes, so:

- folder and file names are matched without regard to case (``Sources/`` or
  ``sources/``, ``internal://ABC.txt`` for ``abc.txt``), in sub-folders too;
  the project file may have any name ending in ``.qde`` (ATLAS.ti names it
  after the project), ``project.qde`` preferred;
- GUIDs are compared without braces and case;
- a source's text is decoded by its byte-order mark (UTF-8, UTF-16,
  UTF-32), else as UTF-8 (what the standard prescribes), else as Latin-1
  with a warning; Windows line ends (CRLF) become ``\\n``;
- positions are counted the way the package that wrote the project counts
  them (:func:`position_rules`): NVivo counts UTF-16 code units (an emoji is
  two), ATLAS.ti and MAXQDA count a CRLF line end as one character, the
  others count characters (code points) with CRLF as two. Offsets are moved
  onto the stored text.

Reference: REFI-QDA Project Exchange standard 1.0, https://www.qdasoftware.org.
"""

from __future__ import annotations

import codecs
import re
import warnings
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path
from typing import Callable

from ...errors import InputFileError
from ...safeinput import open_zip, read_member, xml_root
from ...sources import register
from ..model import RawSegment, RawTranscript
from . import TRANSCRIPTS

# Source kinds that hold no plain text of their own (REFI-QDA 1.0 ``Sources`` children).
NOT_TEXT = {"PictureSource": "picture", "PDFSource": "PDF", "AudioSource": "audio", "VideoSource": "video"}
_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")  # two UTF-16 code units each
_SELECTIONS = ("PictureSelection", "PDFSelection", "AudioSelection", "VideoSelection", "PlainTextSelection")


def _guid(value: str | None) -> str:
    return (value or "").strip().strip("{}").lower()


def _code_names(codebook: ET.Element | None, ns: str) -> dict[str, str]:
    names: dict[str, str] = {}
    if codebook is None:
        return names
    for code in codebook.iter(f"{ns}Code"):  # iter: nested codes too
        description = code.findtext(f"{ns}Description") or ""
        ident = re.search(r"^Id: (\S+)$", description, re.MULTILINE)
        names[_guid(code.get("guid"))] = ident.group(1) if ident else code.get("name", "")
    return names


# Byte-order marks, longest first (the UTF-32 LE mark begins with the UTF-16 LE one).
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF8, "utf-8"),
         (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))


def decode_source(data: bytes, where: str) -> str:
    """A plain-text source's text: by its byte-order mark, else UTF-8, else Latin-1 (with a warning)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(encoding)
            except UnicodeDecodeError as exc:
                raise InputFileError(f"{encoding} text (by its byte-order mark) with an invalid byte at "
                                     f"{exc.start + len(bom)}", file=where) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        warnings.warn(f"{where}: not UTF-8 and no byte-order mark; read as Latin-1 (check accented letters)",
                      stacklevel=2)
        return data.decode("latin-1")


def position_rules(origin: str | None) -> tuple[bool, bool]:
    """How the package named in the project's ``origin`` counts positions: (UTF-16 units, CRLF as one).

    NVivo: UTF-16 code units, measured on a real NVivo 12.6 for Windows export
    (of 303 coded selections, 274 start and end on a line boundary and 295 on
    a word boundary read as UTF-16 units; 14 and 27 read as code points; the
    text holds 892 emoji). ATLAS.ti and
    MAXQDA: a CRLF line end is one character, as QualCoder's importer and its
    "line endings for MAXQDA" export assume (QualCoder ``refi.py``). Others
    (QualCoder, mixedmethods, unknown): code points, CRLF as two, as the
    standard's "character positions" read literally.
    """
    name = (origin or "").casefold()
    return "nvivo" in name, "atlas.ti" in name or "maxqda" in name


def to_text_offsets(text: str, utf16: bool, crlf_as_one: bool) -> tuple[str, Callable[[int], int]]:
    """The text with CRLF as ``\\n`` and a function from the project's positions to indices in it.

    A position past the end stays past the end (by as much), so the importer
    rejects it with its offsets as it would any segment outside the text.
    """
    plain = text.replace("\r\n", "\n")
    wide = utf16 and _ASTRAL.search(text) is not None
    if not wide and (crlf_as_one or plain == text):
        return plain, lambda position: position
    # One entry per position unit: the index in ``plain`` that the unit boundary falls on.
    index: list[int] = []
    kept = 0
    for i, char in enumerate(text):
        if char == "\r" and text[i + 1:i + 2] == "\n":
            if not crlf_as_one:
                index.append(kept)  # the position between \r and \n is the line end
            continue
        index.extend([kept] * (2 if utf16 and ord(char) > 0xFFFF else 1))
        kept += 1
    index.append(kept)
    last = len(index) - 1

    def convert(position: int) -> int:
        return index[position] if 0 <= position <= last else position - last + len(plain)

    return plain, convert


def _find_member(names: list[str], target: str) -> str | None:
    """The archive member ``target`` names: itself, else under ``Sources/``, compared without regard to case."""
    target = target.replace("\\", "/").lstrip("/")
    wanted = target.casefold()
    exact = [n for n in names if n.casefold() == wanted]
    in_sources = [n for n in names if n.casefold().endswith("sources/" + wanted)]
    base = [n for n in names if n.casefold().rsplit("/", 1)[-1] == wanted.rsplit("/", 1)[-1]]
    found = exact or in_sources or base
    return found[0] if found else None


def _read_member(archive: zipfile.ZipFile, member: str, shown: str) -> bytes:
    return read_member(archive, member, shown)  # bounded, and a damaged member is one line


def _source_text(archive: zipfile.ZipFile, path: Path, base: str, source_path: str, name: str, shown: str) -> str:
    """Read a ``plainTextPath``: ``internal://`` in the archive; ``relative://``, ``absolute://`` outside it."""
    scheme, separator, target = source_path.partition("://")
    scheme = scheme.lower() if separator else "internal"
    target = target if separator else source_path
    member = _find_member(archive.namelist(), target) if target else None
    if member is not None:
        return decode_source(_read_member(archive, member, shown), f"{shown}: {member}")
    candidates = []
    if scheme in ("absolute", "file"):
        candidates.append(Path(target))
    elif scheme == "relative" and target:
        candidates += [Path(base) / target.lstrip("/")] if base else []
        candidates.append(path.parent / target.lstrip("/"))
    for outside in candidates:
        if outside.is_file():
            return decode_source(outside.read_bytes(), str(outside))
    raise InputFileError(f"text of source {name!r} not found in the archive ({source_path or 'no path'})",
                         file=shown)


def _project_root(archive: zipfile.ZipFile, shown: str) -> ET.Element:
    projects = sorted((n for n in archive.namelist() if n.lower().endswith(".qde")),
                      key=lambda n: (n.lower().rsplit("/", 1)[-1] != "project.qde", n.count("/"), n))
    if not projects:
        raise InputFileError("no .qde project file inside this .qdpx (a REFI-QDA project holds project.qde)",
                             file=shown)
    try:
        return xml_root(_read_member(archive, projects[0], shown))
    except ET.ParseError as exc:
        line, column = exc.position
        reason = str(exc).rsplit(": line", 1)[0]
        raise InputFileError(f"{projects[0]} is not well-formed XML ({reason}) at column {column}", file=shown,
                             line=line) from None


def _skipped(root: ET.Element, ns: str, shown: str) -> None:
    """Warn once about the sources that are not text, with how many coded selections they hold."""
    kinds: dict[str, int] = {}
    coded = 0
    sources = root.find(f"{ns}Sources")
    for element in (sources if sources is not None else []):
        kind = NOT_TEXT.get(element.tag.removeprefix(ns))
        if kind is None:
            continue
        kinds[kind] = kinds.get(kind, 0) + 1
        coded += sum(1 for tag in _SELECTIONS for s in element.iter(f"{ns}{tag}") if s.find(f"{ns}Coding") is not None)
    if kinds:
        listed = ", ".join(f"{n} {kind}" for kind, n in kinds.items())
        warnings.warn(f"{shown}: skipped {sum(kinds.values())} sources that are not text ({listed}) and their "
                      f"{coded} coded selections; only text sources are transcripts", stacklevel=3)


def detect(path: Path) -> bool:
    return path.suffix.lower() == ".qdpx"


@register("interviews", "qdpx", detect=detect, suffixes=(".qdpx",), stores=TRANSCRIPTS,
          recognised_by="the `.qdpx` suffix",
          description=("REFI-QDA project from QualCoder, MAXQDA, NVivo or ATLAS.ti: text sources, codebook, "
                       "coders, cases and codings"))
def read(path: Path, shown: str) -> list[RawTranscript]:
    archive = open_zip(path, shown, "cannot open as a REFI-QDA project (.qdpx is a zip file)")
    with archive:
        root = _project_root(archive, shown)
        ns = root.tag.split("}")[0] + "}" if root.tag.startswith("{") else ""
        if root.tag.removeprefix(ns) != "Project":
            raise InputFileError(f"the .qde file's root element is <{root.tag.removeprefix(ns)}>, expected <Project> "
                                 "(a .qdc codebook is converted with 'mixedmethods instrument convert')", file=shown)
        users = {_guid(u.get("guid")): (u.get("name") or u.get("id") or "coder") for u in root.iter(f"{ns}User")}
        codes = _code_names(root.find(f"{ns}CodeBook"), ns)
        owners: dict[str, str] = {}
        for case in root.iter(f"{ns}Case"):
            for ref in case.findall(f"{ns}SourceRef"):
                owners[_guid(ref.get("targetGUID"))] = case.get("name", "")
        utf16, crlf_as_one = position_rules(root.get("origin"))
        base = root.get("basePath") or ""
        _skipped(root, ns, shown)
        transcripts = []
        sources = root.find(f"{ns}Sources")
        for source in (sources.findall(f"{ns}TextSource") if sources is not None else []):
            transcripts.append(_transcript(source, ns, archive, path, base, shown, users, codes, owners,
                                           utf16, crlf_as_one))
        _unique_names(transcripts, shown)
        return transcripts


def _unique_names(transcripts: list[RawTranscript], shown: str) -> None:
    """Number repeated source names ("Interview", "Interview (2)"): packages allow them, the store does not."""
    seen: dict[str, int] = {}
    for transcript in transcripts:
        key = transcript.name.casefold()
        seen[key] = seen.get(key, 0) + 1
        if seen[key] > 1:
            old, renamed = transcript.name, f"{transcript.name} ({seen[key]})"
            warnings.warn(f"{shown}: more than one source is named {old!r}; this one is stored as {renamed!r}",
                          stacklevel=3)
            transcript.name = renamed
            for segment in transcript.segments:
                segment.where = segment.where.replace(f"source {old!r}", f"source {renamed!r}", 1)


def _coding(coding: ET.Element, ns: str, where: str, shown: str, codes: dict[str, str], users: dict[str, str],
            fallback_user: str | None) -> tuple[str, str]:
    """(coder, code) of a ``Coding``; a CodeRef to no code of the CodeBook is an error."""
    ref = coding.find(f"{ns}CodeRef")
    code_guid = _guid(ref.get("targetGUID") if ref is not None else "")
    if code_guid not in codes:
        raise InputFileError(f"{where} is coded with code {code_guid or '(no CodeRef)'}, which is not in the "
                             "project's CodeBook", file=shown)
    return users.get(_guid(coding.get("creatingUser") or fallback_user), "coder"), codes[code_guid]


def _position(value: str | None) -> int:
    if value is None or not re.fullmatch(r"\s*[0-9]{1,15}\s*", value):  # int() would take "1_0" and "١"
        raise ValueError(value)
    return int(value)


def _transcript(source: ET.Element, ns: str, archive: zipfile.ZipFile, path: Path, base: str, shown: str,
                users: dict[str, str], codes: dict[str, str], owners: dict[str, str], utf16: bool,
                crlf_as_one: bool) -> RawTranscript:
    guid = _guid(source.get("guid"))
    name = source.get("name") or guid
    text = source.findtext(f"{ns}PlainTextContent")
    if text is None:
        text = _source_text(archive, path, base, source.get("plainTextPath") or "", name, shown)
    text, offset = to_text_offsets(text, utf16, crlf_as_one)
    segments = []
    for number, selection in enumerate(source.findall(f"{ns}PlainTextSelection"), 1):
        where = f"source {name!r} selection {number}"
        try:
            start, end = _position(selection.get("startPosition")), _position(selection.get("endPosition"))
        except (AttributeError, ValueError):
            raise InputFileError(f"{where} has no whole-number startPosition/endPosition", file=shown) from None
        if start > end:
            raise InputFileError(f"{where} starts at {start} after its end {end}", file=shown)
        for coding in selection.findall(f"{ns}Coding"):
            coder, code = _coding(coding, ns, where, shown, codes, users, selection.get("creatingUser"))
            segments.append(RawSegment(coder, code, offset(start), offset(end), where, shown))
    # A Coding on the source itself (allowed by the schema) codes the whole text.
    for number, coding in enumerate(source.findall(f"{ns}Coding"), 1):
        where = f"source {name!r} whole-source coding {number}"
        coder, code = _coding(coding, ns, where, shown, codes, users, None)
        segments.append(RawSegment(coder, code, 0, len(text), where, shown))
    return RawTranscript(name, shown, text, segments, owners.get(guid), None, None)
