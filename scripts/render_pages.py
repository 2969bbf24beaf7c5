#!/usr/bin/env python3
"""Render the demo report's pages as PNG images for the docs (docs/pages/).

One command regenerates every page image after the report changed::

    python scripts/render_pages.py                 # demo study, 75 dpi, into docs/pages/
    python scripts/render_pages.py --dpi 60        # smaller files, tables harder to read
    python scripts/render_pages.py --study my-study --out /tmp/pages --no-build

What it does, in order:

1. writes the demo study into a temporary folder (``mixedmethods demo``), or takes
   ``--study DIR``;
2. builds it (``mixedmethods build``; ``--no-build`` renders the report as it is);
3. converts each whole report (``report.docx`` in English, ``rapport.docx`` in French)
   to PDF with LibreOffice (``soffice --headless --convert-to pdf``);
4. renders the pages with poppler (``pdftoppm -png -r DPI``) as ``en-01.png`` ... and
   ``fr-01.png`` ..., shrunk to a palette of colours when Pillow is importable (it is:
   matplotlib needs it) and by ``optipng`` when that is installed;
5. replaces the page images of an earlier run in the output folder (stale pages of a
   longer report are removed) and writes its ``README.md``: the page images, the headings
   that start on each page, the command, the tool versions and the date;
6. points the page images embedded in ``docs/walkthrough.md`` at the pages they show:
   an image preceded by ``<!-- page: en "Executive Summary" -->`` is set to the last page
   of that edition on which a line reads exactly "Executive Summary" (so a heading listed
   on the contents page still finds its section). Only when writing to docs/pages/ (or
   with ``--walkthrough FILE``).

Needs LibreOffice (Debian: libreoffice-writer-nogui) and poppler (Debian:
poppler-utils); a missing one is named in a one-line error with exit code 2. Runs the
mixedmethods of this checkout (the folder above ``scripts/``), not an installed one.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "docs" / "pages"
DEFAULT_WALKTHROUGH = REPO / "docs" / "walkthrough.md"
# The whole report of each edition: a copy of mixedmethods.report.build.WHOLE_NAMES
# (tests/test_walkthrough.py checks they agree), so --help and the tool checks run at once.
EDITIONS = {"en": "report.docx", "fr": "rapport.docx"}
PAGE_IMAGE = re.compile(r"^([a-z]{2})-(\d+)\.png$")
MARKER = re.compile(r'(<!--\s*page:\s*([a-z]{2})\s+"([^"]+)"\s*-->\s*\n!\[[^\]]*\]\()([^)\s]*?)([a-z]{2}-\d+\.png)(\))')
TOOLS = {"soffice": "libreoffice-writer-nogui", "pdftoppm": "poppler-utils", "pdftotext": "poppler-utils"}


class RenderError(Exception):
    """A step could not run; the message is one line for the user."""


def find_tool(name: str) -> str:
    """Path of an external program, or a RenderError naming the Debian package that has it."""
    found = shutil.which(name) or (shutil.which("libreoffice") if name == "soffice" else None)
    if found is None:
        package = TOOLS[name]
        raise RenderError(f"{name} not found: install the Debian package {package} "
                          f"(sudo apt-get install {package})")
    return found


def run(command: list[str], what: str, **kwargs) -> subprocess.CompletedProcess:
    """Run a program; a failure becomes a RenderError with the last line it printed."""
    done = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if done.returncode != 0:
        said = (done.stderr.strip() or done.stdout.strip() or "no output").splitlines()[-1]
        raise RenderError(f"{what} failed (exit {done.returncode}): {said}")
    return done


def mixedmethods(*args: str) -> None:
    """Run a mixedmethods command of this checkout, showing what it prints."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
    print("$ mixedmethods " + " ".join(args), flush=True)
    done = subprocess.run([sys.executable, "-m", "mixedmethods.cli", *args], env=env)
    if done.returncode != 0:
        raise RenderError(f"mixedmethods {args[0]} failed (exit {done.returncode}); its message is above")


def to_pdf(soffice: str, documents: list[Path], out: Path, profile: Path) -> None:
    """Convert .docx files to PDF with LibreOffice, in its own profile.

    A private profile lets the conversion run while another LibreOffice is open (with the
    shared profile a second soffice hands its work to the first and returns at once).
    """
    run([soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless",
         "--convert-to", "pdf", "--outdir", str(out), *map(str, documents)],
        "LibreOffice (soffice --convert-to pdf)", timeout=600)
    for document in documents:
        if not (out / (document.stem + ".pdf")).is_file():
            raise RenderError(f"LibreOffice wrote no PDF for {document.name}")


def render(pdftoppm: str, pdf: Path, language: str, out: Path, dpi: int, scale_to: int | None) -> list[Path]:
    """Render every page of a PDF as ``<language>-NN.png`` in out; returns them in page order."""
    command = [pdftoppm, "-png", "-r", str(dpi)]
    if scale_to:
        command += ["-scale-to", str(scale_to)]
    raw = out / f"raw-{language}"
    raw.mkdir()
    run(command + [str(pdf), str(raw / "page")], f"pdftoppm on {pdf.name}")
    pages = []
    # pdftoppm pads the page number to the page count's width (page-1 or page-01); make it
    # always two digits or more, so the names sort in page order.
    for image in raw.glob("page-*.png"):
        number = int(image.stem.rsplit("-", 1)[1])
        target = out / f"{language}-{number:02d}.png"
        image.rename(target)
        pages.append((number, target))
    if not pages:
        raise RenderError(f"pdftoppm rendered no page of {pdf.name}")
    return [path for _, path in sorted(pages)]


def shrink(images: list[Path]) -> str:
    """Make the PNGs smaller without visible loss; returns how, for the README."""
    how = []
    try:
        from PIL import Image
    except ImportError:  # Pillow comes with matplotlib, but the script works without it
        Image = None
    if Image is not None:
        for image in images:
            with Image.open(image) as page:
                # Text pages use a few greys and the figures a few colours: 64 exact-ish
                # colours without dithering keep edges sharp at a third of the size.
                small = page.convert("RGB").quantize(colors=64, method=Image.Quantize.MEDIANCUT,
                                                     dither=Image.Dither.NONE)
            small.save(image, optimize=True)
        how.append("64-colour palette (Pillow)")
    optipng = shutil.which("optipng")
    if optipng:
        run([optipng, "-quiet", "-o2", *map(str, images)], "optipng")
        how.append("optipng")
    return ", ".join(how)


def page_texts(pdftotext: str, pdf: Path) -> list[str]:
    """The text of each page (pdftotext separates pages by form feeds)."""
    text = run([pdftotext, "-enc", "UTF-8", str(pdf), "-"], f"pdftotext on {pdf.name}").stdout
    pages = text.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def headings_by_page(pdf: Path) -> dict[int, list[str]]:
    """Headings (the PDF's bookmarks) that start on each page; empty when pdftohtml is missing."""
    pdftohtml = shutil.which("pdftohtml")
    if pdftohtml is None:
        return {}
    xml = run([pdftohtml, "-xml", "-i", "-q", "-stdout", str(pdf)], f"pdftohtml on {pdf.name}").stdout
    found: dict[int, list[str]] = {}
    for item in ET.fromstring(xml).iter("item"):
        if item.get("page") and (item.text or "").strip():
            found.setdefault(int(item.get("page")), []).append(" ".join(item.text.split()))
    return found


def page_with_line(texts: list[str], phrase: str) -> int | None:
    """Number of the last page on which a whole line reads ``phrase`` (case and spacing ignored)."""
    wanted = " ".join(phrase.split()).casefold()
    last = None
    for number, text in enumerate(texts, start=1):
        if any(" ".join(line.split()).casefold() == wanted for line in text.splitlines()):
            last = number
    return last


def point_walkthrough(walkthrough: Path, texts: dict[str, list[str]], pages_dir: Path) -> list[str]:
    """Set each marked page image of the walkthrough to the page showing its phrase; returns warnings."""
    warnings: list[str] = []

    def replace(match: re.Match) -> str:
        language, phrase = match.group(2), match.group(3)
        number = page_with_line(texts.get(language, []), phrase)
        if number is None:
            warnings.append(f'{walkthrough.name}: no page of the {language} edition has a line "{phrase}"; '
                            f"its image still shows {match.group(5)}")
            return match.group(0)
        image = f"{language}-{number:02d}.png"
        if not (pages_dir / image).is_file():
            warnings.append(f"{walkthrough.name}: {image} was not rendered")
            return match.group(0)
        return match.group(1) + match.group(4) + image + match.group(6)

    text = walkthrough.read_text(encoding="utf-8")
    updated = MARKER.sub(replace, text)
    if updated != text:
        walkthrough.write_text(updated, encoding="utf-8")
    return warnings


def versions(soffice: str, pdftoppm: str) -> str:
    """mixedmethods (and the checkout's commit), LibreOffice and poppler versions, for the README."""
    sys.path.insert(0, str(REPO))
    from mixedmethods import __version__

    tool = f"mixedmethods {__version__}"
    # The last commit that changed what makes the report (docs and tests do not change a page).
    report_code = ["--", "mixedmethods", "templates", "instruments"]
    commit = subprocess.run(["git", "-C", str(REPO), "log", "-1", "--format=%h", *report_code],
                            capture_output=True, text=True)
    if commit.returncode == 0 and commit.stdout.strip():
        dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no", *report_code],
                               capture_output=True, text=True).stdout.strip()
        tool += f" (report code of commit {commit.stdout.strip()}{', with uncommitted changes' if dirty else ''})"
    office = subprocess.run([soffice, "--version"], capture_output=True, text=True).stdout.split()
    office_version = " ".join(office[:2]) if office else "LibreOffice"
    poppler = subprocess.run([pdftoppm, "-v"], capture_output=True, text=True)
    said = (poppler.stderr or poppler.stdout).strip()
    poppler_version = said.splitlines()[0] if said else "pdftoppm"
    return f"{tool}, {office_version}, {poppler_version}"


def first_line(texts: list[str], number: int) -> str:
    """A page's first line of text, in italics, for a page on which no heading starts."""
    lines = [" ".join(line.split()) for line in texts[number - 1].splitlines()] if number <= len(texts) else []
    line = next((line for line in lines if line), "")
    if len(line) > 60:
        line = line[:59].rstrip() + "…"
    for markdown, escaped in (("\\", "\\\\"), ("|", "\\|"), ("*", "\\*"), ("_", "\\_"), ("<", "&lt;")):
        line = line.replace(markdown, escaped)
    return f"*{line}*" if line else "(no text)"


def write_index(out: Path, pages: dict[str, list[Path]], headings: dict[str, dict[int, list[str]]],
                texts: dict[str, list[str]], command: str, made_with: str, shrunk: str, resolution: str) -> None:
    """docs/pages/README.md: every page image of each edition, with the headings starting on it
    (or, where none starts, the page's first line of text in italics)."""
    total = sum(p.stat().st_size for images in pages.values() for p in images)
    lines = [
        "# Pages of the demo report",
        "",
        "Every page of the demo study's whole report as LibreOffice prints it: `report.docx`",
        "(English, `en-NN.png`) and `rapport.docx` (French, `fr-NN.png`). The",
        "[walkthrough](../walkthrough.md) shows how the report is made and embeds a few of these pages.",
        "",
        "Generated; do not edit. Regenerate with:",
        "",
        "```bash",
        command,
        "```",
        "",
        f"Made on {dt.datetime.now(dt.timezone.utc):%Y-%m-%d} (UTC) with {made_with};",
        f"{resolution}{', ' + shrunk if shrunk else ''}; {sum(map(len, pages.values()))} pages, "
        f"{total / 1e6:.1f} MB.",
    ]
    titles = {"en": "English edition (report.docx)", "fr": "French edition (rapport.docx)"}
    for language, images in pages.items():
        lines += ["", f"## {titles.get(language, language)}, {len(images)} pages", "",
                  "| Page | Headings starting on it |", "|---|---|"]
        for number, image in enumerate(images, start=1):
            starts = "; ".join(headings.get(language, {}).get(number, [])) or first_line(texts[language], number)
            lines.append(f'| <a href="{image.name}"><img src="{image.name}" width="240" '
                         f'alt="{language} page {number}"></a><br>{image.name} | {starts} |')
    (out / "README.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def replace_pages(out: Path, new: list[Path]) -> None:
    """Copy the new page images into out and remove page images of an earlier run."""
    out.mkdir(parents=True, exist_ok=True)
    keep = {p.name for p in new}
    for old in out.glob("*.png"):
        if PAGE_IMAGE.match(old.name) and old.name not in keep:
            old.unlink()
    for image in new:
        shutil.copyfile(image, out / image.name)


def the_command(argv: list[str]) -> str:
    """The command line that made the pages, for the README."""
    return " ".join(["python scripts/render_pages.py", *argv])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Render the demo report's pages (report.docx, rapport.docx) as PNG images for the docs.")
    parser.add_argument("--study", type=Path, help="render this study folder instead of a new demo study")
    parser.add_argument("--no-build", action="store_true", help="with --study: render its report as it is")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder of the page images (default: docs/pages)")
    parser.add_argument("--dpi", type=int, default=75,
                        help="resolution of the page images (default: 75: table text stays readable, "
                             "about 30 kB a page)")
    parser.add_argument("--scale-to", type=int, default=None, metavar="PX",
                        help="scale each page so its longer side is PX pixels (overrides --dpi)")
    parser.add_argument("--walkthrough", type=Path, default=None,
                        help="point this walkthrough's marked page images at their pages "
                             "(default: docs/walkthrough.md when --out is docs/pages)")
    args = parser.parse_args(argv)
    argv = sys.argv[1:] if argv is None else argv
    if not 20 <= args.dpi <= 300:
        parser.error("--dpi must be between 20 and 300")
    if args.no_build and args.study is None:
        parser.error("--no-build needs --study")
    try:
        soffice, pdftoppm, pdftotext = (find_tool(n) for n in ("soffice", "pdftoppm", "pdftotext"))
        with tempfile.TemporaryDirectory(prefix="render-pages-") as tmp_name:
            tmp = Path(tmp_name)
            study = args.study.resolve() if args.study else tmp / "demo-study"
            if args.study is None:
                mixedmethods("demo", str(study))
            elif not (study / "study.yaml").is_file():
                raise RenderError(f"{args.study}: not a study folder (no study.yaml)")
            if not args.no_build:  # --pdf writes the page numbers into the contents of the .docx too
                mixedmethods("build", str(study), "--pdf")
            documents = {lang: study / "report" / name for lang, name in EDITIONS.items()
                         if (study / "report" / name).is_file()}
            if not documents:
                raise RenderError(f"{study / 'report'}: no {' or '.join(EDITIONS.values())}; run mixedmethods build")
            pdfs = tmp / "pdf"
            pdfs.mkdir()
            print("converting " + ", ".join(p.name for p in documents.values()) + " to PDF with LibreOffice",
                  flush=True)
            to_pdf(soffice, list(documents.values()), pdfs, tmp / "lo-profile")
            images = tmp / "png"
            images.mkdir()
            pages, texts, headings = {}, {}, {}
            for language, document in documents.items():
                pdf = pdfs / (document.stem + ".pdf")
                pages[language] = render(pdftoppm, pdf, language, images, args.dpi, args.scale_to)
                texts[language] = page_texts(pdftotext, pdf)
                headings[language] = headings_by_page(pdf)
            every_page = [p for group in pages.values() for p in group]
            shrunk = shrink(every_page)
            out = args.out.resolve()
            replace_pages(out, every_page)
            kept = {lang: [out / p.name for p in group] for lang, group in pages.items()}
            write_index(out, kept, headings, texts, the_command(argv), versions(soffice, pdftoppm), shrunk,
                        f"scaled to {args.scale_to} px" if args.scale_to else f"{args.dpi} dpi")
        walkthrough = args.walkthrough or (DEFAULT_WALKTHROUGH if out == DEFAULT_OUT.resolve() else None)
        warnings = point_walkthrough(walkthrough, texts, out) if walkthrough and walkthrough.is_file() else []
    except RenderError as error:
        print(f"Error: {error}", file=sys.stderr)
        return 2
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    total = sum(p.stat().st_size for group in kept.values() for p in group)
    print(f"wrote {sum(map(len, kept.values()))} page images ({total / 1e6:.1f} MB) and README.md to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
