"""Disclosure control: which counts and group statistics every output may show.

Every table, sentence, figure and file of ``build`` takes its counts through
this module, so that one rule holds everywhere (docs/privacy.md).

**Primary suppression.** A count of people from 1 to k - 1 (k = study.yaml
``report.min_cell_size``) is not shown. Zero is shown: an empty cell says
nothing about a person.

**Complementary suppression** (Hundepool et al., 2012, ch. 4.2-4.3 and 5.2):
a hidden cell must not come back by subtraction. In every *line* (a row or
column of cells whose total is published), the hidden cells must be at least
two and hold together at least k people; while they do not, the smallest
shown cell of the line (non-zero first) is hidden too, and when no cell is
left the line's total is hidden instead. Lines are re-checked until nothing
changes, so hiding a cell in a row that makes a column vulnerable is seen.

**Groups.** Group sizes are a line whose total is the number of respondents
(interviewees, chat members). A group from 1 to k - 1 is hidden; when it is
alone, or the hidden groups hold fewer than k people together, the *total*
is what is suppressed: such groups are **left out** of every pooled number
(totals, "all" rows, reliability, figures, tests), so the published total is
that of the published groups and says nothing of the others. Tests compare
only groups of at least k; percentages are hidden with their counts (their
base is published).

References
----------
Hundepool, A., Domingo-Ferrer, J., Franconi, L., Giessing, S., Nordholt, E. S.,
Spicer, K., & de Wolf, P.-P. (2012). *Statistical Disclosure Control*. Wiley.
https://doi.org/10.1002/9781118348239
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable, Sequence

if TYPE_CHECKING:
    import pandas as pd


def is_small(value: Any, k: int) -> bool:
    """True for a count from 1 to k - 1 (primary suppression); False for 0, k and more, None and NaN.

    >>> [is_small(v, 5) for v in (0, 1, 4, 5, None, float("nan"))]
    [False, True, True, False, False, False]
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return False
    return 0 < value < k


def shown_count(value: Any, k: int) -> Any:
    """The count as it may be published: None where it is from 1 to k - 1.

    >>> shown_count(3, 5), shown_count(0, 5), shown_count(12, 5)
    (None, 0, 12)
    """
    if is_small(value, k):
        return None
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return int(value)


def protect_line(values: Sequence[float], hidden: Iterable[int], k: int) -> tuple[set[int], bool]:
    """Complete the hidden cells of one line whose total is published.

    Parameters
    ----------
    values : the line's counts (non-negative).
    hidden : indices already hidden (primary or from another line).
    k : the minimum cell size.

    Returns
    -------
    (hidden, total_hidden) : the indices to hide, and whether the line's total must be hidden too
        (no cell was left to hide).

    Rule: while the hidden cells are exactly one, or hold fewer than k together,
    hide the smallest shown cell (non-zero ones first, the first of equals).

    >>> protect_line([1, 6, 9], {0}, 5)
    ({0, 1}, False)
    >>> protect_line([1, 2, 9], {0, 1}, 5)
    ({0, 1, 2}, False)
    >>> protect_line([3, 0], {0}, 5)
    ({0, 1}, True)
    >>> protect_line([8, 6, 9], set(), 5)
    (set(), False)
    """
    chosen = set(hidden)
    while chosen and (len(chosen) == 1 or sum(values[i] for i in chosen) < k):
        left = [i for i in range(len(values)) if i not in chosen]
        if not left:
            return chosen, True
        chosen.add(min(left, key=lambda i: (values[i] == 0, values[i], i)))
    return chosen, False


def suppression_mask(counts: "pd.DataFrame", k: int, row_totals: bool = True, column_totals: bool = True,
                     hidden: "pd.DataFrame | None" = None) -> tuple["pd.DataFrame", "pd.Series", "pd.Series"]:
    """Primary and complementary suppression of a table of counts with published margins.

    Parameters
    ----------
    counts : cells (numbers; NaN is treated as 0).
    k : the minimum cell size.
    row_totals, column_totals : whether each row's / column's total is published (a line to protect).
    hidden : cells already hidden for another reason (e.g. the column of a hidden group); optional.

    Returns
    -------
    (mask, rows_hidden, columns_hidden) : True where a cell is hidden; True where a row's / column's
        total must be hidden (a total from 1 to k - 1, or a line with no cell left to hide).

    Examples
    --------
    A hidden cell of 1 beside 6 and a published row total: the 6 is hidden too.

    >>> import pandas as pd
    >>> m, _, _ = suppression_mask(pd.DataFrame({"a": [1, 8], "b": [6, 9]}), 5, column_totals=False)
    >>> m.values.tolist()
    [[True, True], [False, False]]
    """
    import pandas as pd

    values = counts.fillna(0).astype(float).to_numpy()
    n_rows, n_cols = values.shape
    given = hidden.reindex(index=counts.index, columns=counts.columns, fill_value=False).to_numpy() \
        if hidden is not None else None
    mask = [[is_small(values[r][c], k) or (given is not None and bool(given[r][c])) for c in range(n_cols)]
            for r in range(n_rows)]
    rows_hidden = [row_totals and is_small(values[r].sum(), k) for r in range(n_rows)]
    cols_hidden = [column_totals and is_small(values[:, c].sum(), k) for c in range(n_cols)]
    changed = True
    while changed:
        changed = False
        lines = [("row", r) for r in range(n_rows) if row_totals] + [("col", c) for c in range(n_cols) if column_totals]
        for kind, index in lines:
            if kind == "row":
                if rows_hidden[index]:
                    continue
                line = list(values[index])
                hidden = {c for c in range(n_cols) if mask[index][c]}
            else:
                if cols_hidden[index]:
                    continue
                line = list(values[:, index])
                hidden = {r for r in range(n_rows) if mask[r][index]}
            chosen, total_hidden = protect_line(line, hidden, k)
            for i in chosen - hidden:
                r, c = (index, i) if kind == "row" else (i, index)
                mask[r][c] = True
                changed = True
            if total_hidden:
                (rows_hidden if kind == "row" else cols_hidden)[index] = True
                changed = True
    return (pd.DataFrame(mask, index=counts.index, columns=counts.columns),
            pd.Series(rows_hidden, index=counts.index, dtype=bool),
            pd.Series(cols_hidden, index=counts.columns, dtype=bool))


@dataclass
class GroupSizes:
    """Which groups of one source may be shown, tested and pooled (module docstring, "Groups").

    ``hidden``: groups from 1 to k - 1 (their size and statistics are not shown);
    ``left_out``: hidden groups that are also left out of every pooled number (empty, or ``hidden``);
    ``tested``: groups of at least k (the only ones a test compares).
    """

    sizes: dict[str, int]
    k: int
    hidden: list[str] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)
    tested: list[str] = field(default_factory=list)

    @property
    def pooled(self) -> list[str]:
        """Groups whose people count in totals and pooled statistics."""
        return [g for g in self.sizes if g not in self.left_out]

    @property
    def total(self) -> int:
        """The published total: people of the pooled groups."""
        return sum(self.sizes[g] for g in self.pooled)

    def shown(self, group: str) -> int | None:
        """A group's size as published (None where hidden)."""
        return None if group in self.hidden else int(self.sizes.get(group, 0))


def group_sizes(sizes: dict[str, int], k: int) -> GroupSizes:
    """Hidden, left-out and tested groups for ``sizes`` (group -> people), see :class:`GroupSizes`.

    >>> g = group_sizes({"a": 3, "b": 40, "c": 20}, 5)
    >>> g.hidden, g.left_out, g.tested, g.total
    (['a'], ['a'], ['b', 'c'], 60)
    >>> g = group_sizes({"a": 3, "b": 4, "c": 20}, 5)   # together 7 >= k: pooled, not shown
    >>> g.hidden, g.left_out, g.total
    (['a', 'b'], [], 27)
    """
    names = list(sizes)
    hidden = [g for g in names if is_small(sizes[g], k)]
    _, total_hidden = protect_line([sizes[g] for g in hidden], set(range(len(hidden))), k) if hidden else \
        (set(), False)
    # protect_line on the hidden cells alone: "no cell left" means they are one, or fewer than k together.
    left_out = list(hidden) if total_hidden else []
    tested = [g for g in names if sizes[g] >= k]
    return GroupSizes(dict(sizes), k, hidden, left_out, tested)


def hide_group_columns(frame: "pd.DataFrame", groups: Iterable[str], suffixes: Sequence[str] = ("_n", "_pct")
                       ) -> "pd.DataFrame":
    """Every cell of the hidden groups' columns to NA (their zeros too: a zero of a tiny group tells who)."""
    out = frame.copy()
    for g in groups:
        for suffix in suffixes:
            if f"{g}{suffix}" in out:
                out[f"{g}{suffix}"] = float("nan")
    return out


def suppress_by_group(table: "pd.DataFrame", groups: Sequence[str], hidden_groups: Iterable[str], k: int,
                      total: str | None = "all_n") -> "pd.DataFrame":
    """Suppress a table of counts by group (columns ``<group>_n``, optional ``<group>_pct``, and ``total``).

    Each row is a line whose total (column ``total``, the people of every pooled group) is published:
    counts under k, the columns of hidden groups, complementary cells and, where no cell is left, the total
    are set to NA; a percentage is hidden with its count (its base is published). Rows do not add up down a
    column (a person can hold several codes), so columns are not lines.
    """
    import pandas as pd

    out = table.copy()
    columns = [f"{g}_n" for g in groups]
    if out.empty:
        return out
    counts = out[columns].astype(float)
    given = pd.DataFrame(False, index=counts.index, columns=columns)
    for g in hidden_groups:
        if f"{g}_n" in given:
            given[f"{g}_n"] = True
    mask, rows_hidden, _ = suppression_mask(counts, k, row_totals=total is not None, column_totals=False,
                                            hidden=given)
    protected = mask & ~given & ~counts.apply(lambda column: column.map(lambda v: is_small(v, k)))
    for g, column in zip(groups, columns):
        out[column] = counts[column].mask(mask[column])
        if f"{g}_pct" in out:
            out[f"{g}_pct"] = out[f"{g}_pct"].astype(float).mask(mask[column])
    names = [[g for g, column in zip(groups, columns) if protected.loc[i, column]] for i in out.index]
    if total is not None and total in out:
        totals = out[total].astype(float)
        small = totals.map(lambda v: is_small(v, k))
        out[total] = totals.mask(rows_hidden | small)
        names = [n + ([total] if rows_hidden[i] and not small[i] else []) for n, i in zip(names, out.index)]
    out[PROTECTED] = [", ".join(n) for n in names]
    return out


PROTECTED = "protected"  # column naming the cells hidden only so that another cannot be computed


def protected_in(row: Any, column: str) -> bool:
    """Was this cell of a row hidden only to protect another (complementary), rather than for being under k?

    ``column`` is a group id or a total column's name, as listed in the row's :data:`PROTECTED` column.
    """
    listed = row.get(PROTECTED, "") if hasattr(row, "get") else ""
    return isinstance(listed, str) and column in listed.split(", ")


# Participant-level files: k-anonymity on the quasi-identifiers ------------------------------------------

MISSING_ANSWER = "(no answer)"


def quasi_identifiers(questionnaire: Any) -> list[str]:
    """The questions a team marks as describing the respondents (``role: profile``), plus ``group``.

    These are what someone who knows a participant could know about them (Sweeney, 2002); the
    participant-level exports are public only when every combination of them is shared by at least k people.
    """
    ids = [] if questionnaire is None else [q.id for q in questionnaire.profile_questions()
                                             if q.id != questionnaire.group_question]
    return list(dict.fromkeys(["group", *ids]))


def class_sizes(frame: "pd.DataFrame", columns: Sequence[str]) -> "pd.Series":
    """For each row, how many rows share its values on ``columns`` (a missing answer is a value of its own).

    >>> import pandas as pd
    >>> class_sizes(pd.DataFrame({"g": ["a", "a", "b"], "r": ["x", "x", None]}), ["g", "r"]).tolist()
    [2, 2, 1]
    """
    present = [c for c in columns if c in frame]
    if frame.empty or not present:
        return frame.index.to_series().map(lambda _: len(frame)) if not frame.empty else frame.index.to_series()
    keys = frame[present].astype("string").fillna(MISSING_ANSWER)
    return keys.groupby(present, dropna=False)[present[0]].transform("size").astype(int)


def unique_count(frame: "pd.DataFrame", columns: Sequence[str]) -> int:
    """Rows that no other row shares on ``columns`` (respondents unique on their quasi-identifiers)."""
    sizes = class_sizes(frame, columns)
    return int((sizes == 1).sum())


def is_k_anonymous(frame: "pd.DataFrame", columns: Sequence[str], k: int) -> bool:
    """True when every combination of ``columns`` is shared by at least k rows (Sweeney, 2002).

    Sweeney, L. (2002). k-anonymity: a model for protecting privacy. *International Journal of Uncertainty,
    Fuzziness and Knowledge-Based Systems*, 10(5), 557-570. https://doi.org/10.1142/S0218488502001648
    """
    return frame.empty or int(class_sizes(frame, columns).min()) >= k


def profile_frame(store_path: Any, questionnaire: Any) -> "pd.DataFrame":
    """Survey respondents' quasi-identifiers (index participant_id; group and profile answers); empty if none."""
    import pandas as pd

    from .survey.responses import stored_responses

    columns = quasi_identifiers(questionnaire)
    if questionnaire is None or not store_path.exists():
        return pd.DataFrame(columns=columns)
    responses = stored_responses(store_path, questionnaire)
    responses = responses.loc[:, ~responses.columns.duplicated()]  # e.g. a profile question named like a column
    return responses.reindex(columns=columns)
