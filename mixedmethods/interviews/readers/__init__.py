"""Readers of coded transcripts, one module per kind of file.

* :mod:`.plain` - .txt transcripts (header lines, inline tags: :mod:`.tags`);
* :mod:`.word` - .docx transcripts: Word comments carry codes, inline tags too;
* :mod:`.segments_table` - a .csv/.xlsx table of coded segments of those transcripts;
* :mod:`.qdpx` - a REFI-QDA project exported by a QDA package.

Each reader module registers its ``read`` with
:func:`mixedmethods.sources.register` (source ``"interviews"``), with
``detect(path) -> bool`` and ``stores`` = :data:`TRANSCRIPTS` (``read(path,
shown) -> list[RawTranscript]``) or :data:`SEGMENTS` (``read(path, shown,
transcripts)`` yields ``(transcript name, segment)``). Every module of this
package is imported when the readers are first needed, so a new kind of
transcript file is one new module here plus its tests.

:func:`read_interview_files` reads every file of a folder and attaches table
segments to their transcripts. Formats: ``docs/interviews.md``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from ...errors import InputFileError
from ..model import RawSegment, RawTranscript

TRANSCRIPTS = "transcripts and their coded segments"
SEGMENTS = "coded segments of transcripts in other files"


def interview_files(folder: Path) -> list[Path]:
    """The files of ``folder`` that some registered reader reads, sorted by name (hidden and lock files skipped)."""
    from ... import sources

    suffixes = sources.suffixes("interviews")
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in suffixes
                  and not p.name.startswith((".", "~$")))


def read_interview_files(files: list[Path], relative) -> tuple[list[RawTranscript], list[tuple[RawSegment, str]]]:
    """Read transcripts and segment tables; returns the transcripts and table segments that found no transcript.

    ``relative`` turns a path into the name shown in messages. Table segments
    are attached to the transcript whose file name (without extension) or
    REFI-QDA source name equals the table's ``transcript`` column.
    """
    from ... import sources

    transcripts: list[RawTranscript] = []
    tables: list[tuple[Path, Callable]] = []
    for path in files:
        shown = relative(path)
        kind = sources.detect_path("interviews", path)
        if kind is None:
            raise InputFileError(f"unsupported interview file type {path.suffix or '(none)'}; expected "
                                 f"{', '.join(sources.suffixes('interviews'))}", file=shown)
        if kind.stores == SEGMENTS:
            tables.append((path, kind.read))
        else:
            transcripts.extend(_without_controls(t) for t in kind.read(path, shown))
    names: dict[str, RawTranscript] = {}
    for transcript in transcripts:
        if transcript.name.casefold() in names:
            raise InputFileError(f"two transcripts are named {transcript.name!r}; rename one file",
                                 file=transcript.file)
        names[transcript.name.casefold()] = transcript
    orphans: list[tuple[RawSegment, str]] = []
    for path, read in tables:
        for name, segment in read(path, relative(path), names):
            target = names.get(name.casefold())
            if target is None:
                orphans.append((segment, name))
            else:
                target.segments.append(segment)
    return transcripts, orphans


def _without_controls(transcript: RawTranscript) -> RawTranscript:
    """Characters XML cannot hold (U+000B, Word's soft line break; NUL...) replaced one for one, so segment offsets
    stay valid and the report can quote the text; a note names what was replaced."""
    from ...safeinput import CONTROL, describe_controls, replace_controls

    found = CONTROL.search(transcript.text)
    if found is not None:
        which = describe_controls(transcript.text)
        line = transcript.text.count("\n", 0, found.start()) + 1
        transcript.text, count = replace_controls(transcript.text)
        transcript.notes.append((f"text line {line}", f"{count} control character(s) ({which}) in the text: U+000B and "
                                 "U+000C made line breaks, others U+FFFD (a report cannot hold them)"))
    transcript.name = replace_controls(transcript.name, line_breaks=False)[0]
    for segment in transcript.segments:
        segment.code = replace_controls(segment.code, line_breaks=False)[0]
        segment.coder = replace_controls(segment.coder, line_breaks=False)[0]
    return transcript
