"""Which messages may be of a special kind (media, deleted, edited, poll, location), told apart from plain text
without a call per message: the same rows as :func:`.patterns.kind_candidates`, faster for large exports."""

from __future__ import annotations

from functools import lru_cache

from . import patterns


@lru_cache(maxsize=1)
def _first_and_last() -> tuple[frozenset[str], frozenset[str]] | None:
    """The first characters of the start markers and deleted texts, and the last characters of the end markers;
    None if a marker is empty (every text would then start or end like one)."""
    if not patterns._MARKERS:
        patterns._load_markers()
    starts, ends, deleted = patterns._STARTS, patterns._ENDS, patterns._DELETED_AS_WRITTEN
    if "" in starts or "" in ends:
        return None
    # A deleted text "" (none is) would give "" here, which an empty text's t[:1] then finds.
    return frozenset(s[:1] for s in starts) | frozenset(d[:1] for d in deleted), frozenset(e[-1:] for e in ends)


def kind_candidates(texts: list[str]) -> list[int]:
    """The positions of the texts :func:`.patterns.message_kind` may call other than ``text`` (see
    :func:`.patterns.kind_candidates`, which gives the same positions). A text's first character is looked up
    in a set before the start markers and deleted texts are tried, and its last before the end markers: most
    texts are decided by two set lookups (a third faster than trying every marker on every text)."""
    first_and_last = _first_and_last()
    if first_and_last is None:
        return patterns.kind_candidates(texts)
    first, last = first_and_last
    starts, ends, deleted = patterns._STARTS, patterns._ENDS, patterns._DELETED_AS_WRITTEN
    return [i for i, t in enumerate(texts)
            if (t[:1] in first and (t.startswith(starts) or t in deleted))
            or ((end := t[-1:]) in last and t.endswith(ends)) or end.isspace()]
