"""Time survey validation on a generated messy export (many respondents, many missing and invalid answers).

The export has R respondents and Q required Likert items (choices 1-5); each
answer is missing with probability ``--missing`` and, when present, out of the
choice list with probability ``--invalid``. Every missing answer makes
validation ask "is there already a reject for this row and column?"; before
issue 14 that question scanned the whole rejects list (quadratic in messy
exports). Prints the time of ``validate_survey`` (best of N runs, in this
process), the number of rejects, and the time per respondent, for the full
size and for a tenth of it, with their ratio (linear: about 10).

    PYTHONPATH=. python benchmarks/validation.py [--respondents 5000] [--items 40] [--missing 0.3]
"""

from __future__ import annotations

import argparse
import random
import time


def messy_export(respondents: int, items: int, missing: float, invalid: float, seed: int = 1):
    """(questionnaire, raw survey) of a generated messy export; see the module docstring."""
    from mixedmethods.instrument.questionnaire import Choice, ChoiceList, Question, Questionnaire
    from mixedmethods.survey.readers import RawRow, RawSurvey

    agree = ChoiceList("agree5", [Choice(str(v), {"en": f"level {v}"}) for v in range(1, 6)])
    questions = [Question(f"q{i:03d}", "likert", {"en": f"Item {i}"}, choices="agree5", required=True)
                 for i in range(1, items + 1)]
    questionnaire = Questionnaire("messy", "1", ["en"], {"en": "Messy"}, {"agree5": agree}, questions, [])
    rng = random.Random(seed)
    rows = []
    for number in range(2, respondents + 2):  # file rows, header = 1
        answers = {}
        for question in questions:
            if rng.random() < missing:
                continue
            answers[question.id] = "7" if rng.random() < invalid else str(rng.randint(1, 5))
        rows.append(RawRow(number, answers, {q.id: q.id.upper() for q in questions}, submission_id=str(number)))
    return questionnaire, RawSurvey("generic", rows)


def validate(questionnaire, raw):
    from mixedmethods.privacy import Participants
    from mixedmethods.survey.validate import validate_survey

    return validate_survey(raw, questionnaire, Participants([]), b"k" * 32, ["a", "b"], str, "messy.csv")


def best_of(questionnaire, raw, runs: int) -> tuple[float, int]:
    times, count = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        _, rejects = validate(questionnaire, raw)
        times.append(time.perf_counter() - start)
        count = len(rejects)
    return min(times), count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=5000)
    parser.add_argument("--items", type=int, default=40)
    parser.add_argument("--missing", type=float, default=0.3)
    parser.add_argument("--invalid", type=float, default=0.05)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    measured = {}
    for respondents in (max(1, args.respondents // 10), args.respondents):
        questionnaire, raw = messy_export(respondents, args.items, args.missing, args.invalid)
        seconds, rejects = best_of(questionnaire, raw, args.runs)
        measured[respondents] = seconds
        print(f"validate {respondents:>6} respondents x {args.items} items ({args.missing:.0%} missing, "
              f"{args.invalid:.0%} invalid): {seconds:7.2f} s, {rejects} rejects, "
              f"{seconds / respondents * 1000:.3f} ms per respondent", flush=True)
    small, large = sorted(measured)
    print(f"ratio {large} / {small} respondents: {measured[large] / measured[small]:.1f}x "
          f"for {large / small:.0f}x the rows (linear: about {large / small:.0f})")


if __name__ == "__main__":
    main()
