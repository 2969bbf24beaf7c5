"""Inline code tags: ``[[code]]coded text[[/code]]``, optionally ``[[code @coder]] ... [[/code @coder]]``.

``code`` is a code id or label from the codebook. Tags of different codes may
overlap or nest; a tag must be closed by the same code (and coder, if given)
and the same code of the same coder cannot be opened twice. Tags are removed
from the transcript text; offsets are those of the text without tags.

Example::

    Interviewer: How fast does the group work?
    Ana: [[speed.reaction]]We had comments out by noon.[[/speed.reaction]]
"""

from __future__ import annotations

import re

from ...errors import InputFileError
from ...privacy import OffsetMap
from ..model import RawSegment

_TAG = re.compile(r"\[\[(?P<close>/)?\s*(?P<code>[^\]@\[]+?)\s*(?:@\s*(?P<coder>[^\]\[]+?)\s*)?\]\]")


def strip_tags(text: str, shown: str, default_coder: str, first_line: int = 1
               ) -> tuple[str, list[RawSegment], OffsetMap]:
    """Remove tags; returns the clean text, the tagged segments and the raw-to-clean offset map."""
    pieces: list[str] = []
    segments: list[RawSegment] = []
    open_tags: dict[tuple[str, str], tuple[int, int]] = {}  # (code, coder) -> (clean start, line)
    position = clean = 0
    spans = []
    for match in _TAG.finditer(text):
        piece = text[position:match.start()]
        pieces.append(piece)
        clean += len(piece)
        position = match.end()
        spans.append((match.start(), match.end(), ""))
        line = first_line + text.count("\n", 0, match.start())
        code = match["code"].strip()
        coder = (match["coder"] or default_coder).strip()
        key = (code.casefold(), coder.casefold())
        if match["close"]:
            if key not in open_tags:
                raise InputFileError(f"closing tag [[/{code}]] has no opening tag for coder {coder!r}", file=shown,
                                     line=line)
            start, opened = open_tags.pop(key)
            segments.append(RawSegment(coder, code, start, clean, f"line {opened}", shown))
        else:
            if key in open_tags:
                raise InputFileError(f"tag [[{code}]] opened again before it was closed (opened on line "
                                     f"{open_tags[key][1]})", file=shown, line=line)
            open_tags[key] = (clean, line)
    pieces.append(text[position:])
    if open_tags:
        (code, coder), (_, line) = next(iter(open_tags.items()))
        raise InputFileError(f"tag [[{code}]] is never closed", file=shown, line=line)
    for marker in ("[[", "]]"):
        leftover = "".join(pieces).find(marker)
        if leftover >= 0:
            clean_text = "".join(pieces)
            raise InputFileError(f"malformed tag near {clean_text[max(0, leftover - 10):leftover + 20]!r}; tags look "
                                 "like [[code]] ... [[/code]]", file=shown)
    return "".join(pieces), sorted(segments, key=lambda s: (s.start, s.end)), OffsetMap(spans)
