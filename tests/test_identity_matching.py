"""Folding with positions and the one-scan search for names in many texts (mixedmethods.identity_matching).

Expected values are written by hand: what a reader sees as the person's name
in each text, and where the folded characters came from.
"""

from __future__ import annotations

from mixedmethods.identity_matching import IdentityMatcher, fold_with_positions
from mixedmethods.privacy import Participant, Participants

PEOPLE = Participants([Participant("P-1", "Ana Pérez", "", "", "g", ""),
                       Participant("P-2", "Seán O'Brien", "", "", "g", "")])


def test_fold_keeps_positions_unless_a_character_folds_to_more_or_fewer():
    assert fold_with_positions("Ana PÉREZ") == ("ana perez", None)  # é -> e: one for one
    assert fold_with_positions("ÉTÉ") == ("ete", None)
    # ß folds to "ss" (two characters from position 1); a combining accent (U+0301) to nothing
    assert fold_with_positions("Straße") == ("strasse", [0, 1, 2, 3, 4, 4, 5])
    assert fold_with_positions("Pe\u0301rez") == ("perez", [0, 1, 3, 4, 5])
    assert fold_with_positions("ﬁn") == ("fin", [0, 0, 1])  # the ligature fi is two letters


def test_texts_with_names_finds_a_name_in_each_text_it_stands_in_and_never_across_two():
    matcher = IdentityMatcher(PEOPLE, surnames=True)
    texts = [
        "hello",  # 0: nobody
        "Ana",  # 1: a first name alone is not a listed name ...
        "Pérez",  # 2: ... but a family name of three letters or more is
        "ask ANA PEREZ now",  # 3
        "xAna Pérezy",  # 4: glued to letters: not whole words
        "Ana",  # 5 and 6: the two parts of a name in two texts are not a name
        "\x00\x00Pérez",  # 6: NUL characters inside a text are that text's own (here: before a family name)
        "ana\x00perez!",  # 7: one NUL between the parts, as any separator, inside one text
        "seán o’brien",  # 8
        "Obrien",  # 9: the family name, without its apostrophe
        "",  # 10
    ]
    assert matcher.texts_with_names(texts) == {2, 3, 6, 7, 8, 9}
    # The same answer as looking in each text alone.
    assert {i for i, t in enumerate(texts) if list(matcher.names(t))} == {2, 3, 6, 7, 8, 9}
    assert matcher.texts_with_names([]) == set()


def test_a_name_split_over_two_texts_is_not_joined():
    matcher = IdentityMatcher(Participants([Participant("P-1", "Ana Maria", "", "", "g", "")]))
    # Alone "Ana" and "Maria" are no listed name (family names are looked for only with surnames=True).
    assert matcher.texts_with_names(["see Ana", "Maria there", "Ana-Maria"]) == {2}
