"""Studies of many shapes, written by tests/studygen.py, imported and built through the command line.

Each shape is written once (a module-scoped fixture), then ``mixedmethods
import`` and ``mixedmethods build`` run through click's CliRunner, and four
checks look at the result:

1. import and build exit with 0 and write the report files of every study
   language and of every source the study has;
2. the store holds what the generator wrote, counted by hand as it wrote it
   (listed participants, kept survey responses per group, transcripts, coded
   segments, chat messages and authors per chat), and results.json gives the
   same counts (group counts below k withheld);
3. every number printed in the report's sentences is in results.json. Rule
   (tests/reportcheck.py): numbers with decimals (``3.42``, ``.61``,
   ``−.02``; French ``3,42``) and percentages are checked, integers are not;
   a printed number with f decimals matches a JSON number v when
   ``|v - printed| <= 0.5 * 10**-f`` (v rounded to the printed decimals; the
   APA leading zero may be dropped); a percentage matches v or 100 v by the
   same rule; thresholds after ``<``/``>`` and numbers written in the sentence
   templates themselves (``.05``, ``95%``) are not computed and are skipped,
   and settings in the study's own instrument files (a scale's
   ``min_answered`` printed as "50%") count as known;
4. no bundled id or label (``CARICOM``, ``Sixth Committee``, ``security``,
   ``speed_1`` ...) and no id-shaped token (``x_y``, ``x.y``) outside the
   study's own groups, questions, scales, codes and constructs appears in
   the report's text.

The larger randomised run (many random shapes, seeded) is marked
``slow_shapes`` and deselected by default: ``pytest -m slow_shapes``.
How the generator works: docs/testing.md.
"""

from __future__ import annotations

import json
import re
import random
import sqlite3
import traceback
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from mixedmethods.cli import cli
from reportcheck import foreign_names, report_paragraphs, report_text, unmatched_numbers
from studygen import Shape, StudyTruth, make_study, random_shape

CHAT_METRICS = ("messages", "words", "share", "active_days", "media_share", "night_share", "weekend_share",
                "replies", "median_latency_min", "first_responder_share", "mentions_sent", "mentions_received")
WHOLE = {"en": "report.docx", "fr": "rapport.docx"}

SHAPES = [
    Shape(name="one-group", groups=1, respondents=(9,)),
    Shape(name="two-groups", groups=2, transcripts=("tags", "comments", "uncoded", "tags")),
    Shape(name="three-groups-forms-fr", groups=3, export="googleforms_fr", languages=("en", "fr")),
    Shape(name="five-groups-2-and-8-items", groups=5, k=2, respondents=(6, 5, 7, 6, 5), scale_items=(2, 8),
          transcripts=("tags", "comments", "tags", "comments", "tags")),
    Shape(name="eight-groups-k5", groups=8, k=5, respondents=(6,) * 8, sources=("survey", "chats"),
          chat_messages=12, extra_people=0),
    Shape(name="survey-only", sources=("survey",), profile_questions=2),
    Shape(name="interviews-only", sources=("interviews",), transcripts=("tags", "comments", "tags", "comments")),
    Shape(name="chats-only", sources=("chats",)),
    Shape(name="chats-only-no-questionnaire", sources=("chats",), bare_instruments=True),
    Shape(name="survey-and-chats", groups=3, sources=("survey", "chats")),
    Shape(name="every-group-under-k", groups=3, k=5, respondents=(2, 1, 3), extra_people=0, chat_messages=10),
    Shape(name="some-groups-under-k", groups=4, k=3, respondents=(7, 2, 6, 1), sources=("survey", "interviews")),
    Shape(name="renamed-ids-no-group-question", groups=4, id_style="odd", group_question=False,
          profile_questions=2, scale_items=(3, 5, 2), languages=("fr",)),
    Shape(name="empty-interview", transcripts=("tags", "empty", "comments")),
    Shape(name="xlsform-no-group-question", groups=3, group_question=False, xlsform=True, profile_questions=0),
    Shape(name="groups-of-one-k1", groups=3, respondents=(6, 1, 1), k=1, sources=("survey", "chats")),
    Shape(name="only-empty-interviews", sources=("interviews",), transcripts=("empty", "empty")),
    Shape(name="one-author-chat", sources=("survey", "chats"), one_author_chat=True),
    # Found by the random run: a survey of one respondent, and an export that holds only its header row.
    Shape(name="one-respondent", groups=1, respondents=(1,), k=1, sources=("survey", "chats")),
    Shape(name="survey-export-without-rows", respondents=(0, 0), sources=("survey", "interviews")),
]


@dataclass
class Built:
    """A written study and what import and build did with it."""

    truth: StudyTruth
    import_error: str | None
    build_error: str | None


def _failure(result) -> str | None:
    """None on success; else the first line of the error and the file:line where it was raised."""
    if result.exit_code == 0:
        return None
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        frames = traceback.extract_tb(result.exc_info[2])
        frame = ([f for f in frames if "/mixedmethods/" in f.filename] or frames)[-1]
        where = f"{frame.filename.rsplit('/mixedmethods/', 1)[-1]}:{frame.lineno}"
        if "/mixedmethods/" in frame.filename:
            where = "mixedmethods/" + where
        message = str(result.exception).splitlines()
        first = f"{type(result.exception).__name__}: {message[0] if message else ''}"
        return f"{first} ({where})"
    lines = [line for line in result.output.splitlines() if line.startswith("Error")] or result.output.splitlines()
    return f"exit {result.exit_code}: {lines[-1] if lines else ''}"


def build_shape(root: Path, shape: Shape) -> Built:
    """Write the study of ``shape`` into ``root``, import it and build it (each through the CLI)."""
    truth = make_study(root, shape)
    runner = CliRunner()
    imported = runner.invoke(cli, ["import", str(root)], catch_exceptions=True)
    import_error = _failure(imported)
    build_error = "not built: import failed"
    if import_error is None:
        build_error = _failure(runner.invoke(cli, ["build", str(root)], catch_exceptions=True))
    return Built(truth, import_error, build_error)


@pytest.fixture(scope="module", params=SHAPES, ids=[s.name for s in SHAPES])
def built(request, tmp_path_factory) -> Built:
    return build_shape(tmp_path_factory.mktemp("shape") / request.param.name, request.param)


def expected_files(truth: StudyTruth) -> list[Path]:
    """The report files a study of this shape must have (chapters only for sources with data)."""
    out = truth.root / "report"
    files = [out / "results.json", out / "tables.xlsx"]
    chapters = []
    if truth.has["survey"] and sum(truth.respondents.values()):
        chapters.append("survey")
    if truth.has["interviews"] and truth.transcripts:
        chapters.append("interviews")
    if truth.has["chats"] and sum(truth.messages.values()):
        chapters.append("chats")
    if truth.construct_ids and len(chapters) >= 2:  # triangulation needs data from two sources
        chapters.append("triangulation")
    for language in truth.shape.languages:
        files.append(out / WHOLE[language])
        files.extend(out / f"{chapter}.{language}.docx" for chapter in chapters)
    return files


def _needs(built: Built, step: str) -> None:
    error = built.import_error if step == "import" else built.build_error
    if error is not None:
        pytest.fail(f"{step} did not succeed, so this cannot be checked: {error}")


def check_import_and_build(built: Built) -> None:
    assert built.import_error is None, f"import failed: {built.import_error}"
    assert built.build_error is None, f"build failed: {built.build_error}"
    missing = [p.name for p in expected_files(built.truth) if not p.is_file()]
    assert not missing, f"report files missing: {missing}"


def check_store(built: Built) -> None:
    _needs(built, "import")
    truth = built.truth
    conn = sqlite3.connect(truth.root / "store.sqlite")
    try:
        def one(sql: str) -> int:
            return conn.execute(sql).fetchone()[0]

        assert one("SELECT count(*) FROM participants WHERE listed = 1") == truth.participants
        kept = dict(conn.execute("SELECT grp, count(*) FROM survey_responses WHERE status = 'kept' GROUP BY grp"))
        assert kept == {g: n for g, n in truth.respondents.items() if n}
        assert one("SELECT count(*) FROM transcripts") == truth.transcripts
        # Each file with no text is one reject, and the other files were stored all the same.
        assert one("SELECT count(*) FROM rejects WHERE reason LIKE 'the transcript has no text%'") \
            == truth.empty_transcripts
        assert one("SELECT count(*) FROM coded_segments") == truth.segments
        messages = dict(conn.execute("SELECT c.grp, count(*) FROM chat_messages m JOIN chats c USING (chat_id) "
                                     "WHERE m.kind != 'system' GROUP BY c.grp"))
        assert messages == {g: n for g, n in truth.messages.items() if n}
        authors = dict(conn.execute("SELECT c.grp, count(DISTINCT m.participant_id) FROM chat_messages m JOIN chats c "
                                    "USING (chat_id) WHERE m.kind != 'system' GROUP BY c.grp"))
        assert authors == {g: n for g, n in truth.chat_authors.items() if n}
    finally:
        conn.close()


def check_results_counts(built: Built) -> None:
    _needs(built, "build")
    truth = built.truth
    results = json.loads((truth.root / "report" / "results.json").read_text(encoding="utf-8"))
    k = truth.shape.k
    assert results["min_cell_size"] == k
    if truth.has["survey"]:
        # Groups of 1 to k - 1 respondents that hold fewer than k together are left out of the published total
        # (mixedmethods.disclosure, "Groups"): otherwise total minus the shown groups gives them away.
        hidden = sum(n for n in truth.respondents.values() if 0 < n < k)
        shown_total = sum(truth.respondents.values()) - (hidden if hidden < k else 0)
        assert results["survey"]["n"] == shown_total
        if sum(truth.respondents.values()):  # an export without rows need not break n down by group
            expected = {g: (n if n == 0 or n >= k else None) for g, n in truth.respondents.items()}
            assert results["survey"].get("n_by_group") == expected
    if truth.has["interviews"]:
        # Withheld (None) when a group under k could be had from it (mixedmethods.disclosure, "Groups").
        withheld = results["interviews"].get("transcripts_withheld")
        assert results["interviews"]["transcripts"] == (None if withheld else truth.transcripts)
        if withheld:
            assert 0 < min(n for n in truth.interviewed.values() if n) < k
        assert results["interviews"]["segments"] == truth.segments
    if truth.has["chats"]:
        withheld = set(results["chats"].get("groups_withheld", []))
        # Chats of fewer than k members are left out of the totals when they hold fewer than k people together
        # (mixedmethods.disclosure, "Groups"); otherwise the total is published.
        left_out = withheld if sum(truth.chat_authors[g] for g in withheld) < k else set()
        assert results["chats"]["messages"] == sum(n for g, n in truth.messages.items() if g not in left_out)
        by_group = {g: s.get("messages") for g, s in results["chats"].get("groups", {}).items()}
        # A chat of fewer than k members shows no statistic (its authors are then fewer than k too).
        withheld = set(results["chats"].get("groups_withheld", []))
        assert all(by_group[g] is None and truth.chat_authors[g] < k for g in withheld)
        assert {g: n for g, n in by_group.items() if g not in withheld} == \
            {g: n for g, n in truth.messages.items() if g not in withheld}


def _documents(truth: StudyTruth) -> list[tuple[Path, str]]:
    return sorted((p, p.name.split(".")[-2] if p.name.count(".") == 2 else
                   ("fr" if p.name == "rapport.docx" else "en"))
                  for p in (truth.root / "report").glob("*.docx"))


def instrument_numbers(root: Path) -> list:
    """The study's own instrument files as data (their settings, such as min_answered, may be printed)."""
    import yaml

    return [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((root / "instruments").glob("*.yaml"))]


def check_numbers(built: Built) -> None:
    _needs(built, "build")
    truth = built.truth
    results = json.loads((truth.root / "report" / "results.json").read_text(encoding="utf-8"))
    known = {"results": results, "instruments": instrument_numbers(truth.root)}
    missing = []
    for path, language in _documents(truth):
        missing += [f"{path.name}: {m}" for m in unmatched_numbers(report_paragraphs(path), known, language)]
    assert not missing, f"{len(missing)} printed numbers are not in results.json, e.g.:\n" + "\n".join(missing[:8])


def check_names(built: Built) -> None:
    _needs(built, "build")
    truth = built.truth
    found = []
    for path, language in _documents(truth):
        found += [f"{path.name}: {name}" for name in foreign_names(report_text(path), truth.own_ids, language,
                                                                   CHAT_METRICS)]
    assert not found, "the report names what the study does not have:\n" + "\n".join(found[:12])


def test_import_and_build_succeed(built: Built) -> None:
    check_import_and_build(built)


def test_store_holds_what_was_written(built: Built) -> None:
    check_store(built)


def test_results_json_counts(built: Built) -> None:
    check_results_counts(built)


def test_every_printed_number_is_in_results_json(built: Built) -> None:
    check_numbers(built)


def test_report_names_only_the_study_s_own_vocabulary(built: Built) -> None:
    check_names(built)


def test_french_articles_elide_before_group_names_that_start_with_a_vowel(built: Built) -> None:
    """French sentences fill 'le {group}', 'du {group}'; with 'équipe du Nord' they must read 'l'équipe', 'de l'équipe'."""
    _needs(built, "build")
    wrong = re.compile(r"\b(le|la|du|au|de) (?=[aeiouéèêàâîô])", re.IGNORECASE)
    for path, language in _documents(built.truth):
        if language == "fr":
            found = [p for p in report_paragraphs(path) if wrong.search(p)]
            assert not found, f"{path.name}: {found[0][:160]}"


# The checkers themselves, on hand-made text: a mutation of a checker shows up here.

def test_number_rule_matches_rounded_apa_numbers_only() -> None:
    results = {"a": {"alpha": 0.6149, "mean": 3.4166}, "b": [0.4151, -0.0203], "flag": True}
    text = "alpha = .61, M = 3.42, share 42%, r = −.02, p < .001, and M = 3.45"
    assert [m.split(" in:")[0] for m in unmatched_numbers([text], results, "en")] == ["'3.45'"]
    assert unmatched_numbers(["alpha = ,61 ; M = 3,42 ; 42 %"], results, "fr") == []


def test_names_rule_finds_bundled_and_unknown_ids() -> None:
    text = "Trust (q_trust_1) was higher in the Northern team than in the CARICOM delegates' group; theme_q.sub"
    found = foreign_names(text, {"q_trust_1", "north"}, "en")
    assert "label CARICOM" in found and "token theme_q.sub" in found
    assert not any("q_trust_1" in f for f in found)


@pytest.mark.slow_shapes
@pytest.mark.parametrize("number", range(40))
def test_random_shape(number: int, tmp_path: Path) -> None:
    """A larger randomised run: 40 seeded random shapes, every check (``pytest -m slow_shapes``)."""
    shape = random_shape(random.Random(f"shapes-{number}"), number)
    built = build_shape(tmp_path / "study", shape)
    problems = []
    for check in (check_import_and_build, check_store, check_results_counts, check_numbers, check_names):
        try:
            check(built)
        except (AssertionError, pytest.fail.Exception) as exc:
            problems.append(f"{check.__name__}: {str(exc).splitlines()[0]}")
    assert not problems, f"{shape}\n" + "\n".join(problems)


def test_a_study_whose_every_group_is_under_k_says_so_and_shows_no_group_statistic(tmp_path: Path) -> None:
    shape = next(s for s in SHAPES if s.name == "every-group-under-k")  # k = 5; 2, 1 and 3 respondents
    built = build_shape(tmp_path / "study", shape)
    check_import_and_build(built)
    text = "\n".join(report_paragraphs(built.truth.root / "report" / "report.docx"))
    assert "Every chat had fewer than 5 members, so no chat statistic is reported." in text
    # Issue 13: the executive summary says it as a sentence of its own.
    assert "No group comparison could be made, because fewer than two groups had at least 5 respondents." in text
    assert not re.search(r"(Gini|Mdn) = [.\d]", text)  # no group statistic, only the notes defining them
    results = json.loads((built.truth.root / "report" / "results.json").read_text(encoding="utf-8"))
    assert all(v["gini"] is None for v in results["chats"]["groups"].values())
    assert set(results["chats"]["groups_withheld"]) == set(built.truth.groups)
