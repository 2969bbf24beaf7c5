"""Chapter files kept from the last build when their chapter's inputs did not change (report/chapter_cache.py).

The reference for a kept chapter is the chapter rendered again: ``build --force`` on the same study must give
the same bytes for every file of the report. The spy counts the chapters rendered (the tests build in one
process, conftest.py sets MIXEDMETHODS_JOBS=1).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest


@pytest.fixture
def rendered(monkeypatch):
    """The (chapter, language) of every chapter file rendered, in order."""
    from mixedmethods.report import writing

    seen: list[tuple[str, str]] = []
    original = writing.write_chapter_file

    def spy(out, study, lang, name, *args, **kwargs):
        seen.append((name, lang))
        return original(out, study, lang, name, *args, **kwargs)

    monkeypatch.setattr(writing, "write_chapter_file", spy)
    return seen


def _edit_transcript(root: Path) -> None:
    """A line appended to one transcript (an uncoded interviewer line, as benchmarks/rebuild.py does)."""
    transcript = sorted((root / "data" / "interviews").glob("*.txt"))[0]
    transcript.write_text(transcript.read_text(encoding="utf-8") + "\nInterviewer: Merci.\n", encoding="utf-8")


def _report(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted((root / "report").rglob("*"))
            if p.is_file()}


def test_after_one_transcript_changed_only_its_chapter_and_the_triangulation_are_rendered(built_copy, run, rendered,
                                                                                         tmp_path):
    """The survey's chapter is kept; the chats' too, unless its published file changed since (here, in French):
    then it is rendered again, in both languages (one step writes a chapter in every language)."""
    chats = built_copy / "report" / "chats.fr.docx"
    original = chats.read_bytes()
    chats.write_bytes(original + b"\0")  # edited or damaged since the last build
    _edit_transcript(built_copy)
    assert run("import", built_copy).exit_code == 0
    result = run("build", built_copy)
    assert result.exit_code == 0, result.output
    assert sorted(rendered) == sorted((name, lang) for name in ("interviews", "triangulation", "chats")
                                      for lang in ("en", "fr"))
    assert chats.read_bytes() == original
    kept = _report(built_copy)
    again = tmp_path / "again"
    shutil.copytree(built_copy, again)
    assert run("build", again, "--force").exit_code == 0
    assert len(rendered) == 6 + 8  # --force renders every chapter in both languages
    assert _report(again) == kept  # the kept survey chapters are what rendering them gives


def test_a_changed_template_text_renders_every_chapter(built_copy, run, rendered):
    own = built_copy / "templates" / "text"
    own.mkdir(parents=True, exist_ok=True)
    (own / "en.yaml").write_text("survey:\n  references_heading: Works cited\n", encoding="utf-8")
    assert run("build", built_copy).exit_code == 0
    assert {name for name, _ in rendered} == {"survey", "interviews", "chats", "triangulation"}
