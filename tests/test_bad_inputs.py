"""Every mistake a user can make is one line on stderr naming the file and place, and exit code 2."""

from __future__ import annotations

import codecs
import shutil
import sqlite3
from pathlib import Path
from typing import Callable

import pytest

from mixedmethods.study import init_study

CSV_HEADER = "invitation_code,group,role,years_service,training\n"


def make_study(root: Path) -> Path:
    init_study(root)
    (root / "private" / "participants.csv").write_text(
        "participant_id,name,phone,email,group,invitation_code\n"
        ",Ana Example,+1 246 555 0100,ana@example.org,caricom,AAA111\n", encoding="utf-8")
    return root


def locate(root: Path, expected: str) -> str:
    """Replace ``{text}`` in ``expected`` by the number of the first study.yaml line containing ``text``."""
    import re

    lines = (root / "study.yaml").read_text(encoding="utf-8").splitlines()

    def number(match: "re.Match[str]") -> str:
        return str(next(i for i, line in enumerate(lines, 1) if match.group(1) in line))

    return re.sub(r"\{([^}]+)\}", number, expected)


def write_csv(root: Path, text: str | bytes, name: str = "export.csv") -> None:
    path = root / "data" / "survey" / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))


def edit_yaml(root: Path, old: str, new: str) -> None:
    path = root / "study.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")


# Each case: (what the user did wrong, how to set it up, command, the text the one line must contain)
CASES: list[tuple[str, Callable[[Path], None], list[str], str]] = [
    ("study.yaml has an unknown key",
     lambda r: edit_yaml(r, "languages:", "colour: blue\nlanguages:"), ["import"],
     "study.yaml, line 5: unknown key 'colour' in study.yaml"),
    ("study.yaml has a wrong type",
     lambda r: edit_yaml(r, "min_cell_size: 5", "min_cell_size: five"), ["import"],
     "study.yaml, line {min_cell_size}: report.min_cell_size: expected a whole number of at least 1, got 'five'"),
    ("study.yaml has a value out of range",
     lambda r: edit_yaml(r, "min_cell_size: 5", "min_cell_size: 0"), ["build"],
     "report.min_cell_size: expected a whole number of at least 1, got 0"),
    ("study.yaml is not valid YAML",
     lambda r: edit_yaml(r, "languages:", "languages: [en, fr\nx:"), ["status"], "study.yaml, line 6: not valid YAML"),
    ("study.yaml names a missing questionnaire",
     lambda r: edit_yaml(r, "instruments/survey.yaml", "instruments/nope.yaml"), ["import"],
     "line {questionnaire:}: instruments.questionnaire: file 'instruments/nope.yaml' not found"),
    ("study.yaml names a missing survey export",
     lambda r: edit_yaml(r, "- data/survey", "- data/survey/missing.xlsx"), ["import"],
     "line {- data/survey}: survey source 'data/survey/missing.xlsx' not found"),
    ("study.yaml has a report language the study does not have",
     lambda r: edit_yaml(r, "language: en", "language: de"), ["build"],
     "report.language: expected one of the study's languages"),
    ("study.yaml names a missing reference document",
     lambda r: edit_yaml(r, "output: report", "output: report\n  template: house-style.docx"), ["build"],
     "report.template: expected an existing .docx file, got 'house-style.docx'"),
    ("the folder is not a study", lambda r: (r / "study.yaml").unlink(), ["status"],
     "study.yaml: no study.yaml here"),
    ("a study is initialised twice", lambda r: None, ["init"], "a study already exists here"),
    ("the xlsx export is broken",
     lambda r: (r / "data/survey/export.xlsx").write_bytes(b"PK\x03\x04broken"), ["import"],
     "data/survey/export.xlsx: cannot open as an Excel workbook"),
    ("the CSV uses an unexpected delimiter",
     lambda r: write_csv(r, "invitation_code|group\nAAA111|caricom\n"), ["import"],
     "data/survey/export.csv, line 1: only one column found in the header"),
    ("the CSV has an unknown column",
     lambda r: write_csv(r, "invitation_code,group,favourite_colour\nAAA111,caricom,blue\n"), ["import"],
     "data/survey/export.csv, row 1, column 'favourite_colour': unknown column"),
    ("the CSV is UTF-16",
     lambda r: write_csv(r, codecs.BOM_UTF16_LE + CSV_HEADER.encode("utf-16-le")), ["import"],
     "data/survey/export.csv: this looks like UTF-16 text"),
    ("a CSV row has more cells than the header",
     lambda r: write_csv(r, CSV_HEADER + "AAA111,caricom,head,3,no,extra\n"), ["import"],
     "data/survey/export.csv, line 2: 6 cells but the header has 5 columns"),
    ("the CSV repeats a column header",
     lambda r: write_csv(r, "group,group\ncaricom,caricom\n"), ["import"],
     "data/survey/export.csv, row 1, column 'group': duplicate column header"),
    ("the CSV is empty", lambda r: write_csv(r, ""), ["import"], "data/survey/export.csv"),
    ("a Kobo option column holds something other than 0/1",
     lambda r: write_csv(r, "profile/invitation_code,profile/working_languages/fr,_uuid\nAAA111,maybe,u1\n"),
     ["import"], "row 2, column 'profile/working_languages/fr': expected 0 or 1 in an option column"),
    ("an export of an unsupported type is listed",
     lambda r: edit_yaml(r, "- data/survey", "- data/survey/export.ods") or
     (r / "data/survey/export.ods").write_bytes(b"x"), ["import"],
     "data/survey/export.ods: unsupported file type .ods"),
    ("the secret key is missing", lambda r: (r / "private/secret.key").unlink(), ["import"],
     "private/secret.key: secret key not found"),
    ("the secret key is damaged", lambda r: (r / "private/secret.key").write_text("1234\n"), ["import"],
     "private/secret.key, line 1: expected 64 hexadecimal characters"),
    ("participants.csv has an unknown column",
     lambda r: (r / "private/participants.csv").write_text("name,passport\nAna,X1\n"), ["import"],
     "participants.csv, line 1, column 'passport': unknown column"),
    ("participants.csv is missing", lambda r: (r / "private/participants.csv").unlink(), ["import"],
     "participants.csv: participants list not found"),
    ("the questionnaire has an unknown question type",
     lambda r: (r / "instruments/survey.yaml").write_text(
         "id: s\nlanguages: [en]\nquestions:\n  - {id: a, type: slider}\n"), ["import"],
     "survey.yaml, line 4: question 'a': type 'slider' is not one of"),
    ("the store is from a newer mixedmethods",
     lambda r: sqlite3.connect(r / "store.sqlite").execute("PRAGMA user_version = 99").connection.close(),
     ["status"], "store.sqlite: store schema 99 is newer than this mixedmethods"),
    ("the report is built before anything was imported", lambda r: None, ["build"],
     "store.sqlite: no store yet; run 'mixedmethods import' first"),
]


@pytest.mark.parametrize("what, setup, command, expected", CASES, ids=[c[0] for c in CASES])
def test_user_error_is_one_line_and_exit_2(tmp_path: Path, run, what, setup, command, expected):
    root = make_study(tmp_path / "study")
    expected = locate(root, expected)  # "{text}" = the line of study.yaml holding text, as written by init
    setup(root)
    result = run(*command, root)
    assert result.exit_code == 2, (what, result.output)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    assert expected in lines[0], lines[0]
    assert "Traceback" not in result.output


def test_at_least_twenty_kinds_of_bad_input_are_covered():
    assert len(CASES) >= 20


@pytest.mark.parametrize("args, expected", [
    (["instrument", "convert", "{bundled}", "{bundled}"], "target exists"),
    (["instrument", "convert", "{bundled}", "{tmp}/survey.json"], "unsupported target type .json"),
    (["instrument", "convert", "{tmp}/nothing.yaml", "{tmp}/x.xlsx"], "nothing.yaml: file not found"),
])
def test_instrument_convert_errors(tmp_path: Path, run, args, expected):
    from mixedmethods.resources import instruments_dir

    bundled = tmp_path / "survey.yaml"
    shutil.copyfile(instruments_dir() / "survey.yaml", bundled)
    result = run(*[a.format(bundled=bundled, tmp=tmp_path) for a in args])
    assert result.exit_code == 2
    assert len(result.stderr.splitlines()) == 1 and expected in result.stderr


# --- Hostile inputs found by the attack of issue 11: each ends in stored data, a recorded reject or one line ---

def _chat_source(root: Path, name: str, group: str = "caricom") -> None:
    edit_yaml(root, "  chats: []", f"  chats:\n  - {{path: data/chats/{name}, group: {group}}}")


def _zip(path: Path, members: dict[str, bytes], method: int = 8) -> None:
    import zipfile

    with zipfile.ZipFile(path, "w", compression=method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def _flag_zip(path: Path, *, encrypted: bool = False, method: int | None = None) -> None:
    """Rewrite a stored zip's headers as if its members were encrypted or compressed with ``method`` (Deflate64 = 9),
    as Windows Explorer and password tools write them; the bytes are what Python's zipfile refuses to read."""
    data = bytearray(path.read_bytes())
    for signature, flag_at, method_at in ((b"PK\x03\x04", 6, 8), (b"PK\x01\x02", 8, 10)):
        start = 0
        while (start := data.find(signature, start)) >= 0:
            if encrypted:
                data[start + flag_at] |= 0x01
            if method is not None:
                data[start + method_at:start + method_at + 2] = method.to_bytes(2, "little")
            start += 4
    path.write_bytes(bytes(data))


CHAT = "16/03/2024, 10:15 - Ana Pérez: Good morning\n16/03/2024, 10:16 - Bruno Lefèvre: Hello\n"


def _qdpx(path: Path, source_text: bytes) -> None:
    project = ('<?xml version="1.0" encoding="utf-8"?><Project xmlns="urn:QDA-XML:project:1.0" name="p">'
               '<Sources><TextSource guid="a1" name="ana" plainTextPath="internal://ana.txt"/></Sources></Project>')
    _zip(path, {"project.qde": project.encode(), "Sources/ana.txt": source_text})


HOSTILE: list[tuple[str, Callable[[Path], object], list[str], str]] = [
    ("a chat source's group is a list",
     lambda r: ((r / "data/chats/c.txt").write_text(CHAT), _chat_source(r, "c.txt", "[x]")), ["import"],
     "chat group ['x'] is not one of the study's groups"),
    ("the report template is not a docx",
     lambda r: ((r / "house.docx").write_bytes(b"not a docx"),
                edit_yaml(r, "output: report", "output: report\n  template: house.docx")), ["build"],
     "house.docx: the report template cannot be opened as a Word .docx file"),
    ("a chat .zip is password-protected",
     lambda r: (_zip(r / "data/chats/c.zip", {"_chat.txt": CHAT.encode()}, 0),
                _flag_zip(r / "data/chats/c.zip", encrypted=True), _chat_source(r, "c.zip")), ["import"],
     "data/chats/c.zip: '_chat.txt' inside the .zip is password-protected"),
    ("a chat .zip uses Deflate64",
     lambda r: (_zip(r / "data/chats/c.zip", {"_chat.txt": CHAT.encode()}, 0),
                _flag_zip(r / "data/chats/c.zip", method=9), _chat_source(r, "c.zip")), ["import"],
     "'_chat.txt' inside the .zip is compressed with Deflate64"),
    ("a .qdpx is password-protected",
     lambda r: (_qdpx(r / "data/interviews/p.qdpx", b"text"),
                _flag_zip(r / "data/interviews/p.qdpx", encrypted=True)), ["import"],
     "data/interviews/p.qdpx: 'project.qde' inside the .qdpx is password-protected"),
    ("a .qdpx uses Deflate64",
     lambda r: (_qdpx(r / "data/interviews/p.qdpx", b"text"), _flag_zip(r / "data/interviews/p.qdpx", method=9)),
     ["import"], "inside the .qdpx is compressed with Deflate64"),
    ("a chat clock time is 25:61",
     lambda r: ((r / "data/chats/c.txt").write_text(CHAT + "16/03/2024, 25:61 - Ana Pérez: late\n"),
                _chat_source(r, "c.txt")), ["import"], "data/chats/c.txt, line 3: '25:61' is not a time of day"),
    ("a survey time stamp is 25:61",
     lambda r: write_csv(r, "invitation_code,submitted_at\nAAA111,16/03/2024 25:61\n"), ["import"],
     "data/survey/export.csv, row 2, column 'submitted_at': time stamp '16/03/2024 25:61'"),
    ("a CSV has a comma header over semicolon rows",
     lambda r: write_csv(r, CSV_HEADER + "AAA111;caricom;head;3;no\n"), ["import"],
     "data/survey/export.csv, line 2: this row is separated by ';' but the header by ','"),
]


@pytest.mark.parametrize("what, setup, command, expected", HOSTILE, ids=[c[0] for c in HOSTILE])
def test_hostile_input_is_one_line_and_exit_2(tmp_path: Path, run, what, setup, command, expected):
    root = make_study(tmp_path / "study")
    setup(root)
    if command == ["build"]:  # the template is opened by build, after something was imported
        write_csv(root, "invitation_code,group\nAAA111,caricom\n")
        assert run("import", root).exit_code == 0
    result = run(*command, root)
    assert result.exit_code == 2, (what, result.output)
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert expected in result.stderr, result.stderr
    assert "Traceback" not in result.output


def test_a_control_character_in_study_yaml_is_one_line_not_a_build_crash(small_study, run):
    config = small_study / "study.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("  en: My mixed-methods study",
                                                                 '  en: "My\\vstudy"', 1), encoding="utf-8")
    result = run("build", small_study)
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        f"Error: {small_study / 'study.yaml'}, line 3: not valid YAML: control character U+000B in a text; "
        "remove it"]
