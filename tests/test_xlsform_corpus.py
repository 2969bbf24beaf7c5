"""Real XLSForms written by others (tests/fixtures/xlsform/README.md): every form pyxform converts converts here too.

The reference is pyxform itself (ODK's converter, a peer library): the leaf fields of the survey it builds,
minus what this tool deliberately does not keep as questions (notes, identifying device/person metadata,
and the fields pyxform adds on its own: ``meta/instanceID``, ``meta/instanceName``, ``meta/entity`` and
table-list label rows).
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from mixedmethods.instrument.questionnaire import load_questionnaire

CORPUS = Path(__file__).parent / "fixtures" / "xlsform"
FORMS = sorted(CORPUS.glob("*.xlsx"))
# pyxform types not kept as questions (see read_xlsform): no answer, or identifying metadata.
NOT_KEPT = {"note", "deviceid", "uri:deviceid", "simserial", "subscriberid", "phonenumber", "username", "email",
            "imei", "audit", "entity"}


def pyxform_fields(path: Path) -> list[tuple[str, str]]:
    """(path, type) of every leaf field of pyxform's survey, in form order."""
    from pyxform.builder import create_survey_element_from_dict
    from pyxform.question import Question
    from pyxform.xls2json import parse_file_to_json

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        survey = create_survey_element_from_dict(parse_file_to_json(str(path), warnings=[]))
    fields = []
    for element in survey.iter_descendants():
        if isinstance(element, Question):
            field_path = element.get_xpath().split("/", 2)[2]
            generated = field_path in ("meta/instanceID", "meta/instanceName") or element.name.startswith(
                "reserved_name_for_field_list_labels")  # pyxform's own fields, not in the form
            if element.type not in NOT_KEPT and not generated:
                fields.append((field_path, element.type))
    return fields


def test_corpus_holds_twenty_forms():
    assert len(FORMS) >= 20


@pytest.mark.parametrize("form", FORMS, ids=[f.stem for f in FORMS])
def test_every_form_pyxform_converts_converts_with_the_same_fields(form: Path, tmp_path: Path, run):
    expected = [p for p, _ in pyxform_fields(form)]
    result = run("instrument", "convert", form, tmp_path / "out.yaml")
    assert result.exit_code == 0, result.output
    questionnaire = load_questionnaire(form)
    assert [q.path for q in questionnaire.questions] == expected


@pytest.mark.parametrize("form", FORMS, ids=[f.stem for f in FORMS])
def test_every_form_survives_xlsform_yaml_xlsform(form: Path, tmp_path: Path):
    from mixedmethods.instrument.xlsform import read_xlsform, write_xlsform

    first = read_xlsform(form)
    write_xlsform(first, tmp_path / "again.xlsx")
    assert read_xlsform(tmp_path / "again.xlsx").to_dict() == first.to_dict()


# select_one_external needs the external_choices sheet, which the questionnaire does not keep.
WRITABLE = [f for f in FORMS if f.stem not in ("case_insensitivity", "old_select_one_external")]


@pytest.mark.parametrize("form", WRITABLE, ids=[f.stem for f in WRITABLE])
def test_what_we_write_back_pyxform_reads_with_the_same_fields(form: Path, tmp_path: Path):
    from mixedmethods.instrument.xlsform import read_xlsform, write_xlsform

    questionnaire = read_xlsform(form)
    write_xlsform(questionnaire, tmp_path / "again.xlsx")
    assert [p for p, _ in pyxform_fields(tmp_path / "again.xlsx")] == [q.path for q in questionnaire.questions]
