"""Constructs as data: for each construct, its indicator in each source and the direction of "more".

A construct may name its ``family`` (a label per language): the report sets
the constructs of one family side by side in one joint display.

Read from ``instruments/constructs.yaml`` and checked against the
questionnaire (scale or item), the codebook (codes) and the chat metrics:
anything unknown is a one-line error naming the line. Triangulation reads
only this file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InstrumentError
from ..instrument.questionnaire import Label, parse_label
from ..yamlio import LineDict, load_yaml

CHAT_METRICS = ("messages", "words", "share", "active_days", "media_share", "night_share", "weekend_share",
                "replies", "median_latency_min", "first_responder_share", "mentions_sent", "mentions_received",
                "relative_share", "relative_first_responder_share")
INTERVIEW_MEASURES = ("presence", "coverage", "frequency")
DIRECTIONS = ("higher", "lower")


@dataclass
class Indicator:
    """One source's indicator of a construct: what to read and which direction means more."""

    source: str  # survey, interviews or chats
    direction: str
    scale: str | None = None
    item: str | None = None
    codes: list[str] = field(default_factory=list)
    measure: str | None = None
    metric: str | None = None


@dataclass
class Construct:
    id: str
    label: Label
    definition: Label
    indicators: dict[str, Indicator]
    family: Label | None = None  # constructs with the same family label share one joint display


def families(constructs: list[Construct]) -> list[tuple[Label | None, list[Construct]]]:
    """The constructs by family, in order of first appearance; constructs without a family form one group
    (label None), placed where the first of them appears. With no family at all: one group of all constructs.
    """
    order: dict[tuple, tuple[Label | None, list[Construct]]] = {}
    for construct in constructs:
        key = tuple(sorted(construct.family.items())) if construct.family else ()
        order.setdefault(key, (construct.family or None, []))[1].append(construct)
    return list(order.values())


def load_constructs(path: Path, questionnaire, codebook, display: str | None = None) -> list[Construct]:
    """Read and check ``constructs.yaml`` against the study's questionnaire and codebook."""
    shown = display or str(path)
    data = load_yaml(path, error=InstrumentError, display=shown)
    if not isinstance(data, LineDict) or not isinstance(data.get("constructs"), list):
        raise InstrumentError("expected a mapping with a list of constructs", file=shown)
    languages = [str(x) for x in data.get("languages", ["en"])]
    scales = {s.id for s in questionnaire.scales}
    codes = set(codebook.ids())
    constructs = []
    seen: set[str] = set()
    for item in data["constructs"]:
        if not isinstance(item, LineDict) or "id" not in item:
            raise InstrumentError("each construct needs an id", file=shown, line=getattr(item, "line", None))
        cid = str(item["id"])
        if cid in seen:
            raise InstrumentError(f"duplicate construct id {cid!r}", file=shown, line=item.line)
        seen.add(cid)
        for key in item:
            if key not in ("id", "label", "definition", "family", "survey", "interviews", "chats"):
                raise InstrumentError(f"construct {cid!r}: unknown key {key!r}", file=shown, line=item.line_of(key))
        indicators = {}
        for source in ("survey", "interviews", "chats"):
            if source in item:
                indicators[source] = _indicator(source, item[source], cid, shown, item.line_of(source), scales,
                                                questionnaire, codes)
        if len(indicators) < 2:
            raise InstrumentError(f"construct {cid!r}: name indicators in at least two sources", file=shown,
                                  line=item.line)
        family = None
        if item.get("family") is not None:
            family = parse_label(item["family"], f"construct {cid!r}, family", shown, item.line_of("family"),
                                 languages)
            if not any(str(text).strip() for text in family.values()):
                raise InstrumentError(f"construct {cid!r}: the family needs a label", file=shown,
                                      line=item.line_of("family"))
        constructs.append(Construct(cid, parse_label(item.get("label", cid), f"construct {cid!r}", shown,
                                                     item.line, languages),
                                    parse_label(item.get("definition", ""), f"construct {cid!r}", shown, item.line,
                                                languages), indicators, family))
    return constructs


def _indicator(source: str, value: Any, cid: str, shown: str, line: int | None, scales: set[str], questionnaire,
               codes: set[str]) -> Indicator:
    where = f"construct {cid!r}, {source}"
    if not isinstance(value, dict):
        raise InstrumentError(f"{where}: expected a mapping", file=shown, line=line)
    line = getattr(value, "line", line)
    direction = value.get("direction")
    if direction not in DIRECTIONS:
        raise InstrumentError(f"{where}: direction must be higher or lower", file=shown, line=line)
    allowed = {"survey": {"scale", "item", "direction"}, "interviews": {"codes", "measure", "direction"},
               "chats": {"metric", "direction"}}[source]
    for key in value:
        if key not in allowed:
            raise InstrumentError(f"{where}: unknown key {key!r}; expected {', '.join(sorted(allowed))}",
                                  file=shown, line=line)
    if source == "survey":
        scale, item = value.get("scale"), value.get("item")
        if (scale is None) == (item is None):
            raise InstrumentError(f"{where}: name either a scale or an item", file=shown, line=line)
        if scale is not None and scale not in scales:
            raise InstrumentError(f"{where}: unknown scale {scale!r}", file=shown, line=line)
        if item is not None and not questionnaire.has_question(item):
            raise InstrumentError(f"{where}: unknown survey item {item!r}", file=shown, line=line)
        return Indicator(source, direction, scale=scale, item=item)
    if source == "interviews":
        named = value.get("codes")
        if not isinstance(named, list) or not named:
            raise InstrumentError(f"{where}: codes must be a non-empty list", file=shown, line=line)
        unknown = [c for c in named if c not in codes]
        if unknown:
            raise InstrumentError(f"{where}: unknown code {unknown[0]!r}", file=shown, line=line)
        measure = value.get("measure", "presence")
        if measure not in INTERVIEW_MEASURES:
            raise InstrumentError(f"{where}: measure must be one of {', '.join(INTERVIEW_MEASURES)}", file=shown,
                                  line=line)
        return Indicator(source, direction, codes=[str(c) for c in named], measure=measure)
    metric = value.get("metric")
    if metric not in CHAT_METRICS:
        raise InstrumentError(f"{where}: unknown chat metric {metric!r}; expected one of {', '.join(CHAT_METRICS)}",
                              file=shown, line=line)
    return Indicator(source, direction, metric=metric)
