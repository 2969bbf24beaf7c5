"""What the parser needs to know of every row's body, read with numpy from the bodies joined a slice at a time
(one code per character) instead of a Python step per body: the line breaks each holds, whether it may be of a
special kind (its first and last three characters), and which rows hold a given character (the iOS system mark).
For :mod:`.parser`; each answer is the one of the Python rule it replaces (:func:`.kinds.kind_candidates`,
``"\\n" in body``)."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

from . import patterns
from .kinds import kind_candidates

if TYPE_CHECKING:
    import numpy as np

_BITS = 21  # a character code; three fit in an int64
_SLICE = 100_000  # bodies joined at a time: the joined copy and its codes stay a few MB


class BodyFacts(NamedTuple):
    breaks: "np.ndarray"  # line breaks in each body
    several: list[int]  # the bodies that hold one
    maybe: "np.ndarray | None"  # whether each body may be of a special kind (see kind_candidate_rows); None
    # when a body held a NUL or a marker is empty
    marked: dict[int, list[int]]  # character code -> rows holding it (for the codes asked)


def _codes(joined: str) -> "np.ndarray":
    """One code per character of ``joined`` (uint8 for Latin-1 text, else uint32)."""
    import numpy as np

    if joined.isascii():
        return np.frombuffer(joined.encode("ascii"), dtype=np.uint8)
    try:
        return np.frombuffer(joined.encode("latin-1"), dtype=np.uint8)
    except UnicodeEncodeError:
        return np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def body_facts(bodies: list[str], marks: tuple[str, ...] = ()) -> BodyFacts:
    """The facts of :class:`BodyFacts` for ``bodies``; ``marks``: characters whose rows are wanted."""
    import numpy as np

    count = len(bodies)
    breaks = np.zeros(count, dtype=np.int64)
    keys = _marker_keys()
    maybe = None if keys is None else np.zeros(count, dtype=bool)
    found: dict[int, list["np.ndarray"]] = {ord(m): [] for m in marks}
    for start in range(0, count, _SLICE):
        stop = min(start + _SLICE, count)
        # Joined with NULs, which a parsed text never holds (control characters were replaced): where each
        # body ends, without a len() per body.
        joined = "\0".join(bodies[start:stop])
        codes = _codes(joined)
        del joined
        ends = np.flatnonzero(codes == 0)
        if len(ends) != stop - start - 1:  # a NUL in a body (never expected): this slice the Python way
            maybe = None
            for i in range(start, stop):
                breaks[i] = bodies[i].count("\n")
            for code, rows in found.items():
                rows.append(np.array([i for i in range(start, stop) if chr(code) in bodies[i]], dtype=np.int64))
            continue
        ends = np.append(ends, len(codes))  # one past each body's last character
        starts = np.concatenate(([0], ends[:-1] + 1))
        for code, rows in [(10, None)] + list(found.items()):
            at = np.flatnonzero(codes == code)
            if not len(at):
                continue
            row = np.searchsorted(ends, at)
            if rows is None:
                breaks[start:stop] = np.bincount(row, minlength=stop - start)
            else:
                rows.append(np.unique(row) + start)
        if maybe is not None:
            maybe[start:stop] = _maybe_special(codes, starts, ends, keys)
    several = np.flatnonzero(breaks).tolist()
    marked = {code: np.concatenate(rows).tolist() if rows else [] for code, rows in found.items()}
    return BodyFacts(breaks, several, maybe, marked)


def _maybe_special(codes: "np.ndarray", starts: "np.ndarray", ends: "np.ndarray",
                   keys: tuple[frozenset, frozenset, list[int]]) -> "np.ndarray":
    """Whether each body (``codes[starts:ends]``) is shorter than three characters, ends with a space, or
    starts or ends with the first or last 1, 2 or 3 characters of a marker (``keys``: :func:`_marker_keys`)."""
    import numpy as np

    heads_wanted, tails_wanted, spaces = keys
    maybe = ends - starts < 3
    if not len(codes):
        return maybe
    size = len(codes) - 1
    heads, tails = _key(codes, starts, size, 1), _key(codes, ends - 1, size, -1)
    for width in (1, 2, 3):
        shift = _BITS * (3 - width)
        for values, wanted in ((heads, heads_wanted), (tails, tails_wanted)):
            chosen = [key for length, key in wanted if length == width]
            if chosen:
                maybe |= np.isin(values >> shift, chosen)
    return maybe | np.isin(tails >> (2 * _BITS), spaces)


def _key(codes: "np.ndarray", at: "np.ndarray", size: int, step: int) -> "np.ndarray":
    """The codes at ``at``, ``at + step`` and ``at + 2 * step`` as one number (21 bits each; positions outside
    the joined codes read as 0: the caller looks at bodies shorter than three characters itself)."""
    import numpy as np

    key = np.zeros(len(at), dtype=np.int64)
    for k in range(3):
        where = np.clip(at + k * step, 0, max(size, 0))
        key = (key << _BITS) | codes[where].astype(np.int64)
    return key


def _text_key(text: str) -> int:
    key = 0
    for char in text[:3]:
        key = (key << _BITS) | ord(char)
    return key


@lru_cache(maxsize=1)
def _marker_keys() -> tuple[frozenset, frozenset, list[int]] | None:
    """The start markers and deleted texts by their first 1, 2 or 3 characters, the end markers by their last
    (as keys of :func:`_key`), and the codes of whitespace characters (none is above U+3000); None when a
    marker is empty."""
    if not patterns._MARKERS:
        patterns._load_markers()
    starts = tuple(patterns._STARTS) + tuple(patterns._DELETED_AS_WRITTEN)
    ends = tuple(patterns._ENDS)
    if not all(starts + ends):
        return None
    heads = frozenset((len(m[:3]), _text_key(m[:3])) for m in starts)
    tails = frozenset((len(m[-3:]), _text_key(m[-3:][::-1])) for m in ends)
    return heads, tails, [c for c in range(0x3001) if chr(c).isspace()]


def kind_candidate_rows(texts: list[str], facts: BodyFacts, exact: list[int]) -> list[int]:
    """The rows of :func:`.kinds.kind_candidates` (``texts``: the rows' texts, each its body but in the rows
    ``exact``, whose texts were cut from their bodies and are looked at in Python): the bodies whose first or
    last three characters are those of a marker, that end with a space or that are shorter than three
    characters are tried by the Python rule; no other text can start or end like a marker."""
    import numpy as np

    if facts.maybe is None:
        return kind_candidates(texts)
    maybe = facts.maybe.copy()
    maybe[exact] = True
    rows = np.flatnonzero(maybe).tolist()
    return [rows[k] for k in kind_candidates([texts[i] for i in rows])]
