"""Where the bundled instruments and templates are, installed or in a checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _find(name: str) -> Path:
    # A wheel carries them inside the package (pyproject force-include); an
    # editable install or a checkout has them at the top of the repository.
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"bundled folder {name!r} is missing from this installation of mixedmethods")


def instruments_dir() -> Path:
    """The default instruments (questionnaire, codebook, constructs)."""
    return _find("instruments")


def templates_dir() -> Path:
    """report.docx and the chapter texts per language."""
    return _find("templates")
