"""Chat authors to participants, @mentions to links, message text to pseudonymised text.

An author is linked to private/participants.csv by phone number (normalised:
``+``, spaces, dashes, U+2011, ``00``, leading zeros with the study's default
country code) or by display name (Unicode NFKC, case-folded, spaces
collapsed). Authors that match nobody get keyed pseudonyms (``U-...``).
Mentions (``@Ana Pérez``, ``@12465550101``) of known people become
``@P-...`` and are kept as links; the rest of the text is redacted like any
free text (:class:`~mixedmethods.privacy.Redactor`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from ..normalise import text_key
from ..privacy import Participants, Redactor, normalise_phone, pseudonym

_PHONE_LIKE = re.compile(r"^[+\d][\d\s().\-\u2011]{6,}$")
_MENTION_PHONE = re.compile(r"@(\+?\d[\d\s\u2011-]{6,}\d)")


def _case_classes(chars: set[str]) -> dict[str, str]:
    """Each character -> one character of its class under ``re.IGNORECASE`` (a, A; s, S, long s; k, K, Kelvin)."""
    representatives: list[str] = []
    of: dict[str, str] = {}
    for char in sorted(chars):
        for rep in representatives:
            if re.fullmatch(re.escape(rep), char, re.IGNORECASE) and re.fullmatch(re.escape(char), rep, re.IGNORECASE):
                of[char] = rep
                break
        else:
            representatives.append(char)
            of[char] = char
    return of


def mention_trie(names: list[str]) -> str | None:
    """A regular expression (for ``re.IGNORECASE``) matching any of ``names``, as a trie, longest name first.

    Characters that match each other without regard to case share one
    branch, so at any place of a text at most one path of the trie can
    match, and the greedy optional tails try the longer names before the
    shorter ones: what the alternation of all names sorted longest first
    matched, in one pass whatever the number of names.

    >>> re.fullmatch(mention_trie(["Ana", "Ana Pérez"]) + "$", "ana pérez", re.IGNORECASE).group(0)
    'ana pérez'
    """
    names = [n for n in names if n]
    if not names:
        return None
    of = _case_classes({c for n in names for c in n})
    trie: dict = {}
    for name in names:
        node = trie
        for char in name:
            node = node.setdefault(of[char], {})
        node[None] = {}  # a name ends here

    def branch(node: dict) -> str:
        options = [re.escape(char) + branch(child) for char, child in sorted((c, n) for c, n in node.items()
                                                                              if c is not None)]
        if not options:
            return ""
        body = options[0] if len(options) == 1 and None not in node else "(?:" + "|".join(options) + ")"
        return body + "?" if None in node else body

    return branch(trie)


@lru_cache(maxsize=4)
def _mention_pattern(names: tuple[str, ...]) -> "re.Pattern[str] | None":
    """``@`` and a listed name, compiled once per list (each chat of an import has its own linker)."""
    pattern = mention_trie(list(names))
    return re.compile("@(" + pattern + r")(?!\w)", re.IGNORECASE) if pattern else None


@dataclass
class AuthorLinker:
    """Links author strings of one study to participant ids; remembers the unknown ones."""

    participants: Participants
    key: bytes
    country_code: str | None = None
    unknown: dict[str, str] = field(default_factory=dict)  # pseudonym -> "phone" or "name" (never the author)

    def __post_init__(self) -> None:
        self._phones = {normalise_phone(p.phone, self.country_code): p.participant_id
                        for p in self.participants.people if p.phone}
        self._names = {text_key(p.name): p.participant_id for p in self.participants.people if p.name}
        self.redactor = Redactor(self.participants, self.country_code)  # counts what it removed
        # One trie over all names (not one alternative per name): a mention costs the same with 7,000 people.
        self._mention_names = _mention_pattern(tuple(p.name for p in self.participants.people if p.name))

    def link(self, author: str) -> tuple[str, bool]:
        """``(participant id, listed)`` of an author string."""
        if _PHONE_LIKE.match(author.strip()):
            phone = normalise_phone(author, self.country_code)
            if phone in self._phones:
                return self._phones[phone], True
            identity, kind = f"phone:{phone}", "phone"
        else:
            name = text_key(author)
            if name in self._names:
                return self._names[name], True
            identity, kind = f"name:{name}", "name"
        pid = pseudonym(self.key, identity, prefix="U")
        self.unknown[pid] = kind
        return pid, False

    def pseudonymise(self, text: str) -> tuple[str, list[str]]:
        """Mentions become ``@P-...`` (returned as links), then the text is redacted (and counted)."""
        clean, mentioned, kinds = self.pseudonymised(text)
        if kinds:
            self.redactor.counts.update(kinds)
        return clean, mentioned

    def pseudonymised(self, text: str) -> tuple[str, list[str], list[str]]:
        """:meth:`pseudonymise` and the kind of each redaction, not added to the redactor's counts."""
        text, mentioned = self._mentions(text)
        clean, kinds = self.redactor.redacted(text)
        return clean, mentioned, kinds

    def with_mentions_many(self, texts: list[str]) -> list[tuple[str, list[str]]]:
        """Each text with its mentions replaced and the people mentioned (the first step of :meth:`pseudonymised`;
        the import redacts the results together, :func:`.text_worker.prepare`). Only a text with an ``@`` can
        hold a mention, so the others are not searched."""
        return [self._mentions(text) if "@" in text else (text, []) for text in texts]

    def _mentions(self, text: str) -> tuple[str, list[str]]:
        """The text with mentions of known people as ``@P-...`` (other numbers ``@[phone]``), and those people."""
        mentioned: list[str] = []

        def by_phone(match: re.Match[str]) -> str:
            # WhatsApp writes mentions as the full international number without '+'.
            international = "+" + re.sub(r"\D", "", match.group(1))
            for phone in (international, normalise_phone(match.group(1), self.country_code)):
                if phone in self._phones:
                    mentioned.append(self._phones[phone])
                    return "@" + self._phones[phone]
            return "@[phone]"

        def by_name(match: re.Match[str]) -> str:
            pid = self._names[text_key(match.group(1))]
            mentioned.append(pid)
            return "@" + pid

        text = _MENTION_PHONE.sub(by_phone, text)
        if self._mention_names is not None:
            text = self._mention_names.sub(by_name, text)
        return text, mentioned
