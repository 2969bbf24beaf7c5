"""``instrument convert``: questionnaire YAML <-> XLSForm, codebook YAML <-> REFI-QDA .qdc, by extension."""

from __future__ import annotations

from pathlib import Path

from ..errors import InstrumentError
from ..yamlio import dump_yaml
from .questionnaire import load_questionnaire
from .xlsform import write_xlsform

YAML = (".yaml", ".yml")
XLSX = (".xlsx",)
QDC = (".qdc",)


def convert_instrument(source: Path, target: Path) -> None:
    """Read ``source`` and write it to ``target`` in the format of its extension."""
    if not source.is_file():
        raise InstrumentError("file not found", file=source)
    if target.exists():
        raise InstrumentError("target exists; choose a new file name (nothing was overwritten)", file=target)
    src, dst = source.suffix.lower(), target.suffix.lower()
    if src not in YAML + XLSX + QDC:
        raise InstrumentError(f"unsupported source type {src or '(none)'}; expected .yaml, .xlsx or .qdc",
                              file=source)
    if dst not in YAML + XLSX + QDC:
        raise InstrumentError(f"unsupported target type {dst or '(none)'}; expected .yaml, .xlsx or .qdc",
                              file=target)
    if src in QDC or dst in QDC or (src in YAML and _is_codebook(source)):
        _convert_codebook(source, target, src, dst)
        return
    questionnaire = load_questionnaire(source)
    if dst in XLSX:
        write_xlsform(questionnaire, target)
    else:
        target.write_text(dump_yaml(questionnaire.to_dict()), encoding="utf-8")


def _is_codebook(path: Path) -> bool:
    from ..yamlio import load_yaml

    data = load_yaml(path, error=InstrumentError)
    return isinstance(data, dict) and "codes" in data


def _convert_codebook(source: Path, target: Path, src: str, dst: str) -> None:
    from .codebook import load_codebook
    from .qdc import write_qdc

    if dst in XLSX or src in XLSX:
        raise InstrumentError("a codebook converts between .yaml and .qdc, not .xlsx", file=target)
    codebook = load_codebook(source)
    if dst in QDC:
        write_qdc(codebook, target)
    else:
        target.write_text(dump_yaml(codebook.to_dict()), encoding="utf-8")
