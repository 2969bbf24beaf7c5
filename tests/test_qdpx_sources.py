""".qdpx projects shaped like those NVivo, ATLAS.ti, MAXQDA and QualCoder write (issue 10, deliverable 6).

No real .qdpx from these packages with a permissive licence was found in the
public repositories searched, so each project here is built to the REFI-QDA
1.0 standard (/work/shared/standards/refi-qda-project-1.0.xsd) in the shape
the package is known to write: folder and file-name case, GUID case and
braces, byte-order marks and encodings, inline or external text. See
tests/fixtures/qdpx/README.md. Expected texts and offsets are written by hand.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from mixedmethods.errors import InputFileError
from mixedmethods.interviews.readers.qdpx import decode_source, read

TEXT = "Interviewer: How was it?\nÉlodie: Très bien, merci.\n"  # "Très bien" is characters 33..42: 25 + len("Élodie: ")

PROJECT = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="p" origin="{origin}">
  <Users><User guid="{user}" name="coder1"/></Users>
  <CodeBook><Codes><Code guid="{code}" name="Positive" isCodable="true">
    <Code guid="{child}" name="Very positive" isCodable="true"/></Code></Codes></CodeBook>
  <Sources>
    <TextSource guid="{source}" name="interview-01" plainTextPath="{path}">
      <PlainTextSelection guid="{sel}" startPosition="33" endPosition="42" creatingUser="{user}">
        <Coding guid="{coding}" creatingUser="{user}"><CodeRef targetGUID="{child}"/></Coding>
      </PlainTextSelection>
    </TextSource>
  </Sources>
</Project>
"""

GUIDS = {"user": "a1b2c3d4-0000-4000-8000-000000000001", "code": "a1b2c3d4-0000-4000-8000-000000000002",
         "child": "a1b2c3d4-0000-4000-8000-000000000003", "source": "a1b2c3d4-0000-4000-8000-000000000004",
         "sel": "a1b2c3d4-0000-4000-8000-000000000005", "coding": "a1b2c3d4-0000-4000-8000-000000000006"}


def build(tmp_path: Path, origin: str, member: str, data: bytes, path: str, upper_braced: bool = False) -> Path:
    guids = {k: ("{" + v.upper() + "}" if upper_braced else v) for k, v in GUIDS.items()}
    project = PROJECT.format(origin=origin, path=path, **guids)
    target = tmp_path / f"{origin}.qdpx"
    with zipfile.ZipFile(target, "w") as archive:
        archive.writestr("project.qde", project)
        if member:
            archive.writestr(member, data)
    return target


SHAPES = [  # (package, member in the zip, its bytes, plainTextPath, upper-case GUIDs in braces)
    ("NVivo", "Sources/A1B2C3D4-0000-4000-8000-000000000004.txt", TEXT.encode("utf-8"),
     "internal://A1B2C3D4-0000-4000-8000-000000000004.txt", True),
    ("ATLAS.ti", "sources/a1b2c3d4-0000-4000-8000-000000000004.txt", b"\xef\xbb\xbf" + TEXT.encode("utf-8"),
     "internal://A1B2C3D4-0000-4000-8000-000000000004.txt", False),
    ("MAXQDA", "Sources/Interview-01.TXT", TEXT.encode("utf-16"), "internal://interview-01.txt", True),
    ("QualCoder", "sources/interview-01.txt", TEXT.encode("utf-16-be"), "internal://interview-01.txt", False),
]


@pytest.mark.parametrize("package, member, data, path, upper", SHAPES, ids=[s[0] for s in SHAPES])
def test_each_package_shape_reads_the_same_text_and_coding(tmp_path, package, member, data, path, upper):
    if package == "QualCoder":
        data = b"\xfe\xff" + data  # UTF-16 big-endian with its byte-order mark
    (transcript,) = read(build(tmp_path, package, member, data, path, upper), "p.qdpx")
    assert transcript.text == TEXT
    (segment,) = transcript.segments
    assert (segment.coder, segment.code, segment.start, segment.end) == ("coder1", "Very positive", 33, 42)
    assert transcript.text[segment.start:segment.end] == "Très bien"


def test_a_source_next_to_the_project_is_read_by_its_relative_path(tmp_path):
    (tmp_path / "texts").mkdir()
    (tmp_path / "texts" / "interview-01.txt").write_bytes(TEXT.encode("utf-8"))
    (transcript,) = read(build(tmp_path, "external", "", b"", "relative://texts/interview-01.txt"), "p.qdpx")
    assert transcript.text == TEXT


def test_latin1_text_is_read_with_a_warning(tmp_path):
    project = build(tmp_path, "old", "Sources/x.txt", TEXT.encode("latin-1"), "internal://x.txt")
    with pytest.warns(UserWarning, match="Latin-1"):
        (transcript,) = read(project, "p.qdpx")
    assert transcript.text == TEXT


@pytest.mark.parametrize("data, expected", [
    (b"caf\xc3\xa9", "café"),                      # UTF-8, no mark
    (b"\xef\xbb\xbfcaf\xc3\xa9", "café"),          # UTF-8 with its mark
    (b"\xff\xfec\x00a\x00f\x00\xe9\x00", "café"),  # UTF-16 LE
    (b"\xfe\xff\x00c\x00a\x00f\x00\xe9", "café"),  # UTF-16 BE
    (b"\xff\xfe\x00\x00c\x00\x00\x00", "c"),       # UTF-32 LE (its mark starts like UTF-16 LE's)
])
def test_decode_source_by_byte_order_mark(data: bytes, expected: str):
    assert decode_source(data, "x") == expected


def test_a_missing_source_text_is_one_line_naming_it(tmp_path):
    project = build(tmp_path, "broken", "Sources/other.txt", b"x", "internal://missing.txt")
    with pytest.raises(InputFileError, match="interview-01.*missing.txt"):
        read(project, "p.qdpx")
