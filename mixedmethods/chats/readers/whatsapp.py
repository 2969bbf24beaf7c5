"""WhatsApp "Export chat" files (.txt, or .zip with the chat and its media); parsing is :mod:`..parser`."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from ...sources import register
from ..parser import parse_export

NAME = "whatsapp"
SUFFIXES = (".txt", ".zip")


def detect(path: Path) -> bool:
    # Any .txt or .zip: the parser's own messages (no message header found, a line before the first header)
    # say more than "unknown format" would. A more specific format registers a higher priority.
    return path.suffix.lower() in SUFFIXES


@register("chats", NAME, detect=detect, suffixes=SUFFIXES, priority=-100, stores="chat messages and system events",
          recognised_by="`.txt` or `.zip` (tried last)",
          description=("Android `13/03/2024, 10:15 - Name: text` and iOS `[13/03/2024, 10:15:22] Name: text`, "
                       "12/24-hour clocks, any date order, system lines in any language"))
def read(path: Path, shown: str, date_order: str | None = None, known_authors: Sequence[str] = ()):
    return parse_export(path, shown, date_order, known_authors)
