"""APA 7 number formatting (American Psychological Association, 2020, sections 6.36-6.46).

* Statistics that cannot exceed 1 in absolute value (r, alpha, omega, p,
  Cramér's V, r_rb) have no leading zero: ``.76``.
* p values are exact to three decimals, and ``< .001`` below that.
* Negative numbers use the minus sign (U+2212).
* French reports use the decimal comma (``,76``; ``3,42``) and keep the
  APA rules otherwise.

Statistic symbols are italic in the report: the sentence templates mark them
with asterisks (``*p*``), which :mod:`.document` turns into italic runs.
"""

from __future__ import annotations

import math

MINUS = "\u2212"


def _decimal(text: str, language: str) -> str:
    return text.replace(".", ",") if language == "fr" else text


def number(value: float | None, decimals: int = 2, language: str = "en") -> str:
    """A number with fixed decimals, minus sign and the language's decimal mark.

    >>> number(-3.14159), number(2.5, 1, "fr"), number(None)
    ('−3.14', '2,5', '—')
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "\u2014"
    text = f"{value:.{decimals}f}"
    if text.startswith("-"):
        text = MINUS + text[1:] if float(text[1:]) != 0 else text[1:]
    return _decimal(text, language)


def bounded(value: float | None, decimals: int = 2, language: str = "en") -> str:
    """A statistic bounded by 1 (r, alpha, p): no leading zero.

    >>> bounded(0.7608), bounded(-0.0158), bounded(1.0), bounded(0.5, 2, "fr")
    ('.76', '−.02', '1.00', ',50')
    """
    text = number(value, decimals, language)
    for zero in ("0.", "0,"):
        if text.startswith(zero):
            return text[1:]
        if text.startswith(MINUS + zero):
            return MINUS + text[2:]
    return text


def p_value(p: float, language: str = "en") -> str:
    """``*p* = .043`` or ``*p* < .001`` (italic markers included).

    >>> p_value(0.04321), p_value(0.0000291), p_value(0.9999)
    ('*p* = .043', '*p* < .001', '*p* > .999')
    """
    if p < 0.001:
        return f"*p* < {bounded(0.001, 3, language)}"
    if p > 0.999:
        return f"*p* > {bounded(0.999, 3, language)}"
    return f"*p* = {bounded(p, 3, language)}"


def p_cell(p: float, language: str = "en") -> str:
    """A p value for a table cell: ``.043`` or ``< .001``."""
    if p < 0.001:
        return f"< {bounded(0.001, 3, language)}"
    if p > 0.999:
        return f"> {bounded(0.999, 3, language)}"
    return bounded(p, 3, language)


def interval(low: float, high: float, decimals: int = 2, language: str = "en", is_bounded: bool = False) -> str:
    """A confidence interval in square brackets; French separates bounds with a semicolon.

    >>> interval(0.686, 0.822, is_bounded=True), interval(-3.365, 0.2054, language="fr").replace("\u00a0", " ")
    ('[.69, .82]', '[−3,37 ; 0,21]')
    """
    fmt = bounded if is_bounded else number
    separator = "\u00a0;\u00a0" if language == "fr" else ", "  # no line break inside an interval
    return f"[{fmt(low, decimals, language)}{separator}{fmt(high, decimals, language)}]"


def percent(value: float | None, language: str = "en") -> str:
    """A percentage with no decimals (APA: whole numbers for percentages of n < 100 are enough)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "\u2014"
    return f"{value:.0f}" + ("\u00a0%" if language == "fr" else "%")


def degrees_of_freedom(df1: float | None, df2: float | None = None, language: str = "en") -> str:
    """Degrees of freedom: whole numbers without decimals, Welch-type df with two; a pair for F.

    French separates the pair with a semicolon, since the comma is its decimal mark.

    >>> degrees_of_freedom(2), degrees_of_freedom(3, 8.329841), degrees_of_freedom(3, 8.33, "fr").replace("\u00a0", " ")
    ('2', '3, 8.33', '3 ; 8,33')
    """
    def one(value: float | None) -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "\u2014"
        return str(int(round(value))) if abs(value - round(value)) < 1e-9 else number(value, 2, language)

    if df2 is None or (isinstance(df2, float) and math.isnan(df2)):
        return one(df1)
    separator = "\u00a0;\u00a0" if language == "fr" else ", "  # no line break inside the pair
    return f"{one(df1)}{separator}{one(df2)}"
