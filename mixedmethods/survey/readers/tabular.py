"""Low-level reading of a CSV or XLSX export into a header and numbered rows.

CSV files may be UTF-8 (with or without BOM) or Windows-1252, delimited by
commas, semicolons or tabs; the delimiter is taken from the header line.
Cells are returned as text: numbers that are whole become ``"3"`` and Excel
dates become ISO 8601, so validation sees one representation.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

from ...errors import InputFileError

DELIMITERS = (",", ";", "\t")


@dataclass
class Sheet:
    """A header and rows of text cells; ``numbers[i]`` is the file row of ``rows[i]`` (header = 1)."""

    header: list[str]
    rows: list[list[str]]
    numbers: list[int]
    encoding: str = "utf-8"
    delimiter: str | None = None
    others: dict[str, "Sheet"] = field(default_factory=dict)  # further worksheets of an .xlsx, by name
    notes: list[tuple[int, str | None, str]] = field(default_factory=list)  # (row, column, why): cells not read


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds") if value.time() != time(0) else value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def decode(data: bytes, shown: str) -> tuple[str, str]:
    """Decode export bytes as UTF-8 (BOM allowed) or Windows-1252; refuse anything else."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:4096]:
        raise InputFileError("this looks like UTF-16 text; save the export as UTF-8 or Windows-1252 CSV", file=shown)
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputFileError(f"unreadable text encoding (byte 0x{data[exc.start]:02x}); expected UTF-8 or "
                             "Windows-1252", file=shown, line=line) from None


def read_csv(path: Path, shown: str) -> Sheet:
    """Read a CSV export; the delimiter is the most frequent of , ; TAB in the header line."""
    text, encoding = decode(path.read_bytes(), shown)
    # Quoted header cells may hold commas (KoboToolbox quotes every cell and separates them with ";").
    first = re.sub(r'"[^"]*"', "", text.split("\n", 1)[0])
    counts = {d: first.count(d) for d in DELIMITERS}
    delimiter = max(counts, key=lambda d: counts[d])
    if counts[delimiter] == 0:
        raise InputFileError("only one column found in the header; expected columns separated by commas or "
                             "semicolons", file=shown, line=1)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[list[str]] = []
    numbers: list[int] = []
    try:
        header = [h.strip() for h in next(reader)]
        while True:
            line = reader.line_num + 1
            try:
                values = next(reader)
            except StopIteration:
                break
            if not any(v.strip() for v in values):
                continue
            if len(values) > len(header):
                raise InputFileError(f"{len(values)} cells but the header has {len(header)} columns; check the "
                                     "delimiter and quotes", file=shown, line=line)
            if len(values) == 1 < len(header):
                other = next((d for d in DELIMITERS if d != delimiter and values[0].count(d) >= len(header) - 1), None)
                if other is not None:  # a comma header over semicolon rows would store responses with no answers
                    raise InputFileError(f"this row is separated by {other!r} but the header by {delimiter!r}; save "
                                         "the export again with one delimiter", file=shown, line=line)
            rows.append([v.strip() for v in values] + [""] * (len(header) - len(values)))
            numbers.append(line)
    except StopIteration:
        raise InputFileError("the file is empty; expected a header row", file=shown, line=1) from None
    except csv.Error as exc:
        raise InputFileError(f"malformed CSV ({exc})", file=shown, line=reader.line_num) from None
    return Sheet(header, rows, numbers, encoding, delimiter)


def read_xlsx(path: Path, shown: str) -> Sheet:
    """Read the first worksheet of an .xlsx export; the other non-empty ones go to ``others``.

    Other sheets matter for KoboToolbox, which writes each repeat group to
    its own sheet; readers that expect one sheet ignore them.
    """
    from openpyxl import load_workbook

    from ...safeinput import check_zip_file

    check_zip_file(path, shown, "cannot open as an Excel workbook")  # a zip bomb is refused before openpyxl inflates it
    formulas = None
    try:
        book = load_workbook(path, read_only=True, data_only=True)
        if _has_formulas(path):  # formulas without a saved value read as empty: find them to say so
            formulas = load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException ...
        raise InputFileError(f"cannot open as an Excel workbook ({type(exc).__name__}); is the file complete?",
                             file=shown) from None
    try:
        if not book.worksheets:
            raise InputFileError("the workbook has no worksheet", file=shown)
        first = _worksheet(book.worksheets[0], shown, required=True,
                           formulas=formulas.worksheets[0] if formulas is not None else None)
        for worksheet in book.worksheets[1:]:
            other = _worksheet(worksheet, shown, required=False)
            if other is not None and other.header:
                first.others[worksheet.title] = other
    except InputFileError:
        raise
    except Exception as exc:  # damaged XML inside the workbook surfaces only while its rows are read
        raise InputFileError(f"cannot read the Excel workbook ({type(exc).__name__}); is the file complete?",
                             file=shown) from None
    finally:
        book.close()
        if formulas is not None:
            formulas.close()
    return first


def _has_formulas(path: Path) -> bool:
    """Whether any worksheet of the (already checked) workbook holds a formula element."""
    import zipfile

    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                with archive.open(info) as part:
                    tail = b""
                    while chunk := part.read(1024 ** 2):
                        if b"<f>" in tail + chunk or b"<f " in tail + chunk or b":f>" in tail + chunk:
                            return True
                        tail = chunk[-8:]
    return False


def _worksheet(worksheet, shown: str, required: bool, formulas=None) -> Sheet | None:
    from openpyxl.utils import get_column_letter

    iterator = worksheet.iter_rows(values_only=True)
    formula_rows = formulas.iter_rows(values_only=True) if formulas is not None else None
    try:
        header = [_cell(v) for v in next(iterator)]
        if formula_rows is not None:
            next(formula_rows, None)
    except StopIteration:
        if not required:
            return None
        raise InputFileError("the first sheet is empty; expected a header row", file=shown, row=1) from None
    while header and not header[-1]:
        header.pop()
    rows, numbers = [], []
    notes: list[tuple[int, str | None, str]] = []
    for number, values in enumerate(iterator, start=2):
        cells = [_cell(v) for v in values[: len(header)]]
        beyond = next((i for i, v in enumerate(values[len(header):], len(header)) if _cell(v)), None)
        if beyond is not None and required:  # never dropped silently: a note names the cell
            notes.append((number, None, f"cell {get_column_letter(beyond + 1)}{number} is right of the last "
                          "header and was not read; give its column a header"))
        if formula_rows is not None:
            written = next(formula_rows, ())
            for index, cell in enumerate(cells):
                text = written[index] if index < len(written) else None
                if not cell and isinstance(text, str) and text.startswith("="):
                    notes.append((number, header[index] or None, f"cell {get_column_letter(index + 1)}{number} holds "
                                  "a formula with no saved value (read as empty); open and save the file in Excel, "
                                  "or paste values"))
        if any(cells):
            rows.append(cells + [""] * (len(header) - len(cells)))
            numbers.append(number)
    return Sheet(header, rows, numbers, notes=notes)


def read_sheet(path: Path, shown: str) -> Sheet:
    """Read a .csv or .xlsx export into a :class:`Sheet`."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise InputFileError("file not found", file=shown)
    if suffix == ".csv":
        sheet = read_csv(path, shown)
    elif suffix in (".xlsx", ".xlsm"):
        sheet = read_xlsx(path, shown)
    else:
        raise InputFileError(f"unsupported file type {suffix or '(none)'}; expected .csv or .xlsx", file=shown)
    seen: set[str] = set()
    for index, name in enumerate(sheet.header):
        if name and name in seen:
            raise InputFileError("duplicate column header", file=shown, row=1, column=name)
        seen.add(name)
        if not name and any(row[index] for row in sheet.rows):
            raise InputFileError(f"column {index + 1} has values but no header", file=shown, row=1)
    return sheet


_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u201c": '"', "\u201d": '"', "\u00ab": '"',
                         "\u00bb": '"', "\u00a0": " ", "\u202f": " "})


def header_key(text: str) -> str:
    """A column header or question text compared loosely: typographic quotes made straight, case and runs of
    spaces ignored, trailing punctuation (``?:*.``) dropped, so a header a tool retyped still matches."""
    from ...normalise import text_key

    return text_key(text.translate(_QUOTES)).rstrip(" ?:*.!;,").strip()


def closest(text: str, candidates) -> str | None:
    """The candidate most like ``text`` (difflib), for a "did you mean" hint; None when nothing is close."""
    import difflib

    keys = {header_key(c): c for c in candidates}
    found = difflib.get_close_matches(header_key(text), list(keys), n=1, cutoff=0.6)
    return keys[found[0]] if found else None
