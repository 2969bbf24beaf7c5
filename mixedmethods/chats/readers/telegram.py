"""Telegram Desktop's JSON export of one chat (``result.json``, or a .zip of the export folder).

Telegram Desktop > the group's menu > Export chat history > Format: JSON
writes a folder with ``result.json`` (``{"name", "type", "id", "messages":
[...]}``) and, if asked, the media. Each message becomes a row of the frame
described in :mod:`mixedmethods.chats.parser`, as a WhatsApp message does:

* ``type: "message"``: author = ``from`` (the display name; linked and
  pseudonymised by name exactly as a WhatsApp author; ``from_id`` is never
  kept). Kind: ``poll``, ``location``, ``media`` (photo, file, sticker,
  voice or video message, contact card), else ``edited`` when Telegram marks
  it edited, else ``text``. Text: the ``text`` field, its entities joined;
  a ``mention_name`` entity (a member named without a username) is written
  ``@Name`` so that mentions of listed people are linked as in WhatsApp.
  Media without a caption get ``<photo>``, ``<sticker>``... as text, a
  location ``<location>`` (never its coordinates), a contact ``<contact>``
  (never its number).
* ``type: "service"``: a system row whose event is read from ``action``
  (``remove_members`` of oneself is ``left``, as Telegram shows it), with a
  text that names nobody ("added 2 members"): Telegram gives names and ids
  of actors and members, and none of them is stored.

Time stamps are ``date``, the local time of the exporting computer, as
WhatsApp's are (``date_unixtime`` is UTC). ``line`` is the line of
result.json where the message's ``{`` stands, so an error names a line.
"""

from __future__ import annotations

import json
import re
import zipfile
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Sequence

from ...errors import InputFileError
from ...safeinput import CONTROL, describe_controls, replace_controls
from ...sources import register
from ..parser import ChatFormat

NAME = "telegram"
SUFFIXES = (".json", ".zip")
EXPORT_FILE = "result.json"

# Telegram's service actions -> the system events of the chat frame (see mixedmethods.chats.parser).
EVENTS = {
    "create_group": "created", "create_channel": "created",
    "invite_members": "added",
    "join_group_by_link": "joined", "join_group_by_request": "joined",
    "remove_members": "removed",  # or "left", when the actor removes only themselves
    "edit_group_title": "subject_changed",
    "edit_group_photo": "icon_changed", "delete_group_photo": "icon_changed",
    "pin_message": "pinned",
    "phone_call": "call", "group_call": "call", "invite_to_group_call": "call",
}
# What a system row says, with no name in it (n = number of members concerned).
EVENT_TEXTS = {"created": "created the group", "added": "added {n}", "joined": "joined with an invite link",
               "removed": "removed {n}", "left": "left", "subject_changed": "changed the group name",
               "icon_changed": "changed the group photo", "pinned": "pinned a message", "call": "started a call"}
MEDIA_KEYS = ("photo", "file", "media_type", "contact_information")
NOT_INCLUDED = "("  # "(File not included. Change data exporting settings to download.)"
_SPACE = re.compile(r"[ \t\n\r]*")


def _export_member(names: list[str]) -> str | None:
    """The result.json inside a zipped export folder (the shallowest one), or None."""
    found = [n for n in names if PurePosixPath(n).name == EXPORT_FILE]
    return min(found, key=lambda n: (n.count("/"), n)) if found else None


def detect(path: Path) -> bool:
    suffix = path.suffix.lower()
    try:
        if suffix == ".json":  # cheap: a JSON object; read() says precisely what is missing
            with path.open("rb") as handle:
                return handle.read(64).decode("utf-8-sig", "replace").lstrip()[:1] == "{"
        if suffix == ".zip":  # a zipped export folder; WhatsApp's .zip holds a .txt instead
            with zipfile.ZipFile(path) as archive:
                return _export_member(archive.namelist()) is not None
    except (OSError, zipfile.BadZipFile):
        return False
    return False


def _load(path: Path, shown: str) -> tuple[str, set[str] | Path]:
    """The text of result.json and where its media are: the names in the zip, or the export folder."""
    if path.suffix.lower() == ".zip":
        from ...safeinput import open_zip, read_member

        with open_zip(path, shown, "cannot open as a .zip export") as archive:
            member = _export_member(archive.namelist())
            if member is None:
                raise InputFileError(f"no {EXPORT_FILE} inside this .zip (a Telegram Desktop JSON export)",
                                     file=shown)
            data = read_member(archive, member, shown)
            folder = member[: member.rfind("/") + 1]  # media paths are relative to result.json's folder
            media: set[str] | Path = {n[len(folder):] for n in archive.namelist()
                                      if n.startswith(folder) and not n.endswith("/")}
    else:
        data, media = path.read_bytes(), path.parent
    try:
        return data.decode("utf-8-sig"), media
    except UnicodeDecodeError as exc:
        raise InputFileError("a Telegram export is UTF-8 JSON; this byte is not", file=shown,
                             line=data[: exc.start].count(b"\n") + 1) from None


def _messages(text: str, shown: str) -> tuple[dict, list[tuple[int, object]]]:
    """Top-level fields and ``(line, message)`` pairs, each message decoded once with its line.

    The top-level object is walked by hand (json's own decoder for every
    value) because ``json.loads`` forgets where a message stood.
    """
    decoder = json.JSONDecoder()
    space = _SPACE.match
    fields: dict = {}
    messages: list[tuple[int, object]] | None = None
    line, counted = 1, 0
    try:
        pos = space(text, 0).end()
        if text[pos:pos + 1] != "{":
            raise json.JSONDecodeError("expected a JSON object '{'", text, pos)
        pos = space(text, pos + 1).end()
        while text[pos:pos + 1] != "}":
            key, pos = decoder.raw_decode(text, pos)
            if not isinstance(key, str):
                raise json.JSONDecodeError("expected a key in double quotes", text, pos)
            pos = space(text, pos).end()
            if text[pos:pos + 1] != ":":
                raise json.JSONDecodeError("expected ':'", text, pos)
            pos = space(text, pos + 1).end()
            if key == "messages" and text[pos:pos + 1] == "[":
                messages = []
                pos = space(text, pos + 1).end()
                while text[pos:pos + 1] != "]":
                    line += text.count("\n", counted, pos)
                    counted = pos
                    message, pos = decoder.raw_decode(text, pos)
                    messages.append((line, message))
                    pos = space(text, pos).end()
                    if text[pos:pos + 1] == ",":
                        pos = space(text, pos + 1).end()
                    elif text[pos:pos + 1] != "]":
                        raise json.JSONDecodeError("expected ',' or ']'", text, pos)
                pos += 1
            else:
                fields[key], pos = decoder.raw_decode(text, pos)
            pos = space(text, pos).end()
            if text[pos:pos + 1] == ",":
                pos = space(text, pos + 1).end()
            elif text[pos:pos + 1] != "}":
                raise json.JSONDecodeError("expected ',' or '}'", text, pos)
    except json.JSONDecodeError as exc:
        raise InputFileError(f"not valid JSON: {exc.msg}", file=shown, line=exc.lineno) from None
    if messages is None:
        if isinstance(fields.get("chats"), dict):
            raise InputFileError("a whole-account Telegram export holds many chats; export the group's own chat "
                                 "(in the group: menu > Export chat history > JSON) and name that result.json",
                                 file=shown, line=1)
        raise InputFileError("no \"messages\" list: not a Telegram Desktop chat export (result.json)", file=shown,
                             line=1)
    return fields, messages


def _text(value: object) -> str:
    """The ``text`` field, plain or a list of strings and entities, as one string."""
    if isinstance(value, str):
        return value
    parts = []
    for part in value if isinstance(value, list) else []:
        if isinstance(part, str):
            parts.append(part)
        elif isinstance(part, dict):
            piece = str(part.get("text", ""))
            # A member without a username is mentioned by name; '@' lets the linker see the mention.
            parts.append("@" + piece if part.get("type") == "mention_name" and not piece.startswith("@") else piece)
    return "".join(parts)


def _kind(message: dict, text: str) -> tuple[str, str]:
    """``(kind, text)`` of a ``type: "message"`` entry."""
    if isinstance(message.get("poll"), dict):
        poll = message["poll"]
        answers = poll.get("answers") if isinstance(poll.get("answers"), list) else []
        answers = [str(a.get("text", "")) for a in answers if isinstance(a, dict)]
        return "poll", "\n".join([str(poll.get("question", "")), *answers])
    if "location_information" in message or "live_location_period_seconds" in message:
        return "location", "<location>"
    if "contact_information" in message:
        return "media", "<contact>"
    if any(key in message for key in MEDIA_KEYS):
        what = message.get("media_type") or ("photo" if "photo" in message else "file")
        return "media", text or f"<{what}>"
    return ("edited" if "edited" in message else "text"), text


def _event(message: dict) -> tuple[str, str]:
    """``(event, text)`` of a ``type: "service"`` entry; the text names nobody."""
    action = str(message.get("action", ""))
    members = message.get("members") if isinstance(message.get("members"), list) else []
    event = EVENTS.get(action, "other")
    if event == "removed" and members == [message.get("actor")]:
        event = "left"
    if event == "other":
        return event, action.replace("_", " ") or "service message"
    count = len(members)
    return event, EVENT_TEXTS[event].format(n=f"{count} member" + ("" if count == 1 else "s"))


def _media_present(message: dict, media: set[str] | Path) -> bool:
    """Whether the export holds the file a media message refers to (not 'File not included')."""
    for key in ("photo", "file"):
        name = message.get(key)
        if isinstance(name, str) and name and not name.startswith(NOT_INCLUDED):
            return name in media if isinstance(media, set) else (media / name).is_file()
    return False


@register("chats", NAME, detect=detect, suffixes=SUFFIXES, stores="chat messages and system events",
          recognised_by="`.json` holding a JSON object, or a `.zip` with a `result.json`",
          description=("Telegram Desktop > Export chat history > JSON: `result.json` (messages, service events, "
                       "media and polls), or the export folder zipped"))
def read(path: Path, shown: str, date_order: str | None = None, known_authors: Sequence[str] = ()):
    """The chat frame and format of a Telegram export; ``date_order`` does not apply (dates are ISO 8601) and
    ``known_authors`` is not needed (authors are a field of their own)."""
    import pandas as pd

    text, media = _load(path, shown)
    _, messages = _messages(text, shown)
    rows = {"timestamp": [], "author": [], "text": [], "kind": [], "event": [], "line": []}
    media_files = 0
    controls: tuple[int, int, str] | None = None  # (count, first line, which) of characters replaced
    for line, message in messages:
        if not isinstance(message, dict):
            raise InputFileError("a message must be a JSON object {...}", file=shown, line=line)
        try:
            stamp = datetime.fromisoformat(str(message["date"]))
        except (KeyError, ValueError):
            raise InputFileError("a message without a valid \"date\" (expected e.g. 2023-01-05T10:03:12)",
                                 file=shown, line=line) from None
        entry_type = message.get("type")
        if entry_type == "service":
            event, body = _event(message)
            author, kind = None, "system"
        elif entry_type == "message":
            author = message.get("from")
            if not isinstance(author, str) or not author.strip():
                # A deleted account has no name; its id keeps it apart from other deleted accounts. Like a
                # name, it only ever reaches the store as a keyed pseudonym.
                author = f"Deleted Account {message.get('from_id', '')}".strip()
            kind, body = _kind(message, _text(message.get("text", "")))
            event = None
            media_files += _media_present(message, media)
        else:
            raise InputFileError(f"message type {entry_type!r}: expected \"message\" or \"service\"", file=shown,
                                 line=line)
        for text_value in (author, body):  # a NUL or U+000B would stop the report (XML cannot hold it)
            if text_value is not None and CONTROL.search(text_value):
                controls = controls or (0, line, describe_controls(text_value))
                controls = (controls[0] + len(CONTROL.findall(text_value)), controls[1], controls[2])
        if controls is not None:
            author = author if author is None else replace_controls(author, line_breaks=False)[0]
            body = replace_controls(body, line_breaks=False)[0]
        for column, value in zip(rows, (stamp.replace(tzinfo=None), author, body, kind, event, line)):
            rows[column].append(value)
    frame = pd.DataFrame(rows)
    frame["timestamp"] = pd.to_datetime(frame["timestamp"])
    frame["line"] = frame["line"].astype("int64")
    return frame, ChatFormat("telegram desktop json", "ymd", "24h", media_files, controls)
