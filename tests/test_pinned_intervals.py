"""Intervals and pseudonyms pinned to implementations written here from their published definitions.

Each reference below is computed without the tool's code: HMAC-SHA256 and base32 for pseudonyms (RFC 2104,
RFC 4648); the large-sample variance of Cohen's kappa of Fleiss, Cohen & Everitt (1969, Psychological
Bulletin 72(5), 323-327), written out for a 2 x 2 table; and the BCa bootstrap interval of Efron (1987,
JASA 82(397), 171-185; Efron & Tibshirani 1993, ch. 14) with its own resamples, for the rank-biserial r
(Kerby 2014: P(X > Y) - P(X < Y), counted over all pairs) and the bias-corrected Gini coefficient (half the
relative mean absolute difference over distinct pairs). Bootstrap references use other resamples than the
tool (20,000, another seed), so they agree within Monte Carlo error: the tolerance (0.03) is below the gap
between BCa and the plain percentile interval on these data (0.05), so a tool that fell back to
percentiles, swapped the groups or resampled the wrong way would fail.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import math

import numpy as np
import pytest
from scipy.stats import norm

from mixedmethods.chats.metrics import gini_with_ci
from mixedmethods.interviews.agreement import kappa_with_ci
from mixedmethods.privacy import pseudonym
from mixedmethods.survey.comparisons import mann_whitney


def test_pseudonym_is_the_documented_hmac():
    key = bytes(range(32))
    digest = hmac.new(key, "ana@example.org".encode("utf-8"), hashlib.sha256).digest()
    expected = "P-" + base64.b32encode(digest).decode("ascii")[:8]
    assert pseudonym(key, " ANA@example.org ") == expected  # NFKC, trimmed and case-folded first
    assert pseudonym(key, "Ana Pérez", prefix="U") == "U-" + base64.b32encode(
        hmac.new(key, "ana pérez".encode("utf-8"), hashlib.sha256).digest()).decode("ascii")[:8]


def fleiss_cohen_everitt(table: list[list[int]]) -> tuple[float, float, float]:
    """Kappa and its 95% Wald interval with the FCE (1969) non-null variance, for a 2 x 2 table."""
    n = sum(map(sum, table))
    p = [[cell / n for cell in row] for row in table]
    rows = [sum(p[i]) for i in range(2)]
    cols = [p[0][j] + p[1][j] for j in range(2)]
    observed = p[0][0] + p[1][1]
    expected = rows[0] * cols[0] + rows[1] * cols[1]
    kappa = (observed - expected) / (1 - expected)
    a = sum(p[i][i] * (1 - (rows[i] + cols[i]) * (1 - kappa)) ** 2 for i in range(2))
    b = (1 - kappa) ** 2 * sum(p[i][j] * (cols[i] + rows[j]) ** 2 for i in range(2) for j in range(2) if i != j)
    c = (kappa - expected * (1 - kappa)) ** 2
    se = math.sqrt((a + b - c) / n) / (1 - expected)
    return kappa, kappa - 1.959963984540054 * se, kappa + 1.959963984540054 * se


def test_kappa_interval_equals_fleiss_cohen_everitt_by_hand():
    # Two coders, 50 paragraphs: both apply the code to 20, only the first to 5, only the second to 10.
    table = [[15, 10], [5, 20]]  # rows: first coder 0/1, columns: second coder 0/1
    first = [0] * 25 + [1] * 25
    second = [0] * 15 + [1] * 10 + [0] * 5 + [1] * 20
    kappa, low, high = fleiss_cohen_everitt(table)
    assert kappa == pytest.approx(0.4)  # by hand: observed .70, expected .50
    assert kappa_with_ci(first, second) == pytest.approx((kappa, low, high), abs=1e-9)


def rank_biserial(a: np.ndarray, b: np.ndarray) -> float:
    differences = np.subtract.outer(a, b)
    return ((differences > 0).sum() - (differences < 0).sum()) / differences.size


def gini_mean_difference(x: np.ndarray) -> float:
    # Bias-corrected: the mean absolute difference over the n (n - 1) distinct ordered pairs / (2 mean)
    # (Dixon et al. 1987; = n/(n - 1) times half the relative mean absolute difference over all n^2 pairs).
    n = len(x)
    return float(np.abs(np.subtract.outer(x, x)).sum() / (n * (n - 1)) / (2 * x.mean()))


def bca(samples: tuple[np.ndarray, ...], statistic, resamples: int = 20000, seed: int = 11) -> tuple[float, float]:
    """Efron's BCa 95% interval: each sample resampled on its own; acceleration from the jackknife that leaves
    out one observation at a time from each sample in turn."""
    rng = np.random.default_rng(seed)
    theta = statistic(*samples)
    boots = np.array([statistic(*(rng.choice(s, len(s)) for s in samples)) for _ in range(resamples)])
    z0 = norm.ppf((np.sum(boots < theta) + 0.5 * np.sum(boots == theta)) / resamples)
    jack = np.array([statistic(*(np.delete(s, i) if k == which else s for k, s in enumerate(samples)))
                     for which, sample in enumerate(samples) for i in range(len(sample))])
    spread = jack.mean() - jack
    acceleration = np.sum(spread ** 3) / (6 * np.sum(spread ** 2) ** 1.5)
    levels = [norm.cdf(z0 + (z0 + z) / (1 - acceleration * (z0 + z))) for z in norm.ppf([0.025, 0.975])]
    low, high = np.quantile(boots, levels)
    return float(low), float(high)


SKEWED_X = np.array([1, 2, 2, 3, 3, 3, 4, 5, 5, 5, 5, 5.])
SKEWED_Y = np.array([1, 1, 1, 2, 2, 2, 3, 3, 4, 5.])


def test_rank_biserial_interval_is_bca_within_monte_carlo_error():
    result = mann_whitney(SKEWED_X, SKEWED_Y)
    assert result.effect_size == pytest.approx(rank_biserial(SKEWED_X, SKEWED_Y))  # 11/24, by pairs
    reference = bca((SKEWED_X, SKEWED_Y), rank_biserial)
    percentile = np.quantile([rank_biserial(np.random.default_rng(s).choice(SKEWED_X, 12),
                                            np.random.default_rng(s + 1).choice(SKEWED_Y, 10))
                              for s in range(0, 8000, 2)], [0.025, 0.975])
    assert abs(reference[0] - percentile[0]) > 0.04  # the data tell BCa from percentiles apart
    assert result.effect_ci == pytest.approx(reference, abs=0.03)


def test_gini_interval_is_bca_within_monte_carlo_error():
    counts = np.array([50, 20, 10, 5, 5, 3, 2, 1, 0, 0.])
    point, low, high = gini_with_ci(counts)
    assert point == pytest.approx(gini_mean_difference(counts))
    assert (low, high) == pytest.approx(bca((counts,), gini_mean_difference), abs=0.03)
