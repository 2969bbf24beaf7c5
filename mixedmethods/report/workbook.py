"""tables.xlsx for people: labelled sheets and columns in the report's language, number formats, a README sheet.

One workbook per report language: ``tables.xlsx`` in the study's first
language (the file scripts and co-authors find first, whatever the languages),
and one more per other language built (``tableaux.xlsx`` in French,
``tables.<language>.xlsx`` otherwise). Labels come from the ``outputs``
section of templates/text/<language>.yaml; a column named after a group or a
code is labelled with the group's or code's label. The README sheet, first,
lists every sheet and column with its meaning and its id, so a script can map
the labels back to the ids (:func:`read_tables`).

Units are the same in every sheet: counts are whole numbers (format ``0``),
proportions are fractions of 1 shown as percentages (``0%``; the tables'
``*_pct`` and ``percent_agreement`` columns, computed as 0-100, are divided
by 100 here), statistics have two decimals (``0.00``) and p values three
(``0.000``); times are in minutes (the column label says so).
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

from .zipstamp import stamp_zip

if TYPE_CHECKING:
    import pandas as pd

    from .texts import Texts

WORKBOOK_NAMES = {"fr": "tableaux.xlsx"}
COUNT, PROPORTION, STATISTIC, P_VALUE = "0", "0%", "0.00", "0.000"
# Column ids (whatever the table) that hold counts even when stored as floats (a suppressed count is NaN).
_COUNTS = {"n", "n1", "n2", "k", "items", "listed", "respondents", "answered", "missing", "not_applicable",
           "members", "active_members", "unlisted_authors", "messages", "words", "sessions", "transcripts",
           "coders", "units", "units_coded_any", "units_coded_all", "all_n", "all", "resamples", "min_units",
           "kappa_resamples", "alpha_resamples", "omega_resamples", "segment_id", "seed", "level", "hour",
           "weekday", "codes_pooled"}
_PERCENT_0_100 = re.compile(r"(^|_)pct$|^percent_agreement$")  # computed as 0-100: divided by 100 here
_SHARE_0_1 = re.compile(r"_share$|^coverage$")
_P = re.compile(r"^p$|^p_")
_BAD_SHEET_CHARACTERS = re.compile(r"[\[\]:*?/\\]")


def workbook_name(language: str, first: bool) -> str:
    """``tables.xlsx`` for the study's first language, else ``tableaux.xlsx`` (fr) or ``tables.<language>.xlsx``.

    >>> workbook_name("fr", True), workbook_name("fr", False), workbook_name("es", False)
    ('tables.xlsx', 'tableaux.xlsx', 'tables.es.xlsx')
    """
    return "tables.xlsx" if first else WORKBOOK_NAMES.get(language, f"tables.{language}.xlsx")


def number_format(column: str, values: "pd.Series", group_ids: set[str] = frozenset()) -> str | None:
    """The Excel number format of a column from its id and values: counts, proportions, p values, statistics.

    >>> import pandas as pd
    >>> [number_format(c, pd.Series(v)) for c, v in [("n", [1.0]), ("caricom_pct", [50.0]), ("p_holm", [0.2]),
    ...  ("rho", [0.31]), ("group", ["a"])]]
    ['0', '0%', '0.000', '0.00', None]
    """
    import pandas as pd

    if not (pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)):
        return None
    if _PERCENT_0_100.search(column) or _SHARE_0_1.search(column):
        return PROPORTION
    if _P.match(column):
        return P_VALUE
    if column in _COUNTS or column.endswith("_n") or column.startswith("n.") or column in group_ids \
            or pd.api.types.is_integer_dtype(values):
        return COUNT
    return STATISTIC


def column_label(column: str, texts: "Texts", vocabulary: Mapping[str, Mapping[str, str]]) -> tuple[str, str]:
    """(label, meaning) of a column id in the texts' language; an unknown id stays as it is, without meaning.

    ``vocabulary``: ``group``, ``code`` and ``language`` -> {id: label} for the columns named after one.
    """
    section = texts.raw("outputs")
    known = section["columns"].get(column)
    if known is not None:
        return known["label"], known["about"]
    for pattern, entry in section["patterns"].items():
        slot = re.search(r"\{(\w+)\}", pattern).group(1)
        prefix, suffix = pattern.split("{" + slot + "}")
        if not (column.startswith(prefix) and column.endswith(suffix) and len(column) > len(prefix + suffix)):
            continue
        name = column[len(prefix):len(column) - len(suffix) if suffix else None]
        labels = vocabulary.get(slot, {})
        if slot in ("group", "code") and name not in labels:
            continue
        label = labels.get(name, name)
        return entry["label"].format(**{slot: label}), entry["about"].format(**{slot: label})
    return column, ""


def sheet_names(table_ids: list[str], texts: "Texts") -> dict[str, str]:
    """Table id -> sheet name: the label, without the characters Excel refuses, at most 31 characters, unique.

    >>> from mixedmethods.report.texts import Texts
    >>> sheet_names(["survey_sample", "survey_sample_2", "odd:id"], Texts("en"))
    {'survey_sample': 'Survey sample', 'survey_sample_2': 'survey_sample_2', 'odd:id': 'odd id'}
    """
    sheets = texts.raw("outputs")["sheets"]
    taken = {texts.get("outputs.readme_sheet").casefold()}
    names = {}
    for table_id in table_ids:
        base = _BAD_SHEET_CHARACTERS.sub(" ", sheets.get(table_id, {}).get("label", table_id)).strip("' ")[:31]
        name, number = base or "table", 2
        while name.casefold() in taken:  # Excel compares sheet names without case
            tail = f" ({number})"
            name, number = base[:31 - len(tail)] + tail, number + 1
        taken.add(name.casefold())
        names[table_id] = name
    return names


def write_labelled_tables(path: Path, tables: dict[str, "pd.DataFrame"], texts: "Texts", *, title: str,
                          version: str, vocabulary: Mapping[str, Mapping[str, str]], min_cell_size: int,
                          today: date | None = None) -> Path:
    """One labelled sheet per table after a README sheet; numbers stay numbers, text cannot run formulas.

    Parameters
    ----------
    tables : table id (``survey_descriptives``) -> frame with id columns; participant-level tables are left out
        (:func:`.exports.is_participant_table`).
    texts : the report language's texts (section ``outputs``).
    vocabulary : ``group`` / ``code`` / ``language`` -> {id: label in this language}.
    """
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    from .exports import is_participant_table
    from .outputs import safe_cell

    tables = {name: table for name, table in tables.items() if not is_participant_table(name)}
    names = sheet_names(list(tables), texts)
    book = Workbook()
    readme = book.active
    readme.title = texts.get("outputs.readme_sheet")
    readme.append([texts.get("outputs.readme_title", title=title)])
    readme.append([texts.get("outputs.readme_tool", version=version, date=_long_date(today or date.today(),
                                                                                   texts.language))])
    readme.append([texts.get("outputs.readme_language")])
    readme.append([texts.get("outputs.readme_intro", k=min_cell_size)])
    readme.append([])
    readme.append(texts.raw("outputs.readme_header"))
    header_row = readme.max_row
    group_ids = set(vocabulary.get("group", {}))
    sheet_about = texts.raw("outputs")["sheets"]
    for table_id, table in tables.items():
        sheet = book.create_sheet(names[table_id])
        readme.append([names[table_id], "", sheet_about.get(table_id, {}).get("about", ""), table_id, ""])
        labels = []
        for column in table.columns:
            label, about = column_label(str(column), texts, vocabulary)
            labels.append(label)
            readme.append([names[table_id], label, about, table_id, str(column)])
        sheet.append(labels)
        formats = [number_format(str(c), table[c], group_ids) for c in table.columns]
        scale = [100.0 if _PERCENT_0_100.search(str(c)) and f == PROPORTION else 1.0
                 for c, f in zip(table.columns, formats)]
        for row in table.itertuples(index=False):
            sheet.append([_cell(value, divisor) for value, divisor in zip(row, scale)])
        for index, (label, fmt, column) in enumerate(zip(labels, formats, table.columns), start=1):
            letter = get_column_letter(index)
            if fmt is not None:
                for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                    cell.number_format = fmt
            widest = max([len(str(label))] + [len(str(v)) for v in table[column].head(200)
                                              if isinstance(v, str)] + [8])
            sheet.column_dimensions[letter].width = min(widest, 50) + 2
        sheet.freeze_panes = "A2"
    if not tables:  # a workbook needs a sheet beyond the README; say why it has no table
        book.create_sheet("-").append([safe_cell(texts.get("outputs.no_tables"))])
    for column, width in zip("ABCDE", (30, 30, 60, 28, 28)):
        readme.column_dimensions[column].width = width
    readme.freeze_panes = f"A{header_row + 1}"
    # The same tables on the same day give the same bytes (issue 14): the file's dates are the day, not the
    # moment, both in its document properties and in the zip entries openpyxl stamps with the clock.
    stamp = datetime.combine(today or date.today(), time())
    book.properties.created = book.properties.modified = stamp
    book.save(path)
    stamp_zip(path, stamp)
    return path


def _long_date(day: date, language: str) -> str:
    """The date as the language writes it (Babel, CLDR): "26 November 2026", "26 novembre 2026"."""
    from babel.core import UnknownLocaleError
    from babel.dates import format_date

    try:
        return format_date(day, format="long", locale={"en": "en_GB"}.get(language, language))  # as the edition
    except (ValueError, LookupError, UnknownLocaleError):
        return day.isoformat()


def _cell(value: Any, divisor: float) -> Any:
    """A frame's value as an openpyxl cell value: NaN/NA empty, numpy scalars plain, text formula-safe."""
    from .outputs import safe_cell

    kind = type(value)  # the common plain values first (a tenth of the time of writing the workbooks)
    if kind is str:
        return safe_cell(value)
    if kind is float or kind is int:
        return None if value != value else value / divisor if divisor != 1.0 else value
    if value is None or (isinstance(value, float) and value != value):
        return None
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    if value.__class__.__name__ in ("NAType", "NaTType"):
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool) and divisor != 1.0:
        return value / divisor
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return safe_cell(value)


def read_tables(path: Path) -> dict[str, "pd.DataFrame"]:
    """A labelled workbook back as {table id: frame with id columns}, through its README sheet's id columns.

    Proportions stay fractions of 1 (the workbook's unit).
    """
    import pandas as pd

    sheets = pd.read_excel(path, sheet_name=None, engine="openpyxl")
    readme_name = next(iter(sheets))
    raw = pd.read_excel(path, sheet_name=readme_name, header=None, engine="openpyxl")
    header = next(i for i, row in raw.iterrows() if row.notna().sum() == 5)
    readme = raw.iloc[header + 1:].fillna("")
    readme.columns = ["sheet", "column", "about", "table_id", "column_id"]
    tables = {}
    for sheet, rows in readme.groupby("sheet", sort=False):
        columns = rows[rows["column_id"] != ""]
        frame = sheets[sheet]
        frame.columns = list(columns["column_id"])
        tables[rows["table_id"].iloc[0]] = frame
    return tables


def vocabulary_for(language: str, study: Any, tables: dict[str, "pd.DataFrame"]) -> dict[str, dict[str, str]]:
    """Labels of the ids that name columns: groups (study.yaml), codes (the codebook table), languages (Babel)."""
    from babel import Locale
    from babel.core import UnknownLocaleError

    codebook = tables.get("interviews_codebook")
    codes = {}
    if codebook is not None and f"label_{language}" in codebook:
        codes = {row["code"]: row[f"label_{language}"] or row["code"] for _, row in codebook.iterrows()}
    try:
        languages = dict(Locale.parse(language).languages)
    except (ValueError, TypeError, LookupError, UnknownLocaleError):  # a language Babel does not know: codes
        languages = {}
    return {"group": {g: study.group_label(g, language) for g in study.groups}, "code": codes,
            "language": languages}


def write_workbooks(out: Path, tables: dict[str, "pd.DataFrame"], study: Any, languages: list[str],
                    version: str) -> list[Path]:
    """tables.xlsx in the study's first language, and one workbook per other language in ``languages``."""
    from .texts import Texts

    first = study.languages[0]
    written = []
    for language in dict.fromkeys([first, *languages]):
        texts = Texts(language, study_root=study.root)
        title = study.title.get(language) or next(iter(study.title.values()))
        written.append(write_labelled_tables(out / workbook_name(language, language == first), tables, texts,
                                             title=title, version=version,
                                             vocabulary=vocabulary_for(language, study, tables),
                                             min_cell_size=study.report.min_cell_size))
    return written
