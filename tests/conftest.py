"""Shared fixtures: a demo study built once per session, copied for tests that change it."""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from mixedmethods.cli import cli

# Builds run their steps in one process here: the suite already runs tests side by side (pytest-xdist), and a
# build forking children from a test worker that holds gigabytes costs more system time than it saves. The
# session's demo build runs side by side (--jobs 3), as a user's does, and tests/test_outputs.py compares it
# with a build in one process; tests/test_workers.py tests the processes themselves.
os.environ.setdefault("MIXEDMETHODS_JOBS", "1")


@pytest.fixture(scope="session")
def demo_study(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo study (seed 7), imported. Treat as read-only; use ``fresh_demo`` to change it."""
    root = tmp_path_factory.mktemp("demo") / "study"
    result = CliRunner().invoke(cli, ["demo", str(root), "--seed", "7"])
    assert result.exit_code == 0, result.output
    return root


@pytest.fixture(scope="session")
def demo_build(demo_study: Path, tmp_path_factory: pytest.TempPathFactory):
    """(root, click Result) of the one session build of the demo, for tests that read what ``build`` printed."""
    root = tmp_path_factory.mktemp("built-demo") / "study"
    shutil.copytree(demo_study, root)
    result = CliRunner().invoke(cli, ["build", str(root), "--jobs", "3"])
    assert result.exit_code == 0, result.output
    return root, result


@pytest.fixture(scope="session")
def built_demo(demo_build) -> Path:
    """The demo study built once (both languages) for every test that only reads its outputs; copy it to change it."""
    return demo_build[0]


@pytest.fixture
def built_copy(built_demo: Path, tmp_path: Path) -> Path:
    """A private copy of the built demo, to change (copytree keeps every file's modification time, as a backup or a
    move does)."""
    target = tmp_path / "study"
    shutil.copytree(built_demo, target)
    return target


@pytest.fixture
def fresh_demo(demo_study: Path, tmp_path: Path) -> Path:
    """A private copy of the imported demo study."""
    target = tmp_path / "study"
    shutil.copytree(demo_study, target)
    return target


@pytest.fixture
def run():
    """Invoke the CLI; returns the click Result (stderr kept apart)."""

    def invoke(*args: str):
        return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)

    return invoke


@pytest.fixture
def query():
    """Run SQL against a study's store and close the connection afterwards."""
    opened: list[sqlite3.Connection] = []

    def execute(root: Path, sql: str, params: tuple = ()) -> list[tuple]:
        conn = sqlite3.connect(root / "store.sqlite")
        opened.append(conn)
        return [tuple(r) for r in conn.execute(sql, params).fetchall()]

    yield execute
    for conn in opened:
        conn.close()


SMALL_PEOPLE = ("participant_id,name,phone,email,group,invitation_code\n"
                "P-ANA00001,Ana Pérez,+1 246 555 0101,ana@example.org,caricom,AAA111\n"
                "P-BRUNO002,Bruno Lefèvre,+1 212 555 0102,bruno@example.org,sixth-committee,BBB222\n")


@pytest.fixture
def small_study(tmp_path: Path) -> Path:
    """A new study (bundled instruments) with two listed participants, Ana (CARICOM) and Bruno (Sixth Committee)."""
    from mixedmethods.study import init_study

    root = tmp_path / "study"
    init_study(root)
    (root / "private" / "participants.csv").write_text(SMALL_PEOPLE, encoding="utf-8")
    return root


@pytest.fixture
def pdf_text(tmp_path: Path):
    """Convert a .docx to PDF with LibreOffice and return the PDF's text (skips without LibreOffice)."""
    import subprocess

    def convert(document: Path) -> str:
        soffice = shutil.which("soffice") or shutil.which("libreoffice")
        if soffice is None:
            pytest.skip("LibreOffice is not installed (CI installs it)")
        # A profile of its own, so that conversions in parallel test workers do not share (and lock) one.
        profile = f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}"
        subprocess.run([soffice, profile, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
                        str(document)], check=True, capture_output=True, timeout=300)
        pdf = tmp_path / (document.stem + ".pdf")
        assert pdf.stat().st_size > 10_000
        if shutil.which("pdftotext") is None:
            pytest.skip("pdftotext is not installed")
        return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout

    return convert
