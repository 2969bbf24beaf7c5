"""The survey chapter as a reader gets it: Word files, tables.xlsx and results.json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook


@pytest.fixture(scope="module")
def built(built_demo: Path) -> Path:
    """The demo study built once for the session (both languages; tests/conftest.py), read-only here."""
    return built_demo


def text_of(path: Path) -> str:
    document = Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(c.text for c in row.cells))
    return "\n".join(parts)


def apa(x: float) -> str:
    """Two decimals without the leading zero, written here independently of mixedmethods.report.apa."""
    text = f"{x:.2f}"
    return text.replace("0.", ".", 1) if text.startswith(("0.", "-0.")) else text


def test_english_chapter_has_its_sections_tables_and_figure(built: Path):
    document = Document(str(built / "report" / "survey.en.docx"))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings == ["Survey", "Method", "Sample", "Response and Missing Answers", "Reliability of the Scales",
                        "Dimensionality of the Scales", "Scale Scores by Group", "Group Comparisons",
                        "Profile Differences Between the Groups", "Answers to the Scale Items", "References"]
    assert len(document.tables) == 6  # profile, item non-response, reliability, factor fit, scores, comparisons
    # 24 Likert items whose labels wrap to two lines or more at 8.5 pt in an 8 cm column (about 0.9 cm a row) need
    # more than one 21 cm page: the chart comes in parts of whole scales (docs/figures.md).
    parts = len(document.inline_shapes)
    captions = [p.text for p in document.paragraphs if p.style.name == "Caption"]
    assert captions[:2] == ["Table 1", "Profile of the Respondents by Group"]
    assert parts >= 2 and f"Figure {parts}" in captions
    assert f"Answers to the Likert Items of Each Scale (Part {parts} of {parts})" in captions
    assert all(t.style.name == "APA Table" for t in document.tables)


def test_reliability_table_shows_the_statistics_of_results_json(built: Path):
    results = json.loads((built / "report" / "results.json").read_text())
    reliability = results["survey"]["reliability"]
    table = Document(str(built / "report" / "survey.en.docx")).tables[2]  # after profile and item non-response
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in table.rows[1:]}
    speed = rows["Perceived speed and efficiency"]
    assert speed[3] == apa(reliability["speed"]["alpha"])
    low, high = reliability["speed"]["alpha_CI95_low"], reliability["speed"]["alpha_CI95_high"]
    assert speed[4] == f"[{apa(low)}, {apa(high)}]"
    assert speed[5] == apa(reliability["speed"]["omega"])


def test_planted_effect_is_reported_as_an_apa_sentence(built: Path):
    text = text_of(built / "report" / "survey.en.docx")
    # The demo plants more security concern in the Sixth Committee group.
    sentence = next(line for line in text.splitlines() if line.startswith("Security and confidentiality concern:"))
    assert "differed significantly" in sentence
    assert "p < .001" in sentence and "rb = \u2212." in sentence
    speed = next(line for line in text.splitlines() if line.startswith("Perceived speed and efficiency:"))
    assert "did not differ significantly" in speed


def test_french_chapter_uses_french_texts_and_decimal_commas(built: Path):
    text = text_of(built / "report" / "survey.fr.docx")
    assert "Questionnaire\nMéthode" in text
    assert "Fidélité des échelles" in text
    assert "p < ,001" in text
    assert "Tableau 1" in text and "Figure 1" in text


def test_tables_xlsx_has_one_sheet_per_table_and_results_json_every_statistic(built: Path):
    book = load_workbook(built / "report" / "tables.xlsx", read_only=True)
    # Sheets are labelled in the study's first language (templates/text/en.yaml, section outputs), after a README.
    survey_sheets = ["README", "Survey sample", "Survey profile", "Scale reliability", "Item-total correlations",
                     "Scale descriptives", "Group comparisons", "Profile by group tests"]
    assert book.sheetnames[:8] == survey_sheets
    for sheet in ("Intercoder agreement", "Chat participation", "Convergence", "Correlations between sources",
                  "Source coverage"):
        assert sheet in book.sheetnames
    # Numbers are stored as numbers, not text.
    rows = list(book["Scale reliability"].iter_rows(values_only=True))
    assert rows[0][:4] == ("Scale", "Items", "n", "Alpha") and isinstance(rows[1][3], float)
    results = json.loads((built / "report" / "results.json").read_text())
    survey = results["survey"]
    assert survey["n"] == 120 and survey["n_by_group"] == {"caricom": 52, "sixth-committee": 68}
    assert set(survey["comparisons"]) == {"speed", "inclusivity", "security", "power", "platform"}
    assert set(survey["comparisons"]["security"]) >= {"statistic", "p", "p_holm", "effect_size",
                                                       "effect_CI95_low", "effect_CI95_high"}


def test_small_cells_are_suppressed_and_footnoted(fresh_demo: Path, run):
    config = fresh_demo / "study.yaml"
    config.write_text(config.read_text().replace("min_cell_size: 5", "min_cell_size: 53"))
    assert run("build", fresh_demo, "--language", "en").exit_code == 0  # English is enough for what is read
    text = text_of(fresh_demo / "report" / "survey.en.docx")
    assert "52 in the CARICOM" not in text
    # CARICOM alone is under k: left out of every number, and the chapter says so (docs/privacy.md).
    assert "fewer than 53 respondents answered in each: CARICOM delegates' group" in text
    assert "Counts from 1 to 52 are suppressed" in text
    results = json.loads((fresh_demo / "report" / "results.json").read_text())
    assert results["survey"]["n_by_group"]["caricom"] is None
    # No group comparison can be made when one group is below k.
    assert results["survey"]["comparisons"] == {}


@pytest.mark.slow
def test_docx_converts_to_pdf_with_libreoffice(built: Path, pdf_text):
    text = pdf_text(built / "report" / "survey.en.docx")
    assert "Table 4" in text and "Figure 1" in text and "Internal Consistency of the Scales" in text


def test_interview_chapter_has_its_sections_in_both_languages(built: Path):
    document = Document(str(built / "report" / "interviews.en.docx"))
    headings = [p.text for p in document.paragraphs if p.style.name in ("Heading 1", "Heading 2")]
    assert headings == ["Interviews", "Method", "Themes and Codes by Group", "Co-occurrence of Themes",
                        "Intercoder Agreement", "Voices by Theme", "References"]
    assert len(document.tables) == 3 and len(document.inline_shapes) == 1
    quotes = [p.text for p in document.paragraphs if p.style.name == "Quote Block"]
    # Each quote ends with its attribution, then, for a quote in French, the translation note (issue 13).
    note = " [original in French; translation to be provided by the team]"
    assert 7 <= len(quotes) <= 14 and all(q.rstrip().removesuffix(note).endswith("group)") for q in quotes)
    french = text_of(built / "report" / "interviews.fr.docx")
    assert "Entretiens\nMéthode" in french and "Accord entre codeurs" in french


def test_results_json_has_the_interview_statistics(built: Path):
    results = json.loads((built / "report" / "results.json").read_text())
    interviews = results["interviews"]
    assert interviews["transcripts"] == 24 and interviews["coders"] == ["jonas", "maria"]
    overall = interviews["agreement"]["all"]
    assert 0 < overall["kappa"] <= 1 and overall["transcripts"] == 6


def test_the_answer_scale_is_described_from_the_questionnaires_choice_list(built: Path):
    # The bundled agree5 list: 5 levels, "Strongly disagree" ... "Strongly agree" ("Pas du tout d'accord" ...
    # "Tout à fait d'accord" in French).
    english = " ".join(p.text for p in Document(str(built / "report" / "survey.en.docx")).paragraphs)
    assert "Items were answered on a 5-point scale from “Strongly disagree” to “Strongly agree”;" in english
    french = " ".join(p.text for p in Document(str(built / "report" / "survey.fr.docx")).paragraphs)
    # French sets a no-break space inside guillemets (typography.py).
    assert ("sur une échelle en 5 points allant de «\u00a0Pas du tout d'accord\u00a0» à «\u00a0Tout à fait "
            "d'accord\u00a0»") in french


def test_a_table_with_many_group_columns_goes_on_a_landscape_page_and_text_returns_to_portrait():
    from docx.enum.section import WD_ORIENT

    from mixedmethods.report.document import ReportDocument, TableSpec

    doc = ReportDocument(None, "en")
    doc.paragraph("Before.")
    narrow = TableSpec("Two groups", ["Measure", "Northern team", "Southern team"], [["Messages", "60", "61"]])
    doc.table(narrow)
    assert len(doc.doc.sections) == 1  # a two-group table stays on the portrait page
    groups = [f"Group number {i}" for i in range(1, 10)]
    wide = TableSpec("Nine groups", ["Measure", *groups], [["Messages", *["1,234 (56%)"] * 9]])
    doc.table(wide)
    doc.table(wide)  # the next wide table shares the landscape pages
    assert [s.orientation for s in doc.doc.sections] == [WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE]
    landscape = doc.doc.sections[-1]
    assert landscape.page_width > landscape.page_height
    doc.paragraph("After.")
    assert doc.doc.sections[-1].orientation == WD_ORIENT.PORTRAIT
    assert doc.doc.sections[-1].page_width < doc.doc.sections[-1].page_height
