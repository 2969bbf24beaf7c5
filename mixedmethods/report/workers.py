"""Run a build's independent steps side by side, each in a forked copy of the build's process.

Why (issue 14): a build is CPU-bound Python (pandas, matplotlib, python-docx), which one process runs on
one core; the machines researchers use have several. The steps that do not depend on each other run at
the same time: the three sources' analyses; then each language's documents and the workbooks and
exports; and the check of the store for identities, from the start of the build.

How: each step runs in a child made by ``os.fork``, which starts with a copy of the build's memory (the
study, the analyses' results), so nothing has to be sent to it; the child sends back only the step's
return value (or its exception), pickled through a pipe, and leaves with ``os._exit`` so that none of the
parent's clean-up runs twice. At most ``jobs`` children run at once. Where there is no ``fork`` (Windows)
or with one job, every step runs in the build's own process, one after the other, as before: the files
written are the same bytes either way (``tests/test_workers.py`` builds both ways and compares them).

What a step prints in its child is sent back with its outcome and printed by the parent when the step's
result is taken, so that notices come in the order of the steps, never interleaved with the progress bar.
Steps must not write the same file as another step.
"""

from __future__ import annotations

import gc
import io
import os
import pickle
import signal
import sys
import traceback
from typing import Any, Callable

MAX_JOBS = 4  # beyond four, the steps of one build do not keep more processes busy


def usable_cores() -> int:
    """The number of cores this process may run on (its CPU affinity where the system tells it)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


JOBS_VARIABLE = "MIXEDMETHODS_JOBS"  # the default number of processes of a build, for a shared machine or a CI


def default_jobs() -> int:
    """How many steps a build runs at once by default: the environment variable ``MIXEDMETHODS_JOBS`` if set
    (a positive whole number), else two more than the usable cores, at most :data:`MAX_JOBS`; one on a single
    core. The steps are of unequal length and wait on each other (a chapter's files on its analysis): with one
    more than the cores, a chapter whose analysis had just ended waited for a place while a core was left to
    shorter steps. On 2 cores, 4 against 3: the 1M-message build 9.9 s against 10.2-10.8 s, the demo 8.4 s
    against 9.0-9.6 s (26 November 2026, three and two runs each)."""
    from ..errors import ConfigError

    value = os.environ.get(JOBS_VARIABLE, "").strip()
    if value:
        if not value.isdigit() or int(value) < 1:
            raise ConfigError(f"the environment variable {JOBS_VARIABLE} must be a whole number of processes, "
                              f"1 or more, got {value!r}")
        return int(value)
    cores = usable_cores()
    return 1 if cores == 1 else min(cores + 2, MAX_JOBS)


def can_fork() -> bool:
    return hasattr(os, "fork") and sys.platform != "win32"


def can_fork_beside() -> bool:
    """Can one helper process be forked to work beside this one (the import's chat texts, the store's check)?
    Linux, where forking is cheap and safe (macOS and Windows start processes afresh, which would build what
    the helper inherits again), with a second usable core."""
    return sys.platform.startswith("linux") and usable_cores() > 1


def _one_blas_thread() -> None:
    """In a child: numpy's BLAS on one thread. The build's processes already fill the cores; a BLAS thread pool
    in each would outnumber them (and OpenBLAS threads spin while they wait)."""
    if "numpy" not in sys.modules:
        return
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # it comes with scikit-learn (under pingouin); without it the default threads stay
        return
    threadpool_limits(limits=1, user_api="blas")


def one_blas_thread():
    """A context in which numpy's and scipy's BLAS run on one thread (both loaded first, so both are limited).

    A build runs in it whatever its number of processes: a sum split over BLAS threads adds in another order,
    so fit indices moved in their 15th digit between a build in one process (BLAS on every core) and one whose
    analyses ran in children (one thread each), and between computers with other numbers of cores.
    """
    import contextlib

    import numpy  # noqa: F401 - loads numpy's OpenBLAS
    import scipy.linalg  # noqa: F401 - and scipy's, where it has its own

    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


class WorkerError(RuntimeError):
    """A step failed in a child with an exception that could not be sent back as it was."""


class _Step:
    """One step: run in a child (after :meth:`start`) or in this process (:meth:`run_here`)."""

    def __init__(self, work: Callable[[], Any], nice: int = 0) -> None:
        self.work = work
        self.nice = nice  # a step nobody waits for yet (the store's check) yields the cores to those others wait for
        self.pid: int | None = None
        self.pipe: int | None = None
        self.outcome: tuple[bool, Any] | None = None
        self.printed: tuple[str, str] = ("", "")  # what the step wrote to stdout and stderr in its child

    def start(self) -> None:
        sys.stdout.flush()  # what is buffered would otherwise be written by the child too
        sys.stderr.flush()
        read, write = os.pipe()
        # The objects the child inherits are frozen for its garbage collector: a collection would otherwise write
        # to each of them, and copy every page of the parent's memory that holds one (the Python documentation of
        # gc.freeze advises it before fork).
        gc.freeze()
        pid = os.fork()
        if pid:
            gc.unfreeze()
        if pid == 0:  # the child: run the step, send its outcome, leave without unwinding the parent's stack
            code = 0
            try:
                os.close(read)
                signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C stops the child at once; the parent reports
                _one_blas_thread()
                if self.nice:
                    os.nice(self.nice)
                # What the step prints (a notice, a warning) is sent back and printed by the parent, in order.
                sys.stdout, sys.stderr = io.StringIO(), io.StringIO()
                try:
                    outcome = (True, self.work())
                except BaseException as exc:  # noqa: BLE001 - every failure goes back to the parent
                    from ..errors import UserError

                    if not isinstance(exc, UserError):  # a bug: keep where it happened (a traceback is not pickled)
                        exc.add_note("".join(traceback.format_exception(exc)).rstrip())
                    outcome = (False, exc)
                printed = (sys.stdout.getvalue(), sys.stderr.getvalue())
                try:
                    payload = pickle.dumps((*outcome, printed), protocol=pickle.HIGHEST_PROTOCOL)
                    pickle.loads(payload)  # an exception that pickles but cannot be rebuilt is sent as text
                except Exception:  # noqa: BLE001
                    text = "".join(traceback.format_exception(outcome[1])) if not outcome[0] else "unpicklable result"
                    payload = pickle.dumps((False, WorkerError(text), printed))
                with os.fdopen(write, "wb") as pipe:
                    pipe.write(payload)
            except BaseException:  # noqa: BLE001
                code = 1
            finally:
                os._exit(code)
        os.close(write)
        self.pid, self.pipe = pid, read

    def run_here(self) -> None:
        try:
            self.outcome = (True, self.work())
        except Exception as exc:  # noqa: BLE001 - raised again by result(), in the order of the steps
            self.outcome = (False, exc)

    def finish(self) -> None:
        """Read the child's outcome (until it closes the pipe) and reap it."""
        with os.fdopen(self.pipe, "rb") as pipe:
            payload = pipe.read()
        _, status = os.waitpid(self.pid, 0)
        self.pid = None
        if payload:
            ok, value, self.printed = pickle.loads(payload)
            self.outcome = (ok, value)
        else:  # killed, or out of memory: nothing was sent
            self.outcome = (False, WorkerError(f"a build step stopped without a result "
                                               f"(exit status {os.waitstatus_to_exitcode(status)})"))

    def stop(self) -> None:
        if self.pid is not None:
            os.kill(self.pid, signal.SIGTERM)
            os.waitpid(self.pid, 0)
            os.close(self.pipe)
            self.pid = None

    def result(self) -> Any:
        out, err = self.printed
        self.printed = ("", "")
        if out:
            sys.stdout.write(out)
        if err:
            sys.stderr.write(err)
        ok, value = self.outcome
        if not ok:
            raise value
        return value


class Workers:
    """Steps submitted in order, at most ``jobs`` running at once; :meth:`result` waits for one.

    With ``jobs`` <= 1 or no ``fork``, a step runs in this process when its result is asked for.
    Use as a context manager: children still running when the build fails are stopped.
    """

    def __init__(self, jobs: int) -> None:
        self.parallel = jobs > 1 and can_fork()
        self.jobs = jobs
        self.waiting: list[_Step] = []
        self.running: list[_Step] = []

    def preload(self, *modules: str) -> None:
        """Import ``modules`` here before steps that all need them start: each child then shares this
        process's copy instead of importing its own (pandas, matplotlib and python-docx take a second or two)."""
        if self.parallel:
            import importlib

            for module in modules:
                importlib.import_module(module)

    def submit(self, work: Callable[[], Any], nice: int = 0) -> _Step:
        """Queue ``work``; it starts at once when fewer than ``jobs`` steps run. ``nice`` (0-19) lowers the
        child's priority, for a step whose result is needed only at the end: the cores go first to the steps
        the next ones wait for (the machine's other programs are not affected)."""
        step = _Step(work, nice)
        self.waiting.append(step)
        self._fill()
        return step

    def _busy(self) -> int:
        """The running steps that hold a place: a niced step yields its core, so it does not hold one."""
        return sum(1 for step in self.running if not step.nice)

    def _fill(self) -> None:
        if self.parallel and self.waiting and self._busy() >= self.jobs:
            for done in self._ended(wait=False):  # a finished step whose result nobody asked for yet
                done.finish()
                self.running.remove(done)
        while self.parallel and self.waiting and (self._busy() < self.jobs or self.waiting[0].nice):
            step = self.waiting.pop(0)
            step.start()
            self.running.append(step)

    def result(self, step: _Step) -> Any:
        """The step's return value (its exception is raised here)."""
        return self.first_done([step]).result()

    def first_done(self, steps: list[_Step]) -> _Step:
        """The first of ``steps`` to end (waiting for it); in one process, the first of them, run here.

        The build takes each source's analysis as it ends, to start writing its chapter while the others run.
        """
        if not self.parallel:
            step = next((s for s in steps if s.outcome is not None), steps[0])
            if step.outcome is None:
                self.waiting.remove(step)
                step.run_here()
            return step
        while True:
            done = next((s for s in steps if s.outcome is not None), None)
            if done is not None:
                return done
            # Whichever running step ends first frees its place for a waiting one at once.
            self._fill()
            for ended in self._ended():
                ended.finish()
                self.running.remove(ended)

    def _ended(self, wait: bool = True) -> list[_Step]:
        """The running steps whose child has written its outcome (or died): the pipe is readable. Waits for
        one unless ``wait`` is false."""
        import select

        readable, _, _ = select.select([s.pipe for s in self.running], [], [], None if wait else 0)
        return [s for s in self.running if s.pipe in readable]

    def __enter__(self) -> "Workers":
        return self

    def __exit__(self, *exc: object) -> None:
        for step in self.running:
            step.stop()
        self.running.clear()
        self.waiting.clear()
