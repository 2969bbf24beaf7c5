"""What WhatsApp writes in exports: data tables, one entry per locale, no code per locale.

Message kinds are recognised from the whole message text; system events from
the text of a line that has no author (Android: any such line is a system
event, ``other`` when no pattern below names it) or whose text starts with a
left-to-right mark (iOS, where the group's name stands as the author; the
parser decides texts no pattern names from who writes them).

System events and the media/deleted markers come from the table
``whatsapp_events.json`` next to this module: WhatsApp's own Android strings
(2.20.123 and 2.17.351, and the English of 2.24.6.77; copies named in its
``sources``) for en, fr, es,
pt-BR, pt-PT, de, it, nl, ru, tr, ar, zh, zh-TW, uk, cs, id, ja, hi, fi, pl,
ko, vi, sv; templates keep WhatsApp's ``%1$s`` placeholders and are compiled
into regexes on first use. The patterns written by hand earlier (en, fr, es,
pt, de, from exports in peers' fixtures, some in newer wordings than the
table's) are tried after the table; the end-to-end encryption notice of recent
app versions is recognised per language by ``ENCRYPTION_BY_LOCALE``.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

MEDIA = re.compile(
    r"^(?:<(?:Media omitted|Médias omis|Multimedia omitido|Mídia oculta|Arquivo de mídia oculto|"
    r"Medien ausgeschlossen)>"
    r"|(?:image|video|audio|sticker|GIF|document|Contact card) omitted"
    r"|(?:image|vidéo|audio|autocollant|GIF|document) (?:absente?|omise?)"
    r"|(?:imagen|video|audio|sticker|GIF|documento) omitid[oa]"
    r"|(?:imagem|vídeo|áudio|figurinha|GIF|documento) ocultad[oa]"
    r"|(?:Bild|Video|Audio|Sticker|GIF|Dokument) weggelassen"
    r"|<(?:attached|pièce jointe|adjunto|anexado|Anhang): [^>]+>"
    r"|\S+\.(?:jpe?g|png|webp|mp4|opus|ogg|pdf|docx?|xlsx?|vcf|gif) \((?:file attached|fichier joint|archivo adjunto|"
    r"arquivo anexado|Datei angehängt)\)"
    r")\s*$", re.IGNORECASE)
DELETED = re.compile(
    r"^(?:This message was deleted\.?|You deleted this message\.?|Ce message a été supprimé\.?|"
    r"Vous avez supprimé ce message\.?|Se eliminó este mensaje\.?|Eliminaste este mensaje\.?|"
    r"Mensagem apagada|Esta mensagem foi apagada|Você apagou esta mensagem\.?|"
    r"Diese Nachricht wurde gelöscht\.?|Du hast diese Nachricht gelöscht\.?)\s*$", re.IGNORECASE)
EDITED = re.compile(
    r"\s*<(?:This message was edited|Ce message a été modifié|Se editó este mensaje\.?|Mensagem editada|"
    r"Diese Nachricht wurde bearbeitet)>\s*$", re.IGNORECASE)
POLL = re.compile(r"^(?:POLL|SONDAGE|ENCUESTA|ENQUETE|UMFRAGE)\s?:", re.IGNORECASE)
LOCATION = re.compile(r"^(?:location|localisation|position|ubicación|localização|Standort)\s?: "
                      r"https?://\S*maps\S*\s*$|^https?://maps\.google\.com/\S+\s*$", re.IGNORECASE)

# 12-hour clock markers after the time, written without dots and spaces (the header pattern allows
# "p. m.", "p.m.", "PM"): True for the afternoon.
HALF_DAY = {"am": False, "pm": True, "öö": False, "ös": True, "ص": False, "م": True}

# The end-to-end encryption notice, the first line of most exports, per language (also the hint for the
# export's language that ``chats inspect --json`` reports as ``locale``).
ENCRYPTION_BY_LOCALE = {
    "en": r"end-to-end encrypted|secured with end-to-end encryption",
    "fr": r"chiffrés de bout en bout",
    "es": r"cifrados? de extremo a extremo",
    "pt": r"criptografia de ponta a ponta|encriptadas ponto a ponto",
    "de": r"Ende-zu-Ende-verschlüsselt",
    "it": r"crittografa\w* end-to-end|crittografia end-to-end",
    "nl": r"end-to-end versleuteld",
    "ru": r"сквозным шифрованием",
    "uk": r"наскрізним шифруванням",
    "tr": r"uçtan uca şifreli",
    "cs": r"koncovým šifrováním|šifrovány koncově|end-to-end šifrování",
    "ar": r"مشفرة تمامًا",
    "zh": r"端到端加密",
    "ja": r"エンドツーエンド暗号化",
    "hi": r"एंड-टू-एंड एन्क्रिप्टेड",
    "th": r"เข้ารหัสจากต้นทางถึงปลายทาง",
    "vi": r"mã hóa đầu cuối",
    "fi": r"päästä päähän",
    "id": r"terenkripsi secara end-to-end",
    "pl": r"szyfrowane end-to-end",
}
_ENCRYPTION = "|".join(ENCRYPTION_BY_LOCALE.values())
_LOCALE_OF = {locale: re.compile(pattern, re.IGNORECASE) for locale, pattern in ENCRYPTION_BY_LOCALE.items()}


def encryption_locale(text: str) -> str | None:
    """The language of an end-to-end encryption notice, or None."""
    for locale, pattern in _LOCALE_OF.items():
        if pattern.search(text):
            return locale
    return None


# iOS writes years of non-Gregorian calendars: "2565 BE" (Buddhist) and "R4" (Japanese era, Reiwa 4):
# the number added to the written year to give the Gregorian one.
ERA_OFFSET = {"BE": -543, "R": 2018, "H": 1988, "S": 1925}
ENCRYPTION = re.compile(_ENCRYPTION, re.IGNORECASE)

# Hand-written before the table (from exports in peers' fixtures, some in wordings newer than the table's
# sources): consulted after the table, so exports of recent app versions keep their names.
_HAND_WRITTEN: list[tuple[str, re.Pattern[str]]] = [(name, re.compile(pattern, re.IGNORECASE)) for name, pattern in [
    ("encryption", _ENCRYPTION),
    ("security_code", r"security code (?:with .+ )?changed|code de sécurité .*a changé|código de seguridad .*cambió|"
                      r"código de segurança .*mudou|Sicherheitsnummer .*hat sich geändert"),
    ("created", r" created (?:the )?group|^You created group| a créé le groupe|^Vous avez créé le groupe| creó el "
                r"grupo| criou o grupo| hat die Gruppe .* erstellt"),
    ("joined", r"joined using this group's invite link|a rejoint ce groupe via le lien d'invitation|se unió usando el "
               r"enlace de invitación|entrou usando o link de convite|ist über den Einladungslink .*beigetreten"),
    ("added", r" added |^You were added$| a ajouté | añadió | agregó | adicionou | hat .* hinzugefügt"),
    ("removed", r" removed | a retiré |(?<!^Se) eliminó | removeu | hat .* entfernt"),
    ("left", r" left$| est parti(?:e)?$| a quitté le groupe$| salió del grupo$| saiu$| hat die Gruppe verlassen$"),
    ("subject_changed", r"changed the (?:group name|subject)|a modifié le (?:nom|sujet)|cambió el (?:asunto|nombre)|"
                        r"mudou o (?:assunto|nome)|hat den Betreff|hat den Gruppennamen"),
    ("icon_changed", r"changed (?:this )?group'?s? icon|a changé l'icône|cambió el ícono|mudou a imagem|"
                     r"hat das Gruppenbild geändert"),
    ("description_changed", r"changed the group description|a modifié la description|cambió la descripción|"
                            r"mudou a descrição|hat die Gruppenbeschreibung geändert"),
]]
# Hand-written lines that may hold ': ' in the subject or group name (checked with the table's, see colon_system).
_HAND_WRITTEN_COLON = "|".join(f"(?:{p.pattern})" for n, p in _HAND_WRITTEN
                               if n in ("created", "subject_changed", "description_changed"))

# The table: mixedmethods/chats/whatsapp_events.json, WhatsApp's own Android strings per locale (its "sources"
# say which copies and when). Read and compiled on first use, so importing this module stays fast.
EVENTS_FILE = Path(__file__).with_name("whatsapp_events.json")
_PLACEHOLDER = re.compile(r"%(?:\d+\$)?[sd]")
_QUOTES = "\"“”«»„‟‘’‚'「」『』"
# Where a sentence ends after the last placeholder: what follows ("Tap for more info.") may be left out.
_SENTENCE_END = re.compile(r"[.。！!？?，]\s*")


@lru_cache(maxsize=1)
def event_table() -> dict:
    """The table as stored: ``sources``, ``events`` (name -> meaning) and ``locales`` (locale -> ``events``:
    event -> templates as WhatsApp writes them, ``%1$s``-style placeholders; ``markers``: media, deleted)."""
    return json.loads(EVENTS_FILE.read_text("utf-8"))


def _literal(text: str) -> str:
    """A regex for a literal piece of a template: any quotation mark stands for any other, spaces for any space."""
    out = []
    for char in text:
        out.append(f"[{re.escape(_QUOTES)}]" if char in _QUOTES else r"\s+" if char == " " else re.escape(char))
    return "".join(out)


def template_regex(template: str) -> str:
    """The regex (anchored at both ends) of one template: placeholders match any text, a final full stop may be
    missing, and a last sentence after the last placeholder (WhatsApp's "Tap for more info.") may be left out."""
    pieces = _PLACEHOLDER.split(template.strip())
    last, tail = pieces[-1], ""
    end = _SENTENCE_END.search(last)
    if end and last[end.end():].strip():
        last, tail = last[:end.start()], last[end.start():]
    body = "(?:.+?)".join(_literal(piece) for piece in pieces[:-1] + [last.rstrip(".。")])
    if tail:
        body += f"(?:{_literal(tail.rstrip('.。 '))})?"
    return "^" + body + r"[.。]?\s*$"


def _specificity(template: str) -> int:
    return len(_PLACEHOLDER.sub("", template))


_WORD = re.compile(r"[^\s" + re.escape(_QUOTES) + r".,:;!?。，、()]+")


def _key(template: str) -> str:
    """The template's longest word outside placeholders (lower case): a line without it cannot match."""
    words = _WORD.findall(_PLACEHOLDER.sub(" ", template))
    return max(words, key=len).lower() if words else ""


@lru_cache(maxsize=1)
def _templates_by_locale() -> dict[str, list[tuple[str, str, str]]]:
    """Per locale, its templates as ``(key word, template, event)``, the most specific first."""
    ordered = {}
    for locale, spec in event_table()["locales"].items():
        entries = sorted(((t, event) for event, templates in spec["events"].items() for t in templates),
                         key=lambda entry: -len(_PLACEHOLDER.sub("", entry[0])))
        ordered[locale] = [(_key(t), t, event) for t, event in entries]
    return ordered


@lru_cache(maxsize=None)
def _regex(template: str) -> re.Pattern[str]:
    """Compiled only when a line holds the template's key word: a parse compiles a handful, not all 1,300."""
    return re.compile(template_regex(template), re.IGNORECASE)


_last_locale: list[str] = []  # the locale of the last line recognised: tried first (an export has one language)


def system_event(text: str) -> str | None:
    """The kind of system event ``text`` reports (any locale of the table, then the hand-written patterns), or
    None."""
    ordered = _templates_by_locale()
    text = text.strip()
    lower = text.lower()
    for locale in _last_locale + list(ordered):
        for key, template, event in ordered[locale]:
            if key in lower and _regex(template).match(text):
                _last_locale[:] = [locale]
                return event
    for name, hand_written in _HAND_WRITTEN:
        if hand_written.search(text):
            return name
    return None


_UNSPACED = re.compile("[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")  # scripts written without spaces


@lru_cache(maxsize=1)
def _colon_starts() -> tuple[dict[str, list[str]], list[tuple[str, str]]]:
    """What may stand before the first ': ' of a system line, so that the line looks like ``Name: text``: a
    template's text up to any placeholder but the first (a subject, group or member name may hold ': '), and a
    template's text up to a ': ' of its own (Polish "Dodano: %s"). Heads with fewer than 3 letters outside
    placeholders are left out (too short to tell from a name). Indexed by their longest word, so that a name is
    checked against the few heads that share one of its words (scripts without spaces: by substring)."""
    by_word: dict[str, list[str]] = {}
    unspaced: list[tuple[str, str]] = []
    for spec in event_table()["locales"].values():
        for templates in spec["events"].values():
            for template in templates:
                pieces = _PLACEHOLDER.split(template.strip())
                heads = []
                for k in range(1, len(pieces) - 1):
                    head = pieces[:k + 1]
                    if sum(c.isalpha() for piece in head for c in piece) >= 3 and head[k].strip():
                        heads.append(("%s".join(head), "^" + "(?:.+?)".join(_literal(p) for p in head)))
                own, _, _ = pieces[0].partition(": ")  # "Dodano: %s": the text before the template's own ': '
                if ": " in pieces[0] and own.strip():
                    heads.append((own, "^" + _literal(own) + "$"))
                for text, regex in heads:
                    key = _key(text)
                    if _UNSPACED.search(key):
                        unspaced.append((key, regex))
                    elif key:
                        by_word.setdefault(key, []).append(regex)
    return by_word, unspaced


@lru_cache(maxsize=None)
def _colon_regex(regex: str) -> re.Pattern[str]:
    return re.compile(regex, re.IGNORECASE)


_HAND_WRITTEN_COLON_RE = re.compile(_HAND_WRITTEN_COLON, re.IGNORECASE)


def colon_system(author: str) -> bool:
    """Whether the text before the first ': ' of a line is the start of a system line (a created group or changed
    subject whose name holds ': ', Polish "Dodano: ..."), not an author's name."""
    by_word, unspaced = _colon_starts()
    lower = author.lower()
    for word in set(_WORD.findall(lower)):
        for regex in by_word.get(word, ()):
            if _colon_regex(regex).search(author):
                return True
    for key, regex in unspaced:
        if key in lower and _colon_regex(regex).search(author):
            return True
    return bool(_HAND_WRITTEN_COLON_RE.search(author))


# Every special kind starts or ends with one of these (with the table's deleted markers added on first use);
# other messages are plain text without a regex.
_STARTS = ("<", "This message", "this message", "You deleted", "Ce message", "Vous avez supprimé", "Se eliminó",
           "Eliminaste", "Mensagem apagada", "Esta mensagem", "Você apagou", "Diese Nachricht", "Du hast",
           "POLL", "SONDAGE", "ENCUESTA", "ENQUETE", "UMFRAGE", "Poll", "location", "Location", "localisation",
           "Localisation", "position", "Position", "ubicación", "Ubicación", "localização", "Localização",
           "Standort", "http")
_ENDS = (">", ")", "omitted", "omise", "omis", "absente", "absent", "omitida", "omitido", "ocultada", "ocultado",
         "weggelassen", "Omitted")
_MARKERS: list = []  # [media texts, deleted texts] of the table (lower case), filled on the first message
_DELETED_AS_WRITTEN: set[str] = set()  # the table's deleted markers as written, with and without a full stop


def _load_markers() -> list:
    media, deleted = set(), set()
    for spec in event_table()["locales"].values():
        media.update(m.lower() for m in spec["markers"].get("media", []))
        for marker in spec["markers"].get("deleted", []):
            deleted.add(marker.lower().rstrip(".。"))
            _DELETED_AS_WRITTEN.update({marker, marker.rstrip(".。"), marker.rstrip(".。") + "."})
    _MARKERS[:] = [media, deleted]
    return _MARKERS


def message_kind(text: str) -> tuple[str, str]:
    """``(kind, text)`` of a message: text, media, deleted, edited (marker removed), poll or location."""
    stripped = text.rstrip()
    if not (stripped.startswith(_STARTS) or stripped.endswith(_ENDS)):
        # The common case, decided without a regex (media markers all start with "<"; deleted ones are whole
        # texts, looked up as written).
        if stripped in (_DELETED_AS_WRITTEN or _load_markers() and _DELETED_AS_WRITTEN):
            return "deleted", text
        return "text", text
    media, deleted = _MARKERS or _load_markers()
    lower = stripped.lower()
    if lower in media:
        return "media", text
    if lower.rstrip(".。") in deleted:
        return "deleted", text
    if MEDIA.match(text):
        return "media", text
    if DELETED.match(text):
        return "deleted", text
    edited = EDITED.search(text)
    if edited:
        return "edited", text[:edited.start()]
    if POLL.match(text):
        return "poll", text
    if LOCATION.match(text):
        return "location", text
    return "text", text


def kind_candidates(texts: list[str]) -> list[int]:
    """The positions of the texts :func:`message_kind` may call other than ``text``: those that start or end
    (before trailing spaces) like a marker, or are a deleted marker; all others are plain text, told apart here
    without a call per text."""
    if not _MARKERS:
        _load_markers()
    deleted = _DELETED_AS_WRITTEN
    return [i for i, t in enumerate(texts)
            if t.startswith(_STARTS) or t.endswith(_ENDS) or t[-1:].isspace() or t in deleted]
