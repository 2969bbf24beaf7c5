"""A broken .qdpx stops `mixedmethods import` with one line naming the file and what was expected (exit 2)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

GOOD = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="p" origin="QualCoder">
  <Users><User guid="11111111-1111-1111-1111-111111111111" name="maria"/></Users>
  <CodeBook><Codes><Code guid="22222222-2222-2222-2222-222222222222" name="Leaks" isCodable="true"/></Codes></CodeBook>
  <Sources>
    <TextSource guid="55555555-5555-5555-5555-555555555555" name="bruno" plainTextPath="internal://bruno.txt">
      <PlainTextSelection guid="66666666-6666-6666-6666-666666666666" startPosition="{start}" endPosition="{end}">
        <Coding guid="77777777-7777-7777-7777-777777777777"><CodeRef targetGUID="{code}"/></Coding>
      </PlainTextSelection>
    </TextSource>
  </Sources>
</Project>"""
LEAKS = "22222222-2222-2222-2222-222222222222"
TEXT = "Bruno: Drafts leak. Rules are needed."


def qdpx(folder: Path, project: str | None, members: dict[str, bytes] | None = None) -> None:
    with zipfile.ZipFile(folder / "p.qdpx", "w", zipfile.ZIP_DEFLATED) as archive:
        if project is not None:
            archive.writestr("project.qde", project)
        for name, data in (members or {"Sources/bruno.txt": TEXT.encode()}).items():
            archive.writestr(name, data)


def damaged_member(folder: Path) -> None:
    qdpx(folder, GOOD.format(start=7, end=19, code=LEAKS), {"Sources/bruno.txt": TEXT.encode() * 50})
    data = bytearray((folder / "p.qdpx").read_bytes())
    at = data.index(b"Sources/bruno.txt") + len("Sources/bruno.txt") + 10  # inside the compressed text
    data[at:at + 20] = b"\x00" * 20
    (folder / "p.qdpx").write_bytes(bytes(data))


CASES = [
    (lambda d: (d / "p.qdpx").write_bytes(b"not a zip at all"), "p.qdpx: cannot open as a REFI-QDA project"),
    (lambda d: qdpx(d, None), "p.qdpx: no .qde project file inside this .qdpx"),
    (lambda d: qdpx(d, GOOD.format(start=7, end=19, code=LEAKS).replace("</Sources>", "</Source>")),
     "p.qdpx, line 11: project.qde is not well-formed XML (mismatched tag) at column"),  # 11th line: </Source>
    (lambda d: qdpx(d, GOOD.format(start=7, end=19, code="99999999-9999-9999-9999-999999999999")),
     "p.qdpx: source 'bruno' selection 1 is coded with code 99999999-9999-9999-9999-999999999999, which is not "
     "in the project's CodeBook"),
    (lambda d: qdpx(d, GOOD.format(start="seven", end=19, code=LEAKS)),
     "p.qdpx: source 'bruno' selection 1 has no whole-number startPosition/endPosition"),
    (lambda d: qdpx(d, GOOD.format(start=19, end=7, code=LEAKS)),
     "p.qdpx: source 'bruno' selection 1 starts at 19 after its end 7"),
    (lambda d: qdpx(d, GOOD.format(start=7, end=19, code=LEAKS), {"Sources/other.txt": b"x"}),
     "p.qdpx: text of source 'bruno' not found in the archive (internal://bruno.txt)"),
    (lambda d: qdpx(d, GOOD.format(start=7, end=19, code=LEAKS), {"Sources/bruno.txt": b"\xff\xfe\x00\xd8"}),
     "utf-16-le text (by its byte-order mark) with an invalid byte"),
    (damaged_member, "p.qdpx: Sources/bruno.txt inside the .qdpx cannot be read (damaged zip"),
    (lambda d: qdpx(d, '<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="x"><Codes/></CodeBook>'),
     "the .qde file's root element is <CodeBook>, expected <Project>"),
]


@pytest.mark.parametrize("setup, expected", CASES, ids=["not a zip", "no .qde", "bad XML", "unknown code",
                                                        "no position", "start after end", "missing text",
                                                        "bad UTF-16", "damaged member", "codebook root"])
def test_a_broken_qdpx_is_one_line_and_exit_2(small_study: Path, run, setup, expected):
    setup(small_study / "data" / "interviews")
    result = run("import", small_study)
    assert result.exit_code == 2, result.output
    assert len(result.stderr.splitlines()) == 1 and expected in result.stderr, result.stderr
    assert "Traceback" not in result.output


def test_a_selection_outside_the_text_is_a_reject_not_a_stop(small_study: Path, run, query):
    # Like every segment of any reader that lies outside its text: kept in the rejects with its offsets.
    qdpx(small_study / "data" / "interviews", GOOD.format(start=20, end=999, code=LEAKS))
    (small_study / "instruments" / "codebook.yaml").write_text(
        'id: t\nversion: "1"\nlanguages: [en]\ncodes:\n  - id: leaks\n    label: {en: Leaks}\n', encoding="utf-8")
    assert run("import", small_study).exit_code == 0
    assert query(small_study, "SELECT reason FROM rejects WHERE kind = 'value'") == [
        (f"offsets 20-999 are outside the text of 'bruno' (0-{len(TEXT)})",)]


def test_a_project_declaring_an_unknown_encoding_is_one_line_at_the_declaration(tmp_path):
    """Found by test_fuzz_readers: ``encoding="NaN"`` made ElementTree raise LookupError (a traceback)."""
    import zipfile

    from mixedmethods.errors import InputFileError
    from mixedmethods.interviews.readers.qdpx import read

    path = tmp_path / "project.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", '<?xml version="1.0" encoding="NaN"?>\n<Project xmlns="urn:QDA-XML:project:1.0"/>')
    with pytest.raises(InputFileError) as caught:
        read(path, "project.qdpx")
    message = str(caught.value)
    # the declaration's "encoding" starts at column 20 of line 1 (0-based as ElementTree counts: '<?xml ' is 6
    # characters, 'version="1.0"' 13, then a space)
    assert "project.qde is not well-formed XML (unknown encoding in the XML declaration" in message
    assert "line 1" in message and "column 20" in message
