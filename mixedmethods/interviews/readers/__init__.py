"""Readers of coded transcripts, one module per kind of file.

* :mod:`.plain` - .txt transcripts (header lines, inline tags: :mod:`.tags`);
* :mod:`.word` - .docx transcripts: Word comments carry codes, inline tags too;
* :mod:`.segments_table` - a .csv/.xlsx table of coded segments of those transcripts;
* :mod:`.qdpx` - a REFI-QDA project exported by a QDA package.

:func:`read_interview_folder` reads every file of a folder (by extension) and
attaches table segments to their transcripts. Formats: ``docs/interviews.md``.
"""

from __future__ import annotations

from pathlib import Path

from ...errors import InputFileError
from ..model import RawSegment, RawTranscript

TEXT_SUFFIXES = (".txt", ".docx")
TABLE_SUFFIXES = (".csv", ".xlsx")
PROJECT_SUFFIXES = (".qdpx",)


def interview_files(folder: Path) -> list[Path]:
    """The files of ``folder`` that are read as interviews, sorted by name (hidden and lock files skipped)."""
    suffixes = TEXT_SUFFIXES + TABLE_SUFFIXES + PROJECT_SUFFIXES
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in suffixes
                  and not p.name.startswith((".", "~$")))


def read_interview_files(files: list[Path], relative) -> tuple[list[RawTranscript], list[tuple[RawSegment, str]]]:
    """Read transcripts and segment tables; returns the transcripts and table segments that found no transcript.

    ``relative`` turns a path into the name shown in messages. Table segments
    are attached to the transcript whose file name (without extension) or
    REFI-QDA source name equals the table's ``transcript`` column.
    """
    from . import plain, qdpx, segments_table, word

    transcripts: list[RawTranscript] = []
    tables: list[Path] = []
    for path in files:
        suffix = path.suffix.lower()
        shown = relative(path)
        if suffix == ".txt":
            transcripts.append(plain.read(path, shown))
        elif suffix == ".docx":
            transcripts.append(word.read(path, shown))
        elif suffix in PROJECT_SUFFIXES:
            transcripts.extend(qdpx.read(path, shown))
        elif suffix in TABLE_SUFFIXES:
            tables.append(path)
        else:
            raise InputFileError(f"unsupported interview file type {suffix}", file=shown)
    names: dict[str, RawTranscript] = {}
    for transcript in transcripts:
        if transcript.name.casefold() in names:
            raise InputFileError(f"two transcripts are named {transcript.name!r}; rename one file",
                                 file=transcript.file)
        names[transcript.name.casefold()] = transcript
    orphans: list[tuple[RawSegment, str]] = []
    for path in tables:
        for name, segment in segments_table.read(path, relative(path), names):
            target = names.get(name.casefold())
            if target is None:
                orphans.append((segment, name))
            else:
                target.segments.append(segment)
    return transcripts, orphans
