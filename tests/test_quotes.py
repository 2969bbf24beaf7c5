"""Quotes: chosen per theme from several participants and groups, in the languages of the interviews.

Expected choices are worked out by hand from the rule in mixedmethods/interviews/quotes.py.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from mixedmethods.interviews.quotes import COLUMNS, choose_quotes, language_code

ENGLISH = "We had our comments in the group before noon, which a year ago would have taken a whole week of cables."
FRENCH = "Nous avions nos commentaires dans le groupe avant midi, ce qui aurait pris une semaine entière il y a un an."


def passage(n: int, word: str) -> str:
    return (word + " ") * (n // (len(word) + 1))


def frame(rows: list[dict]) -> pd.DataFrame:
    """Segments with the defaults the tests do not vary: theme t, group a, English, one transcript each."""
    out = []
    for index, row in enumerate(rows, 1):
        out.append({"theme": "t", "group": "a", "language": "en", "segment_id": index, "transcript_id": index,
                    "quote": f"{row['participant_id']}: {ENGLISH}", **row})
    return pd.DataFrame(out)


def test_a_theme_is_quoted_from_as_many_groups_as_have_one():
    segments = frame([{"participant_id": "P-B1", "group": "b"}, {"participant_id": "P-A1"},
                      {"participant_id": "P-A2"}, {"participant_id": "P-A3"}, {"participant_id": "P-C1", "group": "c"}])
    segments["quote"] = [passage(200, w) for w in ("bravo", "alpha", "apple", "amber")] + [passage(300, "charlie")]
    chosen = choose_quotes(segments, ["t"], per_theme=3)
    # First the earliest segment (B1); then a group not yet quoted: a (A1, earlier than C1); then c, the one left.
    assert chosen["participant_id"].tolist() == ["P-B1", "P-A1", "P-C1"]
    # One group only: three different participants, in segment order (no passage length is preferred any more).
    only_a = choose_quotes(segments[segments["group"] == "a"], ["t"], per_theme=3)
    assert only_a["participant_id"].tolist() == ["P-A1", "P-A2", "P-A3"]


def test_a_participant_already_quoted_comes_after_one_not_yet_quoted():
    # P-1 has the earliest segment of both themes; the second theme goes to P-2 all the same.
    segments = frame([{"participant_id": "P-1", "theme": "t1"}, {"participant_id": "P-1", "theme": "t2"},
                      {"participant_id": "P-2", "theme": "t2"}])
    segments["quote"] = [ENGLISH, ENGLISH.replace("noon", "lunch"), ENGLISH.replace("noon", "dinner")]
    chosen = choose_quotes(segments, ["t1", "t2"], per_theme=1)
    assert chosen[["theme", "participant_id"]].values.tolist() == [["t1", "P-1"], ["t2", "P-2"]]
    # With two quotes per theme P-1 still speaks once per theme, and second in t2.
    both = choose_quotes(segments, ["t1", "t2"], per_theme=2)
    assert both[["theme", "participant_id"]].values.tolist() == [["t1", "P-1"], ["t2", "P-2"], ["t2", "P-1"]]


def test_quote_languages_follow_the_languages_of_the_transcripts():
    # Four English passages (segments 1-4) before four French ones (5-8); half the transcripts are in French.
    rows = [{"participant_id": f"P-E{i}", "quote": f"{ENGLISH} ({i})"} for i in range(1, 5)]
    rows += [{"participant_id": f"P-F{i}", "language": "fr", "quote": f"{FRENCH} ({i})"} for i in range(1, 5)]
    segments = frame(rows)
    shares = {1: "en", 2: "en", 3: "fr", 4: "fr"}
    chosen = choose_quotes(segments, ["t"], per_theme=4, transcript_languages=shares)
    # Quote 1: tie (0.5 - 0 each), earliest segment: English 1. Quote 2: French is behind (1.0 - 0 against
    # 1.0 - 1). Quote 3: tie again (1.5 - 1 each): English 2. Quote 4: French behind (2 - 1 against 2 - 2).
    assert chosen["segment_id"].tolist() == [1, 5, 2, 6]
    assert chosen["language"].tolist() == ["en", "fr", "en", "fr"]
    # Two English transcripts for each French one: of six quotes, four English and two French.
    six = choose_quotes(pd.concat([segments, frame([{"participant_id": f"P-G{i}", "quote": f"{ENGLISH} [{i}]",
                                                     "segment_id": 8 + i} for i in range(1, 3)])]),
                        ["t"], per_theme=6, transcript_languages={1: "en", 2: "en", 3: "fr"})
    assert six["language"].value_counts().to_dict() == {"en": 4, "fr": 2}


def test_a_point_many_participants_made_comes_before_one_person_s_point():
    # Code y (one participant) has the earliest segment; code x was made by three participants.
    segments = frame([{"participant_id": "P-Y", "code_id": "t.y"}] +
                     [{"participant_id": f"P-X{i}", "code_id": "t.x", "quote": f"{ENGLISH} {i}"} for i in range(3)])
    chosen = choose_quotes(segments, ["t"], per_theme=1)
    assert chosen["participant_id"].tolist() == ["P-X0"]


def test_language_is_recorded_or_identified():
    segments = frame([{"participant_id": "P-1", "language": None, "quote": FRENCH},
                      {"participant_id": "P-2", "language": "en-GB"},
                      {"participant_id": "P-3", "language": None, "quote": ENGLISH.replace("noon", "ten")}])
    chosen = choose_quotes(segments, ["t"], per_theme=3, transcript_languages={1: None, 2: "en-GB", 3: "English"})
    assert list(chosen.columns) == COLUMNS
    assert dict(zip(chosen["participant_id"], chosen["language"])) == {"P-1": "fr", "P-2": "en", "P-3": "en"}
    assert [language_code(v) for v in ("EN", "fr_CA", "français", 3.0)] == ["en", "fr", None, None]
    # A transcript recorded as German gives its English-looking passage "de": the header wins over identification.
    german = choose_quotes(segments.assign(language=None), ["t"], per_theme=1, transcript_languages={1: "de"})
    assert german["language"].tolist() == ["de"]


def test_the_choice_is_the_same_whatever_the_row_order_and_a_passage_is_quoted_once():
    # Twelve participants, two themes; P-0 and P-6 (P-2 and P-8, ...) say the same words.
    segments = frame([{"participant_id": f"P-{i}", "group": "ab"[i // 6], "quote": f"P-{i}: {ENGLISH} {i % 6}",
                       "theme": f"t{i % 2}"} for i in range(12)])
    chosen = choose_quotes(segments, ["t0", "t1"], per_theme=3)
    shuffled = choose_quotes(segments.sample(frac=1, random_state=3), ["t0", "t1"], per_theme=3)
    pd.testing.assert_frame_equal(chosen, shuffled)
    assert len(chosen) == 6 and chosen["quote"].is_unique and chosen["participant_id"].is_unique


@pytest.mark.parametrize("segments", [pd.DataFrame(columns=["theme", "participant_id", "group", "quote",
                                                             "segment_id"]),
                                      frame([{"participant_id": "P-1", "quote": "Too short."}])])
def test_nothing_to_quote_gives_an_empty_table_with_the_columns(segments):
    chosen = choose_quotes(segments, ["t"])
    assert chosen.empty and list(chosen.columns) == COLUMNS


def _quote_blocks(path: Path) -> list[str]:
    import docx

    return [p.text for p in docx.Document(str(path)).paragraphs if p.style.name == "Quote Block"]


@pytest.mark.parametrize("name, other, note", [
    ("interviews.en.docx", "fr", "[original in French; translation to be provided by the team]"),
    ("report.docx", "fr", "[original in French; translation to be provided by the team]"),
    ("interviews.fr.docx", "en", "[original en anglais\u202f; traduction à fournir par l'équipe]"),
    ("rapport.docx", "en", "[original en anglais\u202f; traduction à fournir par l'équipe]")])
def test_voices_by_theme_in_the_demo(built_demo: Path, name: str, other: str, note: str):
    from mixedmethods.chats.language import identify

    blocks = _quote_blocks(built_demo / "report" / name)
    assert len(blocks) == 14  # 7 themes, 2 quotes each (the demo's codebook)
    quoted = [b[: b.rindex(" (P-")] for b in blocks]
    languages = identify(quoted)
    # 16 of the 24 demo transcripts are English: 2/3 of 14 is 9.3, so 9 English quotes and 5 French.
    assert sorted(languages) == ["en"] * 9 + ["fr"] * 5
    # Every quote in the other language carries the note, and no other quote does.
    assert [b.endswith(note) for b in blocks] == [lang == other for lang in languages]
    # 14 different participants: none dominates.
    speakers = [b[b.rindex("(P-") + 1:].split(",")[0] for b in blocks]
    assert len(set(speakers)) == 14
