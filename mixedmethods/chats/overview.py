"""What ``chats inspect`` prints about a parsed chat: format, counts and system events, no names."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .patterns import encryption_locale

if TYPE_CHECKING:
    import pandas as pd

    from .parser import ChatFormat


def summary(frame: "pd.DataFrame", chat_format: "ChatFormat") -> dict[str, object]:
    """What ``chats inspect`` prints: format and counts, no names."""
    # Column by column, without a copy of the frame's message rows (a million rows: hundreds of MB).
    message = (frame["kind"] != "system").to_numpy()
    kinds = frame["kind"][message]
    return {"reader": chat_format.name, "format": chat_format.describe(), "messages": int(message.sum()),
            "by_kind": {k: int(v) for k, v in kinds.value_counts().sort_index().items()},
            "authors": int(frame["author"][message].nunique()), "system_events": int(len(frame) - message.sum()),
            "media_files": chat_format.media_files,
            "first": frame["timestamp"].min().isoformat() if len(frame) else None,
            "last": frame["timestamp"].max().isoformat() if len(frame) else None}


def event_details(frame: "pd.DataFrame") -> dict[str, object]:
    """What ``chats inspect --json`` adds: ``by_event`` (system events per kind) and ``locale`` (the language of
    the encryption notice, None when the export has none or its language is not in the table)."""
    system = (frame["kind"] == "system").to_numpy()
    events = frame["event"][system]
    notices = frame["text"][system][(events == "encryption").to_numpy()]
    return {"by_event": {str(k): int(v) for k, v in events.value_counts().sort_index().items()},
            "locale": encryption_locale(notices.iloc[0]) if len(notices) else None}
