"""The survey's answers item by item, one row per respondent and item answered: survey_items.csv and .sav.

A long ("tidy") file, the shape multilevel and IRT software reads, with the
questionnaire's words beside each code so nobody has to join the codebook by
hand. Columns:

``participant_id``
    pseudonym (never a name: the store holds pseudonyms only);
``group``
    the respondent's group id;
``item_id``, ``item_label``
    question id and its text in the study's first language;
``answer_code``
    the answer as stored (a choice value, a number; select_multiple: the values separated by spaces);
``answer_number``
    the same as a number where it is one (Likert, integer and decimal answers, numeric choice values), else empty;
``answer_label``
    the choice's label (select_multiple: the labels separated by ``; ``), empty for numbers without choices;
``scale``
    the scale the item belongs to, empty when none;
``reversed``
    1 when the item is reverse-keyed in its scale, else 0. ``answer_code`` is the answer as given, not reversed.

Rows: the respondents and response kept for analysis (the latest submission
of each, :func:`mixedmethods.survey.responses.load_responses`), the
questions of types likert, select_one, select_multiple, integer and decimal
(free text and dates are left out: they are the answers most likely to name
someone or an event), only where an answer was given. The file is
participant-level, so it is written where :func:`.exports.export_plan` says
(``private/exports/`` unless public and k-anonymous).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from ..instrument.questionnaire import Questionnaire
    from ..study import Study

ITEM_TYPES = ("likert", "select_one", "select_multiple", "integer", "decimal")
ITEM_COLUMNS = ["participant_id", "group", "item_id", "item_label", "answer_code", "answer_number", "answer_label",
                "scale", "reversed"]
ITEM_FILES = ("survey_items.csv", "survey_items.sav")
# SPSS variable labels (the .sav's column labels)
ITEM_COLUMN_LABELS = {
    "participant_id": "Pseudonymous participant id", "group": "Group", "item_id": "Question id",
    "item_label": "Question text", "answer_code": "Answer as stored (choice value or number)",
    "answer_number": "Answer as a number", "answer_label": "Answer label", "scale": "Scale of the item",
    "reversed": "Item reverse-keyed in its scale"}


def _code(value: Any) -> str:
    """A stored answer as text: 4.0 -> '4', 2.5 -> '2.5', 'a b' unchanged.

    >>> _code(4.0), _code(2.5), _code("a b")
    ('4', '2.5', 'a b')
    """
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def item_answers(responses: "pd.DataFrame", questionnaire: "Questionnaire", language: str) -> "pd.DataFrame":
    """The wide response frame (index participant_id, column group, one column per question) in long form.

    Columns: :data:`ITEM_COLUMNS` (see the module docstring).
    """
    import pandas as pd

    rows = []
    items = [q for q in questionnaire.questions if q.type in ITEM_TYPES and q.id in responses.columns
             and q.id != questionnaire.group_question]
    for question in items:
        scale = questionnaire.scale_of(question.id)
        choices = questionnaire.choice_list(question) if question.choices else None
        answered = responses[question.id].dropna()
        for participant, value in answered.items():
            code = _code(value)
            if code.strip() == "":
                continue
            parts = code.split() if question.type == "select_multiple" else [code]
            label = "; ".join(choices.label_of(part, language) for part in parts) if choices else ""
            number = pd.to_numeric(code, errors="coerce") if question.type != "select_multiple" else float("nan")
            rows.append({"participant_id": participant, "group": responses.at[participant, "group"],
                         "item_id": question.id, "item_label": question.text(language), "answer_code": code,
                         "answer_number": number, "answer_label": label, "scale": scale.id if scale else "",
                         "reversed": int(bool(question.reverse and scale))})
    frame = pd.DataFrame(rows, columns=ITEM_COLUMNS)
    frame["answer_number"] = frame["answer_number"].astype("float64")
    frame["reversed"] = frame["reversed"].astype("int64")
    # One respondent's rows together, in questionnaire order (rows were made item by item; the sort is stable).
    return frame.sort_values("participant_id", kind="stable").reset_index(drop=True)


def load_item_answers(study: "Study", language: str) -> "pd.DataFrame":
    """The study's survey answers in long form (empty, with its columns, without a questionnaire or answers)."""
    import pandas as pd

    from ..survey.responses import stored_responses

    if study.questionnaire_path is None or not study.store_path.exists():
        return pd.DataFrame(columns=ITEM_COLUMNS)
    questionnaire = study.questionnaire()
    return item_answers(stored_responses(study.store_path, questionnaire), questionnaire, language)


def write_item_answers(target: Path, study: "Study", atomic) -> list[Path]:
    """survey_items.csv and survey_items.sav in ``target`` (nothing when the survey has no answers)."""
    import pyreadstat

    frame = load_item_answers(study, study.languages[0])
    if frame.empty:
        return []
    csv_path = atomic(target / ITEM_FILES[0], lambda p: frame.to_csv(p, index=False))
    text = [c for c in ITEM_COLUMNS if c not in ("answer_number", "reversed")]
    formats = {c: f"A{max(1, int(frame[c].astype(str).str.len().max()))}" for c in text}
    whole = bool((frame["answer_number"].dropna() % 1 == 0).all())
    formats.update({"answer_number": "F8.0" if whole else "F8.2", "reversed": "F8.0"})
    measures = {c: "nominal" for c in ITEM_COLUMNS}
    measures["answer_number"] = "scale"
    sav_path = atomic(target / ITEM_FILES[1], lambda p: pyreadstat.write_sav(
        frame, str(p), column_labels=ITEM_COLUMN_LABELS, variable_value_labels={"reversed": {0: "no", 1: "yes"}},
        variable_measure=measures, variable_format=formats))
    return [csv_path, sav_path]
