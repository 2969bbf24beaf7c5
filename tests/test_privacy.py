"""Privacy: keyed pseudonyms, redaction, private/ kept out of everything else."""

from __future__ import annotations

import csv
import os
import stat
import subprocess
from pathlib import Path

import pytest

from mixedmethods.privacy import Participant, Participants, Redactor, create_key, load_key, pseudonym


def identities(study: Path) -> list[str]:
    with (study / "private" / "participants.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    values = [r[c] for r in rows for c in ("name", "phone", "email") if r[c]]
    # Phone numbers also as the bare digits (as a spreadsheet might store them).
    values += ["".join(ch for ch in r["phone"] if ch.isdigit()) for r in rows if r["phone"]]
    return values


def test_no_identity_from_participants_csv_in_store_or_report(built_demo: Path, run, tmp_path: Path):
    # The session's built demo (both editions, tests/conftest.py) is read, not rebuilt.
    assert run("interviews", "export-qdpx", built_demo, tmp_path / "export.qdpx").exit_code == 0
    files = [built_demo / "store.sqlite", tmp_path / "export.qdpx",
             *(p for p in (built_demo / "report").rglob("*") if p.is_file())]
    assert len(files) >= 10
    leaks = []
    for path in files:
        blob = path.read_bytes()
        texts = [blob.decode("latin-1")]
        if path.suffix in (".docx", ".xlsx", ".qdpx"):
            import zipfile

            with zipfile.ZipFile(path) as archive:
                texts += [archive.read(n).decode("utf-8", "replace") for n in archive.namelist()]
        for identity in identities(built_demo):
            if any(identity in text for text in texts):
                leaks.append((path.name, identity))
    assert leaks == []


def test_the_free_text_naming_a_delegate_was_redacted(demo_study: Path, query):
    (comment,) = query(demo_study, "SELECT a.value FROM survey_answers a JOIN survey_responses r USING (response_id) "
                                   "WHERE r.source_row = 12 AND a.question_id = 'comments'")[0]
    assert comment.startswith("Please ask P-") and "(WhatsApp [phone]) or write to [e-mail];" in comment


def test_secret_key_is_random_and_readable_by_the_owner_only(tmp_path: Path):
    create_key(tmp_path / "a")
    create_key(tmp_path / "b")
    mode = stat.S_IMODE(os.stat(tmp_path / "a" / "secret.key").st_mode)
    assert mode == 0o600
    assert load_key(tmp_path / "a") != load_key(tmp_path / "b")
    before = (tmp_path / "a" / "secret.key").read_text()
    create_key(tmp_path / "a")  # never overwritten
    assert (tmp_path / "a" / "secret.key").read_text() == before


def test_pseudonyms_are_stable_keyed_and_normalised():
    key, other = bytes(range(32)), bytes(32)
    assert pseudonym(key, "ana@example.org") == pseudonym(key, " ANA@example.org ")
    assert pseudonym(key, "ana@example.org") != pseudonym(other, "ana@example.org")
    assert pseudonym(key, "ana@example.org") != pseudonym(key, "bob@example.org")
    # RFC 4231 test case 2 checks the HMAC itself: HMAC-SHA256("Jefe", "what do ya want for nothing?")
    import hashlib
    import hmac

    assert hmac.new(b"Jefe", b"what do ya want for nothing?", hashlib.sha256).hexdigest().startswith("5bdcc146bf60")


@pytest.mark.parametrize("text, expected", [
    ("Call Ana Pérez on +1 (246) 555-0101.", "Call P-1 on [phone]."),
    ("ask pérez, she knows", "ask P-1, she knows"),
    ("mail ana.perez@example.org now", "mail [e-mail] now"),
    ("phone 246\u2011555\u20110101 or 0044 20 7946 0958", "phone [phone] or [phone]"),
    ("the session on 2026-03-05 ran late", "the session on 2026-03-05 ran late"),
    ("we were 15 delegations", "we were 15 delegations"),
    ("Anastasia said", "Anastasia said"),  # a name inside another word is not a match
])
def test_redaction_of_free_text(text: str, expected: str):
    people = Participants([Participant("P-1", "Ana Pérez", "+1 246 555 0101", "ana.perez@example.org", "caricom",
                                       "X")])
    assert Redactor(people)(text) == expected


def test_study_gitignore_keeps_private_out_of_git(demo_study: Path, tmp_path: Path):
    assert "private/" in (demo_study / ".gitignore").read_text().splitlines()
    if subprocess.run(["git", "--version"], capture_output=True).returncode != 0:
        pytest.skip("git not installed")
    result = subprocess.run(["git", "check-ignore", "-q", "--no-index", "private/participants.csv"],
                            cwd=demo_study, capture_output=True)
    if result.returncode == 128:  # not a repository: make one in a copy
        import shutil

        copy = tmp_path / "copy"
        shutil.copytree(demo_study, copy)
        subprocess.run(["git", "init", "-q"], cwd=copy, check=True)
        result = subprocess.run(["git", "check-ignore", "-q", "private/participants.csv"], cwd=copy)
    assert result.returncode == 0


def test_private_folder_is_owner_only_whatever_the_umask(tmp_path: Path, run):
    import os
    import stat

    if os.name != "posix":
        pytest.skip("POSIX permission bits")
    old = os.umask(0o000)  # the most permissive umask: everything would be world-readable
    try:
        root = tmp_path / "study"
        assert run("init", root).exit_code == 0
    finally:
        os.umask(old)
    mode = lambda p: stat.S_IMODE(p.stat().st_mode)  # noqa: E731
    assert mode(root / "private") == 0o700
    assert {p.name: mode(p) for p in (root / "private").iterdir()} == {"secret.key": 0o600,
                                                                       "participants.csv": 0o600}
    # A list copied in by hand with a group-readable mode is made owner-only at the next import.
    people = root / "private" / "participants.csv"
    os.chmod(people, 0o644)
    assert run("import", root).exit_code == 0
    assert mode(people) == 0o600


def test_study_gitignore_keeps_raw_data_store_and_private_out_of_git(tmp_path: Path, run):
    import shutil

    if shutil.which("git") is None:
        pytest.skip("git not installed")
    root = tmp_path / "study"
    assert run("init", root).exit_code == 0
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    paths = ["private/participants.csv", "data/chats/WhatsApp Chat with Ana.txt", "data/survey/export.xlsx",
             "store.sqlite", "store.sqlite-wal", "store.sqlite.lock", "report/report.docx", "study.yaml",
             "instruments/survey.yaml"]
    ignored = subprocess.run(["git", "check-ignore", "--stdin"], cwd=root, input="\n".join(paths),
                             capture_output=True, text=True).stdout.split("\n")
    assert [p for p in ignored if p] == paths[:6]  # the pseudonymised report and the instruments may be shared


@pytest.mark.parametrize("column, first, second", [
    ("phone", "+1 246 555 0101", "+1 (246) 555-0101"),
    ("email", "ana@example.org", "ANA@example.org"),
    ("name", "Ana Pérez", "ana  pérez"),
    ("invitation_code", "AAA111", "aaa111"),
])
def test_two_rows_with_one_identity_are_refused_naming_both(small_study: Path, run, column, first, second):
    rows = {"name": ["Ana Pérez", "Carla Visitor"], "phone": ["+1 246 555 0101", "+1 212 555 0103"],
            "email": ["ana@example.org", "carla@example.org"], "invitation_code": ["AAA111", "CCC333"]}
    rows[column] = [first, second]
    text = "participant_id,name,phone,email,group,invitation_code\n" + "".join(
        f",{rows['name'][i]},{rows['phone'][i]},{rows['email'][i]},caricom,{rows['invitation_code'][i]}\n"
        for i in range(2))
    (small_study / "private" / "participants.csv").write_text(text, encoding="utf-8")
    result = run("import", small_study)
    assert result.exit_code == 2
    (line,) = result.output.strip().splitlines()
    assert f"participants.csv, line 3, column '{column}': rows 2 and 3 give the same " in line


def test_the_demo_gives_each_person_their_own_phone(demo_study: Path):
    import csv

    with (demo_study / "private" / "participants.csv").open(encoding="utf-8") as handle:
        phones = [row["phone"] for row in csv.DictReader(handle)]
    assert len(phones) == 140 and len(set(phones)) == 140


@pytest.mark.parametrize("written, country, expected", [
    ("+1 (246) 555\u20110101", None, "+12465550101"),    # '+' kept, punctuation and U+2011 dropped
    ("0044 20 7946 0958", None, "+442079460958"),        # '00' is the international prefix
    ("0246 555 0101", "+1", "+12465550101"),              # a national number: country code for the leading 0
    ("246 555 0101", None, "2465550101"),                  # no country code: digits as written
])
def test_phone_numbers_are_normalised_by_hand(written, country, expected):
    from mixedmethods.privacy import normalise_phone

    assert normalise_phone(written, country) == expected


def write_people(folder: Path, text: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "participants.csv").write_text(text, encoding="utf-8")


def test_participants_list_rows_columns_and_identities(tmp_path: Path):
    from mixedmethods.errors import PrivacyError

    key = bytes(range(32))
    write_people(tmp_path, "participant_id,name,phone,email,group,invitation_code\n"
                           ",Ana Pérez,+1 246 555 0101,,caricom,AAA111\n"
                           "P-GIVEN001,,,bruno@example.org,,BBB222\n")
    people = Participants.load(tmp_path, key, default_group="caricom")
    ana, bruno = people.people
    # No e-mail: the pseudonym is keyed on the phone (e-mail, else phone, name, invitation code).
    assert ana.participant_id == pseudonym(key, "+1 246 555 0101")
    assert bruno.participant_id == "P-GIVEN001" and bruno.group == "caricom"
    assert people.by_invitation_code(" aaa111 ") is ana and people.by_invitation_code("ZZZ") is None
    write_people(tmp_path, "participant_id,name,phone,email,group,invitation_code,passport\n")
    with pytest.raises(PrivacyError, match="line 1, column 'passport': unknown column"):
        Participants.load(tmp_path, key)
    write_people(tmp_path, "participant_id,name,phone,email,group,invitation_code\n,Ana,,,caricom,\n,,,,caricom,\n")
    with pytest.raises(PrivacyError, match="line 3: a participant needs at least a name"):
        Participants.load(tmp_path, key)
