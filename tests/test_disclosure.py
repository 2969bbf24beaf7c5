"""Disclosure control (mixedmethods/disclosure.py): the rule on hand-made tables, then a differencing attack.

Part 1 pins the complementary-suppression rule of docs/privacy.md (Hundepool
et al., 2012, Statistical Disclosure Control, Wiley, ch. 4-5) to masks
computed by hand, step by step, in the comments.

Part 2 builds the demo and a generated study with a survey group of 3
(k = 5), reads every output (each .docx's paragraphs and table cells, every
sheet of tables.xlsx, results.json, the report folder's file list) and tries
to recover each suppressed count by subtraction from a published total and
the other groups, within a table, across tables and across files. The true
values come from the generator's own tally (tests/studygen.py) or from SQL on
the store, not from the analysis code.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from mixedmethods.cli import cli
from mixedmethods.disclosure import (class_sizes, group_sizes, is_k_anonymous, protect_line, suppress_by_group,
                                     suppression_mask, unique_count)
from mixedmethods.report.workbook import read_tables
from reportcheck import report_paragraphs, report_text
from studygen import Shape, make_study

K = 5


# Part 1: the rule, by hand --------------------------------------------------------------------------------

def test_one_hidden_cell_in_a_line_takes_the_smallest_non_zero_cell_with_it():
    # [0, 3, 7, 6], k = 5: 3 is under k; alone it would be total - 0 - 7 - 6. The smallest shown non-zero
    # cell is 6 (index 3), not the 0: hiding a zero would leave 3 = total - 7 - 0 - 6 + 0.
    assert protect_line([0, 3, 7, 6], {1}, K) == ({1, 3}, False)


def test_hidden_cells_must_hold_k_together():
    # [1, 2, 9, 4]: 1 and 2 are hidden, but 1 + 2 = 3 < 5 would publish a small aggregate: the next
    # smallest, 4, is hidden too (1 + 2 + 4 = 7 >= 5).
    assert protect_line([1, 2, 9, 4], {0, 1}, K) == ({0, 1, 3}, False)


def test_a_line_with_nothing_left_to_hide_hides_its_total():
    assert protect_line([2, 1], {0, 1}, K) == ({0, 1}, True)
    assert protect_line([3], {0}, K) == ({0}, True)


def test_a_line_without_small_cells_is_untouched():
    assert protect_line([5, 0, 12], set(), K) == (set(), False)


def test_two_by_two_with_both_margins_hides_every_cell():
    # [[1, 8], [6, 9]]: 1 is primary. Row 0 adds 8; column 0 adds 6; then row 1 has only 6 hidden: adds 9.
    mask, rows, columns = suppression_mask(pd.DataFrame([[1, 8], [6, 9]]), K)
    assert mask.values.tolist() == [[True, True], [True, True]]
    assert not rows.any() and not columns.any()


def test_three_by_three_by_hand():
    # [[2, 10, 12], [9, 7, 11], [15, 13, 3]], rows then columns, repeated until nothing changes:
    # pass 1 rows: row 0 {2} -> + 10 (col 1); row 2 {3} -> + 13 (col 1, smaller than 15).
    #        cols: col 0 {2} -> + 9 (row 1); col 1 {10, 13} = 23, two cells: fine; col 2 {3} -> + 11 (row 1).
    # pass 2: row 1 now {9, 11} = 20: fine; every line has >= 2 hidden cells holding >= 5: stop.
    table = pd.DataFrame([[2, 10, 12], [9, 7, 11], [15, 13, 3]])
    mask, _, _ = suppression_mask(table, K)
    assert mask.values.tolist() == [[True, True, False], [True, False, True], [False, True, True]]


def test_a_cell_hidden_by_a_column_is_protected_in_its_row_on_the_next_pass():
    # [[1, 20, 30], [6, 40, 50], [30, 30, 30]]:
    # pass 1 rows: row 0 {1} -> + 20.  cols: col 0 {1} -> + 6 (row 1); col 1 {20} -> + 30 (row 2, < 40).
    # pass 2 rows: row 1 has only 6 -> + 40 (< 50); row 2 has only its col-1 30 -> + the col-0 30 (first of
    # equals). cols: col 0 {1, 6, 30}, col 1 {20, 40, 30}: fine. pass 3: no change.
    mask, _, _ = suppression_mask(pd.DataFrame([[1, 20, 30], [6, 40, 50], [30, 30, 30]]), K)
    assert mask.values.tolist() == [[True, True, False]] * 3


def test_a_line_of_one_hidden_cell_hides_its_total():
    # One cell, hidden for another reason (a hidden group's column): nothing left to hide, so the total goes.
    _, rows, _ = suppression_mask(pd.DataFrame([[7]]), K, column_totals=False, hidden=pd.DataFrame([[True]]))
    assert rows.tolist() == [True]


def test_k_itself_is_shown():
    mask, rows, columns = suppression_mask(pd.DataFrame([[5, 6]]), K)
    assert not mask.values.any() and not rows.any() and not columns.any()


def test_rows_only_when_columns_do_not_add_up():
    # Codes by group (a person can hold several codes): only rows add up (to the all column).
    mask, _, _ = suppression_mask(pd.DataFrame([[2, 10, 12], [9, 7, 11]]), K, column_totals=False)
    assert mask.values.tolist() == [[True, True, False], [False, False, False]]


def test_small_totals_are_hidden():
    _, rows, columns = suppression_mask(pd.DataFrame([[1, 0], [2, 0]]), K)
    assert rows.tolist() == [True, True] and columns.tolist() == [True, False]


def test_suppress_by_group_hides_counts_percentages_and_names_the_protecting_cells():
    table = pd.DataFrame({"code": ["a", "b"], "x_n": [3, 8], "x_pct": [30.0, 80.0], "y_n": [7, 9],
                          "y_pct": [70.0, 90.0], "all_n": [10, 17]})
    out = suppress_by_group(table, ["x", "y"], [], K)
    assert out["x_n"].isna().tolist() == [True, False] and out["y_n"].isna().tolist() == [True, False]
    assert out["x_pct"].isna().tolist() == [True, False] and out["y_pct"].isna().tolist() == [True, False]
    assert out["all_n"].tolist() == [10, 17] and out["protected"].tolist() == ["y", ""]


def test_a_hidden_group_column_counts_as_hidden_in_its_rows():
    # Group x is hidden (under k people): its cell 4 is hidden, so y's 6 must go too (10 - 6 = 4).
    table = pd.DataFrame({"code": ["a"], "x_n": [4], "y_n": [6], "all_n": [10]})
    out = suppress_by_group(table, ["x", "y"], ["x"], K)
    assert out["x_n"].isna().all() and out["y_n"].isna().all()
    # Its zero too (a zero of a tiny group tells who); y's 9 then goes with it; only y is "protected" (x is
    # hidden as a group, not to protect another cell).
    out = suppress_by_group(pd.DataFrame({"x_n": [0], "y_n": [9], "all_n": [9]}), ["x", "y"], ["x"], K)
    assert out["x_n"].isna().all() and out["y_n"].isna().all() and out["protected"].tolist() == ["y"]


def test_group_sizes_leave_out_a_lone_small_group_and_pool_several_that_hold_k():
    alone = group_sizes({"a": 3, "b": 40, "c": 20}, K)
    assert (alone.hidden, alone.left_out, alone.tested, alone.total) == (["a"], ["a"], ["b", "c"], 60)
    pooled = group_sizes({"a": 3, "b": 2, "c": 20}, K)  # 3 + 2 = 5 >= k: pooled, neither shown
    assert (pooled.hidden, pooled.left_out, pooled.total) == (["a", "b"], [], 25)
    tiny = group_sizes({"a": 3, "b": 1, "c": 20}, K)  # 3 + 1 = 4 < k: both left out
    assert (tiny.left_out, tiny.total) == (["a", "b"], 20)
    assert group_sizes({}, K).total == 0


def test_k_anonymity_by_hand():
    frame = pd.DataFrame({"group": ["a", "a", "a", "b", "b"], "role": ["x", "x", None, "y", "y"]})
    # classes: (a, x) 2, (a, no answer) 1, (b, y) 2
    assert class_sizes(frame, ["group", "role"]).tolist() == [2, 2, 1, 2, 2]
    assert unique_count(frame, ["group", "role"]) == 1
    assert is_k_anonymous(frame, ["group"], 2) and not is_k_anonymous(frame, ["group", "role"], 2)


# Part 2: a differencing attack over every output ----------------------------------------------------------

def outputs(root: Path) -> dict:
    """Everything a reader of report/ gets: json, every sheet, every document's text, the file names."""
    report = root / "report"
    return {"json": json.loads((report / "results.json").read_text(encoding="utf-8")),
            # tables.xlsx is labelled for people; its README sheet maps the labels back to the table and column ids
            "sheets": read_tables(report / "tables.xlsx"),
            "docx": {p.name: report_text(p) for p in report.glob("*.docx")},
            "paragraphs": {p.name: report_paragraphs(p) for p in report.glob("*.docx")},
            "files": sorted(p.relative_to(report).as_posix() for p in report.rglob("*") if p.is_file())}


def number(value) -> float | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, str):
        return None
    return float(value)


def recoverable_lines(cells: list, total) -> bool:
    """An attacker's subtraction: exactly one cell unknown, or unknown cells holding fewer than k, beside a
    published total. ``cells`` are (value or None, true value)."""
    if number(total) is None:
        return False
    unknown = [true for shown, true in cells if number(shown) is None]
    if not unknown:
        return False
    return len(unknown) == 1 or (sum(unknown) < K and sum(unknown) > 0)


def attack_group_sizes(out: dict, source: str, true: dict[str, int], shown_key: str, total_keys: list) -> list:
    """Totals minus the published groups: does a hidden group's size come back?"""
    problems = []
    shown = out["json"][source][shown_key]
    hidden = {g: n for g, n in true.items() if 0 < n < K}
    for g in hidden:
        assert shown.get(g) is None, f"{source}: {shown_key}[{g}] = {shown.get(g)} printed ({hidden[g]} < k)"
    published = sum(v for v in shown.values() if v)
    for name, total in total_keys:
        if total is None:
            continue
        residual = total - published
        if len(hidden) == 1 and residual == next(iter(hidden.values())):
            problems.append(f"{source}: {name} {total} - published groups {published} = hidden group")
        if len(hidden) > 1 and 0 < residual < K:
            problems.append(f"{source}: {name} - published groups = {residual}, a small aggregate")
    return problems


def attack_tables(out: dict) -> list:
    """Row and column subtraction inside tables.xlsx; percentages of hidden counts; small counts printed."""
    problems = []
    sheets = out["sheets"]
    groups = list(out["json"]["survey"].get("groups") or [])
    for name in ("interviews_frequencies", "triangulation_coverage"):
        table = sheets.get(name)
        if table is None:
            continue
        group_columns = [c for c in table.columns if c.endswith("_n") and c != "all_n"] or \
            [c for c in table.columns if c not in ("sources", "all", "protected")]
        total_column = "all_n" if "all_n" in table else "all"
        for _, row in table.iterrows():
            values = [row[c] for c in group_columns]
            unknown = [v for v in values if number(v) is None]
            if number(row[total_column]) is not None and len(unknown) == 1:
                problems.append(f"{name}: row {row.iloc[0]}: one hidden cell beside the total")
            for v in [*values, row[total_column]]:
                if number(v) is not None and 0 < v < K:
                    problems.append(f"{name}: {v} printed")
            for c in group_columns:
                pct = c[:-2] + "_pct"
                if pct in table and number(row[c]) is None and number(row[pct]) is not None:
                    problems.append(f"{name}: a hidden count's percentage is printed")
        if name == "triangulation_coverage":  # columns add up to each group's participants
            for c in group_columns:
                if (table[c].isna().sum() == 1) and table[c].notna().any():
                    problems.append(f"{name}: column {c} has one hidden cell")
    participation = sheets.get("chats_participation")
    if participation is not None:
        for column in ("members", "active_members", "unlisted_authors"):
            for value in participation[column]:
                if number(value) is not None and 0 < value < K:
                    problems.append(f"chats_participation: {column} = {value}")
    profile = sheets.get("survey_profile")
    n_by_group = out["json"]["survey"].get("n_by_group", {})
    # A chi-square or Fisher statistic over a table with a hidden cell and published margins gives it back.
    for question, row in (out["json"]["survey"].get("associations") or {}).items():
        if profile is None:
            break
        block = profile[profile["question"] == question]
        tested = row.get("groups", "").split(", ")
        if any(block[f"{g}_n"].isna().any() for g in tested if f"{g}_n" in block):
            problems.append(f"association {question}: run over a table with a hidden cell")
    if profile is not None and not profile.empty:
        for (question, ), block in profile.groupby(["question"]):
            for g in groups:
                column = block.get(f"{g}_n")
                if column is None or n_by_group.get(g) is None:
                    continue
                if column.isna().sum() == 1 and column.sum() + column.isna().sum() * 0 <= n_by_group[g]:
                    problems.append(f"survey_profile: {question}/{g}: one hidden cell beside the group's n")
                printed = column.dropna()
                if ((printed > 0) & (printed < K)).any():
                    problems.append(f"survey_profile: {question}/{g}: a count under k printed")
    return problems


def attack_descriptives(out: dict, true: dict[str, int]) -> list:
    """The all-respondents row minus the published groups: a hidden group's n (and so its mean)."""
    problems = []
    desc = out["sheets"].get("survey_descriptives")
    if desc is None:
        return problems
    hidden = [g for g, n in true.items() if 0 < n < K]
    for scale, block in desc.groupby("variable"):
        rows = block.set_index("group")
        for g in hidden:
            if g in rows.index:
                assert number(rows.loc[g, "n"]) is None and number(rows.loc[g, "M"]) is None
        if "all" not in rows.index or number(rows.loc["all", "n"]) is None:
            continue
        shown = rows.drop(index="all")
        residual = rows.loc["all", "n"] - shown["n"].fillna(0).sum()
        if len(hidden) == 1 and residual > 0:
            problems.append(f"survey_descriptives {scale}: all - groups = {residual} people of a hidden group")
    return problems


def attack_results_json(out: dict) -> list:
    """Group sizes in comparisons (n1, n2, n.<group>) and association tests over a hidden group."""
    problems = []
    survey = out["json"]["survey"]
    for scale, row in (survey.get("comparisons") or {}).items():
        for key in ("n1", "n2"):
            if row.get(key) is not None and 0 < row[key] < K:
                problems.append(f"survey comparison {scale}: {key} = {row[key]}")
    tested = set(survey.get("groups_tested") or [])
    for question, row in (survey.get("associations") or {}).items():
        if not set(row.get("groups", "").split(", ")) <= tested:
            problems.append(f"association {question} run with a group under k")
    for row in out["json"]["triangulation"].get("comparisons") or []:
        for key, value in row.items():
            if (key.startswith("n.") or key in ("n1", "n2")) and value is not None and 0 < value < K:
                problems.append(f"triangulation comparison {row['construct']}/{row['source']}: {key} = {value}")
    chats = out["json"].get("chats", {})
    for group, row in (chats.get("groups") or {}).items():
        for key in ("members", "active_members", "unlisted_authors"):
            if row.get(key) is not None and 0 < row[key] < K:
                problems.append(f"chats {group}: {key} = {row[key]}")
    if chats.get("unlisted_authors") is not None and 0 < chats["unlisted_authors"] < K:
        problems.append(f"chats: unlisted_authors = {chats['unlisted_authors']}")
    return problems


def attack_chat_messages(out: dict, true_messages: dict[str, int]) -> list:
    chats = out["json"].get("chats", {})
    groups = chats.get("groups") or {}
    withheld = [g for g in chats.get("groups_withheld", [])]
    if not groups or chats.get("messages") is None or len(withheld) != 1:
        return []
    published = sum(row["messages"] for g, row in groups.items() if row.get("messages") is not None)
    if chats["messages"] - published == true_messages.get(withheld[0]):
        return ["chats: all messages - published chats = the withheld chat's messages"]
    return []


def no_participant_files_public(out: dict) -> list:
    return [f"report/{name} is public" for name in out["files"]
            if name in ("participants.csv", "participants.sav", "participant_tables.xlsx")] + \
        [f"tables.xlsx sheet {s} is participant-level" for s in out["sheets"]
         if s.endswith(("per_participant", "next_speaker", "mentions"))]


@pytest.fixture(scope="module")
def small_group_study(tmp_path_factory) -> tuple[Path, object]:
    """Three groups; the first has 3 respondents (k = 5), every source present."""
    root = tmp_path_factory.mktemp("disclosure") / "study"
    truth = make_study(root, Shape(name="group-of-3", groups=3, k=K, respondents=(3, 12, 10), extra_people=0,
                                   transcripts=("tags", "comments", "tags", "comments", "tags", "comments",
                                                "tags"), chat_messages=40, seed=3))
    runner = CliRunner()
    assert runner.invoke(cli, ["import", str(root)]).exit_code == 0
    result = runner.invoke(cli, ["build", str(root)])
    assert result.exit_code == 0, result.output
    return root, truth


def counts_by_group(root: Path, sql: str) -> dict[str, int]:
    """``{group: count}`` from a two-column query on the study's store (the truth the attack compares with)."""
    import sqlite3

    conn = sqlite3.connect(root / "store.sqlite")
    try:
        return dict(conn.execute(sql).fetchall())
    finally:
        conn.close()


def true_interviewed(root: Path) -> dict[str, int]:
    return counts_by_group(root, "SELECT p.grp, COUNT(DISTINCT t.participant_id) FROM transcripts t "
                                 "JOIN participants p USING (participant_id) GROUP BY p.grp")


def true_chat_messages(root: Path) -> dict[str, int]:
    return counts_by_group(root, "SELECT c.grp, COUNT(*) FROM chat_messages m JOIN chats c USING (chat_id) "
                                 "WHERE m.kind != 'system' GROUP BY c.grp")


def attack(root: Path, respondents: dict[str, int]) -> list[str]:
    out = outputs(root)
    survey = out["json"]["survey"]
    totals = [("results.json survey.n", survey.get("n"))]
    totals += [(f"descriptives all n ({scale})", rows.get("all", {}).get("n"))
               for scale, rows in (survey.get("descriptives") or {}).items()]
    totals += [(f"association n ({q})", row.get("n")) for q, row in (survey.get("associations") or {}).items()]
    sample = out["sheets"].get("survey_sample")
    problems = attack_group_sizes(out, "survey", respondents, "n_by_group", totals)
    if sample is not None:
        for g, n in zip(sample["group"], sample["n"]):
            if 0 < respondents.get(g, 0) < K and number(n) is not None:
                problems.append(f"survey_sample: {g} = {n}")
    interviewed = true_interviewed(root)
    if "interviewed_by_group" in out["json"]["interviews"]:
        problems += attack_group_sizes(out, "interviews", interviewed, "interviewed_by_group",
                                       [("interviews.interviewed", out["json"]["interviews"].get("interviewed"))])
    problems += attack_tables(out)
    problems += attack_descriptives(out, respondents)
    problems += attack_results_json(out)
    problems += attack_chat_messages(out, true_chat_messages(root))
    problems += no_participant_files_public(out)
    # The survey chapter's text: the true total (with the hidden group) is nowhere in its sentences.
    hidden = {g: n for g, n in respondents.items() if 0 < n < K}
    if len(hidden) == 1:
        everyone = sum(respondents.values())
        for name, paragraphs in out["paragraphs"].items():
            for paragraph in paragraphs:
                if re.search(rf"\b{everyone} (respondents|répondants|people|personnes)", paragraph):
                    problems.append(f"{name}: the total with the hidden group: {paragraph[:80]}")
    return problems


def test_differencing_attack_recovers_nothing_in_a_study_with_a_group_of_3(small_group_study):
    root, truth = small_group_study
    assert attack(root, truth.respondents) == []
    out = outputs(root)
    survey = out["json"]["survey"]
    small = next(g for g, n in truth.respondents.items() if n == 3)
    assert survey["groups_left_out"] == [small] and small not in survey["groups_tested"]
    assert all(small not in row["groups"] for row in survey["comparisons"].values())
    # The text says the group was left out.
    text = "\n".join(out["paragraphs"]["survey.en.docx"])
    assert "left out" in text and "fewer than 5" in text


def test_differencing_attack_recovers_nothing_in_the_demo(built_demo):
    import sqlite3

    conn = sqlite3.connect(built_demo / "store.sqlite")
    try:
        respondents = dict(conn.execute("SELECT grp, COUNT(DISTINCT participant_id) FROM survey_responses "
                                        "WHERE status = 'kept' GROUP BY grp").fetchall())
    finally:
        conn.close()
    assert attack(built_demo, respondents) == []
    # 13 interview counts were once given back by all_n - other group: every hidden cell now has company.
    frequencies = outputs(built_demo)["sheets"]["interviews_frequencies"]
    hidden = frequencies[["caricom_n", "sixth-committee_n"]].isna().sum(axis=1)
    assert (hidden.isin([0, 2]) | frequencies["all_n"].isna()).all()
    assert (hidden > 0).sum() >= 13


def test_participant_files_are_private_by_default_and_stay_private_when_not_k_anonymous(built_demo, built_copy):
    assert {p.name for p in (built_demo / "private" / "exports").iterdir()} >= {"participants.csv",
                                                                                   "participants.sav"}
    root = built_copy
    config = root / "study.yaml"
    config.write_text(config.read_text().replace("min_cell_size: 5", "min_cell_size: 5\n  exports: public"))
    result = CliRunner().invoke(cli, ["build", str(root)])
    assert result.exit_code == 0, result.output
    assert "participant-level files written to private/exports, not report/" in result.output
    assert not (root / "report" / "participants.csv").exists()
    results = json.loads((root / "report" / "results.json").read_text())
    assert results["triangulation"]["participant_exports"]["where"] == "private"
    assert "were to be shared, but some participants" in "\n".join(report_paragraphs(root / "report" /
                                                                                     "report.docx"))


def test_participant_files_go_public_when_k_anonymous(tmp_path):
    # Two groups of 8, no profile question: group alone is the quasi-identifier, every class has 8 >= 5.
    root = tmp_path / "study"
    make_study(root, Shape(name="public", groups=2, k=K, respondents=(8, 8), profile_questions=0, extra_people=0))
    config = root / "study.yaml"
    config.write_text(config.read_text().replace("min_cell_size:", "exports: public\n  min_cell_size:"))
    runner = CliRunner()
    assert runner.invoke(cli, ["import", str(root)]).exit_code == 0
    result = runner.invoke(cli, ["build", str(root)])
    assert result.exit_code == 0, result.output
    assert (root / "report" / "participants.csv").is_file()


def test_exports_setting_is_validated(tmp_path):
    root = tmp_path / "study"
    make_study(root, Shape(name="bad", groups=1, respondents=(6,), sources=("survey",)))
    config = root / "study.yaml"
    config.write_text(config.read_text().replace("min_cell_size:", "exports: everyone\n  min_cell_size:"))
    result = CliRunner().invoke(cli, ["build", str(root)])
    assert result.exit_code == 2
    assert "report.exports: expected one of private, public, got 'everyone'" in result.output


def test_status_counts_respondents_unique_on_the_profile(demo_study):
    result = CliRunner().invoke(cli, ["status", str(demo_study), "--json"])
    counts = json.loads(result.output)
    respondents = pd.DataFrame  # noqa: F841 - the count below is checked against SQL, not our code
    import sqlite3

    conn = sqlite3.connect(demo_study / "store.sqlite")
    try:
        # Group and every answer to the questions the demo questionnaire marks role: profile, by SQL.
        profile = [q for q, in conn.execute("SELECT DISTINCT question_id FROM survey_answers")]
        rows = conn.execute("SELECT r.participant_id, r.grp, a.question_id, a.value FROM survey_responses r "
                            "LEFT JOIN survey_answers a USING (response_id) WHERE r.status = 'kept'").fetchall()
    finally:
        conn.close()
    from mixedmethods.study import load_study

    marked = [q.id for q in load_study(demo_study).questionnaire().questions if q.role == "profile"]
    people: dict[str, dict] = {}
    for pid, grp, qid, value in rows:
        people.setdefault(pid, {"group": grp})
        if qid in marked:
            people[pid][qid] = value
    keys = [tuple(sorted(p.items())) for p in people.values()]
    unique = sum(1 for key in keys if keys.count(key) == 1)
    assert profile and counts["survey"]["unique_on_profile"] == unique


def test_qdpx_export_keeps_profile_answers_only_where_they_cannot_single_out(fresh_demo: Path, run, tmp_path: Path):
    import zipfile

    from mixedmethods.study import load_study

    questionnaire = load_study(fresh_demo).questionnaire()
    profile = [q.id for q in questionnaire.profile_questions() if q.id != questionnaire.group_question]
    assert profile  # the demo marks profile questions

    def variables(target: Path) -> list[str]:
        with zipfile.ZipFile(target) as archive:
            project = archive.read("project.qde").decode("utf-8")
        return re.findall(r'<Variable guid="[^"]+" name="([^"]+)"', project)

    outside = tmp_path / "shared.qdpx"
    result = run("interviews", "export-qdpx", fresh_demo, outside)
    assert result.exit_code == 0
    # 24 interviewees over the demo's profile combinations: some are alone in theirs, so only the group goes out.
    assert "profile answers left out of the cases" in result.output
    assert variables(outside) == ["group"]
    inside = fresh_demo / "private" / "exports" / "coded.qdpx"
    result = run("interviews", "export-qdpx", fresh_demo, inside)
    assert result.exit_code == 0 and "left out" not in result.output
    assert variables(inside) == ["group", *profile]
