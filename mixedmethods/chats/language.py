"""Language of chat messages: English, French or Spanish, offline.

Uses py3langid (a maintained fork of langid.py; Lui & Baldwin, 2012, "langid.py:
An off-the-shelf language identification tool", ACL System Demonstrations),
whose model ships inside the package, restricted to en, fr and es. Messages
with fewer than 3 letters ("ok", emoji, numbers) are ``und``: no tool can tell
their language. Its accuracy on short messages is measured in
``benchmarks/language_accuracy.py`` and reported in docs/chats.md.

Chats are long (a busy group writes a million messages a year) and py3langid
walks its byte automaton one message at a time in Python, so :func:`identify`
runs the same model on many messages at once: each distinct text is scored
once (chats repeat "Thanks", "Noted", "+1"), and the automaton advances all
texts of a batch by one byte per numpy step; the features found are counted
and scored with the model's naive Bayes table in one sum per text. It is the
same model and the same decision rule as ``LanguageIdentifier.classify``; only
the order in which float32 numbers are added can differ, which could change a
label only for a text whose two best languages tie to the last bit
(tests/test_chat_language.py compares both on the demo chats and on the
benchmark's hand-labelled messages).
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Iterable

from ..char_counts import counts

LANGUAGES = ("en", "fr", "es")
MIN_LETTERS = 3
# Texts scored by one call of classify_many: its arrays take some 25 bytes per byte of text (states, features,
# owners, keys, scores), about 20 MB for 10,000 chat messages against 100 MB for a batch of 50,000, for the same
# time (the walk's numpy steps are per byte of the longest text, a few hundred per call).
SCORED_TOGETHER = 10_000


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE)
    identifier.set_languages(list(LANGUAGES))
    return identifier


@lru_cache(maxsize=1)
def _tables():
    """The identifier's automaton and naive Bayes parameters as numpy arrays (views, not copies, where it can)."""
    import numpy as np

    identifier = _identifier()
    nextmove = np.frombuffer(identifier.tk_nextmove, dtype=np.uint32)
    rowbase = np.asarray(identifier.tk_row, dtype=np.int64) << 8
    output = np.asarray(identifier.tk_output, dtype=np.int32)  # a feature number, or -1
    ptc = np.asarray(identifier.nb_ptc, dtype=np.float32)
    pc = np.asarray(identifier.nb_pc, dtype=np.float32)
    return nextmove, rowbase, output, ptc, pc, list(identifier.nb_classes)


def load_model() -> None:
    """Load the model now rather than at the first :func:`classify_many` (about 0.5 s)."""
    _tables()


def release_model() -> None:
    """Let go of the model (about 80 MB resident); the next call loads it again (about 0.5 s).

    The import calls this after each chat: the next export's parse needs the
    memory more than the half second.
    """
    _tables.cache_clear()
    _identifier.cache_clear()


def _encoded(text: str) -> bytes:
    """The bytes py3langid reads (``LanguageIdentifier._encode``): lower-cased if all upper, NFC, UTF-8."""
    if text.isupper():
        text = text.lower()
    if text.isascii():  # NFC leaves ASCII as it is
        return text.encode("ascii")
    return unicodedata.normalize("NFC", text).encode("utf8", errors="surrogatepass")


def classify_many(texts: list[str]) -> list[str]:
    """py3langid's label (``en``, ``fr`` or ``es``) of each text, all texts scored together.

    The automaton is walked for every text at once: at step ``t`` the
    ``t``-th byte of every text that long moves that text's state. Each
    state that emits a feature adds one to the (text, feature) count, and a
    text's score per language is ``sum(log1p(count) * P(feature | language))
    + P(language)``, as in ``LanguageIdentifier._sparse_score``. A text in
    which the model finds no feature gets the first language, as
    ``classify`` does.
    """
    import numpy as np

    if not texts:
        return []
    nextmove, rowbase, output, ptc, pc, classes = _tables()
    encoded = [_encoded(t) for t in texts]
    lengths = np.fromiter((len(e) for e in encoded), dtype=np.int64, count=len(encoded))
    order = np.argsort(-lengths, kind="stable")  # longest first: the texts still walking are always a prefix
    lengths_sorted = lengths[order]
    flat = np.frombuffer(b"".join(encoded[i] for i in order), dtype=np.uint8)
    del encoded
    starts = np.zeros(len(texts), dtype=np.int64)
    np.cumsum(lengths_sorted[:-1], out=starts[1:])
    # 32-bit states, features and owners (the model has some 10^5 of each): half the memory of a batch's arrays.
    visited = np.empty(len(flat), dtype=np.int32)  # the state after each byte, at that byte's place
    states = np.zeros(len(texts), dtype=np.int32)
    longest = int(lengths_sorted[0]) if len(lengths_sorted) else 0
    walking = len(texts)
    for step in range(longest):
        while walking and lengths_sorted[walking - 1] <= step:
            walking -= 1
        places = starts[:walking] + step
        states[:walking] = nextmove[rowbase[states[:walking]] + flat[places]]
        visited[places] = states[:walking]
    features = output[visited]
    del visited
    owner = np.repeat(np.arange(len(texts), dtype=np.int32), lengths_sorted)
    emitted = features >= 0
    keys = owner[emitted].astype(np.int64) * len(ptc) + features[emitted]
    del features, owner, emitted
    # Each (text, feature) once, with its count. The keys come in order of text already, so a stable sort
    # (timsort: merges runs that are in order) is several times faster than np.unique's quicksort.
    keys.sort(kind="stable")
    firsts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]]) if len(keys) else np.zeros(0, dtype=np.int64)
    counts = np.diff(np.r_[firsts, len(keys)])
    keys = keys[firsts]
    text_of, feature = np.divmod(keys, len(ptc))
    contributions = np.log1p(counts.astype(np.float32))[:, None] * ptc[feature]
    scores = np.zeros((len(texts), len(classes)), dtype=np.float32)
    if len(keys):
        firsts = np.flatnonzero(np.r_[True, text_of[1:] != text_of[:-1]])
        scores[text_of[firsts]] = np.add.reduceat(contributions, firsts, axis=0)
    scores += pc
    best = scores.argmax(axis=1)
    featureless = np.ones(len(texts), dtype=bool)
    featureless[text_of] = False
    best[featureless] = 0  # classify's floor score for every language: argmax takes the first
    in_order = np.empty(len(texts), dtype=np.int64)
    in_order[order] = best  # back from longest first to the order of the texts
    return [classes[index] for index in in_order.tolist()]


def identify(texts: Iterable[str]) -> list[str]:
    """``en``, ``fr``, ``es`` or ``und`` for each text; each distinct text is identified once."""
    texts = list(texts)
    distinct = list(dict.fromkeys(texts))
    wordy = [t for t, n in zip(distinct, counts(distinct, str.isalpha)) if n >= MIN_LETTERS]
    labels: dict[str, str] = {}
    for start in range(0, len(wordy), SCORED_TOGETHER):
        part = wordy[start:start + SCORED_TOGETHER]
        labels.update(zip(part, classify_many(part)))
    return [labels.get(t, "und") for t in texts]


def identify_one_by_one(texts: Iterable[str]) -> list[str]:
    """:func:`identify` with ``LanguageIdentifier.classify`` per text: the reference it must agree with."""
    identifier = _identifier()
    return ["und" if sum(ch.isalpha() for ch in t) < MIN_LETTERS else identifier.classify(t)[0] for t in texts]
