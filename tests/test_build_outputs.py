"""`build` publishes its outputs only when every one was written: a failure leaves the previous report whole."""

from __future__ import annotations

import errno
import subprocess
from pathlib import Path

import pytest

TINY_CHAT = "".join(f"1{day}/03/2024, 09:{m:02d} - {who}: message {day}{m}\n"
                    for day in range(3, 6) for m, who in enumerate(["Ana Pérez", "Bruno Lefèvre"] * 3))


@pytest.fixture
def built_chat_study(small_study: Path, run) -> Path:
    (small_study / "data/chats/tiny.txt").write_text(TINY_CHAT, encoding="utf-8")
    config = small_study / "study.yaml"
    config.write_text(config.read_text().replace("  chats: []", "  chats:\n  - {path: data/chats/tiny.txt, "
                                                 "group: caricom}"), encoding="utf-8")
    assert run("import", small_study).exit_code == 0
    result = run("build", small_study)
    assert result.exit_code == 0, result.output
    return small_study


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("code, words", [(errno.ENOSPC, "No space left on device"),
                                         (errno.EROFS, "Read-only file system"), (errno.EACCES, "Permission denied")])
def test_a_disk_full_during_build_leaves_the_previous_report_whole(built_chat_study: Path, monkeypatch, code, words):
    from click.testing import CliRunner

    from mixedmethods.cli import cli
    from mixedmethods.report.document import ReportDocument

    report = built_chat_study / "report"
    before = snapshot(report)
    assert "chats.en.docx" in before and "report.docx" in before
    def full_disk(self, path: Path) -> Path:
        # One document half written, then the disk is full (in whichever process writes it: report/workers.py).
        if path.name == "chats.en.docx":
            path.write_bytes(b"PK\x03\x04 half a docx")
            raise OSError(code, words, str(path))  # as the OS reports a full disk or a read-only folder
        return original(self, path)

    original = ReportDocument.save
    monkeypatch.setattr(ReportDocument, "save", full_disk)
    # --force: nothing changed since the fixture's build, and an unforced build would rightly do nothing.
    # --jobs 3: the document fails in a child process (report/workers.py), its error reaches the user the same.
    result = CliRunner().invoke(cli, ["build", str(built_chat_study), "--force", "--jobs", "3"])
    assert result.exit_code == 2
    assert result.exception is None or isinstance(result.exception, SystemExit)
    message = result.output.strip().splitlines()
    assert len(message) == 1 and words in message[0], result.output
    assert "report/chats.en.docx" in message[0]  # the file as the user knows it, not the staging copy
    assert snapshot(report) == before                    # not one byte of the previous report changed
    assert not list(report.glob(".building-*"))


def test_a_killed_build_s_staging_folder_is_removed_by_the_next_build(built_chat_study: Path, run):
    finished = subprocess.Popen(["true"])
    finished.wait()  # a process id that no longer runs, like that of a killed build
    abandoned = built_chat_study / "report" / f".building-{finished.pid}"
    (abandoned / "figures").mkdir(parents=True)
    (abandoned / "report.docx").write_bytes(b"half")
    assert run("build", built_chat_study).exit_code == 0
    assert not abandoned.exists()
    assert (built_chat_study / "report" / "report.docx").read_bytes()[:2] == b"PK"
