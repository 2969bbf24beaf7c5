"""The pseudonymous participant-level frame as CSV and as an SPSS .sav file with variable and value labels."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..study import Study
    from ..triangulation.analysis import TriangulationResults

SOURCE_LABELS = {"survey": "survey", "interviews": "interviews", "chats": "chats"}


def spss_name(column: str) -> str:
    """A valid SPSS variable name: letters, digits and underscores, starting with a letter, at most 64 bytes.

    >>> spss_name("confidentiality.survey"), spss_name("in_chats")
    ('confidentiality_survey', 'in_chats')
    """
    name = re.sub(r"[^A-Za-z0-9_]", "_", column)
    return (name if name[0].isalpha() else "v_" + name)[:64]


def write_participants(out: Path, results: "TriangulationResults", study: "Study") -> list[Path]:
    """participants.csv (pseudonymous ids, group, source flags, indicators) and participants.sav."""
    import pyreadstat

    frame = results.frame.copy()
    csv_path = out / "participants.csv"
    frame.to_csv(csv_path, index=False)
    groups = list(study.groups)
    sav = frame.copy()
    sav["group"] = sav["group"].map({g: i for i, g in enumerate(groups, 1)})
    for flag in ("in_survey", "in_interviews", "in_chats"):
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
    sav = sav.rename(columns=renamed)
    value_labels = {"group": {i: study.group_label(g, "en") for i, g in enumerate(groups, 1)},
                    **{flag: {0: "no", 1: "yes"} for flag in ("in_survey", "in_interviews", "in_chats")}}
    sav_path = out / "participants.sav"
    pyreadstat.write_sav(sav, str(sav_path), column_labels={renamed[c]: v for c, v in labels.items() if c in renamed},
                         variable_value_labels=value_labels)
    return [csv_path, sav_path]
