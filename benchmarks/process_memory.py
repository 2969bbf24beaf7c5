"""Peak memory of a process and all its descendants together, sampled while it runs (Linux).

``os.wait4``'s ``ru_maxrss`` is the peak of the largest single process: a
command that forks a worker (the import prepares chat texts in a second
process; the build renders chapters in several) can use more than that at
once. :class:`TreeMemory` samples every ``interval`` seconds the summed
proportional set size (PSS, ``/proc/<pid>/smaps_rollup``) of the process and
its descendants: pages shared by several of them (the forked worker's
inherited heap) are counted once in all, split between them, so the sum is the
memory the command holds. Sampling can miss a peak shorter than the interval.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

PROC = Path("/proc")


def descendants(root: int) -> list[int]:
    """``root`` and every process below it, from each process's parent in ``/proc/<pid>/stat``."""
    children: dict[int, list[int]] = {}
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue  # ended meanwhile
            children.setdefault(parent, []).append(int(entry.name))
    found, pending = [], [root]
    while pending:
        pid = pending.pop()
        found.append(pid)
        pending.extend(children.get(pid, []))
    return found


def pss_kib(pid: int) -> int:
    """The process's proportional set size in KiB (0 if it has ended)."""
    try:
        with open(PROC / str(pid) / "smaps_rollup") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


class TreeMemory:
    """Samples the summed PSS of ``pid``'s process tree in a thread until :meth:`stop`; ``peak_mb`` is the
    largest sum seen (NaN where ``/proc/<pid>/smaps_rollup`` does not exist: not Linux, or before 4.14)."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        self.pid, self.interval = pid, interval
        self.peak_kib = 0
        self.supported = (PROC / str(os.getpid()) / "smaps_rollup").exists()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        if self.supported:
            self._thread.start()

    def _sample(self) -> None:
        while not self._done.is_set():
            self.peak_kib = max(self.peak_kib, sum(map(pss_kib, descendants(self.pid))))
            self._done.wait(self.interval)

    def stop(self) -> float:
        """Stop sampling (once the process has ended) and return the peak in MB."""
        self._done.set()
        if self.supported:
            self._thread.join()
        return self.peak_mb

    @property
    def peak_mb(self) -> float:
        return self.peak_kib / 1024 if self.supported else float("nan")
