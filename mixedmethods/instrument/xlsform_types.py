"""XLSForm question types: pyxform's names and aliases -> the types this tool stores.

Reference: the XLSForm specification (https://xlsform.org/en/#question-types) and pyxform's
``question_type_dictionary`` and ``aliases`` modules, which list every spelling pyxform accepts.
"""

from __future__ import annotations

import re

from .questionnaire import QUESTION_TYPES, RAW_TYPES

# XLSForm type names and their aliases (pyxform's question_type_dictionary) -> the names this tool stores.
_TYPE_ALIASES = {
    "int": "integer", "string": "text", "date time": "datetime", "datetime": "datetime", "location": "geopoint",
    "gps": "geopoint", "photo": "image", "picture": "image", "trigger": "acknowledge", "phone number": "phone",
    "start time": "start", "end time": "end", "get today": "today", "get start time": "start",
    "get end time": "end", "q date": "date", "q int": "integer", "q decimal": "decimal", "q string": "text",
}
# Metadata that identifies a device or a person: not kept as questions (Kobo's reader ignores their columns).
_IDENTIFYING_METADATA = {"deviceid", "device id", "get device id", "uri:deviceid", "imei", "simserial", "sim id",
                         "get sim id", "uri:simserial", "subscriberid", "subscriber id", "get subscriber id",
                         "uri:subscriberid", "phonenumber", "get phone number", "uri:phonenumber", "username",
                         "uri:username", "email", "uri:email", "audit"}
# Rows that hold no answer: display text and external data sources.
_NO_ANSWER = {"note", "q note", "xml-external", "csv-external"}
BEGIN_END = re.compile(r"(?i)^(begin|end)[ _](group|repeat|loop|lgroup|looped group)(?:\s+over\s+(\S+))?\s*$")
_SELECT = re.compile(r"(?i)^(select[ _]one|select[ _]multiple|select all that apply|rank)(?:\s+from)?\s+(\S+)"
                     r"(?:\s+(or[ _]other|or specify other))?\s*$")
_SELECT_RAW = re.compile(r"(?i)^(select[ _]one[ _]from[ _]file|select[ _]multiple[ _]from[ _]file|"
                         r"select[ _]one[ _]external|osm)\s+(\S+)\s*$")


def question_type(text: str) -> tuple[str, str | None, bool, str | None] | None:
    """(type, choice list, or_other, list kept raw) of a survey row's ``type``; None for rows without answers."""
    m = _SELECT.match(text)
    if m:
        kind = m.group(1).lower().replace(" ", "_")
        kind = {"select_all_that_apply": "select_multiple"}.get(kind, kind)
        if kind == "rank":
            return "rank", None, False, m.group(2)
        return kind, m.group(2), bool(m.group(3)), None
    m = _SELECT_RAW.match(text)
    if m:
        kind = m.group(1).lower().replace(" ", "_")
        return kind, None, False, m.group(2)
    key = " ".join(text.split()).lower()
    if key in _NO_ANSWER or key in _IDENTIFYING_METADATA:
        return None
    # pyxform's older aliases: "add integer prompt", "q picture"
    key = re.sub(r"^add (.+) prompt$", r"\1", key)
    key = {"q picture": "image", "q location": "geopoint"}.get(key, key)
    kind = _TYPE_ALIASES.get(key, key)
    if kind in QUESTION_TYPES + RAW_TYPES:
        return kind, None, False, None
    raise ValueError(f"unknown question type {text!r}; expected an XLSForm type (xlsform.org)")
