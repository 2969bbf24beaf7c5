"""Chats in the study: linkage, pseudonymisation, metrics on a tiny chat computed by hand, the chapter."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mixedmethods.chats.linkage import AuthorLinker
from mixedmethods.chats.metrics import gini, gini_with_ci, lorenz, per_participant, sessions_and_replies, top_share
from mixedmethods.privacy import Participants

# A tiny chat: Ana opens at 09:00; Bruno replies 09:02; Ana 09:03 and 09:04; Carla 09:10.
# 11:00 (a silence of 110 min > 60) starts a new conversation: Bruno; Carla replies at 11:30.
TINY = ("13/03/2024, 09:00 - Ana Pérez: Good morning @Bruno Lefèvre\n"
        "13/03/2024, 09:02 - +1 212 555 0102: Morning! Call me on +1 246 555 0199\n"
        "13/03/2024, 09:03 - Ana Pérez: <Media omitted>\n"
        "13/03/2024, 09:04 - Ana Pérez: Noted with thanks, colleagues\n"
        "13/03/2024, 09:10 - Carla Visitor: @12125550102 agreed\n"
        "13/03/2024, 11:00 - Bruno Lefèvre: The draft is attached for your review\n"
        "13/03/2024, 11:30 - Carla Visitor: Merci beaucoup pour le document\n"
        "16/03/2024, 23:15 - Ana Pérez left\n")


@pytest.fixture
def chat_study(small_study: Path) -> Path:
    (small_study / "data/chats/tiny.txt").write_text(TINY, encoding="utf-8")
    config = small_study / "study.yaml"
    config.write_text(config.read_text().replace("  chats: []", "  chats:\n  - {path: data/chats/tiny.txt, "
                                                 "group: caricom}"), encoding="utf-8")
    return small_study


def test_linkage_by_phone_and_name_and_keyed_pseudonyms_for_others():
    from mixedmethods.privacy import Participant

    people = Participants([Participant("P-1", "Ana Pérez", "+1 246 555 0101", "", "caricom", ""),
                           Participant("P-2", "Bruno Lefèvre", "+1 212 555 0102", "", "caricom", "")])
    linker = AuthorLinker(people, bytes(32), "+1")
    assert linker.link("+1 212\u2011555\u20110102") == ("P-2", True)
    assert linker.link("212 555 0102") == ("P-2", True)         # default country code
    assert linker.link("ANA  PÉREZ") == ("P-1", True)             # case and spaces
    unknown, listed = linker.link("Carla Visitor")
    assert unknown.startswith("U-") and not listed
    assert linker.link("Carla Visitor")[0] == unknown             # stable
    text, mentioned = linker.pseudonymise("@Bruno Lefèvre and @12125550102, ask Ana Pérez on +1 246 555 0199")
    assert text == "@P-2 and @P-2, ask P-1 on [phone]"
    assert mentioned == ["P-2", "P-2"]


def test_tiny_chat_in_the_store_is_linked_and_pseudonymised(chat_study: Path, run, query):
    result = run("import", chat_study)
    assert result.exit_code == 0, result.output
    assert "data/chats/tiny.txt: imported (android, dmy, 24h): 7 messages, 1 authors not in participants.csv" \
        in result.output
    rows = query(chat_study, "SELECT participant_id, kind, event, text FROM chat_messages ORDER BY message_id")
    carla = rows[4][0]
    assert carla.startswith("U-")
    assert rows == [
        ("P-ANA00001", "text", None, "Good morning @P-BRUNO002"),
        ("P-BRUNO002", "text", None, "Morning! Call me on [phone]"),
        ("P-ANA00001", "media", None, "<Media omitted>"),
        ("P-ANA00001", "text", None, "Noted with thanks, colleagues"),
        (carla, "text", None, "@P-BRUNO002 agreed"),
        ("P-BRUNO002", "text", None, "The draft is attached for your review"),
        (carla, "text", None, "Merci beaucoup pour le document"),
        (None, "system", "left", "P-ANA00001 left"),
    ]
    assert query(chat_study, "SELECT participant_id, COUNT(*) FROM chat_mentions GROUP BY participant_id") == [
        ("P-BRUNO002", 2)]
    languages = [lang for (lang,) in query(chat_study, "SELECT language FROM chat_messages WHERE kind = 'text' "
                                                       "ORDER BY message_id")]
    assert languages[-1] == "fr" and languages[-2] == "en"
    status = run("status", chat_study).output
    assert f"{carla} (caricom)" in status


def frame_of(text: str) -> pd.DataFrame:
    from mixedmethods.chats.parser import parse_chat

    frame, _ = parse_chat(text, "tiny.txt")
    ids = {"Ana Pérez": "A", "+1 212 555 0102": "B", "Bruno Lefèvre": "B", "Carla Visitor": "C"}
    frame["participant_id"] = frame["author"].map(ids)
    frame["chat_id"], frame["group"], frame["message_id"] = 1, "g", range(len(frame))
    frame["words"] = frame["text"].str.split().str.len().where(frame["kind"] == "text", 0)
    return frame


def test_sessions_replies_and_latency_by_hand():
    frame = sessions_and_replies(frame_of(TINY), gap_minutes=60)
    assert frame["session"].tolist() == [1, 1, 1, 1, 1, 2, 2]
    assert frame["reply"].tolist() == [False, True, True, False, True, False, True]
    # Replies: Bruno 2 min after Ana, Ana 1 min after Bruno, Carla 6 min after Ana, Carla 30 min after Bruno.
    assert frame["latency_min"].dropna().tolist() == [2.0, 1.0, 6.0, 30.0]


def test_per_participant_metrics_by_hand():
    frame = sessions_and_replies(frame_of(TINY), gap_minutes=60)
    members = pd.DataFrame({"participant_id": ["A", "B", "C", "D"], "group": "g"})  # D never wrote
    mentions = pd.DataFrame({"group": "g", "source": ["A", "C"], "target": ["B", "B"]})
    table = per_participant(frame, members, mentions).set_index("participant_id")
    assert table["messages"].tolist() == [3, 2, 2, 0]
    assert table.loc["A", "share"] == pytest.approx(3 / 7)
    # Relative share = share x 4 members: A wrote 3 of 7 where an equal share is 7/4.
    assert table["relative_share"].tolist() == pytest.approx([12 / 7, 8 / 7, 8 / 7, 0.0])
    assert table.loc["A", "media_share"] == pytest.approx(1 / 3)
    assert table.loc["C", "median_latency_min"] == pytest.approx(18.0)  # median of 6 and 30
    # First responders: session 1 Bruno, session 2 Carla -> B and C each 1 of 2 sessions.
    assert table["first_responder_share"].tolist() == [0.0, 0.5, 0.5, 0.0]
    assert table["relative_first_responder_share"].tolist() == [0.0, 2.0, 2.0, 0.0]  # 0.5 x 4 members
    assert table.loc["B", "mentions_received"] == 2 and table.loc["A", "mentions_sent"] == 1


def test_gini_top_share_and_lorenz_by_hand():
    # Counts 3, 2, 2, 0: mean 1.75; sum of |xi - xj| over all ordered pairs = 2*(1+1+3+0+2+2) = 18;
    # bias-corrected G = 18 / (2 * n * (n - 1) * mean) = 18 / (2 * 4 * 3 * 1.75) = 3/7 (Dixon et al., 1987);
    # the uncorrected form divides by 2 * n^2 * mean: 18 / 56.
    assert float(gini([3, 2, 2, 0])) == pytest.approx(18 / 42)
    assert top_share([3, 2, 2, 0]) == pytest.approx(3 / 7)
    x, y = lorenz([3, 2, 2, 0])
    assert x.tolist() == [0, 0.25, 0.5, 0.75, 1.0]
    assert y.tolist() == pytest.approx([0, 0, 2 / 7, 4 / 7, 1.0])
    point, low, high = gini_with_ci(np.array([50, 20, 10, 5, 5, 3, 2, 1, 0, 0]))
    assert low < point < high


def test_chat_chapter_in_the_demo_report(built_demo: Path):
    from docx import Document

    root = built_demo
    document = Document(str(root / "report" / "chats.en.docx"))
    headings = [p.text for p in document.paragraphs if p.style.name in ("Heading 1", "Heading 2")]
    assert headings == ["Group Chats", "Method", "Participation", "Inequality of Participation",
                        "When the Groups Are Active", "Languages", "References"]
    assert len(document.inline_shapes) == 3
    results = json.loads((root / "report" / "results.json").read_text())
    groups = results["chats"]["groups"]
    # The demo plants more unequal participation in the Sixth Committee group.
    assert groups["sixth-committee"]["gini"] > groups["caricom"]["gini"]
    assert 9000 < groups["caricom"]["messages"] < 11000


def test_authors_not_on_the_list_are_counted_in_words_that_fit_zero_one_and_more():
    from mixedmethods.report.chat_chapter import ChatChapter
    from mixedmethods.report.texts import Texts

    chapter = object.__new__(ChatChapter)
    chapter.t, chapter.lang = Texts("en"), "en"
    assert chapter.unlisted_phrase(0) == "every author was on the list"
    assert chapter.unlisted_phrase(1) == "one author not on the list was kept under a keyed pseudonym"
    assert chapter.unlisted_phrase(4) == "4 authors not on the list were kept under keyed pseudonyms"


COLON_NAME_CHAT = ("13/03/2024, 09:15 - Amb. Ana Pérez: Barbados: Good morning\n"
                   "13/03/2024, 09:16 - Bruno Lefèvre: Morning: all set?\n"
                   "13/03/2024, 09:17 - ~ AMB. ANA PÉREZ: BARBADOS: Yes\n"
                   "13/03/2024, 09:18 - Amb. Ana Pérez: Barbados:\n")


def test_an_author_whose_name_holds_a_colon_is_read_from_the_participants_list():
    from mixedmethods.chats.parser import parse_chat

    # Without the list, the text alone gives "Amb. Ana Pérez" and a message "Barbados: Good morning".
    frame, _ = parse_chat(COLON_NAME_CHAT, "tiny.txt")
    assert frame["author"].tolist()[0] == "Amb. Ana Pérez"
    frame, _ = parse_chat(COLON_NAME_CHAT, "tiny.txt", known_authors=["Amb. Ana Pérez: Barbados", "Bruno Lefèvre"])
    assert frame[["author", "text"]].values.tolist() == [
        ["Amb. Ana Pérez: Barbados", "Good morning"],
        ["Bruno Lefèvre", "Morning: all set?"],  # a name without ':' is split at its first colon, as always
        ["AMB. ANA PÉREZ: BARBADOS", "Yes"],     # as the export writes it (case, "~ " of a non-contact)
        ["Amb. Ana Pérez: Barbados", ""],        # "Name:" with nothing after it is an empty message
    ]


def test_an_imported_author_with_a_colon_is_linked_to_the_listed_participant(small_study: Path, run, query):
    people = small_study / "private" / "participants.csv"
    people.write_text(people.read_text(encoding="utf-8").replace("Ana Pérez", "Amb. Ana Pérez: Barbados"),
                      encoding="utf-8")
    (small_study / "data/chats/colon.txt").write_text(COLON_NAME_CHAT, encoding="utf-8")
    config = small_study / "study.yaml"
    config.write_text(config.read_text().replace("  chats: []", "  chats:\n  - {path: data/chats/colon.txt, "
                                                 "group: caricom}"), encoding="utf-8")
    result = run("import", small_study)
    assert result.exit_code == 0, result.output
    assert query(small_study, "SELECT participant_id, text FROM chat_messages ORDER BY message_id") == [
        ("P-ANA00001", "Good morning"), ("P-BRUNO002", "Morning: all set?"), ("P-ANA00001", "Yes"),
        ("P-ANA00001", "")]
