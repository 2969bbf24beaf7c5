"""Hostile inputs of issue 11 that must end in stored data or a recorded reject (never a traceback, never a
silent change): the import succeeds, the store holds what the file says, and a reject or note names the place."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

QDE = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="p" origin="QualCoder">
  <CodeBook><Codes><Code guid="22222222-2222-2222-2222-222222222222" name="Leaks" isCodable="true"/></Codes></CodeBook>
  <Sources>
    <TextSource guid="55555555-5555-5555-5555-555555555555" name="bruno" plainTextPath="internal://bruno.txt">
      <PlainTextSelection guid="66666666-6666-6666-6666-666666666666" startPosition="{start}" endPosition="{end}">
        <Coding guid="77777777-7777-7777-7777-777777777777">
          <CodeRef targetGUID="22222222-2222-2222-2222-222222222222"/></Coding>
      </PlainTextSelection>
    </TextSource>
  </Sources>
</Project>"""


def _config(root: Path, chats: str) -> None:
    config = root / "study.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("  chats: []", f"  chats:\n{chats}"), encoding="utf-8")


def _rejects(query, root: Path) -> list[tuple]:
    return query(root, "SELECT file, row, column_name, reason, kind FROM rejects ORDER BY reject_id")


def test_segments_table_start_1e309_and_occurrence_second_are_rejects(small_study: Path, run, query):
    (small_study / "data/interviews/int-ana.txt").write_text(
        "# participant: Ana Pérez\n\nAna: Too many messages at night.\n", encoding="utf-8")
    (small_study / "data/interviews/segments.csv").write_text(
        "transcript,coder,code,start,end,quote,occurrence\n"
        "int-ana,maria,dynamics.after_hours,1e309,1e310,,\n"
        "int-ana,maria,dynamics.after_hours,1_0,2_0,,\n"          # int() would read 10 and 20
        "int-ana,maria,dynamics.after_hours,,,Too many,second\n"
        "int-ana,maria,dynamics.after_hours,,,Too many,1\n", encoding="utf-8")
    result = run("import", small_study)
    assert result.exit_code == 0, result.output
    assert query(small_study, "SELECT quote FROM coded_segments") == [("Too many",)]
    reasons = [(r[2], r[3]) for r in _rejects(query, small_study) if r[4] != "note"]
    assert reasons == [("row 2", "start and end must be whole numbers"),
                       ("row 3", "start and end must be whole numbers"),
                       ("row 4", "occurrence must be a whole number (1 = the first time the quote appears)")]


def test_latin1_text_in_a_qdpx_is_stored_with_its_accents(small_study: Path, run, query):
    text = "Bruno: Révision du brouillon à l'été."
    with zipfile.ZipFile(small_study / "data/interviews/p.qdpx", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", QDE.format(start=7, end=15))
        archive.writestr("Sources/bruno.txt", text.encode("latin-1"))
    with pytest.warns(UserWarning, match="read as Latin-1"):
        result = run("import", small_study)
    assert result.exit_code == 0, result.output
    assert query(small_study, "SELECT text FROM transcripts") == [(text,)]
    assert query(small_study, "SELECT quote FROM coded_segments") == [("Révision",)]


def test_a_docx_comment_id_c0_is_read(small_study: Path, run, query):
    from docx import Document

    document = Document()
    document.add_paragraph("# participant: bruno@example.org")
    coded = document.add_paragraph().add_run("The chair tests language first.")
    document.add_comment(coded, text="power.chairs", author="maria")
    path = small_study / "data/interviews/int-bruno.docx"
    document.save(str(path))
    # Another tool's ids: "c0" instead of Word's "0", in the comment and in its range marks.
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    for name in ("word/document.xml", "word/comments.xml"):
        parts[name] = re.sub(rb'w:id="0"', b'w:id="c0"', parts[name])
    assert b'w:id="c0"' in parts["word/comments.xml"]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    result = run("import", small_study)
    assert result.exit_code == 0, result.output
    assert query(small_study, "SELECT coder, code_id, quote FROM coded_segments") == [
        ("maria", "power.chairs", "The chair tests language first.")]


def test_a_decimal_written_1_0_is_a_reject_not_10(small_study: Path, run, query):
    (small_study / "data/survey/export.csv").write_text(
        "invitation_code,wa_hours,years_service\nAAA111,1_0,1_0\n", encoding="utf-8")
    result = run("import", small_study)
    assert result.exit_code == 0, result.output
    assert query(small_study, "SELECT question_id, value FROM survey_answers WHERE question_id != "
                              "'invitation_code'") == []
    values = [(r[2], r[3]) for r in _rejects(query, small_study) if r[4] == "value"]
    assert values == [("wa_hours", "expected a number"), ("years_service", "expected a whole number")]


def test_xlsx_formula_without_saved_value_and_cell_right_of_header_are_notes(small_study: Path, run, query):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["invitation_code", "wa_hours", "years_service"])
    sheet.append(["AAA111", "=2+3", 4, "stray"])  # openpyxl saves a formula without its value, as a script would
    book.save(small_study / "data/survey/export.xlsx")
    result = run("import", small_study)
    assert result.exit_code == 0, result.output
    notes = [(r[1], r[2], r[3]) for r in _rejects(query, small_study) if "cell" in r[3]]
    assert notes == [
        (2, None, "cell D2 is right of the last header and was not read; give its column a header"),
        (2, "wa_hours", "cell B2 holds a formula with no saved value (read as empty); open and save the file in "
                        "Excel, or paste values"),
    ]
    assert query(small_study, "SELECT value FROM survey_answers WHERE question_id = 'years_service'") == [("4",)]


def test_cr_only_line_ends_keep_messages_apart(small_study: Path, run, query):
    chat = ("16/03/2024, 10:15 - Ana Pérez: Good morning\r16/03/2024, 10:16 - Bruno Lefèvre: Hello\r"
            "16/03/2024, 10:17 - Ana Pérez: Agenda?\r")
    (small_study / "data/chats/cr.txt").write_bytes(chat.encode("utf-8"))
    _config(small_study, "  - {path: data/chats/cr.txt, group: caricom}")
    result = run("import", small_study)
    assert result.exit_code == 0, result.output
    assert query(small_study, "SELECT line, text FROM chat_messages ORDER BY message_id") == [
        (1, "Good morning"), (2, "Hello"), (3, "Agenda?")]


def test_control_characters_are_replaced_with_a_note_and_build_succeeds(small_study: Path, run, query):
    """U+000B (Word's soft line break) and NUL in a survey answer, a transcript and a chat: imported with a note
    each, and the report (XML, which cannot hold them) is built."""
    (small_study / "data/survey/export.csv").write_text(
        "invitation_code,group,comments\nAAA111,caricom,first\x0bsecond\x01\n", encoding="utf-8")  # a NUL: "UTF-16?"
    (small_study / "data/interviews/int-ana.txt").write_text(
        "# participant: Ana Pérez\n\nAna: Too many\x0bmessages at night.\x01\n", encoding="utf-8")
    (small_study / "data/chats/c.txt").write_text(
        "16/03/2024, 10:15 - Ana Pérez: Good\x0bmorning\n16/03/2024, 10:16 - Bruno Lefèvre: He\x00llo\n",
        encoding="utf-8")
    _config(small_study, "  - {path: data/chats/c.txt, group: caricom}")
    result = run("import", small_study)
    assert result.exit_code == 0, result.output
    assert query(small_study, "SELECT value FROM survey_answers WHERE question_id = 'comments'") == [
        ("first\nsecond\ufffd",)]
    assert query(small_study, "SELECT text FROM transcripts") == [("Ana: Too many\nmessages at night.\ufffd\n",)]
    assert query(small_study, "SELECT text FROM chat_messages ORDER BY message_id") == [
        ("Good\ufffdmorning",), ("He\ufffdllo",)]  # line numbers of a chat stay those of the file
    notes = [(r[1], r[2], r[3]) for r in _rejects(query, small_study) if "control character" in r[3]]
    assert notes == [
        (2, "comments", "control character(s) (U+0001, U+000B) replaced: U+000B and U+000C by a line break, others "
                        "by U+FFFD"),
        (None, "text line 1", "2 control character(s) (U+0001, U+000B) in the text: U+000B and U+000C made line breaks, "
                      "others U+FFFD (a report cannot hold them)"),
        (1, "text", "2 control character(s) (U+0000, U+000B) replaced by U+FFFD (a report cannot hold them); first "
                    "on this line"),
    ]
    result = run("build", small_study)
    assert result.exit_code == 0, result.output


def test_an_xlsform_whose_select_with_other_is_named_a_comma_reads(tmp_path: Path):
    """Found by tests/test_fuzz_config.py::test_xlsform: the "other" answer's skip logic built from a question
    named "," (``selected(${,}, 'other')``) cannot be read; it is kept as written instead of crashing."""
    from openpyxl import Workbook

    from mixedmethods.instrument.xlsform import read_xlsform

    book = Workbook()
    survey = book.active
    survey.title = "survey"
    survey.append(["type", "name", "label:english"])
    survey.append(["select all that apply from toilet_type or specify other", ",", "What type of toilets?"])
    choices = book.create_sheet("choices")
    choices.append(["list name", "name", "label:english"])
    choices.append(["toilet_type", "pit", "Pit latrine"])
    choices.append(["toilet_type", "bucket", "Bucket system"])
    book.save(tmp_path / "form.xlsx")
    questionnaire = read_xlsform(tmp_path / "form.xlsx")
    kept = [q for q in questionnaire.questions if "relevant" in q.xlsform]
    assert [q.xlsform["relevant"] for q in kept] == ["selected(${,}, 'other')"]
    assert all(q.relevant is None for q in kept)
