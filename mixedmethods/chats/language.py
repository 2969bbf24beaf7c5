"""Language of chat messages: English, French or Spanish, offline.

Uses py3langid (a maintained fork of langid.py; Lui & Baldwin, 2012, "langid.py:
An off-the-shelf language identification tool", ACL System Demonstrations),
whose model ships inside the package, restricted to en, fr and es. Messages
with fewer than 3 letters ("ok", emoji, numbers) are ``und``: no tool can tell
their language. Its accuracy on short messages is measured in
``benchmarks/language_accuracy.py`` and reported in docs/chats.md.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Iterable

LANGUAGES = ("en", "fr", "es")
MIN_LETTERS = 3


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE)
    identifier.set_languages(list(LANGUAGES))
    return identifier


def identify(texts: Iterable[str]) -> list[str]:
    """``en``, ``fr``, ``es`` or ``und`` for each text."""
    identifier = _identifier()
    out = []
    for text in texts:
        if sum(ch.isalpha() for ch in text) < MIN_LETTERS:
            out.append("und")
        else:
            out.append(identifier.classify(text)[0])
    return out
