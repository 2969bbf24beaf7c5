"""What a QDA package exports and a team otherwise copies by hand: a quote matrix and a list of coder disagreements.

``quote_matrix.xlsx``
    one row per interviewee (pseudonym, group), one column per code of the
    codebook (themes and codes, codebook order, headed by the code's label in
    the study's first language). Sheet 1 (``segments``): the number of segments
    coded with the code by the transcript's reference coder (the counts of the
    chapter, :func:`mixedmethods.interviews.units.reference_segments`).
    Sheet 2 (``first quotes``): the text of the first of those segments (store
    order), cleaned as the chapter's quotes are (speaker label removed,
    :func:`mixedmethods.interviews.quotes.clean_quote`). Sheet 3 (``codes``):
    label, id and theme of each column.
``coder_disagreements.xlsx``
    one row per paragraph and code on which the two coders of a double-coded
    transcript decided differently: transcript, participant, group, paragraph
    (1 = first non-empty line), code, coder A and B (the first two coders in
    alphabetical order, the pair Cohen's kappa compares) and each one's
    decision, and the paragraph's text. Units and "applied" are those of the
    agreement table (:func:`mixedmethods.interviews.units.paragraphs` and
    :func:`~mixedmethods.interviews.units.applied`); only codes applied
    directly are listed (a theme's agreement row also counts its sub-codes,
    which are listed under their own id).

Both are participant-level (a row or a transcript is one interviewee) and
hold the store's text, which was redacted at import (names become pseudonyms,
e-mail addresses and phone numbers are removed; docs/privacy.md), so they go
where :func:`.exports.export_plan` says: ``private/exports/`` unless
study.yaml asks for public files and the participants are k-anonymous.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from ..study import Study

CODING_FILES = ("quote_matrix.xlsx", "coder_disagreements.xlsx")
DISAGREEMENT_COLUMNS = ["transcript", "participant_id", "group", "paragraph", "code", "coder_a", "decision_a",
                        "coder_b", "decision_b", "text"]
APPLIED, NOT_APPLIED = "applied", "not applied"
TEXT_LIMIT = 500  # characters of the paragraph kept beside a disagreement


def quote_matrix(segments: "pd.DataFrame", transcripts: "pd.DataFrame",
                 codes: list[str]) -> tuple["pd.DataFrame", "pd.DataFrame"]:
    """(counts, first quotes): interviewee x code, from the reference coder's segments.

    ``segments`` as :func:`~mixedmethods.interviews.units.load_segments` gives them; ``transcripts`` as
    :func:`~mixedmethods.interviews.units.load_transcripts`; ``codes`` in column order. Every interviewee has a
    row (zeros and empty cells where they have no segment of a code).
    """
    import pandas as pd

    from ..interviews.quotes import clean_quote
    from ..interviews.units import reference_segments

    people = transcripts.drop_duplicates("participant_id")[["participant_id", "group"]].reset_index(drop=True)
    reference = reference_segments(segments)
    counts = people.copy()
    quotes = people.copy()
    for code in codes:
        own = reference[reference["code_id"] == code].sort_values("segment_id", kind="stable")
        per_person = own.groupby("participant_id").size()
        first = own.drop_duplicates("participant_id").set_index("participant_id")["quote"].map(clean_quote)
        counts[code] = people["participant_id"].map(per_person).fillna(0).astype("int64")
        quotes[code] = [first.get(pid, "") for pid in people["participant_id"]]
    return counts, quotes


def disagreements(segments: "pd.DataFrame", transcripts: "pd.DataFrame") -> "pd.DataFrame":
    """Paragraph x code decisions on which the first two coders of a transcript differ.

    Columns: :data:`DISAGREEMENT_COLUMNS`; paragraphs numbered from 1, decisions :data:`APPLIED` or
    :data:`NOT_APPLIED`.
    """
    import pandas as pd

    from ..interviews.units import applied, paragraphs

    rows = []
    for _, transcript in transcripts.iterrows():
        own = segments[segments["transcript_id"] == transcript["transcript_id"]]
        coders = sorted(own["coder"].unique())
        if len(coders) < 2:
            continue
        units = paragraphs(transcript["text"])
        a, b = (applied(own[own["coder"] == coder], units) for coder in coders[:2])
        for unit, code in sorted(a ^ b, key=lambda pair: (pair[0], pair[1])):
            start, end = units[unit]
            rows.append({"transcript": transcript["name"], "participant_id": transcript["participant_id"],
                         "group": transcript["group"], "paragraph": unit + 1, "code": code,
                         "coder_a": coders[0], "decision_a": APPLIED if (unit, code) in a else NOT_APPLIED,
                         "coder_b": coders[1], "decision_b": APPLIED if (unit, code) in b else NOT_APPLIED,
                         "text": transcript["text"][start:end][:TEXT_LIMIT]})
    return pd.DataFrame(rows, columns=DISAGREEMENT_COLUMNS)


def write_coding_exports(target: Path, study: "Study", analyses: dict[str, Any], atomic) -> list[Path]:
    """quote_matrix.xlsx and coder_disagreements.xlsx in ``target`` (none without coded interviews)."""
    import pandas as pd

    from ..interviews.units import load_segments, load_transcripts
    from ..store import connect

    interviews = analyses.get("interviews")
    codebook = getattr(interviews, "tables", {}).get("codebook")
    if codebook is None or codebook.empty or not study.store_path.exists():
        return []
    conn = connect(study.store_path, create=False)
    try:
        transcripts, segments = load_transcripts(conn), load_segments(conn)
    finally:
        conn.close()
    if transcripts.empty:
        return []
    language = study.languages[0]
    label_column = f"label_{language}" if f"label_{language}" in codebook else None
    codes = list(codebook["code"])
    labels = {row["code"]: (row[label_column] if label_column else "") or row["code"] for _, row in codebook.iterrows()}
    seen: dict[str, int] = {}
    for code, label in labels.items():  # two codes with one label (under two themes) keep apart by their id
        seen[label] = seen.get(label, 0) + 1
    labels = {code: label if seen[label] == 1 else f"{label} ({code})" for code, label in labels.items()}
    counts, quotes = quote_matrix(segments, transcripts, codes)
    key = pd.DataFrame({"label": [labels[c] for c in codes], "code": codes, "theme": list(codebook["theme"])})
    written = [atomic(target / CODING_FILES[0], lambda p: _write_sheets(p, {
        "segments": counts.rename(columns=labels), "first quotes": quotes.rename(columns=labels), "codes": key}))]
    listed = disagreements(segments, transcripts)
    if not listed.empty:
        written.append(atomic(target / CODING_FILES[1], lambda p: _write_sheets(p, {"disagreements": listed})))
    return written


def _write_sheets(path: Path, sheets: dict[str, "pd.DataFrame"]) -> None:
    """Sheets with a frozen, bold header, widths from content and formula-safe text."""
    import pandas as pd
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    from .outputs import safe_cell

    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            clean = frame.copy()
            clean.columns = [safe_cell(str(c)) for c in clean.columns]
            for column in clean.columns:
                if clean[column].dtype == object or str(clean[column].dtype) in ("str", "string"):
                    clean[column] = clean[column].map(safe_cell)
            clean.to_excel(writer, sheet_name=name, index=False)
            sheet = writer.sheets[name]
            sheet.freeze_panes = "B2" if "participant_id" in frame.columns[:1] else "A2"
            for index, column in enumerate(clean.columns, start=1):
                sheet.cell(row=1, column=index).font = Font(bold=True)
                widest = max([len(str(column))] + [len(str(v)) for v in clean[column].head(200)])
                sheet.column_dimensions[get_column_letter(index)].width = min(max(widest, 8), 60) + 2
