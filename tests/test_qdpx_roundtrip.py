"""Our own .qdpx export read back by the reader, with text where counting positions can go wrong.

The transcript holds an emoji (one code point, two UTF-16 units) and accented
letters before a coded stretch; the export must be valid REFI-QDA 1.0 and
reading it back must give the stored quotes.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from mixedmethods.interviews.readers.qdpx import read


def test_export_with_emoji_round_trips_and_validates(small_study: Path, run, query, tmp_path: Path):
    (small_study / "data" / "interviews" / "ana.txt").write_text(
        "# participant: AAA111\n# coder: maria\n\n"
        "Ana Pérez: 🙂🙂 Très bien. [[security.leaks]]Drafts leak 😬 every week.[[/security.leaks]]\n"
        "Ana Pérez: [[power.admins]]Admins décident.[[/power.admins]]\n", encoding="utf-8")
    assert run("import", small_study).exit_code == 0
    stored = sorted(query(small_study, "SELECT coder, code_id, quote FROM coded_segments"))
    # By hand: the two tagged stretches, as written.
    assert stored == [("maria", "power.admins", "Admins décident."),
                      ("maria", "security.leaks", "Drafts leak 😬 every week.")]
    target = tmp_path / "out.qdpx"
    assert run("interviews", "export-qdpx", small_study, target).exit_code == 0
    from lxml import etree

    from schema import refi_qda_schema

    with zipfile.ZipFile(target) as archive:
        assert refi_qda_schema().validate(etree.fromstring(archive.read("project.qde"))), refi_qda_schema().error_log
    (transcript,) = read(target, "out.qdpx")
    back = sorted((s.coder, s.code, transcript.text[s.start:s.end]) for s in transcript.segments)
    assert back == stored
