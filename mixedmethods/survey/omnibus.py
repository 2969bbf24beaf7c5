"""Comparing any number of groups: one entry point, :func:`compare_k_groups`.

* **Two groups**: the two-group tests of :mod:`.comparisons` (Mann-Whitney U
  with the rank-biserial r, or Welch's t with Hedges' g).
* **Three or more groups, rank test** (``group_test: mann-whitney``, the
  default): the Kruskal-Wallis H test (scipy, with the tie correction),
  because scale scores are bounded, often skewed means of a few ordinal
  items. Effect size: epsilon-squared, ``E2_R = H / ((n^2 - 1) / (n + 1))``
  (Tomczak & Tomczak, 2014; Kelley, 1935), from 0 (no difference in mean
  ranks) to 1. Post hoc: Dunn's (1964) z tests of the mean-rank differences
  of each pair of groups (scikit-posthocs, tie-corrected), Holm-adjusted over
  the pairs of one scale, with the pair's rank-biserial r (pingouin).
* **Three or more groups, test of means** (``group_test: welch``): Welch's
  (1951) heteroscedastic one-way ANOVA (pingouin ``welch_anova``). Effect size:
  estimated omega-squared from the F ratio,
  ``w2 = (k - 1)(F - 1) / ((k - 1)(F - 1) + N)`` (Carroll & Nordholm, 1975;
  Kirk, 1996), set to 0 when F < 1. Post hoc: Games-Howell (1976) tests
  (pingouin ``pairwise_gameshowell``), whose p values come from the
  studentized range distribution and so already hold the family-wise error
  rate over the pairs; the pair's effect size is Hedges' g.

The 95% confidence interval of epsilon-squared and omega-squared is a
bootstrap interval: each group is resampled within itself (the group sizes
are fixed by the design), 2,000 times, with the bias-corrected and
accelerated (BCa) method (scipy's formulas; the resamples are drawn as counts
over the distinct values, see :mod:`.resampling`); H is bounded below by 0 and biased upwards in small
samples, which a plain percentile interval would not correct. Where the BCa
interval is undefined (a resample without variation), the percentile interval
of the resamples that are defined is reported, and ``ci_method`` says so.
The seed of the resampling is derived from the data's content (the sorted
values of each group), so the same data give the same interval whatever the
order of the rows.

References
----------
Carroll, R. M., & Nordholm, L. A. (1975). Sampling characteristics of Kelley's
epsilon and Hays' omega. *Educational and Psychological Measurement*, 35(3),
541-554.
Dunn, O. J. (1964). Multiple comparisons using rank sums. *Technometrics*,
6(3), 241-252.
Games, P. A., & Howell, J. F. (1976). Pairwise multiple comparison procedures
with unequal n's and/or variances. *Journal of Educational Statistics*, 1(2),
113-125.
Holm, S. (1979). A simple sequentially rejective multiple test procedure.
*Scandinavian Journal of Statistics*, 6(2), 65-70.
Kirk, R. E. (1996). Practical significance: A concept whose time has come.
*Educational and Psychological Measurement*, 56(5), 746-759.
Kruskal, W. H., & Wallis, W. A. (1952). Use of ranks in one-criterion variance
analysis. *Journal of the American Statistical Association*, 47(260), 583-621.
Tomczak, M., & Tomczak, E. (2014). The need to report effect size estimates
revisited. *Trends in Sport Sciences*, 1(21), 19-25.
Welch, B. L. (1951). On the comparison of several mean values: An alternative
approach. *Biometrika*, 38(3/4), 330-336.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Mapping, Sequence

if TYPE_CHECKING:
    import pandas as pd

BOOTSTRAP_RESAMPLES = 2000
POSTHOC_COLUMNS = ("group_a", "group_b", "test", "statistic", "df", "p", "p_adjusted", "adjustment", "effect",
                   "effect_size")
OMNIBUS_TESTS = {"mann-whitney": "kruskal-wallis", "welch": "welch-anova"}


@dataclass
class Omnibus:
    """Result of one comparison of k >= 2 groups.

    ``test`` is ``mann-whitney`` or ``welch`` (k = 2), ``kruskal-wallis`` or
    ``welch-anova`` (k >= 3); ``statistic`` is U, t, H or F; ``df`` is t's df,
    H's df (k - 1) or F's numerator df; ``df2`` is F's denominator df;
    ``effect`` is ``r_rb``, ``g``, ``epsilon2`` or ``omega2``. ``location``
    gives each group's position on the compared values: its mean rank in the
    pooled ranking (rank tests) or its mean (Welch), used to say in which
    order the groups lie.
    """

    test: str
    groups: list[str]
    n: list[int]
    statistic: float
    df: float | None
    df2: float | None
    p: float
    effect: str
    effect_size: float
    effect_ci: tuple[float, float]
    ci_method: str
    location: dict[str, float]

    @property
    def k(self) -> int:
        return len(self.groups)


def content_seed(samples: Sequence[Sequence[float]]) -> int:
    """A bootstrap seed from the data's content: the same values give the same seed in any row order."""
    digest = hashlib.sha256()
    for values in samples:
        digest.update(repr(sorted(float(v) for v in values)).encode("ascii"))
        digest.update(b"|")
    return int.from_bytes(digest.digest()[:8], "big")


def epsilon_squared(h: float, n: int) -> float:
    """``E2_R = H / ((n^2 - 1) / (n + 1))`` (Tomczak & Tomczak, 2014, eq. 13); it equals H / (n - 1).

    >>> round(epsilon_squared(0.7714286, 14), 5)
    0.05934
    """
    return float(h / ((n ** 2 - 1) / (n + 1)))


def omega_squared(f: float, df1: float, n: int) -> float:
    """Estimated omega-squared from an F ratio: ``df1 (F - 1) / (df1 (F - 1) + N)``, 0 when F < 1 (Kirk, 1996).

    >>> round(omega_squared(5.890115, 3, 19), 4)
    0.4357
    """
    if f < 1:
        return 0.0
    return float(df1 * (f - 1) / (df1 * (f - 1) + n))


def kruskal_wallis(samples: Mapping[str, Sequence[float]]) -> Omnibus:
    """Kruskal-Wallis H (scipy, tie-corrected), df = k - 1, epsilon-squared with its bootstrap 95% CI."""
    import numpy as np
    from scipy import stats

    from .resampling import counts_bootstrap_ci, kruskal_h_from_counts

    names = list(samples)
    arrays = [np.sort(np.asarray(samples[g], dtype=float)) for g in names]
    n = sum(a.size for a in arrays)
    result = stats.kruskal(*arrays)

    def epsilon(counts: "np.ndarray", levels: "np.ndarray") -> "np.ndarray":
        return kruskal_h_from_counts(counts) / ((n ** 2 - 1) / (n + 1))

    ci, method = counts_bootstrap_ci(arrays, epsilon, content_seed(arrays), BOOTSTRAP_RESAMPLES)
    ranks = stats.rankdata(np.concatenate(arrays))
    bounds = np.cumsum([0] + [a.size for a in arrays])
    location = {g: float(ranks[bounds[i]:bounds[i + 1]].mean()) for i, g in enumerate(names)}
    h = float(result.statistic)
    return Omnibus("kruskal-wallis", names, [a.size for a in arrays], h, float(len(names) - 1), None,
                   float(result.pvalue), "epsilon2", epsilon_squared(h, n), ci, method, location)


def welch_anova(samples: Mapping[str, Sequence[float]]) -> Omnibus:
    """Welch's ANOVA (pingouin) with estimated omega-squared and its bootstrap 95% CI."""
    import numpy as np
    import pandas as pd
    import pingouin as pg

    from .resampling import counts_bootstrap_ci, welch_f_from_counts

    names = list(samples)
    arrays = [np.sort(np.asarray(samples[g], dtype=float)) for g in names]
    n = sum(a.size for a in arrays)
    long = pd.DataFrame({"value": np.concatenate(arrays),
                         "group": np.repeat(np.arange(len(names)), [a.size for a in arrays])})
    table = pg.welch_anova(data=long, dv="value", between="group")
    f, df1, df2 = (float(table[c].iloc[0]) for c in ("F", "ddof1", "ddof2"))
    p = float(table["p_unc" if "p_unc" in table else "p-unc"].iloc[0])

    def omega(counts: "np.ndarray", levels: "np.ndarray") -> "np.ndarray":
        fs = welch_f_from_counts(counts, levels)
        raw = df1 * (fs - 1) / (df1 * (fs - 1) + n)
        return np.where(fs < 1, 0.0, raw)

    ci, method = counts_bootstrap_ci(arrays, omega, content_seed(arrays), BOOTSTRAP_RESAMPLES)
    location = {g: float(a.mean()) for g, a in zip(names, arrays)}
    return Omnibus("welch-anova", names, [a.size for a in arrays], f, df1, df2, p, "omega2",
                   omega_squared(f, df1, n), ci, method, location)


def dunn_holm(samples: Mapping[str, Sequence[float]]) -> "pd.DataFrame":
    """Dunn's z test for each pair of groups, Holm-adjusted over the pairs (see the module docstring).

    ``statistic`` is z, positive when ``group_a`` has the higher mean rank;
    scikit-posthocs gives the two-sided p, from which |z| = Phi^-1(1 - p / 2).
    ``effect_size`` is the pair's rank-biserial r (positive: ``group_a`` higher).
    """
    import numpy as np
    import pandas as pd
    import pingouin as pg
    import scikit_posthocs as sp
    from scipy import stats

    from .resampling import levels_and_counts, rank_biserial_from_counts

    names = list(samples)
    long = pd.DataFrame({"value": np.concatenate([np.asarray(samples[g], dtype=float) for g in names]),
                         "group": np.repeat(np.arange(len(names)), [len(samples[g]) for g in names])})
    p_matrix = sp.posthoc_dunn(long, val_col="value", group_col="group", p_adjust=None)
    ranks = long.assign(rank=long["value"].rank()).groupby("group")["rank"].mean()
    rows = []
    for i in range(len(names)):
        for j in range(i + 1, len(names)):
            p = float(p_matrix.loc[i, j])
            sign = float(np.sign(ranks[i] - ranks[j]))
            # pingouin.mwu's RBC without its n_i x n_j matrix of differences (see comparisons.mann_whitney).
            levels, counts = levels_and_counts([samples[names[i]], samples[names[j]]])
            rbc = float(rank_biserial_from_counts(counts, levels))
            rows.append({"group_a": names[i], "group_b": names[j], "test": "dunn",
                         "statistic": sign * float(stats.norm.isf(p / 2)), "df": math.nan, "p": p,
                         "adjustment": "holm", "effect": "r_rb", "effect_size": rbc})
    frame = pd.DataFrame(rows)
    frame["p_adjusted"] = pg.multicomp(frame["p"].to_numpy(), method="holm")[1]
    return frame[list(POSTHOC_COLUMNS)]


def games_howell(samples: Mapping[str, Sequence[float]]) -> "pd.DataFrame":
    """Games-Howell tests (pingouin) for each pair, in the groups' order.

    ``statistic`` is Welch's t (positive: ``group_a`` has the higher mean),
    ``df`` its Welch-Satterthwaite df, ``p`` the unadjusted two-sided t p
    (scipy) and ``p_adjusted`` the Games-Howell p from the studentized range;
    ``effect_size`` is Hedges' g.
    """
    import numpy as np
    import pandas as pd
    import pingouin as pg
    from scipy import stats

    names = list(samples)
    long = pd.DataFrame({"value": np.concatenate([np.asarray(samples[g], dtype=float) for g in names]),
                         "group": np.repeat([f"g{i:03d}" for i in range(len(names))],
                                            [len(samples[g]) for g in names])})
    table = pg.pairwise_gameshowell(data=long, dv="value", between="group")
    by_pair = {(r["A"], r["B"]): r for _, r in table.iterrows()}
    rows = []
    for i in range(len(names)):
        for j in range(i + 1, len(names)):
            a, b = f"g{i:03d}", f"g{j:03d}"
            # pingouin orders each pair by sorted label, which our zero-padded labels make the data's order;
            # should a pingouin version order them otherwise, the pair is read reversed and its signs flipped.
            row, sign = (by_pair[(a, b)], 1.0) if (a, b) in by_pair else (by_pair[(b, a)], -1.0)
            t, df = sign * float(row["T"]), float(row["df"])
            rows.append({"group_a": names[i], "group_b": names[j], "test": "games-howell", "statistic": t,
                         "df": df, "p": float(2 * stats.t.sf(abs(t), df)), "p_adjusted": float(row["pval"]),
                         "adjustment": "studentized range", "effect": "g", "effect_size": sign * float(row["hedges"])})
    return pd.DataFrame(rows, columns=list(POSTHOC_COLUMNS))


def compare_k_groups(samples: Mapping[str, Sequence[float]],
                     test: str = "mann-whitney") -> tuple[Omnibus | None, "pd.DataFrame"]:
    """Compare the groups of ``samples`` (group -> values, NaN dropped): the omnibus test and the post hoc tests.

    ``test`` is the study's ``group_test`` (``mann-whitney`` or ``welch``).
    Groups without values are left out. Returns ``(None, empty frame)`` when
    fewer than two groups have values or the values do not vary at all; the
    post hoc frame (columns :data:`POSTHOC_COLUMNS`) is empty for two groups.
    """
    import numpy as np
    import pandas as pd

    from .comparisons import mann_whitney, welch

    if test not in OMNIBUS_TESTS:
        raise ValueError(f"unknown test {test!r}")
    clean = {g: np.sort(v[~np.isnan(v)]) for g, v in
             ((g, np.asarray(pd.to_numeric(pd.Series(list(values), dtype=object), errors="coerce"), dtype=float))
              for g, values in samples.items())}
    clean = {g: v for g, v in clean.items() if v.size}
    empty = pd.DataFrame(columns=list(POSTHOC_COLUMNS))
    pooled = np.concatenate(list(clean.values())) if clean else np.array([])
    if len(clean) < 2 or np.unique(pooled).size < 2:
        return None, empty
    if test == "welch" and any(v.size < 2 for v in clean.values()):
        return None, empty  # no variance estimate from one value
    if test == "welch" and len(clean) > 2 and any(np.var(v) == 0 for v in clean.values()):
        return None, empty  # Welch's ANOVA weighs groups by n / variance: undefined for a constant group
    names = list(clean)
    if len(names) == 2:
        a, b = clean[names[0]], clean[names[1]]
        c = mann_whitney(a, b) if test == "mann-whitney" else welch(a, b)  # content-seeded inside
        if test == "mann-whitney":
            from scipy import stats

            ranks = stats.rankdata(np.concatenate([a, b]))
            location = {names[0]: float(ranks[:a.size].mean()), names[1]: float(ranks[a.size:].mean())}
        else:
            location = {names[0]: float(a.mean()), names[1]: float(b.mean())}
        return Omnibus(c.test, names, [a.size, b.size], c.statistic, c.df, None, c.p, c.effect, c.effect_size,
                       c.effect_ci, c.ci_method, location), empty
    if test == "mann-whitney":
        return kruskal_wallis(clean), dunn_holm(clean)
    return welch_anova(clean), games_howell(clean)
