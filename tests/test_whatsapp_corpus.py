"""Every WhatsApp export of tests/fixtures/whatsapp gives the counts its README states.

Expected values: expected.json (peers' own test assertions, or hand counts, each entry naming its origin) and
built/built.json (the construction of built/build.py). Neither was pasted from this parser's output.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mixedmethods.chats.parser import parse_export, summary
from mixedmethods.errors import InputFileError

CORPUS = Path(__file__).parent / "fixtures" / "whatsapp"
CASES = json.loads((CORPUS / "expected.json").read_text("utf-8")) + \
    json.loads((CORPUS / "built" / "built.json").read_text("utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[c["file"] for c in CASES])
def test_export_gives_the_stated_counts(case: dict):
    path = CORPUS / case["file"]
    if "error" in case:
        with pytest.raises(InputFileError, match=case["error"]):
            parse_export(path, case["file"], case.get("date_order"))
        return
    frame, found = parse_export(path, case["file"], case.get("date_order"))
    facts = summary(frame, found)
    assert (facts["messages"], facts["authors"], facts["system_events"], facts["first"], facts["last"]) == \
        (case["messages"], case["authors"], case["system_events"], case["first"], case["last"])
    assert found.platform == case["system"]
    if "by_event" in case:  # built files: the system events of the table they were written from
        assert frame.loc[frame["kind"] == "system", "event"].value_counts().to_dict() == case["by_event"]


def test_every_fixture_file_has_expected_counts():
    listed = {c["file"] for c in CASES}
    on_disk = {p.relative_to(CORPUS).as_posix() for p in CORPUS.rglob("*.txt")}
    assert on_disk == listed


def test_the_corpus_spans_locales_and_both_phone_systems():
    built = [c for c in CASES if c["file"].startswith("built/")]
    assert len({c["locale"] for c in built}) >= 12
    assert {c["system"] for c in CASES} >= {"android", "ios"}
    assert len(CASES) >= 64
