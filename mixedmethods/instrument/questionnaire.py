"""The questionnaire as data: questions, choice lists and scales.

A :class:`Questionnaire` is read from ``instruments/survey.yaml`` (format in
``docs/instruments.md``) or from an XLSForm (:mod:`.xlsform`). Everything the
rest of the tool knows about a question (its type, choices, range, skip logic,
scale and reverse keying) comes from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InstrumentError
from ..yamlio import LineDict, load_yaml
from .relevance import Relevance, RelevanceSyntaxError, compile_relevance

QUESTION_TYPES = ("select_one", "select_multiple", "likert", "integer", "decimal", "text", "date")
# XLSForm types the tool keeps but does not analyse: answers are stored as given (typed raw values), checked
# against nothing, and shown as such in ``status``. Names follow xlsform.org; ``phone`` is XLSForm's
# ``phone number`` (redacted like text, as it identifies a person).
RAW_TYPES = ("time", "datetime", "geopoint", "geotrace", "geoshape", "range", "image", "audio", "video", "file",
             "barcode", "calculate", "acknowledge", "hidden", "phone", "rank", "osm", "start", "end", "today",
             "select_one_from_file", "select_multiple_from_file", "select_one_external", "start-geopoint",
             "background-geopoint", "background-audio")
# What a question is for in the report. ``profile``: describes the respondents (the profile table,
# tests of association with group, facts for the recommendation rules).
QUESTION_ROLES = ("profile",)
SCORING_RULES = ("mean", "sum")
Label = dict[str, str]


def in_language(label: Label, language: str, fallback: str) -> str:
    """The label's text in ``language``, else its first text, else ``fallback``."""
    return label.get(language) or next(iter(label.values()), fallback)


@dataclass
class Choice:
    """One answer option: the stored ``value`` and its label per language."""

    value: str
    label: Label


@dataclass
class ChoiceList:
    """A named list of choices shared by questions (``agree5``, ``group``)."""

    name: str
    choices: list[Choice]

    def values(self) -> list[str]:
        return [c.value for c in self.choices]

    def label_of(self, value: str, language: str) -> str:
        for choice in self.choices:
            if choice.value == value:
                return in_language(choice.label, language, value)
        return value

    def numeric_range(self) -> tuple[float, float]:
        """Smallest and largest value, for reverse keying of Likert items."""
        numbers = [float(v) for v in self.values()]
        return min(numbers), max(numbers)


@dataclass
class Question:
    """One question. ``choices`` names a :class:`ChoiceList` for select and Likert types."""

    id: str
    type: str
    label: Label
    choices: str | None = None
    required: bool = False
    min: float | None = None
    max: float | None = None
    relevant: str | None = None
    reverse: bool = False
    role: str | None = None
    hint: Label = field(default_factory=dict)
    short: Label = field(default_factory=dict)  # a short name for table rows ("Role"), per language
    relevance: Relevance | None = field(default=None, repr=False, compare=False)
    group: str | None = None  # XLSForm group path ("household/adults"), as Kobo names its columns
    repeat: str | None = None  # path of the innermost repeat the question is in: many answers per submission
    # XLSForm columns kept as written but neither checked nor evaluated (choice_filter, calculation, appearance,
    # parameters, a constraint or relevant outside the supported subset ...), so that they convert back.
    xlsform: dict[str, str] = field(default_factory=dict)

    @property
    def path(self) -> str:
        """The question's XLSForm path, group prefix included (``household/age``)."""
        name = self.id.rsplit("/", 1)[-1]
        return f"{self.group}/{name}" if self.group else name

    @property
    def analysed(self) -> bool:
        """False for types kept as raw values (:data:`RAW_TYPES`)."""
        return self.type in QUESTION_TYPES

    def text(self, language: str) -> str:
        return in_language(self.label, language, self.id)

    def short_text(self, language: str) -> str:
        """The short name for tables, else the question's label."""
        return in_language(self.short, language, "") or self.text(language)


@dataclass
class Scale:
    """A multi-item scale: items, scoring rule and minimum share of answered items."""

    id: str
    label: Label
    items: list[str]
    scoring: str = "mean"
    min_answered: float = 0.75

    def text(self, language: str) -> str:
        return in_language(self.label, language, self.id)


@dataclass
class Questionnaire:
    """A questionnaire with its languages, choice lists, questions and scales."""

    id: str
    version: str
    languages: list[str]
    title: Label
    choice_lists: dict[str, ChoiceList]
    questions: list[Question]
    scales: list[Scale]
    group_question: str | None = None
    participant_key: str | None = None

    def question(self, question_id: str) -> Question:
        return self._by_id()[question_id]

    def has_question(self, question_id: str) -> bool:
        return question_id in self._by_id()

    def _by_id(self) -> dict[str, Question]:
        return {q.id: q for q in self.questions}

    def choice_list(self, question: Question) -> ChoiceList:
        assert question.choices is not None, "only select and Likert questions have choices"
        return self.choice_lists[question.choices]

    def profile_questions(self) -> list[Question]:
        """Questions that describe the respondents, in questionnaire order.

        Those marked ``role: profile``; when none is marked (a team's own
        XLSForm), every single or multiple choice question outside the scales
        and other than the group question.
        """
        marked = [q for q in self.questions if q.role == "profile"]
        if marked:
            return marked
        in_scales = {item for scale in self.scales for item in scale.items}
        return [q for q in self.questions if q.type in ("select_one", "select_multiple")
                and q.id not in in_scales and q.id != self.group_question]

    def scale_of(self, question_id: str) -> Scale | None:
        for scale in self.scales:
            if question_id in scale.items:
                return scale
        return None

    def to_dict(self) -> dict[str, Any]:
        """Plain data in the order of survey.yaml, for writing back to YAML."""
        questions = []
        for q in self.questions:
            item: dict[str, Any] = {"id": q.id, "type": q.type}
            if q.choices:
                item["choices"] = q.choices
            item["label"] = dict(q.label)
            for key in ("hint", "short"):
                if getattr(q, key):
                    item[key] = dict(getattr(q, key))
            if q.required:
                item["required"] = True
            for key in ("min", "max"):
                value = getattr(q, key)
                if value is not None:
                    item[key] = int(value) if float(value).is_integer() else value
            if q.relevant:
                item["relevant"] = q.relevant
            if q.reverse:
                item["reverse"] = True
            if q.role:
                item["role"] = q.role
            for key in ("group", "repeat"):
                if getattr(q, key):
                    item[key] = getattr(q, key)
            if q.xlsform:
                item["xlsform"] = dict(q.xlsform)
            questions.append(item)
        data: dict[str, Any] = {
            "id": self.id, "version": self.version, "languages": list(self.languages), "title": dict(self.title),
        }
        if self.group_question:
            data["group_question"] = self.group_question
        if self.participant_key:
            data["participant_key"] = self.participant_key
        data["choice_lists"] = {
            name: [{"value": c.value, "label": dict(c.label)} for c in cl.choices]
            for name, cl in self.choice_lists.items()
        }
        data["questions"] = questions
        data["scales"] = [
            {"id": s.id, "label": dict(s.label), "items": list(s.items), "scoring": s.scoring,
             "min_answered": s.min_answered}
            for s in self.scales
        ]
        return data


def load_questionnaire(path: Path, display: str | None = None) -> Questionnaire:
    """Read and validate a questionnaire from YAML (or XLSForm, by extension)."""
    if path.suffix.lower() in (".xlsx", ".xls"):
        from .xlsform import read_xlsform

        return read_xlsform(path, display=display)
    shown = display or str(path)
    data = load_yaml(path, error=InstrumentError, display=shown)
    return questionnaire_from_dict(data, shown)


def parse_label(value: Any, where: str, file: str, line: int | None, languages: list[str]) -> Label:
    """A text per language from YAML (a plain text is the first language's); unknown languages are refused."""
    if isinstance(value, str):
        return {languages[0]: value}
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise InstrumentError(f"{where}: expected a text or a mapping language -> text", file=file, line=line)
    unknown = [k for k in value if k not in languages]
    if unknown:
        raise InstrumentError(
            f"{where}: language {unknown[0]!r} is not among the questionnaire's languages {languages}",
            file=file, line=line,
        )
    return {str(k): v for k, v in value.items()}


def questionnaire_from_dict(data: Any, file: str) -> Questionnaire:
    """Build a :class:`Questionnaire` from parsed YAML, checking every field."""
    if not isinstance(data, dict):
        raise InstrumentError("expected a mapping with id, languages, choice_lists, questions", file=file)
    top = data if isinstance(data, LineDict) else LineDict(data)
    known = {"id", "version", "languages", "title", "choice_lists", "questions", "scales",
             "group_question", "participant_key"}
    for key in top:
        if key not in known:
            raise InstrumentError(f"unknown key {key!r}; expected one of {sorted(known)}", file=file,
                                  line=top.line_of(key))
    for key in ("id", "languages", "questions"):
        if key not in top:
            raise InstrumentError(f"missing required key {key!r}", file=file, line=top.line)
    languages = top["languages"]
    if not isinstance(languages, list) or not languages or not all(isinstance(x, str) for x in languages):
        raise InstrumentError("languages: expected a list of language codes such as [en, fr]", file=file,
                              line=top.line_of("languages"))
    languages = [str(x) for x in languages]

    choice_lists: dict[str, ChoiceList] = {}
    raw_lists = top.get("choice_lists") or {}
    if not isinstance(raw_lists, dict):
        raise InstrumentError("choice_lists: expected a mapping name -> list of choices", file=file,
                              line=top.line_of("choice_lists"))
    for name, items in raw_lists.items():
        line = raw_lists.line_of(name) if isinstance(raw_lists, LineDict) else None
        if not isinstance(items, list) or not items:
            raise InstrumentError(f"choice list {name!r}: expected a non-empty list", file=file, line=line)
        choices = []
        for i, item in enumerate(items):
            item_line = items.item_lines[i] if hasattr(items, "item_lines") else line
            if not isinstance(item, dict) or "value" not in item or "label" not in item:
                raise InstrumentError(f"choice list {name!r}: each choice needs value and label", file=file,
                                      line=item_line)
            choices.append(Choice(str(item["value"]), parse_label(item["label"], f"choice {item['value']!r}", file,
                                                             item_line, languages)))
        values = [c.value for c in choices]
        if len(set(values)) != len(values):
            raise InstrumentError(f"choice list {name!r}: duplicate values", file=file, line=line)
        choice_lists[str(name)] = ChoiceList(str(name), choices)

    questions: list[Question] = []
    raw_questions = top["questions"]
    if not isinstance(raw_questions, list):
        raise InstrumentError("questions: expected a list", file=file, line=top.line_of("questions"))
    question_keys = {"id", "type", "label", "hint", "short", "choices", "required", "min", "max", "relevant", "reverse",
                     "role", "group", "repeat", "xlsform"}
    for item in raw_questions:
        line = item.line if isinstance(item, LineDict) else None
        if not isinstance(item, dict) or "id" not in item or "type" not in item:
            raise InstrumentError("each question needs an id and a type", file=file, line=line)
        qid = str(item["id"])
        if not isinstance(item, LineDict):  # plain dicts (from an XLSForm) carry no line numbers
            item = LineDict(item)
        for key in item:
            if key not in question_keys:
                raise InstrumentError(f"question {qid!r}: unknown key {key!r}; expected one of "
                                      f"{sorted(question_keys)}", file=file, line=item.line_of(key))
        qtype = item["type"]
        if not isinstance(qtype, str) or qtype not in QUESTION_TYPES + RAW_TYPES:
            raise InstrumentError(f"question {qid!r}: type {qtype!r} is not one of {', '.join(QUESTION_TYPES)} "
                                  f"(or a type kept as raw values: {', '.join(RAW_TYPES)})",
                                  file=file, line=item.line_of("type"))
        choices = item.get("choices")
        if qtype in ("select_one", "select_multiple", "likert"):
            if not isinstance(choices, str) or choices not in choice_lists:
                raise InstrumentError(f"question {qid!r}: choices {choices!r} is not a defined choice list",
                                      file=file, line=item.line_of("choices") if choices else line)
        elif choices is not None:
            raise InstrumentError(f"question {qid!r}: a {qtype} question takes no choices", file=file,
                                  line=item.line_of("choices"))
        for key in ("min", "max"):
            if key in item and not isinstance(item[key], (int, float)):
                raise InstrumentError(f"question {qid!r}: {key} must be a number", file=file, line=item.line_of(key))
        for key in ("required", "reverse"):
            if key in item and not isinstance(item[key], bool):
                raise InstrumentError(f"question {qid!r}: {key} must be true or false", file=file,
                                      line=item.line_of(key))
        for key in ("group", "repeat"):
            if key in item and not isinstance(item[key], str):
                raise InstrumentError(f"question {qid!r}: {key} must be a text such as 'household/adults'",
                                      file=file, line=item.line_of(key))
        kept = item.get("xlsform", {})
        if not isinstance(kept, dict) or not all(isinstance(v, str) for v in kept.values()):
            raise InstrumentError(f"question {qid!r}: xlsform must be a mapping column -> text", file=file,
                                  line=item.line_of("xlsform"))
        role = item.get("role")
        if role is not None and (not isinstance(role, str) or role not in QUESTION_ROLES):
            raise InstrumentError(f"question {qid!r}: role {role!r} is not one of {', '.join(QUESTION_ROLES)}",
                                  file=file, line=item.line_of("role"))
        question = Question(
            id=qid, type=qtype, role=role,
            label=parse_label(item.get("label", qid), f"question {qid!r}", file, line, languages),
            hint=parse_label(item["hint"], f"question {qid!r} hint", file, line, languages) if "hint" in item else {},
            short=parse_label(item["short"], f"question {qid!r} short", file, line, languages)
            if "short" in item else {},
            choices=choices, required=bool(item.get("required", False)),
            min=item.get("min"), max=item.get("max"), relevant=item.get("relevant") or None,
            reverse=bool(item.get("reverse", False)),
            group=item.get("group"), repeat=item.get("repeat"), xlsform={str(k): v for k, v in kept.items()},
        )
        if question.relevant:
            try:
                question.relevance = compile_relevance(str(question.relevant))
            except RelevanceSyntaxError as exc:
                raise InstrumentError(f"question {qid!r}: relevant: {exc}", file=file,
                                      line=item.line_of("relevant")) from None
        if question.reverse and qtype != "likert":
            raise InstrumentError(f"question {qid!r}: only likert items can be reverse-keyed", file=file,
                                  line=item.line_of("reverse"))
        questions.append(question)
    ids = [q.id for q in questions]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise InstrumentError(f"duplicate question id {duplicates[0]!r}", file=file, line=top.line_of("questions"))
    for q in questions:
        if q.relevance:
            missing = [r for r in q.relevance.references if r not in ids]
            if missing:
                raise InstrumentError(f"question {q.id!r}: relevant refers to unknown question {missing[0]!r}",
                                      file=file, line=top.line_of("questions"))

    scales: list[Scale] = []
    raw_scales = top.get("scales") or []
    if not isinstance(raw_scales, list):
        raise InstrumentError("scales: expected a list", file=file, line=top.line_of("scales"))
    by_id = {q.id: q for q in questions}
    for item in raw_scales:
        line = item.line if isinstance(item, LineDict) else None
        if not isinstance(item, dict) or "id" not in item or not isinstance(item.get("items"), list):
            raise InstrumentError("each scale needs an id and a list of items", file=file, line=line)
        if not isinstance(item, LineDict):
            item = LineDict(item)
        sid = str(item["id"])
        for qid in item["items"]:
            if not isinstance(qid, str) or qid not in by_id or by_id[qid].type != "likert":
                raise InstrumentError(f"scale {sid!r}: item {qid!r} is not a likert question", file=file,
                                      line=item.line_of("items"))
        scoring = item.get("scoring", "mean")
        if not isinstance(scoring, str) or scoring not in SCORING_RULES:
            raise InstrumentError(f"scale {sid!r}: scoring must be one of {', '.join(SCORING_RULES)}", file=file,
                                  line=item.line_of("scoring"))
        share = item.get("min_answered", 0.75)
        if not isinstance(share, (int, float)) or not 0 < share <= 1:
            raise InstrumentError(f"scale {sid!r}: min_answered must be a share between 0 and 1 (e.g. 0.75)",
                                  file=file, line=item.line_of("min_answered"))
        scales.append(Scale(sid, parse_label(item.get("label", sid), f"scale {sid!r}", file, line, languages),
                            [str(x) for x in item["items"]], scoring, float(share)))

    for key in ("group_question", "participant_key"):
        if top.get(key) is not None and (not isinstance(top[key], str) or top[key] not in by_id):
            raise InstrumentError(f"{key}: {top[key]!r} is not a question id", file=file, line=top.line_of(key))
    return Questionnaire(
        id=str(top["id"]), version=str(top.get("version", "1")), languages=languages,
        title=parse_label(top.get("title", top["id"]), "title", file, top.line_of("title"), languages),
        choice_lists=choice_lists, questions=questions, scales=scales,
        group_question=top.get("group_question"), participant_key=top.get("participant_key"),
    )
