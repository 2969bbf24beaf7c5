"""``instrument convert``: questionnaire YAML <-> XLSForm, chosen by file extension."""

from __future__ import annotations

from pathlib import Path

from ..errors import InstrumentError
from ..yamlio import dump_yaml
from .questionnaire import load_questionnaire
from .xlsform import write_xlsform

YAML = (".yaml", ".yml")
XLSX = (".xlsx",)


def convert_instrument(source: Path, target: Path) -> None:
    """Read ``source`` and write it to ``target`` in the format of its extension."""
    if not source.is_file():
        raise InstrumentError("file not found", file=source)
    if target.exists():
        raise InstrumentError("target exists; choose a new file name (nothing was overwritten)", file=target)
    src, dst = source.suffix.lower(), target.suffix.lower()
    if src not in YAML + XLSX:
        raise InstrumentError(f"unsupported source type {src or '(none)'}; expected .yaml or .xlsx", file=source)
    if dst not in YAML + XLSX:
        raise InstrumentError(f"unsupported target type {dst or '(none)'}; expected .yaml or .xlsx", file=target)
    questionnaire = load_questionnaire(source)
    if dst in XLSX:
        write_xlsform(questionnaire, target)
    else:
        target.write_text(dump_yaml(questionnaire.to_dict()), encoding="utf-8")
