"""Incremental builds (issue 14, items 3 and 5): analyses cached by the hash of their inputs, a rebuild with
nothing changed does nothing, only the documents whose content changed are rewritten, ``build --force``.

No timing here (benchmarks/ measures speed): the tests count analysis calls with spies and compare inodes
and modification times of the published files.
"""

from __future__ import annotations

import os
import pickle
import shutil
import sqlite3
import sys
import time
from datetime import date
from pathlib import Path

import pytest

ANALYSES = {"survey": "mixedmethods.survey.analysis.analyse_survey",
            "interviews": "mixedmethods.interviews.analysis.analyse_interviews",
            "chats": "mixedmethods.chats.analysis.analyse_chats",
            "triangulation": "mixedmethods.triangulation.analysis.analyse_triangulation"}


@pytest.fixture
def spies(monkeypatch, tmp_path: Path):
    """Record every analysis that runs (and run it); calling the fixture's value lists them.

    Recorded in a file: a build runs the sources' analyses in child processes (report/workers.py), whose
    memory the test does not see.
    """
    import importlib

    record = tmp_path / "analyses-run.txt"
    record.touch()
    for name, dotted in ANALYSES.items():
        module, attribute = dotted.rsplit(".", 1)
        original = getattr(importlib.import_module(module), attribute)

        def spy(*args, _name=name, _original=original, **kwargs):
            with record.open("a") as handle:
                handle.write(_name + "\n")
            return _original(*args, **kwargs)

        monkeypatch.setattr(f"{module}.{attribute}", spy)
    return lambda: record.read_text().split()


def published(root: Path) -> dict[str, tuple[int, int]]:
    """Inode and modification time (ns) of each file of report/: a rewritten file changes both."""
    return {p.relative_to(root).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in sorted((root / "report").rglob("*")) if p.is_file()}


def test_a_rebuild_with_nothing_changed_runs_no_analysis_and_rewrites_no_file(built_copy: Path, run, spies):
    before = published(built_copy)
    result = run("build", built_copy)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("nothing changed since the last build; the report in report/ is up to date")
    assert spies() == []
    assert published(built_copy) == before


def test_the_no_change_check_imports_no_heavy_library(built_copy: Path):
    import subprocess

    code = ("import sys\nfrom click.testing import CliRunner\nfrom mixedmethods.cli import cli\n"
            f"r = CliRunner().invoke(cli, ['build', {str(built_copy)!r}])\nassert r.exit_code == 0, r.output\n"
            "assert 'up to date' in r.output, r.output\n"
            "print(sorted(m for m in ('pandas', 'pingouin', 'docx', 'matplotlib', 'openpyxl', 'scipy') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}).stdout
    assert out.strip() == "[]"


def test_a_touched_store_with_the_same_rows_is_still_up_to_date_and_a_missing_file_is_not(built_copy: Path, run, spies):
    from mixedmethods.report.cache import build_inputs, up_to_date
    from mixedmethods.study import load_study

    store = built_copy / "store.sqlite"
    os.utime(store, ns=(store.stat().st_atime_ns, store.stat().st_mtime_ns + 10**9))  # e.g. a checkpoint
    assert "up to date" in run("build", built_copy).output
    study = load_study(built_copy)
    inputs = build_inputs(study, None, False, date.today().isoformat())
    assert up_to_date(study, inputs)
    assert not up_to_date(study, {**inputs, "options": {"language": "en", "pdf": False}})
    (built_copy / "report" / "figures" / "survey-likert-1.en.png").touch()  # touched, same bytes: still up to date
    assert up_to_date(study, inputs)
    (built_copy / "report" / "results.json").write_text("{}", encoding="utf-8")
    assert not up_to_date(study, inputs)
    (built_copy / "report" / "results.json").unlink()
    assert not up_to_date(study, inputs)
    assert spies() == []


def test_the_rows_are_hashed_again_only_when_the_store_moved(built_copy: Path, monkeypatch):
    from mixedmethods.report import cache
    from mixedmethods.study import load_study

    study = load_study(built_copy)
    recorded = cache.read_manifest(study)["sources"]
    hashed = []
    original = cache.source_keys
    monkeypatch.setattr(cache, "source_keys", lambda path: (hashed.append(path), original(path))[1])
    assert cache.known_source_keys(study, cache.store_stat(study)) == recorded and hashed == []
    store = built_copy / "store.sqlite"
    os.utime(store, ns=(store.stat().st_atime_ns, store.stat().st_mtime_ns + 10**9))
    assert cache.known_source_keys(study, cache.store_stat(study)) == recorded and hashed == [store]


def test_one_changed_transcript_recomputes_only_the_interviews_and_the_triangulation(built_copy: Path, run, spies):
    transcript = built_copy / "data" / "interviews" / "interview-09.txt"
    text = transcript.read_text(encoding="utf-8")
    assert "Interviewer: Que changeriez-vous ?" in text
    transcript.write_text(text.replace("Interviewer: Que changeriez-vous ?", "Interviewer: Que changeriez-vous ?\n"
                                       "Élodie Lefèvre: [[speed.coordination]]Et tout va plus vite.[[/speed.coordination]]",
                                       1), encoding="utf-8")
    assert run("import", built_copy).exit_code == 0
    before = published(built_copy)
    result = run("build", built_copy, "--language", "en")
    assert result.exit_code == 0, result.output
    assert sorted(spies()) == ["interviews", "triangulation"]
    after = published(built_copy)
    for name in ("survey.en.docx", "chats.en.docx"):
        assert after[f"report/{name}"] == before[f"report/{name}"], name
    for name in ("interviews.en.docx", "report.docx", "results.json"):
        assert after[f"report/{name}"] != before[f"report/{name}"], name
        assert f"wrote report/{name}" in result.output
    assert "analyses reused from the last build (their inputs did not change): survey, chats" in result.output


def test_build_force_is_passed_on(built_copy: Path, run, monkeypatch):
    from mixedmethods.report import build

    seen = {}

    def fake(study, language=None, progress=None, pdf=False, pdf_progress=None, force=False, jobs=None):
        seen.update(force=force, jobs=jobs)
        return build.BuildOutcome(up_to_date=False, computed=list(ANALYSES))

    monkeypatch.setattr(build, "build_report", fake)
    assert run("build", built_copy, "--force").exit_code == 0
    assert seen == {"force": True, "jobs": None}
    assert run("build", built_copy, "--jobs", "3").exit_code == 0
    assert seen == {"force": False, "jobs": 3}
    refused = run("build", built_copy, "--jobs", "0")
    assert refused.exit_code == 2 and "Invalid value for '--jobs'" in refused.output


def test_the_default_number_of_processes_comes_from_the_environment(monkeypatch):
    from mixedmethods.errors import ConfigError
    from mixedmethods.report.workers import default_jobs, usable_cores

    monkeypatch.setenv("MIXEDMETHODS_JOBS", "2")
    assert default_jobs() == 2
    monkeypatch.delenv("MIXEDMETHODS_JOBS")
    assert default_jobs() == (1 if usable_cores() == 1 else min(usable_cores() + 2, 4))
    for wrong in ("0", "two", "-1"):
        monkeypatch.setenv("MIXEDMETHODS_JOBS", wrong)
        with pytest.raises(ConfigError, match=f"MIXEDMETHODS_JOBS must be a whole number of processes, 1 or more, "
                                              f"got '{wrong}'"):
            default_jobs()


# --- the cache on hand-made results ----------------------------------------------------------------------------

def fake_analyses(monkeypatch, calls: list[str]) -> None:
    """Analyses that return empty results of the right kinds at once, recording their calls."""
    from mixedmethods.chats.analysis import ChatResults
    from mixedmethods.interviews.analysis import InterviewResults
    from mixedmethods.survey.analysis import SurveyResults
    from mixedmethods.triangulation.analysis import TriangulationResults

    made = {"survey": lambda s: SurveyResults(["a"], 5, "x", statistics={"n": 3}),
            "interviews": lambda s: InterviewResults(["a"], 5),
            "chats": lambda s: ChatResults(["a"], 5, 30),
            "triangulation": lambda s, sources=None: TriangulationResults(["a"], 5)}
    for name, dotted in ANALYSES.items():
        module, attribute = dotted.rsplit(".", 1)
        monkeypatch.setattr(f"{module}.{attribute}",
                            lambda *args, _n=name, **kw: (calls.append(_n), made[_n](*args, **kw))[1])


def test_cached_results_are_reused_force_recomputes_and_a_corrupt_file_is_ignored(small_study: Path, monkeypatch):
    from mixedmethods.report.build import analyse_all
    from mixedmethods.report.cache import _result_path, analysis_keys
    from mixedmethods.study import load_study

    study = load_study(small_study)
    calls: list[str] = []
    fake_analyses(monkeypatch, calls)
    keys = analysis_keys(study)
    assert len(set(keys.values())) == 4
    first = analyse_all(study, keys=keys)
    assert calls == ["survey", "interviews", "chats"]  # one source with data: nothing to triangulate
    calls.clear()
    again = analyse_all(study, keys=keys)
    assert calls == [] and again["survey"].statistics == first["survey"].statistics == {"n": 3}
    analyse_all(study, keys=keys, force=True)
    assert calls == ["survey", "interviews", "chats"]
    calls.clear()
    _result_path(study, "survey", keys["survey"]).write_bytes(b"\x80\x05 not a pickle")
    from mixedmethods.chats.analysis import ChatResults
    from mixedmethods.report.cache import FORMAT

    # A result of other inputs (another key) under this key's name: foreign, ignored.
    _result_path(study, "chats", keys["chats"]).write_bytes(pickle.dumps(
        {"format": FORMAT, "analysis": "chats", "key": "other inputs", "result": ChatResults(["a"], 5, 30)}))
    computed: list[str] = []
    analyse_all(study, keys=keys, computed=computed)
    assert calls == computed == ["survey", "chats"]  # rebuilt silently, the good file still read
    calls.clear()
    analyse_all(study, keys=keys)
    assert calls == []  # and cached again


def test_each_source_key_follows_only_its_own_rows(demo_study: Path, tmp_path: Path):
    from mixedmethods.report.cache import analysis_keys, source_keys
    from mixedmethods.study import load_study

    shutil.copytree(demo_study, tmp_path / "study")
    study = load_study(tmp_path / "study")
    before, keys_before = source_keys(study.store_path), analysis_keys(study)
    conn = sqlite3.connect(study.store_path)
    with conn:  # a change made without an import is seen too
        conn.execute("UPDATE chat_messages SET words = words + 1 WHERE message_id = "
                     "(SELECT MIN(message_id) FROM chat_messages)")
    conn.close()
    after, keys_after = source_keys(study.store_path), analysis_keys(study)
    assert after["chats"] != before["chats"]
    assert after["survey"] == before["survey"] and after["interviews"] == before["interviews"]
    assert [n for n in keys_before if keys_before[n] != keys_after[n]] == ["chats", "triangulation"]


def test_the_tables_pages_are_hashed_unless_the_log_holds_changes(demo_study: Path, tmp_path: Path, monkeypatch):
    """A source's big tables are hashed by their pages in the store file (dbstat); while the write-ahead log
    holds changes the file's pages are not what a query reads, and the rows are hashed instead."""
    from mixedmethods.report import cache

    shutil.copytree(demo_study, tmp_path / "study")
    store = tmp_path / "study" / "store.sqlite"

    def by_rows() -> dict[str, str]:
        with monkeypatch.context() as patch:
            patch.setattr(cache, "_hash_pages", lambda *args: False)
            return cache.source_keys(store)

    by_pages, rows = cache.source_keys(store), by_rows()
    assert by_pages["chats"] != rows["chats"] and cache.source_keys(store) == by_pages  # pages read, the same twice
    conn = sqlite3.connect(store)
    conn.execute("PRAGMA wal_autocheckpoint = 0")  # keep the change in the log while this connection is open
    with conn:
        conn.execute("UPDATE chat_messages SET text = upper(text) WHERE message_id = "
                     "(SELECT MIN(message_id) FROM chat_messages WHERE kind = 'text')")
    try:
        assert (store.with_name("store.sqlite-wal")).stat().st_size > 0
        held = cache.source_keys(store)
        assert held["chats"] == by_rows()["chats"] != rows["chats"]  # the changed rows, read through SQLite
        assert held["survey"] == rows["survey"]  # every table by its rows while the log holds changes
    finally:
        conn.close()
    assert cache.source_keys(store)["chats"] not in (by_pages["chats"], held["chats"])  # log moved: pages again


def test_publish_replaces_only_the_files_whose_bytes_changed(tmp_path: Path):
    from mixedmethods.report.build import _publish

    out, staging = tmp_path / "report", tmp_path / "report" / ".building-1"
    (staging / "figures").mkdir(parents=True)
    (out / "figures").mkdir(exist_ok=True)
    for name, old, new in (("same.json", b"{}", b"{}"), ("figures/same.png", b"P", b"P"),
                           ("changed.json", b"{}", b"{ }"), ("new.json", None, b"1")):
        if old is not None:
            (out / name).write_bytes(old)
        (staging / name).write_bytes(new)
    inodes = {name: (out / name).stat().st_ino for name in ("same.json", "figures/same.png", "changed.json")}
    names = ["same.json", "figures/same.png", "changed.json", "new.json"]
    written, unchanged = _publish(staging, out, [staging / n for n in names])
    assert [p.relative_to(out).as_posix() for p in written] == ["changed.json", "new.json"]
    assert [p.relative_to(out).as_posix() for p in unchanged] == ["same.json", "figures/same.png"]
    assert (out / "same.json").stat().st_ino == inodes["same.json"]
    assert (out / "changed.json").read_bytes() == b"{ }" and (out / "new.json").read_bytes() == b"1"


def test_the_same_document_on_the_same_day_gives_the_same_bytes(tmp_path: Path):
    """python-docx stamps the zip entries with the clock (2 s resolution) and the core properties with the
    moment; 2.1 s apart both differ unless the save fixes them to the day."""
    from mixedmethods.report.document import ReportDocument

    def write(name: str) -> bytes:
        doc = ReportDocument()
        doc.heading("A chapter", 1)
        doc.paragraph("Some text.")
        return doc.save(tmp_path / name, today=date(2026, 3, 1)).read_bytes()

    first = write("a.docx")
    time.sleep(2.1)
    assert write("b.docx") == first


def test_the_triangulation_given_the_chat_results_links_the_same_frame_as_reading_the_store(demo_study: Path,
                                                                                            tmp_path: Path):
    """Compute once: the per-person chat metrics the chat analysis hands over are those the linkage computed,
    with a listed member who never wrote (a member for the equal share, not a chat participant)."""
    import pandas as pd

    from mixedmethods.chats.analysis import analyse_chats
    from mixedmethods.study import load_study
    from mixedmethods.survey.analysis import SurveyResults
    from mixedmethods.survey.responses import stored_responses
    from mixedmethods.triangulation.analysis import constructs_path
    from mixedmethods.triangulation.constructs import load_constructs
    from mixedmethods.triangulation.linkage import participant_frame

    shutil.copytree(demo_study, tmp_path / "study")
    study = load_study(tmp_path / "study")
    conn = sqlite3.connect(study.store_path)
    with conn:
        conn.execute("INSERT INTO participants (participant_id, grp, listed) VALUES ('P-SILENT01', 'caricom', 1)")
    conn.close()
    constructs = load_constructs(constructs_path(study), study.questionnaire(), study.codebook())
    survey = SurveyResults(list(study.groups), 5, "x", responses=stored_responses(study.store_path,
                                                                                 study.questionnaire()))
    chats = analyse_chats(study)
    assert chats.per_person is not None and len(chats.per_person)
    given = participant_frame(study, constructs, {"survey": survey, "chats": chats})
    read = participant_frame(study, constructs)
    assert given["in_chats"].sum() == len(chats.per_person)
    assert "P-SILENT01" not in set(given.loc[given["in_chats"], "participant_id"])
    pd.testing.assert_frame_equal(given, read)
