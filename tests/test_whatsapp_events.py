"""Every system-event string of every locale of mixedmethods/chats/whatsapp_events.json is recognised.

Expected values come from the table itself (WhatsApp's own strings, see its "sources"): each template is
rendered with sample names and must come back as its event, on Android and on iOS, without swallowing the
message that follows.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from mixedmethods.chats.parser import parse_chat

TABLE = json.loads((Path(__file__).resolve().parents[1] / "mixedmethods" / "chats" / "whatsapp_events.json")
                   .read_text("utf-8"))
LOCALES = TABLE["locales"]
CASES = [(locale, event, template) for locale, spec in LOCALES.items()
         for event, templates in spec["events"].items() for template in templates]
# Sample values: an accented name, a phone number, a group name with ': ' in it.
SAMPLES = ["Zoë Müller-Ñúñez", "+1 246 555 0101", "Club: Lectures 2024"]
LRM = "\u200e"
# Android and iOS header shapes (date-first, 24-hour; the shapes of other locales are tested in the corpus).
ANDROID, IOS = "14/03/2024, 09:{minute:02d} - ", "[14/03/2024, 09:{minute:02d}:00] "


def render(template: str) -> str:
    values = iter(SAMPLES)
    numbered = {}

    def value(match: re.Match) -> str:
        number = match.group(1)
        if number is None:
            return next(values)
        return numbered.setdefault(number, SAMPLES[(int(number) - 1) % len(SAMPLES)])

    return re.sub(r"%(?:(\d+)\$)?[sd]", value, template)


@pytest.mark.parametrize("system", ["android", "ios"])
@pytest.mark.parametrize("locale, event, template", CASES,
                         ids=[f"{loc}-{ev}-{i}" for i, (loc, ev, _) in enumerate(CASES)])
def test_every_string_of_every_locale_is_its_event(locale: str, event: str, template: str, system: str):
    text = render(template)
    if system == "android":
        lines = [ANDROID.format(minute=0) + text, ANDROID.format(minute=1) + "Ana Lúcia: bom dia: tudo bem?"]
    else:
        lines = [IOS.format(minute=0) + f"Club: Lectures 2024: {LRM}{text}",
                 IOS.format(minute=1) + "Ana Lúcia: bom dia: tudo bem?"]
    frame, _ = parse_chat("\n".join(lines) + "\n", "t.txt", "dmy")
    rows = [tuple(None if value != value else value for value in row)  # NaN (no author) as None
            for row in frame[["author", "text", "kind", "event"]].itertuples(index=False, name=None)]
    assert len(rows) == 2
    assert rows[0][2:] == ("system", event) and rows[0][0] is None
    assert rows[1] == ("Ana Lúcia", "bom dia: tudo bem?", "text", None)


def test_every_locale_has_every_event():
    """Every locale carries every event the table lists, but those of "english_only" (a documented gap: the newest
    copy of the app holds English only; see the table's "about"), which English has."""
    required = set(TABLE["events"])
    assert set(LOCALES["en"]["events"]) == required
    assert len(LOCALES) >= 12
    for locale, spec in LOCALES.items():
        assert set(spec["events"]) == required - (set(TABLE["english_only"]) if locale != "en" else set()), locale
        assert spec["markers"].get("media") and spec["markers"].get("deleted"), locale


def test_the_issue_locales_are_in_the_table():
    assert {"en", "fr", "es", "pt-BR", "pt-PT", "de", "it", "nl", "ru", "tr", "ar", "zh"} <= set(LOCALES)


@pytest.mark.parametrize("locale", sorted(LOCALES))
def test_media_and_deleted_markers_keep_their_author(locale: str):
    markers = LOCALES[locale]["markers"]
    for kind in ("media", "deleted"):
        for marker in markers[kind]:
            frame, _ = parse_chat(f"14/03/2024, 09:00 - Ana: {marker}\n", "t.txt", "dmy")
            assert tuple(frame.iloc[0][["author", "kind"]]) == ("Ana", kind), marker


def test_an_ios_marked_text_no_table_knows_is_an_event_of_the_group_but_a_message_of_a_person():
    # "Demo" writes nothing but marked texts (a group's name); Ana writes messages, so her marked text in a
    # language the table lacks (here a made-up media notice) stays hers.
    text = (f"[14/03/2024, 09:00:00] Demo: {LRM}Ana a fait quelque chose de nouveau\n"
            "[14/03/2024, 09:01:00] Ana: salut\n"
            f"[14/03/2024, 09:02:00] Ana: {LRM}kuva jätetty pois\n")
    frame, _ = parse_chat(text, "t.txt", "dmy")
    assert [tuple(None if v != v else v for v in row)
            for row in frame[["author", "kind", "event"]].itertuples(index=False, name=None)] == [
        (None, "system", "other"), ("Ana", "text", None), ("Ana", "text", None)]


def test_a_system_line_whose_subject_holds_a_colon_has_no_author():
    text = ('14/03/2024, 09:00 - Ana changed the subject from "A" to "Club: 2024"\n'
            "14/03/2024, 09:01 - Ana: ok\n")
    frame, _ = parse_chat(text, "t.txt", "dmy")
    assert [tuple(None if v != v else v for v in row)
            for row in frame[["author", "event"]].itertuples(index=False, name=None)] == [
        (None, "subject_changed"), ("Ana", None)]


def test_no_string_of_one_locale_is_another_event_in_another_locale():
    """The parser tries the locale of the export's last recognised line first; that order can only matter if a
    string of one locale matched another event's template of another locale."""
    from mixedmethods.chats.patterns import _regex, _templates_by_locale

    everything = [(locale, key, template, event) for locale, entries in _templates_by_locale().items()
                  for key, template, event in entries]
    clashes = []
    for locale, _, template, event in everything:
        text = render(template)
        lower = text.lower()
        clashes += [(locale, template, other, other_event) for other, key, other_template, other_event in everything
                    if other != locale and other_event != event and key in lower
                    and _regex(other_template).match(text)]
    assert clashes == []
