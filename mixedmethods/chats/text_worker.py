"""Message texts made ready for the store (redacted, words counted, language identified), beside the import.

A long chat's import spends most of its time on two things that do not
depend on each other for different batches: making each new text ready
(:func:`prepare`: redaction with :meth:`~mixedmethods.privacy.Redactor.redacted_many`,
word count, :func:`~.language.identify`) and inserting rows into SQLite.
On a computer with a second core, :class:`TextWorker` prepares batch *i + 1*
in a second process while the import inserts batch *i*. The process is
forked once, at the import's start, while the import holds little memory;
it inherits the redactor (with its compiled matcher of participants.csv)
and loads the language model once for all chats.

The stored rows do not depend on where a text was prepared: :func:`prepare`
is a function of the text and the participants list alone, and the kinds of
redaction it returns are counted by the import for every message that holds
the text (tests/test_chat_import.py compares the stored rows and counts with
a one-message-at-a-time import).
"""

from __future__ import annotations

import gc
from typing import Callable

from ..report.workers import can_fork_beside
from .language import identify, load_model

# A prepared text: (redacted text, kind of each redaction or None when none, number of words, language).
Prepared = tuple[str, "list[str] | None", int, str]

_REDACTOR = None  # the worker process's redactor (set by _start, inherited from the importing process)


def prepare(redactor, texts: list[str]) -> list[Prepared]:
    """Each text redacted, with the kinds of its redactions (None for none), its number of words
    (whitespace-separated, after redaction) and its language. Mentions are already replaced
    (:meth:`.linkage.AuthorLinker.with_mentions_many`)."""
    redacted = redactor.redacted_many(texts)
    cleans = [clean for clean, _ in redacted]
    return [(clean, kinds or None, len(clean.split()), language)
            for (clean, kinds), language in zip(redacted, identify(cleans))]


def _start(redactor) -> None:
    """The worker process's start: the objects inherited from the importing process are set aside from garbage
    collection (:func:`gc.freeze`), which would otherwise walk them all again and again, and the language model
    is loaded (about 0.5 s) while the import reads the first export."""
    global _REDACTOR
    _REDACTOR = redactor
    gc.freeze()
    load_model()


def _prepare_beside(texts: list[str]) -> list[Prepared]:
    """:func:`prepare` in the worker process, without automatic garbage collection while it runs: a batch makes
    some hundred thousand lists and tuples, none in a reference cycle (a third of its time went to collections)."""
    gc.disable()
    try:
        return prepare(_REDACTOR, texts)
    finally:
        gc.enable()


class TextWorker:
    """:func:`prepare` for an import, in a process of its own when the computer has a second core.

    ``redactor``: the :class:`~mixedmethods.privacy.Redactor` of the study's participants and chats' country
    code (each chat's :class:`~.linkage.AuthorLinker` has an equal one; only its counts differ). With
    ``beside``, on Linux with more than one usable core, a second process is forked now; elsewhere (macOS and
    Windows start processes afresh, which would compile the matcher again) texts are prepared here.

    :meth:`submit` returns a function that gives the prepared texts when called (waiting for them if they are
    being prepared). Use as a context manager: the process ends with it.
    """

    def __init__(self, redactor, beside: bool = False) -> None:
        self.redactor = redactor
        self._pool = None
        if beside and can_fork_beside():
            import multiprocessing

            self._pool = multiprocessing.get_context("fork").Pool(1, initializer=_start, initargs=(redactor,))

    def submit(self, texts: list[str]) -> Callable[[], list[Prepared]]:
        if self._pool is None or not texts:
            prepared = prepare(self.redactor, texts)
            return lambda: prepared
        return self._pool.apply_async(_prepare_beside, (texts,)).get

    def __enter__(self) -> "TextWorker":
        return self

    def __exit__(self, kind, value, traceback) -> None:
        if self._pool is not None:
            if kind is None:
                self._pool.close()
            else:
                self._pool.terminate()
            self._pool.join()
            self._pool = None
