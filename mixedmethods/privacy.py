"""Keyed pseudonyms, redaction of identities in free text, small-cell suppression.

The only link between a person and their participant id is
``private/participants.csv``; the secret key in ``private/secret.key`` makes
pseudonyms stable across runs and impossible to recompute without it
(HMAC-SHA256, RFC 2104). Redaction replaces known names with the person's
participant id and phone numbers and e-mail addresses with placeholders before
any free text is stored.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import hmac
import os
import re
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .errors import PrivacyError
from .identity_matching import PHONE_DIGITS  # the fewest digits of a number either phone matcher finds
from .normalise import text_key

KEY_FILE = "secret.key"
PARTICIPANTS_FILE = "participants.csv"
PARTICIPANT_COLUMNS = ("participant_id", "name", "phone", "email", "group", "invitation_code")
GROUP_SEPARATOR = ";"  # a person in several groups: "g1;g2" in the group column
PHONE_MARK = "[phone]"
EMAIL_MARK = "[e-mail]"

# Starts only where a run of address characters starts: without the look-behind every position of a long token
# ("aaaa...", no "@") was tried and scanned to its end, quadratic in its length (120,000 characters: 38 s).
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# An address glued to the end of the previous one ("a@b.org+c@d.org"): tried only where a match ends.
_EMAIL_GLUED = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def email_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of every e-mail address in ``text``, glued ones included; linear in its length."""
    if "@" not in text:  # every address has one; most messages do not (a scan in C instead of the regex's)
        return []
    spans = []
    for match in _EMAIL.finditer(text):
        start, end = match.span()
        if spans and spans[-1][1] == start:  # already found as the glued continuation of the previous one
            continue
        spans.append((start, end))
        glued = _EMAIL_GLUED.match(text, end)
        while glued:
            spans.append(glued.span())
            glued = _EMAIL_GLUED.match(text, glued.end())
    return spans
# Cheap pre-filter: seven digits with at most three separators between each two. Most chat messages have
# none, and only texts that do are given to the (much slower) phone-number matcher.
_SEPARATORS = r"[\s().\-/\u2010\u2011\u2012\u2013\u00a0]"
_DIGIT_RUN = re.compile(r"\d(?:" + _SEPARATORS + r"{0,3}\d){%d}" % (PHONE_DIGITS - 1))
# "00" opening an international number (the prefix of most of the world) as "+", so that a matcher set
# to a country whose prefix is another (011 in North America) still reads it; same length, same offsets.
# Not a group inside a number: in "+1 246 555 0010" the "0010" follows digits and a separator.
_LEADING_00 = re.compile(r"(?<![^\s(:])(?<!\d\s)(?<!\d\u00a0)00(?=\s?[1-9])")  # a word that starts with 00
# Shapes a phone-number matcher accepts but a reader sees as something else.
_DATE = re.compile(r"\d{1,4}[./\-]\d{1,2}[./\-]\d{1,4}(?!\d)")
_THOUSANDS = re.compile(r"\d{1,3}(?:[ .,\u00a0\u202f]\d{3})+")
_DECIMAL = re.compile(r"-?\d{1,3}[.,]\d{3,}")
_YEARS = re.compile(r"(?:19|20)\d\d\s?[\-\u2013/]\s?(?:19|20)?\d\d")  # 2019-2023, 2019/20
# A page range of a reference: two runs of as many digits joined by an en or em dash, rising ("2134–2156").
# Phone numbers are typed with hyphens, spaces or dots; a dash between groups of unequal length stays a phone.
_PAGE_RANGE = re.compile(r"(\d{1,5})\s?[\u2013\u2014]\s?(\d{1,5})")
_DOI = re.compile(r"\b10\.\d{4,9}/[^\s\"<>]+")  # a DOI (Crossref's pattern: prefix 10.NNNN, then a suffix)
_COMPACT_DATE = re.compile(r"(?:19|20)\d\d(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])")  # 20240117
# Without a default country: seven or more digits with the separators a phone number is written with.
_PHONE_SHAPE = re.compile(r"(?<![\w+\-./:])\+?\(?\d(?:[\d\s().\-/\u2011\u00a0]{5,}\d)(?!\w|[\-./:,]\d)")


def create_key(private_dir: Path) -> Path:
    """Write a new random 256-bit key (hex) readable by the owner only; never overwrite one."""
    private_dir.mkdir(parents=True, exist_ok=True)
    path = private_dir / KEY_FILE
    if path.exists():
        return path
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_hex(32) + "\n")
    os.chmod(path, 0o600)
    return path


def load_key(private_dir: Path) -> bytes:
    """Read the study's secret key; a missing or malformed key is a user error."""
    path = private_dir / KEY_FILE
    try:
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        raise PrivacyError("secret key not found; restore it from your backup (pseudonyms depend on it) "
                           "or run 'mixedmethods init' for a new study", file=path) from None
    except UnicodeDecodeError:
        raise PrivacyError("expected 64 hexadecimal characters", file=path, line=1) from None
    if not re.fullmatch(r"[0-9a-fA-F]{64}", text):
        raise PrivacyError("expected 64 hexadecimal characters", file=path, line=1)
    return bytes.fromhex(text)


def key_fingerprint(key: bytes) -> str:
    """16 hex characters that tell keys apart without revealing them: HMAC-SHA256 of a fixed label under
    the key (RFC 2104), so the fingerprint gives nothing towards the key or any pseudonym."""
    return hmac.new(key, b"mixedmethods key fingerprint", hashlib.sha256).hexdigest()[:16]


def pseudonym(key: bytes, identity: str, prefix: str = "P") -> str:
    """Keyed pseudonym of ``identity``: ``prefix-`` and 8 base32 characters of HMAC-SHA256.

    The identity is Unicode-normalised (NFKC) and case-folded first, so
    "Ana Pérez" and "ana pérez" get the same pseudonym. 40 bits make a
    collision among a few thousand people negligible (birthday bound ~1e-6).

    >>> pseudonym(bytes(32), "someone@example.org")
    'P-...'
    """
    normal = unicodedata.normalize("NFKC", identity).strip().casefold()
    digest = hmac.new(key, normal.encode("utf-8"), hashlib.sha256).digest()
    return f"{prefix}-{base64.b32encode(digest).decode('ascii')[:8]}"


def normalise_phone(text: str, country_code: str | None = None) -> str:
    """A phone number as ``+`` and digits, so that two ways of writing it compare equal.

    ``00`` becomes ``+``; a number without either gets ``country_code`` (such
    as ``+1``) in place of its leading zeros.

    >>> normalise_phone("+1 (246) 555\u20110101"), normalise_phone("0044 20 7946 0958")
    ('+12465550101', '+442079460958')
    >>> normalise_phone("0246 555 0101", "+1"), normalise_phone("246 555 0101")
    ('+12465550101', '2465550101')
    """
    text = text.replace("\u2011", "-").strip()
    digits = re.sub(r"\D", "", text)
    if text.startswith("+"):
        return "+" + digits
    if digits.startswith("00"):
        return "+" + digits[2:]
    if country_code:
        return "+" + re.sub(r"\D", "", country_code) + digits.lstrip("0")
    return digits


@dataclass(frozen=True)
class Participant:
    """One row of private/participants.csv."""

    participant_id: str
    name: str
    phone: str
    email: str
    group: str
    invitation_code: str
    # Further groups of a person who belongs to several (the group column "a;b"): a member of each group's chat.
    # ``group`` stays the first one, the person's group in group comparisons.
    other_groups: tuple[str, ...] = ()

    @property
    def groups(self) -> tuple[str, ...]:
        """Every group of the person, the first (``group``) first."""
        return (self.group, *self.other_groups) if self.group else self.other_groups


def split_groups(value: str) -> list[str]:
    """The groups of one cell of participants.csv's group column: ids separated by ``;``, each once, in order.

    >>> split_groups("g1; g2;g1"), split_groups("g1"), split_groups("")
    (['g1', 'g2'], ['g1'], [])
    """
    return list(dict.fromkeys(part.strip() for part in value.split(GROUP_SEPARATOR) if part.strip()))


class Participants:
    """The key file: identities of the study's participants and their participant ids."""

    def __init__(self, people: list[Participant]) -> None:
        self.people = people
        self._by_code = {p.invitation_code.strip().casefold(): p for p in people if p.invitation_code}

    @classmethod
    def load(cls, private_dir: Path, key: bytes, default_group: str | None = None) -> "Participants":
        """Read participants.csv; rows without participant_id get one from the key and their identity.

        ``default_group``: the group of rows that name none (a one-group study's only group).
        """
        path = private_dir / PARTICIPANTS_FILE
        try:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                reader = csv.DictReader(handle)
                header = reader.fieldnames or []
                unknown = [c for c in header if c not in PARTICIPANT_COLUMNS]
                if unknown:
                    raise PrivacyError(f"unknown column; expected {', '.join(PARTICIPANT_COLUMNS)}", file=path,
                                       line=1, column=unknown[0])
                people = []
                for number, row in enumerate(reader, start=2):
                    values = {c: (row.get(c) or "").strip() for c in PARTICIPANT_COLUMNS}
                    identity = values["email"] or values["phone"] or values["name"] or values["invitation_code"]
                    if not identity:
                        raise PrivacyError("a participant needs at least a name, phone, e-mail or invitation code",
                                           file=path, line=number)
                    values["participant_id"] = values["participant_id"] or pseudonym(key, identity)
                    groups = split_groups(values["group"]) or ([default_group] if default_group else [""])
                    values["group"] = groups[0]
                    people.append(Participant(**values, other_groups=tuple(groups[1:])))
        except FileNotFoundError:
            raise PrivacyError("participants list not found; create it with the columns "
                               + ", ".join(PARTICIPANT_COLUMNS), file=path) from None
        except UnicodeDecodeError:
            raise PrivacyError("expected UTF-8 text", file=path) from None
        _refuse_shared_identities(people, path)
        return cls(people)

    def by_invitation_code(self, code: str) -> Participant | None:
        return self._by_code.get(code.strip().casefold())

    def identities(self) -> list[str]:
        """Every name, phone and e-mail, for leak checks."""
        return [v for p in self.people for v in (p.name, p.phone, p.email) if v]


# How each identity column is compared: two rows that give the same value describe one person (or a typo),
# and linking would silently give one person's data to the other.
_SAME = {"phone": lambda v: normalise_phone(v), "email": str.casefold, "name": lambda v: text_key(v),
         "invitation_code": str.casefold, "participant_id": lambda v: v}


def _refuse_shared_identities(people: list[Participant], path: Path) -> None:
    """One line naming both rows when two participants share an id, phone, e-mail, name or invitation code."""
    for column, same in _SAME.items():
        first_row: dict[str, int] = {}
        for row, person in enumerate(people, start=2):
            value = getattr(person, column)
            if not value:
                continue
            key = same(value)
            if key in first_row:
                raise PrivacyError(f"rows {first_row[key]} and {row} give the same {column.replace('_', ' ')}; "
                                   "each person once, each identity for one person (else one person's data "
                                   "would be linked to the other)", file=path, line=row, column=column)
            first_row[key] = row


def secure_private(private_dir: Path) -> None:
    """private/ readable by its owner only (0700) and every file in it 0600, whatever the umask or the way a
    file got there (a participants.csv copied in by hand). Run by ``init``, ``demo`` and each ``import``.
    Permission bits are POSIX; on Windows ``chmod`` can only set read-only, so it is left alone there."""
    if os.name != "posix" or not private_dir.is_dir():
        return
    os.chmod(private_dir, 0o700)
    for path in private_dir.rglob("*"):
        if path.is_symlink():
            continue
        os.chmod(path, 0o700 if path.is_dir() else 0o600)


def write_participants(private_dir: Path, people: list[Participant]) -> Path:
    """Write participants.csv (used by init and demo; never over an existing list)."""
    path = private_dir / PARTICIPANTS_FILE
    with path.open("x", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(PARTICIPANT_COLUMNS)
        for p in people:
            writer.writerow([GROUP_SEPARATOR.join(p.groups) if c == "group" else getattr(p, c)
                             for c in PARTICIPANT_COLUMNS])
    secure_private(private_dir)
    return path


class Redactor:
    """Replaces known names with participant ids and removes phone numbers and e-mails.

    Full names are matched on word boundaries in any case, with or without
    accents and with any spacing or punctuation between their parts
    (:mod:`mixedmethods.identity_matching`), and so are family names of three
    letters or more, because delegates are often named by surname alone ("as
    Ambassador Baptiste said"). A listed person's phone number is found
    whatever separates its digits. All matches are
    found on the original text (e-mails first, then phone numbers, then
    names, never overlapping), so :meth:`with_offsets` can say where every
    original position went.

    Phone numbers are found by libphonenumber's matcher (the ``phonenumbers``
    port) for ``country_code`` (study.yaml ``chats.default_country_code``,
    such as ``"+1"``): numbers written in that country's national format or
    with ``+``/``00``. Its leniency is POSSIBLE (a plausible length for the
    country), not VALID, because fictitious ranges such as 555-01xx are
    still somebody's way of writing a number; dates, times, thousands-grouped
    amounts and document symbols are then set aside. Without a country,
    seven or more digits written like a phone number are removed, with the
    same exceptions. ``counts`` adds up the redactions by kind (``name``,
    ``phone``, ``e-mail``) until :meth:`take_counts`.
    """

    def __init__(self, participants: Participants, country_code: str | None = None) -> None:
        from collections import Counter

        self._known = _identity_matcher(participants, country_code)
        self.region = _region(country_code)
        self.counts: Counter[str] = Counter()

    def take_counts(self) -> dict[str, int]:
        """Redactions by kind since the last call (for one source's import), and start again from zero."""
        counts = {kind: n for kind, n in sorted(self.counts.items()) if n}
        self.counts.clear()
        return counts

    def phones(self, text: str) -> list[tuple[int, int]]:
        """``(start, end)`` of every phone number in ``text``."""
        if not _DIGIT_RUN.search(text):
            return []
        if self.region is None:
            found = [(m.start(), m.end()) for m in _PHONE_SHAPE.finditer(text)]
        else:
            import phonenumbers

            prepared = _LEADING_00.sub(" +", text)
            found = []
            for match in phonenumbers.PhoneNumberMatcher(prepared, self.region,
                                                         leniency=phonenumbers.Leniency.POSSIBLE):
                start = match.start - 1 if text[match.start - 1:match.start + 1] == "00" else match.start
                found.append((start, match.end))
        return [(start, end) for start, end in found if not _not_a_phone(text, start, end)]

    def replacements(self, text: str) -> list[tuple[int, int, str]]:
        """Non-overlapping ``(start, end, replacement)`` spans of ``text``, in order; added to :attr:`counts`."""
        spans, kinds = self.replacements_and_kinds(text)
        if kinds:
            self.counts.update(kinds)
        return spans

    def replacements_and_kinds(self, text: str) -> tuple[list[tuple[int, int, str]], list[str]]:
        """:meth:`replacements` and the kind of each (``name``, ``phone``, ``e-mail``), not added to the counts.

        For callers that redact a text once and count it for every message that repeats it.
        """
        spans: list[tuple[int, int, str]] = []
        kinds: list[str] = []

        def free(start: int, end: int) -> bool:
            return all(end <= s or start >= e for s, e, _ in spans)

        for start, end in email_spans(text):
            spans.append((start, end, EMAIL_MARK))
            kinds.append("e-mail")
        for start, end in self.phones(text):
            if free(start, end):
                spans.append((start, end, PHONE_MARK))
                kinds.append("phone")
        for found in self._known.phones(text):  # a listed number, whatever separates its digits: 246_555_0060
            if free(found.start, found.end):
                spans.append((found.start, found.end, PHONE_MARK))
                kinds.append("phone")
        for found in self._known.names(text):  # names and e-mails in any case, accents or spacing
            if free(found.start, found.end):
                mark = found.participant_id if found.kind == "name" else EMAIL_MARK
                spans.append((found.start, found.end, mark))
                kinds.append(found.kind)
        spans.sort()
        return spans, kinds

    def redacted_many(self, texts: list[str]) -> list[tuple[str, list[str]]]:
        """:meth:`redacted` of each text, without a call per text for the many texts that hold nothing to redact.

        A text can hold an e-mail address only if it has an ``@``, a phone
        number only if it has seven digits or more, and a listed name only if
        the names' pattern matches in it (one scan of all the texts,
        :meth:`IdentityMatcher.texts_with_names`); only such texts are
        redacted one by one, with the same code as :meth:`redacted`.
        """
        from .char_counts import counts

        named = self._known.texts_with_names(texts)
        return [self.redacted(text) if digits >= PHONE_DIGITS or "@" in text or index in named else (text, [])
                for index, (text, digits) in enumerate(zip(texts, counts(texts, str.isdecimal)))]

    def redacted(self, text: str) -> tuple[str, list[str]]:
        """The redacted text and the kind of each redaction in it, not added to :attr:`counts`."""
        spans, kinds = self.replacements_and_kinds(text)
        return _replaced(text, spans), kinds

    def __call__(self, text: str) -> str:
        return self.with_offsets(text)[0]

    def with_offsets(self, text: str) -> tuple[str, "OffsetMap"]:
        """The redacted text and the map from original to redacted character positions."""
        spans = self.replacements(text)
        return _replaced(text, spans), OffsetMap(spans)


def _replaced(text: str, spans: list[tuple[int, int, str]]) -> str:
    """``text`` with each ``(start, end, replacement)`` span (in order, not overlapping) replaced."""
    if not spans:  # most texts: nothing to replace
        return text
    pieces, position = [], 0
    for start, end, replacement in spans:
        pieces += [text[position:start], replacement]
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


_MATCHERS: dict[tuple, object] = {}  # the last few participants lists' matchers (see _identity_matcher)


def _identity_matcher(participants: Participants, country_code: str | None):
    """The :class:`~mixedmethods.identity_matching.IdentityMatcher` (with surnames) of these people, built once.

    An import makes several redactors for the same list (survey and
    interviews, each chat's author linker, file names); compiling the trie of
    7,000 names takes seconds, so the matcher is shared. The key is the
    identities themselves, so an edited list gets a new matcher.
    """
    from .identity_matching import IdentityMatcher

    key = (country_code, tuple((p.participant_id, p.name, p.phone, p.email) for p in participants.people))
    matcher = _MATCHERS.get(key)
    if matcher is None:
        if len(_MATCHERS) >= 4:
            _MATCHERS.pop(next(iter(_MATCHERS)))
        matcher = _MATCHERS[key] = IdentityMatcher(participants, country_code, surnames=True)
    return matcher


class OffsetMap:
    """Maps a character position of the original text to the redacted text.

    A position inside a replaced span maps to the start of its replacement
    when it opens a segment and to the end when it closes one, so a coded
    segment that cut into a name now covers the whole pseudonym.

    >>> m = OffsetMap([(4, 14, "P-1")])   # "Ask Ana Pérez now" -> "Ask P-1 now"
    >>> m.start(0), m.start(6), m.end(6), m.end(17)
    (0, 4, 7, 10)
    """

    def __init__(self, spans: list[tuple[int, int, str]]) -> None:
        self.spans = spans

    def _map(self, position: int, closing: bool) -> int:
        shift = 0
        for start, end, replacement in self.spans:
            if position <= start:  # this span and all later ones lie after the position
                break
            if position >= end:  # the span lies before: the position moves by its change in length
                shift += len(replacement) - (end - start)
                continue
            return start + shift + (len(replacement) if closing else 0)  # inside a replaced span
        return position + shift

    def start(self, position: int) -> int:
        """New position of a segment start."""
        return self._map(position, closing=False)

    def end(self, position: int) -> int:
        """New position of a segment end (exclusive)."""
        return self._map(position, closing=True)


def _region(country_code: str | None) -> str | None:
    """The region libphonenumber reads national numbers for: "+1" -> "US", "+33" -> "FR"; None if unknown."""
    if not country_code:
        return None
    import phonenumbers

    digits = re.sub(r"\D", "", country_code)
    region = phonenumbers.region_code_for_country_code(int(digits)) if digits else "ZZ"
    return None if region == "ZZ" else region


def _not_a_phone(text: str, start: int, end: int) -> bool:
    """Whether a phone-shaped match is a date, a time stamp, an amount or part of a longer number or symbol."""
    found = text[start:end].strip()
    # Fewer than seven digits is no one's number: the matcher, set to some countries (GB, DE), accepts
    # "(2000" or "23–28" in a text that holds seven digits elsewhere (a year and pages in a reference).
    if sum(c.isdigit() for c in found) < 7:
        return True
    if _DATE.search(found) or _YEARS.fullmatch(found) or _COMPACT_DATE.fullmatch(found):
        return True
    pages = _PAGE_RANGE.fullmatch(found)
    if pages and len(pages[1]) == len(pages[2]) and int(pages[2]) >= int(pages[1]):
        return True
    if not found.startswith("+") and _THOUSANDS.fullmatch(found):
        return True
    if _DECIMAL.fullmatch(found):  # 40.7489: a coordinate or a measurement
        return True
    # In a reference's DOI ("https://doi.org/10.1148/radiology.143.1.7063747"): an identifier, not a number to call.
    if any(doi.start() <= start < doi.end() for doi in _DOI.finditer(text)):
        return True
    before, after = text[max(0, start - 2):start], text[end:end + 3]
    # Glued to a letter, digit or symbol separator: a piece of "2024-01-17T21:00", "A/C.6/78", "18.4655, -66.1"
    # or of a file name such as "00000042-PHOTO-2025-10-01.jpg".
    if before[-1:].isalnum() or after[:1].isalnum():
        return True
    return bool(re.fullmatch(r"\d[\-./:]", before) or re.match(r"[\-./:,]\d|[\-/:_]\w|,\s?-\d", after))
