"""What WhatsApp writes in exports: data tables, one entry per locale, no code per locale.

Message kinds are recognised from the whole message text; system events from
the text of a line that has no author (Android: any such line is a system
event, ``other`` when no pattern below names it) or whose text starts with a
left-to-right mark (iOS, where the group's name stands as the author, so only
the patterns below can tell it from a message).

Locales with system-event strings: en, fr, es, pt (BR and PT), de; the
end-to-end encryption notice also in it, nl, ru, tr, cs, ar, zh, fi, id, pl.
Strings were written from WhatsApp exports in peers' test fixtures (see
tests/fixtures/whatsapp/README.md), not from the app's strings.xml.
"""

from __future__ import annotations

import re

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

SYSTEM_EVENTS: list[tuple[str, re.Pattern[str]]] = [(name, re.compile(pattern, re.IGNORECASE)) for name, pattern in [
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


# System lines that may themselves contain ': ' (a group name or subject), so look like "Name: text".
COLON_SYSTEM = re.compile("|".join(f"(?:{p.pattern})" for n, p in SYSTEM_EVENTS
                                   if n in ("created", "subject_changed", "description_changed")), re.IGNORECASE)
ANY_SYSTEM = re.compile("|".join(f"(?:{pattern.pattern})" for _, pattern in SYSTEM_EVENTS), re.IGNORECASE)


def system_event(text: str) -> str | None:
    """The kind of system event ``text`` reports, or None."""
    for name, pattern in SYSTEM_EVENTS:
        if pattern.search(text):
            return name
    return None


# Every special kind starts or ends with one of these; other messages are plain text without a regex.
_STARTS = ("<", "This message", "this message", "You deleted", "Ce message", "Vous avez supprimé", "Se eliminó",
           "Eliminaste", "Mensagem apagada", "Esta mensagem", "Você apagou", "Diese Nachricht", "Du hast",
           "POLL", "SONDAGE", "ENCUESTA", "ENQUETE", "UMFRAGE", "Poll", "location", "Location", "localisation",
           "Localisation", "position", "Position", "ubicación", "Ubicación", "localização", "Localização",
           "Standort", "http")
_ENDS = (">", ")", "omitted", "omise", "omis", "absente", "absent", "omitida", "omitido", "ocultada", "ocultado",
         "weggelassen", "Omitted")


def message_kind(text: str) -> tuple[str, str]:
    """``(kind, text)`` of a message: text, media, deleted, edited (marker removed), poll or location."""
    stripped = text.rstrip()
    if not (stripped.startswith(_STARTS) or stripped.endswith(_ENDS)):
        return "text", text  # the common case, decided without a regex
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
