"""Joint displays with meta-inferences (issue 13): the rule, the families, the cells in words and numbers."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from mixedmethods.errors import InstrumentError
from mixedmethods.triangulation.meta_inference import meta_inference, meta_inferences

# An id as code writes it: snake_case (median_latency_min, power_5) or dotted (inclusivity.equal_voice).
ID_LIKE = re.compile(r"\b[A-Za-z]+(?:_[A-Za-z0-9]+)+\b|\b[a-z]{2,}\.[a-z_]{2,}\b")


# --- the rule (Fetters et al., 2013, integration outcomes), one test per branch, verdicts built by hand ---

@pytest.mark.parametrize("pairs, expected", [
    # 1. any dissonance wins, even next to agreement
    ([("agreement", "same_direction"), ("dissonance", "opposite_directions")], ("discordance", "dissonant_pair")),
    ([("dissonance", "negative_correlation")], ("discordance", "dissonant_pair")),
    # 2. agreement, with the other pairs agreeing, too small to tell or without data
    ([("agreement", "same_direction")] * 3, ("confirmation", "pairs_agree")),
    ([("agreement", "both_equivalent"), ("inconclusive", "low_power"), ("not available", "no_indicator")],
     ("confirmation", "pairs_agree")),
    # 3. partial agreement, or agreement next to a partial agreement or a one-sided silence
    ([("partial agreement", "one_shows_other_points"), ("inconclusive", "low_power")],
     ("expansion", "sources_complement")),
    ([("agreement", "same_direction"), ("partial agreement", "one_shows_other_points")],
     ("expansion", "sources_complement")),
    ([("agreement", "same_direction"), ("silence", "neither_shows")], ("expansion", "sources_complement")),
    ([("silence", "one_shows_other_silent"), ("not available", "no_test")], ("expansion", "sources_complement")),
    # 4. nothing any source found for another to confirm, expand or contradict
    ([("silence", "neither_shows"), ("inconclusive", "low_power")], ("none", "nothing_to_integrate")),
    ([("not available", "no_indicator")], ("none", "nothing_to_integrate")),
    ([], ("none", "nothing_to_integrate")),
])
def test_meta_inference_rule_every_branch(pairs, expected):
    assert meta_inference(pairs) == expected


def test_meta_inferences_per_construct_name_the_deciding_pairs():
    matrix = pd.DataFrame([
        ("alpha", "survey", "interviews", "agreement", "same_direction"),
        ("alpha", "survey", "chats", "dissonance", "opposite_directions"),
        ("alpha", "interviews", "chats", "dissonance", "negative_correlation"),
        ("beta", "survey", "chats", "agreement", "positive_correlation"),
    ], columns=["construct", "source_a", "source_b", "verdict", "rule"])
    table = meta_inferences(matrix, ["alpha", "beta", "gamma"]).set_index("construct")
    assert table.loc["alpha", "meta_inference"] == "discordance"
    assert table.loc["alpha", "dissonant_pairs"] == "survey-chats, interviews-chats"
    assert table.loc["beta", "meta_inference"] == "confirmation"
    assert table.loc["beta", "agreeing_pairs"] == "survey-chats"
    assert (table.loc["gamma", "meta_inference"], table.loc["gamma", "pairs"]) == ("none", 0)
    assert meta_inferences(matrix.iloc[0:0], []).empty


# --- families in constructs.yaml ---

def _instruments():
    from mixedmethods.instrument.codebook import load_codebook
    from mixedmethods.instrument.questionnaire import load_questionnaire
    from mixedmethods.resources import instruments_dir

    return load_questionnaire(instruments_dir() / "survey.yaml"), load_codebook(instruments_dir() / "codebook.yaml")


def test_families_are_read_and_group_constructs_in_order(tmp_path: Path):
    from mixedmethods.triangulation.constructs import families, load_constructs

    path = tmp_path / "constructs.yaml"
    path.write_text("languages: [en, fr]\nconstructs:\n"
                    "  - {id: a, family: {en: Work, fr: Travail}, survey: {scale: speed, direction: higher},"
                    " chats: {metric: messages, direction: higher}}\n"
                    "  - {id: b, survey: {scale: power, direction: higher}, chats: {metric: words, direction: lower}}\n"
                    "  - {id: c, family: {en: Work, fr: Travail}, survey: {scale: speed, direction: higher},"
                    " chats: {metric: replies, direction: higher}}\n", encoding="utf-8")
    constructs = load_constructs(path, *_instruments())
    grouped = [(family, [c.id for c in members]) for family, members in families(constructs)]
    assert grouped == [({"en": "Work", "fr": "Travail"}, ["a", "c"]), (None, ["b"])]
    # Without any family, all constructs form one display.
    for construct in constructs:
        construct.family = None
    assert [[c.id for c in m] for _, m in families(constructs)] == [["a", "b", "c"]]
    assert families([]) == []


def test_a_family_in_an_unknown_language_is_one_error_line(tmp_path: Path):
    from mixedmethods.triangulation.constructs import load_constructs

    path = tmp_path / "constructs.yaml"
    path.write_text("languages: [en]\nconstructs:\n  - id: a\n    family: {de: Arbeit}\n"
                    "    survey: {scale: speed, direction: higher}\n    chats: {metric: messages, direction: higher}\n",
                    encoding="utf-8")
    with pytest.raises(InstrumentError, match=r"family.*'de'") as caught:
        load_constructs(path, *_instruments())
    assert caught.value.line == 4


# --- the chapter's displays on small hand-made results ---

def _study(groups: dict[str, str]):
    questionnaire, codebook = _instruments()
    labels = {g: {"en": label, "fr": label} for g, label in groups.items()}
    return SimpleNamespace(groups=labels, group_label=lambda g, lang: labels[g][lang],
                           questionnaire=lambda: questionnaire, codebook=lambda: codebook,
                           triangulation=SimpleNamespace(smallest_effect=0.10),
                           report=SimpleNamespace(group_test="mann-whitney"))


def _display(tmp_path: Path, groups: dict[str, str], constructs, frame, comparisons, quotes=None, language="en"):
    """The joint display tables of hand-made results, as rows of cell texts."""
    from docx import Document

    from mixedmethods.report.document import ReportDocument
    from mixedmethods.report.texts import Texts
    from mixedmethods.report.triangulation_chapter import TriangulationChapter
    from mixedmethods.triangulation.analysis import TriangulationResults, joint_display_table, joint_rows

    results = TriangulationResults(list(groups), 5, constructs=constructs)
    for construct in constructs:
        results.joint[construct.id] = joint_rows(frame, construct, comparisons, list(groups), 5, [], 0.10)
    results.quote_candidates = quotes or {}
    results.tables["convergence"] = pd.DataFrame(columns=["construct", "source_a", "source_b", "verdict", "rule"])
    inferences = meta_inferences(results.tables["convergence"], [c.id for c in constructs])
    results.tables["joint_display"] = joint_display_table(results, inferences, language)
    doc = ReportDocument(language=language)
    chapter = TriangulationChapter(doc, results, _study(groups), Texts(language), tmp_path)
    chapter.joint_displays()
    path = doc.save(tmp_path / "joint.docx")
    document = Document(str(path))
    notes = [p.text for p in document.paragraphs if p.style.name == "Table Note"]
    return [[[c.text for c in row.cells] for row in table.rows] for table in document.tables], notes


def _construct(cid: str, **indicators):
    from mixedmethods.triangulation.constructs import Construct, Indicator

    return Construct(cid, {"en": f"Construct {cid.upper()}", "fr": f"Construit {cid.upper()}"}, {},
                     {source: Indicator(source, **spec) for source, spec in indicators.items()})


def test_three_groups_survey_and_chats_only(tmp_path: Path):
    groups = {"a": "Alpha team", "b": "Beta team", "c": "Gamma team"}
    construct = _construct("x", survey={"direction": "higher", "scale": "speed"},
                           chats={"direction": "lower", "metric": "median_latency_min"})
    frame = pd.DataFrame({"group": ["a"] * 5 + ["b"] * 5 + ["c"] * 5,
                          "x.survey": [1, 2, 3, 4, 5, 2, 3, 4, 5, 5, 1, 1, 2, 2, 3],
                          "x.chats": [10, 20, 30, 40, 50] * 3})
    # Kruskal-Wallis row as statistics.py writes it: p < .05 shows a difference; b has the highest mean rank.
    comparisons = pd.DataFrame([{"construct": "x", "source": "survey", "test": "kruskal", "k": 3,
                                 "groups": "a, b, c", "effect": "epsilon2", "effect_size": 0.25,
                                 "effect_CI95_low": 0.05, "effect_CI95_high": 0.45, "p": 0.01, "p_holm": 0.03,
                                 "location.a": 7.0, "location.b": 11.0, "location.c": 5.0,
                                 "n.a": 5, "n.b": 5, "n.c": 5}])
    tables, notes = _display(tmp_path, groups, [construct], frame, comparisons)
    (rows,) = tables
    assert rows[0] == ["Construct", "Survey", "Chats", "Meta-inference"]  # only the construct's two sources
    assert rows[1][0] == "Construct X"
    assert "scale mean (1\u00a0to\u00a05)" in rows[1][1] and "higher = more construct X" in rows[1][1]
    assert "Median reply time (minutes)" in rows[1][2] and "lower = more construct X" in rows[1][2]
    # Medians by hand: a 3, b 4, c 2; chats 30 in every group.
    assert [r[1] for r in rows[2:5]] == ["3.00", "4.00", "2.00"]
    assert [r[2] for r in rows[2:5]] == ["30.00"] * 3
    assert rows[5][1] == "ε² = .25 [.05, .45]\nmore in the Beta team"
    assert rows[5][2] == "not compared: too few people per group"
    assert rows[1][3].startswith("None")
    assert "size of the difference between the compared groups" in notes[0]


def test_one_group_has_values_and_no_difference_row(tmp_path: Path):
    construct = _construct("y", survey={"direction": "higher", "item": "power_5"},
                           interviews={"direction": "higher", "codes": ["speed"], "measure": "presence"})
    frame = pd.DataFrame({"group": ["a"] * 10, "y.survey": [1, 2, 2, 4, 5] * 2, "y.interviews": [1] * 6 + [0] * 4})
    tables, notes = _display(tmp_path, {"a": "Alpha team"}, [construct], frame, pd.DataFrame())
    (rows,) = tables
    assert len(rows) == 3  # header, construct, one group: no difference row
    assert rows[2][1:3] == ["2.00", "60%"]  # median of 1, 1, 2, 2, 2, 2, 4, 4, 5, 5; 6 of 10 mentioned the code
    assert "answer 1\u00a0to\u00a05" in rows[1][1] and "Mentioned “Speed and efficiency” at least once" in rows[1][2]
    assert "one group" in notes[0]
    # 3 of 10 who mentioned it is a count under k = 5: its percent is withheld like the count.
    small = frame.assign(**{"y.interviews": [1] * 3 + [0] * 7})
    tables, _ = _display(tmp_path, {"a": "Alpha team"}, [construct], small, pd.DataFrame())
    assert tables[0][2][2] == "\u2014"


def test_quotes_one_per_participant_with_a_translation_note(tmp_path: Path):
    groups = {"a": "Alpha team", "b": "Beta team"}
    spec = {"survey": {"direction": "higher", "scale": "speed"},
            "interviews": {"direction": "higher", "codes": ["speed"], "measure": "coverage"}}
    constructs = [_construct("p", **spec), _construct("q", **spec)]
    frame = pd.DataFrame({"group": ["a"] * 5 + ["b"] * 5, **{f"{c}.{s}": [0.1 * i for i in range(10)]
                                                            for c in "pq" for s in ("survey", "interviews")}})
    quotes = {"p": pd.DataFrame([{"participant_id": "P-AAAAAAAA", "group": "a", "quote": "Nous avons fini.",
                                  "language": "fr"}]),
              "q": pd.DataFrame([{"participant_id": "P-AAAAAAAA", "group": "a", "quote": "Again me.",
                                  "language": "en"},
                                 {"participant_id": "P-BBBBBBBB", "group": "b", "quote": "We were quick.",
                                  "language": "en"}])}
    _, notes = _display(tmp_path, groups, constructs, frame, pd.DataFrame(), quotes)
    assert "“Nous avons fini.” (P-AAAAAAAA, Alpha team; in French as said in the interview, not translated)" \
        in notes[0]
    assert "“We were quick.” (P-BBBBBBBB, Beta team)." in notes[0] and "Again me." not in notes[0]
    _, notes_fr = _display(tmp_path, groups, constructs, frame, pd.DataFrame(), quotes, language="fr")
    assert "«\u00a0We were quick.\u00a0» (P-BBBBBBBB, beta team\u202f; en anglais comme dans l'entretien, non traduit)" \
        in notes_fr[0]


def test_convergence_figure_draws_and_describes_every_cell(tmp_path: Path):
    from mixedmethods.report.convergence_figure import alt_text, convergence_figure

    verdicts = [["agreement", "dissonance"], ["not available", "inconclusive"]]
    words = {"agreement": "agreement", "dissonance": "dissonance", "inconclusive": "inconclusive",
             "not available": "not available"}
    path = convergence_figure(verdicts, ["Trust", "Pace"], ["Survey – Chats", "Interviews – Chats"], words,
                              {"agreement": "A", "dissonance": "D", "inconclusive": "I"}, tmp_path / "c.png")
    assert path.stat().st_size > 5_000
    text = alt_text(verdicts, ["Trust", "Pace"], ["Survey – Chats", "Interviews – Chats"], words, "Chart. {rows}.",
                    "{construct}: {verdicts}")
    assert text == ("Chart. Trust: Survey – Chats agreement, Interviews – Chats dissonance; "
                    "Pace: Survey – Chats not available, Interviews – Chats inconclusive.")


# --- the built demo, both editions ---

def _joint_tables(docx_path: Path, meta_header: str) -> list[list[list[str]]]:
    from docx import Document

    document = Document(str(docx_path))
    return [[[c.text for c in row.cells] for row in table.rows] for table in document.tables
            if table.rows and table.rows[0].cells[-1].text == meta_header]


def test_demo_joint_displays_print_labels_not_ids(built_demo: Path):
    for name, header in (("report.docx", "Meta-inference"), ("rapport.docx", "Méta-inférence")):
        tables = _joint_tables(built_demo / "report" / name, header)
        assert len(tables) == 2, name  # the bundled constructs form two families
        cells = [cell for table in tables for row in table for cell in row]
        leaks = sorted({m.group(0) for cell in cells for m in ID_LIKE.finditer(cell)})
        assert leaks == [], (name, leaks)


def test_demo_french_joint_display_is_in_french(built_demo: Path):
    tables = _joint_tables(built_demo / "report" / "rapport.docx", "Méta-inférence")
    text = "\n".join(cell for table in tables for row in table for cell in row)
    # Labels from the French instruments and the French texts, none of their English versions.
    for french in ("Délai de réponse médian (minutes)", "Rapidité et efficacité", "plus bas = plus de",
                   "Différence [IC à 95\u00a0%]", "Méta-inférence"):
        assert french in text
    for english in ("Median reply time", "Speed and efficiency", "lower = more", "Difference [95% CI]"):
        assert english not in text


def test_demo_results_carry_the_meta_inference(built_demo: Path):
    import json

    results = json.loads((built_demo / "report" / "results.json").read_text(encoding="utf-8"))
    inferences = results["triangulation"]["meta_inferences"]
    assert {row["meta_inference"] for row in inferences} <= {"confirmation", "expansion", "discordance", "none"}
    convergence = results["triangulation"]["convergence"]
    for row in inferences:  # the rule, applied by hand to the verdicts the file itself holds
        verdicts = {c["verdict"] for c in convergence if c["construct"] == row["construct"]}
        if "dissonance" in verdicts:
            assert row["meta_inference"] == "discordance"
        elif verdicts and verdicts <= {"agreement", "inconclusive", "not available"} and "agreement" in verdicts:
            assert row["meta_inference"] == "confirmation"
    from mixedmethods.report.workbook import read_tables

    sheet = read_tables(built_demo / "report" / "tables.xlsx")["triangulation_joint_display"]  # labels back to ids
    assert {"construct", "source", "meta_inference", "finding"} <= set(sheet.columns)
