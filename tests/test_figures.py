"""Given small hand-made data, every figure of the report prints its text at 8 pt or more, stays readable for
colour-blind readers, keeps its zero line off the labels, shares one colour scale across heatmap panels, writes
numbers the report language's way, and every picture of the built report carries an alt text."""

from __future__ import annotations

import io
import itertools
import zipfile
from pathlib import Path

import numpy as np
import pytest

from mixedmethods.report import figures
from mixedmethods.report.figure_style import (COUNT_COLOURMAP, DPI, GROUP_COLOURS, MAX_HEIGHT_CM, MIN_POINTS,
                                              drawn_width_cm, likert_colours)

colorspacious = pytest.importorskip("colorspacious")

LEVELS = ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"]
ITEMS = ["The group lets my delegation react to new proposals within hours rather than days.",
         "Short item", "Messages sent late at night put pressure on members to respond. (R)"]
BLOCKS = ["Perceived speed and efficiency", "Perceived speed and efficiency", "Power asymmetry and group dynamics"]
SHARES = [[10, 20, 30, 25, 15], [5, 5, 40, 30, 20], [30, 30, 20, 10, 10]]
WEEKDAYS = ["lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."]

# A colour difference in CAM02-UCS (Luo, Cui & Li, 2006; about 1 = just noticeable) below which two neighbouring
# categories are hard to tell apart as small patches. Our choice, set between the palettes measured here: the old
# Likert palette's Neutral/Agree pair under protanopia (2.5) and the Okabe-Ito colours' closest pair (11.0).
MIN_DIFFERENCE = 10.0
# Machado, G. M., Oliveira, M. M., & Fernandes, L. A. F. (2009). A physiologically-based model for simulation of
# color vision deficiency. IEEE TVCG, 15(6), 1291-1298. https://doi.org/10.1109/TVCG.2009.113 -- colorspacious
# ships the paper's published matrices; severity 100 is the full dichromacy.
VISIONS = {"normal": None, **{name: {"name": "sRGB1+CVD", "cvd_type": kind, "severity": 100}
                              for name, kind in (("protanopia", "protanomaly"), ("deuteranopia", "deuteranomaly"),
                                                 ("tritanopia", "tritanomaly"))}}


def seen(colour, vision) -> np.ndarray:
    from matplotlib.colors import to_rgb

    rgb = np.asarray(to_rgb(colour), dtype=float)
    if vision is None:
        return rgb
    return np.clip(colorspacious.cspace_convert(rgb, vision, "sRGB1"), 0, 1)


def smallest_difference(pairs) -> tuple[float, str, tuple]:
    """The smallest CAM02-UCS difference of the pairs under any of the simulated visions."""
    return min((float(colorspacious.deltaE(seen(a, v), seen(b, v), input_space="sRGB1")), name, (a, b))
               for name, v in VISIONS.items() for a, b in pairs)


def neighbours(colours) -> list[tuple]:
    return list(zip(colours, colours[1:]))


@pytest.fixture
def drawn(monkeypatch):
    """Figures drawn by the functions, kept after saving: {file name: (Figure, path)}."""
    kept = {}
    save = figures._save

    def keep(fig, path):
        kept[path.name] = (fig, save(fig, path))
        return path

    monkeypatch.setattr(figures, "_save", keep)
    return kept


def renderer_of(fig):
    """A renderer for a saved (closed) figure: an Agg canvas drawn again at the same size."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    return canvas.get_renderer()


def texts_of(fig):
    from matplotlib.text import Text

    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()
            and (t.axes is None or t.axes.get_visible())]


def assert_print_ready(fig, path: Path, printed_width_cm: float) -> None:
    """Every text >= 8 pt once the PNG is scaled to the width it is printed at, and nothing cut off."""
    from PIL import Image

    with Image.open(path) as image:
        drawn_cm = image.size[0] / DPI * 2.54
        height_cm = image.size[1] / DPI * 2.54
    scale = printed_width_cm / drawn_cm
    smallest = min(texts_of(fig), key=lambda t: t.get_fontsize())
    assert smallest.get_fontsize() * scale >= MIN_POINTS, (smallest.get_text(), smallest.get_fontsize(), scale)
    assert height_cm * scale <= MAX_HEIGHT_CM + 0.01
    renderer = renderer_of(fig)
    used = fig.get_tightbbox(renderer)  # in inches: every drawn artist, ticks outside the view left out
    width, height = fig.get_size_inches()
    assert used.x0 >= -0.01 and used.y0 >= -0.01 and used.x1 <= width + 0.01 and used.y1 <= height + 0.01, \
        f"something is cut off: {used} outside {width} x {height} in"


# ---- text size at the printed width -----------------------------------------------------------------------------

def test_likert_chart_text_is_at_least_8_pt_when_printed_16_cm_wide(tmp_path, drawn):
    figures.diverging_likert(SHARES, ITEMS, LEVELS, BLOCKS, tmp_path / "likert.png", "Percentage", width_cm=16.0)
    fig, path = drawn["likert.png"]
    assert_print_ready(fig, path, 16.0)
    assert drawn_width_cm(path) == pytest.approx(16.0, abs=0.01)  # drawn at its printed width
    from PIL import Image

    with Image.open(path) as image:  # opaque, at 300 dpi (pHYs: 11811 pixels per metre)
        assert image.mode == "RGB" and image.info["dpi"] == pytest.approx((300, 300), abs=0.01)


def test_likert_chart_grows_with_its_items_and_splits_by_page(tmp_path, drawn):
    many = [f"Item {i}: " + "a long statement about the group chat that needs two lines " * (1 + i % 2)
            for i in range(36)]
    blocks = [f"Scale {i // 6}" for i in range(36)]
    parts = figures.likert_parts(many, blocks, LEVELS, 16.0)
    assert len(parts) > 1 and sorted(itertools.chain(*parts)) == list(range(36))
    assert all(len({blocks[i] for i in part}) * 6 == len(part) for part in parts)  # whole scales on a page
    heights = []
    for number, part in enumerate(parts):
        figures.diverging_likert([SHARES[0]] * len(part), [many[i] for i in part], LEVELS,
                                 [blocks[i] for i in part], tmp_path / f"part{number}.png", "Percentage")
        fig, path = drawn[f"part{number}.png"]
        assert_print_ready(fig, path, 16.0)
        heights.append(fig.get_figheight())
    figures.diverging_likert(SHARES[:1], ITEMS[1:2], LEVELS, BLOCKS[:1], tmp_path / "one.png", "Percentage")
    assert drawn["one.png"][0].get_figheight() < min(heights)  # one item: a short chart, same text size


def test_heatmap_text_is_at_least_8_pt_and_the_figure_as_wide_as_its_themes(tmp_path, drawn):
    labels = ["Speed and efficiency", "Inclusivity and participation", "Recommendations"]
    figures.heatmap([[5, 1, 0], [1, 7, 2], [0, 2, 9]], labels, tmp_path / "small.png", "Paragraphs")
    fig, path = drawn["small.png"]
    assert_print_ready(fig, path, drawn_width_cm(path))
    assert drawn_width_cm(path) < 16.0
    twenty = [f"Theme number {i}" for i in range(20)]
    figures.heatmap(np.eye(20) * 3, twenty, tmp_path / "large.png", "Paragraphs")
    fig, path = drawn["large.png"]
    assert_print_ready(fig, path, drawn_width_cm(path))
    assert drawn_width_cm(path) <= 16.0


@pytest.mark.parametrize("groups", [1, 2, 5, 12])
def test_chat_figures_text_is_at_least_8_pt_for_any_number_of_groups(tmp_path, drawn, groups):
    labels = [f"Delegates group {i}" for i in range(groups)]
    figures.lorenz_curves({g: ([0, 0.5, 1], [0, 0.3, 1]) for g in labels}, tmp_path / "lorenz.png",
                          "Share of members (least active first)", "Share of messages", width_cm=11.0)
    figures.activity_grid({g: np.arange(168).reshape(7, 24) for g in labels}, WEEKDAYS, tmp_path / "grid.png",
                          "Messages per cell", width_cm=16.0)
    figures.weekly_volume({g: (["2026-01-05", "2026-01-12", "2026-01-19"], [3, 5, 2]) for g in labels},
                          tmp_path / "volume.png", "Messages per week", width_cm=16.0)
    for name, width in (("lorenz.png", 11.0), ("grid.png", 16.0), ("volume.png", 16.0)):
        fig, path = drawn[name]
        assert_print_ready(fig, path, width)
        assert drawn_width_cm(path) == pytest.approx(width, abs=0.01)


# ---- colour vision deficiency ----------------------------------------------------------------------------------

def test_a_red_green_palette_fails_the_simulation():
    # matplotlib's tab:red and tab:green: far apart for normal vision, close for a deuteranope.
    difference, vision, _ = smallest_difference([("#D62728", "#2CA02C")])
    assert difference < MIN_DIFFERENCE and vision == "deuteranopia"


def test_the_old_likert_palette_fails_where_the_issue_says():
    import matplotlib

    old = [matplotlib.colormaps["BrBG"](x) for x in np.linspace(0.1, 0.9, 5)]
    old[2] = (0.78, 0.78, 0.78, 1.0)
    difference, vision, pair = smallest_difference(neighbours(old))
    assert difference < MIN_DIFFERENCE and vision == "protanopia" and pair[0] == old[2]  # Neutral next to Agree


@pytest.mark.parametrize("levels", range(2, 12))
def test_likert_levels_stay_apart_under_every_simulated_colour_vision(levels):
    difference, vision, pair = smallest_difference(neighbours(likert_colours(levels)))
    assert difference >= MIN_DIFFERENCE, (vision, pair, difference)


def test_the_drawn_likert_chart_uses_those_colours(tmp_path, drawn):
    figures.diverging_likert(SHARES, ITEMS, LEVELS, BLOCKS, tmp_path / "likert.png", "Percentage")
    legend = drawn["likert.png"][0].legends[0]
    colours = [handle.get_facecolor() for handle in legend.legend_handles]
    difference, vision, pair = smallest_difference(neighbours(colours))
    assert difference >= MIN_DIFFERENCE, (vision, pair, difference)


def test_group_colours_stay_apart_pairwise_under_every_simulated_colour_vision():
    difference, vision, pair = smallest_difference(list(itertools.combinations(GROUP_COLOURS, 2)))
    assert difference >= MIN_DIFFERENCE, (vision, pair, difference)


def test_count_colour_scale_steps_stay_apart_and_darken_under_every_simulated_colour_vision():
    import matplotlib

    steps = [matplotlib.colormaps[COUNT_COLOURMAP](x) for x in np.linspace(0, 1, 6)]
    difference, vision, pair = smallest_difference(neighbours(steps))
    assert difference >= MIN_DIFFERENCE, (vision, pair, difference)
    for name, vision in VISIONS.items():  # lightness J' falls steadily: "darker = more" holds for everyone
        lightness = [colorspacious.cspace_convert(seen(c, vision), "sRGB1", "CAM02-UCS")[0] for c in steps]
        assert all(a > b for a, b in zip(lightness, lightness[1:])), name


# ---- zero line, shared scales, numbers in the report's language --------------------------------------------------

def test_likert_zero_line_crosses_no_heading(tmp_path, drawn):
    figures.diverging_likert(SHARES, ITEMS, LEVELS, BLOCKS, tmp_path / "likert.png", "Percentage")
    fig, _ = drawn["likert.png"]
    ax = fig.axes[0]
    renderer = renderer_of(fig)
    headings = [t for t in ax.texts if t.get_text() in BLOCKS]
    assert len(headings) == 2
    zero_lines = [line for line in ax.get_lines() if set(np.asarray(line.get_xdata(), dtype=float)) == {0.0}]
    zero_lines += [line for line in ax.lines if line.get_transform() != ax.transData]  # an axvline
    assert zero_lines
    for line in zero_lines:
        points = line.get_transform().transform(np.column_stack([line.get_xdata(), line.get_ydata()]))
        low, high = sorted(points[:, 1])
        x = points[0, 0]
        for heading in headings:
            box = heading.get_window_extent(renderer)
            assert not (box.x0 <= x <= box.x1 and low < box.y1 and high > box.y0), heading.get_text()


def test_activity_panels_share_one_scale_and_one_labelled_colour_bar(tmp_path, drawn):
    grids = {"A": np.full((7, 24), 2.0), "B": np.arange(168).reshape(7, 24), "C": np.zeros((7, 24)),
             "D": np.ones((7, 24))}
    figures.activity_grid(grids, WEEKDAYS, tmp_path / "grid.png", "Messages par case", language="fr")
    fig, _ = drawn["grid.png"]
    panels = [ax for ax in fig.axes if ax.get_visible() and ax.images]
    assert len(panels) == 4
    assert {ax.images[0].get_clim() for ax in panels} == {(0.0, 167.0)}
    bars = [image.colorbar for ax in panels for image in ax.images if image.colorbar is not None]
    assert len(bars) == 1 and len(fig.axes) == len(grids) + 1  # one colour bar for all panels, its own axes
    assert bars[0].mappable.get_clim() == (0.0, 167.0)
    assert bars[0].ax.get_ylabel() == "Messages par case"


def test_cooccurrence_heatmap_scale_starts_at_zero_with_a_labelled_colour_bar(tmp_path, drawn):
    figures.heatmap([[5, 1], [1, 7]], ["A", "B"], tmp_path / "heat.png", "Paragraphes", language="fr")
    image = drawn["heat.png"][0].axes[0].images[0]
    assert image.get_clim() == (0.0, 7.0)
    assert image.colorbar.ax.get_ylabel() == "Paragraphes"
    assert [t.get_text() for t in drawn["heat.png"][0].axes[0].texts] == ["5", "1", "1", "7"]


def test_french_figures_write_decimal_commas_and_french_dates(tmp_path, drawn):
    figures.lorenz_curves({"A": ([0, 0.5, 1], [0, 0.2, 1])}, tmp_path / "lorenz.png", "x", "y", language="fr")
    ax = drawn["lorenz.png"][0].axes[0]
    ticks = [t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels()]
    assert "0,2" in ticks and "1,0" in ticks and not any("." in t for t in ticks)
    figures.weekly_volume({"A": (["2026-01-05", "2026-01-12", "2026-01-19"], [3, 5, 2])}, tmp_path / "volume.png",
                          "Messages", language="fr")
    dates = " ".join(t.get_text() for t in drawn["volume.png"][0].axes[0].get_xticklabels())
    assert "janv." in dates and "2026-" not in dates
    figures.diverging_likert(SHARES, ITEMS, LEVELS, BLOCKS, tmp_path / "likert.png", "Pourcentage", language="fr")
    ticks = [t.get_text() for t in drawn["likert.png"][0].axes[0].get_xticklabels()]
    assert "25" in ticks and "\u221225" not in ticks and "-25" not in ticks  # shares either side, no minus


# ---- alt text --------------------------------------------------------------------------------------------------

def test_figure_writes_the_alt_text_into_the_drawing(tmp_path):
    from docx import Document

    from mixedmethods.report.document import ReportDocument

    picture = tmp_path / "one.png"
    from PIL import Image

    Image.new("RGB", (30, 20), "white").save(picture)
    doc = ReportDocument()
    doc.figure(picture, "A *Title*", alt_text="Bars of 3 items; agreement from 12% to 80%.", width_cm=5.0)
    doc.figure(picture, "Untold")
    saved = doc.save(tmp_path / "out.docx")
    described = [(p.get("descr"), p.get("title")) for p in Document(str(saved)).element.body.iter(
        "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr")]
    assert described == [("Bars of 3 items; agreement from 12% to 80%.", "A Title"), ("Untold", "Untold")]


def _pictures(docx_path: Path) -> list[tuple[str, str, float, float]]:
    """(descr, title, printed width in cm, drawn width in cm) of every picture in a .docx."""
    from docx import Document
    from PIL import Image

    document = Document(str(docx_path))
    found = []
    ns = {"wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
          "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
          "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}
    for inline in document.element.body.iter(f"{{{ns['wp']}}}inline"):
        doc_pr = inline.find("wp:docPr", ns)
        blip = next(inline.iter(f"{{{ns['a']}}}blip"))
        blob = document.part.related_parts[blip.get(f"{{{ns['r']}}}embed")].blob
        with Image.open(io.BytesIO(blob)) as image:
            drawn = image.size[0] / DPI * 2.54
        printed = int(inline.find("wp:extent", ns).get("cx")) / 360000
        found.append((doc_pr.get("descr") or "", doc_pr.get("title") or "", printed, drawn))
    return found


def test_every_picture_in_both_built_editions_has_an_alt_text_with_numbers(built_demo):
    english = _pictures(built_demo / "report" / "report.docx")
    french = _pictures(built_demo / "report" / "rapport.docx")
    assert len(english) == len(french) >= 5
    for descr, title, printed, drawn in english + french:
        assert descr.strip() and descr != title and any(c.isdigit() for c in descr), descr
        assert printed == pytest.approx(drawn, rel=0.01)  # printed at the width drawn: font sizes hold
    assert not {d for d, *_ in english} & {d for d, *_ in french}  # the French edition describes in French
    with zipfile.ZipFile(built_demo / "report" / "rapport.docx") as package:
        assert "Heatmap" not in package.read("word/document.xml").decode("utf-8")
