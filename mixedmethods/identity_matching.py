"""Finding the study's participants in any text, however their names and numbers were typed.

One folded form for every comparison: each character is case-folded,
decomposed (NFKD) and stripped of its combining marks, so "Élodie Lefèvre",
"ELODIE LEFEVRE" and "elodie lefevre" read alike, and any run of up to three
spaces or punctuation marks between the parts of a name matches any other
("Elodie-Lefevre", "Elodie  Lefevre", "ElodieLefevre"). Phone numbers are
compared as digit strings, whatever separates the digits (``246/555/0060``,
``246_555_0060``), with and without the study's country code.

All names of a study are compiled into one regular expression over the
folded text, built as a trie (one branch per shared prefix), so the cost of a
search grows with the text, not with the number of participants. The
:class:`~mixedmethods.privacy.Redactor` (which replaces what it finds) and
``check-privacy`` (which reports it) use the same matcher.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Iterator

if TYPE_CHECKING:  # pragma: no cover
    from .privacy import Participants

# Between two parts of a name: up to three characters that are neither letters nor digits.
_SEPARATOR = r"[\W_]{0,3}"
_SEP = object()  # the separator as one atom of a name's pattern
# A run of digits with up to three non-alphanumeric characters (not a line end) between each two: a phone number
# as anyone writes it. Seven digits at least, the shortest national numbers.
_DIGIT_RUN = re.compile(r"\+?\d(?:(?:[^\w\n]|_){0,3}\d){6,}")
# The combining marks NFKD splits off letters (the Combining Diacritical Marks blocks): é -> e + U+0301.
_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
_NOT_DIGIT = re.compile(r"\D")
_DIGITS = re.compile(r"\d+")
_ANY_DIGIT = re.compile(r"\d")
PHONE_DIGITS = 7  # the fewest digits of a phone number looked for (the shortest national numbers)
_TEXT_BREAK = "\x00" * 4  # between texts scanned together: longer than a separator within a name (_SEPARATOR)


class _FoldTable(dict):
    """Code point -> its folded form (as :func:`fold` folds it alone), filled as characters are met.

    A ``str.translate`` table: a text is folded character by character in C.

    ``irregular`` holds the characters whose folded form is not one character
    (ß -> ss, a combining accent -> nothing): only texts holding one need a
    map of positions.
    """

    def __init__(self) -> None:
        super().__init__()
        self.irregular: set[str] = set()

    def __missing__(self, point: int) -> str:
        char = chr(point)
        folded = self[point] = _MARKS.sub("", unicodedata.normalize("NFKD", char.casefold()))
        if len(folded) != 1:
            self.irregular.add(char)
        return folded


_FOLD_TABLE = _FoldTable()


def fold(text: str) -> str:
    """The folded form of ``text``: case-folded, without accents (NFKD minus combining marks).

    >>> fold("Élodie LEFÈVRE"), fold("Straße")
    ('elodie lefevre', 'strasse')
    """
    if text.isascii():
        return text.lower()
    return _MARKS.sub("", unicodedata.normalize("NFKD", text.casefold()))


def fold_with_positions(text: str) -> tuple[str, list[int] | None]:
    """The folded text and, when folding changed any length, the original position of each folded character.

    ``None`` means every folded character stands where its original stood.
    """
    if text.isascii():
        return text.lower(), None
    folded = text.translate(_FOLD_TABLE)  # character by character, in C; new characters are folded once
    if _FOLD_TABLE.irregular.isdisjoint(text):  # every character folded to one: positions unchanged
        return folded, None
    return folded, [i for i, char in enumerate(text) for _ in _FOLD_TABLE[ord(char)]]


def collapse(text: str) -> str:
    """Folded and without anything but letters and digits: the key two spellings of one name share.

    >>> collapse("Élodie  Lefèvre-"), collapse("ELODIE-LEFEVRE")
    ('elodielefevre', 'elodielefevre')
    """
    return re.sub(r"[\W_]+", "", fold(text))


def _atoms(text: str) -> list[object]:
    """A name as letters and separators: "Ana Pérez" -> a, n, a, SEP, p, e, r, e, z."""
    words = re.findall(r"[^\W_]+", fold(text))
    atoms: list[object] = []
    for number, word in enumerate(words):
        if number:
            atoms.append(_SEP)
        atoms.extend(word)
    return atoms


def trie_pattern(texts: list[str]) -> str | None:
    """One regular expression (over folded text) matching any of ``texts`` in any spelling, as a trie.

    >>> re.fullmatch(trie_pattern(["Ana Pérez", "Ana Pires"]), "ana--perez") is not None
    True
    """
    trie: dict = {}
    for text in texts:
        atoms = _atoms(text)
        if not atoms:
            continue
        node = trie
        for atom in atoms:
            node = node.setdefault(atom, {})
        node[None] = {}  # a name ends here
    return _branch(trie) if trie else None


def _branch(node: dict) -> str:
    ends = None in node
    options = []
    for atom in sorted((a for a in node if a is not None), key=lambda a: "" if a is _SEP else a):
        head = _SEPARATOR if atom is _SEP else re.escape(atom)
        options.append(head + _branch(node[atom]))
    if not options:
        return ""
    body = options[0] if len(options) == 1 and not ends else "(?:" + "|".join(options) + ")"
    return body + "?" if ends else body  # a name may end here or go on (full name after first name)


@dataclass(frozen=True)
class Match:
    """One identity found in a text: where (original positions), what kind, and whose."""

    start: int
    end: int
    kind: str  # name, phone, e-mail
    participant_id: str


class IdentityMatcher:
    """Finds the listed participants' names, phone numbers and e-mail addresses in any spelling.

    ``surnames``: also find a family name of three letters or more on its own
    (redaction does: "as Ambassador Baptiste said"; ``check-privacy`` does not,
    because a family name is often a word). E-mail addresses are found whole
    and by their part before the ``@`` when it has a digit or two parts
    ("fatou.dubois0"), so that it is not just a first name.
    """

    def __init__(self, participants: "Participants", country_code: str | None = None, surnames: bool = False):
        self._owner: dict[tuple[str, str], str] = {}  # (kind, collapsed text) -> participant id
        texts: list[tuple[str, str, str]] = []
        for p in participants.people:
            if p.name:
                texts.append(("name", p.name, p.participant_id))
            if p.email:
                texts.append(("e-mail", p.email, p.participant_id))
                local = p.email.split("@")[0]
                if len(collapse(local)) >= 5 and (re.search(r"\d", local) or len(_atoms(local)) > len(collapse(local))):
                    texts.append(("e-mail", local, p.participant_id))
        if surnames:
            for p in participants.people:
                parts = p.name.split()
                if len(parts) > 1 and len(collapse(parts[-1])) >= 3:
                    texts.append(("name", parts[-1], p.participant_id))
        for kind, text, pid in texts:
            self._owner.setdefault((kind, collapse(text)), pid)
        self._kinds = {key[1]: key[0] for key in reversed(list(self._owner))}  # first listed wins
        pattern = trie_pattern([text for _, text, _ in texts])
        # Whole words only: not glued to a letter or digit on either side.
        self._texts = re.compile(r"(?<![^\W_])" + pattern + r"(?![^\W_])") if pattern else None
        self._pattern = pattern
        self._phones = _phone_forms(participants, country_code)
        phone_pattern = trie_pattern(list(self._phones))  # digit strings: a trie of digits, longest first
        self._phone_digits = re.compile(phone_pattern) if phone_pattern else None

    def names(self, text: str) -> Iterator[Match]:
        """Names and e-mail addresses (with their part before the @) of listed people, longest first."""
        folded, positions = fold_with_positions(text)
        for found in self.names_in_folded(folded):
            start, end = found.start, found.end
            if positions is not None:
                start = positions[start]
                end = positions[end] if end < len(positions) else len(text)
            yield Match(start, end, found.kind, found.participant_id)

    @cached_property
    def _word_texts(self) -> "re.Pattern[str] | None":
        """The names after a character that is not a letter or digit (the look-behind of ``_texts``, as a
        character the match holds): a pattern that opens with a character class is scanned for where it can
        start in C, a sixth faster over many texts joined (:meth:`texts_with_names` puts a NUL before the
        first). Compiled when first used: for thousands of names that takes a fraction of a second."""
        return re.compile(r"[\W_](" + self._pattern + r")(?![^\W_])") if self._pattern else None

    def texts_with_names(self, texts: list[str]) -> set[int]:
        """The indices of the ``texts`` in which :meth:`names` may find something, with one scan of them all.

        The texts are folded as :meth:`names` folds them and joined by four
        NUL characters: the parts of a name are separated by three
        characters at most, so no match spans two texts, and a NUL stands
        where a text starts or ends for the whole-word look-arounds. Each
        text in which the names' pattern matches is returned (:meth:`names`
        then tells whose name it is, or that it is nobody's); the others
        hold no name. Scanning many short texts at once costs a fraction of
        one call per text.
        """
        if self._texts is None or not texts:
            return set()
        folded = [text.lower() if text.isascii() else text.translate(_FOLD_TABLE) for text in texts]
        starts, position = [], 0
        for piece in folded:
            starts.append(position)
            position += len(piece) + len(_TEXT_BREAK)
        joined = _TEXT_BREAK + _TEXT_BREAK.join(folded)
        return {bisect_right(starts, hit.start(1) - len(_TEXT_BREAK)) - 1 for hit in self._word_texts.finditer(joined)}

    def names_in_folded(self, folded: str) -> Iterator[Match]:
        """:meth:`names` in a text already folded (:func:`fold`); positions are the folded text's."""
        if self._texts is None:
            return
        for found in self._texts.finditer(folded):
            key = re.sub(r"[\W_]+", "", found.group(0))
            kind = self._kinds.get(key)
            if kind is None:
                continue
            yield Match(found.start(), found.end(), kind, self._owner[(kind, key)])

    def phones(self, text: str) -> Iterator[Match]:
        """The listed people's phone numbers, whatever separates their digits."""
        if self._phone_digits is None or not _ANY_DIGIT.search(text) \
                or not self._phone_digits.search("".join(_DIGITS.findall(text))):
            return  # each run's digits are a piece of all the text's digits: none of them can hold a number
        for run in _DIGIT_RUN.finditer(text):
            if not self._phone_digits.search(_NOT_DIGIT.sub("", run.group(0))):
                continue  # most runs: dates, times, amounts
            places = [run.start() + i for i, c in enumerate(run.group(0)) if c.isdigit()]
            digits = "".join(text[i] for i in places)
            for found in self._phone_digits.finditer(digits):
                start = places[found.start()]
                if start > 0 and text[start - 1] == "+":
                    start -= 1
                yield Match(start, places[found.end() - 1] + 1, "phone", self._phones[found.group(0)])

    def find(self, text: str) -> list[Match]:
        """Every listed identity in ``text``."""
        return [*self.phones(text), *self.names(text)]


def _phone_forms(participants: "Participants", country_code: str | None) -> dict[str, str]:
    """Digit strings -> participant id: each number with its country code, without it, and with a trunk 0."""
    from .privacy import normalise_phone

    forms: dict[str, str] = {}
    for p in participants.people:
        if not p.phone:
            continue
        international = normalise_phone(p.phone, country_code).lstrip("+")
        written = re.sub(r"\D", "", p.phone)
        national = _national(international) if normalise_phone(p.phone, country_code).startswith("+") else written
        for form in (international, written, national, "0" + national):
            if len(form) >= PHONE_DIGITS:
                forms.setdefault(form, p.participant_id)
    return forms


def _national(international: str) -> str:
    """The national significant number of an international number (digits after ``+``)."""
    import phonenumbers

    try:
        number = phonenumbers.parse("+" + international, None)
    except phonenumbers.NumberParseException:
        return international
    return phonenumbers.national_significant_number(number) or international
