"""What transcript readers return: text and coded segments as found in the files, before checks."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class RawSegment:
    """A coded stretch of a transcript: ``text[start:end]`` (characters, end exclusive)."""

    coder: str
    code: str  # as written by the coder: a code id or a label in any language
    start: int
    end: int
    where: str  # for messages: "comment 3", "line 12", "row 5"
    file: str = ""


@dataclass
class RawTranscript:
    """One transcript: its plain text (header lines and tags removed) and its segments."""

    name: str
    file: str
    text: str
    segments: list[RawSegment] = field(default_factory=list)
    participant: str | None = None  # name, e-mail, phone, invitation code or participant id
    language: str | None = None
    coder: str | None = None  # default coder for tags without @coder
    notes: list[tuple[str, str]] = field(default_factory=list)  # (where, why): stored, but worth a look
