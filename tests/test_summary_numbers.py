"""Every number of the executive summary and the recommendations is one the analyses computed: it is printed in a
table of the same document and held in results.json; null results and k = 1, k = 3 and survey-only studies are
said in words that fit them."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from mixedmethods.report.key_findings import KeyFindings, meta_inferences
from mixedmethods.report.texts import Texts
from mixedmethods.triangulation.recommendations import Facts, draft_recommendations

EDITIONS = {"en": "report.docx", "fr": "rapport.docx"}

# Numbers that are words of the sentences, not results: "95% CI", "IC à 95 %", table citations, list numbers.
_CITATION = re.compile(r"\((?:Tables?|tableaux?)\s[\d,\sandet]+\)")
_FIXED = re.compile(r"95\s?%\s?CI|IC à 95\s?%")
_NUMBER = re.compile(r"([<>]\s?)?(-?(?:\d+(?:\.\d+)?|\.\d+))(\s?%)?")


def normalise(text: str, language: str) -> str:
    """Plain ASCII numbers: minus sign to ``-``, thousands separators removed, French decimal comma to a point."""
    text = text.replace("\u2212", "-")
    if language == "fr":
        text = re.sub(r"(?<=\d)[\u202f\u00a0 ](?=\d{3}\b)", "", text)
        text = re.sub(r",(?=\d)", ".", text)
    else:
        text = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text)
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def numbers(text: str, language: str) -> list[tuple[str, str, bool]]:
    """(bound sign or "", number as printed, is a percentage) for each number of ``text``."""
    text = _FIXED.sub(" ", _CITATION.sub(" ", normalise(text, language)))
    return [((m.group(1) or "").strip(), m.group(2), bool(m.group(3))) for m in _NUMBER.finditer(text)]


def json_values(node) -> list[float]:
    if isinstance(node, dict):
        return [v for item in node.values() for v in json_values(item)]
    if isinstance(node, list):
        return [v for item in node for v in json_values(item)]
    if isinstance(node, (int, float)) and not isinstance(node, bool):
        return [float(node)]
    return []


def in_json(printed: str, percent: bool, values: list[float]) -> bool:
    """Is a value of results.json printed as ``printed`` (same decimals), or, for a percentage, as its share?"""
    decimals = len(printed.split(".")[1]) if "." in printed else 0
    target = f"{float(printed):.{decimals}f}"
    for value in values:
        if math.isfinite(value) and f"{value:.{decimals}f}" == target:
            return True
        if percent and math.isfinite(value) and f"{100 * value:.{decimals}f}" == target:
            return True
    return False


def _sections(path: Path, language: str):
    """Paragraphs of the executive summary and of the recommendations, and each table's number tokens by the
    table's number (read from its caption, "Table 6" / "Tableau 6")."""
    import docx
    from docx.oxml.ns import qn
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    texts = Texts(language)
    titles = {texts.get("whole.summary_title"): "summary", texts.get("whole.recommendations_title"): "recommendations"}
    document = docx.Document(str(path))
    found: dict[str, list[str]] = {"summary": [], "recommendations": []}
    current = None
    for paragraph in document.paragraphs:
        if paragraph.style.name == "Heading 1":
            current = titles.get(paragraph.text)
        elif current and paragraph.text.strip():
            found[current].append(paragraph.text)
    found["recommendations"] = [p for p in found["recommendations"] if re.match(r"\d+\. ", p)]
    tables: dict[int, set[str]] = {}
    number = None
    for element in document.element.body.iterchildren():
        if element.tag == qn("w:p"):
            caption = re.fullmatch(rf"{texts.get('report.table')}\s(\d+)", Paragraph(element, document).text.strip())
            number = int(caption.group(1)) if caption else number
        elif element.tag == qn("w:tbl") and number is not None:
            table = Table(element, document)
            tables[number] = {n for row in table.rows for cell in row.cells for _, n, _ in numbers(cell.text, language)}
            number = None
    return found, tables


def cited_parts(paragraph: str) -> list[tuple[str, list[int]]]:
    """The paragraph cut after each table citation: (text up to the citation, the tables it cites)."""
    parts, start = [], 0
    for match in _CITATION.finditer(paragraph):
        parts.append((paragraph[start:match.start()], [int(n) for n in re.findall(r"\d+", match.group())]))
        start = match.end()
    parts.append((paragraph[start:], []))
    return parts


def _rule_constants(language: str) -> set[str]:
    """Numbers written in the rules' own words ("22:00", "of 5"), which are not results."""
    rules = Texts(language).raw("recommendations")
    return {number for rule in rules for _, number, _ in numbers(re.sub(r"\{\w+\}", " ", rule["text"]), language)}


@pytest.mark.parametrize("language", list(EDITIONS))
def test_every_summary_and_recommendation_number_is_in_a_table_and_in_results_json(built_demo: Path, language):
    """Each number is printed in a table that its sentence cites, and a value of results.json prints as it."""
    report = built_demo / "report"
    found, tables = _sections(report / EDITIONS[language], language)
    values = json_values(json.loads((report / "results.json").read_text(encoding="utf-8")))
    assert found["summary"] and found["recommendations"]
    constants = _rule_constants(language)
    checked, problems = 0, []
    for part, paragraphs in found.items():
        for paragraph in paragraphs:
            for text, cited in cited_parts(re.sub(r"^\d+\. ", "", paragraph)):
                shown = set().union(*(tables.get(n, set()) for n in cited))
                for bound, number, percent in numbers(text, language):
                    if part == "recommendations" and number in constants:
                        continue
                    checked += 1
                    if number not in shown and number.lstrip("-") not in shown:
                        problems.append(f"{number} not in the cited tables {cited}: {text[-90:]}")
                    if not bound and not in_json(number, percent, values):
                        problems.append(f"{number} not in results.json: {text[-90:]}")
    assert not problems, "\n".join(problems)
    assert checked >= 30  # the demo's summary carries its statistics, not directions only


def test_normalise_reads_french_numbers_as_the_english_ones():
    assert normalise("19\u202f046 messages ; r = \u2212,02, IC à 95 % [\u2212,22\u00a0; ,19], 86\u00a0%", "fr") == \
        "19046 messages ; r = -.02, IC à 95 % [-.22 ; .19], 86 %"
    assert [n for _, n, _ in numbers("19,046 messages (Table 6), 95% CI [.42, .74]", "en")] == ["19046", ".42", ".74"]


def plain(said):
    """Sentences with their no-break spaces (before a table's number, in French typography) as plain spaces."""
    return said.replace("\u00a0", " ") if isinstance(said, str) else [plain(s) for s in said]


# --- wording on small hand-made inputs -------------------------------------------------------------------------

class _Scale:
    def __init__(self, scale_id: str, label: str) -> None:
        self.id, self.label = scale_id, label

    def text(self, language: str) -> str:
        return self.label


def _writer(language: str, groups: list[str], titles: dict[str, int], analyses: dict | None = None) -> KeyFindings:
    texts = Texts(language)
    study = SimpleNamespace(
        groups={g: {} for g in groups}, report=SimpleNamespace(min_cell_size=5),
        group_label=lambda g, lang: f"Group {g.upper()}",
        questionnaire=lambda: SimpleNamespace(scales=[_Scale("trust", "Trust in the chair")]))
    doc = SimpleNamespace(table_keys={texts.get(key): n for key, n in titles.items()})
    writer = KeyFindings(doc, study, texts, Path("."), 5)
    writer.analyses = analyses or {}
    return writer


def _comparison(**values) -> pd.DataFrame:
    row = dict(scale="trust", test="mann-whitney", groups="a, b", k=2, n=60, statistic=310.5, df=None, df2=None,
               p=0.4, p_holm=0.4, effect="r_rb", effect_size=-0.0158, effect_CI95_low=-0.224,
               effect_CI95_high=0.193, detectable_effect=0.36)
    row.update(values)
    return pd.DataFrame([row])


def _descriptives(medians: dict[str, float]) -> pd.DataFrame:
    return pd.DataFrame([{"variable": "trust", "group": g, "n": 20, "M": m, "SD": 1.0, "Mdn": m, "IQR": 1.0}
                         for g, m in medians.items()])


def _survey(comparisons: pd.DataFrame | None, medians: dict[str, float], **statistics) -> SimpleNamespace:
    tables = {"descriptives": _descriptives(medians)}
    if comparisons is not None:
        tables["comparisons"] = comparisons
    return SimpleNamespace(tables=tables, statistics={"n": 60, **statistics})


def test_a_null_result_is_said_as_null_with_its_interval():
    writer = _writer("en", ["a", "b"], {"survey.comparisons_table_title": 6})
    # Hand-rounded: -0.0158 -> −.02; [-0.224, 0.193] -> [−.22, .19] (APA: no leading zero for r).
    assert plain(writer.survey_findings(_survey(_comparison(), {"a": 3.9, "b": 4.0}))) == [
        "Trust in the chair did not differ clearly between the groups, *r*_[rb] = \u2212.02, "
        "95% CI [\u2212.22, .19] (Table 6)."]


def test_a_french_null_result_uses_the_decimal_comma_and_the_french_citation():
    writer = _writer("fr", ["a", "b"], {"survey.comparisons_table_title": 6})
    sentence = plain(writer.survey_findings(_survey(_comparison(), {"a": 3.9, "b": 4.0}))[0])
    assert sentence == ("Le score de trust in the chair ne différait pas nettement entre les "
                                               "groupes, *r*_[rb] = \u2212,02, IC à 95 % [\u2212,22 ; ,19] (tableau 6).")


def test_two_groups_name_the_higher_one_with_both_medians_and_the_test():
    writer = _writer("en", ["a", "b"], {"survey.descriptives_table_title": 5, "survey.comparisons_table_title": 6})
    row = _comparison(statistic=2828.5, p_holm=5.4e-08, effect_size=0.5998, effect_CI95_low=0.423,
                      effect_CI95_high=0.7387)
    assert plain(writer.survey_findings(_survey(row, {"a": 3.675, "b": 3.0}))) == [
        "Trust in the chair was higher in the Group A (*Mdn* = 3.67) than in the Group B (*Mdn* = 3.00), "
        "*U* = 2,828.5, *p*_[Holm] < .001, *r*_[rb] = .60, 95% CI [.42, .74] (Tables 5 and 6)."]


def test_three_groups_give_the_omnibus_test_and_the_highest_group():
    writer = _writer("en", ["a", "b", "c"], {"survey.descriptives_table_title": 5,
                                             "survey.comparisons_table_title": 6})
    row = _comparison(test="kruskal-wallis", groups="a, b, c", k=3, df=2, statistic=10.234, p_holm=0.0123,
                      effect="epsilon2", effect_size=0.09, effect_CI95_low=0.02, effect_CI95_high=0.2)
    assert plain(writer.survey_findings(_survey(row, {"a": 3.0, "b": 4.0, "c": 3.5}))) == [
        "Trust in the chair differed between the groups, *H*(2) = 10.23, *p*_[Holm] = .012, *ε*² = .09, "
        "95% CI [.02, .20], and was highest in the Group B (*Mdn* = 4.00) (Tables 5 and 6)."]


def test_one_group_says_no_comparison_was_made():
    from mixedmethods.survey.analysis import SKIPPED_ONE_GROUP

    writer = _writer("en", ["a"], {})
    survey = _survey(None, {"a": 3.0}, comparisons_skipped=SKIPPED_ONE_GROUP)
    assert plain(writer.survey_findings(survey)) == ["The study has one group, so no group comparison was made."]


def _chats(rows: list[dict]) -> SimpleNamespace:
    return SimpleNamespace(tables={"participation": pd.DataFrame(rows)}, statistics={})


def test_one_chat_gives_its_messages_and_gini_with_its_interval():
    writer = _writer("en", ["a"], {"chats.participation_table_title": 10})
    chats = _chats([{"group": "a", "messages": 812, "gini": 0.4385, "gini_CI95_low": 0.3714,
                     "gini_CI95_high": 0.5432}])
    assert plain(writer.chat_finding(chats)) == ("The chat of the Group A held 812 messages; the inequality of "
                                          "participation was Gini = .44, 95% CI [.37, .54] (Table 10).")


def test_three_chats_name_the_most_and_least_unequal_and_every_volume():
    writer = _writer("en", ["a", "b", "c"], {"chats.participation_table_title": 10})
    chats = _chats([{"group": g, "messages": m, "gini": gini, "gini_CI95_low": gini - 0.1,
                     "gini_CI95_high": gini + 0.1} for g, m, gini in (("a", 100, 0.3), ("b", 200, 0.6),
                                                                     ("c", 300, 0.45))])
    assert plain(writer.chat_finding(chats)) == (
        "The group chats held 100 messages in the Group A, 200 in the Group B and 300 in the Group C; "
        "participation was most unequal in the Group B (Gini = .60, 95% CI [.50, .70]) and least unequal in the "
        "Group A (Gini = .30, 95% CI [.20, .40]) (Table 10).")


def test_meta_inferences_are_said_per_construct_in_words():
    matrix = pd.DataFrame({"construct": ["x", "x", "y", "y", "z"], "source_a": ["survey", "survey", "survey",
                                                                                   "survey", "survey"],
                           "source_b": ["interviews", "chats", "interviews", "chats", "chats"],
                           "verdict": ["agreement", "agreement", "agreement", "dissonance", "not available"]})
    assert meta_inferences(matrix) == {"x": "confirmation", "y": "discordance"}
    writer = _writer("en", ["a", "b"], {"triangulation.matrix_table_title": 13})
    triangulation = SimpleNamespace(tables={"convergence": matrix}, constructs=[
        SimpleNamespace(id="x", label={"en": "Speed"}), SimpleNamespace(id="y", label={"en": "Trust"})])
    assert plain(writer.triangulation_finding(triangulation)) == (
        "Taken together, the sources confirmed each other on speed; pointed in opposite directions on trust "
        "(Table 13).")
    assert plain(writer.meta_paragraphs(triangulation)) == [
        "*Speed*: confirmation (agreement: questionnaire\u2013interviews, questionnaire\u2013chats).",
        "*Trust*: discordance (agreement: questionnaire\u2013interviews; dissonance: questionnaire\u2013chats)."]


def test_a_survey_only_study_has_no_coverage_or_triangulation_limits():
    survey = _survey(_comparison(), {"a": 3.9, "b": 4.0}, n_by_group={"a": 25, "b": 35},
                     response_rate={"by_group": {"all": {"listed": 80, "respondents": 60, "rate_pct": 75.0}}})
    writer = _writer("en", ["a", "b"], {"survey.comparisons_table_title": 6}, {"survey": survey})
    limits = plain(writer.limitations())
    assert limits[:2] == [
        "Sample size. The groups compared had 25 and 35 respondents; with these sizes each comparison had 80% power "
        "only for effects of at least *r*_[rb] = .36 (Table 6), so smaller differences may have gone undetected. "
        "The differences not found, on trust in the chair, are therefore no evidence that the groups are alike; "
        "their confidence intervals show which differences remain possible.",
        "Self-selection. Of the 80 people listed as participants, 60 answered the questionnaire (response rate "
        "75%, AAPOR RR2); those who did not answer may differ from those who did in ways the data cannot show."]
    assert [p.split(".")[0] for p in limits[2:]] == ["Ethics", "Data availability"]


def test_a_recommendation_cites_the_tables_of_its_condition_and_its_text():
    found = Facts()
    found.add("concern_mean", 3.33, "survey.descriptives")
    found.add("trained_pct", 41, "survey.profile")
    rules = [{"when": "${concern_mean} >= 3 and ${trained_pct} < 50", "text": "Train them: concern {concern_mean}."},
             {"when": "${concern_mean} > 4", "text": "Never drafted."}]
    cited = draft_recommendations(rules, found, cite=lambda keys: f" ({' + '.join(keys)})")
    assert cited == ["Train them: concern 3.33 (survey.descriptives + survey.profile)."]
    assert draft_recommendations(rules, found) == ["Train them: concern 3.33."]  # no citation asked


def test_the_summary_and_the_joint_displays_give_each_construct_the_same_meta_inference():
    """Every combination of up to three pairs' verdicts: the words of the summary and discussion
    (key_findings.meta_inferences) name the joint displays' meta-inference (triangulation.meta_inference), with
    "none" told apart as silence or too little power."""
    import itertools

    import pandas as pd

    from mixedmethods.report.key_findings import meta_inferences as summary_meta
    from mixedmethods.triangulation.meta_inference import meta_inferences as display_meta

    verdicts = ["agreement", "partial agreement", "dissonance", "silence", "inconclusive", "not available"]
    rows = []
    for index, combination in enumerate(itertools.product(verdicts, repeat=3)):
        rows += [{"construct": f"c{index}", "source_a": a, "source_b": b, "verdict": v, "rule": ""}
                 for (a, b), v in zip([("survey", "interviews"), ("survey", "chats"), ("interviews", "chats")],
                                      combination)]
    matrix = pd.DataFrame(rows)
    words = summary_meta(matrix)
    displays = display_meta(matrix).set_index("construct")["meta_inference"]
    for construct, meta in displays.items():
        if construct not in words:  # no pair with an indicator on both sides
            assert set(matrix.loc[matrix["construct"] == construct, "verdict"]) == {"not available"}
        elif meta == "none":
            assert words[construct] in ("silence", "inconclusive")
        else:
            assert words[construct] == meta


def test_the_coverage_limitation_prints_the_shares_of_the_coverage_table(built_demo: Path):
    """The limitations' coverage shares are in results.json and the report, and add up from the coverage table
    of tables.xlsx (rows naming a source summed over everyone found): a statistics dict built after them once
    dropped them, and the sentence with them."""
    import docx

    from mixedmethods.report.workbook import read_tables

    coverage = read_tables(built_demo / "report" / "tables.xlsx")["triangulation_coverage"]
    total = coverage["all"].sum()
    shares = json.loads((built_demo / "report" / "results.json").read_text())["triangulation"][
        "participants_by_source"]
    assert shares["participants"] == total
    text = "\n".join(p.text for p in docx.Document(str(built_demo / "report" / "report.docx")).paragraphs)
    for source in ("survey", "interviews", "chats"):
        n = coverage.loc[coverage["sources"].str.contains(source), "all"].sum()
        assert shares["sources"][source]["n"] == n
        assert f"{int(n)} ({round(100 * n / total)}%)" in text
