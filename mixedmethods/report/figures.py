"""Figures of the report (matplotlib, 300 dpi PNG). Each function takes plotted data and returns a file.

Diverging stacked bars for Likert items follow Heiberger & Robbins (2014),
"Design of diverging stacked bar charts for Likert scales and other
applications", *Journal of Statistical Software*, 57(5): disagreement to the
left of zero, agreement to the right, the neutral answer split across zero.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Sequence

DPI = 300
# Okabe & Ito (2008) colour-blind-safe palette, all eight colours (reference lines are grey). With more groups
# than colours, line style and marker change too, so every one of up to lcm(8, 4, 6) = 24 groups keeps its own
# look, and no group is ever dropped.
GROUP_COLOURS = ("#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7", "#F0E442", "#000000")
GROUP_LINE_STYLES = ("-", "--", "-.", ":")
GROUP_MARKERS = ("o", "s", "^", "D", "v", "P")
_RENDERED: dict[str, str] = {}  # path -> fingerprint of the data last drawn there by this process


def _fingerprint(*parts: object) -> str:
    """A hash of the plotted data and labels (numpy arrays by their bytes)."""
    import hashlib

    import numpy as np

    digest = hashlib.sha256()
    for part in parts:
        if isinstance(part, dict):
            part = sorted((str(k), v) for k, v in part.items())
        array = np.asarray(part, dtype=object) if not isinstance(part, np.ndarray) else part
        digest.update(repr(array.tolist()).encode("utf-8"))
    return digest.hexdigest()


def _fresh(path: Path, *data: object) -> bool:
    """True when ``path`` already holds this very figure, drawn earlier in this process (the whole report
    draws the chapters' figures again)."""
    key = _fingerprint(*data)
    if _RENDERED.get(str(path)) == key and path.is_file():
        return True
    _RENDERED[str(path)] = key
    return False


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


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")  # no screen needed
    import matplotlib.pyplot as plt

    plt.rcParams.update({"font.family": "DejaVu Sans", "font.size": 8, "svg.hashsalt": "mixedmethods",
                         "pdf.fonttype": 42})
    return plt


def diverging_likert(shares: Sequence[Sequence[float]], item_labels: Sequence[str], level_labels: Sequence[str],
                     group_labels: Sequence[str], path: Path, axis_label: str) -> Path:
    """Diverging stacked bar chart.

    Parameters
    ----------
    shares
        One row per item: the % of respondents at each answer level, lowest level first.
    item_labels
        Text shown left of each bar (wrapped).
    level_labels
        Legend text for each answer level.
    group_labels
        A heading per block of items (e.g. the scale), one per item; consecutive
        equal headings form one block.
    """
    if _fresh(path, shares, item_labels, level_labels, group_labels, axis_label):
        return path
    plt = _pyplot()
    import numpy as np

    data = np.asarray(shares, dtype=float)
    items, levels = data.shape
    middle = levels // 2
    left = data[:, :middle].sum(axis=1) + (data[:, middle] / 2 if levels % 2 else 0)
    colours = plt.get_cmap("BrBG")(np.linspace(0.1, 0.9, levels))
    if levels % 2:
        colours[middle] = (0.78, 0.78, 0.78, 1.0)  # neutral in grey, not white
    # Positions from the top, with a blank line for each block heading.
    positions, headings, cursor, previous = [], [], 0.0, None
    for label in group_labels:
        if label != previous:
            headings.append((cursor, label))
            cursor += 1.0
            previous = label
        positions.append(cursor)
        cursor += 1.0
    y = -np.asarray(positions)
    height = 0.26 * cursor + 1.4
    fig, ax = plt.subplots(figsize=(6.3, height))
    start = -left
    for level in range(levels):
        ax.barh(y, data[:, level], left=start, color=colours[level], edgecolor="white", linewidth=0.4,
                height=0.75, label=level_labels[level])
        start = start + data[:, level]
    ax.axvline(0, color="black", linewidth=0.6)
    ax.set_yticks(y)
    ax.set_yticklabels(["\n".join(textwrap.wrap(t, 52)) for t in item_labels], fontsize=6)
    limit = max(100 - left.min(), left.max()) + 5
    ax.set_xlim(-limit, limit)
    ax.set_ylim(y.min() - 0.7, 0.7)
    ticks = [t for t in range(-100, 101, 25) if abs(t) <= limit]
    ax.set_xticks(ticks)
    ax.set_xticklabels([f"{abs(t)}" for t in ticks])
    ax.set_xlabel(axis_label)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.tick_params(axis="y", length=0)
    for position, label in headings:
        ax.text(0, -position, label, fontsize=7, fontweight="bold", va="center", ha="center")
    fig.legend(*ax.get_legend_handles_labels(), ncol=levels, loc="lower center", frameon=False, fontsize=6,
               handlelength=1.2, columnspacing=0.8, bbox_to_anchor=(0.5, 0.0))
    fig.subplots_adjust(bottom=0.9 / height)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=DPI, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    return path


def heatmap(matrix: Sequence[Sequence[float]], labels: Sequence[str], path: Path, colorbar_label: str) -> Path:
    """A square heatmap with the count in each cell (e.g. co-occurrence of themes)."""
    if _fresh(path, matrix, labels, colorbar_label):
        return path
    plt = _pyplot()
    import numpy as np

    data = np.asarray(matrix, dtype=float)
    size = len(labels)
    fig, ax = plt.subplots(figsize=(6.3, 5.2))
    image = ax.imshow(data, cmap="Blues")
    wrapped = ["\n".join(textwrap.wrap(label, 18)) for label in labels]
    ax.set_xticks(range(size))
    ax.set_xticklabels(wrapped, rotation=45, ha="right", fontsize=7)
    ax.set_yticks(range(size))
    ax.set_yticklabels(wrapped, fontsize=7)
    threshold = data.max() / 2 if data.size else 0
    for row in range(size):
        for col in range(size):
            ax.text(col, row, f"{int(data[row, col])}", ha="center", va="center", fontsize=7,
                    color="white" if data[row, col] > threshold else "black")
    bar = fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
    bar.set_label(colorbar_label, fontsize=7)
    bar.ax.tick_params(labelsize=7)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=DPI, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    return path


def lorenz_curves(curves: dict[str, tuple[Sequence[float], Sequence[float]]], path: Path, x_label: str,
                  y_label: str) -> Path:
    """Lorenz curves, one per label, with the line of equality."""
    if _fresh(path, {k: (list(x), list(y)) for k, (x, y) in curves.items()}, x_label, y_label):
        return path
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(4.6, 4.2))
    ax.plot([0, 1], [0, 1], color="grey", linewidth=0.8, linestyle="--")
    for index, (label, (x, y)) in enumerate(curves.items()):
        ax.plot(x, y, linewidth=1.6, label=label, markevery=max(1, len(x) // 8), markersize=3.5,
                **group_style(index))
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel(x_label)
    ax.set_ylabel(y_label)
    ax.legend(frameon=False, fontsize=7, loc="upper left", ncol=1 if len(curves) <= 6 else 2)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return _save(fig, path)


def activity_grid(grids: dict[str, Sequence[Sequence[float]]], weekdays: Sequence[str], path: Path) -> Path:
    """One weekday x hour heatmap panel per label (rows Monday first, columns 0-23 h)."""
    if _fresh(path, {k: [list(r) for r in v] for k, v in grids.items()}, weekdays):
        return path
    plt = _pyplot()
    import numpy as np

    # One column up to three groups; beyond, two columns, so twelve groups still fit a page.
    columns = 1 if len(grids) <= 3 else 2
    rows = -(-len(grids) // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(6.3, (1.7 if columns == 1 else 1.25) * rows + 0.4),
                             squeeze=False)
    # One colour scale for every panel, so the groups' shades compare.
    highest = max((float(np.max(grid)) for grid in grids.values() if np.size(grid)), default=1.0) or 1.0
    for ax in axes.ravel()[len(grids):]:
        ax.set_visible(False)
    for ax, (label, grid) in zip(axes.ravel(), grids.items()):
        data = np.asarray(grid, dtype=float)
        ax.imshow(data, cmap="Blues", aspect="auto", vmin=0, vmax=highest)
        ax.set_title(label, fontsize=8, loc="left")
        ax.set_yticks(range(7))
        ax.set_yticklabels(weekdays, fontsize=6.5)
        ax.set_xticks(range(0, 24, 2))
        ax.set_xticklabels([f"{h:02d}" for h in range(0, 24, 2)], fontsize=6.5)
    fig.tight_layout()
    return _save(fig, path)


def weekly_volume(series: dict[str, tuple[Sequence[object], Sequence[float]]], path: Path, y_label: str) -> Path:
    """Messages per week, one line per label."""
    if _fresh(path, {k: ([str(w) for w in weeks], list(values)) for k, (weeks, values) in series.items()}, y_label):
        return path
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6.3, 2.8))
    for index, (label, (weeks, values)) in enumerate(series.items()):
        weeks = list(weeks)
        ax.plot(weeks, list(values), linewidth=1.4, label=label, markevery=max(1, len(weeks) // 10), markersize=3,
                **group_style(index))
    ax.set_ylabel(y_label)
    ax.legend(frameon=False, fontsize=7, ncol=1 if len(series) <= 4 else 3)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.autofmt_xdate()
    return _save(fig, path)


def _save(fig, path: Path) -> Path:
    plt = _pyplot()
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=DPI, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    return path
