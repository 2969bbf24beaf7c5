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


def _xlsform(path: Path, sheets: dict[str, list[list]]) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def test_xlsform_groups_repeats_raw_types_and_upper_case_names(tmp_path: Path):
    # Hand-built to the XLSForm spec (xlsform.org): upper-case sheet and column names are allowed.
    form = _xlsform(tmp_path / "f.xlsx", {
        "SURVEY": [["TYPE", "NAME", "LABEL"],
                   ["begin_group", "hh", "Household"],
                   ["geopoint", "loc", "Where?"],
                   ["begin repeat", "member", "Member"],
                   ["select_one yn or_other", "works", "Works?"],
                   ["end repeat", None, None],
                   ["end_group", None, None],
                   ["date time", "visit", "Visit"],
                   ["note", "thanks", "Thank you"]],
        "Choices": [["LIST NAME", "NAME", "LABEL"], ["yn", "yes", "Yes"], ["yn", "no", "No"]],
    })
    q = read_xlsform(form)
    assert [(x.path, x.type, x.repeat) for x in q.questions] == [
        ("hh/loc", "geopoint", None), ("hh/member/works", "select_one", "hh/member"),
        ("hh/member/works_other", "text", "hh/member"), ("visit", "datetime", None)]
    assert q.choice_lists["yn"].values() == ["yes", "no", "other"]  # or_other adds 'other', as pyxform does
    assert [x.analysed for x in q.questions] == [False, True, True, False]


def test_xlsform_partial_translation_falls_back_to_the_default_label(tmp_path: Path):
    form = _xlsform(tmp_path / "f.xlsx", {
        "survey": [["type", "name", "label::English (en)", "label::French (fr)"],
                   ["text", "a", "Name", "Nom"], ["integer", "b", "Age", None]],
        "settings": [["form_id", "default_language"], ["f", "English (en)"]],
    })
    q = read_xlsform(form)
    assert q.languages == ["en", "fr"]
    assert (q.question("a").text("fr"), q.question("b").text("fr")) == ("Nom", "Age")


@pytest.mark.parametrize("rows, message", [
    ([["type", "name", "label"], ["text", "a", "A"], ["slider", "b", "B"]],
     "row 3, column 'type': sheet 'survey': unknown question type 'slider'"),
    ([["type", "name", "label"], ["select_one nope", "a", "A"]],
     "row 2, column 'type': sheet 'survey': choice list 'nope' is not on the choices sheet"),
    ([["type", "name", "label"], ["begin_group", "g", "G"], ["text", "a", "A"]],
     "column 'type': sheet 'survey': begin group 'g' has no end group"),
    ([["type", "name", "label"], ["text", None, "A"]], "row 2, column 'name': sheet 'survey': a question needs a name"),
])
def test_xlsform_refusals_name_sheet_row_and_column(tmp_path: Path, run, rows, message):
    form = _xlsform(tmp_path / "f.xlsx", {"survey": rows})
    result = run("instrument", "convert", form, tmp_path / "out.yaml")
    assert result.exit_code == 2
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_yaml_questionnaire_takes_raw_types_groups_and_kept_xlsform_columns(tmp_path: Path):
    path = tmp_path / "q.yaml"
    path.write_text("id: x\nlanguages: [en]\nquestions:\n"
                    "  - {id: loc, type: geopoint, label: Where, group: hh, repeat: hh}\n"
                    "  - {id: n, type: calculate, label: n, xlsform: {calculation: '1 + 1'}}\n", encoding="utf-8")
    q = load_questionnaire(path)
    assert (q.question("loc").path, q.question("n").xlsform) == ("hh/loc", {"calculation": "1 + 1"})
    path.write_text("id: x\nlanguages: [en]\nquestions:\n  - {id: a, type: text, group: 3}\n", encoding="utf-8")
    with pytest.raises(InstrumentError, match="line 4: question 'a': group must be a text"):
        load_questionnaire(path)


def test_raw_answers_are_stored_as_given():
    from mixedmethods.instrument.questionnaire import Question, Questionnaire
    from mixedmethods.survey.validate import parse_value

    question = Question("loc", "geopoint", {"en": "Where"})
    questionnaire = Questionnaire("x", "1", ["en"], {}, {}, [question], [])
    assert parse_value(questionnaire, question, " 12.5 -61.2 0 5 ", {}) == "12.5 -61.2 0 5"


def test_xlsform_skip_logic_on_a_row_that_is_no_question_is_kept_as_written(tmp_path: Path):
    form = _xlsform(tmp_path / "f.xlsx", {"survey": [
        ["type", "name", "label", "relevant"],
        ["deviceid", "device", None, None],  # identifying metadata: not a question here
        ["text", "a", "A", "${device} != ''"],
        ["text", "b", "B", "${a} = 'x'"]]})
    q = read_xlsform(form)
    assert (q.question("a").relevant, q.question("a").xlsform) == (None, {"relevant": "${device} != ''"})
    assert q.question("b").relevant == "${a} = 'x'"
