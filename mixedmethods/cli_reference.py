"""Generate docs/cli.md from the commands' own --help, so the reference never drifts.

    python -m mixedmethods.cli_reference > docs/cli.md
"""

from __future__ import annotations

import click
from click.testing import CliRunner

from .cli import cli


def _commands(group: click.Group, prefix: list[str]) -> list[list[str]]:
    found = []
    for name in sorted(group.commands):
        command = group.commands[name]
        path = [*prefix, name]
        found.append(path)
        if isinstance(command, click.Group):
            found.extend(_commands(command, path))
    return found


def reference() -> str:
    """Markdown with the --help text of every command."""
    runner = CliRunner()
    parts = ["# Command reference", "",
             "Generated from `--help` by `python -m mixedmethods.cli_reference > docs/cli.md`; a test checks "
             "that it is current.", "", "## mixedmethods", "", "```",
             runner.invoke(cli, ["--help"], prog_name="mixedmethods", terminal_width=100).output.rstrip(), "```", ""]
    for path in _commands(cli, []):
        text = runner.invoke(cli, [*path, "--help"], prog_name="mixedmethods", terminal_width=100).output.rstrip()
        parts += [f"## mixedmethods {' '.join(path)}", "", "```", text, "```", ""]
    return "\n".join(parts)


if __name__ == "__main__":
    print(reference(), end="")
