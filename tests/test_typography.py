"""Locale formatting (apa.py), French typography (typography.py) and a scan of both built editions.

Expected strings come from the Unicode CLDR data that Babel ships (en-GB: group ",", decimal ".", percent
"#,##0%"; fr-FR: group U+202F, decimal ",", percent "#,##0 %" with U+00A0; long dates "1 April 2007" and
"1 avril 2007", as in Babel's documentation of ``format_date``,
to which French adds the ordinal "1er") and from the French typesetting rules the
module cites (Imprimerie nationale 2002): they are written out by hand here, not taken from our output.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from mixedmethods.report import apa
from mixedmethods.report.texts import Texts, localise_values
from mixedmethods.report.typography import NARROW_NBSP, NBSP, french, typeset

MINUS = "\u2212"


# --- numbers, percentages, dates ------------------------------------------------------------------------------

@pytest.mark.parametrize("value, language, expected", [
    (19046, "en", "19,046"),
    (19046, "fr", f"19{NARROW_NBSP}046"),
    (1311, "en", "1,311"),
    (1311, "fr", f"1{NARROW_NBSP}311"),
    (999, "fr", "999"),
    (0, "en", "0"),
    (-1234567, "en", f"{MINUS}1,234,567"),
    (-1234567, "fr", f"{MINUS}1{NARROW_NBSP}234{NARROW_NBSP}567"),
    (None, "fr", "\u2014"),
])
def test_integers_are_grouped_by_thousands_as_the_locale_does(value, language, expected):
    assert apa.integer(value, language) == expected


@pytest.mark.parametrize("value, decimals, language, expected", [
    (3.3333, 2, "en", "3.33"),
    (3.3333, 2, "fr", "3,33"),
    (19046.25, 1, "en", "19,046.2"),  # Python rounds the binary value of 19046.25 half to even: .2
    (19046.25, 1, "fr", f"19{NARROW_NBSP}046,2"),
    (-0.5, 2, "fr", f"{MINUS}0,50"),
    (-0.001, 2, "en", "0.00"),  # no negative zero
])
def test_numbers_take_the_locale_marks_and_the_minus_sign(value, decimals, language, expected):
    assert apa.number(value, decimals, language) == expected


def test_bounded_statistics_and_p_values_keep_the_apa_rules_in_french():
    assert apa.bounded(0.7608, 2, "fr") == ",76"
    assert apa.bounded(-0.0158, 2, "fr") == f"{MINUS},02"
    assert apa.p_value(0.0000291, "fr") == "*p* < ,001"
    assert apa.p_value(0.04321, "en") == "*p* = .043"
    assert apa.interval(-3.365, 0.2054, 2, "fr") == f"[{MINUS}3,37{NBSP};{NBSP}0,21]"
    assert apa.degrees_of_freedom(12000, None, "fr") == f"12{NARROW_NBSP}000"


@pytest.mark.parametrize("value, language, expected", [
    (86.2, "en", "86%"),
    (86.2, "fr", f"86{NBSP}%"),
    (0.4, "fr", f"0{NBSP}%"),
    (-4, "en", f"{MINUS}4%"),
    (None, "en", "\u2014"),
])
def test_percentages_follow_the_cldr_pattern(value, language, expected):
    assert apa.percent(value, language) == expected


def test_dates_are_written_long_in_the_locale():
    day = datetime.date(2007, 4, 1)
    assert apa.date(day, "en") == "1 April 2007"
    assert apa.date(day + datetime.timedelta(days=1), "fr") == "2 avril 2007"
    assert apa.date("2007-04-01T10:00:00", "fr") == "1er avril 2007"  # French: "1er" for the first of the month


def test_axis_ticks_use_the_decimal_comma_in_french():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots()
    axes.plot([0, 1], [0, 12000])
    axes.set_xlim(0, 1)
    axes.set_xticks([0, 0.5, 1])
    axes.set_yticks([0, 10000])
    axes.xaxis.set_major_formatter(apa.tick_formatter("fr"))
    axes.yaxis.set_major_formatter(apa.tick_formatter("fr"))
    figure.canvas.draw()
    assert [t.get_text() for t in axes.get_xticklabels()] == ["0,0", "0,5", "1,0"]
    assert [t.get_text() for t in axes.get_yticklabels()] == ["0", f"10{NARROW_NBSP}000"]
    plt.close(figure)


def test_whole_numbers_filled_into_sentences_are_grouped_but_table_numbers_and_seeds_are_not(tmp_path: Path):
    (tmp_path / "fr.yaml").write_text(
        "s:\n  t: 'Les discussions comptaient {n} messages (tableau {table}, graine {seed}).'\n", encoding="utf-8")
    text = Texts("fr", folder=tmp_path).get("s.t", n=19046, table=12, seed=20240517)
    assert text == f"Les discussions comptaient 19{NARROW_NBSP}046 messages (tableau 12, graine 20240517)."
    assert localise_values({"flag": True, "x": 2.5}, "en") == {"flag": True, "x": 2.5}


# --- French typography ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("Note : voir", f"Note{NBSP}: voir"),
    ("Note: voir", f"Note{NBSP}: voir"),
    ("a; b", f"a{NARROW_NBSP}; b"),
    ("a ; b", f"a{NARROW_NBSP}; b"),
    ("Pourquoi? Oui!", f"Pourquoi{NARROW_NBSP}? Oui{NARROW_NBSP}!"),
    ("de “Pas du tout” à", f"de «{NBSP}Pas du tout{NBSP}» à"),
    ('de "Pas du tout" à', f"de «{NBSP}Pas du tout{NBSP}» à"),
    ("de « Pas » à", f"de «{NBSP}Pas{NBSP}» à"),
    ("41 %", f"41{NBSP}%"),
    ("*M*: 3,2", f"*M*{NBSP}: 3,2"),  # the italic markers stay intact
    ("(*p*_[Holm]; BCa)", f"(*p*_[Holm]{NARROW_NBSP}; BCa)"),
    ("entre 22:00 et 06:00, rapport 1:2", "entre 22:00 et 06:00, rapport 1:2"),
    ("https://doi.org/10.1007/BF02294183 et http://x.org/a?b=1;c", "https://doi.org/10.1007/BF02294183 et "
                                                                   "http://x.org/a?b=1;c"),
    ("doi:10.1000/182", "doi:10.1000/182"),
    (": en tête", ": en tête"),
    ("", ""),
])
def test_french_spacing(text, expected):
    assert french(text) == expected
    assert french(expected) == expected  # idempotent: text already right is left alone


def test_english_text_is_left_as_it_is():
    text = 'Note: “quoted”; why? 41% https://doi.org/x'
    assert typeset(text, "en-GB") == text
    assert typeset(text, None) == text


def test_the_document_applies_french_typography_to_paragraphs_cells_and_headings():
    from mixedmethods.report.document import ReportDocument, TableSpec

    for language, colon in (("fr", f"{NBSP}:"), ("en", ":")):
        doc = ReportDocument(language=language)
        doc.heading("Méthode: résumé")
        doc.paragraph("Note: *M* = 3")
        doc.table(TableSpec("Titre", ["A", "B"], [["x; y", "1"]], note="CI: bootstrap"))
        texts = [p.text for p in doc.doc.paragraphs] + [c.text for c in doc.doc.tables[0]._cells]
        assert f"Méthode{colon} résumé" in texts
        assert f"Note{colon} M = 3" in texts
        assert ("x" + (NARROW_NBSP if language == "fr" else "") + "; y") in texts
        assert any(t.endswith(f"CI{colon} bootstrap") for t in texts)


def test_chat_formats_are_written_in_words():
    from mixedmethods.report.chat_chapter import ChatChapter

    for language, expected in (
            ("en", "Android export, day-month-year dates, 24-hour clock / iPhone export, month-day-year dates, "
                   "12-hour clock"),
            ("fr", "export Android, dates jour-mois-année, horloge de 24 heures / export iPhone, dates "
                   "mois-jour-année, horloge de 12 heures")):
        chapter = SimpleNamespace(t=Texts(language))
        assert ChatChapter.format_words(chapter, "android, dmy, 24h; ios, mdy, 12h") == expected
    assert ChatChapter.format_words(SimpleNamespace(t=Texts("en")), "telegram json") == "telegram json"


# --- both built editions ---------------------------------------------------------------------------------------

def reader_text(path: Path) -> list[tuple[str, str]]:
    """(style, text) of every paragraph, table cell, header and footer paragraph of a .docx."""
    from docx import Document

    document = Document(str(path))
    found = [(p.style.name if p.style is not None else "", p.text) for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                found += [("table cell", p.text) for p in cell.paragraphs]
    for section in document.sections:
        for part in (section.header, section.footer):
            found += [("header/footer", p.text) for p in part.paragraphs]
    return [(style, text) for style, text in found if text.strip()]


_URL = re.compile(r"(?:https?://|www\.|doi:)\S+", re.IGNORECASE)
# An abbreviation before a number ("pp. 25-30" in a reference) does not end a sentence.
_ABBREVIATION = re.compile(r"\b(?:pp?|[Vv]ol|[Nn]o|[Ee]ds?|al|cf|vs|éd)\.$")
_SENTENCE_START = re.compile(r"(?:^|[.!?]\s+)(?=\d)")
_LIST_NUMBER = re.compile(r"^\s*\d+\.\s")  # "1. Offer ...": the list's numbering, not the sentence
_VERSION = re.compile(r"\b(?:version|mixedmethods)\s+\d+(?:\.\d+)+|\b\d+(?:\.\d+){2,}\b")
_DOT_DECIMAL = re.compile(r"\d\.\d|(?<![\w.])\.\d")
_HIGH_MARK = re.compile(r"(?<![\u00a0\u202f])[;:?!]")
_UNGROUPED = re.compile(r"(?<![\d\w.,/\u202f\u00a0-])\d{5,}(?!\d)")
_ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
_SEED = re.compile(r"(?:seed|graine)\s+\d+", re.IGNORECASE)


def _excerpt(text: str, start: int) -> str:
    return text[max(0, start - 70):start + 70].replace("\n", " ")


def offences(path: Path, french_edition: bool) -> list[str]:
    """Every breach of the language rules in a built edition, each with its sentence."""
    found = []
    for style, text in reader_text(path):
        plain = _SEED.sub("seed", _URL.sub("URL", text))
        if style not in ("table cell", "header/footer"):
            body = _LIST_NUMBER.sub("", plain)
            for match in _SENTENCE_START.finditer(body):
                if not _ABBREVIATION.search(body[:match.start() + 1]):
                    found.append(f"sentence starts with a numeral: {_excerpt(body, match.end())!r}")
        for match in _UNGROUPED.finditer(plain):
            found.append(f"5+ digit number not grouped: {_excerpt(plain, match.start())!r}")
        for match in _ISO_DATE.finditer(plain):
            found.append(f"date not written in the locale: {_excerpt(plain, match.start())!r}")
        if not french_edition:
            continue
        # References keep their volume, issue and article numbers (e.g. "Article 11.IT.3.1") as published.
        numbers = _VERSION.sub("version", plain) if style != "Reference" else ""
        for match in _DOT_DECIMAL.finditer(numbers):
            found.append(f"decimal point in French: {_excerpt(numbers, match.start())!r}")
        for match in _HIGH_MARK.finditer(plain):
            before, after = plain[:match.start()], plain[match.end():]
            if match.start() == 0 or before[-1] in ";:?!" or (match.group() == ":" and before[-1:].isdigit()
                                                                and after[:1].isdigit()):
                continue  # a mark that opens the text, a doubled mark, a time or ratio (22:00, 1:2)
            found.append(f"no non-breaking space before {match.group()!r}: {_excerpt(plain, match.start())!r}")
        for mark in ("“", "”", '"'):
            if mark in plain:
                found.append(f"English quotation mark {mark!r} in French: {_excerpt(plain, plain.index(mark))!r}")
    return found


def test_both_editions_follow_the_language_rules(built_demo: Path):
    problems = []
    for name, french_edition in (("report.docx", False), ("rapport.docx", True)):
        problems += [f"{name}: {problem}" for problem in offences(built_demo / "report" / name, french_edition)]
    assert not problems, "\n".join(problems)


def test_the_scan_finds_each_kind_of_slip(tmp_path: Path):
    """The scan itself: a document with one slip of each kind, written without the typography step."""
    from docx import Document

    document = Document()
    for text in ("3 of 16 correlations were significant.", "The chats held 19046 messages.",
                 "moyenne 3.33 sur 5", "Seuils non atteints: aucun", "de “Pas du tout”", "r = .76",
                 "rédigé le 2026-11-26"):
        document.add_paragraph(text)
    document.add_paragraph("https://doi.org/10.1007/BF02294183 à 22:00, graine 20240517, version 2026.1")
    path = tmp_path / "slips.docx"
    document.save(str(path))
    problems = offences(path, french_edition=True)
    kinds = [p.split(": ")[0] for p in problems]
    assert kinds == ["sentence starts with a numeral", "5+ digit number not grouped", "decimal point in French",
                     "no non-breaking space before ':'",
                     "English quotation mark '“' in French", "English quotation mark '”' in French",
                     "decimal point in French", "date not written in the locale"], problems
