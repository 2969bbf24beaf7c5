"""A study folder: study.yaml, instruments, raw data, private/, store and report.

:func:`load_study` reads and validates ``study.yaml`` (every problem is one
line naming the line of study.yaml); :func:`init_study` creates a new study
from the bundled instruments. Layout and keys: ``docs/study-folder.md``.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from . import sources as registry
from .errors import ConfigError
from .privacy import PARTICIPANT_COLUMNS, create_key, secure_private, split_groups
from .resources import instruments_dir
from .yamlio import LineDict, dump_yaml, load_yaml

STUDY_FILE = "study.yaml"
# The group of a study that declares none and whose participants.csv names none.
SINGLE_GROUP = {"participants": {"en": "All participants", "fr": "Ensemble des participants"}}
RESERVED_GROUP_IDS = ("all",)  # "all" is the all-groups row of the descriptive tables
STORE_FILE = "store.sqlite"
GROUP_TESTS = ("mann-whitney", "welch")
LANGUAGES = ("en", "fr")
GITIGNORE = """\
# Written by `mixedmethods init`. What must never be committed or shared (docs/privacy.md):
# private/  the secret key and participants.csv: names, phone numbers and e-mails of the participants.
# data/     the raw exports and transcripts, as the tools wrote them: names, numbers and messages unredacted.
# store.sqlite*  the store: pseudonymised, but the key links it back to people.
# To share results, share report/ (pseudonymised, small cells suppressed) and the instruments/.
private/
data/
store.sqlite
store.sqlite-*
store.sqlite.lock
"""


@dataclass
class SurveySource:
    """One raw survey export and how to read it: reader, column map and date order of its time stamps."""

    path: Path
    reader: str = "auto"
    line: int | None = None
    columns: Any = None  # survey.readers.column_map.ColumnMap | None: export header -> question id (None: skip)
    date_order: str | None = None  # dmy, mdy or ymd when the time stamps cannot decide it

    def settings(self) -> dict[str, Any]:
        """The study.yaml settings that change what is stored from this file (for the import's identity)."""
        found: dict[str, Any] = {}
        if self.columns is not None:
            found["columns"] = self.columns.targets
        if self.date_order is not None:
            found["date_order"] = self.date_order
        return found


@dataclass
class ChatSource:
    """One chat export, the group it belongs to, its format and its date order if they cannot be detected."""

    path: Path
    group: str
    date_order: str | None = None
    line: int | None = None
    format: str = "auto"  # auto (detected) or a registered chat format, e.g. whatsapp, telegram


@dataclass
class ChatOptions:
    default_country_code: str | None = None  # for phone numbers written without +, e.g. "+1"
    session_gap_minutes: int = 60  # a silence longer than this ends a conversation


@dataclass
class TriangulationOptions:
    smallest_effect: float = 0.10  # smallest effect of interest, as r (mixedmethods.triangulation.convergence)


@dataclass
class InterviewOptions:
    min_agreement_units: int = 10  # a code coded on fewer paragraphs (by any coder) is flagged thin in agreement


EXPORTS = ("private", "public")  # where participants.csv/.sav go (docs/study-folder.md, docs/privacy.md)


@dataclass
class ReportOptions:
    language: str = "en"
    min_cell_size: int = 5
    group_test: str = "mann-whitney"
    output: str = "report"
    template: Path | None = None  # the team's reference .docx whose styles the report uses
    exports: str = "private"  # participant-level files: private (private/exports/) or public (report/, if k-anonymous)


SURVEY_RELIABILITY = ("pearson", "ordinal")  # survey.reliability: alpha of item scores, or ordinal alpha too


@dataclass
class SurveyOptions:
    reliability: str = "pearson"  # ordinal: also ordinal alpha from polychoric correlations (survey/ordinal.py)


@dataclass
class Study:
    """A validated study folder. Paths are absolute."""

    root: Path
    title: dict[str, str]
    languages: list[str]
    groups: dict[str, dict[str, str]]
    questionnaire_path: Path | None
    codebook_path: Path | None = None
    survey_sources: list[SurveySource] = field(default_factory=list)
    interview_files: list[Path] = field(default_factory=list)
    chat_sources: list[ChatSource] = field(default_factory=list)
    chats: ChatOptions = field(default_factory=ChatOptions)
    report: ReportOptions = field(default_factory=ReportOptions)
    triangulation: TriangulationOptions = field(default_factory=TriangulationOptions)
    interviews: InterviewOptions = field(default_factory=InterviewOptions)
    survey: SurveyOptions = field(default_factory=SurveyOptions)
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def private_dir(self) -> Path:
        return self.root / "private"

    @property
    def store_path(self) -> Path:
        return self.root / STORE_FILE

    @property
    def report_dir(self) -> Path:
        return self.root / self.report.output

    def relative(self, path: Path) -> str:
        """``path`` relative to the study root, with forward slashes (as stored in the imports table)."""
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return path.resolve().as_posix()

    @property
    def default_group(self) -> str | None:
        """The only group of a one-group study (records without a group belong to it), else None."""
        return next(iter(self.groups)) if len(self.groups) == 1 else None

    def group_label(self, group: str, language: str) -> str:
        labels = self.groups.get(group, {})
        return labels.get(language) or next(iter(labels.values()), group)

    def questionnaire(self):  # -> Questionnaire (import kept lazy)
        """The questionnaire, read once per Study object."""
        if self.questionnaire_path is None:
            raise ConfigError("no questionnaire: add instruments.questionnaire to study.yaml",
                              file=self.root / STUDY_FILE)
        if "questionnaire" not in self._cache:
            from .instrument.questionnaire import load_questionnaire

            questionnaire = load_questionnaire(self.questionnaire_path, display=self.relative(self.questionnaire_path))
            check_group_choices(questionnaire, self.groups, self.relative(self.questionnaire_path))
            self._cache["questionnaire"] = questionnaire
        return self._cache["questionnaire"]

    def codebook(self):  # -> Codebook
        from .errors import ConfigError
        from .instrument.codebook import load_codebook

        if self.codebook_path is None:
            raise ConfigError("no codebook: add instruments.codebook to study.yaml", file=self.root / STUDY_FILE)
        if "codebook" not in self._cache:
            self._cache["codebook"] = load_codebook(self.codebook_path, display=self.relative(self.codebook_path))
        return self._cache["codebook"]


def _fail(message: str, file: str, data: LineDict | None, key: str | None = None) -> ConfigError:
    line = data.line_of(key) if (data is not None and key is not None) else (data.line if data is not None else None)
    return ConfigError(message, file=file, line=line)


def _check_keys(data: Any, allowed: set[str], where: str, file: str) -> LineDict:
    if not isinstance(data, LineDict):
        raise ConfigError(f"{where}: expected a mapping", file=file, line=getattr(data, "line", None))
    for key in data:
        if key not in allowed:
            raise _fail(f"unknown key {key!r} in {where}; expected one of {', '.join(sorted(allowed))}", file,
                        data, key)
    return data


def _labels(value: Any, where: str, file: str, line: int | None) -> dict[str, str]:
    if isinstance(value, str):
        return {"en": value}
    if isinstance(value, dict) and all(isinstance(v, str) for v in value.values()):
        return {str(k): v for k, v in value.items()}
    raise ConfigError(f"{where}: expected a text or a mapping language -> text", file=file, line=line)


def load_study(root: Path) -> Study:
    """Read ``root/study.yaml`` and check every key, type and referenced file."""
    root = Path(root)
    path = root / STUDY_FILE
    shown = str(path)
    if not root.is_dir():
        raise ConfigError("study folder not found; create one with 'mixedmethods init DIR'", file=str(root))
    if not path.is_file():
        raise ConfigError("no study.yaml here; create a study with 'mixedmethods init DIR'", file=shown)
    data = load_yaml(path, display=shown)
    top = _check_keys(data, {"title", "languages", "groups", "instruments", "sources", "chats", "report",
                             "triangulation", "interviews", "survey"}, "study.yaml", shown)
    if "title" not in top:
        raise _fail("missing required key 'title'", shown, top)
    languages = top.get("languages", ["en"])
    if not isinstance(languages, list) or not all(x in LANGUAGES for x in languages) or not languages:
        raise _fail(f"languages: expected a list from {', '.join(LANGUAGES)}", shown, top, "languages")
    groups = _groups(top, root, shown)

    instruments = _check_keys(top.get("instruments", LineDict()), {"questionnaire", "codebook"}, "instruments",
                              shown)
    # Both instruments are optional: a chats-only study has neither (a named file must exist).
    questionnaire_path = _instrument_path(root, instruments, "questionnaire", "instruments/survey.yaml", shown, top)
    codebook_path = _instrument_path(root, instruments, "codebook", "instruments/codebook.yaml", shown, top)

    sources = _check_keys(top.get("sources", LineDict()), {"survey", "interviews", "chats"}, "sources", shown)
    interview_files = _interview_files(root, sources, shown)
    chat_sources = _chat_sources(root, sources, groups, shown)
    chats = _chat_options(top, shown)
    interview_options = _interview_options(top, shown)
    survey_sources: list[SurveySource] = []
    entries = sources.get("survey", [])
    if isinstance(entries, str):
        entries = [entries]
    if not isinstance(entries, list):
        raise _fail("sources.survey: expected a list of files or folders", shown, sources, "survey")
    item_lines = getattr(entries, "item_lines", [None] * len(entries))
    for entry, line in zip(entries, item_lines):
        columns, order = None, None
        if isinstance(entry, str):
            entry_path, reader = entry, "auto"
        elif isinstance(entry, LineDict):
            _check_keys(entry, {"path", "reader", "columns", "date_order"}, "a survey source", shown)
            entry_path, reader = entry.get("path"), entry.get("reader", "auto")
            if not isinstance(entry_path, str):
                raise ConfigError("a survey source needs a path", file=shown, line=entry.line)
            columns = _column_map(entry, shown)
            order = entry.get("date_order")
            if order is not None and (not isinstance(order, str) or order not in ("dmy", "mdy", "ymd")):
                raise ConfigError(f"date_order: expected dmy, mdy or ymd, got {order!r}", file=shown,
                                  line=entry.line_of("date_order"))
        else:
            raise ConfigError("sources.survey: each entry is a path or {path, reader, columns, date_order}",
                              file=shown, line=line)
        readers = survey_readers()
        if reader not in readers:
            raise ConfigError(f"reader {reader!r} is not one of {', '.join(readers)}", file=shown, line=line)
        full = root / entry_path
        if full.is_dir():
            suffixes = registry.suffixes("survey")
            files = sorted(p for p in full.iterdir() if p.suffix.lower() in suffixes and
                           not p.name.startswith(("~$", ".")))
            survey_sources.extend(SurveySource(p, reader, line, columns, order) for p in files)
        elif full.is_file():
            survey_sources.append(SurveySource(full, reader, line, columns, order))
        else:
            raise ConfigError(f"survey source {entry_path!r} not found", file=shown, line=line)

    report_raw = _check_keys(top.get("report", LineDict()), {"language", "min_cell_size", "group_test", "output",
                                                             "template", "exports"}, "report", shown)
    report = ReportOptions()
    if "language" in report_raw:
        if report_raw["language"] not in languages:
            raise _fail(f"report.language: expected one of the study's languages {languages}", shown, report_raw,
                        "language")
        report.language = report_raw["language"]
    if "min_cell_size" in report_raw:
        k = report_raw["min_cell_size"]
        if not isinstance(k, int) or isinstance(k, bool) or k < 1:
            raise _fail(f"report.min_cell_size: expected a whole number of at least 1, got {k!r}", shown,
                        report_raw, "min_cell_size")
        report.min_cell_size = k
    if "group_test" in report_raw:
        if report_raw["group_test"] not in GROUP_TESTS:
            raise _fail(f"report.group_test: expected one of {', '.join(GROUP_TESTS)}", shown, report_raw,
                        "group_test")
        report.group_test = report_raw["group_test"]
    if "output" in report_raw:
        if not isinstance(report_raw["output"], str) or report_raw["output"].startswith(("private", "data")):
            raise _fail("report.output: expected a folder name such as 'report' (not private/ or data/)", shown,
                        report_raw, "output")
        report.output = report_raw["output"]
    if "exports" in report_raw:
        if report_raw["exports"] not in EXPORTS:
            raise _fail(f"report.exports: expected one of {', '.join(EXPORTS)}, got {report_raw['exports']!r}", shown,
                        report_raw, "exports")
        report.exports = report_raw["exports"]
    if "template" in report_raw:
        template = report_raw["template"]
        if not isinstance(template, str) or not template.endswith(".docx") or not (root / template).is_file():
            raise _fail(f"report.template: expected an existing .docx file, got {template!r}", shown, report_raw,
                        "template")
        report.template = (root / template).resolve()
    title = _labels(top["title"], "title", shown, top.line_of("title"))
    survey = _survey_options(top, shown)
    return Study(root=root.resolve(), title=title, languages=list(languages), groups=groups,
                 questionnaire_path=questionnaire_path, codebook_path=codebook_path, survey_sources=survey_sources,
                 interview_files=interview_files, chat_sources=chat_sources, chats=chats, report=report,
                 triangulation=_triangulation_options(top, shown), interviews=interview_options,
                 survey=survey)


def _survey_options(top: LineDict, shown: str) -> SurveyOptions:
    """study.yaml ``survey:`` (analysis options of the survey; its files are under ``sources``)."""
    raw = _check_keys(top.get("survey", LineDict()), {"reliability"}, "survey", shown)
    options = SurveyOptions()
    if "reliability" in raw:
        if raw["reliability"] not in SURVEY_RELIABILITY:
            raise _fail(f"survey.reliability: expected one of {', '.join(SURVEY_RELIABILITY)}, got "
                        f"{raw['reliability']!r}", shown, raw, "reliability")
        options.reliability = raw["reliability"]
    return options


def _groups(top: LineDict, root: Path, shown: str) -> dict[str, dict[str, str]]:
    """The study's groups: declared in study.yaml, else those named in private/participants.csv, else one group."""
    if "groups" not in top:
        return _groups_of_participants(root) or dict(SINGLE_GROUP)
    groups_raw = top["groups"]
    if not isinstance(groups_raw, LineDict) or not groups_raw:
        raise _fail("groups: expected a mapping group id -> label per language", shown, top, "groups")
    groups = {}
    for g, v in groups_raw.items():
        if str(g) in RESERVED_GROUP_IDS:
            raise _fail(f"group id {g!r} is reserved for the all-groups rows of the tables; choose another id",
                        shown, groups_raw, g)
        groups[str(g)] = _labels(v, f"group {g!r}", shown, groups_raw.line_of(g))
    return groups


def _groups_of_participants(root: Path) -> dict[str, dict[str, str]]:
    """Group ids in the group column of private/participants.csv, in order of first appearance (label = id)."""
    import csv

    path = root / "private" / "participants.csv"
    if not path.is_file():
        return {}
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            # A person in several groups names them separated by ";" (privacy.split_groups).
            names = [n for row in csv.DictReader(handle) for n in split_groups(row.get("group") or "")]
    except (UnicodeDecodeError, csv.Error):
        return {}  # the import reports the file's problem with its line
    return {name: {"en": name} for name in dict.fromkeys(n for n in names if n and n not in RESERVED_GROUP_IDS)}


def _column_map(entry: LineDict, shown: str):
    """A survey source's ``columns:`` (export header -> question id, or ~ to skip the column), or None."""
    from .survey.readers.column_map import ColumnMap

    raw = entry.get("columns")
    if raw is None or raw == {}:
        return None
    if not isinstance(raw, LineDict):
        raise _fail("columns: expected a mapping 'header as in the export': question_id (or ~ to skip the column)",
                    shown, entry, "columns")
    targets: dict[str, str | None] = {}
    for header, target in raw.items():
        if target is not None and not isinstance(target, str):
            raise _fail(f"columns: {header!r} maps to {target!r}; expected a question id or ~ (skip the column)",
                        shown, raw, header)
        targets[str(header)] = target
    return ColumnMap(targets, {str(h): raw.line_of(h) for h in raw}, shown)


def check_group_choices(questionnaire, groups: dict[str, dict[str, str]], shown: str) -> None:
    """Every answer of the questionnaire's group question must be a group of study.yaml (one-line error)."""
    question_id = questionnaire.group_question
    if not question_id or questionnaire.question(question_id).choices is None:
        return
    offered = questionnaire.choice_list(questionnaire.question(question_id)).values()
    unknown = [value for value in offered if value not in groups]
    if unknown:
        raise ConfigError(f"the group question {question_id!r} offers {unknown[0]!r}, which is not a group in "
                          f"study.yaml (groups: {', '.join(groups)}); add it to study.yaml groups or remove the "
                          "choice", file=shown)


def survey_readers() -> list[str]:
    """What ``reader:`` in study.yaml and ``--reader`` accept: ``auto`` and every registered survey reader."""
    return ["auto", *registry.names("survey")]


def chat_formats() -> list[str]:
    """What ``format:`` of a chat source and ``chats inspect --format`` accept: ``auto`` and every chat format."""
    return ["auto", *registry.names("chats")]


def _chat_sources(root: Path, sources: LineDict, groups: dict, shown: str) -> list[ChatSource]:
    """sources.chats: a list of {path, group, date_order, format}."""
    entries = sources.get("chats", [])
    if not isinstance(entries, list):
        raise _fail("sources.chats: expected a list of {path: ..., group: ...}", shown, sources, "chats")
    found = []
    for entry in entries:
        line = getattr(entry, "line", None)
        entry = _check_keys(entry, {"path", "group", "date_order", "format"}, "a chat source", shown)
        path, group = entry.get("path"), entry.get("group")
        if not isinstance(path, str) or not (root / path).is_file():
            raise ConfigError(f"chat export {path!r} not found", file=shown, line=entry.line_of("path"))
        if not isinstance(group, (str, int)) or isinstance(group, bool) or str(group) not in groups:
            raise ConfigError(f"chat group {group!r} is not one of the study's groups ({', '.join(groups)})",
                              file=shown, line=entry.line_of("group") if "group" in entry else line)
        order = entry.get("date_order")
        if order is not None and (not isinstance(order, str) or order not in ("dmy", "mdy", "ymd")):
            raise ConfigError("date_order: expected dmy, mdy or ymd", file=shown, line=entry.line_of("date_order"))
        chat_format = entry.get("format", "auto")
        if not isinstance(chat_format, str) or chat_format not in chat_formats():
            raise ConfigError(f"chat format {chat_format!r} is not one of {', '.join(chat_formats())}", file=shown,
                              line=entry.line_of("format"))
        found.append(ChatSource(root / path, str(group), order, line, chat_format))
    return found


def _chat_options(top: LineDict, shown: str) -> ChatOptions:
    raw = _check_keys(top.get("chats", LineDict()), {"default_country_code", "session_gap_minutes"}, "chats", shown)
    options = ChatOptions()
    if "default_country_code" in raw:
        code = str(raw["default_country_code"])
        if not re.fullmatch(r"\+?\d{1,4}", code):
            raise _fail("chats.default_country_code: expected a code such as '+1' or '+33'", shown, raw,
                        "default_country_code")
        options.default_country_code = code if code.startswith("+") else "+" + code
    if "session_gap_minutes" in raw:
        gap = raw["session_gap_minutes"]
        if not isinstance(gap, int) or isinstance(gap, bool) or not 1 <= gap <= 1440:
            raise _fail("chats.session_gap_minutes: expected whole minutes from 1 to 1440", shown, raw,
                        "session_gap_minutes")
        options.session_gap_minutes = gap
    return options


def _number_setting(top: LineDict, section: str, key: str, fits: Callable[[Any], bool], expected: str,
                    shown: str) -> Any:
    """``section.key`` of study.yaml: None when absent, the number when ``fits`` accepts it, else one error line.

    A boolean is never a number here (YAML reads ``yes`` as True, which Python counts as 1).
    """
    raw = _check_keys(top.get(section, LineDict()), {key}, section, shown)
    if key not in raw:
        return None
    value = raw[key]
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not fits(value):
        raise _fail(f"{section}.{key}: expected {expected}, got {value!r}", shown, raw, key)
    return value


def _triangulation_options(top: LineDict, shown: str) -> TriangulationOptions:
    value = _number_setting(top, "triangulation", "smallest_effect", lambda v: 0 < v < 1,
                            "a correlation r above 0 and below 1 (e.g. 0.1)", shown)
    return TriangulationOptions() if value is None else TriangulationOptions(smallest_effect=float(value))


def _interview_options(top: LineDict, shown: str) -> InterviewOptions:
    value = _number_setting(top, "interviews", "min_agreement_units", lambda v: isinstance(v, int) and v >= 1,
                            "a whole number of at least 1", shown)
    return InterviewOptions() if value is None else InterviewOptions(min_agreement_units=value)


def _instrument_path(root: Path, instruments: LineDict, key: str, default: str, shown: str,
                     top: LineDict) -> Path | None:
    """An instrument file named in study.yaml (must exist), or the default one if it exists."""
    value = instruments.get(key)
    if value is None:
        return root / default if (root / default).is_file() else None
    if not isinstance(value, str):
        raise _fail(f"instruments.{key}: expected a file path", shown, instruments, key)
    if not (root / value).is_file():
        raise ConfigError(f"instruments.{key}: file {value!r} not found", file=shown, line=instruments.line_of(key))
    return root / value


def _interview_files(root: Path, sources: LineDict, shown: str) -> list[Path]:
    """Interview files from sources.interviews (files or folders); default: data/interviews if present."""
    from .interviews.readers import interview_files

    entries = sources.get("interviews")
    if entries is None:
        folder = root / "data" / "interviews"
        return interview_files(folder) if folder.is_dir() else []
    if isinstance(entries, str):
        entries = [entries]
    if not isinstance(entries, list):
        raise _fail("sources.interviews: expected a list of files or folders", shown, sources, "interviews")
    files: list[Path] = []
    for entry, line in zip(entries, getattr(entries, "item_lines", [None] * len(entries))):
        full = root / str(entry)
        if full.is_dir():
            files.extend(interview_files(full))
        elif full.is_file():
            files.append(full)
        else:
            raise ConfigError(f"interview source {entry!r} not found", file=shown, line=line)
    return files


def default_study_yaml(title: str = "My mixed-methods study") -> dict[str, Any]:
    """The study.yaml that ``init`` writes: its groups are the answers of the bundled questionnaire's group question."""
    from .instrument.questionnaire import load_questionnaire

    bundled = load_questionnaire(instruments_dir() / "survey.yaml")
    groups = {}
    if bundled.group_question and bundled.question(bundled.group_question).choices:
        for choice in bundled.choice_list(bundled.question(bundled.group_question)).choices:
            groups[choice.value] = dict(choice.label)
    return {
        "title": {"en": title, "fr": title},
        "languages": ["en", "fr"],
        **({"groups": groups} if groups else {}),
        "instruments": {"questionnaire": "instruments/survey.yaml", "codebook": "instruments/codebook.yaml"},
        "sources": {"survey": ["data/survey"], "interviews": ["data/interviews"], "chats": []},
        "chats": {"default_country_code": "+1", "session_gap_minutes": 60},
        "report": {"language": "en", "min_cell_size": 5, "group_test": "mann-whitney", "output": "report"},
    }


def init_study(root: Path, config: dict[str, Any] | None = None) -> Path:
    """Create a study folder from the bundled instruments; refuse to touch an existing study."""
    root = Path(root)
    if (root / STUDY_FILE).exists():
        raise ConfigError("a study already exists here; nothing was changed", file=str(root / STUDY_FILE))
    for sub in ("instruments", "data/survey", "data/interviews", "data/chats", "private"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    for source in sorted(instruments_dir().iterdir()):
        target = root / "instruments" / source.name
        if source.is_file() and not target.exists():
            shutil.copyfile(source, target)
    create_key(root / "private")
    participants = root / "private" / "participants.csv"
    if not participants.exists():
        participants.write_text(",".join(PARTICIPANT_COLUMNS) + "\n", encoding="utf-8")
    secure_private(root / "private")
    gitignore = root / ".gitignore"
    if not gitignore.exists():
        gitignore.write_text(GITIGNORE, encoding="utf-8")
    (root / STUDY_FILE).write_text(
        "# mixedmethods study configuration; keys are documented in docs/study-folder.md\n"
        + dump_yaml(config or default_study_yaml()), encoding="utf-8")
    return root
