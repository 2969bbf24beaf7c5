"""French typography for reader text: non-breaking spaces and guillemets, applied where text enters the document.

French sets a space before the high punctuation marks ``; : ? !`` and inside
guillemets ``« »``, and that space must not break a line away from its mark
(Imprimerie nationale, *Lexique des règles typographiques en usage à
l'Imprimerie nationale*, 2002, p. 143-144). This module puts:

* U+202F NARROW NO-BREAK SPACE before ``;``, ``?`` and ``!`` (the "espace
  fine" of French typesetting);
* U+00A0 NO-BREAK SPACE before ``:`` and inside ``« »`` (a full word space
  there, by the same rules), and before ``%`` after a number;
* guillemets ``« … »`` for English curly quotes ``“ … ”`` and for pairs of
  straight double quotes.

Left alone: URLs and DOIs (``https://doi.org/...``, ``?query``), times and
ratios written with a colon between digits (``22:00``, ``1:2``), a colon or
mark that opens the text, and the asterisks and ``_[...]`` of the APA italic
markup (:mod:`.document`), which the spaces go around. The function is
idempotent: text that is already right is returned unchanged.

English text is returned unchanged.
"""

from __future__ import annotations

import re

NARROW_NBSP = "\u202f"
NBSP = "\u00a0"
_SPACES = f" {NBSP}{NARROW_NBSP}"

# What must not be touched: web addresses, DOIs (also "doi:10..."), e-mail addresses.
_PROTECTED = re.compile(r"(?:https?://|www\.|doi:)\S+|[\w.+-]+@[\w-]+\.[\w.-]+", re.IGNORECASE)

# A high punctuation mark and the (ordinary, missing or non-breaking) space before it.
# Not a colon between digits (22:00, 1:2), nor a mark repeated (?!, ::) after the first.
_HIGH = re.compile(rf"(?<=[^\s;:?!])[{_SPACES}]*([;?!])|(?<=[^\s;:?!])[{_SPACES}]*(:)(?!\d)|"
                   rf"(?<=[^\d\s;:?!])[{_SPACES}]*(:)(?=\d)")
_PERCENT = re.compile(rf"(?<=\d)[ {NARROW_NBSP}]?%")
_CURLY = re.compile(r"“\s*([^“”]*?)\s*”")
_STRAIGHT = re.compile(r'"\s*([^"]*?)\s*"')
_OPEN = re.compile(rf"«[{_SPACES}]*")
_CLOSE = re.compile(rf"[{_SPACES}]*»")


def _french_plain(text: str) -> str:
    """The rules on a stretch of text without URLs."""
    text = _CURLY.sub(r"«\1»", text)
    if text.count('"') % 2 == 0:  # only when the straight quotes pair up
        text = _STRAIGHT.sub(r"«\1»", text)
    text = _OPEN.sub("«" + NBSP, text)
    text = _CLOSE.sub(NBSP + "»", text)
    text = _HIGH.sub(lambda m: (NARROW_NBSP + m.group(1)) if m.group(1) else NBSP + (m.group(2) or m.group(3)), text)
    return _PERCENT.sub(NBSP + "%", text)


def french(text: str) -> str:
    """French spacing and guillemets (see the module docstring); URLs and DOIs kept as they are.

    >>> french('Note : voir “la liste”; est-ce clair? Oui! https://doi.org/10.1/x?a=1 à 22:00, 41 %').split(' ')
    ['Note\\xa0:', 'voir', '«\\xa0la', 'liste\\xa0»\\u202f;', 'est-ce', 'clair\\u202f?', 'Oui\\u202f!', \
'https://doi.org/10.1/x?a=1', 'à', '22:00,', '41\\xa0%']
    >>> french(french("*M*: 3,2 ; [1; 2]")) == french("*M*: 3,2 ; [1; 2]") == "*M*\\xa0: 3,2\\u202f; [1\\u202f; 2]"
    True
    """
    if not text:
        return text
    parts, position = [], 0
    for match in _PROTECTED.finditer(text):
        parts.append(_french_plain(text[position:match.start()]))
        parts.append(match.group(0))
        position = match.end()
    parts.append(_french_plain(text[position:]))
    return "".join(parts)


def typeset(text: str, language: str | None) -> str:
    """``text`` with the typography of ``language`` (``"fr"``, ``"fr-FR"``...); other languages unchanged.

    >>> typeset("Table 1: Scores", "en-GB"), typeset("Tableau 1: Scores", "fr-FR")
    ('Table 1: Scores', 'Tableau 1\\xa0: Scores')
    """
    if language and language.lower().startswith("fr"):
        return french(text)
    return text


def language_of(paragraph) -> str | None:
    """The language tag of the document a python-docx paragraph (or table cell paragraph) belongs to.

    :class:`.document.ReportDocument` writes the edition's tag (``fr-FR``) into the core properties; headers
    and footers belong to the same package.
    """
    try:
        return paragraph.part.package.core_properties.language
    except AttributeError:  # a paragraph outside a package
        return None
