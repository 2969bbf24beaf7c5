"""Resources under attack: zip bombs are refused quickly with bounded memory, and the regular expressions that
read untrusted text run in linear time on a 1 MB adversarial token."""

from __future__ import annotations

import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from mixedmethods.errors import InputFileError
from mixedmethods.safeinput import MAX_RATIO, LIMITS, read_member

GIB = 1024 ** 3


@pytest.fixture(scope="session")
def bomb(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A ~1 MB zip whose one member, _chat.txt, expands to 1 GiB (a valid chat header, then spaces)."""
    path = tmp_path_factory.mktemp("bomb") / "bomb.zip"
    chunk = b" " * (64 * 1024 ** 2)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        with archive.open("_chat.txt", "w", force_zip64=True) as member:
            member.write(b"16/03/2024, 10:15 - Ana: hello")
            for _ in range(GIB // len(chunk)):
                member.write(chunk)
    data = path.read_bytes()
    assert len(data) < 2 * 1024 ** 2
    return data


@pytest.mark.parametrize("name", ["chat.zip", "p.qdpx", "t.docx", "s.xlsx", "form.xlsx"])
def test_a_1mb_zip_holding_1gib_is_refused_quickly(bomb: bytes, tmp_path: Path, name: str):
    """Every reader of a zip checks the central directory first, so the member's name does not matter; for the
    .qdpx the member is renamed (same length) to a project file, which the reader would otherwise parse."""
    from mixedmethods.chats.readers import read_chat
    from mixedmethods.instrument.xlsform import read_xlsform
    from mixedmethods.interviews.readers.qdpx import read as read_qdpx
    from mixedmethods.interviews.readers.word import read as read_docx
    from mixedmethods.survey.readers.tabular import read_sheet

    path = tmp_path / name
    path.write_bytes(bomb.replace(b"_chat.txt", b"x/ana.qde") if name == "p.qdpx" else bomb)
    reader = {"chat.zip": lambda: read_chat(path, name), "p.qdpx": lambda: read_qdpx(path, name),
              "t.docx": lambda: read_docx(path, name), "s.xlsx": lambda: read_sheet(path, name),
              "form.xlsx": lambda: read_xlsform(path)}[name]
    started = time.perf_counter()
    with pytest.raises(InputFileError, match=f"expands 1[0-9]{{3}} times .*compression ratio of at most {MAX_RATIO}"):
        reader()
    assert time.perf_counter() - started < 1.0


def test_the_limits_are_stated_in_the_message():
    assert LIMITS == ("at most 50000 members, 2 GiB uncompressed in all, 256 MiB for the file read, a compression "
                      "ratio of at most 100")


def test_a_member_larger_than_its_header_says_is_stopped_while_reading(tmp_path: Path):
    """A forged central directory (small sizes) passes the first check; reading stops at the declared size, so the
    member is reported damaged instead of filling memory."""
    path = tmp_path / "forged.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("_chat.txt", b"x" * (8 * 1024 ** 2))
    data = bytearray(path.read_bytes())
    central = data.rindex(b"PK\x01\x02")
    data[central + 24:central + 28] = (1000).to_bytes(4, "little")  # uncompressed size: 1000 bytes
    path.write_bytes(bytes(data))
    with zipfile.ZipFile(path) as archive:
        with pytest.raises(InputFileError, match="inside the .zip cannot be read"):
            read_member(archive, "_chat.txt", "forged.zip")


def test_too_many_members_are_refused_before_reading(tmp_path: Path, monkeypatch):
    from mixedmethods import safeinput
    from mixedmethods.chats.readers import read_chat

    monkeypatch.setattr(safeinput, "MAX_MEMBERS", 10)
    path = tmp_path / "many.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for number in range(11):
            archive.writestr(f"media-{number}.jpg", b"")
    with pytest.raises(InputFileError, match="the zip holds 11 files; refused"):
        read_chat(path, "many.zip")


MEMORY_CAP = """
import resource, sys
cap = int(1.5 * 1024 ** 3)
resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
from pathlib import Path
from mixedmethods.errors import UserError
from mixedmethods.chats.readers import read_chat
from mixedmethods.interviews.readers.qdpx import read
for reader, path in ((read_chat, sys.argv[1]), (read, sys.argv[2])):
    try:
        reader(Path(path), path)
    except UserError as exc:
        print(exc.one_line())
"""


def test_memory_stays_bounded_under_a_1_5_gib_address_space_cap(bomb: bytes, tmp_path: Path):
    (tmp_path / "chat.zip").write_bytes(bomb)
    (tmp_path / "p.qdpx").write_bytes(bomb.replace(b"_chat.txt", b"x/ana.qde"))
    env = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "PYTHONPATH": str(Path(__file__).parents[1])}
    done = subprocess.run([sys.executable, "-c", MEMORY_CAP, str(tmp_path / "chat.zip"), str(tmp_path / "p.qdpx")],
                          capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert len(lines) == 2 and all("(a zip bomb?); refused" in line for line in lines), done.stdout


ADVERSARIAL = {
    "word run": "a" * 1_000_000,
    "dotted run": "a." * 500_000,
    "run ending in @": "a" * 999_999 + "@",
    "domain without a dot": "a@" + "b" * 999_998,
    "at signs": "a@" * 500_000,
    "digits and spaces": "1 " * 500_000,
    "digits and dashes": "1-" * 500_000,
    "date-like": "1/1/1, " * 140_000,
    "iOS header-like": "[1/1/1, 1:11 " * 80_000,
}


@pytest.mark.parametrize("name", list(ADVERSARIAL))
def test_patterns_on_untrusted_text_are_linear_on_a_1mb_token(name: str):
    from mixedmethods import privacy
    from mixedmethods.chats import parser

    text = ADVERSARIAL[name]
    patterns = [privacy._EMAIL, privacy._PHONE_SHAPE, privacy._DIGIT_RUN, parser.IOS_SPLIT, parser.ANDROID_SPLIT,
                parser.IOS_TIME_FIRST_SPLIT, parser.BARE_SPLIT, *(p for pair in parser._ROWS.values() for p in pair)]
    for pattern in patterns:
        for size, limit in ((20_000, 0.1), (len(text), 0.5)):  # a quadratic pattern fails fast on the first
            started = time.perf_counter()
            for _ in pattern.finditer(text[:size]):
                pass
            assert time.perf_counter() - started < limit, (name, size, pattern.pattern[:40])


def test_a_1mb_token_is_redacted_in_well_under_a_second():
    from mixedmethods import privacy

    started = time.perf_counter()
    privacy._EMAIL.sub(privacy.EMAIL_MARK, "x" * 20_000)  # quadratic: about 1.5 s already, so fail before 1 MB
    assert time.perf_counter() - started < 0.1
    started = time.perf_counter()
    assert privacy._EMAIL.sub(privacy.EMAIL_MARK, "x" * 1_000_000 + " ana@example.org") == \
        "x" * 1_000_000 + " " + privacy.EMAIL_MARK
    assert time.perf_counter() - started < 0.5


@pytest.mark.parametrize("expression", ["(" * 1999, "not " * 499 + "1", "1" + "+1" * 999, "${a}" * 400,
                                        "x" * 10_000, "a\x00b"])
def test_hostile_relevance_expressions_are_refused_in_one_line_or_evaluated(expression: str):
    from mixedmethods.instrument.relevance import RelevanceSyntaxError, compile_relevance

    started = time.perf_counter()
    try:
        compile_relevance(expression)({})
    except RelevanceSyntaxError as exc:
        assert "\n" not in str(exc)
    assert time.perf_counter() - started < 0.5
