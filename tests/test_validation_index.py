"""Survey validation on a large messy export: the rejects are exactly those a hand rule predicts.

Validation asks, for every missing required answer, whether its cell already
has a reject (issue 14 replaced a scan of the whole rejects list by an index);
this checks that the index answers exactly as the scan did, on an export big
enough that the scan was slow (2,000 respondents x 20 items, ~30% missing).
"""

from __future__ import annotations

from mixedmethods.instrument.questionnaire import Choice, ChoiceList, Question, Questionnaire
from mixedmethods.privacy import Participants
from mixedmethods.survey.readers import RawRow, RawSurvey
from mixedmethods.survey.validate import NOTE, VALUE, validate_survey

ROWS, ITEMS = 2000, 20
MISSING_NOTE = "required answer missing (response kept)"
NO_CODE = "no invitation code; stored under a keyed pseudonym, not linked to interviews or chats"
EXPECTED_CHOICES = "expected one of 1, 2, 3, 4, 5"


def _missing(row: int, item: int) -> bool:
    return (row * 7 + item * 3) % 10 < 3  # 3 residues in 10: 30% of cells


def _invalid(row: int, item: int) -> bool:
    return (row + item) % 17 == 0


def _messy() -> tuple[Questionnaire, RawSurvey, tuple[int, int]]:
    agree = ChoiceList("agree5", [Choice(str(v), {"en": f"level {v}"}) for v in range(1, 6)])
    questions = [Question(f"q{i}", "likert", {"en": f"Item {i}"}, choices="agree5", required=True)
                 for i in range(ITEMS)]
    questionnaire = Questionnaire("messy", "1", ["en"], {"en": "Messy"}, {"agree5": agree}, questions, [])
    rows = []
    for row in range(2, ROWS + 2):
        answers = {f"q{i}": ("9" if _invalid(row, i) else str(1 + (row + i) % 5))
                   for i in range(ITEMS) if not _missing(row, i)}
        rows.append(RawRow(row, answers, {f"q{i}": f"Item_{i}" for i in range(ITEMS)}, submission_id=str(row)))
    # A reader's file-level note on a missing cell: that cell already has a reject, so no "missing" note for it.
    noted = next((row, i) for row in range(2, ROWS + 2) for i in range(ITEMS) if _missing(row, i))
    notes = [(noted[0], f"Item_{noted[1]}", "cell unreadable")]
    return questionnaire, RawSurvey("generic", rows, notes=notes), noted


def test_rejects_of_a_large_messy_export_match_the_hand_rule():
    questionnaire, raw, noted = _messy()
    responses, rejects = validate_survey(raw, questionnaire, Participants([]), b"k" * 32, ["g"], str, "messy.csv")
    # By hand, in the order validation reports them: the file note; then per row its invalid values (answer
    # order), its missing required answers (questionnaire order) except the noted cell, and the linkage note.
    expected = [(noted[0], f"Item_{noted[1]}", None, "cell unreadable", NOTE)]
    for row in range(2, ROWS + 2):
        expected += [(row, f"Item_{i}", "9", EXPECTED_CHOICES, VALUE)
                     for i in range(ITEMS) if not _missing(row, i) and _invalid(row, i)]
        expected += [(row, f"Item_{i}", None, MISSING_NOTE, NOTE)
                     for i in range(ITEMS) if _missing(row, i) and (row, i) != noted]
        expected.append((row, None, None, NO_CODE, NOTE))
    assert [(r.row, r.column, r.value, r.reason, r.kind) for r in rejects] == expected
    assert len(responses) == ROWS
    assert sum(len(r.answers) for r in responses) == sum(
        1 for row in range(2, ROWS + 2) for i in range(ITEMS) if not _missing(row, i) and not _invalid(row, i))
    assert type(rejects) is list  # the index is validation's own; callers get a plain list


def test_an_invalid_answer_is_not_also_reported_missing():
    # Hand example: q0 answered out of range (a value reject), q1 not answered: one reject each, no more.
    agree = ChoiceList("agree5", [Choice(str(v), {"en": str(v)}) for v in range(1, 6)])
    questionnaire = Questionnaire("q", "1", ["en"], {"en": "Q"}, {"agree5": agree},
                                  [Question("q0", "likert", {"en": "A"}, choices="agree5", required=True),
                                   Question("q1", "likert", {"en": "B"}, choices="agree5", required=True)], [])
    raw = RawSurvey("generic", [RawRow(2, {"q0": "6"}, {"q0": "A", "q1": "B"})])
    _, rejects = validate_survey(raw, questionnaire, Participants([]), b"k" * 32, ["g"], str, "x.csv")
    assert [(r.row, r.column, r.reason) for r in rejects] == [
        (2, "A", EXPECTED_CHOICES), (2, "B", MISSING_NOTE), (2, None, NO_CODE)]
