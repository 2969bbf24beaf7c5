"""Meta-inferences: what the sources mean together for one construct, from the convergence verdicts of its pairs.

A joint display ends with a meta-inference, the inference drawn from the
sources together (Guetterman, Fetters & Creswell, 2015). Fetters, Curry &
Creswell (2013) name three integration outcomes: **confirmation** (the
findings of the sources confirm one another), **expansion** (they diverge
but do not contradict: each source adds aspects the other does not show)
and **discordance** (they are inconsistent, contradict or disagree).

The meta-inference of a construct is decided by a fixed rule from the
verdicts of :mod:`mixedmethods.triangulation.convergence` for each pair of
its sources (the convergence coding matrix), applied in this order (rule
keys in brackets):

1. **discordance** when at least one pair is a dissonance [``dissonant_pair``]:
   a contradiction between two sources is never hidden by agreement
   elsewhere (as dissonance comes first in the convergence rules);
2. **confirmation** when at least one pair agrees and every other pair
   agrees too, or is inconclusive or not available [``pairs_agree``]: a
   source too small to tell, or without an indicator, neither confirms nor
   contradicts;
3. **expansion** when at least one pair agrees, agrees in part, or is a
   silence in which one source shows a difference that the other, able to
   detect it, does not show [``sources_complement``]: the sources add to
   one another without contradicting;
4. **none** otherwise [``nothing_to_integrate``]: every pair is silent on
   both sides (neither source shows a difference), inconclusive or not
   available, so no source has a finding for another to confirm, expand or
   contradict; the construct has no pair at all likewise.

References
----------
Fetters, M. D., Curry, L. A., & Creswell, J. W. (2013). Achieving integration in mixed methods
designs - principles and practices. *Health Services Research, 48*(6 Pt 2), 2134-2156.
https://doi.org/10.1111/1475-6773.12117
Guetterman, T. C., Fetters, M. D., & Creswell, J. W. (2015). Integrating quantitative and qualitative
results in health science mixed methods research through joint displays. *Annals of Family Medicine,
13*(6), 554-561. https://doi.org/10.1370/afm.1865
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:
    import pandas as pd

META_INFERENCES = ("confirmation", "expansion", "discordance", "none")
RULES = {"dissonant_pair": "discordance", "pairs_agree": "confirmation", "sources_complement": "expansion",
         "nothing_to_integrate": "none"}
COLUMNS = ["construct", "meta_inference", "rule", "pairs", "dissonant_pairs", "agreeing_pairs"]


def meta_inference(verdicts: Iterable[tuple[str, str]]) -> tuple[str, str]:
    """The meta-inference and its rule key from one construct's ``(verdict, rule)`` pairs (module docstring).

    ``verdict`` and ``rule`` are those of :func:`mixedmethods.triangulation.convergence.verdict`.

    >>> meta_inference([("agreement", "same_direction"), ("inconclusive", "low_power")])
    ('confirmation', 'pairs_agree')
    >>> meta_inference([("agreement", "same_direction"), ("dissonance", "opposite_directions")])
    ('discordance', 'dissonant_pair')
    """
    pairs = list(verdicts)
    found = {verdict for verdict, _ in pairs}
    if "dissonance" in found:
        return "discordance", "dissonant_pair"
    if "agreement" in found and found <= {"agreement", "inconclusive", "not available"}:
        return "confirmation", "pairs_agree"
    one_sided = any(verdict == "silence" and rule == "one_shows_other_silent" for verdict, rule in pairs)
    if found & {"agreement", "partial agreement"} or one_sided:
        return "expansion", "sources_complement"
    return "none", "nothing_to_integrate"


def meta_inferences(matrix: "pd.DataFrame", constructs: list[str] | None = None) -> "pd.DataFrame":
    """One row per construct: :data:`COLUMNS`.

    ``matrix`` is the convergence matrix (construct, source_a, source_b,
    verdict, rule); ``constructs`` fixes the order and adds constructs
    without a row (``none``). ``pairs`` counts the construct's pairs;
    ``dissonant_pairs`` and ``agreeing_pairs`` name them (``survey-chats``,
    comma-separated).
    """
    import pandas as pd

    order = list(constructs) if constructs is not None else list(dict.fromkeys(matrix.get("construct", [])))
    rows = []
    for construct in order:
        block = matrix[matrix["construct"] == construct] if not matrix.empty else matrix
        pairs = list(zip(block.get("verdict", []), block.get("rule", [])))
        inference, rule = meta_inference(pairs)
        named = {verdict: ", ".join(f"{a}-{b}" for a, b, v in zip(block["source_a"], block["source_b"],
                                                                 block["verdict"]) if v == verdict)
                 for verdict in ("dissonance", "agreement")} if len(block) else {}
        rows.append({"construct": construct, "meta_inference": inference, "rule": rule, "pairs": len(block),
                     "dissonant_pairs": named.get("dissonance", ""), "agreeing_pairs": named.get("agreement", "")})
    return pd.DataFrame(rows, columns=COLUMNS)
