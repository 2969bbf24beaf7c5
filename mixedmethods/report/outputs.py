"""Machine-readable outputs next to the Word chapters: tables.xlsx and results.json."""

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


def write_results_json(path: Path, results: dict[str, Any]) -> Path:
    """Every statistic of the report as JSON (NaN becomes null), keys sorted for stable diffs."""
    path.write_text(json.dumps(_clean(results), indent=2, sort_keys=True, ensure_ascii=False) + "\n",
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
    """One sheet per table (names cut to Excel's 31 characters); numbers stay numbers, text cannot run formulas.

    tables.xlsx never holds a participant-level table (:func:`.exports.is_participant_table`).
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
