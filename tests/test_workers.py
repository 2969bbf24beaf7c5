"""report/workers.py: a build's independent steps run side by side in forked processes (issue 14).

What is checked: results come back in the order the steps were submitted, from other processes when there are
several jobs and from this one with one job; a user's error and a bug in a step reach the caller as the same
exceptions (the bug with the step's own traceback); a step that dies or returns what cannot be sent back is a
WorkerError; never more than ``jobs`` steps run at once. Whole builds with one and two jobs are compared byte by
byte in tests/test_outputs.py.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from mixedmethods.errors import InputFileError
from mixedmethods.report.workers import WorkerError, Workers, can_fork

needs_fork = pytest.mark.skipif(not can_fork(), reason="no os.fork on this system: steps run one after the other")


@needs_fork
def test_results_come_back_in_order_from_other_processes():
    with Workers(2) as workers:
        steps = [workers.submit(lambda n=n: (n * n, os.getpid())) for n in range(5)]
        results = [workers.result(step) for step in steps]
    assert [value for value, _ in results] == [0, 1, 4, 9, 16]
    assert all(pid != os.getpid() for _, pid in results)


def test_with_one_job_every_step_runs_here_when_its_result_is_asked():
    ran: list[int] = []
    with Workers(1) as workers:
        first = workers.submit(lambda: (ran.append(1), os.getpid())[1])
        second = workers.submit(lambda: (ran.append(2), os.getpid())[1])
        assert ran == []  # nothing runs before its result is wanted
        assert workers.result(second) == os.getpid() and workers.result(first) == os.getpid()
    assert ran == [2, 1]


def _bad_file():
    raise InputFileError("expected a date, got 'soon'", file="data/survey.csv", row=4, column="date")


def _bug():
    return {}["no such key"]


@needs_fork
@pytest.mark.parametrize("jobs", [1, 2])
def test_a_users_error_in_a_step_is_raised_as_it_was(jobs: int):
    with Workers(jobs) as workers:
        step = workers.submit(_bad_file)
        with pytest.raises(InputFileError) as raised:
            workers.result(step)
    assert str(raised.value) == "data/survey.csv, row 4, column 'date': expected a date, got 'soon'"


@needs_fork
def test_a_bug_in_a_step_keeps_its_type_and_where_it_happened():
    with Workers(2) as workers:
        step = workers.submit(_bug)
        with pytest.raises(KeyError) as raised:
            workers.result(step)
    assert raised.value.args == ("no such key",)
    assert any("in _bug" in note and "{}[\"no such key\"]" in note for note in raised.value.__notes__)


@needs_fork
def test_a_step_that_dies_or_cannot_send_its_result_is_a_worker_error():
    with Workers(2) as workers:
        killed = workers.submit(lambda: os.kill(os.getpid(), signal.SIGKILL))
        unsendable = workers.submit(lambda: (lambda: None))  # a lambda cannot be pickled
        fine = workers.submit(lambda: "fine")
        with pytest.raises(WorkerError, match="stopped without a result"):
            workers.result(killed)
        with pytest.raises(WorkerError, match="unpicklable result"):
            workers.result(unsendable)
        assert workers.result(fine) == "fine"


@needs_fork
def test_never_more_steps_at_once_than_jobs(tmp_path: Path):
    def step(n: int) -> tuple[float, float]:
        start = time.monotonic()
        time.sleep(0.3)
        return start, time.monotonic()

    with Workers(2) as workers:
        spans = [workers.result(s) for s in [workers.submit(lambda n=n: step(n)) for n in range(5)]]
    for start, _ in spans:  # at each step's start, how many steps were running (itself included)
        assert sum(1 for s, e in spans if s <= start < e) <= 2
    assert max(sum(1 for s, e in spans if s <= start < e) for start, _ in spans) == 2  # and they did overlap


@needs_fork
def test_a_failing_build_stops_the_steps_still_running():
    with pytest.raises(RuntimeError, match="the build failed"):
        with Workers(2) as workers:
            slow = workers.submit(lambda: time.sleep(60))
            pid = slow.pid
            raise RuntimeError("the build failed")
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # stopped and reaped: no such child any more


def test_staged_files_are_cut_in_runs_of_about_equal_size(tmp_path: Path):
    """The build checks its staged files for identities in parts side by side: consecutive runs of the sorted
    files (so the findings keep their order), each about the total size over the number of parts."""
    from mixedmethods.report.build import _parts_by_size

    files = []
    for name, size in [("a", 9), ("b", 1), ("c", 1), ("d", 7), ("e", 2)]:
        (tmp_path / name).write_bytes(b"x" * size)
        files.append(tmp_path / name)
    # sizes + 1 each: 10, 2, 2, 8, 3 (total 25): the first part closes at 12.5 or more, after "c" (14)
    assert [[p.name for p in part] for part in _parts_by_size(files, 2)] == [["a", "b", "c"], ["d", "e"]]
    assert [[p.name for p in part] for part in _parts_by_size(files, 1)] == [["a", "b", "c", "d", "e"]]
    assert [[p.name for p in part] for part in _parts_by_size(files[:1], 3)] == [["a"]]
    assert _parts_by_size([], 2) == [[]]


@needs_fork
def test_a_finished_step_frees_its_place_before_its_result_is_asked():
    """The build collects its store check last: once that step has ended, its place goes to a waiting step
    while the build waits for another (here T starts while E still runs, not after it)."""
    def spanning(seconds: float) -> tuple[float, float]:
        start = time.monotonic()
        time.sleep(seconds)
        return start, time.monotonic()

    with Workers(2) as workers:
        check = workers.submit(lambda: spanning(0))
        early = workers.submit(lambda: spanning(1.0))
        waiting = workers.submit(lambda: spanning(0))
        (_, early_end), (waiting_start, _) = workers.result(early), workers.result(waiting)
        workers.result(check)
    assert waiting_start < early_end - 0.5


@needs_fork
def test_what_a_step_prints_is_printed_by_the_caller_in_the_order_of_the_steps(capsys):
    import sys

    def noisy(n: int) -> int:
        print(f"notice {n}")
        print(f"careful {n}", file=sys.stderr)
        return n

    with Workers(2) as workers:
        steps = [workers.submit(lambda n=n: noisy(n)) for n in range(3)]
        assert [workers.result(step) for step in steps] == [0, 1, 2]
    captured = capsys.readouterr()
    assert captured.out == "notice 0\nnotice 1\nnotice 2\n"
    assert captured.err == "careful 0\ncareful 1\ncareful 2\n"


@needs_fork
def test_a_step_runs_numpys_blas_on_one_thread():
    import numpy  # noqa: F401 - loaded in the build before its steps start
    from threadpoolctl import threadpool_info

    def blas_threads() -> list[int]:
        return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]

    with Workers(2) as workers:
        in_step = workers.result(workers.submit(blas_threads))
    assert in_step and set(in_step) == {1}


@needs_fork
def test_the_first_step_to_end_is_taken_first_whatever_the_order_they_were_submitted_in():
    with Workers(2) as workers:
        slow = workers.submit(lambda: time.sleep(1.0) or "slow")
        quick = workers.submit(lambda: "quick")
        assert workers.first_done([slow, quick]) is quick
        assert workers.result(quick) == "quick" and workers.result(slow) == "slow"


def test_with_one_job_the_first_step_given_runs_here_and_is_the_first_done():
    ran: list[str] = []
    with Workers(1) as workers:
        first = workers.submit(lambda: ran.append("first"))
        second = workers.submit(lambda: ran.append("second"))
        assert workers.first_done([first, second]) is first and ran == ["first"]
        assert workers.first_done([second, first]) is first and ran == ["first"]  # the one already done


@needs_fork
def test_a_niced_step_runs_at_lower_priority_beside_the_others_without_holding_a_place():
    with Workers(1 + 1) as workers:
        background = workers.submit(lambda: os.nice(0), nice=5)  # os.nice(0) reads the child's niceness
        steps = [workers.submit(lambda: time.sleep(0.5) or os.nice(0)) for _ in range(2)]
        assert len(workers.running) == 3  # both places still free for the steps after the niced one
        assert workers.result(background) == os.nice(0) + 5
        assert [workers.result(step) for step in steps] == [os.nice(0)] * 2
