"""The command line: help with examples, version, fast start, quiet in a pipe."""

from __future__ import annotations

import subprocess
import sys

import pytest

from mixedmethods import __version__
from mixedmethods.cli import cli

COMMANDS = [["init"], ["demo"], ["import"], ["status"], ["rejects"], ["build"], ["instrument"],
            ["instrument", "convert"], ["interviews"], ["interviews", "export-qdpx"], ["chats"], ["chats", "inspect"]]


@pytest.mark.parametrize("command", COMMANDS, ids=[" ".join(c) for c in COMMANDS])
def test_every_command_has_help_with_an_example(run, command):
    result = run(*command, "--help")
    assert result.exit_code == 0
    assert "Example" in result.output and "mixedmethods " + command[0] in result.output


def test_version(run):
    assert run("--version").output.strip() == f"mixedmethods, version {__version__}"


def test_help_imports_no_heavy_library():
    code = ("import sys\nfrom click.testing import CliRunner\nfrom mixedmethods.cli import cli\n"
            "CliRunner().invoke(cli, ['--help'])\n"
            "print(sorted(m for m in ('pandas', 'pingouin', 'docx', 'matplotlib', 'openpyxl', 'scipy') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_progress_is_quiet_in_a_pipe(demo_build):
    # The session's one build ran in a pipe (CliRunner's streams are no terminal): its output is what a log shows.
    _, result = demo_build
    assert result.exit_code == 0
    assert "[#" not in result.output and "%" not in result.stderr
    assert result.output.splitlines()[0] == "wrote report/survey.en.docx"


def test_cli_group_is_importable_for_notebooks():
    assert cli.name in ("cli", "mixedmethods")


def test_docs_cli_reference_is_current():
    from pathlib import Path

    from mixedmethods.cli_reference import reference

    docs = Path(__file__).resolve().parents[1] / "docs" / "cli.md"
    assert docs.read_text(encoding="utf-8") == reference(), "run: python -m mixedmethods.cli_reference > docs/cli.md"
