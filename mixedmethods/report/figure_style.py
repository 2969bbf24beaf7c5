"""What every figure of the report shares: printed text sizes, colour-blind-safe palettes, number formats.

Figures are drawn at the width they are printed at (the ``width_cm`` given to
:meth:`.document.ReportDocument.figure`) and saved without cropping, so a font
size in points is the size on paper. APA 7 (American Psychological
Association, 2020, section 7.26) asks for 8 to 14 pt figure text; we draw
nothing below :data:`TEXT_POINTS`.

Palettes and why they are safe for readers with a colour vision deficiency
(checked in tests/test_figures.py by simulating protanopia, deuteranopia and
tritanopia at severity 1 with the Machado, Oliveira & Fernandes (2009)
matrices and measuring CAM02-UCS colour differences between neighbours):

* groups: Okabe & Ito (2008), with line style and marker as a second cue;
* Likert answer levels: ColorBrewer's purple-orange (PuOr; Harrower & Brewer,
  2003), each side a light-to-dark ramp, and a light grey middle answer;
* counts (heatmaps): cividis (Nuñez, Anderton & Renslow, 2018), reversed so
  that more is darker and an empty cell costs no ink.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

DPI = 300
CM_PER_INCH = 2.54
MIN_POINTS = 8.0  # APA 7, section 7.26: figure text 8-14 pt at the printed size
TEXT_POINTS = 8.5  # every text of a figure is drawn at least this large (a little above the minimum)
TITLE_POINTS = 9.5
MAX_HEIGHT_CM = 21.0  # an A4 page's text height (24.6 cm) less the figure's number, title and note (about 3 cm)
# DejaVu Sans averages a little under 0.6 em per character in running text; used to wrap labels before drawing.
EM_PER_CHARACTER = 0.58

# Okabe & Ito (2008) colour-blind-safe palette, all eight colours (reference lines are grey). With more groups
# than colours, line style and marker change too, so every one of up to lcm(8, 4, 6) = 24 groups keeps its own
# look, and no group is ever dropped.
GROUP_COLOURS = ("#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7", "#F0E442", "#000000")
GROUP_LINE_STYLES = ("-", "--", "-.", ":")
GROUP_MARKERS = ("o", "s", "^", "D", "v", "P")
NEUTRAL_GREY = "#E3E3E3"  # the middle answer: lighter than the lightest colour of either side
COUNT_COLOURMAP = "cividis_r"


def group_style(index: int) -> dict[str, object]:
    """Colour, line style and marker of the ``index``-th group (0-based), distinct for any number of groups.

    Okabe, M., & Ito, K. (2008). *Color universal design (CUD): How to make figures and presentations that are
    friendly to colorblind people*. https://jfly.uni-koeln.de/color/

    >>> len({group_style(i)["color"] for i in range(8)})
    8

    >>> [group_style(i)["linestyle"] for i in range(5)]
    ['-', '--', '-.', ':', '-']
    >>> len({tuple(group_style(i).values()) for i in range(12)})
    12
    """
    return {"color": GROUP_COLOURS[index % len(GROUP_COLOURS)],
            "linestyle": GROUP_LINE_STYLES[index % len(GROUP_LINE_STYLES)],
            "marker": GROUP_MARKERS[index % len(GROUP_MARKERS)]}


def likert_colours(levels: int) -> list[str]:
    """One colour per answer level, lowest first: dark to light orange, grey (odd count), light to dark purple.

    Each side is a lightness ramp of ColorBrewer's PuOr, so neighbours differ in lightness, which every kind of
    colour vision keeps. Harrower, M., & Brewer, C. A. (2003). ColorBrewer.org: An online tool for selecting
    colour schemes for maps. *The Cartographic Journal, 40*(1), 27-37. https://doi.org/10.1179/000870403235002042

    >>> likert_colours(3)[1], len(likert_colours(7))
    ('#E3E3E3', 7)
    """
    import matplotlib
    import numpy as np
    from matplotlib.colors import to_hex

    if levels < 1:
        return []
    ramp = matplotlib.colormaps["PuOr"]  # 0 = dark orange, 1 = dark purple
    half = levels // 2
    low = [ramp(0.15)] if half == 1 else [ramp(x) for x in np.linspace(0.0, 0.33, half)]
    high = [ramp(0.85)] if half == 1 else [ramp(x) for x in np.linspace(0.67, 1.0, half)]
    middle = [NEUTRAL_GREY] if levels % 2 else []
    return [to_hex(c).upper() for c in low] + middle + [to_hex(c).upper() for c in high]


def pyplot():
    import matplotlib

    matplotlib.use("Agg")  # no screen needed
    import matplotlib.pyplot as plt

    plt.rcParams.update({"font.family": "DejaVu Sans", "font.size": TEXT_POINTS, "axes.titlesize": TITLE_POINTS,
                         "axes.labelsize": TEXT_POINTS, "xtick.labelsize": TEXT_POINTS,
                         "ytick.labelsize": TEXT_POINTS, "legend.fontsize": TEXT_POINTS,
                         "figure.titlesize": TITLE_POINTS, "svg.hashsalt": "mixedmethods", "pdf.fonttype": 42})
    return plt


def figure(width_cm: float, height_cm: float):
    """A figure of the printed size, laid out so that nothing is cut (constrained layout)."""
    plt = pyplot()
    return plt.figure(figsize=(width_cm / CM_PER_INCH, height_cm / CM_PER_INCH), layout="constrained")


PNG_COMPRESSION = 3  # zlib level: the files are as small as matplotlib's RGBA at its level 6, in 60% of the time


def save(fig, path: Path) -> Path:
    """Save at the drawn size (no cropping: the PNG's width is the printed width at :data:`DPI`).

    The picture is opaque (white paper), so it is written without its alpha channel, at compression level
    :data:`PNG_COMPRESSION`: encoding took a third of the time of drawing the report's figures.
    """
    import io

    from PIL import Image  # matplotlib's own dependency

    plt = pyplot()
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = io.BytesIO()
    fig.savefig(raw, format="rgba", dpi=DPI)
    width, height = int(fig.get_figwidth() * DPI), int(fig.get_figheight() * DPI)
    plt.close(fig)
    if width * height * 4 != raw.getbuffer().nbytes:  # never seen; matplotlib's own file then
        raise RuntimeError(f"unexpected size of the drawn figure {path.name}")
    picture = Image.frombuffer("RGBA", (width, height), raw.getbuffer(), "raw", "RGBA", 0, 1).convert("RGB")
    picture.save(path, format="png", dpi=(DPI, DPI), compress_level=PNG_COMPRESSION)
    return path


def drawn_width_cm(path: Path) -> float:
    """The width a figure file was drawn at (pixels / :data:`DPI`): the width to print it at."""
    from PIL import Image  # matplotlib's own dependency

    with Image.open(path) as image:
        return round(image.size[0] / DPI * CM_PER_INCH, 3)


def characters_per_line(width_cm: float, points: float = TEXT_POINTS) -> int:
    """About how many characters of ``points`` text fit in ``width_cm``.

    >>> characters_per_line(7.2)
    41
    """
    character_cm = EM_PER_CHARACTER * points / 72 * CM_PER_INCH
    return max(8, int(width_cm / character_cm))


def wrap(text: str, width_cm: float, points: float = TEXT_POINTS) -> str:
    """``text`` broken into lines that fit ``width_cm`` (a word longer than a line stays whole)."""
    return "\n".join(textwrap.wrap(text, characters_per_line(width_cm, points), break_long_words=False)) or text


def number_formatter(language: str, decimals: int = 0, absolute: bool = False):
    """A tick formatter writing numbers the report's way (decimal comma and minus sign in French, via apa)."""
    from matplotlib.ticker import FuncFormatter

    from . import apa

    def shown(value: float, _position: int) -> str:
        value = abs(value) if absolute else value
        return apa.number(0.0 if abs(value) < 1e-12 else value, decimals, language)

    return FuncFormatter(shown)


def week_formatter(language: str):
    """A date tick formatter: day and abbreviated month in the report's language (``5 janv.``), via Babel."""
    from babel.dates import format_date
    from matplotlib.dates import num2date
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda value, _position: format_date(num2date(value).date(), "d MMM", locale=language))


def ink_for(rgba) -> str:
    """Black or white text, whichever reads better on a cell of colour ``rgba`` (relative luminance, WCAG 2)."""
    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgba[:3])
    return "black" if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.18 else "white"
