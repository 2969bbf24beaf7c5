"""Every reader, fed generated malformed inputs, ends in stored data, a recorded reject or a one-line UserError.

Property-based (hypothesis): 200 inputs per reader in CI, reproducible (``derandomize``); see tests/fuzzkit.py
for how inputs are made and docs/testing.md for running more. Any other exception fails the test and hypothesis
prints the smallest input that raises it.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from fuzzkit import EXAMPLES, FIXTURES, FUZZ, Pipeline, ends_well, from_scratch, hostile_text, mutated_text, \
    text_inputs, zip_bytes, zip_inputs

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")  # Latin-1 sources, openpyxl's own warnings


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory: pytest.TempPathFactory) -> Pipeline:
    pipeline = Pipeline(tmp_path_factory.mktemp("fuzz"))
    yield pipeline
    pipeline.conn.close()


def _read(folder: str, *names: str) -> list[bytes]:
    return [(FIXTURES / folder / name).read_bytes() for name in names]


# --- survey -------------------------------------------------------------------------------------------------------

GENERIC = [
    b"invitation_code,group,role,years_service,wa_hours,comments,submitted_at\n"
    b"AAA111,caricom,legal,7,2.5,Fine,25/11/2026 14:03\nBBB222,sixth-committee,head,20,1,\"A, b\",26/11/2026 09:00\n",
    b"submission_id;invitation_code;group;years_service;training\nS1;AAA111;caricom;3;yes\nS2;BBB222;;;\n",
]


@FUZZ
@given(data=text_inputs(GENERIC))
def test_generic_csv(pipeline: Pipeline, data: bytes):
    path = pipeline.write("export.csv", data)
    ends_well(lambda: pipeline.survey(path, "generic"))


CELL = st.one_of(st.none(), st.booleans(), st.integers(-10 ** 20, 10 ** 20), st.floats(allow_nan=False, allow_infinity=False),
                 st.datetimes(), hostile_text(), st.just("=1+1"), st.just("=A1"))


@st.composite
def workbook(draw) -> bytes:
    """An .xlsx of typed cells (numbers, dates, formulas, text with control characters) under a header."""
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    header = draw(st.lists(st.sampled_from(["invitation_code", "group", "years_service", "wa_hours", "comments",
                                            "submitted_at", "", "x", None]), min_size=0, max_size=6))
    for row in [header, *draw(st.lists(st.lists(CELL, max_size=8), max_size=5))]:
        try:
            sheet.append(row)
        except Exception:  # openpyxl refuses some values (control characters) itself; leave the cell empty
            sheet.append([None])
    buffer = io.BytesIO()
    try:
        book.save(buffer)
    except ValueError:  # lxml refuses U+FFFE and the like when openpyxl writes: no workbook can hold them
        assume(False)
    return buffer.getvalue()


XLSX_TEXTS = ("xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/workbook.xml", "[Content_Types].xml")


def _members(data: bytes) -> dict[str, bytes]:
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


@FUZZ
@given(data=st.one_of(workbook(), st.deferred(lambda: zip_inputs(_members(_GENERIC_XLSX), XLSX_TEXTS))))
def test_generic_xlsx(pipeline: Pipeline, data: bytes):
    path = pipeline.write("export.xlsx", data)
    ends_well(lambda: pipeline.survey(path, "generic"))


def _generic_xlsx() -> bytes:
    import io

    from openpyxl import Workbook

    book = Workbook()
    for line in GENERIC[0].decode().splitlines():
        book.active.append(line.split(","))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


_GENERIC_XLSX = _generic_xlsx()


@pytest.fixture(scope="module")
def household():
    from mixedmethods.instrument.questionnaire import load_questionnaire

    return load_questionnaire(FIXTURES / "kobo" / "household.yaml")


@FUZZ
@given(data=st.one_of(text_inputs(_read("kobo", "household_semicolon.csv")),
                      zip_inputs(_members(_read("kobo", "household_labels.xlsx")[0]), XLSX_TEXTS)))
def test_kobo(pipeline: Pipeline, household, data: bytes):
    name = "export.xlsx" if data[:2] == b"PK" else "export.csv"
    path = pipeline.write(name, data)
    ends_well(lambda: pipeline.survey(path, "kobo", household))


@FUZZ
@given(data=st.one_of(text_inputs(_read("googleforms", "en_timestamp.csv", "fr_horodateur.csv")),
                      zip_inputs(_members(_read("googleforms", "fr_sheets.xlsx")[0]), XLSX_TEXTS)))
def test_google_forms(pipeline: Pipeline, data: bytes):
    path = pipeline.write("export.xlsx" if data[:2] == b"PK" else "export.csv", data)
    ends_well(lambda: pipeline.survey(path, "googleforms"))


@FUZZ
@given(data=text_inputs(_read("limesurvey", "codes.csv", "codes_semicolon.csv", "fulltext.csv", "vvexport.csv")))
def test_limesurvey(pipeline: Pipeline, data: bytes):
    path = pipeline.write("export.csv", data)
    ends_well(lambda: pipeline.survey(path, "limesurvey"))


@FUZZ
@given(data=text_inputs(_read("qualtrics", "labels.csv", "sample.csv")))
def test_qualtrics(pipeline: Pipeline, data: bytes):
    path = pipeline.write("export.csv", data)
    ends_well(lambda: pipeline.survey(path, "qualtrics"))


# --- interviews ---------------------------------------------------------------------------------------------------

PLAIN = [
    "# participant: AAA111\n# language: en\n\nInterviewer: How fast is the group?\nAna Pérez: We reply within the "
    "hour.\nInterviewer: And at night?\nAna Pérez: Too many messages.\n".encode(),
    b"Interviewer: No header at all.\nBruno: Fine.\n",
]
TAGGED = [
    "# participant: AAA111\n# coder: maria\n\nInterviewer: How fast is the group?\nAna Pérez: [[speed.reaction]]We "
    "reply within the hour.[[/speed.reaction]] [[Fuites @jonas]]Drafts leak.[[/Fuites @jonas]]\n".encode(),
    b"# participant: bruno@example.org\n\n[[power.chairs]]The chair [[speed.reaction]]tests[[/speed.reaction]] "
    b"language.[[/power.chairs]]\n",
]


@FUZZ
@given(data=text_inputs(PLAIN, delimiters=": "))
def test_plain_text_transcript(pipeline: Pipeline, data: bytes):
    path = pipeline.write("int-ana.txt", data)
    ends_well(lambda: pipeline.interviews(path))


@FUZZ
@given(data=text_inputs(TAGGED, delimiters="[]@/ "))
def test_inline_tags(pipeline: Pipeline, data: bytes):
    path = pipeline.write("int-ana.txt", data)
    ends_well(lambda: pipeline.interviews(path))


def _docx() -> bytes:
    import io

    from docx import Document

    document = Document()
    document.add_paragraph("# participant: bruno@example.org")
    paragraph = document.add_paragraph()
    paragraph.add_run("Bruno Lefèvre: ")
    coded = paragraph.add_run("The chair tests language first.")
    document.add_comment(coded, text="power.chairs", author="maria")
    document.add_comment(coded, text="Présidences et facilitateurs", author="jonas")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


_DOCX = _members(_docx())


@FUZZ
@given(data=zip_inputs(_DOCX, ("word/document.xml", "word/comments.xml")))
def test_word_comments(pipeline: Pipeline, data: bytes):
    path = pipeline.write("int-bruno.docx", data)
    ends_well(lambda: pipeline.interviews(path))


SEGMENTS = [
    b"transcript,coder,code,start,end,quote,occurrence\nint-ana,maria,dynamics.after_hours,,,Too many messages,1\n"
    b"int-ana,maria,recommendations.training,38,55,,\nint-ana,maria,dynamics.overload,200,210,,\n",
    b"transcript;coder;code;quote\nint-ana;jonas;speed.reaction;We reply\n",
]


@FUZZ
@given(data=text_inputs(SEGMENTS))
def test_segments_table(pipeline: Pipeline, data: bytes):
    transcript = pipeline.write("int-ana.txt", PLAIN[0])
    table = pipeline.write("segments.csv", data)
    ends_well(lambda: pipeline.interviews(transcript, table))


QDE = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="p" origin="QualCoder">
  <Users><User guid="11111111-1111-1111-1111-111111111111" name="maria"/></Users>
  <CodeBook><Codes><Code guid="22222222-2222-2222-2222-222222222222" name="Leaks" isCodable="true"/></Codes></CodeBook>
  <Cases><Case guid="44444444-4444-4444-4444-444444444444" name="BBB222">
    <SourceRef targetGUID="55555555-5555-5555-5555-555555555555"/></Case></Cases>
  <Sources>
    <TextSource guid="55555555-5555-5555-5555-555555555555" name="bruno" plainTextPath="internal://bruno.txt">
      <PlainTextSelection guid="66666666-6666-6666-6666-666666666666" startPosition="7" endPosition="19">
        <Coding guid="77777777-7777-7777-7777-777777777777"><CodeRef targetGUID="22222222-2222-2222-2222-222222222222"/>
        </Coding>
      </PlainTextSelection>
    </TextSource>
    <TextSource guid="88888888-8888-8888-8888-888888888888" name="inline">
      <PlainTextContent>Inline text, coded whole.</PlainTextContent>
      <Coding guid="99999999-9999-9999-9999-999999999999"><CodeRef targetGUID="22222222-2222-2222-2222-222222222222"/>
      </Coding>
    </TextSource>
  </Sources>
</Project>"""
_QDPX = {"project.qde": QDE.encode(), "Sources/bruno.txt": "Bruno: Drafts leak. Rules are needed. é".encode("latin-1")}


@FUZZ
@given(data=st.one_of(zip_inputs(_QDPX, ("project.qde", "Sources/bruno.txt")),
                      zip_inputs({"project.qde": (FIXTURES / "qdpx/real/atlasti-8.4-standard-project.qde")
                                  .read_bytes()}, ("project.qde",))))
def test_qdpx(pipeline: Pipeline, data: bytes):
    path = pipeline.write("project.qdpx", data)
    ends_well(lambda: pipeline.interviews(path))


# --- chats --------------------------------------------------------------------------------------------------------

def _head(path: Path, lines: int = 40) -> bytes:
    return b"\n".join(path.read_bytes().split(b"\n")[:lines])


WHATSAPP = [_head(p) for p in sorted((FIXTURES / "whatsapp" / "built").glob("*.txt"))[:12:3]] + \
    [_head(p) for p in sorted((FIXTURES / "whatsapp" / "chat-miner").glob("*.txt"))] + \
    ["16/03/2024, 10:15 - Ana Pérez: Good morning\n16/03/2024, 10:16 - Bruno Lefèvre: Hello\n16/03/2024, 10:17 - "
     "Ana Pérez added Carla\n[3/16/24, 10:15:22\u202fAM] Ana Pérez: \u200eimage omitted\n".encode()]


# Each WhatsApp input is imported whole (language model loaded, store written: a quarter of a second), so these
# two run half the examples of the other readers in CI, to keep the suite under 10 minutes on 2 cores; the
# parser itself is checked on thousands of inputs (tests/test_chat_parser*.py, test_whatsapp_corpus.py).
WHATSAPP_FUZZ = settings(FUZZ, max_examples=max(1, EXAMPLES // 2))


@WHATSAPP_FUZZ
@given(data=text_inputs(WHATSAPP, delimiters=",:/[] -"))
def test_whatsapp_txt(pipeline: Pipeline, data: bytes):
    path = pipeline.write("chat.txt", data)
    ends_well(lambda: pipeline.chat(path))


@WHATSAPP_FUZZ
@given(data=st.one_of(*(zip_inputs({"_chat.txt": seed, "IMG-0001.jpg": b"\xff\xd8"}, ("_chat.txt",))
                        for seed in WHATSAPP[:3])))
def test_whatsapp_zip(pipeline: Pipeline, data: bytes):
    path = pipeline.write("chat.zip", data)
    ends_well(lambda: pipeline.chat(path, "whatsapp"))


TELEGRAM = _read("telegram", "personal_chat.json") + [(FIXTURES / "telegram/group/result.json").read_bytes()[:30000]]


@st.composite
def telegram_structure(draw) -> bytes:
    """A result.json whose messages have fields of the wrong type or value."""
    value = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | hostile_text(),
                         lambda inner: st.lists(inner, max_size=3) | st.dictionaries(hostile_text(), inner, max_size=3),
                         max_leaves=6)
    messages = draw(st.lists(st.fixed_dictionaries(
        {"id": value, "type": st.sampled_from(["message", "service", "other"]) | value,
         "date": st.sampled_from(["2024-03-04T09:30:00", "2024-13-04T25:61:00", ""]) | value},
        optional={"from": value, "text": value, "action": value, "members": value, "actor": value, "poll": value,
                  "photo": value, "file": value, "media_type": value, "edited": value}), max_size=5))
    return json.dumps({"name": "g", "type": "private_group", "id": 1, "messages": messages}).encode()


@FUZZ
@given(data=st.one_of(text_inputs(TELEGRAM, delimiters=',:"{}[]'), telegram_structure(),
                      telegram_structure().map(lambda d: zip_bytes({"export/result.json": d}))))
def test_telegram_json(pipeline: Pipeline, data: bytes):
    path = pipeline.write("result.zip" if data[:2] == b"PK" else "result.json", data)
    ends_well(lambda: pipeline.chat(path, "telegram"))
