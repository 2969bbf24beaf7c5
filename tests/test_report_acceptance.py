"""Issue 13's "done when": both editions of the demo report as a reader gets them, rendered to PDF by LibreOffice.

One conversion per edition (module fixture) serves every check:
page numbers on every page after the title page, no internal id in the
reader's text, and, on the Word files themselves, an alt text on every
picture. French typography and the citation/reference check have their own
files (tests/test_typography.py, tests/test_references.py), which read the
same built demo.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

EDITIONS = ("report", "rapport")

# An id as code writes it: snake_case (median_latency_min, power_5), a dotted code id (inclusivity.equal_voice),
# a Python format field ({group}) or a printf placeholder (%s). File names and web addresses are reader text.
_SNAKE = re.compile(r"\b[A-Za-z][A-Za-z0-9]*_[A-Za-z0-9_]+\b")
_DOTTED = re.compile(r"\b[a-z][a-z0-9]*\.[a-z][a-z0-9_]*[a-z0-9]\b")
_FORMAT = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}|%\(?[a-z]*\)?[sd]\b")
_ADDRESS = re.compile(r"(?:https?://|doi\.org/|www\.)\S+|\S+@\S+")
_FILE = re.compile(r"\S+\.(?:docx|xlsx|json|csv|sav|pdf|png|yaml|sqlite|qdpx|qdc|txt|zip|key|py)\b")
_ABBREVIATIONS = {"e.g", "i.e", "et.al", "vs", "cf"}


def id_like_tokens(text: str) -> list[str]:
    """Tokens of ``text`` shaped like code ids, after removing addresses and file names.

    >>> id_like_tokens("higher median_latency_min, see results.json and https://doi.org/10.1/a_b; e.g. x")
    ['median_latency_min']
    >>> id_like_tokens("presence: inclusivity.equal_voice ({group})")
    ['inclusivity.equal_voice', 'equal_voice', '{group}']
    """
    text = _FILE.sub(" ", _ADDRESS.sub(" ", text))
    found = [m.group(0) for m in _SNAKE.finditer(text)]
    found += [m.group(0) for m in _DOTTED.finditer(text) if m.group(0).casefold() not in _ABBREVIATIONS]
    found += [m.group(0) for m in _FORMAT.finditer(text)]
    return sorted(set(found), key=text.find)


@pytest.fixture(scope="module")
def pages(built_demo: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """Each edition's PDF pages as text (LibreOffice + pdftotext), or a skip where they are not installed."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None or shutil.which("pdftotext") is None:
        pytest.skip("LibreOffice or pdftotext is not installed (.ci/run installs both)")
    out = tmp_path_factory.mktemp("pdf")
    documents = [str(built_demo / "report" / f"{name}.docx") for name in EDITIONS]
    profile = f"-env:UserInstallation={(out / 'lo-profile').as_uri()}"  # its own, for parallel test workers
    subprocess.run([soffice, profile, "--headless", "--convert-to", "pdf", "--outdir", str(out), *documents],
                   check=True, capture_output=True, timeout=600)
    result = {}
    for name in EDITIONS:
        text = subprocess.run(["pdftotext", "-layout", str(out / f"{name}.pdf"), "-"],
                              capture_output=True, text=True, check=True).stdout
        result[name] = text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")
    return result


@pytest.mark.parametrize("edition", EDITIONS)
def test_every_page_after_the_title_page_shows_its_number(pages, edition: str):
    document = pages[edition]
    assert len(document) >= 10
    unnumbered = []
    for number, page in enumerate(document, start=1):
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        if number == 1:
            continue  # the title page has no header or footer
        if not lines or not re.search(rf"(?<!\d){number}(?!\d)", lines[-1]):
            unnumbered.append((number, lines[-1] if lines else ""))
    assert unnumbered == []


@pytest.mark.parametrize("edition", EDITIONS)
def test_no_internal_id_in_the_readers_text(pages, edition: str):
    offending = {}
    for number, page in enumerate(pages[edition], start=1):
        # Words hyphenated across lines are joined first, so "median_latency_" + "min" is still caught.
        joined = re.sub(r"(\w)-?\n\s*", r"\1 ", page)
        tokens = id_like_tokens(joined)
        if tokens:
            offending[number] = tokens
    assert offending == {}


@pytest.mark.parametrize("edition", EDITIONS)
def test_every_picture_has_an_alt_text(built_demo: Path, edition: str):
    from docx import Document
    from docx.oxml.ns import qn

    document = Document(str(built_demo / "report" / f"{edition}.docx"))
    pictures = document.element.body.iter(qn("wp:docPr"))
    described = [(p.get("name"), (p.get("descr") or "").strip()) for p in pictures]
    assert len(described) >= 3
    assert [name for name, text in described if len(text) < 20] == []
