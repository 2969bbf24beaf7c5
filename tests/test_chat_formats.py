"""Chat formats from the registry: the Telegram Desktop reader, study.yaml's ``format:``, status and inspect.

Every expected value is counted by hand from the fixtures; tests/fixtures/telegram/README.md
lists each export entry with the kind or event it should become.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest

from mixedmethods import sources
from mixedmethods.chats.parser import summary
from mixedmethods.chats.readers import read_chat
from mixedmethods.errors import InputFileError

FIXTURES = Path(__file__).parent / "fixtures" / "telegram"
PERSONAL = FIXTURES / "personal_chat.json"
GROUP = FIXTURES / "group" / "result.json"
EXPORT = "data/chats/treaty/result.json"  # where the tests put the group export inside a study
# A WhatsApp chat of 2 messages by Ana, to show both formats side by side.
WHATSAPP = "13/03/2024, 09:00 - Ana Pérez: Good morning\n13/03/2024, 09:01 - Ana Pérez: Draft attached\n"


# --- the reader, against the exports ---------------------------------------------------------------------------

def test_personal_chat_fixture_from_a_peer_project():
    frame, chat_format = read_chat(PERSONAL)
    assert summary(frame, chat_format) == {
        "reader": "telegram", "format": "telegram desktop json, ymd, 24h", "messages": 11,
        "by_kind": {"media": 2, "text": 9}, "authors": 2, "system_events": 1, "media_files": 0,
        "first": "2023-05-01T12:01:00", "last": "2023-05-01T12:12:00"}
    assert frame["line"].iloc[0] == 6
    assert frame["event"].iloc[5] == "pinned" and frame["author"].isna().iloc[5]
    # id 3: a string, a link entity and a string, joined; id 4: bold and mention entities
    assert frame["text"].iloc[2] == "смотри https://example.com/a круто"
    assert frame["text"].iloc[3] == "ну реально норм, @boris_k глянь"
    # id 9: a photo with a caption
    assert frame["text"].iloc[8] == "короче вот фотка" and frame["kind"].iloc[8] == "media"
    assert frame["text"].iloc[11] == "ладно))\nщас дойду"
    assert (frame["author"] == "Анна Петрова").sum() == 8


def test_group_export_kinds_events_and_texts():
    frame, chat_format = read_chat(GROUP)
    assert list(frame["kind"]) == [
        "system", "system", "text", "media", "text", "edited", "media", "media", "system", "text", "text", "poll",
        "system", "location", "text", "system", "system", "system", "media", "text", "text"]
    assert list(frame["event"].dropna()) == ["created", "added", "joined", "pinned", "subject_changed", "removed",
                                             "left"]
    system = frame[frame["kind"] == "system"]
    assert list(system["text"]) == ["created the group", "added 2 members", "joined with an invite link",
                                    "pinned a message", "changed the group name", "removed 1 member", "left"]
    assert system["author"].isna().all()
    messages = frame[frame["kind"] != "system"]
    assert messages["author"].value_counts().to_dict() == {
        "Ana Pérez": 4, "Bruno Lefèvre": 4, "Carla Diaz": 3, "Dev Patel": 1, "Eve Martin": 1,
        "Deleted Account user1099": 1}
    assert list(frame["text"].iloc[[3, 4, 6, 7, 11, 13]]) == [
        "Draft v1", "Thanks @Ana Pérez, I will comment on article 3 by noon.", "<photo>", "<voice_message>",
        "Meet Thursday or Friday?\nThursday\nFriday", "<location>"]
    # Local time of the exporting computer (date), not UTC (date_unixtime is 4 hours later).
    assert frame["timestamp"].iloc[0].isoformat() == "2024-03-04T09:00:00"
    assert frame["timestamp"].iloc[-1].isoformat() == "2024-03-05T08:05:00"
    assert (frame["line"].iloc[0], frame["line"].iloc[-1]) == (6, 331)
    assert chat_format.media_files == 1
    assert list(frame.columns) == ["timestamp", "author", "text", "kind", "event", "line"]


def test_zipped_export_folder_is_read_like_the_folder(tmp_path: Path):
    archive = tmp_path / "ChatExport_2024-03-05.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.write(GROUP, "ChatExport_2024-03-05/result.json")
        out.write(GROUP.parent / "photos" / "photo_1@04-03-2024_09-30-00.jpg",
                  "ChatExport_2024-03-05/photos/photo_1@04-03-2024_09-30-00.jpg")
    whatsapp = tmp_path / "WhatsApp Chat.zip"
    with zipfile.ZipFile(whatsapp, "w") as out:
        out.writestr("_chat.txt", WHATSAPP)
    assert sources.detect_path("chats", archive).name == "telegram"
    assert sources.detect_path("chats", whatsapp).name == "whatsapp"
    frame, chat_format = read_chat(archive)
    assert (len(frame), chat_format.media_files, chat_format.name) == (21, 1, "telegram")


@pytest.mark.parametrize("content, expected", [
    ('{\n "name": "x",\n "messages": [\n  {"id": 1,}\n ]\n}\n', "line 4: not valid JSON"),
    ('{\n "name": "x",\n "messages": [\n  {"id": 1, "type": "message", "date": "yesterday"}\n ]\n}\n',
     "line 4: a message without a valid \"date\""),
    ('{\n "messages": [\n  {"id": 1, "type": "message", "date": "2024-03-04T09:00:00"},\n'
     '  {"id": 2, "type": "reaction", "date": "2024-03-04T09:00:00"}\n ]\n}\n', "line 4: message type 'reaction'"),
    ('{"about": "x", "chats": {"about": "y", "list": []}}', "line 1: a whole-account Telegram export"),
    ('{"name": "x"}', "line 1: no \"messages\" list"),
])
def test_a_broken_export_is_one_error_naming_its_line(tmp_path: Path, content: str, expected: str):
    path = tmp_path / "result.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputFileError) as caught:
        read_chat(path, "result.json")
    assert caught.value.one_line().startswith(f"result.json, {expected}")


def test_an_export_without_messages_is_an_empty_chat(tmp_path: Path):
    path = tmp_path / "result.json"
    path.write_text('{"name": "x", "type": "private_group", "id": 1, "messages": []}', encoding="utf-8")
    frame, _ = read_chat(path)
    assert len(frame) == 0 and list(frame.columns) == ["timestamp", "author", "text", "kind", "event", "line"]


# --- the store -----------------------------------------------------------------------------------------------

def _with_chats(root: Path, entries: str) -> int:
    """Write sources.chats of study.yaml; returns the line number of the first entry."""
    config = root / "study.yaml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("  chats: []", "  chats:\n" + entries), encoding="utf-8")
    return text.splitlines().index("  chats: []") + 2


@pytest.fixture
def telegram_study(small_study: Path) -> Path:
    shutil.copytree(GROUP.parent, small_study / "data/chats/treaty")
    _with_chats(small_study, f"  - {{path: {EXPORT}, group: caricom}}\n")
    return small_study


def test_the_store_holds_the_telegram_export_linked_and_pseudonymised(telegram_study: Path, run, query):
    result = run("import", telegram_study)
    assert result.exit_code == 0, result.output
    # Carla, Dev, Eve and the deleted account are not in participants.csv.
    assert (f"{EXPORT}: imported (telegram desktop json, ymd, 24h): 14 messages, 4 authors not in "
            "participants.csv") in result.output
    assert query(telegram_study, "SELECT reader, rows_accepted FROM imports") == [("telegram", 14)]
    assert query(telegram_study, "SELECT format, media_files FROM chats") == [("telegram desktop json, ymd, 24h", 1)]
    assert query(telegram_study, "SELECT kind, COUNT(*) FROM chat_messages GROUP BY kind ORDER BY kind") == [
        ("edited", 1), ("location", 1), ("media", 4), ("poll", 1), ("system", 7), ("text", 7)]
    assert query(telegram_study, "SELECT participant_id, COUNT(*) FROM chat_messages WHERE participant_id LIKE 'P-%' "
                                 "GROUP BY 1 ORDER BY 1") == [("P-ANA00001", 4), ("P-BRUNO002", 4)]
    assert query(telegram_study, "SELECT COUNT(DISTINCT participant_id) FROM chat_messages "
                                 "WHERE participant_id LIKE 'U-%'") == [(4,)]
    assert query(telegram_study, "SELECT participant_id FROM chat_mentions") == [("P-ANA00001",)]
    texts = [t for (t,) in query(telegram_study, "SELECT text FROM chat_messages ORDER BY message_id")]
    assert texts[4] == "Thanks @P-ANA00001, I will comment on article 3 by noon."
    assert texts[9] == "Hello, joining from the legal office. You can reach Ana on [phone] if needed."
    assert query(telegram_study, "SELECT MIN(timestamp), MAX(timestamp) FROM chat_messages") == [
        ("2024-03-04T09:00:00", "2024-03-05T08:05:00")]
    # Neither Telegram's user ids nor the names of people outside participants.csv reach the store.
    stored = (telegram_study / "store.sqlite").read_bytes()
    for secret in ("user1001", "user1099", "Carla Diaz", "Dev Patel", "Eve Martin", "Treaty drafting"):
        assert secret.encode("utf-8") not in stored


def test_whatsapp_and_telegram_imports_record_their_own_format(telegram_study: Path, run, query):
    (telegram_study / "data/chats/tiny.txt").write_text(WHATSAPP, encoding="utf-8")
    config = telegram_study / "study.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        f"  - {{path: {EXPORT}, group: caricom}}\n",
        f"  - {{path: {EXPORT}, group: caricom}}\n  - {{path: data/chats/tiny.txt, group: caricom}}\n"),
        encoding="utf-8")
    assert run("import", telegram_study).exit_code == 0
    assert query(telegram_study, "SELECT path, reader FROM imports ORDER BY path") == [
        ("data/chats/tiny.txt", "whatsapp"), (EXPORT, "telegram")]


def test_status_shows_the_format_of_each_chat(telegram_study: Path, run):
    before = run("status", telegram_study).output
    assert f"    new, not imported yet: {EXPORT} (format telegram, detected)" in before
    run("import", telegram_study)
    after = run("status", telegram_study).output
    assert f"  chats    {EXPORT} (telegram, " in after
    assert "  chats: 1 file, all imported and up to date" in after


# --- format: in study.yaml --------------------------------------------------------------------------------------

def test_format_in_study_yaml_is_used_and_shown(small_study: Path, run, query):
    shutil.copytree(GROUP.parent, small_study / "data/chats/treaty")
    _with_chats(small_study, f"  - {{path: {EXPORT}, group: caricom, format: telegram}}\n")
    assert f"{EXPORT} (format telegram, from study.yaml)" in run("status", small_study).output
    assert run("import", small_study).exit_code == 0
    assert query(small_study, "SELECT reader FROM imports") == [("telegram",)]


def test_format_in_study_yaml_is_passed_to_the_reader(small_study: Path, run):
    shutil.copytree(GROUP.parent, small_study / "data/chats/treaty")
    _with_chats(small_study, f"  - {{path: {EXPORT}, group: caricom, format: whatsapp}}\n")
    result = run("import", small_study)
    assert result.exit_code == 2
    assert result.output.startswith(f"Error: {EXPORT}, line 1: no WhatsApp message header found")


def test_an_unknown_format_in_study_yaml_is_one_line_naming_the_line(small_study: Path, run):
    shutil.copytree(GROUP.parent, small_study / "data/chats/treaty")
    line = _with_chats(small_study, f"  - {{path: {EXPORT}, group: caricom,\n     format: signal}}\n")
    result = run("status", small_study)
    assert result.exit_code == 2
    assert result.output == (f"Error: {small_study / 'study.yaml'}, line {line + 1}: chat format 'signal' is not one "
                             "of auto, telegram, whatsapp\n")


def test_chats_imported_before_format_existed_stay_up_to_date(telegram_study: Path, run, query):
    import hashlib

    run("import", telegram_study)
    # What a chat's settings hashed to before format: existed (mixedmethods/sync.py at the previous commit): the
    # same for a source without format:, so upgrading reads no chat again.
    before = json.dumps({"group": "caricom", "date_order": None, "default_country_code": "+1"}, sort_keys=True)
    governed = json.loads(query(telegram_study, "SELECT governed_by FROM imports")[0][0])
    assert governed["the chat's settings in study.yaml"] == hashlib.sha256(before.encode("utf-8")).hexdigest()


def test_naming_the_format_reads_the_chat_again_and_auto_changes_nothing(telegram_study: Path, run):
    run("import", telegram_study)
    config = telegram_study / "study.yaml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("group: caricom}", "group: caricom, format: auto}"), encoding="utf-8")
    assert f"{EXPORT}: unchanged, skipped" in run("import", telegram_study).output
    config.write_text(text.replace("group: caricom}", "group: caricom, format: telegram}"), encoding="utf-8")
    assert (f"{EXPORT}: replaced (telegram desktop json, ymd, 24h): 14 messages, 4 authors not in participants.csv"
            "; read again because the chat's settings in study.yaml changed") in run("import", telegram_study).output


# --- chats inspect --format ------------------------------------------------------------------------------------

def test_inspect_prints_the_format_and_hand_counted_numbers(run):
    result = run("chats", "inspect", GROUP, "--format", "telegram")
    assert result.exit_code == 0, result.output
    assert result.output == ("format: telegram (telegram desktop json, ymd, 24h)\n"
                             "messages: 14 (edited 1, location 1, media 4, poll 1, text 7)\n"
                             "authors: 6\n"
                             "system events: 7\n"
                             "media files in the export: 1\n"
                             "first: 2024-03-04T09:00:00\n"
                             "last: 2024-03-05T08:05:00\n")
    facts = json.loads(run("chats", "inspect", PERSONAL, "--json").output)
    assert (facts["reader"], facts["messages"], facts["system_events"]) == ("telegram", 11, 1)


def test_inspect_with_an_unknown_format_is_one_line_exit_2(run):
    result = run("chats", "inspect", GROUP, "--format", "signal")
    assert result.exit_code == 2
    assert result.output == (f"Error: {GROUP}: unknown chat format 'signal'; expected one of auto, telegram, "
                             "whatsapp\n")
