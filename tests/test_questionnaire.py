"""The questionnaire as data: the bundled instrument, skip logic, and XLSForm both ways."""

from __future__ import annotations

from pathlib import Path

import pytest

from mixedmethods.errors import InstrumentError
from mixedmethods.instrument.questionnaire import QUESTION_TYPES, load_questionnaire
from mixedmethods.instrument.relevance import compile_relevance
from mixedmethods.instrument.xlsform import read_xlsform, write_xlsform
from mixedmethods.resources import instruments_dir

BUNDLED = instruments_dir() / "survey.yaml"


def test_bundled_questionnaire_covers_the_study_themes_in_both_languages():
    q = load_questionnaire(BUNDLED)
    assert q.languages == ["en", "fr"]
    assert {s.id for s in q.scales} == {"speed", "inclusivity", "security", "power", "platform"}
    for scale in q.scales:
        assert 4 <= len(scale.items) <= 6
        assert any(q.question(i).reverse for i in scale.items), f"{scale.id} has no reverse-keyed item"
    assert {question.type for question in q.questions} == set(QUESTION_TYPES)
    for question in q.questions:
        assert set(question.label) == {"en", "fr"}, question.id
    assert q.question("training_kind").relevant == "${training} = 'yes'"
    assert q.group_question == "group" and q.participant_key == "invitation_code"


@pytest.mark.parametrize("expression, answers, expected", [
    ("${training} = 'yes'", {"training": "yes"}, True),
    ("${training} = 'yes'", {"training": "no"}, False),
    ("${training} = 'yes'", {}, False),
    ("${years} >= 5 and ${years} < 10", {"years": 7.0}, True),
    ("${years} >= 5", {"years": ""}, False),
    ("not(selected(${uses}, 'negotiation'))", {"uses": "coordination"}, True),
    ("selected(${uses}, 'negotiation') or ${training} != 'no'", {"uses": "", "training": "yes"}, True),
    ("count-selected(${uses}) > 1", {"uses": "a b"}, True),
])
def test_skip_logic_follows_xlsform_semantics(expression, answers, expected):
    assert compile_relevance(expression)(answers) is expected


@pytest.mark.parametrize("expression", ["__import__('os')", "${a}.__class__", "[1, 2]", "lambda: 1"])
def test_skip_logic_refuses_anything_but_expressions(expression):
    with pytest.raises(ValueError):
        compile_relevance(expression)


def test_xlsform_round_trip_loses_nothing(tmp_path: Path):
    original = load_questionnaire(BUNDLED)
    write_xlsform(original, tmp_path / "survey.xlsx")
    back = read_xlsform(tmp_path / "survey.xlsx")
    assert back.to_dict() == original.to_dict()


def test_written_xlsform_is_accepted_by_pyxform(tmp_path: Path):
    pyxform = pytest.importorskip("pyxform.xls2xform")
    write_xlsform(load_questionnaire(BUNDLED), tmp_path / "survey.xlsx")
    result = pyxform.convert(xlsform=str(tmp_path / "survey.xlsx"), validate=False)
    assert result.warnings == []
    assert "<h:title>WhatsApp in multilateral diplomacy" in result.xform
    # Range, required and skip logic survived as XForms binds; Likert items kept their appearance.
    assert ('<bind nodeset="/data/years_service" type="int" required="true()" '
            'constraint=". &gt;= 0 and . &lt;= 45"/>') in result.xform
    assert "<bind nodeset=\"/data/training_kind\" type=\"string\" relevant=\" /data/training  = 'yes'\"/>" in result.xform
    assert 'appearance="likert"' in result.xform


def test_cli_converts_yaml_to_xlsform_and_back(tmp_path: Path, run):
    assert run("instrument", "convert", BUNDLED, tmp_path / "s.xlsx").exit_code == 0
    assert run("instrument", "convert", tmp_path / "s.xlsx", tmp_path / "s.yaml").exit_code == 0
    assert load_questionnaire(tmp_path / "s.yaml").to_dict() == load_questionnaire(BUNDLED).to_dict()


@pytest.mark.parametrize("text, message", [
    ("id: x\nlanguages: [en]\nquestions:\n  - {id: a, type: slider}\n", "line 4: question 'a': type 'slider'"),
    ("id: x\nlanguages: [en]\nquestions:\n  - {id: a, type: select_one, choices: nope}\n",
     "line 4: question 'a': choices 'nope' is not a defined choice list"),
    ("id: x\nlanguages: [en]\nquestions:\n  - {id: a, type: text, relevant: \"${b} = 1\"}\n",
     "question 'a': relevant refers to unknown question 'b'"),
    ("id: x\nlanguages: [en]\ncolour: red\nquestions: []\n", "line 3: unknown key 'colour'"),
    ("id: x\nlanguages: [en]\nquestions:\n  - {id: a, type: integer, min: low}\n", "line 4: question 'a': min must"),
])
def test_invalid_questionnaires_name_the_line(tmp_path: Path, text: str, message: str):
    path = tmp_path / "survey.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InstrumentError) as error:
        load_questionnaire(path)
    assert message in str(error.value)


def test_profile_questions_are_the_marked_ones_or_else_the_choice_questions_outside_scales(tmp_path: Path):
    import yaml

    def questionnaire_from_dict(data, name):
        (tmp_path / name).write_text(yaml.safe_dump(data), encoding="utf-8")
        return load_questionnaire(tmp_path / name)

    base = {"id": "pilot", "languages": ["en"], "group_question": "team",
            "choice_lists": {"teams": [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}],
                             "agree": [{"value": str(i), "label": str(i)} for i in range(1, 6)]},
            "questions": [{"id": "team", "type": "select_one", "choices": "teams"},
                          {"id": "seniority", "type": "select_one", "choices": "teams"},
                          {"id": "tools", "type": "select_multiple", "choices": "teams"},
                          {"id": "age", "type": "integer"},
                          {"id": "t1", "type": "likert", "choices": "agree"},
                          {"id": "t2", "type": "likert", "choices": "agree"}],
            "scales": [{"id": "trust", "items": ["t1", "t2"]}]}
    unmarked = questionnaire_from_dict(base, "pilot.yaml")
    # No marks: choice questions, minus the group question and the scale items.
    assert [q.id for q in unmarked.profile_questions()] == ["seniority", "tools"]
    base["questions"][3]["role"] = "profile"
    marked = questionnaire_from_dict(base, "pilot.yaml")
    assert [q.id for q in marked.profile_questions()] == ["age"]
    base["questions"][3]["role"] = "demographic"
    with pytest.raises(InstrumentError, match="role 'demographic' is not one of profile"):
        questionnaire_from_dict(base, "pilot.yaml")


def test_bundled_profile_marks_survive_the_xlsform_round_trip(tmp_path: Path):
    q = load_questionnaire(BUNDLED)
    write_xlsform(q, tmp_path / "survey.xlsx")
    back = read_xlsform(tmp_path / "survey.xlsx")
    assert [x.id for x in back.profile_questions()] == [x.id for x in q.profile_questions()]
    assert [x.short for x in back.profile_questions()] == [x.short for x in q.profile_questions()]
    assert back.question("role").short == {"en": "Role", "fr": "Fonction"}
    assert len(q.profile_questions()) == 4
