"""Fisher's exact test for an r x c table, by enumerating every table with the observed margins.

The p value is the one of R's ``fisher.test`` (Fisher, 1935; Freeman &
Halton, 1951): the sum of the hypergeometric probabilities of all tables with
the observed row and column totals that are not more probable than the
observed table (with R's relative tolerance of 1e-7 for ties). R reaches that
sum with the network algorithm (Mehta & Patel, 1983); here the tables are
enumerated column by column: the probability of a table is a product of one
factor per column, ``P = prod(R_i!) prod(C_j!) / (n! prod(x_ij!))``, so the
partial tables that leave the same row totals for the remaining columns are
kept together, and partial tables with the same probability are merged (their
probabilities are added, which changes nothing in the sum). The work grows with
the number of distinct partial probabilities; when it would exceed
:data:`MAX_PARTIAL_TABLES`, :data:`MAX_VISITS` or :data:`MAX_EXTENSIONS`, :func:`fisher_exact_rxc` gives up and returns
``None``, and the caller reports a Monte Carlo p instead, labelled as such.

References
----------
Fisher, R. A. (1935). The logic of inductive inference. *Journal of the Royal
Statistical Society*, 98(1), 39-82.
Freeman, G. H., & Halton, J. H. (1951). Note on an exact treatment of
contingency, goodness of fit and other problems of significance.
*Biometrika*, 38(1/2), 141-149.
Mehta, C. R., & Patel, N. R. (1983). A network algorithm for performing
Fisher's exact test in r x c contingency tables. *Journal of the American
Statistical Association*, 78(382), 427-434.
"""

from __future__ import annotations

import math
from typing import Iterator, Sequence

MAX_PARTIAL_TABLES = 2_000_000  # distinct (row totals left, probability) pairs kept at once; beyond: Monte Carlo
MAX_VISITS = 500_000  # (node, column) pairs walked in Python, a few seconds; beyond: Monte Carlo
MAX_EXTENSIONS = 50_000_000  # partial tables extended by one column, in all (about 5 s of work); beyond: Monte Carlo
RELATIVE_TOLERANCE = 1e-7  # as R's fisher.test: a table counts as "as extreme" when P <= P_observed * (1 + 1e-7)


def _columns(remaining: tuple[int, ...], total: int) -> Iterator[tuple[int, ...]]:
    """Every column of counts summing to ``total`` with each count at most the row's remaining total."""
    if len(remaining) == 1:
        if total <= remaining[0]:
            yield (total,)
        return
    rest = sum(remaining[1:])
    for first in range(max(0, total - rest), min(remaining[0], total) + 1):
        for tail in _columns(remaining[1:], total - first):
            yield (first, *tail)


def _future_total(rows: tuple[int, ...], columns: Sequence[int]) -> float:
    """log of the sum, over all tables with these margins, of prod 1/x_ij!: N! / (prod r_i! prod c_j!)."""
    return (math.lgamma(sum(rows) + 1) - sum(math.lgamma(r + 1) for r in rows)
            - sum(math.lgamma(c + 1) for c in columns))


def _future_bounds(rows: tuple[int, ...], columns: Sequence[int]) -> tuple[float, float]:
    """Upper and lower bounds of -sum(log x_ij!) over the tables with these margins.

    Each column is filled on its own, with each count at most its row's total (the row totals are otherwise
    ignored, so the bounds hold): as evenly as possible for the largest value, as concentrated as possible
    for the smallest (-log x! is concave in that sense: spreading a total raises it).
    """
    high = low = 0.0
    for total in columns:
        high -= sum(math.lgamma(x + 1) for x in _even(list(rows), total))
        left = total
        for cap in sorted(rows, reverse=True):
            x = min(cap, left)
            low -= math.lgamma(x + 1)
            left -= x
    return high, low


def _even(caps: list[int], total: int) -> list[int]:
    """``total`` spread as evenly as the caps allow (smallest caps filled first)."""
    out, left = [], total
    for i, cap in enumerate(sorted(caps)):
        x = min(cap, left // (len(caps) - i))
        out.append(x)
        left -= x
    # the remainder (less than the number of rows still open) goes one by one to rows with room
    for i in range(len(out) - 1, -1, -1):
        if left == 0:
            break
        if out[i] < sorted(caps)[i]:
            out[i] += 1
            left -= 1
    return out


def fisher_exact_rxc(table: Sequence[Sequence[int]], max_partial: int = MAX_PARTIAL_TABLES,
                     max_extensions: int = MAX_EXTENSIONS) -> float | None:
    """Exact two-sided p of Fisher's test for an r x c table of counts, or None when the enumeration is too large.

    Rows or columns of zeros are ignored. A table with one row or column left has p = 1.

    >>> round(fisher_exact_rxc([[3, 1], [1, 3]]), 4)  # R: fisher.test(matrix(c(3, 1, 1, 3), 2)) p = 0.4857
    0.4857
    """
    import numpy as np

    counts = [[int(x) for x in row] for row in table]
    if any(x < 0 for row in counts for x in row):
        raise ValueError("counts must be non-negative")
    counts = [row for row in counts if sum(row)]
    if not counts:
        return 1.0
    counts = sorted((list(column) for column in zip(*counts) if sum(column)), key=sum)  # columns, smallest first
    if len(counts) < 2 or len(counts[0]) < 2:
        return 1.0
    row_totals = tuple(sum(column[i] for column in counts) for i in range(len(counts[0])))
    column_totals = [sum(column) for column in counts]
    n = sum(column_totals)
    constant = (sum(math.lgamma(r + 1) for r in row_totals) + sum(math.lgamma(c + 1) for c in column_totals)
                - math.lgamma(n + 1))
    observed = constant - sum(math.lgamma(x + 1) for column in counts for x in column)
    log_factorial = [math.lgamma(i + 1) for i in range(n + 1)]

    # Node: the row totals left for the columns still to fill, sorted (rows are exchangeable for what is left,
    # so partial tables leaving the same totals in any order share one node). Each node holds the distinct
    # log probabilities of the partial tables reaching it and how many reach it with each.
    threshold = observed + math.log1p(RELATIVE_TOLERANCE)
    states: dict[tuple[int, ...], tuple["np.ndarray", "np.ndarray"]] = {
        tuple(sorted(row_totals)): (np.zeros(1), np.ones(1))}
    p, extensions, visits = 0.0, 0, 0
    for step, total in enumerate(column_totals[:-2]):
        later = column_totals[step + 1:]
        grown: dict[tuple[int, ...], list[tuple["np.ndarray", "np.ndarray"]]] = {}
        for remaining, (logp, weight) in states.items():
            for column in _columns(remaining, total):
                extensions += logp.size
                visits += 1
                if extensions > max_extensions or visits > MAX_VISITS:
                    return None
                term = -sum(log_factorial[x] for x in column)
                left = tuple(sorted([r - x for r, x in zip(remaining, column)]))
                grown.setdefault(left, []).append((logp + term, weight))
        states, kept = {}, 0
        for left, parts in grown.items():
            logp = np.concatenate([q for q, _ in parts])
            weight = np.concatenate([w for _, w in parts])
            # Bounds on what the columns still to fill can add (Mehta & Patel's shortest and longest paths,
            # here from each column filled on its own): a partial table whose every completion is as extreme
            # as the observed one adds its completions' total probability at once; one none of whose
            # completions can be is dropped; the others go on.
            best, worst = _future_bounds(left, later)
            certain = constant + logp + best <= threshold
            if certain.any():
                p += float(np.sum(weight[certain] * np.exp(constant + logp[certain] + _future_total(left, later))))
            open_ = ~certain & (constant + logp + worst <= threshold)
            if not open_.any():
                continue
            # Partial tables with the same probability (to 12 digits) are merged: only their summed weight matters.
            keys, inverse = np.unique(np.round(logp[open_], 12), return_inverse=True)
            states[left] = (keys, np.bincount(inverse, weights=weight[open_]))
            kept += keys.size
        if kept > max_partial:
            return None
    # The last two columns at once: each column x of the second-to-last leaves the last one as (row totals - x).
    lf = np.asarray(log_factorial)
    for remaining, (logp, weight) in states.items():
        columns = np.array(list(_columns(remaining, column_totals[-2])), dtype=int).reshape(-1, len(remaining))
        extensions += logp.size * len(columns)
        if extensions > max_extensions:
            return None
        terms = -lf[columns].sum(axis=1) - lf[np.asarray(remaining) - columns].sum(axis=1)
        full = constant + logp[:, None] + terms[None, :]
        extreme = full <= threshold
        p += float(np.sum((weight[:, None] * np.exp(full))[extreme]))
    return min(1.0, p)
