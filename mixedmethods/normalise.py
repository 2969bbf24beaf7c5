"""One way to compare texts typed by people: names, labels, headers."""

from __future__ import annotations

import unicodedata


def text_key(text: str) -> str:
    """Unicode NFKC, case-folded, runs of white space made one space.

    >>> text_key("  Ana   PÉREZ ") == text_key("ana pérez")
    True
    """
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())
