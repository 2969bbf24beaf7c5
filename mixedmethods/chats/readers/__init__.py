"""Chat export formats, one module per format (WhatsApp: :mod:`.whatsapp`).

Each module defines ``detect(path) -> bool`` and ``read(path, shown,
date_order, known_authors) -> (frame, ChatFormat)`` (``known_authors``: the
participants' names, for formats where a name can be mistaken for text) and registers ``read`` with
:func:`mixedmethods.sources.register` (source ``"chats"``). The frame has the
columns described in :mod:`mixedmethods.chats.parser` (``timestamp``,
``author``, ``text``, ``kind``, ``event``, ``line``), so metrics and the
importer never depend on the format. A new chat format (Telegram, Signal) is
one new module here plus its tests.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from ...errors import InputFileError

if TYPE_CHECKING:
    import pandas as pd

    from ..parser import ChatFormat


def read_chat(path: Path, shown: str | None = None, date_order: str | None = None, chat_format: str = "auto",
              known_authors: Sequence[str] = ()) -> tuple["pd.DataFrame", "ChatFormat"]:
    """Read one chat export with the named format, or the first registered format that recognises it.

    ``chat_format`` is ``auto`` or a registered name (study.yaml's ``format:``,
    ``chats inspect --format``); the returned ``ChatFormat.name`` says which
    format read the file.
    """
    from ... import sources

    label = shown or str(path)
    if not path.is_file():
        raise InputFileError("file not found", file=label)
    if chat_format == "auto":
        chosen = sources.detect_path("chats", path)
        if chosen is None:
            raise InputFileError(f"not a chat export this tool reads (formats: {', '.join(sources.names('chats'))}; "
                                 f"files: {', '.join(sources.suffixes('chats'))})", file=label)
    else:
        chosen = sources.kind("chats", chat_format)
        if chosen is None:
            raise InputFileError(f"unknown chat format {chat_format!r}; expected one of auto, "
                                 f"{', '.join(sources.names('chats'))}", file=label)
    frame, found = chosen.read(path, label, date_order, known_authors)
    found.name = chosen.name  # what the import records as the file's format, and status shows
    return frame, found
