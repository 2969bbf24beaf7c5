"""study.yaml, the questionnaire (YAML and XLSForm) and the codebook, fed generated malformed versions, load or fail
with one UserError line; nothing else (see tests/fuzzkit.py and docs/testing.md)."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from fuzzkit import FIXTURES, FUZZ, ends_well, hostile_text, text_inputs, zip_inputs

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

# Any YAML value: what a user may type where another was expected.
VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-10 ** 6, 10 ** 20) | st.floats() | hostile_text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(hostile_text(), inner, max_size=3), max_leaves=5)


def _paths(data, prefix=()):
    """Every (path, value) of a nested dict/list, the root included."""
    yield prefix
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _paths(value, prefix + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _paths(value, prefix + (index,))


@st.composite
def structured(draw, seed: dict) -> bytes:
    """``seed`` with one to three places given another value (of any type), a key renamed or an item dropped."""
    import copy

    data = copy.deepcopy(seed)
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _paths(data) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = data
        for step in path[:-1]:
            parent = parent[step]
        how = draw(st.sampled_from(["value", "value", "value", "drop", "rename"]))
        if how == "value":
            parent[path[-1]] = draw(VALUES)
        elif how == "drop":
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[draw(hostile_text())] = parent.pop(path[-1])
    try:
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode("utf-8")
    except yaml.YAMLError:
        return b"{}"


def yaml_inputs(path: Path) -> st.SearchStrategy[bytes]:
    seed = path.read_bytes()
    parsed = yaml.safe_load(seed)
    text = text_inputs([seed], delimiters=": ,-[]{}")
    return st.integers(0, 9).flatmap(lambda i: structured(parsed) if i < 6 else text)


@pytest.fixture(scope="module")
def study_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from mixedmethods.study import init_study

    root = tmp_path_factory.mktemp("fuzz-study") / "study"
    init_study(root)
    (root / "data/chats/chat.txt").write_text("16/03/2024, 10:15 - Ana: hello\n", encoding="utf-8")
    (root / "report.docx").write_bytes(b"")
    return root


def _init_yaml() -> Path:
    import tempfile

    from mixedmethods.study import init_study

    root = Path(tempfile.mkdtemp(prefix="mm-fuzz-seed-")) / "study"
    init_study(root)
    text = (root / "study.yaml").read_text(encoding="utf-8").replace(
        "  chats: []", "  chats:\n  - {path: data/chats/chat.txt, group: caricom, date_order: dmy, format: auto}")
    text = text.replace("  survey:\n  - data/survey", "  survey:\n  - data/survey\n  - {path: data/survey, reader: "
                        "generic, date_order: dmy, columns: {Q1: comments, Q2: null}}")
    (root / "study.yaml").write_text(text, encoding="utf-8")
    seed = root / "study.yaml"
    data = seed.read_bytes()
    shutil.rmtree(root.parent)
    holder = Path(tempfile.mkdtemp(prefix="mm-fuzz-seed-")) / "study.yaml"
    holder.write_bytes(data)
    return holder


STUDY_SEED = _init_yaml()


@FUZZ
@given(data=yaml_inputs(STUDY_SEED))
def test_study_yaml(study_root: Path, data: bytes):
    from mixedmethods.study import load_study

    (study_root / "study.yaml").write_bytes(data)

    def load() -> None:
        study = load_study(study_root)
        if study.questionnaire_path is not None:  # import reads it next, checking the groups against it
            study.questionnaire()

    ends_well(load)


def _bundled(name: str) -> Path:
    from mixedmethods.resources import instruments_dir

    return instruments_dir() / name


# Small instruments with every feature (types, skip logic, scales, nested codes): each example is quick to load,
# so 200 of them stay within the CI budget; the bundled instruments are loaded by the other tests.
QUESTIONNAIRE = """\
id: fuzz
version: "1"
languages: [en, fr]
title: {en: Fuzz, fr: Fuzz}
group_question: group
participant_key: code
choice_lists:
  group: [{value: a, label: {en: A, fr: A}}, {value: b, label: {en: B, fr: B}}]
  agree: [{value: "1", label: {en: Disagree, fr: Pas daccord}}, {value: "2", label: {en: Agree, fr: Daccord}}]
questions:
  - {id: code, type: text, label: {en: Code, fr: Code}, required: true}
  - {id: group, type: select_one, choices: group, label: {en: Group, fr: Groupe}}
  - {id: years, type: integer, label: {en: Years, fr: Ans}, min: 0, max: 60}
  - {id: hours, type: decimal, label: {en: Hours, fr: Heures}, relevant: "${years} > 0"}
  - {id: uses, type: select_multiple, choices: agree, label: {en: Uses, fr: Usages}}
  - {id: s1, type: likert, choices: agree, label: {en: S1, fr: S1}, relevant: "selected(${uses}, '2')"}
  - {id: s2, type: likert, choices: agree, label: {en: S2, fr: S2}, reverse: true}
  - {id: when, type: date, label: {en: When, fr: Quand}}
scales:
  - {id: scale, label: {en: Scale, fr: Echelle}, items: [s1, s2], scoring: mean, min_answered: 0.5}
"""
CODEBOOK = """\
id: fuzz-codes
version: "1"
languages: [en, fr]
codes:
  - id: speed
    color: "#1b9e77"
    label: {en: Speed, fr: Vitesse}
    definition: {en: Pace., fr: Rythme.}
    codes:
      - {id: speed.reaction, label: {en: Reaction, fr: Reaction}, example: {en: Fast., fr: Vite.}}
  - {id: power, label: {en: Power, fr: Pouvoir}, include: {en: Influence., fr: Influence.}}
"""


def _seed(name: str, text: str) -> Path:
    import tempfile

    path = Path(tempfile.mkdtemp(prefix="mm-fuzz-seed-")) / name
    path.write_text(text, encoding="utf-8")
    return path


@FUZZ
@given(data=yaml_inputs(_seed("survey.yaml", QUESTIONNAIRE)))
def test_questionnaire_yaml(tmp_path_factory, data: bytes):
    from mixedmethods.instrument.questionnaire import load_questionnaire

    path = tmp_path_factory.getbasetemp() / "survey-fuzz.yaml"
    path.write_bytes(data)
    ends_well(lambda: load_questionnaire(path))


@FUZZ
@given(data=yaml_inputs(_seed("codebook.yaml", CODEBOOK)))
def test_codebook_yaml(tmp_path_factory, data: bytes):
    from mixedmethods.instrument.codebook import load_codebook

    path = tmp_path_factory.getbasetemp() / "codebook-fuzz.yaml"
    path.write_bytes(data)
    ends_well(lambda: load_codebook(path))


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def _small_xlsform() -> dict[str, bytes]:
    from mixedmethods.instrument.questionnaire import load_questionnaire
    from mixedmethods.instrument.xlsform import write_xlsform

    import tempfile

    path = Path(tempfile.mkdtemp(prefix="mm-fuzz-seed-")) / "survey.xlsx"
    write_xlsform(load_questionnaire(_seed("survey.yaml", QUESTIONNAIRE)), path)
    members = _members(path)
    shutil.rmtree(path.parent)
    return members


SHEETS = ("xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml", "xl/worksheets/sheet3.xml", "xl/sharedStrings.xml",
          "xl/workbook.xml")


@FUZZ
@given(data=st.one_of(zip_inputs(_small_xlsform(), SHEETS),
                      zip_inputs(_members(FIXTURES / "xlsform" / "loop.xlsx"), SHEETS)))
def test_xlsform(tmp_path_factory, data: bytes):
    from mixedmethods.instrument.xlsform import read_xlsform

    path = tmp_path_factory.getbasetemp() / "form-fuzz.xlsx"
    path.write_bytes(data)
    ends_well(lambda: read_xlsform(path))


def _append(sheet, row: list) -> None:
    from mixedmethods.safeinput import replace_controls

    sheet.append([replace_controls(v)[0] if isinstance(v, str) else v for v in row])  # openpyxl refuses the others


@st.composite
def xlsform_cells(draw) -> bytes:
    """An XLSForm written cell by cell: real column names, types, and hostile values in every column."""
    from openpyxl import Workbook

    types = st.sampled_from(["text", "integer", "decimal", "select_one yn", "select_multiple yn", "date", "note",
                             "begin group", "end group", "begin repeat", "end repeat", "calculate", "likert",
                             "select_one", "select_one missing", "select_one_from_file x.csv", "rank yn"])
    book = Workbook()
    survey = book.active
    survey.title = "survey"
    columns = ["type", "name", "label", "label::English (en)", "required", "relevant", "constraint", "hint"]
    survey.append(columns)
    for _ in range(draw(st.integers(0, 6))):
        _append(survey, [draw(types | hostile_text()), draw(st.sampled_from(["q1", "q2", "", "q1"]) | hostile_text()),
                         *[draw(hostile_text() | st.none()) for _ in columns[2:]]])
    choices = book.create_sheet("choices")
    choices.append(["list_name", "name", "label"])
    for _ in range(draw(st.integers(0, 4))):
        _append(choices, [draw(st.sampled_from(["yn", ""]) | hostile_text()), draw(hostile_text()),
                          draw(hostile_text())])
    if draw(st.booleans()):
        settings = book.create_sheet("settings")
        settings.append(["form_id", "version", "default_language"])
        _append(settings, [draw(hostile_text()), draw(hostile_text()), draw(hostile_text())])
    buffer = io.BytesIO()
    try:
        book.save(buffer)
    except ValueError:
        return b""
    return buffer.getvalue()


@FUZZ
@given(data=xlsform_cells())
def test_xlsform_cells(tmp_path_factory, data: bytes):
    from mixedmethods.instrument.xlsform import read_xlsform

    path = tmp_path_factory.getbasetemp() / "form-cells.xlsx"
    path.write_bytes(data)
    ends_well(lambda: read_xlsform(path))
