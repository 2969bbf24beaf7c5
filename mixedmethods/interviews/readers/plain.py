"""Plain-text transcripts (.txt, UTF-8 or Windows-1252): header lines, then text with optional inline tags."""

from __future__ import annotations

from pathlib import Path

from ...survey.readers.tabular import decode
from ...sources import register
from ..model import RawTranscript
from . import TRANSCRIPTS
from .header import split_header
from .tags import strip_tags


def build_transcript(text: str, path: Path, shown: str) -> RawTranscript:
    """Header, tags and text of a transcript whose raw text is ``text`` (shared by .txt and .docx)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    meta, offset = split_header(text, shown)
    body = text[offset:]
    coder = meta.get("coder") or "coder"
    clean, segments, _ = strip_tags(body, shown, coder, first_line=text.count("\n", 0, offset) + 1)
    # A transcript with no text (a placeholder, an interview not yet typed) is read as empty; the import
    # records it in the rejects instead of stopping every other file.
    return RawTranscript(path.stem, shown, clean, segments, meta.get("participant"), meta.get("language"),
                         meta.get("coder"))


def detect(path: Path) -> bool:
    return path.suffix.lower() == ".txt"


@register("interviews", "plain", detect=detect, suffixes=(".txt",), stores=TRANSCRIPTS,
          recognised_by="the `.txt` suffix",
          description=("UTF-8 or Windows-1252 text: header lines (`# participant: ...`), coded by inline tags "
                       "`[[code]]text[[/code]]`"))
def read(path: Path, shown: str) -> list[RawTranscript]:
    text, _ = decode(path.read_bytes(), shown)
    return [build_transcript(text, path, shown)]
