"""Statistical power and sensitivity of the group comparisons and correlations the report makes.

Power is the probability that a test at level ``alpha`` (two-sided) detects
an effect of a given size with the groups at hand; the *detectable effect*
(sensitivity analysis) is the smallest effect the test detects with a given
power. The report uses both to say when a source is too small to tell
whether an effect of interest is there (Lakens, 2022).

Effect kinds are those of the comparisons (:mod:`mixedmethods.survey.omnibus`):

* ``r_rb`` - rank-biserial correlation of the Mann-Whitney test. Power by
  Noether's (1987) normal approximation: with N = n1 + n2,
  ``power = Phi(sqrt(12 n1 n2 / N) |p - 1/2| - z_{1-alpha/2})``, where
  ``p = P(X > Y)`` and ``p - 1/2 = r_rb / 2`` (Kerby, 2014), so
  ``power = Phi(sqrt(12 n1 n2 / N) |r_rb| / 2 - z_{1-alpha/2})``. The
  other tail's rejection probability (negligible) is ignored, as in
  Noether's sample-size formula.
* ``g`` - Hedges' g of Welch's t test: pingouin's ``power_ttest2n`` with
  Cohen's d = g (the noncentral t of the two-sample t test; with unequal
  variances this is an approximation).
* ``epsilon2`` / ``omega2`` - Kruskal-Wallis' epsilon-squared or Welch's
  ANOVA omega-squared: pingouin's ``power_anova`` (noncentral F with
  f^2 = eta^2 / (1 - eta^2)), the effect taken as eta-squared and the
  harmonic mean of the group sizes as the size per group. For the
  Kruskal-Wallis test this is the ANOVA's power (its asymptotic relative
  efficiency under normality is 3/pi = .955), an approximation.
* correlations: pingouin's ``power_corr`` (Fisher's z). For Spearman's rho
  it is the power of Pearson's r at the same value, an approximation
  (Spearman's efficiency under normality is about .91).

The smallest effect of interest is set once, as a correlation r, and put in
each metric by :func:`effect_from_r`: r -> d = 2r / sqrt(1 - r^2) (point-
biserial r with equal groups, Cohen 1988, eq. 2.2.6), d -> r_rb = 2 Phi(d /
sqrt 2) - 1 (probability of superiority under normality, McGraw & Wong,
1992), r -> eta^2 = r^2. Cohen's "small" benchmarks correspond: r = .10,
d = .20, f = .10 (eta^2 = .01).

References
----------
Cohen, J. (1988). *Statistical power analysis for the behavioral sciences*
(2nd ed.). Erlbaum.

Kerby, D. S. (2014). The simple difference formula: An approach to teaching
nonparametric correlation. *Comprehensive Psychology, 3*, 11.IT.3.1.

Lakens, D. (2022). Sample size justification. *Collabra: Psychology, 8*(1),
33267.

McGraw, K. O., & Wong, S. P. (1992). A common language effect size
statistic. *Psychological Bulletin, 111*(2), 361-365.

Noether, G. E. (1987). Sample size determination for some common
nonparametric tests. *Journal of the American Statistical Association,
82*(398), 645-647.
"""

from __future__ import annotations

import math

TWO_GROUP_KINDS = ("r_rb", "g")
K_GROUP_KINDS = ("epsilon2", "omega2")


def _check_kind(effect_kind: str, allowed: tuple[str, ...]) -> None:
    if effect_kind not in allowed:
        raise ValueError(f"effect_kind: expected one of {', '.join(allowed)}, got {effect_kind!r}")


def effect_from_r(r: float, effect_kind: str) -> float:
    """The effect size in ``effect_kind`` that corresponds to a correlation ``r`` (0 <= r < 1).

    ``g``: d = 2r / sqrt(1 - r^2); ``r_rb``: 2 Phi(d / sqrt 2) - 1;
    ``epsilon2``/``omega2``: r^2; ``r`` (a correlation): r itself. See the
    module docstring for the sources.

    >>> round(effect_from_r(0.1, "g"), 3)
    0.201
    """
    from scipy.stats import norm

    _check_kind(effect_kind, (*TWO_GROUP_KINDS, *K_GROUP_KINDS, "r"))
    if effect_kind == "r":
        return r
    if effect_kind in K_GROUP_KINDS:
        return r ** 2
    d = 2 * r / math.sqrt(1 - r ** 2)
    return d if effect_kind == "g" else float(2 * norm.cdf(d / math.sqrt(2)) - 1)


def power_two_groups(n1: int, n2: int, effect: float, effect_kind: str, alpha: float = 0.05) -> float:
    """Power of the two-sided two-group test to detect ``effect`` with groups of n1 and n2.

    Parameters
    ----------
    n1, n2 : int
        Group sizes.
    effect : float
        The effect size (its sign does not matter).
    effect_kind : {"r_rb", "g"}
        ``r_rb``: Mann-Whitney test, Noether's (1987) approximation;
        ``g``: t test, pingouin's ``power_ttest2n`` with d = g.
    alpha : float
        Two-sided level.

    Returns
    -------
    float
        The power, from 0 to 1; NaN when a group has fewer than 2 people.

    Examples
    --------
    >>> round(power_two_groups(64, 64, 0.5, "g"), 2)  # Cohen (1988), Table 2.4.1: n = 64 per group for .80
    0.8
    """
    from scipy.stats import norm

    _check_kind(effect_kind, TWO_GROUP_KINDS)
    if min(n1, n2) < 2:
        return math.nan
    if effect_kind == "g":
        import pingouin as pg

        return float(pg.power_ttest2n(nx=n1, ny=n2, d=abs(effect), alpha=alpha))
    total = n1 + n2
    return float(norm.cdf(math.sqrt(12 * n1 * n2 / total) * abs(effect) / 2 - norm.ppf(1 - alpha / 2)))


def detectable_effect(n1: int, n2: int, effect_kind: str, power: float = 0.80, alpha: float = 0.05) -> float:
    """The smallest effect the two-sided two-group test detects with ``power`` (sensitivity analysis).

    ``r_rb``: Noether's formula solved for r_rb,
    ``2 (z_{1-alpha/2} + z_power) / sqrt(12 n1 n2 / N)``; ``g``: pingouin's
    ``power_ttest2n`` solved for d. NaN when a group has fewer than 2 people,
    or (r_rb) when even a complete separation of the groups (|r_rb| = 1)
    would not reach that power by the approximation.

    >>> round(detectable_effect(64, 64, "g"), 2)  # Cohen (1988): d = .50 with 64 per group
    0.5
    """
    from scipy.stats import norm

    _check_kind(effect_kind, TWO_GROUP_KINDS)
    if min(n1, n2) < 2:
        return math.nan
    if effect_kind == "g":
        import pingouin as pg

        return float(pg.power_ttest2n(nx=n1, ny=n2, power=power, alpha=alpha))
    needed = 2 * (norm.ppf(1 - alpha / 2) + norm.ppf(power)) / math.sqrt(12 * n1 * n2 / (n1 + n2))
    return float(needed) if needed <= 1 else math.nan


def power_k_groups(ns: list[int], effect: float, effect_kind: str, alpha: float = 0.05) -> float:
    """Power of the k-group test (k >= 2) to detect ``effect`` (epsilon2 or omega2, read as eta-squared).

    pingouin's ``power_anova`` with ``k = len(ns)`` and the harmonic mean of
    ``ns`` as the size per group: with unequal groups an approximation, as is
    the ANOVA's power for the Kruskal-Wallis test (module docstring). NaN
    with fewer than two groups or a group of fewer than 2 people.

    >>> round(power_k_groups([45] * 4, 0.25 ** 2 / (1 + 0.25 ** 2), "epsilon2"), 2)  # Cohen Table 8.4.4
    0.8
    """
    _check_kind(effect_kind, K_GROUP_KINDS)
    if len(ns) < 2 or min(ns) < 2:
        return math.nan
    import pingouin as pg

    harmonic = len(ns) / sum(1 / n for n in ns)
    return float(pg.power_anova(eta_squared=effect, k=len(ns), n=harmonic, alpha=alpha))


def detectable_effect_k_groups(ns: list[int], effect_kind: str, power: float = 0.80,
                               alpha: float = 0.05) -> float:
    """The smallest epsilon2 / omega2 the k-group test detects with ``power`` (sensitivity analysis).

    :func:`power_k_groups` solved for the effect: pingouin's ``power_anova``
    with eta-squared unknown, ``k = len(ns)`` and the harmonic mean of ``ns``
    per group (the same approximation). NaN with fewer than two groups or a
    group of fewer than 2 people.

    >>> round(detectable_effect_k_groups([45] * 4, "epsilon2"), 3)  # Cohen (1988) Table 8.4.4: f = .25, eta2 = .059
    0.058
    """
    _check_kind(effect_kind, K_GROUP_KINDS)
    if len(ns) < 2 or min(ns) < 2:
        return math.nan
    import pingouin as pg

    harmonic = len(ns) / sum(1 / n for n in ns)
    return float(pg.power_anova(eta_squared=None, k=len(ns), n=harmonic, power=power, alpha=alpha))


def power_correlation(n: int, r: float, alpha: float = 0.05) -> float:
    """Power of the two-sided test of a correlation to detect ``r`` with n pairs (pingouin's ``power_corr``).

    NaN with fewer than 4 pairs (Fisher's z needs n > 3).

    >>> round(power_correlation(84, 0.3), 2)  # Cohen (1988), Table 3.4.1: n = 84 for .80 at r = .30
    0.8
    """
    if n < 4:
        return math.nan
    import pingouin as pg

    return float(pg.power_corr(r=abs(r), n=n, alpha=alpha))
