"""The convergence rules, one by one, on hand-built result rows: given two sources' effects with their 95%
intervals and group sizes (and the correlation where they are linked), the verdict and the rule that decided it.

Default smallest effect of interest r = .10, i.e. r_rb = 2 Phi(0.2010 / sqrt 2) - 1 = .1130 and eta^2 = .01
(mixedmethods.power.effect_from_r). Power by Noether's formula; the group sizes below are chosen so that the
power at .1130 is clearly below .80 (11 + 13: .069, by hand below) or clearly above (500 + 500: .95).
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from mixedmethods.triangulation.convergence import COLUMNS, RULES, convergence_matrix, verdict


def two(effect: float, low: float, high: float, n1: int = 60, n2: int = 60, **extra) -> dict:
    """A two-group comparison row as construct_statistics writes it (r_rb with its 95% CI)."""
    return {"effect": "r_rb", "k": 2, "effect_size": effect, "effect_CI95_low": low, "effect_CI95_high": high,
            "n1": n1, "n2": n2, "p": extra.pop("p", 0.5), **extra}


def small(effect: float, low: float, high: float) -> dict:
    return two(effect, low, high, 11, 13)


def large(effect: float, low: float, high: float) -> dict:
    return two(effect, low, high, 500, 500)


def rho(value: float, low: float, high: float, n: int = 24) -> dict:
    return {"rho": value, "CI95_low": low, "CI95_high": high, "n": n}


def three(p: float, effect: float, high: float = 0.3, n: int = 20, **locations: float) -> dict:
    """A comparison of three or more groups: epsilon2 (no sign), its CI, the test's p and the group locations."""
    return {"effect": "epsilon2", "k": len(locations), "effect_size": effect, "effect_CI95_low": 0.0,
            "effect_CI95_high": high, "p": p, "groups": ", ".join(locations),
            **{f"n.{g}": n for g in locations}, **{f"location.{g}": v for g, v in locations.items()}}


def decide(a, b, c=None, **kwargs) -> tuple[str, str]:
    result = verdict(a, b, c, **kwargs)
    return result["verdict"], result["rule"]


@pytest.mark.parametrize("a, b, c, expected", [
    # Same direction, both intervals exclude 0: agreement.
    (two(.5, .3, .7), two(.4, .1, .6), None, ("agreement", "same_direction")),
    # Opposite directions, both intervals exclude 0: dissonance.
    (two(.5, .3, .7), two(-.4, -.6, -.1), None, ("dissonance", "opposite_directions")),
    # One shows a difference, the other points the opposite way by more than the SESOI without showing it:
    # dissonance (the case the first rules coded "silence").
    (two(.6, .4, .8), small(-.2, -.5, .2), None, ("dissonance", "opposite_directions")),
    # One shows it, the other points the same way by at least the SESOI: partial agreement.
    (two(.5, .3, .7), small(.3, -.1, .6), None, ("partial agreement", "one_shows_other_points")),
    # A trivial .02 (or -.02) points nowhere: neither partial agreement nor dissonance; the small source
    # cannot tell, so inconclusive.
    (two(.6, .4, .8), small(.02, -.3, .35), None, ("inconclusive", "low_power")),
    (two(.6, .4, .8), small(-.02, -.35, .3), None, ("inconclusive", "low_power")),
    # Just below the SESOI (.11 < .113) is not "pointing the same way" either.
    (two(.5, .3, .7), small(.11, -.2, .4), None, ("inconclusive", "low_power")),
    # The trivial effect in a source able to detect the SESOI: that source is silent (Farmer et al.'s silence).
    (two(.6, .4, .8), large(.02, -.05, .09), None, ("silence", "one_shows_other_silent")),
    # Both intervals inside [-.113, .113]: both equivalent to no difference, agreement (Lakens, 2017),
    # whatever the signs of the estimates.
    (large(.01, -.05, .07), large(-.02, -.10, .06), None, ("agreement", "both_equivalent")),
    # One interval reaches past -.113: not equivalent; both include 0 with power .95: silence.
    (large(.01, -.05, .07), large(-.02, -.12, .06), None, ("silence", "neither_shows")),
    (large(.03, -.10, .16), large(-.05, -.17, .08), None, ("silence", "neither_shows")),
    # Both include 0 with 11 + 13 people: too small to tell.
    (small(.3, -.1, .6), small(.2, -.2, .5), None, ("inconclusive", "low_power")),
    # Correlation: positive with an interval excluding 0 is agreement, negative is dissonance ...
    (small(.3, -.1, .6), small(.2, -.2, .5), rho(.5, .1, .75), ("agreement", "positive_correlation")),
    (two(.5, .3, .7), two(.4, .1, .6), rho(-.45, -.7, -.05), ("dissonance", "negative_correlation")),
    # ... an interval including 0 decides nothing: with 24 pairs (power .07 at r = .10) inconclusive,
    # with 1,000 pairs (power .89) and two large silent sources, silence.
    (None, {}, rho(.2, -.2, .55), ("inconclusive", "low_power")),
    (large(.03, -.10, .16), large(-.05, -.17, .08), rho(.02, -.04, .08, n=1000), ("silence", "neither_shows")),
    # A source without an indicator, or without a test (too few people per group), and no correlation.
    (two(.6, .4, .8), None, None, ("not available", "no_indicator")),
    (None, None, None, ("not available", "no_indicator")),
    (two(.6, .4, .8), {"n1": 3, "n2": 2}, None, ("not available", "no_test")),
    # Without a test the correlation can still decide.
    (two(.6, .4, .8), {}, rho(.5, .1, .75), ("agreement", "positive_correlation")),
    # No finite interval (complete separation): the test's p says whether the difference is shown.
    (two(1.0, math.nan, math.nan, p=.001), two(.4, .1, .6), None, ("agreement", "same_direction")),
])
def test_two_group_rules(a, b, c, expected):
    assert decide(a, b, c) == expected


def test_inconclusive_states_the_power_and_the_sources_too_small():
    result = verdict(two(.6, .4, .8), small(.02, -.3, .35), None, names=("survey", "interviews"))
    assert result["limited"] == "interviews"
    # Noether: Phi(sqrt(12 * 11 * 13 / 24) * .11303 / 2 - 1.95996) = Phi(8.45577 * .056513 - 1.95996)
    # = Phi(-1.48210) = .0692 (hand computation).
    assert result["power_b"] == pytest.approx(0.0692, abs=5e-4)
    both = verdict(small(.3, -.1, .6), small(.2, -.2, .5), rho(.1, -.3, .45), names=("survey", "chats"))
    assert both["limited"] == "survey, chats, correlation"
    assert not math.isnan(both["power_correlation"])


def test_the_smallest_effect_of_interest_is_a_setting():
    # With r = .30 the SESOI is r_rb = .3435: .30 no longer points the same way; .40 does.
    assert decide(two(.5, .3, .7), small(.3, -.1, .6), smallest_effect=.3) == ("inconclusive", "low_power")
    assert decide(two(.5, .3, .7), small(.4, -.1, .7), smallest_effect=.3)[0] == "partial agreement"
    # And equivalence is judged against it: [-.2, .25] is inside [-.3435, .3435].
    assert decide(two(.0, -.2, .25), two(.05, -.25, .3), smallest_effect=.3) == ("agreement", "both_equivalent")


@pytest.mark.parametrize("a, b, expected", [
    # k >= 3: both tests p < .05 and the groups ordered alike (tau-b = 1): agreement.
    (three(.01, .2, x=1, y=2, z=3), three(.02, .15, x=10, y=20, z=30), ("agreement", "same_direction")),
    # Reversed order (tau-b = -1): dissonance.
    (three(.01, .2, x=1, y=2, z=3), three(.02, .15, x=30, y=20, z=10), ("dissonance", "opposite_directions")),
    # One shows it; the other (p = .40, epsilon2 .05 >= .01) orders them mostly alike (tau-b = 1/3): partial.
    (three(.01, .2, x=1, y=2, z=3), three(.40, .05, x=1, y=3, z=2), ("partial agreement", "one_shows_other_points")),
    # Mostly reversed (tau-b = -1/3): dissonance, no longer silence.
    (three(.01, .2, x=1, y=2, z=3), three(.40, .05, x=2, y=3, z=1), ("dissonance", "opposite_directions")),
    # The other's epsilon2 of .005 is below the SESOI (.01): it points nowhere; 20 per group cannot tell.
    (three(.01, .2, x=1, y=2, z=3), three(.40, .005, x=2, y=3, z=1), ("inconclusive", "low_power")),
    # Both upper bounds below .01: equivalent to no difference.
    (three(.6, .001, high=.008, x=1, y=2, z=3), three(.7, .002, high=.009, x=3, y=2, z=1),
     ("agreement", "both_equivalent")),
    # A source that could compare two groups only (r_rb) against a three-group one: the order of the two
    # groups in common decides (x below z in both).
    (three(.01, .2, x=1, y=2, z=3), {**two(-.5, -.7, -.2, p=.01), "groups": "x, z", "n.x": 20, "n.z": 20,
                                     "location.x": 5.0, "location.z": 9.0}, ("agreement", "same_direction")),
])
def test_three_or_more_groups(a, b, expected):
    assert decide(a, b) == expected


def test_three_group_power_comes_from_the_group_sizes():
    import pingouin as pg

    result = verdict(three(.01, .2, x=1, y=2, z=3), three(.40, .005, x=2, y=3, z=1), None)
    # pingouin's ANOVA power with eta^2 = .01, k = 3, n = 20 per group (the harmonic mean of equal groups).
    assert result["power_b"] == pytest.approx(pg.power_anova(eta_squared=0.01, k=3, n=20))


def test_every_rule_key_has_its_words_in_both_languages():
    import yaml

    root = Path(__file__).resolve().parents[1] / "templates" / "text"
    for language in ("en", "fr"):
        texts = yaml.safe_load((root / f"{language}.yaml").read_text(encoding="utf-8"))["triangulation"]
        assert set(texts["rules"]) == set(RULES)
        assert set(texts["verdicts"]) == set(RULES.values())


def test_matrix_for_any_subset_of_sources_and_empty_inputs():
    from mixedmethods.triangulation.constructs import Construct, Indicator

    assert convergence_matrix([], pd.DataFrame(), pd.DataFrame()).columns.tolist() == COLUMNS
    construct = Construct("c1", {"en": "C1"}, {"en": ""}, {"survey": Indicator("survey", "higher"),
                                                           "chats": Indicator("chats", "higher")})
    matrix = convergence_matrix([construct], pd.DataFrame(), pd.DataFrame(), smallest_effect=.2)
    assert matrix["verdict"].tolist() == ["not available"] * 3
    # Pairs in order survey-interviews, survey-chats, interviews-chats; the study has no interview indicator.
    assert matrix["rule"].tolist() == ["no_indicator", "no_test", "no_indicator"]
    assert matrix["limited"].tolist() == ["interviews", "survey, chats", "interviews"]
    assert (matrix["smallest_effect"] == .2).all()
    comparisons = pd.DataFrame([{"construct": "c1", "source": "survey", **two(.5, .3, .7)},
                                {"construct": "c1", "source": "chats", **two(-.4, -.6, -.1)}])
    matrix = convergence_matrix([construct], pd.DataFrame(), comparisons)
    survey_chats = matrix[(matrix["source_a"] == "survey") & (matrix["source_b"] == "chats")]
    assert survey_chats["verdict"].tolist() == ["dissonance"]


@pytest.mark.parametrize("value, accepted", [(0.1, True), (0.3, True), (1.5, False), (0, False), ("small", False),
                                             (True, False)])
def test_smallest_effect_setting_is_validated(tmp_path: Path, value, accepted):
    from mixedmethods.errors import ConfigError
    from mixedmethods.study import default_study_yaml, init_study, load_study

    config = default_study_yaml("Pilot")
    config["triangulation"] = {"smallest_effect": value}
    root = init_study(tmp_path / "pilot", config)
    if accepted:
        assert load_study(root).triangulation.smallest_effect == value
    else:
        with pytest.raises(ConfigError, match="triangulation.smallest_effect: expected a correlation r"):
            load_study(root)


def test_smallest_effect_defaults_to_cohens_small_r_and_reads_a_leading_dot(tmp_path: Path):
    from mixedmethods.study import default_study_yaml, init_study, load_study

    root = init_study(tmp_path / "pilot", default_study_yaml("Pilot"))
    assert load_study(root).triangulation.smallest_effect == 0.10
    path = root / "study.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "triangulation:\n  smallest_effect: .25\n", encoding="utf-8")
    assert load_study(root).triangulation.smallest_effect == 0.25


@pytest.mark.parametrize("language, expected", [
    ("en", "too small to detect the smallest effect of interest: Interviews, power = .07; correlation, power = .07"),
    ("fr", "trop petit pour détecter le plus petit effet d'intérêt : Entretiens, puissance = ,07 ; corrélation, "
           "puissance = ,07"),
])
def test_the_chapter_says_which_source_was_too_small_and_its_power(language, expected):
    from mixedmethods.report.texts import Texts
    from mixedmethods.report.triangulation_chapter import TriangulationChapter

    chapter = TriangulationChapter.__new__(TriangulationChapter)
    chapter.t, chapter.lang = Texts(language), language
    chapter.sources = chapter.t.raw("triangulation.sources")
    row = {"construct": "c1", "source_a": "survey", "source_b": "interviews",
           **verdict(two(.6, .4, .8), small(.02, -.3, .35), rho(.1, -.3, .45), names=("survey", "interviews"))}
    assert row["verdict"] == "inconclusive"
    # Interviews (11 + 13): .0692 (hand computation above); correlation, 24 pairs at r = .10: pingouin's power_corr.
    assert chapter.rule_words(row) == expected
    row = {"source_a": "survey", "source_b": "chats", "rule": "no_indicator", "limited": "chats"}
    assert chapter.rule_words(row).endswith(chapter.sources["chats"])
