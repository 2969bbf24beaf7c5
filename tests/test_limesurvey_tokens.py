"""LimeSurvey's survey participants (tokens) table as the participants list: given tokens.csv and the response
export codes.csv (tests/fixtures/limesurvey/README.md, counts by hand), responses are linked by token."""

from __future__ import annotations

import csv
import shutil
import sqlite3
from pathlib import Path

import pytest

LIMESURVEY = Path(__file__).parent / "fixtures" / "limesurvey"
EMPTY_LIST = "participant_id,name,phone,email,group,invitation_code\n"


@pytest.fixture
def study(small_study: Path) -> Path:
    """The small study with an empty participants list and the tokens table in private/."""
    (small_study / "private/participants.csv").write_text(EMPTY_LIST, encoding="utf-8")
    shutil.copy(LIMESURVEY / "tokens.csv", small_study / "private/tokens.csv")
    return small_study


def key_of(root: Path) -> bytes:
    from mixedmethods.privacy import load_key

    return load_key(root / "private")


def listed(root: Path) -> list[dict[str, str]]:
    with (root / "private/participants.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_tokens_table_fills_the_participants_list(study: Path, run):
    from mixedmethods.privacy import pseudonym

    result = run("participants", "from-limesurvey", study, study / "private/tokens.csv", "--group", "attribute_1")
    assert result.exit_code == 0, result.output + result.stderr
    # By hand: 4 rows, Dana (line 5) has no token yet; Ana, Bruno and Chen are added.
    assert result.output == ("participants.csv: 3 participants added, 0 given their token, 0 already listed, "
                             "1 without a token skipped (lines 5)\n")
    key = key_of(study)
    assert listed(study) == [
        {"participant_id": pseudonym(key, "ana@example.org"), "name": "Ana Pérez", "phone": "",
         "email": "ana@example.org", "group": "caricom", "invitation_code": "AAA111"},
        # Bruno's group is written as its label in LimeSurvey: the study.yaml group id is stored.
        {"participant_id": pseudonym(key, "bruno@example.org"), "name": "Bruno Lefèvre", "phone": "",
         "email": "bruno@example.org", "group": "sixth-committee", "invitation_code": "BBB222"},
        {"participant_id": pseudonym(key, "chen@example.org"), "name": "Chen Wei", "phone": "",
         "email": "chen@example.org", "group": "sixth-committee", "invitation_code": "CCC333"},
    ]
    again = run("participants", "from-limesurvey", study, study / "private/tokens.csv", "--group", "Delegation group")
    assert again.output.startswith("participants.csv: 0 participants added, 0 given their token, 3 already listed")


def test_responses_carrying_a_token_are_linked_to_the_listed_participant(study: Path, run, query):
    from mixedmethods.privacy import pseudonym

    assert run("participants", "from-limesurvey", study, study / "private/tokens.csv", "--group",
               "attribute_1").exit_code == 0
    shutil.copy(LIMESURVEY / "codes.csv", study / "data/survey/codes.csv")
    result = run("import", study)
    assert "imported (limesurvey): 3 responses" in result.output, result.output + result.stderr
    key = key_of(study)
    linked = query(study, "SELECT source_row, participant_id, grp FROM survey_responses ORDER BY source_row")
    # By hand: row 2 token AAA111 (Ana), row 3 BBB222 (Bruno), row 4 no token (kept under a U- pseudonym).
    assert linked[:2] == [(2, pseudonym(key, "ana@example.org"), "caricom"),
                          (3, pseudonym(key, "bruno@example.org"), "sixth-committee")]
    assert linked[2][1].startswith("U-")
    assert query(study, "SELECT COUNT(*) FROM participants WHERE listed = 1") == [(3,)]  # Chen listed, no answer
    conn = sqlite3.connect(study / "store.sqlite")
    try:
        stored = "\n".join(conn.iterdump())
    finally:
        conn.close()
    for never in ("Pérez", "Lefèvre", "Chen Wei", "ana@example.org", "chen@example.org", "AAA111", "Bridgetown"):
        assert never not in stored


def test_unknown_token_is_kept_unlinked_with_a_note_as_for_invitation_codes(study: Path, run, query):
    assert run("participants", "from-limesurvey", study, study / "private/tokens.csv").exit_code == 0
    text = (LIMESURVEY / "codes.csv").read_text(encoding="utf-8").replace('"BBB222"', '"ZZZ999"')
    (study / "data/survey/codes.csv").write_text(text, encoding="utf-8")
    assert run("import", study).exit_code == 0
    assert query(study, "SELECT COUNT(*) FROM survey_responses WHERE participant_id LIKE 'U-%'") == [(2,)]
    assert query(study, "SELECT row FROM rejects WHERE kind = 'note' "
                        "AND reason LIKE 'invitation code not found in private/participants.csv%'") == [(3,)]


def test_token_links_even_without_an_invitation_code_question(study: Path, run, query):
    survey = study / "instruments/survey.yaml"
    survey.write_text(survey.read_text(encoding="utf-8").replace("participant_key: invitation_code\n", ""),
                      encoding="utf-8")
    assert run("participants", "from-limesurvey", study, study / "private/tokens.csv").exit_code == 0
    shutil.copy(LIMESURVEY / "codes.csv", study / "data/survey/codes.csv")
    assert run("import", study).exit_code == 0
    assert query(study, "SELECT COUNT(*) FROM survey_responses WHERE participant_id LIKE 'P-%'") == [(2,)]


def test_listed_person_without_a_code_gets_the_token_and_keeps_their_id(study: Path, run):
    (study / "private/participants.csv").write_text(EMPTY_LIST + "P-ANA00001,Ana Pérez,,ana@example.org,,\n",
                                                    encoding="utf-8")
    result = run("participants", "from-limesurvey", study, study / "private/tokens.csv", "--group", "attribute_1")
    assert "2 participants added, 1 given their token, 0 already listed" in result.output
    ana = listed(study)[0]
    assert (ana["participant_id"], ana["invitation_code"], ana["group"]) == ("P-ANA00001", "AAA111", "caricom")


def test_listed_person_with_another_code_is_refused(study: Path, run):
    before = EMPTY_LIST + "P-ANA00001,Ana Pérez,,ana@example.org,caricom,OLD999\n"
    (study / "private/participants.csv").write_text(before, encoding="utf-8")
    result = run("participants", "from-limesurvey", study, study / "private/tokens.csv")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "tokens.csv, line 2: ana@example.org is listed with invitation code 'OLD999'" in result.stderr
    assert (study / "private/participants.csv").read_text(encoding="utf-8") == before  # nothing written


def test_unknown_group_names_file_line_and_column(study: Path, run):
    path = study / "private/tokens.csv"
    path.write_text(path.read_text(encoding="utf-8-sig").replace('"Geneva"', '"Geneva"').replace(
        '"sixth-committee","Geneva"', '"atlantis","Geneva"'), encoding="utf-8")
    result = run("participants", "from-limesurvey", study, path, "--group", "attribute_1")
    assert result.exit_code == 2
    assert ("tokens.csv, line 4, column 'attribute_1 <Delegation group>': group 'atlantis' is not a group of "
            "study.yaml") in result.stderr
    result = run("participants", "from-limesurvey", study, path, "--group", "attribute_9")
    assert result.exit_code == 2
    assert ("no attribute column 'attribute_9'; expected one of attribute_1 <Delegation group>, "
            "attribute_2 <Mission city>") in result.stderr


def test_tokens_table_inside_the_study_but_outside_private_is_refused(study: Path, run):
    shutil.copy(LIMESURVEY / "tokens.csv", study / "tokens.csv")
    result = run("participants", "from-limesurvey", study, study / "tokens.csv")
    assert result.exit_code == 2
    assert "holds names and e-mails; move it into private/" in result.stderr
    assert (study / "private/participants.csv").read_text(encoding="utf-8") == EMPTY_LIST


def test_a_response_export_is_not_a_tokens_table(study: Path, run):
    result = run("participants", "from-limesurvey", study, LIMESURVEY / "fulltext.csv")
    assert result.exit_code == 2
    assert ("fulltext.csv, line 1: this is a response export (column 'Response ID'), not the participants table"
            in result.stderr)
