"""Letters and digits counted in bulk (mixedmethods.char_counts) give what ``str`` says, character by character.

Expected counts are written by hand from the Unicode categories: letters are
L* (``str.isalpha``), digits are Nd (``str.isdecimal``, what ``\\d`` matches).
"""

from __future__ import annotations

import pytest

from mixedmethods.char_counts import counts

TEXTS = [  # (text, letters, decimal digits), counted by hand
    ("", 0, 0),
    ("ok", 2, 0),
    ("Hello, world! 42", 10, 2),
    ("+1 246 555 0101", 0, 11),
    ("Ça va ? à 2 h", 6, 1),  # Ç a v a à h
    ("x² y³ ½ Ⅻ", 2, 0),  # superscripts, a fraction and a Roman numeral are neither letters nor decimal digits
    ("三 四", 2, 0),  # CJK numerals are letters (Lo), not decimal digits
    ("٢٤٦ ١٢", 0, 5),  # Arabic-Indic digits are decimal digits
    ("１２３ＡＢ", 2, 3),  # full-width digits and letters
    ("😀👍🏽", 0, 0),
    ("\x00\t\n_-", 0, 0),
    ("ǅemal Ǉubić", 10, 0),  # title-case digraphs are letters
]


def test_counts_are_those_of_str_methods_one_character_at_a_time():
    texts = [text for text, _, _ in TEXTS]
    assert counts(texts, str.isalpha) == [letters for _, letters, _ in TEXTS]
    assert counts(texts, str.isdecimal) == [digits for _, _, digits in TEXTS]


@pytest.mark.parametrize("order", [1, -1])
def test_ascii_and_other_texts_keep_their_places(order):
    texts = ["abc", "Ⅻ", "", "été 12", "a1b2c3", "三"][::order]
    expected = [3, 0, 0, 3, 3, 1][::order]  # by hand: Ⅻ is no letter, 三 is one
    assert counts(texts, str.isalpha) == expected
    assert counts([], str.isalpha) == []
