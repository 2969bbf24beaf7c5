"""The walkthrough works as written: its commands run in order, the files it names are written,
and the page images it shows (docs/pages/, made by scripts/render_pages.py) are all there."""

from __future__ import annotations

import importlib.util
import re
import shlex
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from mixedmethods.cli import cli

REPO = Path(__file__).resolve().parent.parent
WALKTHROUGH = REPO / "docs" / "walkthrough.md"
PAGES = REPO / "docs" / "pages"
BLOCK = re.compile(r"(<!--\s*walkthrough-test:\s*check only\s*-->\s*\n)?```bash\n(.*?)```", re.S)


def render_pages_module():
    """scripts/render_pages.py as a module (scripts/ is not a package)."""
    spec = importlib.util.spec_from_file_location("render_pages", REPO / "scripts" / "render_pages.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("render_pages", module)
    spec.loader.exec_module(module)
    return module


def walkthrough_steps(text: str) -> list[tuple[bool, list[str], str]]:
    """Every command line of the ```bash blocks, in order: (check only?, words, the line as written).

    A block preceded by ``<!-- walkthrough-test: check only -->`` needs the reader's own files:
    its mixedmethods commands are checked (command, options, arguments) but not run.
    """
    steps = []
    for marker, block in BLOCK.findall(text):
        for line in block.replace("\\\n", " ").splitlines():
            words = shlex.split(line, comments=True)
            while words:  # a && b: two commands
                command, words = (words[:words.index("&&")], words[words.index("&&") + 1:]) \
                    if "&&" in words else (words, [])
                steps.append((bool(marker), command, line.strip()))
    return steps


def check_command(args: list[str]) -> None:
    """Parse a command line as click would run it, without running it.

    An unknown command or option, a wrong choice, a missing or extra argument raises
    click's UsageError, as the real command would.
    """
    try:
        ctx = cli.make_context("mixedmethods", list(args))
        command: click.Command = cli
        while isinstance(command, click.Group):
            # click 8.2+ keeps the subcommand in _protected_args (protected_args is deprecated)
            first = ctx._protected_args if hasattr(ctx, "_protected_args") else ctx.protected_args
            rest = [*first, *ctx.args]
            name, command, rest = command.resolve_command(ctx, rest)
            ctx = command.make_context(name, rest, parent=ctx)
    except click.exceptions.Exit as stop:  # --help and --version stop parsing, successfully
        assert stop.exit_code == 0


def test_walkthrough_commands_run_in_order(tmp_path, monkeypatch):
    """Every command of docs/walkthrough.md, run in order in a fresh folder, exits with 0.

    Builds the demo once: a later `build` (another language, another option) is only checked,
    so the test stays one build long.
    """
    text = WALKTHROUGH.read_text(encoding="utf-8")
    steps = walkthrough_steps(text)
    for check_only, words, line in steps:  # every line first: a typo fails at once, not after the build
        if not words or words[0] != "mixedmethods":
            assert check_only, f"walkthrough: {line!r} is not a mixedmethods command; mark its block check only"
            continue
        try:
            check_command(words[1:])
        except click.UsageError as error:
            pytest.fail(f"walkthrough: {line!r}: {error.format_message()}")
    monkeypatch.chdir(tmp_path)
    ran, built, written = [], False, []
    for check_only, words, line in steps:
        args = words[1:]
        if check_only or (args[0] == "build" and built):
            continue
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 0, f"walkthrough: {line!r} exited with {result.exit_code}:\n{result.output}"
        ran.append(args[0])
        built = built or args[0] == "build"
        written += [a for a in args[1:] if not a.startswith("-")]
    assert {"demo", "build", "status", "rejects", "check-privacy"} <= set(ran)
    # Every file or folder of the demo the walkthrough names, and every file a command of it
    # was asked to write that the text names, is there.
    named = set(re.findall(r"`(demo-study/[^`<>*\s]+)`", text))
    named |= {a for a in written if f"`{a}`" in text}
    assert len(named) >= 15
    missing = sorted(p for p in named if not (tmp_path / p).exists())
    assert not missing, f"the walkthrough names files the commands did not write: {missing}"


def test_a_wrong_command_or_option_in_the_walkthrough_fails():
    """The check catches what a reader would trip over (the mutation check of the test above)."""
    for wrong in (["statuss", "demo-study"], ["build", "demo-study", "--langauge", "fr"],
                  ["build", "demo-study", "--language", "de"], ["chats", "inspekt", "f.txt"],
                  ["status", "demo-study", "extra"], ["interviews", "export-qdpx", "demo-study"]):
        with pytest.raises(click.UsageError):
            check_command(wrong)
    check_command(["participants", "from-limesurvey", "my-study", "tokens.csv", "--group", "attribute_1"])
    check_command(["--version"])


def test_walkthrough_steps_are_read_from_bash_blocks_only():
    text = ("Intro `mixedmethods nothing`\n\n```bash\nmixedmethods demo d  # comment\n# only a comment\n"
            "mixedmethods build d \\\n  --language fr\n```\n\n```\nmixedmethods not-bash\n```\n"
            "<!-- walkthrough-test: check only -->\n```bash\nrm x && mixedmethods init y\n```\n")
    assert walkthrough_steps(text) == [
        (False, ["mixedmethods", "demo", "d"], "mixedmethods demo d  # comment"),
        (False, ["mixedmethods", "build", "d", "--language", "fr"], "mixedmethods build d    --language fr"),
        (True, ["rm", "x"], "rm x && mixedmethods init y"),
        (True, ["mixedmethods", "init", "y"], "rm x && mixedmethods init y")]


def test_pages_index_lists_exactly_the_page_images():
    index = (PAGES / "README.md").read_text(encoding="utf-8")
    present = {p.name for p in PAGES.glob("*.png")}
    shown = set(re.findall(r'<img src="([^"]+)"', index))
    mentioned = set(re.findall(r"\b[a-z]{2}-\d+\.png", index))
    assert present, "docs/pages/ has no page images: run python scripts/render_pages.py"
    assert shown == present
    assert mentioned == present
    assert "python scripts/render_pages.py" in index


def test_pages_are_both_editions_numbered_from_one():
    for language in ("en", "fr"):
        numbers = sorted(int(p.stem.split("-")[1]) for p in PAGES.glob(f"{language}-*.png"))
        assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 10
    assert sum(p.stat().st_size for p in PAGES.glob("*.png")) < 5_000_000  # small enough for the repository


def test_walkthrough_shows_rendered_pages_where_it_marks_them():
    text = WALKTHROUGH.read_text(encoding="utf-8")
    images = re.findall(r"!\[[^\]]+\]\(pages/([^)]+)\)", text)
    marked = render_pages_module().MARKER.findall(text)
    assert len(images) >= 5 and len(marked) == len(images), "every page image has a <!-- page: ... --> marker"
    assert {m[4] for m in marked} == set(images)
    assert all((PAGES / name).is_file() for name in images)
    assert {m[1] for m in marked} == {"en", "fr"}


def test_render_script_knows_the_editions_file_names():
    from mixedmethods.report.build import WHOLE_NAMES

    assert render_pages_module().EDITIONS == WHOLE_NAMES


def test_page_with_line_skips_the_contents_page():
    pages = ["Report title\n", "Contents\nExecutive Summary\nMethods\n",
             "Executive Summary\nThe questionnaire was answered by 120 respondents.\n", "Methods\n"]
    find = render_pages_module().page_with_line
    assert find(pages, "Executive  summary") == 3
    assert find(pages, "Contents") == 2
    assert find(pages, "Summary") is None


def test_render_script_points_the_walkthrough_at_the_pages(tmp_path):
    module = render_pages_module()
    for name in ("en-01.png", "en-02.png", "fr-01.png"):
        (tmp_path / name).write_bytes(b"png")
    doc = tmp_path / "walk.md"
    doc.write_text('<!-- page: en "Methods" -->\n![Methods](pages/en-09.png)\n\n'
                   '<!-- page: fr "Synthèse" -->\n![Synthèse](pages/fr-07.png)\n', encoding="utf-8")
    warnings = module.point_walkthrough(doc, {"en": ["Title\n", "Methods\n"], "fr": ["Titre\n"]}, tmp_path)
    assert doc.read_text(encoding="utf-8") == ('<!-- page: en "Methods" -->\n![Methods](pages/en-02.png)\n\n'
                                               '<!-- page: fr "Synthèse" -->\n![Synthèse](pages/fr-07.png)\n')
    assert len(warnings) == 1 and '"Synthèse"' in warnings[0] and "fr-07.png" in warnings[0]


def test_render_script_removes_stale_pages_only(tmp_path):
    module = render_pages_module()
    out, new = tmp_path / "pages", tmp_path / "new"
    out.mkdir(), new.mkdir()
    for name in ("en-01.png", "en-02.png", "en-03.png", "logo.png"):
        (out / name).write_bytes(b"old")
    for name in ("en-01.png", "en-02.png"):
        (new / name).write_bytes(b"new")
    module.replace_pages(out, sorted(new.iterdir()))
    assert sorted(p.name for p in out.iterdir()) == ["en-01.png", "en-02.png", "logo.png"]
    assert (out / "en-01.png").read_bytes() == b"new"


@pytest.mark.parametrize("missing, package", [("soffice", "libreoffice-writer-nogui"), ("pdftoppm", "poppler-utils")])
def test_render_script_names_the_package_of_a_missing_tool(tmp_path, monkeypatch, capsys, missing, package):
    module = render_pages_module()
    real_which = module.shutil.which
    monkeypatch.setattr(module.shutil, "which", lambda name: None if name in (missing, "libreoffice")
                        else real_which(name) or f"/usr/bin/{name}")
    assert module.main(["--out", str(tmp_path / "pages")]) == 2
    error = capsys.readouterr().err.strip()
    assert error.count("\n") == 0 and f"{missing} not found" in error and package in error
    assert not (tmp_path / "pages").exists()
