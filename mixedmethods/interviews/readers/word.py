"""Word transcripts (.docx): the text of the paragraphs; codes from Word comments and inline tags.

A comment's text is the code (id or label, in any language); its author is
the coder; the commented range is the coded segment. Paragraphs become lines
of the transcript text (``\\n`` between them); header lines and inline tags
work as in .txt files (:mod:`.plain`). The file is read as XML straight from
the archive (ECMA-376 WordprocessingML: ``w:commentRangeStart``,
``w:commentRangeEnd``, ``word/comments.xml``), never modified.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

from ...errors import InputFileError
from ...safeinput import open_zip, read_member, xml_root
from ...sources import register
from ..model import RawSegment, RawTranscript
from . import TRANSCRIPTS
from .header import split_header
from .plain import build_transcript

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _comments(archive: zipfile.ZipFile, shown: str) -> dict[str, tuple[str, str]]:
    """Comment id -> (author, text)."""
    if "word/comments.xml" not in archive.namelist():
        return {}
    root = xml_root(read_member(archive, "word/comments.xml", shown))
    found = {}
    for comment in root.iter(f"{W}comment"):
        text = " ".join("".join(t.text or "" for t in p.iter(f"{W}t")) for p in comment.iter(f"{W}p")).strip()
        found[comment.get(f"{W}id")] = (comment.get(f"{W}author") or "coder", text)
    return found


def extract(path: Path, shown: str) -> tuple[str, dict[str, tuple[int | None, int | None]], dict[str, tuple[str, str]]]:
    """Plain text of the body, comment ranges in it (id -> (start, end)), and the comments."""
    try:
        with open_zip(path, shown, "cannot read as a Word .docx file") as archive:
            body = xml_root(read_member(archive, "word/document.xml", shown))
            comments = _comments(archive, shown)
    except (KeyError, ET.ParseError) as exc:
        raise InputFileError(f"cannot read as a Word .docx file ({type(exc).__name__}); is it complete?",
                             file=shown) from None
    pieces: list[str] = []
    length = 0
    ranges: dict[str, list[int | None]] = {}
    paragraphs = list(body.iter(f"{W}p"))
    for index, paragraph in enumerate(paragraphs):
        for node in paragraph.iter():
            tag = node.tag
            text = None
            if tag == f"{W}t":
                text = node.text or ""
            elif tag == f"{W}tab":
                text = "\t"
            elif tag in (f"{W}br", f"{W}cr"):
                text = "\n"
            elif tag == f"{W}commentRangeStart":
                ranges.setdefault(node.get(f"{W}id"), [None, None])[0] = length
            elif tag == f"{W}commentRangeEnd":
                ranges.setdefault(node.get(f"{W}id"), [None, None])[1] = length
            if text:
                pieces.append(text)
                length += len(text)
        if index < len(paragraphs) - 1:
            pieces.append("\n")
            length += 1
    return "".join(pieces), {k: (v[0], v[1]) for k, v in ranges.items()}, comments


def detect(path: Path) -> bool:
    return path.suffix.lower() == ".docx"


@register("interviews", "word", detect=detect, suffixes=(".docx",), stores=TRANSCRIPTS,
          recognised_by="the `.docx` suffix",
          description=("Word transcripts: a comment's text is the code and its author the coder; header lines and "
                       "inline tags as in `.txt`"))
def read(path: Path, shown: str) -> list[RawTranscript]:
    return [read_transcript(path, shown)]


def _comment_order(item: tuple[str | None, tuple[str, str]]) -> tuple[int, str]:
    """Word numbers comments 0, 1, 2...; other tools write ids such as ``c0``: those follow, by their text."""
    ident = item[0] or ""
    return (int(ident), "") if ident.isascii() and ident.isdigit() else (1 << 62, ident)


def read_transcript(path: Path, shown: str) -> RawTranscript:
    """One .docx transcript with the segments of its comments and inline tags."""
    raw, ranges, comments = extract(path, shown)
    transcript = build_transcript(raw, path, shown)
    if not comments:
        return transcript
    # Comment positions are in the raw text: undo the header, then the removed tags.
    _, offset = split_header(raw.replace("\r\n", "\n"), shown)
    from .tags import strip_tags

    _, _, tag_map = strip_tags(raw[offset:], shown, "coder")
    for number, (comment_id, (author, code)) in enumerate(sorted(comments.items(), key=_comment_order), 1):
        start, end = ranges.get(comment_id, (None, None))
        where = f"comment {number}"
        if start is None or end is None:
            raise InputFileError(f"{where} ({code!r}) is not attached to any text", file=shown)
        if start < offset:
            raise InputFileError(f"{where} ({code!r}) is on a header line", file=shown)
        transcript.segments.append(RawSegment(author, code, tag_map.start(start - offset), tag_map.end(end - offset),
                                              where, shown))
    transcript.segments.sort(key=lambda s: (s.start, s.end))
    return transcript
