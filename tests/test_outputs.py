"""Outputs people reuse: the labelled tables.xlsx, the SPSS files, the item-level answers, results.json and its
schema, the quote matrix and the list of coder disagreements (docs/outputs.md)."""

from __future__ import annotations

import copy
import csv
import json
import sqlite3
import zipfile
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from mixedmethods.report.coding_exports import APPLIED, NOT_APPLIED, disagreements, quote_matrix
from mixedmethods.report.outputs import consistent_names
from mixedmethods.report.texts import Texts
from mixedmethods.report.workbook import read_tables, sheet_names, write_labelled_tables
from test_build_outputs import built_chat_study  # noqa: F401  (a fixture: the small study with a chat, built)

SCHEMA = Path(__file__).resolve().parents[1] / "docs" / "results.schema.json"
VOCABULARY = {"group": {"north": "Northern team", "south": "Southern team"}, "code": {}, "language": {}}


def small_tables() -> dict[str, pd.DataFrame]:
    """Three tables as the analyses make them: ids as column names, percentages 0-100."""
    return {
        "survey_descriptives": pd.DataFrame({"variable": ["trust", "trust"], "group": ["north", "south"],
                                             "n": [12.0, 9.0], "M": [3.25, 2.5], "SD": [0.5, 0.75]}),
        "survey_comparisons": pd.DataFrame({"scale": ["trust"], "statistic": [40.5], "p": [0.0312],
                                            "p_holm": [0.0624]}),
        "interviews_frequencies": pd.DataFrame({"code": ["c1"], "north_n": [6.0], "north_pct": [50.0],
                                                "south_n": [float("nan")], "south_pct": [float("nan")],
                                                "all_n": [9.0]}),
    }


@pytest.fixture
def english_book(tmp_path: Path):
    import openpyxl

    path = write_labelled_tables(tmp_path / "tables.xlsx", small_tables(), Texts("en"), title="A study",
                                 version="9.9", vocabulary=VOCABULARY, min_cell_size=5, today=date(2026, 3, 1))
    return path, openpyxl.load_workbook(path)


def test_sheets_and_columns_are_labelled_in_the_report_language(english_book):
    _, book = english_book
    # Labels as written in templates/text/en.yaml, section outputs; the README sheet comes first.
    assert book.sheetnames == ["README", "Scale descriptives", "Group comparisons", "Code frequencies"]
    assert [c.value for c in book["Scale descriptives"][1]] == ["Variable", "Group", "n", "Mean", "SD"]
    assert [c.value for c in book["Code frequencies"][1]] == [
        "Code", "Northern team: n", "Northern team: %", "Southern team: n", "Southern team: %", "All groups n"]


def test_number_formats_units_frozen_header_and_widths(english_book):
    _, book = english_book
    descriptives, comparisons, frequencies = book["Scale descriptives"], book["Group comparisons"], \
        book["Code frequencies"]
    assert [c.number_format for c in descriptives[2]][2:] == ["0", "0.00", "0.00"]      # n, M, SD
    assert [c.number_format for c in comparisons[2]][1:] == ["0.00", "0.000", "0.000"]  # statistic, p, p (Holm)
    assert frequencies["C2"].number_format == "0%" and frequencies["C2"].value == pytest.approx(0.5)  # 50 % = 0.5
    assert frequencies["B2"].value == 6 and frequencies["D2"].value is None  # a withheld count stays empty
    for sheet in (descriptives, comparisons, frequencies):
        assert sheet.freeze_panes == "A2"
        assert all(sheet.column_dimensions[letter].width >= 10 for letter in "AB")


def test_the_readme_lists_every_sheet_and_column_with_its_meaning_and_the_version(english_book):
    _, book = english_book
    rows = [[c.value for c in row] for row in book["README"].iter_rows()]
    assert rows[0] == ["Tables of the report: A study"] + [None] * 4
    assert rows[1][0] == "Written by mixedmethods 9.9 on 1 March 2026"  # CLDR en-GB long date
    header = rows.index(["Sheet", "Column", "Meaning", "Table id", "Column id"])
    listed = [r for r in rows[header + 1:] if r[1]]
    for sheet in book.sheetnames[1:]:
        columns = [c.value for c in book[sheet][1]]
        assert [r[1] for r in listed if r[0] == sheet] == columns
        assert all(r[2] for r in listed if r[0] == sheet)  # every column has a meaning
    assert {r[0] for r in rows[header + 1:]} == set(book.sheetnames[1:])


def test_a_script_gets_the_ids_back_through_the_readme(english_book):
    path, _ = english_book
    tables = read_tables(path)
    assert list(tables) == list(small_tables())
    assert list(tables["interviews_frequencies"].columns) == list(small_tables()["interviews_frequencies"].columns)
    assert tables["survey_comparisons"]["p"].iloc[0] == pytest.approx(0.0312)


def test_the_french_workbook_is_in_french(tmp_path: Path):
    import openpyxl

    path = write_labelled_tables(tmp_path / "tableaux.xlsx", small_tables(), Texts("fr"), title="Une étude",
                                 version="9.9", vocabulary=VOCABULARY, min_cell_size=5, today=date(2026, 3, 1))
    book = openpyxl.load_workbook(path)
    assert book["LISEZMOI"]["A2"].value == "Écrit par mixedmethods 9.9 le 1 mars 2026"
    assert book.sheetnames == ["LISEZMOI", "Statistiques des échelles", "Comparaisons de groupes",
                               "Fréquences des codes"]
    assert [c.value for c in book["Statistiques des échelles"][1]] == ["Variable", "Groupe", "n", "Moyenne",
                                                                       "Écart type"]


def test_sheet_names_are_at_most_31_characters_unique_and_legal():
    texts = Texts("en")
    texts.data = copy.deepcopy(texts.data)
    long = "A label much longer than Excel's limit of thirty-one"
    texts.data["outputs"]["sheets"].update({"t1": {"label": long}, "t2": {"label": long},
                                            "t3": {"label": "Readme"}, "t4": {"label": "a/b: c?"}})
    names = sheet_names(["t1", "t2", "t3", "t4"], texts)
    assert all(len(n) <= 31 for n in names.values())
    assert len({n.casefold() for n in names.values()} | {"readme"}) == 5  # Excel ignores case
    assert names["t1"] == long[:31] and names["t2"].endswith(" (2)") and names["t4"] == "a b  c"


def test_the_demo_workbooks_label_every_sheet_and_column_in_both_languages(built_demo: Path):
    import openpyxl

    for name, readme in (("tables.xlsx", "README"), ("tableaux.xlsx", "LISEZMOI")):
        book = openpyxl.load_workbook(built_demo / "report" / name)
        assert book.sheetnames[0] == readme
        rows = [[c.value for c in row] for row in book[readme].iter_rows()]
        header = next(i for i, row in enumerate(rows) if all(row))
        columns = [r for r in rows[header + 1:] if r[1]]
        unlabelled = [(r[0], r[4]) for r in columns if not r[2]]
        assert not unlabelled, f"{name}: columns without a label in templates/text: {unlabelled[:5]}"
        sheets = [r for r in rows[header + 1:] if not r[1]]
        assert all(r[0] != r[3] for r in sheets), "a sheet is named by its id"
        assert {r[0] for r in sheets} == set(book.sheetnames[1:])
        formats = {c.number_format for sheet in book.worksheets[1:] for c in sheet[2]}
        assert {"0", "0%", "0.00", "0.000"} <= formats


def test_participants_sav_has_measure_levels_and_formats(built_demo: Path):
    import pyreadstat

    _, meta = pyreadstat.read_sav(str(built_demo / "private" / "exports" / "participants.sav"), metadataonly=True)
    measure, formats = meta.variable_measure, meta.original_variable_types
    assert (measure["participant_id"], formats["participant_id"]) == ("nominal", "A10")  # P- and 8 characters
    assert (measure["group"], formats["group"]) == ("nominal", "F8.0")
    assert (measure["in_chats"], formats["in_chats"]) == ("nominal", "F8.0")
    # The demo's constructs.yaml: speed's survey indicator is a scale mean, inclusivity's interview indicator the
    # presence of a code (0/1), confidentiality's chat indicator a count of messages.
    assert (measure["speed_survey"], formats["speed_survey"]) == ("scale", "F8.2")
    assert (measure["inclusivity_interviews"], formats["inclusivity_interviews"]) == ("nominal", "F8.0")
    assert meta.variable_value_labels["inclusivity_interviews"] == {0: "no", 1: "yes"}
    assert (measure["confidentiality_chats"], formats["confidentiality_chats"]) == ("scale", "F8.0")


ITEM_TYPES = ("likert", "select_one", "select_multiple", "integer", "decimal")


def test_the_item_level_file_has_one_row_per_respondent_and_item_answered(built_demo: Path):
    import pyreadstat

    from mixedmethods.study import load_study

    questionnaire = load_study(built_demo).questionnaire()
    items = [q.id for q in questionnaire.questions if q.type in ITEM_TYPES and q.id != questionnaire.group_question]
    conn = sqlite3.connect(built_demo / "store.sqlite")
    try:
        kept, people = conn.execute("SELECT COUNT(*), COUNT(DISTINCT participant_id) FROM survey_responses "
                                    "WHERE status = 'kept'").fetchone()
        answered = conn.execute(
            f"SELECT COUNT(*) FROM survey_answers a JOIN survey_responses r USING (response_id) WHERE "
            f"r.status = 'kept' AND a.value != '' AND a.question_id IN ({','.join('?' * len(items))})",
            items).fetchone()[0]
    finally:
        conn.close()
    assert kept == people  # one kept response each, so every stored answer is one row
    exports = built_demo / "private" / "exports"
    frame = pd.read_csv(exports / "survey_items.csv", dtype={"answer_code": str})
    assert len(frame) == answered
    assert list(frame.columns) == ["participant_id", "group", "item_id", "item_label", "answer_code",
                                   "answer_number", "answer_label", "scale", "reversed"]
    assert frame["participant_id"].str.fullmatch(r"[PU]-[A-Z2-7]{8}").all()
    # The demo questionnaire: speed_4 is reverse-keyed in the speed scale, a 4 on agree5 reads "Agree".
    row = frame[(frame["item_id"] == "speed_4") & (frame["answer_code"] == "4")].iloc[0]
    assert (row["scale"], row["reversed"], row["answer_label"], row["answer_number"]) == ("speed", 1, "Agree", 4)
    assert not (built_demo / "report" / "survey_items.csv").exists()
    data, meta = pyreadstat.read_sav(str(exports / "survey_items.sav"))
    assert len(data) == answered
    assert meta.variable_measure["answer_number"] == "scale" and meta.variable_measure["item_id"] == "nominal"
    assert meta.original_variable_types["reversed"] == "F8.0"
    assert meta.original_variable_types["item_id"].startswith("A")


# results.json and its schema ------------------------------------------------------------------------------------

def validator():
    import jsonschema

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_the_demo_results_json_follows_the_schema(built_demo: Path):
    results = json.loads((built_demo / "report" / "results.json").read_text(encoding="utf-8"))
    errors = [f"{'/'.join(map(str, e.path))}: {e.message}" for e in validator().iter_errors(results)]
    assert not errors, errors[:5]
    assert results["schema_version"] == 1
    speed = results["survey"]["reliability"]["speed"]
    assert speed["alpha_CI95_low"] < speed["alpha"] < speed["alpha_CI95_high"] and "alpha_ci95" not in speed


MINIMAL = {"schema_version": 1, "tool_version": "0.1.0", "languages": ["en"], "min_cell_size": 5,
           "survey": {"n": 0, "test": "mann-whitney"}, "interviews": {"transcripts": 0, "segments": 0,
                                                                       "interviewed": 0},
           "chats": {"messages": 0}, "triangulation": {"participant_exports": {"asked": "private",
                                                                                "where": "private"}}}


def test_a_minimal_document_is_valid_and_hand_made_faults_are_not():
    check = validator()
    assert check.is_valid(MINIMAL)
    faults = []
    bad = copy.deepcopy(MINIMAL)
    bad["survey"]["n"] = "many"                        # a count as text
    faults.append(bad)
    bad = copy.deepcopy(MINIMAL)
    del bad["tool_version"]                            # a required key missing
    faults.append(bad)
    bad = copy.deepcopy(MINIMAL)
    bad["survey"]["reliability"] = {"s": {"alpha": 0.8, "alpha_ci95": [0.7, 0.9], "n_complete": 9, "items": 4}}
    faults.append(bad)                                 # the old names of the interval and of n
    bad = copy.deepcopy(MINIMAL)
    bad["triangulation"]["comparisons"] = [{"construct": "c", "source": "survey", "test": "t", "p": 1.7}]
    faults.append(bad)                                 # a p value above 1
    for fault in faults:
        assert not check.is_valid(fault)


def test_consistent_names_split_intervals_and_rename_the_odd_keys():
    results = {"survey": {"reliability": {"s": {"alpha": 0.8, "alpha_ci95": [0.7, 0.9], "omega_ci95": [0.6, 0.95],
                                                "n_complete": 9}}},
               "chats": {"withheld_groups": ["g"], "messages": 3}}
    renamed = consistent_names(results)
    assert renamed["survey"]["reliability"]["s"] == {"alpha": 0.8, "alpha_CI95_low": 0.7, "alpha_CI95_high": 0.9,
                                                     "omega_CI95_low": 0.6, "omega_CI95_high": 0.95, "n": 9}
    assert renamed["chats"] == {"groups_withheld": ["g"], "messages": 3}
    assert results["chats"] == {"withheld_groups": ["g"], "messages": 3}  # the analyses' own dict is left alone


# Quote matrix and coder disagreements ---------------------------------------------------------------------------

TEXT = "P-AAAAAAAA: one\n\nP-AAAAAAAA: two two\nP-AAAAAAAA: three\n"  # paragraphs at 0-15, 17-36, 37-54


def coded() -> tuple[pd.DataFrame, pd.DataFrame]:
    transcripts = pd.DataFrame({"transcript_id": [1], "participant_id": ["P-AAAAAAAA"], "group": ["north"],
                                "name": ["interview-1"], "text": [TEXT]})
    # Coder "lee" codes c in paragraph 1; coder "kim" codes c in paragraph 1 and d in paragraphs 2 and 3.
    segments = pd.DataFrame({
        "segment_id": [1, 2, 3, 4], "transcript_id": [1] * 4, "participant_id": ["P-AAAAAAAA"] * 4,
        "group": ["north"] * 4, "coder": ["lee", "kim", "kim", "kim"], "code_id": ["c", "c", "d", "d"],
        "start": [12, 12, 29, 49], "end": [15, 15, 36, 54],
        "quote": ["one", "one", "two two", "three"]})
    return transcripts, segments


def test_the_coder_disagreements_are_the_paragraphs_where_two_coders_differ():
    transcripts, segments = coded()
    listed = disagreements(segments, transcripts)
    # By hand: both coders applied c to paragraph 1; only kim applied d, to paragraphs 2 and 3.
    assert listed[["paragraph", "code", "coder_a", "decision_a", "coder_b", "decision_b"]].values.tolist() == [
        [2, "d", "kim", APPLIED, "lee", NOT_APPLIED], [3, "d", "kim", APPLIED, "lee", NOT_APPLIED]]
    assert listed["text"].tolist() == ["P-AAAAAAAA: two two", "P-AAAAAAAA: three"]
    single = segments[segments["coder"] == "kim"]
    assert disagreements(single, transcripts).empty  # one coder: nothing to disagree on


def test_the_quote_matrix_counts_the_reference_coders_segments():
    transcripts, segments = coded()
    counts, quotes = quote_matrix(segments, transcripts, ["c", "d", "e"])
    # kim has 3 segments, lee 1: kim is the reference coder (units.py).
    assert counts.values.tolist() == [["P-AAAAAAAA", "north", 1, 2, 0]]
    assert quotes.values.tolist() == [["P-AAAAAAAA", "north", "one", "two two", ""]]


def test_the_demo_disagreements_agree_with_the_agreement_table(built_demo: Path):
    listed = pd.read_excel(built_demo / "private" / "exports" / "coder_disagreements.xlsx", engine="openpyxl")
    results = json.loads((built_demo / "report" / "results.json").read_text(encoding="utf-8"))
    agreement = results["interviews"]["agreement"]
    # For a code without sub-codes, two coders per transcript: disagreements = units x (1 - agreement).
    leaves = [code for code, row in agreement.items() if row.get("kind") == "code" and row["units"]
              and row["percent_agreement"] is not None]
    assert len(leaves) > 10
    for code in leaves:
        row = agreement[code]
        expected = round(row["units"] * (1 - row["percent_agreement"] / 100))
        assert (listed["code"] == code).sum() == expected, code
    unused = [code for code, row in agreement.items() if row.get("kappa_note") == "not_applied"]
    assert unused and not listed["code"].isin(unused).any()  # a code nobody applied: nothing to disagree on
    matrix = pd.read_excel(built_demo / "private" / "exports" / "quote_matrix.xlsx", sheet_name=None, engine="openpyxl")
    assert list(matrix) == ["segments", "first quotes", "codes"]
    assert len(matrix["segments"]) == results["interviews"]["interviewed"]


# Privacy ----------------------------------------------------------------------------------------------------------

def texts_of(path: Path) -> str:
    """Everything readable in a file: each member of a zip (docx, xlsx), else the bytes as text."""
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            return "\n".join(archive.read(m).decode("utf-8", "replace") for m in archive.namelist())
    if path.suffix == ".sav":
        import pyreadstat

        data, meta = pyreadstat.read_sav(str(path))
        return data.to_csv() + json.dumps(meta.column_names_to_labels) + json.dumps(meta.variable_value_labels)
    return path.read_bytes().decode("utf-8", "replace")


def identities(participants: Path) -> list[str]:
    with participants.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    found = []
    for row in rows:
        found += [row["name"], row["email"], row["phone"], "".join(ch for ch in row["phone"] if ch.isdigit())]
    return [value.casefold() for value in found if value]


def test_no_identity_of_the_demo_in_any_report_file_or_new_export(built_demo: Path):
    people = identities(built_demo / "private" / "participants.csv")
    exports = built_demo / "private" / "exports"
    files = [p for p in (built_demo / "report").rglob("*") if p.is_file() and p.suffix != ".png"] + \
        [exports / name for name in ("survey_items.csv", "survey_items.sav", "quote_matrix.xlsx",
                                     "coder_disagreements.xlsx")]
    for path in files:
        text = texts_of(path).casefold()
        leaks = [who for who in people if who in text]
        assert not leaks, f"{path.name}: {leaks[:2]}"


def test_no_identity_of_the_small_study_in_any_report_file(built_chat_study: Path):
    """conftest's SMALL_PEOPLE wrote in a chat (their names as authors); the report holds pseudonyms only."""
    from conftest import SMALL_PEOPLE

    people = built_chat_study / "private" / "participants.csv"
    assert people.read_text(encoding="utf-8") == SMALL_PEOPLE
    found = identities(people)
    assert "ana pérez" in found and "ana@example.org" in found and "12465550101" in found
    files = [p for p in (built_chat_study / "report").rglob("*") if p.is_file() and p.suffix != ".png"]
    assert {"tables.xlsx", "tableaux.xlsx", "results.json"} <= {p.name for p in files}
    for path in files:
        text = texts_of(path).casefold()
        assert not [who for who in found if who in text], path.name


def test_spss_levels_follow_the_indicator_kind_and_whole_numbers():
    from types import SimpleNamespace as Thing

    from mixedmethods.report.exports import spss_levels

    indicators = {"interviews": Thing(measure="presence", item=None), "survey": Thing(measure=None, item="q1"),
                  "chats": Thing(measure=None, item=None)}
    results = Thing(constructs=[Thing(id="c", indicators=indicators)])
    frame = pd.DataFrame({"participant_id": ["P-AAAAAAAA", "P-BBBBBBBB"], "group": [1, 2], "in_chats": [0, 1],
                          "c.interviews": [0.0, 1.0], "c.survey": [1.0, 4.0], "c.chats": [1.5, 2.25],
                          "messages": [10, 31]})
    measures, formats = spss_levels(frame, results)
    assert measures == {"participant_id": "nominal", "group": "nominal", "in_chats": "nominal",
                        "c.interviews": "nominal", "c.survey": "ordinal", "c.chats": "scale", "messages": "scale"}
    assert formats == {"participant_id": "A10", "group": "F8.0", "in_chats": "F8.0", "c.interviews": "F8.0",
                       "c.survey": "F8.0", "c.chats": "F8.2", "messages": "F8.0"}


def test_item_answers_in_long_form_by_hand():
    from mixedmethods.instrument.questionnaire import Choice, ChoiceList, Question, Questionnaire, Scale
    from mixedmethods.report.item_export import item_answers

    agree = ChoiceList("agree3", [Choice("1", {"en": "No"}), Choice("2", {"en": "Maybe"}), Choice("3", {"en": "Yes"})])
    colours = ChoiceList("colours", [Choice("r", {"en": "Red"}), Choice("b", {"en": "Blue"})])
    questionnaire = Questionnaire(
        "q", "1", ["en"], {"en": "Q"}, {"agree3": agree, "colours": colours},
        [Question("a1", "likert", {"en": "First"}, choices="agree3"),
         Question("a2", "likert", {"en": "Second"}, choices="agree3", reverse=True),
         Question("pick", "select_multiple", {"en": "Colours"}, choices="colours"),
         Question("note", "text", {"en": "Anything else?"})],
        [Scale("s", {"en": "S"}, ["a1", "a2"])])
    responses = pd.DataFrame({"group": ["g", "h"], "a1": [3.0, float("nan")], "a2": [1.0, 2.0],
                              "pick": ["r b", None], "note": ["call me", "no"]},
                             index=pd.Index(["P-AAAAAAAA", "P-BBBBBBBB"], name="participant_id"))
    long = item_answers(responses, questionnaire, "en")
    # By hand: A answered a1, a2 and pick; B answered a2 only (a1 missing, pick empty); free text is left out.
    assert long[["participant_id", "item_id", "answer_code", "answer_label", "scale", "reversed"]].values.tolist() \
        == [["P-AAAAAAAA", "a1", "3", "Yes", "s", 0], ["P-AAAAAAAA", "a2", "1", "No", "s", 1],
            ["P-AAAAAAAA", "pick", "r b", "Red; Blue", "", 0], ["P-BBBBBBBB", "a2", "2", "Maybe", "s", 1]]
    assert long["answer_number"].tolist()[:2] == [3.0, 1.0] and pd.isna(long["answer_number"].iloc[2])


def test_the_same_tables_on_the_same_day_give_the_same_bytes(tmp_path: Path):
    """Issue 14: two builds of the same store write byte-identical workbooks. openpyxl stamps the document
    properties and every zip entry with the clock; 2.1 s apart (the zip format's resolution is 2 s) both differ
    unless the writer fixes them to the day."""
    import time
    from datetime import date

    from mixedmethods.report.texts import Texts
    from mixedmethods.report.workbook import write_labelled_tables

    def write(name: str) -> bytes:
        return write_labelled_tables(tmp_path / name, small_tables(), Texts("en"), title="A study", version="1.0",
                                     vocabulary={}, min_cell_size=5, today=date(2026, 3, 1)).read_bytes()

    first = write("a.xlsx")
    time.sleep(2.1)
    assert write("b.xlsx") == first


def test_two_builds_of_the_same_store_give_byte_identical_results_and_workbooks(built_demo: Path, tmp_path: Path):
    """Issue 14: rebuilding an unchanged study rewrites results.json, the workbooks, the documents and the figures
    with the same bytes (seeds from the data, fixed optimiser starts, dates fixed to the day), whether its steps
    ran in one process or side by side."""
    import shutil

    from click.testing import CliRunner

    from mixedmethods.cli import cli

    rebuilt = tmp_path / "study"
    shutil.copytree(built_demo, rebuilt)
    # --force: an unforced build of an unchanged study does nothing (incremental builds), which proves nothing here.
    # In one process, where the session's build ran its steps side by side (conftest.py, --jobs 3): the bytes
    # must not depend on it (report/workers.py).
    assert CliRunner().invoke(cli, ["build", str(rebuilt), "--force", "--jobs", "1"]).exit_code == 0
    # Every file, the Word files and figures too: an incremental build leaves a file whose bytes did not change
    # untouched.
    names = sorted(p.relative_to(built_demo / "report") for p in (built_demo / "report").rglob("*") if p.is_file())
    assert len(names) > 20 and names == sorted(p.relative_to(rebuilt / "report")
                                               for p in (rebuilt / "report").rglob("*") if p.is_file())
    for name in names:
        assert (rebuilt / "report" / name).read_bytes() == (built_demo / "report" / name).read_bytes(), name


def test_a_word_file_dated_in_place_is_whole_and_the_same_bytes_two_saves_apart(tmp_path: Path):
    """python-docx writes the document dates it is given, so only the zip entries' clocks are written over, in
    place (APPNOTE 4.3.7, 4.3.12); the file must still read back whole (CRCs intact) with every entry at the stamp."""
    import time
    import zipfile
    from datetime import date

    from mixedmethods.report.document import ReportDocument

    def write(name: str) -> bytes:
        doc = ReportDocument(language="en")
        doc.paragraph("Dated in place")
        return doc.save(tmp_path / name, today=date(2026, 3, 1)).read_bytes()

    first = write("a.docx")
    time.sleep(2.1)
    assert write("b.docx") == first
    with zipfile.ZipFile(tmp_path / "b.docx") as archive:
        assert archive.testzip() is None
        assert {info.date_time for info in archive.infolist()} == {(2026, 3, 1, 0, 0, 0)}
        assert b"2026-03-01T00:00:00Z</dcterms:modified>" in archive.read("docProps/core.xml")
