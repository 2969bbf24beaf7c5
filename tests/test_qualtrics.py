"""Qualtrics exports: given this export, the store holds these records (counted by hand; see fixtures/qualtrics)."""

from __future__ import annotations

import csv
import io
import shutil
import sqlite3
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures" / "qualtrics"

# A questionnaire for the real sample export: ids are the export tags, or other ids matched by question text.
SAMPLE_QUESTIONNAIRE = """\
id: qualtrics-sample
version: "1"
languages: [en]
choice_lists:
  three: [{value: "1", label: One}, {value: "2", label: Two}, {value: "3", label: Three}]
questions:
  - {id: %s, type: select_one, choices: three, label: This is a multiple choice question.}
  - {id: %s, type: text, label: This is a free text question.}
"""


def store_text(root: Path) -> str:
    """Every value in the store as one text, for checking what never reaches it."""
    conn = sqlite3.connect(root / "store.sqlite")
    try:
        return "\n".join(conn.iterdump())
    finally:
        conn.close()


def responses(query, root: Path) -> list[tuple]:
    return query(root, "SELECT source_row, participant_id, grp, submission_id, submitted_at, status "
                       "FROM survey_responses ORDER BY source_row")


def answers_of(query, root: Path, row: int) -> dict[str, str]:
    return dict(query(root, "SELECT a.question_id, a.value FROM survey_answers a JOIN survey_responses r "
                            "USING (response_id) WHERE r.source_row = ?", (row,)))


@pytest.mark.parametrize("ids", [("Q1", "Q2"), ("favourite", "comment")], ids=["by-export-tag", "by-question-text"])
def test_real_qualtrics_sample_export(small_study: Path, run, query, ids):
    (small_study / "instruments" / "survey.yaml").write_text(SAMPLE_QUESTIONNAIRE % ids, encoding="utf-8")
    shutil.copy(FIXTURES / "sample.csv", small_study / "data" / "survey" / "sample.csv")
    result = run("import", small_study)
    assert result.exit_code == 0, result.output
    assert "imported (qualtrics): 1 responses, 0 rows and 0 values rejected" in result.output
    ((row, pid, group, submission, submitted, status),) = responses(query, small_study)
    assert (row, submission, submitted, status) == (4, "R_2YPOQ602ER1jkf1", "2017-07-18 08:28:48", "kept")
    assert pid.startswith("U-")  # no invitation code in an anonymous-link export
    assert answers_of(query, small_study, 4) == {ids[0]: "2", ids[1]: "Hello World!"}
    stored = store_text(small_study)
    for never in ("130.92.34.66", "47.115097045898", "7.2315979003906"):  # IP address and location
        assert never not in stored


def import_labels(study: Path, run, name: str = "labels.csv"):
    shutil.copy(FIXTURES / "labels.csv", study / "data" / "survey" / name)
    return run("import", study)


def test_choice_text_export_gives_three_responses_and_two_rejected_rows(small_study: Path, run, query):
    result = import_labels(small_study, run)
    assert result.exit_code == 0, result.output
    assert "imported (qualtrics): 3 responses, 2 rows and 0 values rejected" in result.output
    got = responses(query, small_study)
    assert [r[0] for r in got] == [4, 6, 8]
    assert got[0][1:] == ("P-ANA00001", "caricom", "R_1AbCdEfGhIjKlMn", "2026-03-02 09:12:31", "kept")
    assert got[1][1:] == ("P-BRUNO002", "sixth-committee", "R_3UnFiNiShEd4567", "2026-03-10 14:03:00", "kept")
    assert got[2][1].startswith("U-") and got[2][2:] == ("caricom", "R_5AnOnYmOuS01234", "2026-03-05 11:41:16", "kept")
    # Row 4 of labels.csv, choice texts mapped to the questionnaire's values by hand.
    assert answers_of(query, small_study, 4) == {
        "group": "caricom", "role": "legal", "years_service": "12", "wa_frequency": "several-daily",
        "wa_purposes": "coordination negotiation", "speed_1": "4", "speed_2": "5", "speed_3": "4", "speed_4": "2",
        "speed_5": "5", "incl_1": "4", "incl_2": "2", "incl_3": "3", "comments": "Useful for quick coordination."}
    assert answers_of(query, small_study, 6) == {"group": "sixth-committee", "role": "head", "speed_1": "5"}
    rows = query(small_study, "SELECT row, reason FROM rejects WHERE kind = 'row' ORDER BY row")
    assert rows == [(5, "not a respondent's answer: Qualtrics Status 'Survey Preview' (preview, test or spam)"),
                    (7, "not a respondent's answer: Qualtrics Status 'Spam' (preview, test or spam)")]
    notes = [r for (r,) in query(small_study, "SELECT reason FROM rejects WHERE row = 6 AND column_name IS NULL")]
    assert notes == ["unfinished response (Qualtrics Finished = False, Progress 40%); kept"]


def test_names_emails_ip_addresses_and_embedded_data_never_reach_the_store(small_study: Path, run):
    assert import_labels(small_study, run).exit_code == 0
    stored = store_text(small_study)
    for never in ("Pérez", "Lefèvre", "ana@example.org", "bruno@example.org", "203.0.113.7", "198.51.100.23",
                  "13.0975", "-73.9681", "AAA111", "w1", "1|2|3", "R_2PrEvIeWxYz0123", "buy now"):
        assert never not in stored, never


def test_xlsx_export_with_two_header_rows(small_study: Path, run, query):
    from openpyxl import Workbook

    with (FIXTURES / "labels.csv").open(encoding="utf-8-sig", newline="") as handle:
        table = list(csv.reader(handle))
    book = Workbook()
    for line in [table[0], table[1], *table[3:]]:  # Excel exports may lack the ImportId row
        book.active.append([int(v) if v.isdigit() else v for v in line])
    book.save(small_study / "data" / "survey" / "labels.xlsx")
    result = run("import", small_study)
    assert "imported (qualtrics): 3 responses, 2 rows and 0 values rejected" in result.output, result.output
    assert [r[:4] for r in responses(query, small_study)] == [
        (3, "P-ANA00001", "caricom", "R_1AbCdEfGhIjKlMn"), (5, "P-BRUNO002", "sixth-committee", "R_3UnFiNiShEd4567"),
        (7, responses(query, small_study)[2][1], "caricom", "R_5AnOnYmOuS01234")]
    assert answers_of(query, small_study, 3)["wa_purposes"] == "coordination negotiation"


VALUES_QUESTIONNAIRE = """\
id: tools-survey
version: "1"
languages: [en]
participant_key: code
choice_lists:
  tools: [{value: "1", label: E-mail}, {value: "2", label: WhatsApp}, {value: "3", label: Signal}, {value: "4", label: Teams}]
  agree: [{value: "1", label: Disagree}, {value: "2", label: Neutral}, {value: "3", label: Agree}]
questions:
  - {id: code, type: text, label: Invitation code}
  - {id: tools_used, type: select_multiple, choices: tools, label: "Which tools do you use at work?"}
  - {id: tools_group, type: select_multiple, choices: tools, label: "Which tools does your group use?"}
  - {id: trust, type: likert, choices: agree, label: I trust the tools we use.}
"""

# "Use numeric values": recode values, a comma-joined select-multiple (Q1) and a split one (Q2_1..Q2_4).
VALUES_EXPORT = (
    'Status,Finished,RecordedDate,ResponseId,ExternalReference,Q1,Q2_1,Q2_2,Q2_3,Q2_4,Q3\r\n'
    'Response Type,Finished,Recorded Date,Response ID,External Data Reference,Which tools do you use at work? - '
    'Selected Choice,Which tools does your group use? - E-mail,Which tools does your group use? - WhatsApp,'
    'Which tools does your group use? - Signal,Which tools does your group use? - Teams,I trust the tools we use.\r\n'
    '"{""ImportId"":""status""}","{""ImportId"":""finished""}","{""ImportId"":""recordedDate""}",'
    '"{""ImportId"":""_recordId""}","{""ImportId"":""externalDataReference""}","{""ImportId"":""QID1""}",'
    '"{""ImportId"":""QID2"",""choiceId"":""1""}","{""ImportId"":""QID2"",""choiceId"":""2""}",'
    '"{""ImportId"":""QID2"",""choiceId"":""3""}","{""ImportId"":""QID2"",""choiceId"":""4""}","{""ImportId"":""QID3""}"\r\n'
    '0,1,2026-04-01 10:00:00,R_a1,AAA111,"1,3",1,,1,,3\r\n'
    '1,1,2026-04-01 10:05:00,R_b2,,2,,1,,,1\r\n'
    '0,0,2026-04-02 09:00:00,R_c3,BBB222,4,,,,1,\r\n'
    '8,1,2026-04-02 09:30:00,R_d4,,"1,2,3,4",1,1,1,1,2\r\n'
)


def test_numeric_values_export_with_split_multi_value_fields(small_study: Path, run, query):
    (small_study / "instruments" / "survey.yaml").write_text(VALUES_QUESTIONNAIRE, encoding="utf-8")
    (small_study / "data" / "survey" / "values.csv").write_bytes(b"\xef\xbb\xbf" + VALUES_EXPORT.encode("utf-8"))
    result = run("import", small_study)
    assert "imported (qualtrics): 2 responses, 2 rows and 0 values rejected" in result.output, result.output
    got = responses(query, small_study)
    assert [r[:2] + r[3:4] for r in got] == [(4, "P-ANA00001", "R_a1"), (6, "P-BRUNO002", "R_c3")]
    assert answers_of(query, small_study, 4) == {"tools_used": "1 3", "tools_group": "1 3", "trust": "3"}
    assert answers_of(query, small_study, 6) == {"tools_used": "4", "tools_group": "4"}
    assert query(small_study, "SELECT row, reason FROM rejects WHERE kind = 'row' ORDER BY row") == [
        (5, "not a respondent's answer: Qualtrics Status 'Survey Preview' (preview, test or spam)"),
        (7, "not a respondent's answer: Qualtrics Status 'Spam' (preview, test or spam)")]
    assert query(small_study, "SELECT reason FROM rejects WHERE row = 6 AND column_name IS NULL") == [
        ("unfinished response (Qualtrics Finished = 0); kept",)]


def test_a_question_column_the_questionnaire_lacks_is_one_line_and_exit_2(small_study: Path, run):
    text = (FIXTURES / "labels.csv").read_text(encoding="utf-8-sig")
    lines = text.split("\n")
    lines[0] = lines[0].replace(",Q8,", ",Q9,")
    lines[1] = lines[1].replace("How often do you read or write in the group?", "Favourite colour?")
    (small_study / "data" / "survey" / "labels.csv").write_text("\n".join(lines), encoding="utf-8")
    result = run("import", small_study)
    assert result.exit_code == 2
    assert result.stderr == ("Error: data/survey/labels.csv, row 1, column 'Q9': column matches no question of the "
                             "questionnaire (by id, Qualtrics export tag or QID, or question text in any language)\n")


def test_study_yaml_accepts_reader_qualtrics(small_study: Path, run):
    study_yaml = small_study / "study.yaml"
    study_yaml.write_text(study_yaml.read_text(encoding="utf-8").replace(
        "- data/survey", "- {path: data/survey, reader: qualtrics}"), encoding="utf-8")
    result = import_labels(small_study, run)
    assert "imported (qualtrics): 3 responses" in result.output, result.output


def test_generic_export_is_not_taken_for_qualtrics(small_study: Path, run):
    (small_study / "data" / "survey" / "export.csv").write_text("invitation_code,group,status\nAAA111,caricom,x\n",
                                                                encoding="utf-8")
    result = run("import", small_study)
    # Not Qualtrics (no ImportId row, no ResponseId/RecordedDate): the generic reader refuses 'status'.
    assert result.exit_code == 2 and "column 'status': unknown column" in result.stderr


def test_fixture_has_the_shape_qualtrics_writes():
    # The fixture is what Qualtrics writes: BOM, CRLF, three header rows, 5 responses of 36 columns.
    data = (FIXTURES / "labels.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert len(table) == 3 + 5 and {len(r) for r in table} == {36}


def test_reader_option_qualtrics(small_study: Path, run):
    shutil.copy(FIXTURES / "labels.csv", small_study / "data" / "survey" / "labels.csv")
    result = run("import", small_study, "--reader", "qualtrics")
    assert "imported (qualtrics): 3 responses" in result.output, result.output
