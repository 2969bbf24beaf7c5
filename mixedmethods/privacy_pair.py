"""A store's chunks searched in a second process while this one reads the next (issue 14).

Why: the store's check reads a chunk of values from SQLite (about half of its time for a million distinct chat
messages) then searches it (the other half), one after the other, while a second core idles. How: a child
forked from this process (so it starts with the :class:`~mixedmethods.privacy_check.LeakFinder` already made:
nothing is built or sent twice) runs :meth:`LeakFinder.search` on chunk *i* while this process reads chunk
*i + 1*; one child serves every table of the check. Only the chunk's texts go to the child, and only what it
found comes back, as indexes of texts in the chunk: locations are made here, with the chunk's ``locate``, so
the findings and their order are those of the search in this process (the same function runs). At most
:data:`IN_FLIGHT` chunks are sent and not yet answered: the memory stays that of a few chunks. The child never
touches this process's SQLite connection.

Where forking is not possible or would not pay (not Linux, one usable core, a store of less than
:data:`FORK_AFTER` characters of text: a small study), every chunk is searched here, as before; in a big store,
the chunks read before the child starts too.
"""

from __future__ import annotations

import os
import sys
from collections import deque
from itertools import chain
from typing import Iterable, Iterator

# Characters searched here before the second process starts: forking (a few milliseconds, then pages copied as
# either process writes to memory they share) pays only for a store whose search takes seconds. The small tables
# (and a small study's whole store) stay below it; a million chat messages pass it in their first chunks.
FORK_AFTER = 4_000_000
IN_FLIGHT = 2  # chunks sent to the child and not yet answered: one being searched, one waiting


class Searcher:
    """:meth:`LeakFinder.search` over streams of chunks (a store's tables one after the other): here, or with
    ``beside`` in a second process forked once :data:`FORK_AFTER` characters have been searched here and kept
    for the following streams, until :meth:`close` (use as a context manager).

    An exception in the child (or its death) is raised by :meth:`searched` when its chunk's result is taken;
    :meth:`close` ends the child, waiting for the chunk it is searching."""

    def __init__(self, finder, beside: bool = True) -> None:
        self.finder = finder
        self.beside = beside and _can_fork()
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
        pending: deque = deque()
        for chunk in chunks:  # read here while the child searches the chunk before
            if chunk[0]:
                pending.append((chunk, self._executor.submit(_search, chunk[0])))
            while len(pending) >= IN_FLIGHT:
                done, future = pending.popleft()
                yield done, future.result()
        while pending:
            done, future = pending.popleft()
            yield done, future.result()

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


def _can_fork() -> bool:
    """Linux (fork is safe and cheap there: macOS and Windows start processes afresh) with a second usable core."""
    return sys.platform.startswith("linux") and len(os.sched_getaffinity(0)) > 1


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
