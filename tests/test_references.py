"""References: every citation in the report has a reference entry and every entry is cited (APA 7 author-year)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from mixedmethods.report.citations import (Citation, check, cited_references, document_texts, extract_citations,
                                           matches, parse_reference, reference_entries)

TEXTS = Path(__file__).resolve().parents[1] / "templates" / "text"


@pytest.mark.parametrize("sentence, expected", [
    ("p values were adjusted (Holm, 1979).", ["Holm, 1979"]),
    ("Holm (1979) proposed a sequential procedure.", ["Holm, 1979"]),
    ("as in Feinstein and Cicchetti (1990)", ["Feinstein & Cicchetti, 1990"]),
    ("(Feinstein & Cicchetti, 1990; Holm, 1979)", ["Feinstein & Cicchetti, 1990", "Holm, 1979"]),
    ("(after Farmer et al., 2006; O'Cathain et al., 2010)", ["Farmer et al., 2006", "O'Cathain et al., 2010"]),
    ("Fetters et al. (2013) call it integration.", ["Fetters et al., 2013"]),
    ("read with Landis and Koch's (1977) bands", ["Landis & Koch, 1977"]),
    ("(Krippendorff, 2004, 2011)", ["Krippendorff, 2004", "Krippendorff, 2011"]),
    ("(e.g., Cohen, 1988, p. 25)", ["Cohen, 1988"]),
    ("a convergent design (Creswell & Plano Clark, 2018): three sources", ["Creswell & Plano Clark, 2018"]),
    # French: "et", "et al.", a space before the semicolon, a preposition before the name.
    ("selon les seuils de Landis et Koch (1977) et la règle de Krippendorff (2004)",
     ["Landis & Koch, 1977", "Krippendorff, 2004"]),
    ("(Efron et Tibshirani, 1993 ; 2 000 rééchantillonnages)", ["Efron & Tibshirani, 1993"]),
    ("(voir Zapf et al., 2016)", ["Zapf et al., 2016"]),
    # Not citations: numbers in parentheses, a year without author, a statistic.
    ("Of the 24 interviews (2024), 16 were in English (67%).", []),
    ("U = 672.0 (n = 1979)", []),
])
def test_citations_are_found_in_sentences(sentence: str, expected: list[str]):
    assert [str(c) for c in extract_citations(sentence)] == expected


@pytest.mark.parametrize("entry, authors, year", [
    ("Holm, S. (1979). A simple sequentially rejective multiple test procedure. *Scandinavian Journal of "
     "Statistics, 6*(2), 65–70.", ("Holm",), "1979"),
    ("Zapf, A., Castell, S., Morawietz, L., & Karch, A. (2016). Measuring inter-rater reliability.",
     ("Zapf", "Castell", "Morawietz", "Karch"), "2016"),
    ("Creswell, J. W., & Plano Clark, V. L. (2018). *Designing and conducting mixed methods research*.",
     ("Creswell", "Plano Clark"), "2018"),
    ("American Association for Public Opinion Research. (2023). *Standard definitions*. AAPOR.",
     ("American Association for Public Opinion Research",), "2023"),
])
def test_reference_entries_give_surnames_and_year(entry: str, authors: tuple, year: str):
    parsed = parse_reference(entry)
    assert (parsed.authors, parsed.year) == (authors, year)


def test_a_citation_matches_its_reference_only():
    zapf = parse_reference("Zapf, A., Castell, S., Morawietz, L., & Karch, A. (2016). Title.")
    pair = parse_reference("Feinstein, A. R., & Cicchetti, D. V. (1990). Title.")
    aapor = parse_reference("American Association for Public Opinion Research. (2023). Title.")
    assert matches(Citation(("Zapf",), "2016", et_al=True), zapf)
    assert not matches(Citation(("Zapf",), "2017", et_al=True), zapf)  # wrong year
    assert matches(Citation(("Feinstein", "Cicchetti"), "1990"), pair)
    assert not matches(Citation(("Feinstein", "Landis"), "1990"), pair)  # wrong second author
    assert matches(Citation(("AAPOR",), "2023"), aapor)  # APA 7: abbreviation in the text, full name listed
    assert matches(Citation(("As Feinstein", "Cicchetti"), "1990"), pair)  # a capitalised word before the name


def test_the_check_reports_both_directions():
    entries = ["Holm, S. (1979). A procedure. *Journal, 6*(2), 65–70.", "Welch, B. L. (1951). Title. *Biometrika*."]
    unmatched, uncited = check(["Adjusted (Holm, 1979; Dunn, 1964)."], entries)
    assert [str(c) for c in unmatched] == ["Dunn, 1964"]
    assert uncited == [entries[1]]
    assert cited_references(entries, ["Adjusted (Holm, 1979)."]) == [entries[0]]


def _documents(root: Path) -> list[Path]:
    return sorted((root / "report").glob("*.docx"))


def test_every_citation_and_reference_agree_in_both_editions(built_demo: Path):
    import docx

    documents = _documents(built_demo)
    assert {"report.docx", "rapport.docx"} <= {p.name for p in documents} and len(documents) >= 6
    for path in documents:
        document = docx.Document(str(path))
        texts, entries = document_texts(document), reference_entries(document)
        unmatched, uncited = check(texts, entries)
        assert entries and not unmatched and not uncited, (path.name, [str(c) for c in unmatched], uncited)
    whole = docx.Document(str(built_demo / "report" / "report.docx"))
    cited = {str(c) for text in document_texts(whole) for c in extract_citations(text)}
    # The ones the issue found missing or unreferenced are now cited and listed.
    assert {"Holm, 1979", "Efron & Tibshirani, 1993", "AAPOR, 2023"} <= cited


@pytest.mark.parametrize("name", ["report.docx", "rapport.docx", "interviews.fr.docx"])
def test_removing_a_reference_is_caught(built_demo: Path, name: str):
    import docx

    document = docx.Document(str(built_demo / "report" / name))
    texts, entries = document_texts(document), reference_entries(document)
    for dropped in range(len(entries)):
        unmatched, _ = check(texts, entries[:dropped] + entries[dropped + 1:])
        assert unmatched, entries[dropped]
    # And a reference nobody cites is caught too.
    _, uncited = check(texts, entries + ["Nobody, N. (1900). Never cited. *Journal, 1*, 1–2."])
    assert uncited == ["Nobody, N. (1900). Never cited. *Journal, 1*, 1–2."]


def _strings(node, key: str = ""):
    """(key, string) for every sentence template and (key, list) for every reference list of a text file."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _strings(v, f"{key}.{k}" if key else str(k))
    elif isinstance(node, list):
        if key.split(".")[-1].startswith("references"):
            yield key, node
        else:
            for v in node:
                yield from _strings(v, key)
    elif isinstance(node, str):
        yield key, node


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_listed_reference_is_cited_by_some_sentence_of_its_edition(language: str):
    # Conditional sentences (Welch's test, ordinal alpha) cite what the demo does not show; a reference list
    # entry no sentence of the edition cites is dead. Short values such as "Cohen, 1988" are filled into
    # parentheses, hence the second reading of each string inside "( )".
    data = yaml.safe_load((TEXTS / f"{language}.yaml").read_text(encoding="utf-8"))
    lists = {key: value for key, value in _strings(data) if isinstance(value, list)}
    sentences = [value for _, value in _strings(data) if isinstance(value, str)]
    citations = [c for s in sentences for c in extract_citations(s) + extract_citations(f"({s})")]
    entries = [entry for entries in lists.values() for entry in entries]
    dead = [entry for entry in entries if not any(matches(c, parse_reference(entry)) for c in citations)]
    assert not dead
    orphans = {str(c) for c in citations if not any(matches(c, parse_reference(e)) for e in entries)}
    assert not orphans


def test_both_editions_list_the_same_references_with_well_formed_dois():
    en, fr = (dict((k, v) for k, v in _strings(yaml.safe_load((TEXTS / f"{lang}.yaml").read_text("utf-8")))
                   if isinstance(v, list)) for lang in ("en", "fr"))
    assert en == fr
    dois = [m for entries in en.values() for entry in entries for m in re.findall(r"https://doi\.org/\S+", entry)]
    assert len(dois) >= 25 and all(re.fullmatch(r"https://doi\.org/10\.\d{4,9}/\S+[^.]", d) for d in dois)


@pytest.mark.parametrize("country_code", [None, "+1", "+33", "+44", "+49"])
def test_the_dois_of_the_reference_lists_are_not_taken_for_phone_numbers(country_code):
    # "10.1148/radiology.143.1.7063747" has ten digits in phone shape; the privacy check before publishing
    # refused the whole report over it.
    from mixedmethods.privacy import Participants, Redactor

    redactor = Redactor(Participants([]), country_code)
    entries = [entry for lang in ("en", "fr")
               for _, value in _strings(yaml.safe_load((TEXTS / f"{lang}.yaml").read_text("utf-8")))
               if isinstance(value, list) for entry in value]
    assert [entry for entry in entries if redactor.phones(entry)] == []
    assert redactor.phones("Call +1 246 555 0101 (doi 10.1148/x).") != []  # a number outside a DOI still counts
