"""The store's chunks searched in a second process while the first reads (``privacy_pair``, issue 14): the same
findings in the same order as the search in one process, and the child's errors raised in the parent.

The stores and their expected findings are ``test_privacy_store``'s, written by hand from what it plants; here
every value is a chunk of its own and the second process is used from the first chunk on (``FORK_AFTER = 0``
characters searched here first), so findings come back from the child for chunks of several tables and columns.
"""

from __future__ import annotations

import multiprocessing
import signal
import sqlite3
from contextlib import contextmanager
from pathlib import Path

import pytest

from test_privacy_store import EXPECTED, _store, finder  # noqa: F401 - finder is a fixture


@pytest.fixture
def forked(monkeypatch):
    """Tiny chunks, the child from the first one, and the chunks handed to it (their texts) and the processes
    started (one list per executor made)."""
    from concurrent.futures import ProcessPoolExecutor

    from mixedmethods import privacy_pair, privacy_store

    if not privacy_pair.can_fork_beside():
        pytest.skip("the second process needs Linux and two usable cores")
    monkeypatch.setattr(privacy_store, "_BATCH_ROWS", 2)
    monkeypatch.setattr(privacy_store, "_CHUNK_CHARACTERS", 1)
    monkeypatch.setattr(privacy_pair, "FORK_AFTER", 0)
    monkeypatch.setattr(privacy_pair, "IN_FLIGHT", 100)  # every chunk to the child (none searched here instead)
    sent = []
    submit = ProcessPoolExecutor.submit
    # The empty chunk that starts the child is left out.
    monkeypatch.setattr(ProcessPoolExecutor, "submit", lambda self, fn, *args: (args[0] and sent.append(args)) or
                        submit(self, fn, *args))
    return sent


@contextmanager
def at_most(seconds: int):
    """Fail instead of hanging: a child that never answers would block the parent forever."""
    def give_up(*_):
        raise TimeoutError(f"no answer from the second process within {seconds} s")

    previous = signal.signal(signal.SIGALRM, give_up)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


# The child from the first chunk, or once the first few values (20 characters) were searched here.
@pytest.mark.parametrize("fork_after", [0, 20])
def test_the_child_finds_what_one_process_finds_in_the_same_order(tmp_path: Path, finder, forked, fork_after,
                                                                  monkeypatch):
    from mixedmethods import privacy_pair
    from mixedmethods.privacy_store import scan_database

    monkeypatch.setattr(privacy_pair, "FORK_AFTER", fork_after)

    path = _store(tmp_path / "s.sqlite")
    with at_most(60):
        assert scan_database(path, finder, distinct=True) == EXPECTED
    assert forked  # the child searched chunks of the planted rows
    # Every row, in the order of the rows (hand-derived from _store: row 4 repeats row 2's body, and its author
    # "ANA PEREZ" is the listed name without its accent).
    forked.clear()
    with at_most(60):
        assert scan_database(path, finder) == [
            (("notes", "body", 2), "phone", "P-1"), (("notes", "body", 4), "phone", "P-1"),
            (("notes", "n", 3), "phone", "P-1"),
            (("notes", "author", 4), "name", "P-1"), (("notes", "body", 2), "name", "P-1"),
            (("notes", "body", 4), "name", "P-1"), (("notes", "body", 5), "e-mail address", None)]
    # Two rows a read: authors 3 chunks, bodies 3, numbers of 7+ digits 1 (row 3's); the child is forked once.
    assert len(forked) == 7 if fork_after == 0 else 0 < len(forked) < 7


def test_chunks_searched_here_while_the_child_is_busy_keep_their_place(tmp_path: Path, finder, forked,
                                                                       monkeypatch):
    """A child with one chunk to search at most: the chunks read meanwhile are searched here; the findings are
    still those of one process, in the same order (which chunks go where depends on timing: both ways are
    checked together)."""
    from mixedmethods import privacy_pair
    from mixedmethods.privacy_store import scan_database

    monkeypatch.setattr(privacy_pair, "IN_FLIGHT", 1)
    real = type(finder).search
    here = []
    monkeypatch.setattr(type(finder), "search", lambda self, texts: here.append(texts) or real(self, texts))
    path = _store(tmp_path / "s.sqlite")
    for _ in range(3):
        with at_most(60):
            assert scan_database(path, finder, distinct=True) == EXPECTED
    assert forked  # some chunks went to the child
    assert [texts for texts in here if texts]  # and some were searched here (a child's search is not recorded)


def test_findings_of_several_tables_come_back_in_the_order_of_the_tables(tmp_path: Path, finder, forked,
                                                                         monkeypatch):
    """A second table, with the findings of a chunk in the child located by the parent: the tables' findings
    are kept kind by kind, in the order of the tables (hand-derived); one child searches both tables."""
    from concurrent.futures import ProcessPoolExecutor

    from mixedmethods.privacy_store import scan_database

    made = []
    init = ProcessPoolExecutor.__init__
    monkeypatch.setattr(ProcessPoolExecutor, "__init__", lambda self, *a, **k: made.append(1) or init(self, *a, **k))

    path = _store(tmp_path / "s.sqlite")
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE later (id INTEGER PRIMARY KEY, said TEXT)")
    conn.executemany("INSERT INTO later (said) VALUES (?)", [("ok",), ("mail ana.perez@example.org",),
                                                            ("ring +1 246 555 0199",)])
    conn.commit()
    conn.close()
    # notes' findings, then later's, in each kind: its address is Ana's (a name-and-address finding); its other
    # number is anyone's.
    expected = [*EXPECTED[:2], *EXPECTED[2:4], (("later", "said", 2), "e-mail", "P-1"), EXPECTED[4],
                (("later", "said", 3), "phone number", None)]
    with at_most(60):
        assert scan_database(path, finder, distinct=True) == expected
    assert made == [1]

    class Nothing:  # no table's findings recorded: each table is read on its own (the import's check)
        def load(self, table, schema):
            return None

        def save(self, table, schema, found):
            pass

    with at_most(60):
        assert scan_database(path, finder, distinct=True, tables=Nothing()) == expected
    assert made == [1, 1]


def test_markup_stays_markup_in_the_child(finder, forked):
    """Texts of a file's markup (privacy_files.Markup) hold addresses and numbers no reader sees: the child
    must still tell them from plain texts (they are pickled to it)."""
    from mixedmethods.privacy_files import Markup

    chunks = [([Markup("xmlns someone@example.com 2465550199"), "ask someone@example.com"],
               lambda index: f"first {index}", (0,)),
              (["ring 246 555 0199", Markup("width 246 555 0199")], lambda index: f"second {index}", (1,))]
    from mixedmethods.privacy_pair import Searcher

    with at_most(60), Searcher(finder) as searcher:
        assert finder.scan_chunks(chunks, searcher) == [("first 1", "e-mail address", None),
                                                        ("second 0", "phone number", None)]
    assert [type(text) for args in forked for text in args[0]] == [Markup, str, str, Markup]


class _Failing:
    """A finder whose search fails in the child (as a bug, or a regex engine's error, would)."""

    def search(self, texts):
        if any("boom" in text for text in texts):
            raise ValueError("the search failed on purpose")
        return ([], [], [], [])


class _Dying:
    def search(self, texts):
        import os

        os._exit(3)  # the child dies without a word (killed, out of memory)


@pytest.mark.parametrize("finder_class, error", [(_Failing, ValueError), (_Dying, Exception)])
def test_an_error_in_the_child_is_raised_in_the_parent(finder_class, error, forked):
    from mixedmethods.privacy_pair import Searcher

    chunks = [([text], lambda index: index, (number,)) for number, text in enumerate(["a", "b", "boom", "c", "d"])]
    with at_most(60), pytest.raises(error) as raised, Searcher(finder_class()) as searcher:
        list(searcher.searched(chunks))
    assert not isinstance(raised.value, TimeoutError)
    if finder_class is _Failing:
        assert "on purpose" in str(raised.value)
    assert multiprocessing.active_children() == []  # the child ended with the check


def test_an_error_while_reading_ends_the_child(finder, forked):
    """The parent fails while the child searches (a damaged store read by SQLite): the error is raised, and the
    child does not outlive it."""
    from mixedmethods.privacy_pair import Searcher

    def chunks():
        for number in range(3):
            yield [f"text {number}"], lambda index: index, (number,)
        raise sqlite3.DatabaseError("database disk image is malformed")

    with at_most(60), pytest.raises(sqlite3.DatabaseError), Searcher(finder) as searcher:
        list(searcher.searched(chunks()))
    assert multiprocessing.active_children() == []


def test_a_small_store_is_searched_here(tmp_path: Path, finder, monkeypatch):
    """Less text than FORK_AFTER: no process is started (it would cost more than it saves)."""
    from concurrent.futures import ProcessPoolExecutor

    def refuse(*args, **kwargs):
        raise AssertionError("a process was started for one chunk")

    from mixedmethods import privacy_store

    monkeypatch.setattr(ProcessPoolExecutor, "__init__", refuse)
    monkeypatch.setattr(privacy_store, "_CHUNK_CHARACTERS", 1)  # many chunks, little text
    assert privacy_store.scan_database(_store(tmp_path / "s.sqlite"), finder, distinct=True) == EXPECTED


def test_the_child_ends_with_its_parent(tmp_path: Path):
    """A parent killed while its child waits for the next chunk (a build's step ended by the build): the child
    does not wait for ever."""
    import os
    import subprocess
    import sys
    import time

    from mixedmethods import privacy_pair

    if not privacy_pair.can_fork_beside():
        pytest.skip("the second process needs Linux and two usable cores")
    parent = subprocess.Popen([sys.executable, "-c", """
import multiprocessing, sys, time
from mixedmethods import privacy_pair
class Finder:
    def search(self, texts):
        return ([], [], [], [])
privacy_pair.FORK_AFTER = 0
searcher = privacy_pair.Searcher(Finder())
list(searcher.searched([(["a"], None, (0,))]))
print(multiprocessing.active_children()[0].pid, flush=True)
time.sleep(60)
"""], stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    try:
        child = int(parent.stdout.readline())
    finally:
        parent.kill()
        parent.wait()
    for _ in range(100):  # at most 10 s
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            break
        if open(f"/proc/{child}/stat").read().split(")")[-1].split()[0] == "Z":  # ended, not yet reaped
            break
        time.sleep(0.1)
    else:
        os.kill(child, 9)
        pytest.fail("the child outlived its parent")
