"""Issue 9's "done when" study: a team's own three-group study builds in both languages.

Three groups; its own questionnaire (new scales, one reverse-keyed item
each), codebook (new themes) and constructs; a French Google Forms export;
two transcripts coded in Word comments and two with inline tags; three
WhatsApp exports, one per group. ``mixedmethods import`` and ``build`` must
succeed, the store and results.json must hold what was written, and with
three groups the survey chapter and results.json must carry a Kruskal-Wallis
test per scale with post hoc pairwise comparisons (Dunn or Games-Howell).
The study is written by tests/studygen.py (see docs/testing.md).
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
from test_study_shapes import (Built, build_shape, check_import_and_build, check_names, check_numbers,
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


def test_done_when_results_json_has_kruskal_wallis_per_scale(done_when: Built) -> None:
    check_import_and_build(done_when)
    survey = _results(done_when)["survey"]
    assert _mentions(survey, KRUSKAL), "no Kruskal-Wallis test anywhere in results.json's survey section"
    for scale in done_when.truth.scale_ids:
        holders = [node for path, node in _subtrees(survey) if path and path[-1] == scale]
        assert any(_mentions(node, KRUSKAL) for node in holders), f"no Kruskal-Wallis test for scale {scale!r}"


def test_done_when_results_json_has_post_hoc_comparisons(done_when: Built) -> None:
    check_import_and_build(done_when)
    survey = _results(done_when)["survey"]
    post_hoc = [node for _, node in _subtrees(survey) if isinstance(node, (dict, list)) and _mentions(node, POST_HOC)]
    assert post_hoc, "no Dunn or Games-Howell comparisons in results.json's survey section"
    text = json.dumps(post_hoc, ensure_ascii=False)
    for g1, g2 in combinations(done_when.truth.groups, 2):
        assert g1 in text and g2 in text, f"post hoc comparisons do not name groups {g1} and {g2}"


@pytest.mark.parametrize("language", ["en", "fr"])
def test_done_when_survey_chapter_reports_kruskal_wallis_and_post_hoc(done_when: Built, language: str) -> None:
    check_import_and_build(done_when)
    text = report_text(done_when.truth.root / "report" / f"survey.{language}.docx")
    assert KRUSKAL.search(text), "the survey chapter does not report a Kruskal-Wallis test"
    assert POST_HOC.search(text), "the survey chapter does not report Dunn or Games-Howell comparisons"
    for labels in done_when.truth.groups.values():
        assert labels[language] in text, f"group {labels[language]!r} is not named in the survey chapter"


def test_done_when_report_numbers_and_names(done_when: Built) -> None:
    check_numbers(done_when)
    check_names(done_when)
