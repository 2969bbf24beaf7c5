"""A store's chunks searched in a second process while this one reads the next (issue 14).

Why: the store's check reads a chunk of values from SQLite (about half of its time for a million distinct chat
messages) then searches it (the other half), one after the other, while a second core idles. How: a child
forked from this process (so it starts with the :class:`~mixedmethods.privacy_check.LeakFinder` already made:
nothing is built or sent twice) runs :meth:`LeakFinder.search` on chunk *i* while this process reads chunk
*i + 1*; when the child already has :data:`IN_FLIGHT` chunks to search, this process searches the chunk it read
rather than wait. One child serves every table of the check. Only the chunk's texts go to the child, and only
what it found comes back, as indexes of texts in the chunk: locations are made here, with the chunk's
``locate``, so the findings and their order are those of the search in this process (the same function runs,
and the chunks' hits are handed on in the chunks' order). At most a few chunks are read and not yet handed on
(:data:`_KEPT`): the memory stays that of a few chunks. The child never touches this process's SQLite
connection.

Where forking is not possible or would not pay (not Linux, one usable core, a store of less than
:data:`FORK_AFTER` characters of text: a small study), every chunk is searched here, as before; in a big store,
the chunks read before the child starts too.
"""

from __future__ import annotations

import os
from collections import deque
from itertools import chain
from typing import Iterable, Iterator

from .report.workers import can_fork_beside

# Characters searched here before the second process starts: forking (a few milliseconds, then pages copied as
# either process writes to memory they share) pays only for a store whose search takes seconds. The small tables
# (and a small study's whole store: the demo's holds 150,000 characters) stay below it; a million chat messages
# pass it in their first chunk.
FORK_AFTER = 2_000_000
# Chunks the child may have to search (sent and not answered) before this process searches the next one itself
# rather than wait: once a million messages' first columns are read, the child's search is the longer half of the
# check. The check of a million distinct messages on 2 cores (26 November 2026): three, 3.5-3.6 s (3 runs); two,
# 3.6-3.7 s (3 runs); four, 3.7-3.8 s (2 runs); each chunk to the child, never searched here, 3.9 s (3 runs).
IN_FLIGHT = 3
_KEPT = 5  # chunks read and not yet handed on (searched or not): the check's memory stays that of a few chunks


class Searcher:
    """:meth:`LeakFinder.search` over streams of chunks (a store's tables one after the other): here, or with
    ``beside`` in a second process forked once :data:`FORK_AFTER` characters have been searched here and kept
    for the following streams, until :meth:`close` (use as a context manager).

    An exception in the child (or its death) is raised by :meth:`searched` when its chunk's result is taken;
    :meth:`close` ends the child, waiting for the chunk it is searching."""

    def __init__(self, finder, beside: bool = True) -> None:
        self.finder = finder
        self.beside = beside and can_fork_beside()
        self.searched_here = 0  # characters
        self._executor = None

    def searched(self, chunks: Iterable[tuple]) -> Iterator[tuple[tuple, tuple]]:
        """``(chunk, finder.search(chunk's texts))`` for each chunk ``(texts, locate, order)`` that has texts, in
        the order of ``chunks``."""
        chunks = iter(chunks)
        if self._executor is None:
            for chunk in chunks:
                if not chunk[0]:
                    continue
                if self.beside and self.searched_here >= FORK_AFTER:
                    self._start()
                    chunks = chain([chunk], chunks)
                    break
                self.searched_here += sum(map(len, chunk[0]))
                yield chunk, self.finder.search(chunk[0])
            else:
                return
        # Each chunk read here goes to the child, unless the child has IN_FLIGHT chunks to search already: then
        # this process searches it rather than wait. The hits come out in the order of the chunks.
        pending: deque = deque()  # (chunk, the child's future or None, or the hits found here)
        for chunk in chunks:
            if not chunk[0]:
                continue
            if sum(future is not None and not future.done() for _, future, _ in pending) < IN_FLIGHT:
                pending.append((chunk, self._executor.submit(_search, chunk[0]), None))
            else:
                pending.append((chunk, None, self.finder.search(chunk[0])))
            while pending and (len(pending) > _KEPT or pending[0][1] is None or pending[0][1].done()):
                yield _taken(pending.popleft())
        while pending:
            yield _taken(pending.popleft())

    def _start(self) -> None:
        import gc
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # The objects the child inherits are frozen for its garbage collector, which would otherwise write to each
        # and copy every page of this process's memory holding one (gc.freeze's documentation advises it before
        # fork). The executor forks at its first task (before it starts its own thread): an empty chunk.
        _PARENT[0] = os.getpid()
        gc.freeze()
        try:
            self._executor = ProcessPoolExecutor(1, multiprocessing.get_context("fork"), initializer=_adopt,
                                                 initargs=(self.finder,))
            self._executor.submit(_search, []).result()
        finally:
            gc.unfreeze()

    def close(self) -> None:
        if self._executor is not None:
            executor, self._executor = self._executor, None
            executor.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> "Searcher":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _taken(entry: tuple) -> tuple:
    chunk, future, hits = entry
    return chunk, hits if future is None else future.result()


_FINDER: list = []  # in the child: the finder it was forked with


def _adopt(finder) -> None:
    """The child's start: keep the finder; end with the parent. Ctrl-C ends the child at once (the parent reports
    it), and so does the end of the parent however it comes (killed, or a build's step ended by the build):
    an idle child would otherwise wait for chunks for ever."""
    import ctypes
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL))
    except (OSError, AttributeError):  # no prctl: the parent's close() still ends the child
        pass
    if os.getppid() != _PARENT[0]:  # the parent ended before prctl took effect
        os._exit(1)
    _FINDER[:] = [finder]


_PR_SET_PDEATHSIG = 1  # linux/prctl.h: the signal the child gets when the thread that forked it ends
_PARENT: list[int] = [0]


def _search(texts: list[str]) -> tuple:
    """In the child: the hits of one chunk (:meth:`LeakFinder.search`)."""
    return _FINDER[0].search(texts)
