"""Each survey tool's export shape, read into the same store records."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def study(small_study: Path) -> Path:
    return small_study


def answers(query, root: Path) -> dict[tuple[str, str], str]:
    rows = query(root, "SELECT p.grp, a.question_id, a.value FROM survey_answers a "
                       "JOIN survey_responses r USING (response_id) JOIN participants p USING (participant_id) "
                       "WHERE r.status = 'kept'")
    return {(g, q): v for g, q, v in rows}


def test_generic_csv_with_semicolons_in_windows_1252(study: Path, run, query):
    text = ("invitation_code;group;role;years_service;wa_hours;working_languages;comments;submitted_at\r\n"
            "AAA111;caricom;head;12;2,5;en fr;Très utile pour la coordination;2026-03-01T10:00:00\r\n"
            "BBB222;sixth-committee;legal;3;4;en;Trop de messages la nuit;2026-03-01T11:00:00\r\n")
    (study / "data/survey/export.csv").write_bytes(text.encode("cp1252"))
    result = run("import", study)
    assert result.exit_code == 0, result.output
    assert "imported (generic): 2 responses" in result.output
    got = answers(query, study)
    assert got[("caricom", "wa_hours")] == "2.5"  # decimal comma read as 2.5
    assert got[("caricom", "working_languages")] == "en fr"
    assert got[("caricom", "comments")] == "Très utile pour la coordination"
    assert got[("sixth-committee", "years_service")] == "3"


def test_kobo_csv_with_only_split_select_multiple_columns(study: Path, run, query):
    text = ("start,profile/invitation_code,profile/group,use/wa_purposes/coordination,use/wa_purposes/negotiation,"
            "use/wa_purposes/information,use/wa_purposes/socialisation,_id,_uuid,_submission_time\n"
            "2026-03-01,AAA111,caricom,1,0,1,0,1,u-1,2026-03-01T10:00:00\n"
            "2026-03-01,BBB222,sixth-committee,0,1,0,0,2,u-2,2026-03-01T10:05:00\n")
    (study / "data/survey/kobo.csv").write_text(text, encoding="utf-8-sig")
    result = run("import", study)
    assert "imported (kobo): 2 responses" in result.output, result.output
    got = answers(query, study)
    assert got[("caricom", "wa_purposes")] == "coordination information"
    assert got[("sixth-committee", "wa_purposes")] == "negotiation"


def test_limesurvey_csv_with_codes_without_underscores_and_token(study: Path, run, query):
    text = ('"id","submitdate","lastpage","startlanguage","seed","token","group","role","yearsservice",'
            '"wapurposes[coordination]","wapurposes[negotiation]","speed[speed1]","speed[speed4]"\n'
            '"1","2026-03-01 10:00:00","5","en","123","AAA111","caricom","negotiator","7","Y","","4","2"\n'
            '"2","2026-03-01 10:20:00","5","fr","456","BBB222","sixth-committee","legal","20","","Y","3","5"\n')
    (study / "data/survey/lime.csv").write_text(text, encoding="utf-8")
    result = run("import", study)
    assert "imported (limesurvey): 2 responses" in result.output, result.output
    got = answers(query, study)
    assert got[("caricom", "years_service")] == "7"
    assert got[("caricom", "wa_purposes")] == "coordination"
    assert got[("sixth-committee", "speed_4")] == "5"
    # The token linked the respondents: both are listed participants, none unlisted.
    assert query(study, "SELECT COUNT(*) FROM participants WHERE listed = 0") == [(0,)]


def test_google_forms_csv_with_french_question_labels(study: Path, run, query):
    text = ('Horodateur,Adresse e-mail,"À quel groupe de délégués appartenez-vous ?",'
            '"Quelle est votre fonction au sein de la délégation ?",'
            '"À quelles fins utilisez-vous le groupe ?",'
            '"Énoncés [Le volume de messages ralentit mon travail.]"\n'
            '2026/03/01 10:00:00,ana@example.org,Groupe des délégués de la CARICOM,Conseiller juridique,'
            '"Coordination des positions, Négociation de textes",Plutôt d\'accord\n')
    (study / "data/survey/google.csv").write_text(text, encoding="utf-8")
    result = run("import", study)
    assert "imported (googleforms): 1 responses" in result.output, result.output
    got = answers(query, study)
    assert got[("caricom", "role")] == "legal"
    assert got[("caricom", "wa_purposes")] == "coordination negotiation"
    assert got[("caricom", "speed_4")] == "4"
    # Linked through the collected e-mail address, which is not stored.
    assert query(study, "SELECT COUNT(*) FROM participants WHERE listed = 0") == [(0,)]


GF_HEADER = ('{stamp},"Code d’invitation (figurant dans votre courriel d’invitation)",'
             '"QUELLE EST VOTRE FONCTION AU SEIN DE LA DÉLÉGATION"\n')


def kept_role(query, root: Path) -> list[tuple[int, str]]:
    return query(root, "SELECT r.source_row, a.value FROM survey_answers a JOIN survey_responses r "
                       "USING (response_id) WHERE r.status = 'kept' AND a.question_id = 'role'")


def test_google_forms_horodateur_is_day_first_so_the_later_duplicate_is_kept(study: Path, run, query):
    # Both readings are possible (no number above 12): the French header decides. Day first, row 2 is
    # 1 March and row 3 is 2 January, so row 2 is the later submission; month first would keep row 3.
    text = GF_HEADER.format(stamp="Horodateur") + ("01/03/2026 10:00:00,AAA111,Conseiller juridique\n"
                                                     "02/01/2026 10:00:00,AAA111,Chef de délégation\n")
    (study / "data/survey/google.csv").write_text(text, encoding="utf-8")
    result = run("import", study)
    assert "imported (googleforms): 1 responses" in result.output, result.output + result.stderr
    assert kept_role(query, study) == [(2, "legal")]
    assert query(study, "SELECT submitted_at FROM survey_responses ORDER BY source_row") == [
        ("2026-03-01T10:00:00",), ("2026-01-02T10:00:00",)]


def test_google_forms_date_order_comes_from_the_data_when_a_day_is_above_12(study: Path, run, query):
    # English header (which decides nothing: en-GB is day first, en-US month first); 25/02 can only be day first: row 3 (25 Feb) is later
    # than row 2 (3 Feb read day first; it would be 2 March month first).
    text = GF_HEADER.format(stamp="Timestamp") + ("03/02/2026 10:00:00,AAA111,Conseiller juridique\n"
                                                    "25/02/2026 09:00:00,AAA111,Chef de délégation\n")
    (study / "data/survey/google.csv").write_text(text, encoding="utf-8")
    assert run("import", study).exit_code == 0
    assert kept_role(query, study) == [(3, "head")]


def test_google_forms_header_with_a_near_miss_names_the_closest_question(study: Path, run):
    text = ('Horodateur,"Quelle est votre fonction dans la délégation ?"\n'
            '01/03/2026 10:00:00,Conseiller juridique\n')
    (study / "data/survey/google.csv").write_text(text, encoding="utf-8")
    result = run("import", study)
    assert result.exit_code == 2
    assert ("closest question: 'Quelle est votre fonction au sein de la délégation ?'" in result.stderr)


def test_reader_option_overrides_detection(study: Path, run):
    text = "invitation_code,group,_uuid\nAAA111,caricom,u-1\n"
    (study / "data/survey/export.csv").write_text(text, encoding="utf-8")
    # Detected as Kobo (it has _uuid); forced generic, '_uuid' is an unknown column.
    result = run("import", study, "--reader", "generic")
    assert result.exit_code == 2
    assert "column '_uuid': unknown column" in result.stderr


def test_unknown_invitation_code_is_kept_under_a_keyed_pseudonym_and_noted(study: Path, run, query):
    (study / "data/survey/export.csv").write_text("invitation_code,group\nZZZ999,caricom\n", encoding="utf-8")
    assert run("import", study).exit_code == 0
    assert query(study, "SELECT participant_id LIKE 'U-%' FROM survey_responses") == [(1,)]
    (reason,) = query(study, "SELECT reason FROM rejects WHERE kind = 'note' AND column_name = 'invitation_code'")[0]
    assert reason.startswith("invitation code not found in private/participants.csv")


def test_limesurvey_incomplete_response_is_kept_with_a_note(study: Path, run, query):
    text = ('"id","submitdate","lastpage","startlanguage","token","group","role"\n'
            '"1","","2","en","AAA111","caricom","legal"\n')
    (study / "data/survey/lime.csv").write_text(text, encoding="utf-8")
    assert "imported (limesurvey): 1 responses" in run("import", study).output
    assert query(study, "SELECT row, reason FROM rejects WHERE kind = 'note' AND column_name IS NULL") == [
        (2, "incomplete response (no submitdate); kept")]


# --- the registry of source kinds -------------------------------------------------------------------------

def test_every_bundled_reader_is_registered_and_the_catch_all_ones_come_last():
    from mixedmethods import sources

    # Subsets, so that a new reader module needs no edit here.
    assert {"googleforms", "kobo", "limesurvey", "qualtrics", "generic"} <= set(sources.names("survey"))
    assert {"plain", "qdpx", "segments_table", "word"} <= set(sources.names("interviews"))
    assert "whatsapp" in sources.names("chats")
    assert sources.names("survey")[-1] == "generic" and sources.names("chats")[-1] == "whatsapp"
    assert {".csv", ".docx", ".qdpx", ".txt", ".xlsx"} <= set(sources.suffixes("interviews"))


def test_format_tables_in_the_docs_are_generated_from_the_registry():
    from mixedmethods import sources

    root = Path(__file__).resolve().parent.parent
    for name in sources.DOC_FILES:
        text = (root / name).read_text(encoding="utf-8")
        assert "<!-- source kinds:" in text, name
        assert sources.update_tables(text) == text, f"run: python -m mixedmethods.sources --write ({name})"
    survey = (root / "docs/survey.md").read_text(encoding="utf-8")
    for kind in sources.kinds("survey"):
        assert f"`{kind.name}`" in survey


def test_formats_command_and_study_yaml_ask_the_registry(study: Path, run):
    from mixedmethods import sources

    result = run("formats", "--source", "survey")
    assert result.exit_code == 0
    assert [line.split()[0] for line in result.output.splitlines()[1:]] == sources.names("survey")
    study_yaml = study / "study.yaml"
    study_yaml.write_text(study_yaml.read_text(encoding="utf-8").replace(
        "- data/survey", "- {path: data/survey, reader: surveymonkey}"), encoding="utf-8")
    result = run("status", study)
    assert result.exit_code == 2
    assert f"reader 'surveymonkey' is not one of auto, {', '.join(sources.names('survey'))}" in result.stderr
    assert "qualtrics, generic" in result.stderr


ACME_READER = '''\
"""A made-up survey tool: one new module dropped into the readers package."""
from mixedmethods.sources import register
from mixedmethods.survey.readers import RawRow, RawSurvey


def detect(sheet, questionnaire):
    return sheet.header[:1] == ["acme_id"]


@register("survey", "acme", detect=detect, suffixes=(".csv",), stores="survey responses",
          recognised_by="first column `acme_id`", description="Acme exports")
def read(sheet, questionnaire, shown):
    rows = [RawRow(n, {h: v for h, v in zip(sheet.header[1:], values[1:]) if v}, submission_id=values[0])
            for n, values in zip(sheet.numbers, sheet.rows)]
    return RawSurvey("acme", rows)
'''


def test_a_new_reader_is_one_new_module_in_the_readers_package(study: Path, run, query, tmp_path, monkeypatch):
    import mixedmethods.survey.readers as package
    from mixedmethods import sources

    folder = tmp_path / "dropped"
    folder.mkdir()
    (folder / "acme.py").write_text(ACME_READER, encoding="utf-8")
    # As if acme.py sat in mixedmethods/survey/readers/: the package's path also covers the folder.
    monkeypatch.setattr(package, "__path__", [*package.__path__, str(folder)])
    monkeypatch.setattr(sources, "_LOADED", set())
    monkeypatch.setitem(sources._REGISTRY, "survey", dict(sources._REGISTRY["survey"]))
    try:
        (study / "data/survey/acme.csv").write_text("acme_id,invitation_code,group\nA-1,AAA111,caricom\n",
                                                    encoding="utf-8")
        result = run("import", study)
        assert "imported (acme): 1 responses" in result.output, result.output
        assert query(study, "SELECT submission_id, grp FROM survey_responses") == [("A-1", "caricom")]
        assert "acme" in sources.names("survey")
    finally:
        import sys

        sys.modules.pop("mixedmethods.survey.readers.acme", None)


# --- Google Forms corpus (tests/fixtures/googleforms/README.md; expected values counted by hand) ---------

GOOGLE_FORMS = Path(__file__).parent / "fixtures" / "googleforms"
# file: (kept, duplicates, respondents not in participants.csv, the kept rows' (file row, role, speed_4))
GOOGLE_EXPECTED = {
    "fr_horodateur.csv": (3, 1, 1, [(2, "legal", "4"), (4, "negotiator", "5"), (5, "junior", "3")]),
    "en_timestamp.csv": (2, 1, 0, [(3, "head", "2"), (4, "legal", "5")]),
    "fr_sheets.xlsx": (2, 1, 0, [(2, "legal", "4"), (4, "negotiator", "5")]),
}


@pytest.mark.parametrize("name", sorted(GOOGLE_EXPECTED))
def test_google_forms_corpus(study: Path, run, query, name: str):
    import shutil

    kept, duplicates, unlisted, rows = GOOGLE_EXPECTED[name]
    shutil.copy(GOOGLE_FORMS / name, study / "data/survey" / name)
    result = run("import", study)
    assert f"imported (googleforms): {kept} responses" in result.output, result.output + result.stderr
    assert query(study, "SELECT COUNT(*) FROM survey_responses WHERE status = 'duplicate'") == [(duplicates,)]
    assert query(study, "SELECT COUNT(*) FROM participants WHERE listed = 0") == [(unlisted,)]
    got = query(study, "SELECT r.source_row, MAX(CASE a.question_id WHEN 'role' THEN a.value END), "
                       "MAX(CASE a.question_id WHEN 'speed_4' THEN a.value END) FROM survey_responses r "
                       "JOIN survey_answers a USING (response_id) WHERE r.status = 'kept' GROUP BY r.source_row "
                       "ORDER BY r.source_row")
    assert got == rows


# --- LimeSurvey corpus (tests/fixtures/limesurvey/README.md): the same three responses in both headings ----

LIMESURVEY = Path(__file__).parent / "fixtures" / "limesurvey"
# Read by hand from the files: codes as exported, labels looked up in the questionnaire's choice lists.
LIME_ANSWERS = {
    (2, "role"): "legal", (2, "years_service"): "7", (2, "wa_purposes"): "coordination negotiation",
    (2, "speed_1"): "4", (2, "speed_4"): "2",
    (3, "role"): "negotiator", (3, "years_service"): "20", (3, "wa_purposes"): "information",
    (3, "speed_1"): "3", (3, "speed_4"): "5",
    (4, "role"): "junior",
}


@pytest.mark.parametrize("name", ["codes.csv", "fulltext.csv"])
def test_limesurvey_corpus(study: Path, run, query, name: str):
    import shutil

    shutil.copy(LIMESURVEY / name, study / "data/survey" / name)
    result = run("import", study)
    assert "imported (limesurvey): 3 responses" in result.output, result.output + result.stderr
    got = {(row, qid): value for row, qid, value in query(
        study, "SELECT r.source_row, a.question_id, a.value FROM survey_answers a JOIN survey_responses r "
               "USING (response_id) WHERE a.question_id NOT IN ('group', 'invitation_code')")}
    assert got == LIME_ANSWERS
    assert query(study, "SELECT r.grp, p.listed FROM participants p JOIN survey_responses r USING (participant_id) "
                        "ORDER BY source_row") == [("caricom", 1), ("sixth-committee", 1), ("caricom", 0)]
    assert query(study, "SELECT row FROM rejects WHERE reason LIKE 'incomplete response%'") == [(4,)]
