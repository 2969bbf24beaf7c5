"""Participant-level files: participants.csv/.sav, participant_tables.xlsx, survey_items.csv/.sav (answers item by
item, :mod:`.item_export`), quote_matrix.xlsx and coder_disagreements.xlsx (:mod:`.coding_exports`).

They hold one row per pseudonymous participant (or pair of participants), so
they are written to ``private/exports/`` unless study.yaml sets
``report.exports: public`` **and** they pass a k-anonymity check on the
quasi-identifiers (group and the questionnaire's ``role: profile``
questions, :func:`mixedmethods.disclosure.quasi_identifiers`): then they go
to ``report/`` with the other outputs. When public is asked but the check
fails they are written privately, and the console and the report's methods
say so (docs/privacy.md).
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from ..study import Study
    from ..triangulation.analysis import TriangulationResults

SOURCE_LABELS = {"survey": "survey", "interviews": "interviews", "chats": "chats"}
# Tables with one row per participant or pair of participants: never in tables.xlsx, only here.
PARTICIPANT_TABLES = ("per_participant", "next_speaker", "mentions")
PRIVATE_EXPORTS = Path("private") / "exports"
SOURCE_FLAGS = ("in_survey", "in_interviews", "in_chats")


def is_participant_table(name: str) -> bool:
    """``chats_per_participant``, ``chats_mentions`` ...: a table of tables.xlsx that is participant-level."""
    return name.endswith(PARTICIPANT_TABLES)


def spss_name(column: str) -> str:
    """A valid SPSS variable name: letters, digits and underscores, starting with a letter, at most 64 bytes.

    >>> spss_name("confidentiality.survey"), spss_name("in_chats")
    ('confidentiality_survey', 'in_chats')
    """
    name = re.sub(r"[^A-Za-z0-9_]", "_", column)
    return (name if name[0].isalpha() else "v_" + name)[:64]


def _people(analyses: dict[str, Any]) -> "pd.DataFrame":
    """participant_id -> group of everyone in a participant-level file."""
    import pandas as pd

    frames = []
    triangulation = analyses.get("triangulation")
    if triangulation is not None and triangulation.frame is not None:
        frames.append(triangulation.frame[["participant_id", "group"]])
    for result in analyses.values():
        for name, table in getattr(result, "tables", {}).items():
            if is_participant_table(name) and "participant_id" in table:
                part = table[["participant_id"]].assign(group=table["group"] if "group" in table else pd.NA)
                frames.append(part)
    if not frames:
        return pd.DataFrame(columns=["participant_id", "group"])
    people = pd.concat(frames, ignore_index=True)
    # A person's group is the first one found, in the order above: the triangulation frame holds the first group
    # listed in participants.csv (a person may belong to several); chat tables have one row per person and chat.
    missing = people["group"].isna()
    people = pd.concat([people[~missing], people[missing]]).drop_duplicates("participant_id")
    return people.sort_values("group", na_position="last", kind="stable").reset_index(drop=True)


def export_plan(study: "Study", analyses: dict[str, Any]) -> dict[str, Any]:
    """Where the participant-level files go, and why; kept in the triangulation statistics (results.json).

    Keys: ``asked`` (study.yaml ``report.exports``), ``where`` (``public`` = report/, ``private`` =
    private/exports/), ``quasi_identifiers``, ``k_anonymous`` (None when not checked), ``unique`` (people
    unique on the quasi-identifiers).
    """
    from ..disclosure import is_k_anonymous, profile_frame, quasi_identifiers, unique_count

    triangulation = analyses.get("triangulation")
    known = getattr(triangulation, "statistics", {}).get("participant_exports")
    if known is not None:
        return known
    questionnaire = study.questionnaire() if study.questionnaire_path is not None else None
    columns = quasi_identifiers(questionnaire)
    people = _people(analyses)
    profiles = profile_frame(study.store_path, questionnaire).drop(columns=["group"], errors="ignore")
    frame = people.join(profiles, on="participant_id") if not people.empty else people
    anonymous = is_k_anonymous(frame, columns, study.report.min_cell_size)
    plan = {"asked": study.report.exports, "quasi_identifiers": columns, "k_anonymous": anonymous,
            "unique": unique_count(frame, columns) if not frame.empty else 0,
            "where": "public" if study.report.exports == "public" and anonymous else "private"}
    if triangulation is not None:
        triangulation.statistics["participant_exports"] = plan
    return plan


def _participant_frames(analyses: dict[str, Any]) -> dict[str, "pd.DataFrame"]:
    return {f"{name}_{key}": table for name, result in analyses.items()
            for key, table in getattr(result, "tables", {}).items() if is_participant_table(key)}


def write_participants(out: Path, analyses: dict[str, Any], study: "Study") -> list[Path]:
    """Write the participant-level files where :func:`export_plan` says; returns those written into ``out``.

    Public: into ``out`` (the build's staging folder, published with the report). Private: into
    private/exports/ directly, each file through a temporary file and a rename, and nothing is returned
    for the report folder.
    """
    plan = export_plan(study, analyses)
    if plan["where"] == "public":
        target = out
    else:
        target = study.root / PRIVATE_EXPORTS
        target.mkdir(parents=True, exist_ok=True)
        os.chmod(target, 0o700)
    written = []
    triangulation = analyses.get("triangulation")
    if triangulation is not None and triangulation.frame is not None:
        written += _write_frame(target, triangulation, study)
    tables = _participant_frames(analyses)
    if tables:
        written.append(_atomic(target / "participant_tables.xlsx", lambda p: write_participant_tables(p, tables)))
    from .coding_exports import write_coding_exports
    from .item_export import write_item_answers

    written += write_item_answers(target, study, _atomic)
    written += write_coding_exports(target, study, analyses, _atomic)
    if plan["where"] == "public":
        return written
    for path in written:
        os.chmod(path, 0o600)
        stale = study.report_dir / path.name  # a copy a previous build published must not stay public
        if stale.is_file():
            stale.unlink()
    if study.report.exports == "public":
        import click  # the one line the user must see on the console, whoever called build

        click.echo(f"participant-level files written to {PRIVATE_EXPORTS.as_posix()}, not report/: fewer than "
                   f"{study.report.min_cell_size} participants share some combination of "
                   f"{', '.join(plan['quasi_identifiers'])} (report.exports: public needs k-anonymity)", err=True)
    return []


def write_participant_tables(path: Path, tables: dict[str, "pd.DataFrame"]) -> Path:
    """participant_tables.xlsx: the cells :func:`.outputs.write_tables_xlsx` writes, streamed row by row.

    Its tables have a row per pair of people who wrote after or mentioned each other (``next_speaker``,
    ``mentions``): their number grows with the messages until every pair of members has occurred (11,500
    rows for two chats of 62 and 90 members at a million messages, against 5,200 in the demo), and pandas'
    ``to_excel`` with openpyxl keeps a styled cell object per value before writing: 3 s at a million
    messages. The same values (numbers as numbers, a missing value as an empty text cell and infinities as
    "inf", as ``to_excel`` writes them; text through :func:`.outputs.safe_cell`) are written as SpreadsheetML
    directly (:mod:`.xlsxstream`), in a tenth of openpyxl's write-only time. A table with other kinds of
    columns (dates, nullable integers, objects) is written by ``write_tables_xlsx``.
    """
    from datetime import date, datetime, time

    from .outputs import write_tables_xlsx
    from .xlsxstream import write_xlsx

    columns = {name: [_cells(table[c]) for c in table.columns] for name, table in tables.items()}
    if any(not table.columns.size or not all(isinstance(c, str) for c in table.columns) or
           any(cells is None for cells in columns[name]) for name, table in tables.items()):
        return write_tables_xlsx(path, tables)
    return write_xlsx(path, {name: (list(table.columns), zip(*columns[name])) for name, table in tables.items()},
                      datetime.combine(date.today(), time()))


def _cells(values: "pd.Series") -> list | None:
    """The cell values ``DataFrame.to_excel`` writes for a column (None for a kind of column not handled here)."""
    import math

    import pandas as pd

    from .outputs import safe_cell

    kind = values.dtype.kind if not isinstance(values.dtype, pd.StringDtype) else "U"
    if kind in "iub" and not isinstance(values.dtype, pd.api.extensions.ExtensionDtype):
        return values.tolist()
    if kind == "f" and not isinstance(values.dtype, pd.api.extensions.ExtensionDtype):
        return ["" if v != v else "inf" if v == math.inf else "-inf" if v == -math.inf else v for v in values.tolist()]
    if kind in "UO":
        cells = values.tolist()
        if not all(isinstance(v, str) or v is None or (isinstance(v, float) and v != v) for v in cells):
            return None
        return [safe_cell(v) if isinstance(v, str) else "" for v in cells]
    return None


def _atomic(path: Path, write) -> Path:
    """Write through a temporary file in the same folder, then rename (a kill leaves the old file whole)."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=path.suffix, dir=path.parent)
    os.close(handle)
    try:
        write(Path(temporary))
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return path


def _write_frame(out: Path, results: "TriangulationResults", study: "Study") -> list[Path]:
    """participants.csv (pseudonymous ids, group, source flags, indicators) and participants.sav."""
    import pyreadstat

    frame = results.frame.copy()
    csv_path = _atomic(out / "participants.csv", lambda p: frame.to_csv(p, index=False))
    groups = list(study.groups)
    sav = frame.copy()
    sav["group"] = sav["group"].map({g: i for i, g in enumerate(groups, 1)})
    for flag in SOURCE_FLAGS:
        sav[flag] = sav[flag].astype(int)
    labels = {"participant_id": "Pseudonymous participant id", "group": "Group",
              "in_survey": "Answered the questionnaire", "in_interviews": "Was interviewed",
              "in_chats": "Wrote in the group chat"}
    for construct in results.constructs:
        label = construct.label.get("en") or construct.id
        for source, indicator in construct.indicators.items():
            what = indicator.scale or indicator.item or indicator.metric or \
                f"{indicator.measure} of {', '.join(indicator.codes)}"
            labels[f"{construct.id}.{source}"] = f"{label}: {source} ({what}; higher = {indicator.direction})"[:250]
    renamed = {c: spss_name(c) for c in sav.columns}
    measures, formats = spss_levels(sav, results)
    sav = sav.rename(columns=renamed)
    value_labels = {"group": {i: study.group_label(g, "en") for i, g in enumerate(groups, 1)},
                    **{flag: {0: "no", 1: "yes"} for flag in SOURCE_FLAGS},
                    **{renamed[c]: {0: "no", 1: "yes"} for c, level in measures.items()
                       if level == "nominal" and c not in ("participant_id", "group", *SOURCE_FLAGS)}}  # presence
    sav_path = _atomic(out / "participants.sav", lambda p: pyreadstat.write_sav(
        sav, str(p), column_labels={renamed[c]: v for c, v in labels.items() if c in renamed},
        variable_value_labels=value_labels,
        variable_measure={renamed[c]: v for c, v in measures.items()},
        variable_format={renamed[c]: v for c, v in formats.items()}))
    return [csv_path, sav_path]


def spss_levels(frame: "pd.DataFrame", results: "TriangulationResults") -> tuple[dict[str, str], dict[str, str]]:
    """SPSS measure level and display format of each column of the participant frame.

    Text: nominal, ``A<width>``. Group and source flags (coded 1..k, 0/1): nominal, ``F8.0``. An indicator:
    interview ``presence`` (0/1) nominal; a single survey item (an answer code) ordinal; anything else (a scale
    mean, a coverage, a chat metric) scale. Whole-number columns (counts) get ``F8.0``, others ``F8.2``.
    """
    import pandas as pd

    kinds = {}
    for construct in results.constructs:
        for source, indicator in construct.indicators.items():
            kinds[f"{construct.id}.{source}"] = ("nominal" if indicator.measure == "presence" else
                                                 "ordinal" if indicator.item else "scale")
    measures, formats = {}, {}
    for column in frame.columns:
        values = frame[column]
        if not pd.api.types.is_numeric_dtype(values):
            width = int(values.dropna().astype(str).str.len().max()) if values.notna().any() else 1
            measures[column], formats[column] = "nominal", f"A{max(width, 1)}"
            continue
        whole = values.dropna()
        whole = bool(((whole % 1) == 0).all())
        measures[column] = "nominal" if column in ("group", *SOURCE_FLAGS) else kinds.get(column, "scale")
        formats[column] = "F8.0" if whole or measures[column] != "scale" else "F8.2"
    return measures, formats
