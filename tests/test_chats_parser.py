"""The WhatsApp parser: each export shape, written here by hand, gives exactly these rows."""

from __future__ import annotations

import json
import zipfile
from datetime import datetime
from pathlib import Path

import pytest

from mixedmethods.chats.parser import parse_chat, parse_export
from mixedmethods.errors import InputFileError

NNBSP, NBSP, LRM, RLM, NBH = "\u202f", "\u00a0", "\u200e", "\u200f", "\u2011"


def rows(text: str, **options) -> list[tuple]:
    frame, _ = parse_chat(text, "test.txt", **options)
    return [(t.to_pydatetime(), a if isinstance(a, str) else None, x, k, e if isinstance(e, str) else None)
            for t, a, x, k, e in frame[["timestamp", "author", "text", "kind", "event"]].itertuples(index=False)]


def test_android_24_hour_day_first_with_system_events_media_and_multiline():
    text = ("13/03/2024, 09:15 - Messages and calls are end-to-end encrypted. No one outside of this chat, not even "
            "WhatsApp, can read or listen to them.\n"
            "13/03/2024, 09:15 - Ana Pérez created group \"CARICOM delegates\"\n"
            "13/03/2024, 09:16 - Ana Pérez added ~ Bruno\n"
            "13/03/2024, 10:02 - Ana Pérez: Draft attached\n"
            "second line\n"
            "14/03/2024, 10:05 is the deadline, as agreed\n"
            f"14/03/2024, 10:03 - +1 246{NBH}555{NBH}0101: <Media omitted>\n"
            "14/03/2024, 10:04 - ~ Bruno: This message was deleted\n"
            "14/03/2024, 22:30 - Bruno left\n")
    assert rows(text) == [
        (datetime(2024, 3, 13, 9, 15), None, "Messages and calls are end-to-end encrypted. No one outside of this "
         "chat, not even WhatsApp, can read or listen to them.", "system", "encryption"),
        (datetime(2024, 3, 13, 9, 15), None, 'Ana Pérez created group "CARICOM delegates"', "system", "created"),
        (datetime(2024, 3, 13, 9, 16), None, "Ana Pérez added ~ Bruno", "system", "added"),
        # A body line that merely looks like a date stays in the message.
        (datetime(2024, 3, 13, 10, 2), "Ana Pérez", "Draft attached\nsecond line\n14/03/2024, 10:05 is the "
         "deadline, as agreed", "text", None),
        (datetime(2024, 3, 14, 10, 3), "+1 246-555-0101", "<Media omitted>", "media", None),
        (datetime(2024, 3, 14, 10, 4), "Bruno", "This message was deleted", "deleted", None),
        (datetime(2024, 3, 14, 22, 30), None, "Bruno left", "system", "left"),
    ]


def test_ios_bracketed_12_hour_month_first_with_narrow_no_break_spaces_and_marks():
    text = (f"{LRM}[3/14/24, 9:15:02{NNBSP}AM] CARICOM: {LRM}Ana created group \u201cCARICOM\u201d\n"
            f"[3/14/24, 1:05:44{NNBSP}PM] Ana: hello\nworld\n"
            f"[3/14/24, 1:06:00{NBSP}PM] ~{NNBSP}Bruno: {LRM}image omitted\n"
            f"[3/14/24, 1:07:00 PM] Bruno: fixed the date <This message was edited>\n"
            f"[3/15/24, 12:01:00{NNBSP}AM] {RLM}Carla: {LRM}<attached: 00000012-PHOTO-2024-03-15.jpg>\n")
    assert rows(text) == [
        (datetime(2024, 3, 14, 9, 15, 2), None, "Ana created group \u201cCARICOM\u201d", "system", "created"),
        (datetime(2024, 3, 14, 13, 5, 44), "Ana", "hello\nworld", "text", None),
        (datetime(2024, 3, 14, 13, 6), "Bruno", "image omitted", "media", None),
        (datetime(2024, 3, 14, 13, 7), "Bruno", "fixed the date", "edited", None),
        (datetime(2024, 3, 15, 0, 1), "Carla", "<attached: 00000012-PHOTO-2024-03-15.jpg>", "media", None),
    ]


def test_spanish_a_m_p_m_and_french_system_messages():
    text = ("20/11/23, 9:05 a. m. - Les messages et les appels sont chiffrés de bout en bout.\n"
            "20/11/23, 9:06 a. m. - Ana a créé le groupe « Sixième Commission »\n"
            "20/11/23, 9:07 a. m. - Bruno a rejoint ce groupe via le lien d'invitation\n"
            "20/11/23, 1:10 p. m. - Bruno: <Médias omis>\n"
            "20/11/23, 1:11 p. m. - Bruno: SONDAGE :\nQuelle date ?\n")
    assert [(r[0], r[3], r[4]) for r in rows(text)] == [
        (datetime(2023, 11, 20, 9, 5), "system", "encryption"),
        (datetime(2023, 11, 20, 9, 6), "system", "created"),
        (datetime(2023, 11, 20, 9, 7), "system", "joined"),
        (datetime(2023, 11, 20, 13, 10), "media", None),
        (datetime(2023, 11, 20, 13, 11), "poll", None),
    ]


@pytest.mark.parametrize("header, expected", [
    ("2024-03-13, 18:45 - Ana: x", datetime(2024, 3, 13, 18, 45)),         # year-month-day
    ("13.03.24, 18:45 - Ana: x", datetime(2024, 3, 13, 18, 45)),           # dots, 2-digit year
    ("[13.03.2024, 18:45:09] Ana: x", datetime(2024, 3, 13, 18, 45, 9)),   # iOS with dots
    ("3/13/2024, 6:45 PM - Ana: x", datetime(2024, 3, 13, 18, 45)),        # month first, 12-hour
    ("13-03-2024 18:45 - Ana: x", datetime(2024, 3, 13, 18, 45)),          # dashes, no comma
    # Shapes from Pustur/whatsapp-chat-parser's tests/parser.test.ts (expected 2018-06-03T13:55 / 2018-06-13T21:25:15)
    ("03-06-2018, 01.55 PM - a: m\n13-06-2018, 01.55 PM - a: m", datetime(2018, 6, 3, 13, 55)),  # dotted time
    ("13.6.2018 klo 21.25.15 - a: m", datetime(2018, 6, 13, 21, 25, 15)),  # Finnish "klo"
    ("[3/6/18 1:55:00 p. m.] a: m\n[13/6/18 1:55:00 p. m.] a: m", datetime(2018, 6, 3, 13, 55)),
    ("13.03.24 18:45 - Ana: x", datetime(2024, 3, 13, 18, 45)),            # Czech, no comma
    ("13.03.2024 06:45 ÖS - Ana: x", datetime(2024, 3, 13, 18, 45)),       # Turkish afternoon
    ("13.03.2024 06:45 ÖÖ - Ana: x", datetime(2024, 3, 13, 6, 45)),        # Turkish morning
    ("١٣/٣/٢٠٢٤، ٦:٤٥ م - Ana: x", datetime(2024, 3, 13, 18, 45)),         # Arabic-Indic digits, Arabic comma, PM
    # iOS in the Buddhist and Japanese calendars (shapes of starkdmi/whats_json test/data/calendars): 2565 BE and
    # Reiwa 4 are 2022 (hand computed: 2565 - 543; Reiwa 1 = 2019).
    ("[3/18/2565 BE, 14:56:01] Ana: x\n[3/27/2565 BE, 21:41:35] Ana: y", datetime(2022, 3, 18, 14, 56, 1)),
    ("[3/18/R4, 14:56:01] Ana: x\n[3/27/R4, 21:41:35] Ana: y", datetime(2022, 3, 18, 14, 56, 1)),
    # iOS in Vietnamese: time before date (shape of starkdmi/whats_json test/data/ios/iOS Vietnamese.txt)
    ("[14:56:01, 3/18/22] Ana: x\n[21:41:35, 3/27/22] Ana: y", datetime(2022, 3, 18, 14, 56, 1)),
])
def test_date_and_time_shapes(header: str, expected: datetime):
    assert rows(header + "\n")[0][0] == expected


def test_day_month_order_from_the_sequence_when_numbers_do_not_decide():
    text = "01/02/2024, 10:00 - Ana: a\n02/02/2024, 10:00 - Ana: b\n01/03/2024, 10:00 - Ana: c\n"
    # Day first runs forward (1 Feb, 2 Feb, 1 Mar); month first would go back (2 Jan, 2 Feb, 3 Jan).
    assert [r[0] for r in rows(text)] == [datetime(2024, 2, 1, 10), datetime(2024, 2, 2, 10), datetime(2024, 3, 1, 10)]


def test_day_month_order_with_the_shorter_span_when_both_run_forward():
    text = "05/12/2024, 10:00 - Ana: a\n06/12/2024, 10:00 - Ana: b\n09/12/2024, 10:00 - Ana: c\n"
    # Day first: 5, 6, 9 December (4 days); month first: 12 May, 12 June, 12 September (4 months).
    assert [r[0].day for r in rows(text)] == [5, 6, 9]


def test_undecidable_date_order_asks_for_the_option_and_the_option_decides():
    text = "01/02/2024, 10:00 - Ana: a\n01/02/2024, 11:00 - Ana: b\n"
    with pytest.raises(InputFileError, match="pass --date-order dmy or mdy"):
        rows(text)
    assert rows(text, date_order="mdy")[0][0] == datetime(2024, 1, 2, 10)


def test_a_line_before_the_first_message_is_an_error_with_its_line():
    with pytest.raises(InputFileError) as error:
        rows("\nhello there\n13/03/2024, 10:00 - Ana: a\n")
    assert "test.txt, line 2: this line is not part of any message" in str(error.value)


def test_zip_export_parses_like_the_txt_and_counts_media(tmp_path: Path):
    text = "13/03/2024, 10:00 - Ana: a\n13/03/2024, 10:01 - Ana: IMG-20240313-WA0001.jpg (file attached)\n"
    (tmp_path / "chat.txt").write_text(text, encoding="utf-8")
    with zipfile.ZipFile(tmp_path / "chat.zip", "w") as archive:
        archive.writestr("_chat.txt", text)
        archive.writestr("IMG-20240313-WA0001.jpg", b"\xff\xd8")
    from_txt, _ = parse_export(tmp_path / "chat.txt")
    from_zip, chat_format = parse_export(tmp_path / "chat.zip")
    assert from_zip.drop(columns=[]).equals(from_txt)
    assert chat_format.media_files == 1
    assert list(from_zip["kind"]) == ["text", "media"]


def test_inspect_prints_counts_and_no_names(tmp_path: Path, run):
    text = ("13/03/2024, 09:15 - Ana Pérez created group \"X\"\n13/03/2024, 10:00 - Ana Pérez: a\n"
            "14/03/2024, 10:01 - +1 246 555 0101: <Media omitted>\n14/03/2024, 10:02 - Bruno: b\n")
    (tmp_path / "chat.txt").write_text(text, encoding="utf-8")
    result = run("chats", "inspect", tmp_path / "chat.txt", "--json")
    assert result.exit_code == 0
    facts = json.loads(result.output)
    assert facts["format"] == "android, dmy, 24h"
    assert (facts["messages"], facts["authors"], facts["system_events"]) == (3, 3, 1)
    assert (facts["first"], facts["last"]) == ("2024-03-13T09:15:00", "2024-03-14T10:02:00")
    plain = run("chats", "inspect", tmp_path / "chat.txt").output
    assert "Ana" not in plain and "555" not in plain and "Bruno" not in plain


def test_inspect_errors_are_one_line(tmp_path: Path, run):
    (tmp_path / "x.txt").write_text("not a chat at all\n", encoding="utf-8")
    result = run("chats", "inspect", tmp_path / "x.txt")
    assert result.exit_code == 2 and len(result.stderr.splitlines()) == 1
    assert "x.txt, line 1: no WhatsApp message header found" in result.stderr


@pytest.mark.parametrize("text, kind", [
    ("<Médias omis>", "media"), ("<Multimedia omitido>", "media"), ("<Mídia oculta>", "media"),
    ("<Medien ausgeschlossen>", "media"), ("image absente", "media"), ("imagen omitida", "media"),
    ("imagem ocultada", "media"), ("Bild weggelassen", "media"), ("video omitted", "media"),
    ("IMG-20240313-WA0001.jpg (fichier joint)", "media"), ("<attached: 00000012-PHOTO.jpg>", "media"),
    ("Ce message a été supprimé", "deleted"), ("Se eliminó este mensaje.", "deleted"),
    ("Mensagem apagada", "deleted"), ("Diese Nachricht wurde gelöscht.", "deleted"),
    ("You deleted this message", "deleted"),
    ("ok <Ce message a été modifié>", "edited"), ("ok <Mensagem editada>", "edited"),
    ("ENCUESTA:\n¿Cuándo?", "poll"), ("UMFRAGE:\nWann?", "poll"),
    ("localisation : https://maps.google.com/?q=1,2", "location"),
    ("The draft is attached (see below)", "text"), ("See <https://example.org>", "text"),
])
def test_message_kinds_in_five_languages(text: str, kind: str):
    assert rows(f"13/03/2024, 10:00 - Ana: {text}\n")[0][3] == kind


@pytest.mark.parametrize("line, event", [
    ("Ana añadió a Bruno", "added"), ("Ana adicionou Bruno", "added"), ("Ana hat Bruno hinzugefügt", "added"),
    ("Ana a retiré Bruno", "removed"), ("Ana eliminó a Bruno", "removed"), ("Bruno salió del grupo", "left"),
    ("Bruno hat die Gruppe verlassen", "left"), ("Ana cambió el asunto de \"A\" a \"B\"", "subject_changed"),
    ("Ana a changé l'icône de ce groupe", "icon_changed"), ("Ana changed the group description", "description_changed"),
    ("Your security code with Bruno changed. Tap to learn more.", "security_code"),
])
def test_system_events_in_several_languages(line: str, event: str):
    assert rows(f"13/03/2024, 10:00 - {line}\n")[0][3:] == ("system", event)


@pytest.mark.parametrize("first", [
    "Сообщения и звонки защищены сквозным шифрованием. Никто за пределами этого чата не может их прочитать.",
    "Berichten en gesprekken worden end-to-end versleuteld.",
    "Mesajlar ve aramalar uçtan uca şifrelidir.",
    "Zprávy a hovory jsou zabezpečené koncovým šifrováním.",
    "Un texte système qu'aucune table ne connaît",
])
def test_an_authorless_first_line_in_any_language_is_a_system_event(first: str):
    got = rows(f"13/03/2024, 10:00 - {first}\n13/03/2024, 10:01 - Ana: hi\n")
    assert [(r[1], r[3]) for r in got] == [(None, "system"), ("Ana", "text")]


def test_authorless_lines_are_never_glued_into_the_message_above():
    text = ("13/03/2024, 10:00 - Ana: zwei Wörter\n13/03/2024, 10:01 - Bruno ist jetzt Admin\n"
            "13/03/2024, 10:02 - Ana: noch eins\n")
    assert [(r[1], r[2], r[3], r[4]) for r in rows(text)] == [
        ("Ana", "zwei Wörter", "text", None), (None, "Bruno ist jetzt Admin", "system", "other"),
        ("Ana", "noch eins", "text", None)]


def test_a_name_with_empty_text_is_a_message():
    text = "13/03/2024, 10:00 - Ana: a\n13/03/2024, 10:01 - Bruno:\n13/03/2024, 10:02 - Ana: b\n"
    assert [(r[1], r[2]) for r in rows(text)] == [("Ana", "a"), ("Bruno", ""), ("Ana", "b")]


def test_group_name_before_the_encryption_notice_is_no_author():
    text = (f"[13/03/2024, 10:00:00] Pokemon Chat: {LRM}Messages and calls are end-to-end encrypted.\n"
            "[13/03/2024, 10:01:00] Ana: hi\nthe group's messages are end-to-end encrypted\n")
    assert [(r[1], r[3], r[4]) for r in rows(text)] == [(None, "system", "encryption"), ("Ana", "text", None)]
    android = "13/03/2024, 10:00 - Pokemon Chat: Messages and calls are end-to-end encrypted.\n"
    assert [(r[1], r[4]) for r in rows(android)] == [(None, "encryption")]


@pytest.mark.parametrize("notice", ["I messaggi e le chiamate sono crittografati end-to-end.",
                                    "Сообщения и звонки защищены сквозным шифрованием.",
                                    "As mensagens e as chamadas são protegidas com a criptografia de ponta a ponta.",
                                    "Los mensajes y las llamadas están cifrados de extremo a extremo.",
                                    "Повідомлення й дзвінки захищено наскрізним шифруванням.",
                                    "メッセージと通話はエンドツーエンド暗号化されています。",
                                    "As mensagens e chamadas são encriptadas ponto a ponto."])
def test_ios_encryption_notice_in_other_languages_is_a_system_event(notice: str):
    assert rows(f"[13/03/2024, 10:00:00] Grupo: {LRM}{notice}\n")[0][1:] == (None, notice, "system", "encryption")


def test_a_deleted_message_in_spanish_keeps_its_author_on_ios():
    got = rows(f"[13/03/2024, 10:00:00] Ana: {LRM}Se eliminó este mensaje.\n")
    assert got[0][1:4] == ("Ana", "Se eliminó este mensaje.", "deleted")


def test_inspect_json_counts_system_events_by_kind_and_names_the_locale(tmp_path: Path, run):
    text = ("13.03.2024, 09:15 - Сообщения и звонки защищены сквозным шифрованием.\n"
            "13.03.2024, 09:16 - Ana создал(-а) группу «X»\n13.03.2024, 09:17 - Ana: привет\n"
            "14.03.2024, 09:18 - Bruno left\n")
    (tmp_path / "chat.txt").write_text(text, encoding="utf-8")
    facts = json.loads(run("chats", "inspect", tmp_path / "chat.txt", "--json").output)
    # Hand count: the notice (encryption), "created" (WhatsApp's ru string '%1$s создал(-а) группу "%2$s"'), "left".
    assert facts["by_event"] == {"created": 1, "encryption": 1, "left": 1}
    assert facts["locale"] == "ru"
