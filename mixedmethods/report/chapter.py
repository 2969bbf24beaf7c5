"""What every chapter shares: its document, texts, language, k, and the helpers that format for the reader."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import apa
from .document import ReportDocument
from .texts import Texts

if TYPE_CHECKING:
    from ..study import Study


def missing(value: Any) -> bool:
    """True for None and NaN."""
    return value is None or (isinstance(value, float) and math.isnan(value))


class Chapter:
    """Base of the chapter writers; ``section`` is the chapter's key in the text templates."""

    section = ""

    def __init__(self, doc: ReportDocument, study: "Study", texts: Texts, figures_dir: Path, k: int) -> None:
        self.doc, self.study, self.t = doc, study, texts
        self.lang = texts.language
        self.figures_dir = figures_dir
        self.k = k
        self.groups = list(study.groups)

    def text(self, key: str, **values: Any) -> str:
        """A sentence of this chapter (``section.key``)."""
        return self.t.get(f"{self.section}.{key}", **values)

    def group_label(self, group: str) -> str:
        """The group's label as it reads inside a sentence (French common nouns lower-cased)."""
        label = self.study.group_label(group, self.lang)
        if self.lang == "fr" and len(label) > 1 and label[1].islower():
            label = label[0].lower() + label[1:]
        return label

    def count(self, value: Any) -> str:
        """A count, or ``< k`` where it was suppressed."""
        if missing(value):
            return self.t.get("report.suppressed", k=self.k)
        return apa.integer(value, self.lang)

    def cell(self, value: Any, protected: bool = False) -> str:
        """A count in a table: the number, ``< k`` where under k, ``x`` where hidden to protect another cell."""
        if protected:
            return self.t.get("report.protected")
        return self.count(value)

    def count_in_text(self, value: Any, total_withheld: bool = False) -> str:
        """A count inside a sentence: the number, or "fewer than k" where it is withheld (None, NaN or 1..k-1);
        "several" for a total withheld because it would give a small group's count back (disclosure.py)."""
        if total_withheld:
            return self.t.get("report.withheld_total")
        if missing(value) or 0 < int(value) < self.k:
            return self.t.get("report.fewer_than", k=self.k)
        return apa.integer(value, self.lang)

    def groups_phrase(self, n: int) -> str:
        """"3 groups" or "one group", in the report's language."""
        return self.t.get("report.one_group") if n == 1 else self.t.get("report.n_groups", n=n)

    def col(self, key: str) -> str:
        return self.t.get(f"{self.section}.columns.{key}")

    def join(self, items: list[str], word: str = "and") -> str:
        """``a, b and c`` (``word`` = "and") or ``a, b or c`` (``word`` = "or") in the report's language."""
        if len(items) < 2:
            return "".join(items)
        return ", ".join(items[:-1]) + f" {self.t.get('report.' + word)} " + items[-1]

    def references(self) -> None:
        from .citations import cited_references, document_texts

        for reference in cited_references(self.t.raw(f"{self.section}.references"), document_texts(self.doc.doc)):
            self.doc.paragraph(reference, style="Reference")
