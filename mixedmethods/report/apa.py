"""APA 7 number formatting (American Psychological Association, 2020, sections 6.36-6.46).

* Statistics that cannot exceed 1 in absolute value (r, alpha, omega, p,
  Cramér's V, r_rb) have no leading zero: ``.76``.
* p values are exact to three decimals, and ``< .001`` below that.
* Negative numbers use the minus sign (U+2212).
* Numbers of 1,000 and more are grouped by thousands (APA 6.38).
* Marks follow the edition's locale, from the Unicode CLDR through Babel: en-GB
  writes ``19,046.5`` and ``86%``; fr-FR writes the decimal comma, a narrow
  no-break space (U+202F) between thousands and a no-break space before ``%``
  (``19 046,5``; ``,76``; ``86 %``), and long dates (``26 novembre 2026``).
  The APA rules above hold in every language.

Statistic symbols are italic in the report: the sentence templates mark them
with asterisks (``*p*``), which :mod:`.document` turns into italic runs.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

MINUS = "\u2212"

# The locale of each edition (the report's language code -> CLDR locale); another code is used as it is.
LOCALES = {"en": "en_GB", "fr": "fr_FR"}


def locale_of(language: str) -> str:
    """The CLDR locale of a report language: ``"en"`` -> ``"en_GB"``, ``"fr"`` -> ``"fr_FR"``, ``"de-AT"``
    -> ``"de_AT"``."""
    return LOCALES.get(language, language.replace("-", "_"))


@lru_cache(maxsize=None)
def _symbols(language: str) -> tuple[str, str]:
    """The locale's decimal mark and thousands separator."""
    from babel.numbers import get_decimal_symbol, get_group_symbol

    locale = locale_of(language)
    return get_decimal_symbol(locale), get_group_symbol(locale)


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _localise(text: str, language: str) -> str:
    """A number written by Python (``-19046.50``) in the locale's marks, with the minus sign (U+2212).

    The rounding stays Python's (``f"{x:.2f}"``), so that every edition shows the same digits.
    """
    negative = text.startswith("-")
    digits = text[1:] if negative else text
    whole, _, fraction = digits.partition(".")
    decimal_mark, group = _symbols(language)
    grouped = f"{int(whole):,}".replace(",", group) if whole.isdigit() else whole
    text = grouped + (decimal_mark + fraction if fraction else "")
    if negative and any(c in "123456789" for c in digits):  # no "−0.00"
        text = MINUS + text
    return text


def number(value: float | None, decimals: int = 2, language: str = "en") -> str:
    """A number with fixed decimals, minus sign, and the locale's decimal mark and thousands separator.

    >>> number(-3.14159), number(2.5, 1, "fr"), number(None), number(19046.5, 1), number(-0.001)
    ('−3.14', '2,5', '—', '19,046.5', '0.00')
    >>> number(19046.5, 1, "fr") == "19\u202f046,5"
    True
    """
    if _missing(value):
        return "\u2014"
    return _localise(f"{value:.{decimals}f}", language)


def integer(value: Any, language: str = "en") -> str:
    """A count or other whole number, grouped by thousands as the locale does: ``19,046`` / ``19 046`` (U+202F).

    Not for years, seeds or identifiers, which are not grouped.

    >>> integer(19046), integer(-1311), integer(999), integer(None)
    ('19,046', '−1,311', '999', '—')
    >>> integer(19046, "fr") == "19\u202f046"
    True
    """
    if _missing(value):
        return "\u2014"
    return _localise(str(int(round(float(value)))), language)


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
    """A percentage (``value`` out of 100) with no decimals, in the locale's pattern.

    APA: whole numbers for percentages of n < 100 are enough. CLDR writes ``86%`` in en-GB
    and ``86 %`` with a no-break space (U+00A0) in fr-FR.

    >>> percent(86.2), percent(None), percent(-4) == "\u22124%", percent(86.2, "fr") == "86\u00a0%"
    ('86%', '—', True, True)
    """
    from decimal import Decimal

    from babel.numbers import format_percent

    if _missing(value):
        return "\u2014"
    rounded = f"{value:.0f}"  # Python's rounding, as number() does
    if rounded in ("-0", "0"):
        rounded = "0"
    text = format_percent(Decimal(rounded.lstrip("-")) / 100, locale=locale_of(language))
    return MINUS + text if rounded.startswith("-") else text


def date(value: Any, language: str = "en", style: str = "long") -> str:
    """A date in the locale's ``style`` (CLDR ``"long"``, ``"medium"``...); ``value`` a date or ISO text.

    French writes the first of the month as an ordinal, "1er" (CLDR's pattern has no ordinal).

    >>> date("2026-11-26"), date("2026-11-26", "fr"), date("2025-09-01", "fr")
    ('26 November 2026', '26 novembre 2026', '1er septembre 2025')
    """
    import datetime

    from babel.dates import format_date

    if isinstance(value, str):
        value = datetime.date.fromisoformat(value[:10])
    text = format_date(value, format=style, locale=locale_of(language))
    if locale_of(language).startswith("fr") and text.startswith("1 "):
        text = "1er" + text[1:]
    return text


def tick_formatter(language: str = "en"):
    """A matplotlib tick formatter that writes the axis numbers in the locale (``0,5`` in French, ``1 000``).

    It is matplotlib's own :class:`~matplotlib.ticker.ScalarFormatter` (same choice of decimals for all ticks,
    minus sign) with the locale's marks put in: ``ax.xaxis.set_major_formatter(apa.tick_formatter("fr"))``.
    """
    from matplotlib.ticker import ScalarFormatter

    class LocaleFormatter(ScalarFormatter):
        def __call__(self, x, pos=None):
            return localise_label(super().__call__(x, pos), language)

    formatter = LocaleFormatter()
    formatter.set_scientific(False)
    return formatter


def localise_label(text: str, language: str = "en") -> str:
    """A number matplotlib wrote (``0.5``, ``−1.0``, ``10000``) in the locale's marks; other text unchanged.

    >>> localise_label("\u22121.0", "fr"), localise_label("10000", "en"), localise_label("Mon", "fr")
    ('−1,0', '10,000', 'Mon')
    """
    plain = text.replace(MINUS, "-").replace("\u2212", "-")
    try:
        float(plain)
    except ValueError:
        return text
    if "e" in plain.lower():
        return text
    return _localise(plain, language)


def degrees_of_freedom(df1: float | None, df2: float | None = None, language: str = "en") -> str:
    """Degrees of freedom: whole numbers without decimals, Welch-type df with two; a pair for F.

    French separates the pair with a semicolon, since the comma is its decimal mark.

    >>> degrees_of_freedom(2), degrees_of_freedom(3, 8.329841), degrees_of_freedom(3, 8.33, "fr").replace("\u00a0", " ")
    ('2', '3, 8.33', '3 ; 8,33')
    """
    def one(value: float | None) -> str:
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "\u2014"
        return integer(value, language) if abs(value - round(value)) < 1e-9 else number(value, 2, language)

    if df2 is None or (isinstance(df2, float) and math.isnan(df2)):
        return one(df1)
    separator = "\u00a0;\u00a0" if language == "fr" else ", "  # no line break inside the pair
    return f"{one(df1)}{separator}{one(df2)}"
