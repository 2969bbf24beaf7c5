""".qdpx projects in the shapes NVivo, ATLAS.ti, MAXQDA, QualCoder and qc write (issue 10, deliverable 6).

Each shape is built here, to the REFI-QDA 1.0 standard
(tests/fixtures/refi-qda/refi-qda-project-1.0.xsd, shipped with the tests
so that validation never skips), as the package's real exports look: folder and
file-name case, GUID case and braces, byte-order mark and encoding, line
ends, and how positions are counted. Where each shape comes from (a real
export measured but not copied, the package's own export code, or nothing
but our guess) is in tests/fixtures/qdpx/README.md. The one real export we
could copy is tested in tests/test_qdpx_real.py.

The text holds an emoji (two UTF-16 code units) and an accented name before
the coded words, so a reader that counts positions the wrong way lands
elsewhere. Expected offsets are counted by hand in the comments.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from mixedmethods.errors import InputFileError
from mixedmethods.interviews.readers.qdpx import decode_source, read, to_text_offsets

# "Interviewer: How was it? " is 25 characters, the emoji 1, "\n" 1: line 2 starts at 27;
# "Élodie: " is 8 more, so "Très bien" is characters 35..44 of the stored (LF) text.
TEXT = "Interviewer: How was it? 🙂\nÉlodie: Très bien, merci.\n"
START, END = 35, 44

PROJECT = """<?xml version="1.0" encoding="utf-8"?>
<Project {ns} name="p" origin="{origin}">
  <Users><User guid="{user}" name="coder1"{user_id}/></Users>
  <CodeBook><Codes><Code guid="{code}" name="Positive" isCodable="true">
    <Code guid="{child}" name="Very positive" isCodable="true"/></Code></Codes></CodeBook>
  <Sources>
    <TextSource guid="{source}" name="interview-01" plainTextPath="{path}"{rich}>
      <PlainTextSelection guid="{sel}" name="{sel_name}" startPosition="{start}" endPosition="{end}"
          creatingUser="{user}">
        <Coding guid="{coding}" creatingUser="{user}"><CodeRef targetGUID="{child}"/></Coding>
      </PlainTextSelection>
    </TextSource>
  </Sources>
</Project>
"""
DEFAULT_NS = 'xmlns="urn:QDA-XML:project:1.0"'
NVIVO_NS = ('xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            'xmlns="urn:QDA-XML:project:1.0"')  # NVivo 12.6 declares xsd and xsi before the default namespace

GUIDS = {"user": "a1b2c3d4-0000-4000-8000-000000000001", "code": "a1b2c3d4-0000-4000-8000-000000000002",
         "child": "a1b2c3d4-0000-4000-8000-000000000003", "source": "a1b2c3d4-0000-4000-8000-000000000004",
         "sel": "a1b2c3d4-0000-4000-8000-000000000005", "coding": "a1b2c3d4-0000-4000-8000-000000000006"}
SOURCE = GUIDS["source"]
CRLF = TEXT.replace("\n", "\r\n")


def project_xml(origin: str, path: str, start: int, end: int, guids: str = "lower", ns: str = DEFAULT_NS,
                sel_name: str = "", user_id: str = "", rich: str = "") -> str:
    def shape(value: str) -> str:
        return {"lower": value, "upper": value.upper(), "braced": "{" + value.upper() + "}"}[guids]

    return PROJECT.format(ns=ns, origin=origin, path=path, start=start, end=end, sel_name=sel_name,
                          user_id=f' id="{user_id}"' if user_id else "", rich=rich,
                          **{k: shape(v) for k, v in GUIDS.items()})


def build(tmp_path: Path, name: str, project: str, members: dict[str, bytes], qde: str = "project.qde") -> Path:
    target = tmp_path / f"{name}.qdpx"
    with zipfile.ZipFile(target, "w") as archive:
        archive.writestr(qde, project)
        for member, data in members.items():
            archive.writestr(member, data)
    return target


BOM = b"\xef\xbb\xbf"
# (shape, origin, positions written, GUIDs, namespace declarations, members of the zip, plainTextPath, extras)
SHAPES = [
    # NVivo 12.6 for Windows, as measured on a real export: Sources/<guid>.txt (UTF-8 with BOM, CRLF) next to
    # a .docx, lower-case GUIDs without braces, name="" on selections; positions in UTF-16 code units with
    # CRLF as two: 35 + 1 (the emoji's second unit) + 1 (the CR of line 1) = 37, 46.
    ("NVivo 12.6 Windows", "NVivo for Windows 12.6", (37, 46), "lower", NVIVO_NS,
     {f"Sources/{SOURCE}.txt": BOM + CRLF.encode("utf-8"), f"Sources/{SOURCE}.docx": b"PK\x03\x04"},
     f"internal://{SOURCE}.txt", {"rich": f' richTextPath="internal://{SOURCE}.docx"'}),
    # NVivo for Mac 15, as measured on a real export: sources/ in lower case with an empty sources/.root,
    # users with an id; UTF-16 units as NVivo for Windows, LF line ends: 35 + 1 = 36, 45.
    ("NVivo 15 Mac", "NVivo for Mac 15.0.0", (36, 45), "lower", DEFAULT_NS,
     {"sources/.root": b"", f"sources/{SOURCE}.txt": TEXT.encode("utf-8")},
     f"internal://{SOURCE}.txt", {"user_id": "C1"}),
    # ATLAS.ti 8.4 (macOS), as in the real export in tests/fixtures/qdpx/real: upper-case GUIDs without braces
    # in internal://; CRLF counted as one character (QualCoder refi.py): 35, 44.
    ("ATLAS.ti 8.4", "ATLAS.ti 8.4.0 573 , macOS Version 10.14.3 (Build 18D109)", (START, END), "upper",
     DEFAULT_NS, {f"sources/{SOURCE}.txt": CRLF.encode("utf-8")}, f"internal://{SOURCE.upper()}.txt", {}),
    # MAXQDA: no real export seen. CRLF text counted with CRLF as one, as QualCoder's "line endings for
    # MAXQDA" export writes it; sources/ in lower case, upper-case GUIDs, UTF-8 and name="start,end" as two
    # public tools that read or imitate MAXQDA 2022/24 exports have it; the file name in another case than
    # plainTextPath is our guess: 35, 44.
    ("MAXQDA (unverified)", "MAXQDA 2022 (Release 22.4.0)", (START, END), "upper", DEFAULT_NS,
     {f"sources/{SOURCE.upper()}.TXT": CRLF.encode("utf-8")}, f"internal://{SOURCE.upper()}.txt",
     {"sel_name": f"{START},{END}"}),
    # QualCoder 3.x, from its export code (refi.py): sources/<name>, UTF-8 with BOM, LF, selection name = the
    # coded words, positions in code points: 35, 44.
    ("QualCoder", "QualCoder", (START, END), "lower", DEFAULT_NS,
     {"sources/interview-01.txt": BOM + TEXT.encode("utf-8")}, "internal://interview-01.txt",
     {"sel_name": "Très bien"}),
    # qc 1.3.2 (cproctor/qualitative-coding), as measured on its demo export: sources/<name>.txt in UTF-8
    # without BOM, LF, selections named line:N, code points: 35, 44.
    ("qc 1.3.2", "qc 1.3.2", (START, END), "lower", DEFAULT_NS,
     {"sources/interview-01.txt": TEXT.encode("utf-8")}, "internal://interview-01.txt", {"sel_name": "line:1"}),
]


@pytest.mark.parametrize("shape, origin, positions, guids, ns, members, path, extras", SHAPES,
                         ids=[s[0] for s in SHAPES])
def test_each_package_shape_reads_the_same_text_and_coding(tmp_path, shape, origin, positions, guids, ns,
                                                           members, path, extras):
    project = project_xml(origin, path, *positions, guids=guids, ns=ns, **extras)
    (transcript,) = read(build(tmp_path, "shape", project, members), "p.qdpx")
    assert transcript.text == TEXT
    (segment,) = transcript.segments
    assert (segment.coder, segment.code, segment.start, segment.end) == ("coder1", "Very positive", START, END)
    assert transcript.text[segment.start:segment.end] == "Très bien"


@pytest.mark.parametrize("shape, origin, positions, guids, ns, members, path, extras", SHAPES,
                         ids=[s[0] for s in SHAPES])
def test_each_built_shape_is_valid_refi_qda(shape, origin, positions, guids, ns, members, path, extras):
    from lxml import etree

    from schema import refi_qda_schema

    schema = refi_qda_schema()
    project = project_xml(origin, path, *positions, guids=guids, ns=ns, **extras)
    assert schema.validate(etree.fromstring(project.encode("utf-8"))), schema.error_log


def test_same_positions_read_by_another_package_land_elsewhere(tmp_path):
    # NVivo's 37-46 read as code points with CRLF as two (no origin) would be "rès bien," (36 + 1 ... by hand:
    # CRLF text, code points: line 2 starts at 28, "Très" at 36, so 37-46 is "rès bien,").
    members = {f"Sources/{SOURCE}.txt": BOM + CRLF.encode("utf-8")}
    (transcript,) = read(build(tmp_path, "x", project_xml("", f"internal://{SOURCE}.txt", 37, 46), members), "p")
    (segment,) = transcript.segments
    assert transcript.text[segment.start:segment.end] == "rès bien,"


@pytest.mark.parametrize("utf16, crlf_as_one, positions, expected", [
    # "ab\r\n😀c" is stored as "ab\n😀c" (a 0, b 1, \n 2, 😀 3, c 4, end 5). By hand:
    (False, False, [0, 2, 3, 4, 5, 6], [0, 2, 2, 3, 4, 5]),  # units a b \r \n 😀 c: both \r and \n are the line end
    (True, False, [0, 4, 5, 6, 7], [0, 3, 3, 4, 5]),  # units a b \r \n 😀 😀 c: the emoji is units 4 and 5
    (False, True, [0, 2, 3, 4, 5], [0, 2, 3, 4, 5]),  # units a b \n 😀 c: already the stored text's
    (True, True, [2, 3, 4, 5, 6], [2, 3, 3, 4, 5]),  # units a b \n 😀 😀 c
])
def test_positions_move_onto_the_lf_text(utf16, crlf_as_one, positions, expected):
    text, offset = to_text_offsets("ab\r\n😀c", utf16, crlf_as_one)
    assert text == "ab\n😀c"
    assert [offset(p) for p in positions] == expected


def test_a_position_past_the_end_stays_past_it():
    _, offset = to_text_offsets("ab\r\ncd", False, False)
    assert offset(999) == 999 - 6 + 5  # 6 units in the file, 5 characters stored: still outside the text


def test_a_source_next_to_the_project_is_read_by_its_relative_path(tmp_path):
    (tmp_path / "texts").mkdir()
    (tmp_path / "texts" / "interview-01.txt").write_bytes(TEXT.encode("utf-8"))
    project = project_xml("QualCoder", "relative://texts/interview-01.txt", START, END)
    (transcript,) = read(build(tmp_path, "external", project, {}), "p.qdpx")
    assert transcript.text == TEXT


def test_absolute_path_and_any_qde_name(tmp_path):
    # ATLAS.ti 26 names the project file after the project ("Trial.qde"), not project.qde.
    (tmp_path / "elsewhere.txt").write_bytes(TEXT.encode("utf-8"))
    project = project_xml("QualCoder", f"absolute://{tmp_path / 'elsewhere.txt'}", START, END)
    (transcript,) = read(build(tmp_path, "abs", project, {}, qde="Trial.qde"), "p.qdpx")
    assert transcript.text[transcript.segments[0].start:transcript.segments[0].end] == "Très bien"


def test_a_coding_on_the_source_codes_its_whole_text_and_repeated_names_are_numbered(tmp_path):
    two = project_xml("QualCoder", "internal://a.txt", START, END).replace(
        "</TextSource>", f'<Coding guid="{GUIDS["coding"][:-1]}7"><CodeRef targetGUID="{GUIDS["code"]}"/></Coding>'
        "</TextSource>")
    # The same source twice (another GUID, the same name "interview-01"), the second without selections.
    second = (f'<TextSource guid="{SOURCE[:-1]}9" name="interview-01" plainTextPath="internal://b.txt"/>'
              "</Sources>")
    project = build(tmp_path, "whole", two.replace("</Sources>", second),
                    {"sources/a.txt": TEXT.encode(), "sources/b.txt": b"Second text.\n"})
    with pytest.warns(UserWarning, match="stored as 'interview-01 \\(2\\)'"):
        first, other = read(project, "p.qdpx")
    assert [(s.code, s.start, s.end) for s in first.segments] == [("Very positive", START, END),
                                                                   ("Positive", 0, len(TEXT))]
    assert (other.name, other.text, other.segments) == ("interview-01 (2)", "Second text.\n", [])


def test_a_project_without_sources_has_no_transcripts(tmp_path):
    # ATLAS.ti 23 for Windows exports a codebook-only project with no <Sources> at all.
    project = project_xml("ATLAS.ti for Windows 23.2.3.27778", "internal://x.txt", 0, 1)
    project = project[:project.index("<Sources>")] + "</Project>\n"
    assert read(build(tmp_path, "empty", project, {}), "p.qdpx") == []


@pytest.mark.parametrize("member, path", [
    ("Sources/texts/interview-01.txt", "internal://texts/interview-01.txt"),  # a sub-folder, named in the path
    ("Sources/texts/interview-01.txt", "internal://interview-01.txt"),  # a sub-folder the path does not name
    ("interview-01.txt", "internal://interview-01.txt"),  # at the top of the archive
])
def test_a_source_in_a_sub_folder_or_at_the_top_is_found(tmp_path, member, path):
    project = build(tmp_path, "sub", project_xml("QualCoder", path, START, END), {member: TEXT.encode()})
    (transcript,) = read(project, "p.qdpx")
    assert transcript.text == TEXT


def test_relative_path_is_read_against_the_base_path(tmp_path):
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "A.txt").write_bytes(TEXT.encode("utf-8"))
    project = project_xml("ATLAS.ti 8.4", "relative:///A.txt", START, END).replace(
        'name="p"', f'name="p" basePath="{tmp_path / "media"}"')
    (transcript,) = read(build(tmp_path / "media", "based", project, {}).rename(tmp_path / "x.qdpx"), "p.qdpx")
    assert transcript.text == TEXT


def test_no_creating_user_a_case_and_variables(tmp_path):
    # No creatingUser anywhere: the coder is "coder". The case names the interviewee; Variables are not read.
    project = project_xml("MAXQDA 2022", "internal://a.txt", START, END).replace(
        f' creatingUser="{GUIDS["user"]}"', "").replace("<Sources>", (
            '<Variables><Variable guid="a1b2c3d4-0000-4000-8000-00000000000a" name="age" typeOfVariable="Integer"/>'
            '</Variables><Cases><Case guid="a1b2c3d4-0000-4000-8000-00000000000b" name="AAA111">'
            f'<SourceRef targetGUID="{SOURCE}"/></Case></Cases><Sources>'))
    (transcript,) = read(build(tmp_path, "case", project, {"sources/a.txt": TEXT.encode()}), "p.qdpx")
    assert transcript.participant == "AAA111"
    assert [(s.coder, s.start, s.end) for s in transcript.segments] == [("coder", START, END)]


def test_latin1_text_is_read_with_a_warning(tmp_path):
    text = "Élodie: Très bien.\n"
    project = project_xml("QualCoder", "internal://x.txt", 8, 17)
    with pytest.warns(UserWarning, match="Latin-1"):
        (transcript,) = read(build(tmp_path, "old", project, {"Sources/x.txt": text.encode("latin-1")}), "p.qdpx")
    assert transcript.text == text


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
    project = build(tmp_path, "broken", project_xml("", "internal://missing.txt", 0, 1), {"Sources/other.txt": b"x"})
    with pytest.raises(InputFileError, match="interview-01.*missing.txt"):
        read(project, "p.qdpx")
