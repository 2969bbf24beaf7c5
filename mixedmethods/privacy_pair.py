"""A store's chunks searched in a second process while this one reads the next (issue 14).

Why: the store's check reads a chunk of values from SQLite (about half of its time for a million distinct chat
messages) then searches it (the other half), one after the other, while a second core idles. How: a child
forked from this process (so it starts with the :class:`~mixedmethods.privacy_check.LeakFinder` already made:
nothing is built or sent twice) runs :meth:`LeakFinder.search` on chunk *i* while this process reads chunk
*i + 1*. Only the chunk's texts go to the child, and only what it found comes back, as indexes of texts in the
chunk: locations are made here, with the chunk's ``locate``, so the findings and their order are those of the
search in this process (the same function runs). At most :data:`IN_FLIGHT` chunks are sent and not yet
answered: the memory stays that of a few chunks. The child never touches this process's SQLite connection.

Where forking is not possible or would not pay (not Linux, one usable core, fewer than :data:`FORK_AFTER`
chunks: a small table), every chunk is searched here, as before.
"""

from __future__ import annotations

import os
import sys
from collections import deque
from itertools import chain, islice
from typing import Iterable, Iterator

# A stream of fewer chunks than this is searched here: forking (a few milliseconds, and pages copied as the child
# writes) costs more than it saves on one chunk, whose search takes about a tenth of a second. Tests set it to 1.
FORK_AFTER = 2
IN_FLIGHT = 2  # chunks sent to the child and not yet answered: one being searched, one waiting


def searched(finder, chunks: Iterable[tuple], beside: bool = False) -> Iterator[tuple[tuple, tuple]]:
    """``(chunk, finder.search(chunk's texts))`` for each chunk ``(texts, locate, order)`` that has texts, in the
    order of ``chunks``; with ``beside``, searched in a second process where that pays (module docstring).

    An exception in the child (or its death) is raised here when its chunk's result is taken; the child ends
    with the stream, or with an exception, before this returns or raises."""
    chunks = (chunk for chunk in chunks if chunk[0])
    ahead = list(islice(chunks, FORK_AFTER)) if beside and _can_fork() else []
    if len(ahead) < FORK_AFTER:  # not beside, or too few chunks to pay for a process
        for chunk in chain(ahead, chunks):
            yield chunk, finder.search(chunk[0])
        return
    import gc
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    pending: deque = deque()
    # The objects the child inherits are frozen for its garbage collector, which would otherwise write to each and
    # copy every page of this process's memory holding one (gc.freeze's documentation advises it before fork).
    # The executor forks at the first submit, before it starts its own thread.
    gc.freeze()
    try:
        executor = ProcessPoolExecutor(1, multiprocessing.get_context("fork"), initializer=_adopt,
                                       initargs=(finder,))
        first = ahead.pop(0)
        pending.append((first, executor.submit(_search, first[0])))
    finally:
        gc.unfreeze()
    try:
        for chunk in chain(ahead, chunks):  # read here while the child searches
            pending.append((chunk, executor.submit(_search, chunk[0])))
            while len(pending) >= IN_FLIGHT:
                done, future = pending.popleft()
                yield done, future.result()
        while pending:
            done, future = pending.popleft()
            yield done, future.result()
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


def _can_fork() -> bool:
    """Linux (fork is safe and cheap there: macOS and Windows start processes afresh) with a second usable core."""
    return sys.platform.startswith("linux") and len(os.sched_getaffinity(0)) > 1


_FINDER: list = []  # in the child: the finder it was forked with


def _adopt(finder) -> None:
    """The child's start: keep the finder; Ctrl-C is for the parent, which stops the child when it ends."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _FINDER[:] = [finder]


def _search(texts: list[str]) -> tuple:
    return _FINDER[0].search(texts)
