"""Coded interviews: each reader's example gives these segments; redaction keeps offsets; agreement is right."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mixedmethods.interviews.agreement import agreement_table, kappa_with_ci, krippendorff_alpha
from mixedmethods.interviews.quantify import code_by_participant, cooccurrence

@pytest.fixture
def study(small_study: Path) -> Path:
    return small_study


def segments(query, root: Path) -> list[tuple]:
    return query(root, 'SELECT t.name, t.participant_id, s.coder, s.code_id, s.quote FROM coded_segments s '
                       "JOIN transcripts t USING (transcript_id) ORDER BY t.name, s.start, s.code_id, s.coder")


def test_tagged_text_transcript(study: Path, run, query):
    (study / "data/interviews/int-ana.txt").write_text(
        "# participant: AAA111\n# coder: maria\n\n"
        "Interviewer: How fast is the group?\n"
        "Ana Pérez: [[speed.reaction]]We reply within the hour.[[/speed.reaction]] "
        "[[Fuites @jonas]]Drafts leak.[[/Fuites @jonas]]\n", encoding="utf-8")
    result = run("import", study)
    assert result.exit_code == 0, result.output
    assert segments(query, study) == [
        ("int-ana", "P-ANA00001", "maria", "speed.reaction", "We reply within the hour."),
        ("int-ana", "P-ANA00001", "jonas", "security.leaks", "Drafts leak."),  # French label resolved
    ]
    (text,) = query(study, "SELECT text FROM transcripts")[0]
    assert text.startswith("Interviewer: How fast is the group?\nP-ANA00001: We reply")


def test_word_comments_transcript(study: Path, run, query):
    from docx import Document

    document = Document()
    document.add_paragraph("# participant: bruno@example.org")
    paragraph = document.add_paragraph()
    paragraph.add_run("Bruno Lefèvre: ")
    coded = paragraph.add_run("The chair tests language first.")
    document.add_comment(coded, text="power.chairs", author="maria")
    document.add_comment(coded, text="Présidences et facilitateurs", author="jonas")
    document.save(str(study / "data/interviews/int-bruno.docx"))
    assert run("import", study).exit_code == 0
    assert segments(query, study) == [
        ("int-bruno", "P-BRUNO002", "jonas", "power.chairs", "The chair tests language first."),
        ("int-bruno", "P-BRUNO002", "maria", "power.chairs", "The chair tests language first."),
    ]


def test_segments_table_with_quotes_and_offsets(study: Path, run, query):
    (study / "data/interviews/int-ana.txt").write_text(
        "# participant: Ana Pérez\n\nAna: Too many messages at night.\nAna: Nobody trained us.\n", encoding="utf-8")
    (study / "data/interviews/segments.csv").write_text(
        "transcript,coder,code,start,end,quote\n"
        "int-ana,maria,dynamics.after_hours,,,Too many messages at night.\n"
        "int-ana,maria,recommendations.training,38,55,\n"   # "Nobody trained us" by offsets
        "int-ana,maria,dynamics.overload,200,210,\n"       # outside the text: a reject
        "int-ana,maria,no.such.code,,,Nobody\n", encoding="utf-8")  # unknown code: a reject
    result = run("import", study)
    assert result.exit_code == 0, result.output
    assert segments(query, study) == [
        ("int-ana", "P-ANA00001", "maria", "dynamics.after_hours", "Too many messages at night."),
        ("int-ana", "P-ANA00001", "maria", "recommendations.training", "Nobody trained us"),
    ]
    rejects = query(study, "SELECT file, column_name, reason FROM rejects ORDER BY reject_id")
    assert rejects == [
        ("data/interviews/segments.csv", "row 4", "offsets 200-210 are outside the text (0-57)"),  # 32 + 1 + 23 + 1 characters
        ("data/interviews/segments.csv", "row 5", "code 'no.such.code' is not in the codebook (by id or label)"),
    ]


QDE = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="t" origin="QualCoder">
  <Users><User guid="11111111-1111-1111-1111-111111111111" name="maria"/></Users>
  <CodeBook><Codes>
    <Code guid="22222222-2222-2222-2222-222222222222" name="Leaks" isCodable="true"/>
    <Code guid="33333333-3333-3333-3333-333333333333" name="Rules of use" isCodable="true"/>
  </Codes></CodeBook>
  <Cases><Case guid="44444444-4444-4444-4444-444444444444" name="BBB222">
    <SourceRef targetGUID="55555555-5555-5555-5555-555555555555"/></Case></Cases>
  <Sources>
    <TextSource guid="55555555-5555-5555-5555-555555555555" name="bruno" plainTextPath="internal://bruno.txt">
      <PlainTextSelection guid="66666666-6666-6666-6666-666666666666" startPosition="7" endPosition="19"
          creatingUser="11111111-1111-1111-1111-111111111111">
        <Coding guid="77777777-7777-7777-7777-777777777777" creatingUser="11111111-1111-1111-1111-111111111111">
          <CodeRef targetGUID="22222222-2222-2222-2222-222222222222"/></Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="88888888-8888-8888-8888-888888888888" startPosition="20" endPosition="999">
        <Coding guid="99999999-9999-9999-9999-999999999999"><CodeRef targetGUID="33333333-3333-3333-3333-333333333333"/></Coding>
      </PlainTextSelection>
    </TextSource>
  </Sources>
</Project>"""


def test_refi_qda_project(study: Path, run, query):
    with zipfile.ZipFile(study / "data/interviews/qualcoder.qdpx", "w") as archive:
        archive.writestr("project.qde", QDE)
        archive.writestr("Sources/bruno.txt", "Bruno: Drafts leak. Rules are needed.")
    assert run("import", study).exit_code == 0
    assert segments(query, study) == [("bruno", "P-BRUNO002", "maria", "security.leaks", "Drafts leak.")]
    (reason,) = query(study, "SELECT reason FROM rejects WHERE kind = 'value'")[0]
    assert reason == "offsets 20-999 are outside the text of 'bruno' (0-37)"


def test_redaction_keeps_offsets_right(study: Path, run, query):
    # A coded segment after, and one containing, a name, a phone number and an e-mail of different lengths.
    (study / "data/interviews/int.txt").write_text(
        "# participant: AAA111\n\n"
        "Ana Pérez: Call Bruno Lefèvre on +1 212 555 0102 or bruno@example.org. [[security.leaks]]Lefèvre said the "
        "draft leaked.[[/security.leaks]] [[power.admins]]Admins decide.[[/power.admins]]\n", encoding="utf-8")
    assert run("import", study).exit_code == 0
    (text,) = query(study, "SELECT text FROM transcripts")[0]
    assert text == ("P-ANA00001: Call P-BRUNO002 on [phone] or [e-mail]. P-BRUNO002 said the draft leaked. "
                    "Admins decide.\n")
    stored = query(study, 'SELECT start, "end", quote FROM coded_segments ORDER BY start')
    assert [q for _, _, q in stored] == ["P-BRUNO002 said the draft leaked.", "Admins decide."]
    assert all(text[start:end] == quote for start, end, quote in stored)


def test_offset_map_on_random_texts():
    from mixedmethods.privacy import Participant, Participants, Redactor

    redactor = Redactor(Participants([Participant("P-1", "Ana Pérez", "+1 246 555 0101", "ana@example.org", "c",
                                                  "")]))
    rng = np.random.default_rng(3)
    words = ["Ana Pérez", "Pérez", "hello", "+1 246 555 0101", "ana@example.org", "talks", "x", "Anatole"]
    for _ in range(200):
        tokens = list(rng.choice(words, size=8))
        text = " ".join(tokens)
        new, offsets = redactor.with_offsets(text)
        # Segment = whole tokens i..j: the mapped segment is the redaction of the original segment.
        i, j = sorted(rng.choice(9, size=2, replace=False))
        start = len(" ".join(tokens[:i])) + (1 if i else 0)
        end = len(" ".join(tokens[:j]))
        assert new[offsets.start(start):offsets.end(end)] == redactor(text[start:end])


def test_krippendorff_alpha_equals_krippendorffs_four_coder_example():
    # Krippendorff (2011), "Computing Krippendorff's alpha-reliability", section C: 4 observers, 12 units,
    # nominal alpha = 0.743.
    nan = np.nan
    data = [[1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
            [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
            [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
            [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan]]
    assert krippendorff_alpha(data) == pytest.approx(0.743, abs=5e-4)


def test_cohens_kappa_equals_the_textbook_example():
    # Wikipedia "Cohen's kappa", worked example: 50 proposals, yes/yes 20, yes/no 5, no/yes 10, no/no 15:
    # p_o = .70, p_e = .50, kappa = .40.
    first = [1] * 25 + [0] * 25
    second = [1] * 20 + [0] * 5 + [1] * 10 + [0] * 15
    kappa, low, high = kappa_with_ci(first, second)
    assert kappa == pytest.approx(0.40, abs=1e-9)
    assert low < 0.40 < high


def test_agreement_table_by_hand():
    # Two coders, one transcript of 4 paragraphs; code A: maria on 1, 2; jonas on 1, 3.
    text = "p one\np two\np three\np four"
    transcripts = pd.DataFrame({"transcript_id": [1], "text": [text]})
    starts = {1: 0, 2: 6, 3: 12, 4: 20}
    rows = [("maria", 1), ("maria", 2), ("jonas", 1), ("jonas", 3)]
    segments_frame = pd.DataFrame([{"transcript_id": 1, "coder": c, "code_id": "A", "start": starts[p],
                                    "end": starts[p] + 3} for c, p in rows])
    table = agreement_table(segments_frame, transcripts, ["A"]).set_index("code")
    # Agreement on paragraphs 1 (both) and 4 (neither): 2 of 4 = 50%.
    assert table.loc["A", "percent_agreement"] == pytest.approx(50.0)
    assert table.loc["A", "units"] == 4
    # kappa: p_o = .5, p_e = .5 * .5 + .5 * .5 = .5, kappa = 0.
    assert table.loc["A", "kappa"] == pytest.approx(0.0)


def test_presence_frequency_coverage_and_cooccurrence_by_hand():
    transcripts = pd.DataFrame({"transcript_id": [1], "participant_id": ["P-1"], "text": ["a" * 50 + "\n" + "b" * 49]})
    segs = pd.DataFrame({"transcript_id": [1, 1, 1], "participant_id": ["P-1"] * 3, "code_id": ["A", "A", "B"],
                         "theme": ["T", "T", "U"], "start": [0, 10, 55], "end": [20, 30, 60]})
    table = code_by_participant(segs, transcripts, "code_id").set_index("code")
    assert table.loc["A", "frequency"] == 2
    assert table.loc["A", "coverage"] == pytest.approx(30 / 100)  # union of 0-20 and 10-30 of 100 characters
    matrix = cooccurrence(segs, transcripts, "theme")
    assert matrix.loc["T", "T"] == 1 and matrix.loc["U", "U"] == 1 and matrix.loc["T", "U"] == 0


@pytest.mark.parametrize("setup, expected", [
    (lambda d: (d / "broken.docx").write_bytes(b"PK\x03\x04 not a document"), "broken.docx: cannot read as a Word"),
    (lambda d: zipfile.ZipFile(d / "empty.qdpx", "w").writestr("readme.txt", "x"), "no .qde project file inside"),
    (lambda d: (d / "open.txt").write_text("Ana: [[speed]]never closed\n"), "open.txt, line 1: tag [[speed]] is "
                                                                            "never closed"),
    (lambda d: (d / "close.txt").write_text("Ana: fine\nAna: text[[/speed]]\n"), "close.txt, line 2: closing tag"),
    (lambda d: (d / "head.txt").write_text("# interviewer: me\nAna: hi\n"), "head.txt, line 1: header lines look"),
])
def test_bad_interview_files_are_one_line_and_exit_2(study: Path, run, setup, expected):
    setup(study / "data" / "interviews")
    result = run("import", study)
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1 and expected in result.stderr, result.stderr


def test_demo_interviews_in_the_store(demo_study: Path, query):
    assert query(demo_study, "SELECT COUNT(*), COUNT(DISTINCT participant_id) FROM transcripts") == [(24, 24)]
    # Every interviewee was linked to the participants list through the header.
    assert query(demo_study, "SELECT COUNT(*) FROM transcripts t JOIN participants p USING (participant_id) "
                             "WHERE p.listed = 0") == [(0,)]
    double = query(demo_study, "SELECT COUNT(*) FROM (SELECT transcript_id FROM coded_segments GROUP BY transcript_id "
                               "HAVING COUNT(DISTINCT coder) = 2)")
    assert double == [(6,)]
    kinds = query(demo_study, "SELECT reason FROM rejects JOIN imports USING (import_id) "
                              "WHERE source_kind = 'interviews' ORDER BY reject_id")
    assert [r for (r,) in kinds] == ["code 'speed.latency' is not in the codebook (by id or label)",
                                     "quote not found in the transcript text"]


def test_qdpx_export_validates_and_round_trips(demo_study: Path, run, query, tmp_path: Path):
    target = tmp_path / "coded.qdpx"
    result = run("interviews", "export-qdpx", demo_study, target)
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(target) as archive:
        project = archive.read("project.qde")
        names = archive.namelist()
    assert sum(n.startswith("Sources/") for n in names) == 24
    from lxml import etree

    from schema import refi_qda_schema

    assert refi_qda_schema().validate(etree.fromstring(project)), refi_qda_schema().error_log
    # Variables from the survey are on the cases.
    assert b'name="group" typeOfVariable="Text"' in project and b"<TextValue>caricom</TextValue>" in project
    from mixedmethods.interviews.readers import qdpx

    back = qdpx.read(target, "coded.qdpx")
    got = sorted((t.participant, s.coder, s.code, t.text[s.start:s.end]) for t in back for s in t.segments)
    stored = sorted(query(demo_study, 'SELECT t.participant_id, s.coder, s.code_id, s.quote FROM coded_segments s '
                                      "JOIN transcripts t USING (transcript_id)"))
    assert got == stored


def test_qdc_round_trip_through_the_cli(run, tmp_path: Path):
    from mixedmethods.instrument.codebook import load_codebook
    from mixedmethods.resources import instruments_dir

    bundled = instruments_dir() / "codebook.yaml"
    assert run("instrument", "convert", bundled, tmp_path / "c.qdc").exit_code == 0
    assert run("instrument", "convert", tmp_path / "c.qdc", tmp_path / "c.yaml").exit_code == 0
    assert load_codebook(tmp_path / "c.yaml").to_dict() == load_codebook(bundled).to_dict()
    text = (tmp_path / "c.qdc").read_text(encoding="utf-8")
    assert 'xmlns="urn:QDA-XML:codebook:1.0"' in text and 'isCodable="true"' in text


def test_bundled_codebook_covers_the_study_themes_in_both_languages():
    from mixedmethods.instrument.codebook import TEXT_FIELDS, load_codebook
    from mixedmethods.resources import instruments_dir

    codebook = load_codebook(instruments_dir() / "codebook.yaml")
    assert [c.id for c in codebook.codes] == ["speed", "inclusivity", "security", "power", "dynamics", "channels",
                                              "recommendations"]
    for code, _ in codebook.walk():
        assert set(code.label) == {"en", "fr"}
        for name in TEXT_FIELDS:
            assert set(getattr(code, name)) == {"en", "fr"}, (code.id, name)


def test_importing_never_modifies_the_interview_files(fresh_demo: Path, run):
    import hashlib

    folder = fresh_demo / "data" / "interviews"
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}
    (fresh_demo / "store.sqlite").unlink()
    for extra in fresh_demo.glob("store.sqlite-*"):
        extra.unlink()
    assert run("import", fresh_demo).exit_code == 0
    assert {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()} == before


def test_an_empty_transcript_is_a_reject_and_the_other_files_still_import(study: Path, run, query):
    (study / "data" / "interviews" / "empty.txt").write_text("# participant: AAA111\n\n   \n", encoding="utf-8")
    (study / "data" / "interviews" / "bruno.txt").write_text("# participant: BBB222\n\nBruno: It is fast.\n",
                                                           encoding="utf-8")
    result = run("import", study)
    assert result.exit_code == 0, result.output
    assert query(study, "SELECT name FROM transcripts") == [("bruno",)]
    rejects = query(study, "SELECT file, reason FROM rejects WHERE file LIKE '%empty.txt'")
    assert rejects == [("data/interviews/empty.txt", "the transcript has no text; nothing was stored from it")]
