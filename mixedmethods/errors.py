"""The one exception family a user can cause.

Every error that stems from the user's files or options (a bad study.yaml, an
unreadable export, an unknown column) is a :class:`UserError`. The CLI prints
it as one line and exits with code 2; library users catch it like any other
exception. Programming errors stay ordinary exceptions with tracebacks.
"""

from __future__ import annotations

from pathlib import Path


class UserError(Exception):
    """A problem in the user's files or options, described in one line.

    Parameters
    ----------
    message
        What was expected and what was found, e.g. ``"expected an integer, got 'five'"``.
    file
        The file at fault, if any.
    line, row
        1-based line (text files, YAML) or spreadsheet row, if known.
    column
        Column name or letter (tables) or key (YAML), if known.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | Path | None = None,
        line: int | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.message = message
        self.file = str(file) if file is not None else None
        self.line = line
        self.row = row
        self.column = column
        super().__init__(self.one_line())

    def one_line(self) -> str:
        """Return ``file, line N, column C: message`` with the known parts."""
        where = []
        if self.file:
            where.append(self.file)
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        text = " ".join(self.message.split())  # one line, whatever the message held
        return f"{', '.join(where)}: {text}" if where else text


class ConfigError(UserError):
    """study.yaml (or another configuration file) is invalid."""


class InstrumentError(UserError):
    """A questionnaire or codebook file is invalid."""


class InputFileError(UserError):
    """A raw data file cannot be read as the expected export."""


class PrivacyError(UserError):
    """The private key or participants list is missing or invalid."""


class StoreError(UserError):
    """The study store is missing, newer than this tool, or otherwise unusable."""


class OutputError(UserError):
    """An output cannot be written (disk full, read-only folder, a file locked by another program)."""
