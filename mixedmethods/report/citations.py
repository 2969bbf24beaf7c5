"""Author-year citations in report text, and whether they and the reference list agree.

APA 7 (American Psychological Association, 2020, section 8.10-8.18) cites in
two forms: parenthetical, "(Holm, 1979)", "(Feinstein & Cicchetti, 1990;
Holm, 1979)", "(Fetters et al., 2013)", and narrative, "Holm (1979)",
"Feinstein and Cicchetti (1990)", "Fetters et al. (2013)". The French edition
writes "et" for "and" and keeps "et al.". A citation *matches* a reference when
the first author's surname and the year agree and, where the citation names
every author (no "et al."), it names the reference's authors in order.

Used by tests/test_references.py on the built editions: every citation has a
reference and every reference is cited. Pure string work, no heavy imports.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Iterable

_YEAR = r"\d{4}[a-z]?"
_YEARS = rf"{_YEAR}(?:,\s*{_YEAR})*"
# A surname: capitalised word(s) with apostrophes and hyphens: O'Cathain, Plano Clark. A lowercase particle
# ("van der Ark") is left out: the match on the last words of the name (``_same_first``) still finds it.
_NAME = r"[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*"
_AND = r"(?:&|and|et)"
_AUTHORS = rf"{_NAME}(?:(?:,\s*{_NAME})*,?\s+{_AND}\s+{_NAME}|\s+et\s+al\.)?"
# Narrative: Holm (1979), Fetters et al. (2013), Feinstein and Cicchetti (1990), Cohen's (1988).
_NARRATIVE = re.compile(rf"(?P<authors>{_AUTHORS})(?:['’]s)?\s+\((?P<years>{_YEARS})(?:,\s*(?:p|pp)\.\s*[\d–-]+)?\)")
# Parenthetical: "(Holm, 1979)", "(e.g., Cohen, 1988, p. 25)", "(after Farmer et al., 2006; α: Feldt et al., 1987)":
# every "Authors, year" inside a parenthesis, whatever words stand around it.
_PIECE = re.compile(rf"(?P<authors>{_AUTHORS}),\s+(?P<years>{_YEARS})\b")
_PARENTHESIS = re.compile(r"\(([^()]*\d{4}[^()]*)\)")
_INITIALS = re.compile(r"^(?:[A-ZÀ-Ý][a-z]?\.[\s-]*)+$")  # "R. J.", "J.-P.", "Th."
REFERENCE_STYLE = "Reference"  # the paragraph style of reference entries (templates/report-template.docx)
_REFERENCE_YEAR = re.compile(rf"\((?P<year>{_YEAR})(?:, [^)]*)?\)")


@dataclass(frozen=True)
class Citation:
    """One cited work: the authors as written (``et_al`` when shortened) and the year."""

    authors: tuple[str, ...]
    year: str
    et_al: bool = False

    def __str__(self) -> str:
        names = self.authors[0] + " et al." if self.et_al else " & ".join(self.authors)
        return f"{names}, {self.year}"


@dataclass(frozen=True)
class Reference:
    """One entry of a reference list: surnames in order, the year and the entry as written."""

    authors: tuple[str, ...]
    year: str
    text: str


def _key(name: str) -> str:
    """A surname folded for comparison: no accents, no case, one kind of apostrophe."""
    plain = unicodedata.normalize("NFKD", name.replace("’", "'"))
    return "".join(ch for ch in plain if not unicodedata.combining(ch)).casefold().strip()


def _split_authors(text: str) -> tuple[tuple[str, ...], bool]:
    """Surnames in an author string of a citation, and whether it ends in "et al."."""
    text = text.strip()
    et_al = text.endswith("et al.")
    if et_al:
        text = text[: -len("et al.")].strip()
    names = [re.sub(r"['’]s$", "", n.strip()) for n in re.split(rf",\s*(?:{_AND}\s+)?|\s+{_AND}\s+", text)
             if n.strip()]  # Cohen's (1988): the possessive is not part of the name
    return tuple(names), et_al


def _citations_in(authors: str, years: str) -> list[Citation]:
    names, et_al = _split_authors(authors)
    return [Citation(names, year.strip(), et_al) for year in years.split(",")]


def extract_citations(text: str) -> list[Citation]:
    """Every author-year citation in ``text``, in order of appearance.

    >>> [str(c) for c in extract_citations("Holm (1979) and others (Cohen, 1988; Fetters et al., 2013).")]
    ['Holm, 1979', 'Cohen, 1988', 'Fetters et al., 2013']
    """
    found: list[tuple[int, Citation]] = []
    for match in _PARENTHESIS.finditer(text):
        for piece in _PIECE.finditer(match.group(1)):
            found += [(match.start(1) + piece.start(), c) for c in _citations_in(piece["authors"], piece["years"])]
    for match in _NARRATIVE.finditer(text):
        found += [(match.start(), c) for c in _citations_in(match["authors"], match["years"])]
    return [citation for _, citation in sorted(found, key=lambda pair: pair[0])]


def parse_reference(entry: str) -> Reference | None:
    """Surnames and year of an APA reference entry; ``None`` when it has no ``(year)`` after the authors.

    >>> found = parse_reference("Efron, B., & Tibshirani, R. J. (1993). *An introduction to the bootstrap*. Chapman & Hall.")
    >>> found.authors, found.year
    (('Efron', 'Tibshirani'), '1993')
    """
    year = _REFERENCE_YEAR.search(entry)
    if year is None:
        return None
    head = entry[: year.start()].strip()
    parts = [p.strip() for p in re.split(r",\s*", head)]
    if len(parts) == 1:  # an organisation as author: "American Psychological Association."
        parts = [head.rstrip(".")]
    names = []
    for part in parts:
        part = re.sub(r"^&\s*", "", part).strip()
        if part and (len(parts) == 1 or not _INITIALS.match(part)):
            names.append(part)
    return Reference(tuple(names), year["year"], entry)


def _same_first(cited: str, listed: str) -> bool:
    """The first author agrees; a narrative citation may carry words before the name ("As Holm")."""
    cited, listed = _key(cited), _key(listed)
    return cited == listed or cited.endswith(" " + listed) or listed.endswith(" " + cited)


def _abbreviation(name: str) -> str:
    """The initials of an organisation's capitalised words: AAPOR for the American Association for Public
    Opinion Research (APA 7, section 8.21: the abbreviation in the text, the full name in the list)."""
    return "".join(word[0] for word in name.split() if word[:1].isupper())


def matches(citation: Citation, reference: Reference) -> bool:
    """Whether ``citation`` cites ``reference`` (first author and year; all authors when none is elided)."""
    if citation.year != reference.year or not reference.authors:
        return False
    first = reference.authors[0]
    if len(reference.authors) == 1 and " " in first and citation.authors == (_abbreviation(first),):
        return True
    if not _same_first(citation.authors[0], first):
        return False
    if citation.et_al or len(citation.authors) == 1 and len(reference.authors) > 2:
        return True
    return [_key(a) for a in citation.authors[1:]] == [_key(a) for a in reference.authors[1:]]


def check(texts: Iterable[str], references: Iterable[str]) -> tuple[list[Citation], list[str]]:
    """Citations without a reference, and references never cited, for one document.

    ``texts`` are its paragraphs (references excluded); ``references`` its reference entries.
    """
    citations = [c for text in texts for c in extract_citations(text)]
    parsed = [(entry, parse_reference(entry)) for entry in references]
    unmatched = []
    for citation in citations:
        if not any(ref is not None and matches(citation, ref) for _, ref in parsed):
            if citation not in unmatched:
                unmatched.append(citation)
    uncited = [entry for entry, ref in parsed
               if ref is None or not any(matches(citation, ref) for citation in citations)]
    return unmatched, uncited


def cited_references(entries: Iterable[str], texts: Iterable[str]) -> list[str]:
    """The entries that ``texts`` cite, once each, in alphabetical order: a chapter's reference list.

    A sentence that only some studies get (Welch's test or the Kruskal-Wallis test, ordinal alpha) cites its
    source; the list then holds the sources of the sentences this study's report has, and no other.
    """
    citations = {c for text in texts for c in extract_citations(text)}
    kept = {entry for entry in entries
            if (ref := parse_reference(entry)) is not None and any(matches(c, ref) for c in citations)}
    return sorted(kept, key=str.casefold)


def document_texts(document) -> list[str]:
    """The reader text of a python-docx document: paragraphs (reference entries excluded) and table cells.

    Cells come row by row as python-docx's ``row.cells`` gives them (a cell spanning columns once per column),
    read from the XML: ``row.cells`` rebuilds the table's grid at each call.
    """
    from .wordxml import paragraph_text, style_name_reader

    style_name = style_name_reader(document)
    texts = [paragraph_text(p) for p in document.element.body.p_lst if style_name(p) != REFERENCE_STYLE]
    for table in document.tables:
        for tr in table._tbl.tr_lst:
            tcs = tr.tc_lst
            if any(tc.vMerge == "continue" for tc in tcs):  # a vertical merge: its text is the cell above's
                from docx.table import _Row

                texts += [cell.text for cell in _Row(tr, table).cells]
                continue
            for tc in tcs:
                texts += ["\n".join(paragraph_text(p) for p in tc.p_lst)] * tc.grid_span
    return texts


def reference_entries(document) -> list[str]:
    """The reference entries of a python-docx document (paragraphs in the reference style)."""
    from .wordxml import paragraph_text, style_name_reader

    style_name = style_name_reader(document)
    return [paragraph_text(p) for p in document.element.body.p_lst if style_name(p) == REFERENCE_STYLE]
