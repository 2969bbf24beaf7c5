"""Header lines at the top of a transcript: ``# participant: ...``, ``# coder: ...``, ``# language: ...``.

The header says whose interview it is (a name, e-mail, phone number,
invitation code or participant id from private/participants.csv), who coded
inline tags without ``@coder``, and the language. Header lines are not part of
the transcript text; offsets count from the first line after them.
"""

from __future__ import annotations

import re

from ...errors import InputFileError

KEYS = {"participant": "participant", "coder": "coder", "codeur": "coder", "language": "language",
        "langue": "language"}
_LINE = re.compile(r"^#\s*([^:]+?)\s*:\s*(.*?)\s*$")


def split_header(text: str, shown: str) -> tuple[dict[str, str], int]:
    """Parse the header; returns its values and the length of text it occupies (incl. blank lines after)."""
    values: dict[str, str] = {}
    position = 0
    line_number = 0
    for line in text.splitlines(keepends=True):
        line_number += 1
        stripped = line.strip()
        if not stripped.startswith("#"):
            break
        match = _LINE.match(stripped)
        key = KEYS.get(match.group(1).casefold()) if match else None
        if key is None:
            raise InputFileError("header lines look like '# participant: ...', '# coder: ...' or "
                                 "'# language: en'", file=shown, line=line_number)
        values[key] = match.group(2)
        position += len(line)
    if values:  # blank lines right after the header belong to it
        rest = text[position:]
        position += len(rest) - len(rest.lstrip("\r\n"))
    return values, position
