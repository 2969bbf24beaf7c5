"""Chat indicators fair to group size and membership (issue 12): the bias-corrected Gini, relative shares,
and a person in two chats counted in each chat and once per person."""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from mixedmethods.chats.metrics import gini, gini_with_ci, per_participant, per_person, sessions_and_replies


def mean_difference_gini(values: list[float]) -> float:
    """The bias-corrected Gini by its definition, independent of the code's sorted-rank form:
    G = sum_i sum_j |x_i - x_j| / (2 n (n - 1) mean)  (Dixon et al., 1987; = DescTools::Gini(x,
    unbiased = TRUE) and ineq::Gini(x, corr = TRUE), both n/(n-1) times the uncorrected Gini)."""
    n = len(values)
    mean = sum(values) / n
    return sum(abs(a - b) for a, b in itertools.product(values, values)) / (2 * n * (n - 1) * mean)


def test_bias_corrected_gini_by_hand_reaches_one_when_one_member_writes_everything():
    # One of four wrote all: sum |xi - xj| = 2 * 3 * 10 = 60, mean 2.5: 60 / (2 * 4 * 3 * 2.5) = 1
    # (the uncorrected form gives (n - 1)/n = 0.75).
    assert float(gini([0, 0, 0, 10])) == pytest.approx(1.0)
    assert float(gini([0] * 29 + [7])) == pytest.approx(1.0)
    # 1, 2, 3, 4: sum |xi - xj| = 2 * (1+2+3+1+2+1) = 20, mean 2.5: 20 / (2 * 4 * 3 * 2.5) = 1/3.
    assert float(gini([4, 1, 3, 2])) == pytest.approx(1 / 3)
    assert float(gini([5, 5, 5])) == pytest.approx(0.0)
    # The incomes of the ineq/acid documentation example, against the definition computed in the test.
    incomes = [541, 1463, 2445, 3438, 4437, 5401, 6392, 8304, 11904, 22261]
    assert float(gini(incomes)) == pytest.approx(mean_difference_gini(incomes), abs=1e-12)
    assert np.isnan(gini([3]))  # one member: no inequality to measure


def test_gini_interval_is_scipys_bca_seeded_from_the_sorted_counts():
    from scipy import stats

    from mixedmethods.survey.omnibus import content_seed

    counts = np.array([9, 0, 4, 1, 1, 30, 2, 6, 0, 3])
    # The peer computation: scipy's BCa bootstrap of the corrected Gini on the sorted counts, seeded from them.
    ordered = np.sort(counts).astype(float)
    expected = stats.bootstrap((ordered,), gini, vectorized=True, n_resamples=2000, method="BCa",
                               random_state=np.random.default_rng(content_seed([ordered]))).confidence_interval
    _, low, high = gini_with_ci(counts)
    assert (low, high) == pytest.approx((expected.low, expected.high), abs=1e-12)


def test_gini_interval_does_not_depend_on_the_order_of_members():
    counts = [50, 20, 10, 5, 5, 3, 2, 1, 0, 0, 12, 7]
    shuffled = counts[:]
    random.Random(3).shuffle(shuffled)
    point, low, high = gini_with_ci(np.array(counts))
    assert (point, low, high) == gini_with_ci(np.array(shuffled))
    assert low < point < high <= 1.0 + 1e-9


def chat(group: str, chat_id: int, writers: dict[str, int], start: str = "2024-03-13 09:00") -> pd.DataFrame:
    """A chat in one conversation: the writers in turn (A, B, X, A, B, X ...), a minute apart."""
    order = _interleave(writers)
    times = pd.date_range(start, periods=len(order), freq="1min")
    return pd.DataFrame({"message_id": range(chat_id * 1000, chat_id * 1000 + len(order)), "chat_id": chat_id,
                         "group": group, "timestamp": times, "participant_id": order, "kind": "text",
                         "event": None, "words": 3, "language": "en"})


def _interleave(writers: dict[str, int]) -> list[str]:
    left = dict(writers)
    out: list[str] = []
    while any(left.values()):
        for pid in writers:
            if left[pid]:
                out.append(pid)
                left[pid] -= 1
    return out


NO_MENTIONS = pd.DataFrame({"group": [], "source": [], "target": []})


@pytest.mark.parametrize("size", [3, 30])
def test_equal_participation_gives_a_relative_share_of_one_whatever_the_chat_size(size: int):
    writers = {f"P{i}": 2 for i in range(size)}
    frame = sessions_and_replies(chat("g", 1, writers), gap_minutes=60)
    members = pd.DataFrame({"participant_id": list(writers), "group": "g"})
    table = per_participant(frame, members, NO_MENTIONS)
    # Each wrote 2 of 2 * size messages: share 1/size, relative share (share x members) 1.
    assert table["share"].tolist() == pytest.approx([1 / size] * size)
    assert table["relative_share"].tolist() == pytest.approx([1.0] * size)


def two_chats() -> tuple[pd.DataFrame, pd.DataFrame]:
    # Chat g1: A, B and X write 2 each (6 messages, 3 members: equal share 2).
    # Chat g2: X writes 1, C writes 3, D is a listed member who never writes (4 messages, 3 members: equal share 4/3).
    messages = pd.concat([chat("g1", 1, {"A": 2, "B": 2, "X": 2}),
                          chat("g2", 2, {"X": 1, "C": 3}, start="2024-03-14 09:00")], ignore_index=True)
    members = pd.DataFrame({"participant_id": ["A", "B", "X", "X", "C", "D"],
                            "group": ["g1", "g1", "g1", "g2", "g2", "g2"]})
    return sessions_and_replies(messages, gap_minutes=60), members


def test_a_person_in_two_chats_is_a_member_of_each_with_that_chats_messages():
    frame, members = two_chats()
    table = per_participant(frame, members, NO_MENTIONS).set_index(["participant_id", "group"])
    assert len(table) == 6
    assert table.groupby(level="group").size().to_dict() == {"g1": 3, "g2": 3}
    assert table.loc[("X", "g1"), "messages"] == 2 and table.loc[("X", "g2"), "messages"] == 1
    assert table.loc[("X", "g1"), "relative_share"] == pytest.approx(1.0)          # 2 / (6 / 3)
    assert table.loc[("X", "g2"), "relative_share"] == pytest.approx(1 / (4 / 3))  # 1 / (4 / 3) = 0.75
    assert table.loc[("D", "g2"), "messages"] == 0


def test_a_person_in_two_chats_is_one_row_of_the_person_level_table():
    frame, members = two_chats()
    people = per_person(frame, members, NO_MENTIONS).set_index("participant_id")
    assert sorted(people.index) == ["A", "B", "C", "D", "X"]
    assert people.loc["X", "chats"] == 2 and people.loc["X", "messages"] == 3
    # X: 3 messages; an equal share of each chat gives 6/3 + 4/3 = 10/3 expected: 3 / (10/3) = 0.9.
    assert people.loc["X", "relative_share"] == pytest.approx(0.9)
    assert people.loc["X", "share"] == pytest.approx(3 / 10)                       # of the 10 messages of g1 and g2
    # One chat only: the same as per chat (C: 3 / (4/3) = 2.25).
    assert people.loc["C", "relative_share"] == pytest.approx(2.25)
    # First responders: g1's conversation is opened by A, B replies first; g2's by X, C replies first.
    assert people.loc["B", "relative_first_responder_share"] == pytest.approx(3.0)  # 1 of 1 conversation x 3
    assert people.loc["X", "relative_first_responder_share"] == pytest.approx(0.0)


PEOPLE_IN_TWO_GROUPS = ("participant_id,name,phone,email,group,invitation_code\n"
                        "P-ANA00001,Ana Pérez,+1 246 555 0101,ana@example.org,caricom,AAA111\n"
                        "P-BRUNO002,Bruno Lefèvre,+1 212 555 0102,bruno@example.org,caricom; sixth-committee,BBB222\n"
                        "P-CARLA003,Carla Diaz,+1 212 555 0103,carla@example.org,sixth-committee,CCC333\n"
                        "P-DORA0004,Dora Ek,+1 212 555 0104,dora@example.org,sixth-committee,DDD444\n")
CHAT_1 = ("13/03/2024, 09:00 - Ana Pérez: Good morning\n"
          "13/03/2024, 09:02 - Bruno Lefèvre: Morning\n"
          "13/03/2024, 09:03 - Ana Pérez: Noted\n")
CHAT_2 = ("14/03/2024, 09:00 - Carla Diaz: Bonjour\n"
          "14/03/2024, 09:01 - Bruno Lefèvre: Bonjour à tous\n"
          "14/03/2024, 09:05 - Carla Diaz: Merci\n")


def test_a_person_listed_in_two_groups_is_in_both_chats_and_once_in_the_participant_frame(small_study: Path, run):
    from mixedmethods.chats.analysis import analyse_chats
    from mixedmethods.study import load_study
    from mixedmethods.triangulation.analysis import constructs_path
    from mixedmethods.triangulation.constructs import load_constructs
    from mixedmethods.triangulation.linkage import participant_frame

    (small_study / "private" / "participants.csv").write_text(PEOPLE_IN_TWO_GROUPS, encoding="utf-8")
    (small_study / "data/chats/one.txt").write_text(CHAT_1, encoding="utf-8")
    (small_study / "data/chats/two.txt").write_text(CHAT_2, encoding="utf-8")
    config = small_study / "study.yaml"
    config.write_text(config.read_text().replace(
        "  chats: []", "  chats:\n  - {path: data/chats/one.txt, group: caricom}\n"
                       "  - {path: data/chats/two.txt, group: sixth-committee}"), encoding="utf-8")
    result = run("import", small_study)
    assert result.exit_code == 0, result.output
    study = load_study(small_study)
    results = analyse_chats(study)
    people = results.tables["per_participant"]
    assert sorted(people.loc[people["participant_id"] == "P-BRUNO002", "group"]) == ["caricom", "sixth-committee"]
    # caricom: Ana and Bruno; sixth-committee: Bruno, Carla and Dora (listed, silent).
    # (The chapter's member counts are suppressed under k; the per-member table is not.)
    assert people.groupby("group").size().to_dict() == {"caricom": 2, "sixth-committee": 3}
    bruno = people.set_index(["participant_id", "group"]).loc["P-BRUNO002"]
    assert bruno.loc["caricom", "messages"] == 1 and bruno.loc["sixth-committee", "messages"] == 1
    constructs = load_constructs(constructs_path(study), study.questionnaire(), study.codebook())
    frame = participant_frame(study, constructs)
    assert (frame["participant_id"] == "P-BRUNO002").sum() == 1
    row = frame.set_index("participant_id").loc["P-BRUNO002"]
    assert row["group"] == "caricom"  # the first group listed is the person's group in comparisons
    assert bool(row["in_chats"])
    # Bruno's relative share over his two chats: caricom 3 messages / 2 members = 1.5 expected, sixth-committee
    # 3 messages / 3 members (Dora silent but listed) = 1 expected; he wrote 2: 2 / (1.5 + 1) = 0.8.
    column = next(f"{c.id}.chats" for c in constructs
                  if "chats" in c.indicators and c.indicators["chats"].metric == "relative_share")
    assert row[column] == pytest.approx(0.8)


def test_the_group_column_may_name_several_groups_separated_by_semicolons(tmp_path: Path):
    from mixedmethods.privacy import Participants, write_participants
    from mixedmethods.study import default_study_yaml, init_study, load_study

    config = default_study_yaml("Pilot")
    config.pop("groups", None)
    root = init_study(tmp_path / "pilot", config)
    (root / "private" / "participants.csv").write_text(
        "participant_id,name,phone,email,group,invitation_code\n"
        "P-1,Ana,,,south,A1\nP-2,Bo,,,north ; south,B2\nP-3,Cy,,,east;,C3\nP-4,Di,,,,D4\n", encoding="utf-8")
    # Groups in order of first appearance, each once; "north ; south" is two groups, not one.
    assert list(load_study(root).groups) == ["south", "north", "east"]
    people = Participants.load(root / "private", bytes(32)).people
    assert [(p.group, p.groups) for p in people] == [("south", ("south",)), ("north", ("north", "south")),
                                                     ("east", ("east",)), ("", ())]
    # Written back as it was read (a demo or init writing the list keeps every membership).
    (tmp_path / "copy").mkdir()
    write_participants(tmp_path / "copy", people)
    again = Participants.load(tmp_path / "copy", bytes(32)).people
    assert [p.groups for p in again] == [p.groups for p in people]


def test_memberships_are_stored_and_read_back(small_study: Path, run, query):
    from mixedmethods.chats.metrics import load_memberships
    from mixedmethods.store import connect

    (small_study / "private" / "participants.csv").write_text(PEOPLE_IN_TWO_GROUPS, encoding="utf-8")
    assert run("import", small_study).exit_code == 0
    assert query(small_study, "SELECT grp FROM participants WHERE participant_id = 'P-BRUNO002'") == [("caricom",)]
    conn = connect(small_study / "store.sqlite", create=False)
    try:
        memberships = load_memberships(conn)
    finally:
        conn.close()
    assert sorted(map(tuple, memberships.to_numpy().tolist())) == [
        ("P-ANA00001", "caricom"), ("P-BRUNO002", "caricom"), ("P-BRUNO002", "sixth-committee"),
        ("P-CARLA003", "sixth-committee"), ("P-DORA0004", "sixth-committee")]


@pytest.mark.parametrize("lang, many, fewer", [
    ("en", "In all, 8 people were members of more than one chat and are counted in each.",
     "In all, fewer than 5 people were members of more than one chat and are counted in each."),
    ("fr", "Au total, 8 personnes étaient membres de plusieurs discussions et sont comptées dans chacune.",
     "Au total, moins de 5 personnes étaient membres de plusieurs discussions et sont comptées dans chacune.")])
def test_the_methods_say_how_many_people_were_in_several_chats(lang: str, many: str, fewer: str):
    from mixedmethods.report.chat_chapter import ChatChapter
    from mixedmethods.report.texts import Texts

    chapter = object.__new__(ChatChapter)
    chapter.t, chapter.lang, chapter.k, chapter.chat_groups = Texts(lang), lang, 5, ["g1", "g2"]
    assert chapter.several_chats_sentence(8) == " " + many
    assert chapter.several_chats_sentence(None) == " " + fewer  # suppressed: 1 to k - 1
    assert chapter.several_chats_sentence(0) == ""
    chapter.chat_groups = ["g1"]
    assert chapter.several_chats_sentence(None) == ""  # one chat: nobody can be in two


def test_the_methods_state_the_range_of_the_corrected_gini_and_the_relative_share_in_both_languages():
    from mixedmethods.report.texts import Texts

    for lang, words in (("en", ["n/(n − 1)", "(n − 1)/n", "relative share = share × members", "Bales"]),
                        ("fr", ["n/(n − 1)", "(n − 1)/n", "part relative = part × nombre de membres", "Bales"])):
        text = Texts(lang).get("chats.method_inequality") + Texts(lang).get("chats.method_relative")
        assert all(word in text for word in words), lang


@pytest.mark.parametrize("country_code", [None, "+1", "+33", "+44", "+49"])
def test_the_chapter_references_hold_nothing_the_privacy_check_takes_for_a_phone_number(country_code):
    # A page range of 8 digits ("1548–1551") is a possible phone number in some countries: the build would
    # refuse to publish the chapter. So the chapter cites Deltas (2003) for the correction (Dixon et al. 1987
    # stays in the docs and docstrings).
    from mixedmethods.privacy import Participants, Redactor
    from mixedmethods.report.texts import Texts

    redactor = Redactor(Participants([]), country_code)
    for lang in ("en", "fr"):
        for reference in Texts(lang).raw("chats.references"):
            assert redactor.phones(reference) == [], reference


def test_participant_files_give_a_person_in_two_groups_the_first_group_listed():
    # P1 is listed "north;east" in participants.csv: the triangulation frame gives the first listed group, north;
    # the per-chat table has P1 in both chats. Alphabetical order would pick east.
    from types import SimpleNamespace

    from mixedmethods.report.exports import _people

    frame = pd.DataFrame({"participant_id": ["P1", "P2"], "group": ["north", pd.NA]})
    chats = pd.DataFrame({"participant_id": ["P1", "P1", "P2"], "group": ["east", "north", "east"]})
    analyses = {"triangulation": SimpleNamespace(frame=frame, tables={}),
                "chats": SimpleNamespace(tables={"chats_per_participant": chats})}
    people = _people(analyses).set_index("participant_id")["group"].to_dict()
    assert people == {"P1": "north", "P2": "east"}
