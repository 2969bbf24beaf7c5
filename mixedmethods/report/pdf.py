"""PDFs of the report rendered by LibreOffice, with the contents' page numbers filled in (``build --pdf``).

Word computes the page numbers of a table of contents itself; LibreOffice shows a TOC field's cached
result as it is. So the whole report is rendered twice: once to read on which page each heading and each
caption fell (``pdftotext -layout``, page by page), then again after those numbers are written into the
cached results of the contents and of the lists of tables and figures (so the .docx carries them too).
The numbers do not change the layout: each entry already held a placeholder number on the same line.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Callable, Iterable

from .apparatus import ENTRY_STYLES

INSTALL_HINT = "install it (Debian/Ubuntu: apt-get install libreoffice-writer-nogui poppler-utils; " \
               "macOS: brew install --cask libreoffice && brew install poppler)"
RENDER_TIMEOUT = 600  # seconds for one LibreOffice run over every document
_CAPTION_ENTRY = re.compile(r"^(.+? \d+)\. ")


def soffice() -> str | None:
    """The LibreOffice program, if installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def check_tools() -> None:
    """Raise :class:`~mixedmethods.errors.OutputError` (one line) unless LibreOffice and pdftotext are installed."""
    from ..errors import OutputError

    if soffice() is None:
        raise OutputError(f"--pdf needs LibreOffice (the soffice program), which is not installed; {INSTALL_HINT}")
    if shutil.which("pdftotext") is None:
        raise OutputError("--pdf needs pdftotext (poppler-utils) to read the rendered pages, which is not "
                          f"installed; {INSTALL_HINT}")


def render(documents: list[Path], out: Path) -> list[Path]:
    """Convert ``documents`` to PDF in ``out`` with one LibreOffice run; returns the PDFs in the same order.

    LibreOffice gets a profile of its own, so the conversion works while the user has LibreOffice open.
    """
    from ..errors import OutputError

    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="mixedmethods-lo-") as profile:
        try:
            done = subprocess.run([soffice(), f"-env:UserInstallation={Path(profile).as_uri()}", "--headless",
                                   "--convert-to", "pdf", "--outdir", str(out), *map(str, documents)],
                                  capture_output=True, text=True, timeout=RENDER_TIMEOUT)
        except subprocess.TimeoutExpired:
            raise OutputError(f"LibreOffice did not finish the PDFs within {RENDER_TIMEOUT} s",
                              file=str(documents[0].parent)) from None
    pdfs = [out / (document.stem + ".pdf") for document in documents]
    for document, pdf in zip(documents, pdfs):
        if not pdf.is_file():
            message = (done.stderr or done.stdout).strip().splitlines()
            raise OutputError(f"LibreOffice did not convert {document.name} to PDF (exit code {done.returncode}"
                              f"{': ' + message[-1] if message else ''})", file=document.name)
    return pdfs


def page_texts(pdf: Path) -> list[str]:
    """The text of each page of ``pdf``, laid out as printed (one string per page)."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    pages = text.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def find_pages(targets: list[str], pages: list[str]) -> list[int | None]:
    """The page number (1-based) of each target, searched in order: each on or after the previous one's page.

    A target is found where it stands alone on its line(s): a heading may wrap over lines; a contents line
    ("Survey ........ 4") or a sentence mentioning "Table 3" does not match. None where it is not found.
    """
    lines = ["\n".join(line.strip() for line in page.splitlines()) for page in pages]
    found: list[int | None] = []
    start = 0
    for target in targets:
        words = target.split()
        pattern = re.compile(r"(?:^|\n)" + r"\s+".join(map(re.escape, words)) + r"[ \t]*(?:\n|$)")
        page = next((index for index in range(start, len(lines)) if pattern.search(lines[index])), None)
        found.append(None if page is None else page + 1)
        if page is not None:
            start = page
    return found


def _entries(document) -> list[list]:
    """The entry paragraphs of ``document`` (python-docx), one list per contents or list block."""
    styles = set(ENTRY_STYLES.values())
    blocks: list[list] = []
    previous = None
    for paragraph in document.paragraphs:
        style = paragraph.style.name if paragraph.style is not None else None
        if style in styles and "\t" in paragraph.text:
            kind = "list" if style == ENTRY_STYLES["list"] else "contents"
            if kind != previous or not blocks or _opens_field(paragraph):
                blocks.append([])
            blocks[-1].append(paragraph)
            previous = kind
        else:
            previous = None
    return blocks


def _opens_field(paragraph) -> bool:
    from docx.oxml.ns import qn

    return any(c.get(qn("w:fldCharType")) == "begin" for c in paragraph._p.iter(qn("w:fldChar")))


def _placeholder_numbers(document_path: Path) -> None:
    """Give every contents and list entry of ``document_path`` a provisional page number for the first render.

    The .docx leaves entries without a number until they are known, so that a reader never sees a wrong one;
    for the render that finds the pages, an entry must not stand alone on its line like the heading it names.
    """
    from docx import Document

    document = Document(str(document_path))
    for block in _entries(document):
        for paragraph in block:
            number = next(run for run in reversed(paragraph.runs) if "\t" in run.text)
            number.text = number.text.rsplit("\t", 1)[0] + "\t0"
    document.save(str(document_path))


def fill_page_numbers(document_path: Path, pdf: Path) -> int:
    """Write the pages on which ``pdf`` shows each heading and caption into the contents of ``document_path``.

    Returns how many entries got a page number (an entry not found keeps no number).
    """
    from docx import Document
    from docx.enum.text import WD_TAB_LEADER

    document = Document(str(document_path))
    pages = page_texts(pdf)
    filled = 0
    for block in _entries(document):
        texts = [paragraph.text.rsplit("\t", 1)[0] for paragraph in block]
        targets = [(_CAPTION_ENTRY.match(t) or re.match(r"(.*)", t)).group(1)
                   if paragraph.style.name == ENTRY_STYLES["list"] else t
                   for paragraph, t in zip(block, texts)]
        for paragraph, page in zip(block, find_pages(targets, pages)):
            number = next(run for run in reversed(paragraph.runs) if "\t" in run.text)
            number.text = number.text.rsplit("\t", 1)[0] + "\t" + ("" if page is None else str(page))
            if page is not None:
                for stop in paragraph.paragraph_format.tab_stops:
                    stop.leader = WD_TAB_LEADER.DOTS
            filled += page is not None
    document.save(str(document_path))
    return filled


def write_pdfs(documents: list[Path], with_contents: list[Path],
               progress: Callable[[Iterable], Iterable] | None = None) -> list[Path]:
    """A PDF next to each of ``documents``; those in ``with_contents`` get their page numbers filled first.

    Returns the PDFs written.
    """
    with tempfile.TemporaryDirectory(prefix="mixedmethods-pdf-") as scratch:
        first = Path(scratch) / "first"
        steps: list[tuple[str, Callable[[], None]]] = [
            ("number placeholders", lambda: [_placeholder_numbers(d) for d in with_contents]),
            ("render", lambda: render(documents, first))]
        for document in with_contents:
            steps.append((document.name, lambda d=document: fill_page_numbers(d, first / (d.stem + ".pdf"))))
        steps.append(("render again", lambda: render(with_contents, Path(scratch) / "second") if with_contents
                      else None))
        for _, step in (progress(steps) if progress else steps):
            step()
        written = []
        for document in documents:
            rendered = Path(scratch) / ("second" if document in with_contents else "first") / (document.stem + ".pdf")
            target = document.with_suffix(".pdf")
            shutil.move(str(rendered), target)
            written.append(target)
    return written
