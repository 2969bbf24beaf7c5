"""study.yaml's ``columns:`` of a survey source: export headers the readers cannot match, named by hand.

A survey source may say, for headers that no reader matches (a question
retyped in the survey tool, a column the team added)::

    - path: data/survey/wave1.csv
      columns:
        "How often do you use the group?": use_frequency   # header as written -> question id
        "Notes by the enumerator": ~                          # ~ (null): not read

The map is applied to the export's header (every sheet of a workbook)
before the reader is chosen and before any matching: a mapped header is
replaced by the question id, which every reader recognises; an ignored
column is removed. A header is found as written, else as the tolerant
comparison of :func:`~.tabular.header_key` finds it (quotes, case, spaces,
trailing punctuation). An id that is not in the questionnaire is an error
naming the line of study.yaml; a mapped header that the export does not
have is a note on the import (row 1), not an error, because one map serves
every file of a folder and a wave may lack a column.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ...errors import ConfigError
from .tabular import Sheet, closest, header_key


@dataclass(frozen=True)
class ColumnMap:
    """Export header -> question id, or None for a column not to read; ``lines``: its line in ``config``."""

    targets: dict[str, str | None]
    lines: dict[str, int | None] = field(default_factory=dict)
    config: str = "study.yaml"

    def check(self, questionnaire) -> None:
        """Every target must be a question id of ``questionnaire`` (one-line error at its study.yaml line)."""
        ids = [q.id for q in questionnaire.questions]
        for header, target in self.targets.items():
            if target is not None and target not in ids:
                hint = closest(target, ids)
                raise ConfigError(f"columns: {target!r} (for column {header!r}) is not a question id of the "
                                  "questionnaire" + (f"; did you mean {hint!r}?" if hint else "")
                                  + "; use ~ to leave a column out", file=self.config, line=self.lines.get(header))

    def apply(self, sheet: Sheet, questionnaire) -> list[tuple[int, str | None, str]]:
        """Rename and drop columns of ``sheet`` (and its other sheets) in place; returns notes ``(row, column, why)``
        for mapped headers that no sheet has."""
        self.check(questionnaire)
        found: set[str] = set()
        for one in [sheet, *sheet.others.values()]:
            found |= self._apply_one(one)
        notes = []
        for header in self.targets:
            if header not in found:
                line = self.lines.get(header)
                notes.append((1, header, f"{self.config}{f' line {line}' if line else ''} maps column {header!r} "
                              "(columns:), but this export has no such column; nothing mapped"))
        return notes

    def _apply_one(self, sheet: Sheet) -> set[str]:
        position: dict[int, str] = {}  # column index -> map key
        for key in self.targets:
            index = next((i for i, h in enumerate(sheet.header) if h == key), None)
            if index is None:
                loose = [i for i, h in enumerate(sheet.header) if h and header_key(h) == header_key(key)]
                index = loose[0] if len(loose) == 1 else None
            if index is not None and index not in position:
                position[index] = key
        if not position:
            return set()
        renamed = {i: self.targets[key] for i, key in position.items()}
        for i, target in renamed.items():
            if target is not None and target in sheet.header and sheet.header.index(target) not in renamed:
                raise ConfigError(f"columns: maps {sheet.header[i]!r} to {target!r}, but the export already has a "
                                  f"column {target!r}; map only one of them", file=self.config,
                                  line=self.lines.get(position[i]))
        keep = [i for i in range(len(sheet.header)) if renamed.get(i, "") is not None]
        sheet.header = [renamed.get(i) or sheet.header[i] for i in keep]  # type: ignore[misc]
        sheet.rows = [[values[i] for i in keep] for values in sheet.rows]
        return set(position.values())
