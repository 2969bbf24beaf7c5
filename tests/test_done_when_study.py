"""Issue 9's "done when" study: a team's own three-group study builds in both languages.

Three groups; its own questionnaire (new scales, one reverse-keyed item
each), codebook (new themes) and constructs; a French Google Forms export;
two transcripts coded in Word comments and two with inline tags; three
WhatsApp exports, one per group. ``mixedmethods import`` and ``build`` must
succeed, the store and results.json must hold what was written, and with
three groups the survey chapter and results.json must carry a Kruskal-Wallis
test per scale with post hoc pairwise comparisons (Dunn or Games-Howell).
The study is written by tests/studygen.py (see docs/testing.md).

How results.json is searched, since its layout for k groups is not fixed
yet: a scale has its Kruskal-Wallis test when some part of the survey section
kept under the scale's id mentions "Kruskal"; post hoc comparisons are the
parts kept under a key naming them (``post_hoc``, ``pairwise``, ``dunn``,
``games_howell``), and together they must name every pair of groups.
"""

from __future__ import annotations

import json
import re
from itertools import combinations
from pathlib import Path
from typing import Any

import pytest

from reportcheck import report_text
from studygen import Shape
from test_study_shapes import (Built, _needs, build_shape, check_import_and_build, check_names, check_numbers,
                               check_results_counts, check_store)

DONE_WHEN = Shape(name="done-when", groups=3, k=5, respondents=(11, 9, 12), export="googleforms_fr",
                  scale_items=(5, 4), profile_questions=2,
                  transcripts=("comments", "tags", "comments", "tags"), chat_messages=40,
                  languages=("en", "fr"), seed=9)
POST_HOC = re.compile(r"dunn|games[- ]?howell", re.IGNORECASE)
KRUSKAL = re.compile(r"kruskal", re.IGNORECASE)


@pytest.fixture(scope="module")
def done_when(tmp_path_factory) -> Built:
    return build_shape(tmp_path_factory.mktemp("done-when") / "study", DONE_WHEN)


def _subtrees(node: Any, path: tuple = ()):
    """Every (path, subtree) of a JSON document."""
    yield path, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _subtrees(value, path + (str(key),))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _subtrees(value, path + (str(index),))


def _mentions(node: Any, pattern: re.Pattern) -> bool:
    """Does the pattern occur in any key or text value of the subtree?"""
    return any(pattern.search(p[-1]) if p else False for p, _ in _subtrees(node)) or \
        any(isinstance(v, str) and pattern.search(v) for _, v in _subtrees(node))


def _results(built: Built) -> dict:
    return json.loads((built.truth.root / "report" / "results.json").read_text(encoding="utf-8"))


def test_done_when_study_imports_and_builds_in_both_languages(done_when: Built) -> None:
    check_import_and_build(done_when)
    out = done_when.truth.root / "report"
    for name in ("report.docx", "rapport.docx", "survey.en.docx", "survey.fr.docx", "interviews.en.docx",
                 "interviews.fr.docx", "chats.en.docx", "chats.fr.docx", "triangulation.en.docx",
                 "triangulation.fr.docx"):
        assert (out / name).is_file(), name


def test_done_when_store_holds_what_was_written(done_when: Built) -> None:
    check_store(done_when)


def test_done_when_results_json_counts(done_when: Built) -> None:
    check_results_counts(done_when)


def scales_without_kruskal(survey: dict, scales: list[str]) -> list[str]:
    """Scales with no part of results.json kept under their id that mentions Kruskal-Wallis."""
    return [scale for scale in scales
            if not any(_mentions(node, KRUSKAL) for path, node in _subtrees(survey) if path and path[-1] == scale)]


def test_kruskal_finder_on_hand_made_results() -> None:
    survey = {"comparisons": {"trust": {"test": "Kruskal-Wallis", "H": 7.2, "df": 2},
                              "workload": {"test": "Mann-Whitney U"}}, "reliability": {"workload": {"alpha": .7}}}
    assert scales_without_kruskal(survey, ["trust", "workload"]) == ["workload"]


def test_done_when_results_json_has_kruskal_wallis_per_scale(done_when: Built) -> None:
    _needs(done_when, "build")
    survey = _results(done_when)["survey"]
    assert _mentions(survey, KRUSKAL), "no Kruskal-Wallis test anywhere in results.json's survey section"
    missing = scales_without_kruskal(survey, done_when.truth.scale_ids)
    assert not missing, f"no Kruskal-Wallis test for scales {missing}"


POST_HOC_KEY = re.compile(r"post.?hoc|pairwise|dunn|games.?howell", re.IGNORECASE)


def _post_hoc_blocks(node: Any) -> list:
    """The parts of a JSON document kept under a key that names post hoc comparisons (post_hoc, pairwise, dunn)."""
    return [n for path, n in _subtrees(node) if path and POST_HOC_KEY.search(path[-1])]


def missing_post_hoc_pairs(survey: dict, groups: list[str]) -> list[str]:
    """Pairs of groups that no post hoc block of results.json names (all pairs if there is no block)."""
    text = json.dumps(_post_hoc_blocks(survey), ensure_ascii=False)
    return [f"{g1}-{g2}" for g1, g2 in combinations(groups, 2) if not (f'"{g1}"' in text and f'"{g2}"' in text)]


def test_post_hoc_finder_on_hand_made_results() -> None:
    groups = ["north", "south", "east"]
    nested = {"n_by_group": {"north": 9, "south": 9, "east": 9},
              "comparisons": {"trust": {"test": "Kruskal-Wallis", "H": 7.2,
                                        "post_hoc": {"method": "Dunn (Holm)", "pairs": [
                                            {"a": "north", "b": "south"}, {"a": "north", "b": "east"},
                                            {"a": "south", "b": "east"}]}}}}
    assert missing_post_hoc_pairs(nested, groups) == []
    keyed = {"dunn": [{"A": "north", "B": "south"}, {"A": "east", "B": "south"}, {"A": "east", "B": "north"}]}
    assert missing_post_hoc_pairs(keyed, groups) == []
    # group ids elsewhere in the section do not count as post hoc comparisons
    only_named = {"n_by_group": {"north": 9, "south": 9, "east": 9}, "post_hoc": "Dunn"}
    assert missing_post_hoc_pairs(only_named, groups) == ["north-south", "north-east", "south-east"]


def test_done_when_results_json_has_post_hoc_comparisons(done_when: Built) -> None:
    _needs(done_when, "build")
    survey = _results(done_when)["survey"]
    assert _mentions(survey, POST_HOC), "no Dunn or Games-Howell test named in results.json's survey section"
    assert _post_hoc_blocks(survey), "no post hoc comparisons (post_hoc, pairwise, dunn ...) in results.json's survey"
    missing = missing_post_hoc_pairs(survey, list(done_when.truth.groups))
    assert not missing, f"post hoc comparisons do not name the pairs {missing}"


@pytest.mark.parametrize("language", ["en", "fr"])
def test_done_when_survey_chapter_reports_kruskal_wallis_and_post_hoc(done_when: Built, language: str) -> None:
    _needs(done_when, "build")
    text = report_text(done_when.truth.root / "report" / f"survey.{language}.docx")
    assert KRUSKAL.search(text), "the survey chapter does not report a Kruskal-Wallis test"
    assert POST_HOC.search(text), "the survey chapter does not report Dunn or Games-Howell comparisons"
    for labels in done_when.truth.groups.values():
        assert labels[language] in text, f"group {labels[language]!r} is not named in the survey chapter"


def test_done_when_every_printed_number_is_in_results_json(done_when: Built) -> None:
    check_numbers(done_when)


def test_done_when_report_names_only_the_study_s_own_vocabulary(done_when: Built) -> None:
    check_names(done_when)
