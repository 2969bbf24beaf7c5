"""Machine-readable outputs next to the Word chapters: results.json, and the id-labelled workbook of the
participant-level tables (the labelled tables.xlsx is :mod:`.workbook`)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd


def _clean(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # numpy scalars
        value = value.item()
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    return value


SCHEMA_VERSION = 1  # docs/results.schema.json; raised when a key is renamed or removed


def consistent_names(results: dict[str, Any]) -> dict[str, Any]:
    """results.json's names made to follow one pattern (docs/outputs.md, "Names"); returns a new dict.

    Intervals are two keys ``<statistic>_CI95_low`` / ``_CI95_high`` as in every table (the survey's reliability
    gave ``alpha_ci95: [low, high]``), a number of people is ``n`` (reliability gave ``n_complete``), and lists
    of group ids start with ``groups_`` (the chats gave ``withheld_groups``). The analyses keep their own names.

    >>> renamed = consistent_names({"survey": {"reliability": {"s": {"alpha_ci95": [0.1, 0.2], "n_complete": 9}}},
    ...                             "chats": {"withheld_groups": ["a"]}})
    >>> renamed["survey"]["reliability"]["s"], renamed["chats"]
    ({'alpha_CI95_low': 0.1, 'alpha_CI95_high': 0.2, 'n': 9}, {'groups_withheld': ['a']})
    """
    out = dict(results)
    survey = out.get("survey")
    if isinstance(survey, dict) and isinstance(survey.get("reliability"), dict):
        reliability = {}
        for scale, row in survey["reliability"].items():
            renamed = {}
            for key, value in row.items():
                if key.endswith("_ci95") and isinstance(value, (list, tuple)) and len(value) == 2:
                    statistic = key[:-len("_ci95")]
                    renamed[f"{statistic}_CI95_low"], renamed[f"{statistic}_CI95_high"] = value
                else:
                    renamed["n" if key == "n_complete" else key] = value
            reliability[scale] = renamed
        out["survey"] = {**survey, "reliability": reliability}
    chats = out.get("chats")
    if isinstance(chats, dict) and "withheld_groups" in chats:
        out["chats"] = {("groups_withheld" if k == "withheld_groups" else k): v for k, v in chats.items()}
    return out


def write_results_json(path: Path, results: dict[str, Any]) -> Path:
    """Every statistic of the report as JSON (NaN becomes null), keys sorted for stable diffs.

    The document follows docs/results.schema.json (``schema_version`` :data:`SCHEMA_VERSION`), with the names
    of :func:`consistent_names`.
    """
    document = {"schema_version": SCHEMA_VERSION, **consistent_names(results)}
    path.write_text(json.dumps(_clean(document), indent=2, sort_keys=True, ensure_ascii=False) + "\n",
                    encoding="utf-8")
    return path


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe (OWASP "CSV injection").

    >>> safe_cell("=HYPERLINK(1)"), safe_cell("-3"), safe_cell(-3), safe_cell("ok")
    ("'=HYPERLINK(1)", "'-3", -3, 'ok')
    """
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def write_tables_xlsx(path: Path, tables: dict[str, "pd.DataFrame"]) -> Path:
    """One sheet per table, sheets and columns named by their ids (participant_tables.xlsx, read by scripts).

    Names are cut to Excel's 31 characters; numbers stay numbers, text cannot run formulas. A file named
    tables.xlsx never gets a participant-level table (:func:`.exports.is_participant_table`).
    """
    import pandas as pd

    from .exports import is_participant_table

    if path.name == "tables.xlsx":  # participant-level tables go to participant_tables.xlsx (exports.py)
        tables = {name: table for name, table in tables.items() if not is_participant_table(name)}
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, table in tables.items():
            clean = table.copy()
            for column in clean.columns:
                if clean[column].dtype == object or str(clean[column].dtype) in ("str", "string"):
                    clean[column] = clean[column].map(safe_cell)
            clean.to_excel(writer, sheet_name=name[:31], index=False)
        if not tables:  # a workbook needs a sheet; say why it has no table
            pd.DataFrame({"note": ["No table: the study has no analysable data yet."]}).to_excel(
                writer, sheet_name="no tables", index=False)
    return path
