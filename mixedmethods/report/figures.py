"""Figures of the report (matplotlib, 300 dpi PNG). Each function takes plotted data and returns a file.

Every figure is drawn at the width it is printed at (``width_cm``, the same
number the chapter gives :meth:`.document.ReportDocument.figure`), so its text
keeps the sizes set in :mod:`.figure_style` (8.5 pt and up) on paper; a figure
grows with its content (more items, more groups) instead of shrinking its text.

Diverging stacked bars for Likert items follow Heiberger & Robbins (2014),
"Design of diverging stacked bar charts for Likert scales and other
applications", *Journal of Statistical Software*, 57(5): disagreement to the
left of zero, agreement to the right, the neutral answer split across zero.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Sequence

from .figure_style import (COUNT_COLOURMAP, DPI, GROUP_COLOURS, MAX_HEIGHT_CM, TEXT_POINTS, TITLE_POINTS,
                           characters_per_line, figure, group_style, ink_for, likert_colours, number_formatter,
                           save, week_formatter, wrap)

__all__ = ["DPI", "GROUP_COLOURS", "group_style", "likert_colours", "diverging_likert", "likert_parts", "heatmap",
           "lorenz_curves", "activity_grid", "weekly_volume"]

_RENDERED: dict[str, str] = {}  # path -> fingerprint of the data last drawn there by this process
LINE_CM = TEXT_POINTS * 1.25 / 72 * 2.54  # one line of figure text with its leading
LIKERT_LABEL_SHARE = 0.5  # of the width, for the item labels left of the bars (fewer three-line labels)


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
    """True when ``path`` already holds this very figure, drawn earlier in this process (a whole report written
    without its chapters' bodies renders them again: :func:`.writing.write_whole_report`)."""
    key = _fingerprint(*data)
    if _RENDERED.get(str(path)) == key and path.is_file():
        return True
    _RENDERED[str(path)] = key
    return False


def _likert_rows(item_labels: Sequence[str], group_labels: Sequence[str], width_cm: float):
    """Wrapped item labels, each item's y (in text lines from the top), the block headings and the blocks'
    item spans, and the total height in lines. A two-line label gets a taller row than a one-line label."""
    wrapped = [wrap(t, width_cm * LIKERT_LABEL_SHARE) for t in item_labels]
    positions, headings, spans, cursor, previous = [], [], [], 0.0, None
    for index, (label, block) in enumerate(zip(wrapped, group_labels)):
        if block != previous or index == 0:
            heading = wrap(block, width_cm * (1 - LIKERT_LABEL_SHARE), TITLE_POINTS)
            lines = heading.count("\n") + 1
            headings.append((cursor + 0.5 + 0.65 * lines, heading))  # its centre; a 9.5 pt line is 1.3 lines of 8.5 pt
            cursor += 0.5 + 1.3 * lines
            spans.append([cursor, cursor])
            previous = block
        row = max(1.5, label.count("\n") + 1.45)  # the bar (1.1 lines high) and a gap
        positions.append(cursor + row / 2)
        cursor += row
        spans[-1][1] = cursor
    return wrapped, positions, headings, spans, cursor


def _legend_layout(level_labels: Sequence[str], width_cm: float) -> tuple[int, list[str]]:
    """Columns of the answer legend (all in one row when the wrapped labels fit) and the wrapped labels."""
    levels = max(1, len(level_labels))
    for columns in sorted({levels, math.ceil(levels / 2), math.ceil(levels / 3), 1}, reverse=True):
        room = width_cm / columns - 1.0  # the colour key and the gap take about 1 cm
        if room >= 1.8 or columns == 1:  # about ten characters a line
            return columns, [wrap(t, room) for t in level_labels]
    return 1, list(level_labels)


def likert_height_cm(item_labels: Sequence[str], group_labels: Sequence[str], level_labels: Sequence[str],
                     width_cm: float = 16.0) -> float:
    """The height the Likert chart of these items needs at ``width_cm`` (bars, axis, legend)."""
    *_, lines = _likert_rows(item_labels, group_labels, width_cm)
    columns, legend = _legend_layout(level_labels, width_cm)
    legend_lines = sum(max((t.count("\n") + 1 for t in legend[i:i + columns]), default=1)
                       for i in range(0, len(legend), columns))
    return (lines + 0.6) * LINE_CM + (3.0 + legend_lines * 1.2) * LINE_CM + 0.8


def likert_parts(item_labels: Sequence[str], group_labels: Sequence[str], level_labels: Sequence[str],
                 width_cm: float = 16.0, max_height_cm: float = MAX_HEIGHT_CM) -> list[list[int]]:
    """The items split into charts that each fit a page: whole blocks (scales) where they fit, in order.

    Returns lists of item positions; one list when everything fits on one page.
    """
    parts: list[list[int]] = [[]]
    blocks: list[list[int]] = []
    for index, block in enumerate(group_labels):
        if not blocks or group_labels[blocks[-1][-1]] != block:
            blocks.append([])
        blocks[-1].append(index)

    def fits(indices: list[int]) -> bool:
        return likert_height_cm([item_labels[i] for i in indices], [group_labels[i] for i in indices],
                                level_labels, width_cm) <= max_height_cm

    for block in blocks:
        if fits(parts[-1] + block):
            parts[-1] += block
            continue
        if parts[-1]:
            parts.append([])
        for index in block:  # a block too long for a page is cut between items
            if parts[-1] and not fits(parts[-1] + [index]):
                parts.append([])
            parts[-1].append(index)
    return [part for part in parts if part]


def diverging_likert(shares: Sequence[Sequence[float]], item_labels: Sequence[str], level_labels: Sequence[str],
                     group_labels: Sequence[str], path: Path, axis_label: str, language: str = "en",
                     width_cm: float = 16.0) -> Path:
    """Diverging stacked bar chart, drawn at ``width_cm`` and as tall as its items need.

    Parameters
    ----------
    shares
        One row per item: the % of respondents at each answer level, lowest level first.
    item_labels
        Text shown left of each bar (wrapped to the label column).
    level_labels
        Legend text for each answer level.
    group_labels
        A heading per block of items (e.g. the scale), one per item; consecutive
        equal headings form one block. The zero line stops at each heading.
    language
        The report's language, for the tick labels' numbers.
    """
    if _fresh(path, shares, item_labels, level_labels, group_labels, axis_label, language, width_cm):
        return path
    import numpy as np

    data = np.asarray(shares, dtype=float).reshape(len(item_labels), -1)
    items, levels = data.shape
    middle = levels // 2
    left = data[:, :middle].sum(axis=1) + (data[:, middle] / 2 if levels % 2 else 0)
    colours = likert_colours(levels)
    wrapped, positions, headings, spans, lines = _likert_rows(item_labels, group_labels, width_cm)
    fig = figure(width_cm, likert_height_cm(item_labels, group_labels, level_labels, width_cm))
    ax = fig.add_subplot()
    y = np.asarray(positions)
    start = -left
    for level in range(levels):
        ax.barh(y, data[:, level], left=start, color=colours[level], edgecolor="white", linewidth=0.4,
                height=1.1, label=level_labels[level])
        start = start + data[:, level]
    for top, bottom in spans:  # the zero line runs along each block's bars only, never through a heading
        ax.plot([0, 0], [top, bottom], color="black", linewidth=0.6, solid_capstyle="butt")
    ax.set_yticks(y, wrapped)
    limit = (max(100 - left.min(), left.max()) if items else 100) + 5
    ax.set_xlim(-limit, limit)
    ax.set_ylim(lines + 0.3, 0)
    ax.set_xticks([t for t in range(-100, 101, 25) if abs(t) <= limit])
    ax.xaxis.set_major_formatter(number_formatter(language, 0, absolute=True))
    ax.set_xlabel(axis_label)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.tick_params(axis="y", length=0)
    for position, label in headings:
        ax.text(0, position, label, fontsize=TITLE_POINTS, fontweight="bold", va="center", ha="center")
    columns, legend = _legend_layout(level_labels, width_cm)
    handles, _ = ax.get_legend_handles_labels()
    fig.legend(handles, legend, ncol=columns, loc="outside lower center", frameon=False, handlelength=1.2,
               columnspacing=1.0)
    return _save(fig, path)


def heatmap(matrix: Sequence[Sequence[float]], labels: Sequence[str], path: Path, colorbar_label: str,
            language: str = "en", width_cm: float = 16.0) -> Path:
    """A square heatmap with the count in each cell (e.g. co-occurrence of themes) and a labelled colour bar.

    The scale starts at 0; counts are written in the cells while a cell is wide enough for them at 8.5 pt.
    """
    if _fresh(path, matrix, labels, colorbar_label, language, width_cm):
        return path
    import numpy as np
    from matplotlib.ticker import MaxNLocator

    data = np.asarray(matrix, dtype=float).reshape(len(labels), len(labels))
    size = max(1, len(labels))
    label_cm = 3.6
    cell_cm = min(1.5, (width_cm - label_cm - 2.6) / size)
    wrapped = [wrap(label, label_cm) for label in labels]
    longest = max((len(line) for label in wrapped for line in label.split("\n")), default=1)
    character_cm = 1 / characters_per_line(1.0)
    below_cm = longest * character_cm + 0.8  # x labels stand upright: a wrapped label's lines side by side fit a cell
    # As wide as the labels, the cells and the colour bar need, never wider than the page allows.
    width_cm = min(width_cm, label_cm + size * cell_cm + 3.2)
    fig = figure(width_cm, size * cell_cm + below_cm + 0.8)
    ax = fig.add_subplot()
    highest = float(data.max()) if data.size and data.max() > 0 else 1.0
    image = ax.imshow(data, cmap=COUNT_COLOURMAP, vmin=0, vmax=highest)
    ax.set_xticks(range(len(labels)), wrapped, rotation=90, ha="center", va="top")
    ax.set_yticks(range(len(labels)), wrapped)
    digits = len(f"{int(highest)}")
    if cell_cm >= 0.25 + 0.2 * digits:
        for row in range(len(labels)):
            for col in range(len(labels)):
                ax.text(col, row, number_formatter(language)(data[row, col], 0), ha="center", va="center",
                        color=ink_for(image.cmap(image.norm(data[row, col]))))
    bar = fig.colorbar(image, ax=ax, shrink=0.8)
    bar.set_label(colorbar_label)
    bar.ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    bar.ax.yaxis.set_major_formatter(number_formatter(language))
    return _save(fig, path)


def lorenz_curves(curves: dict[str, tuple[Sequence[float], Sequence[float]]], path: Path, x_label: str,
                  y_label: str, language: str = "en", width_cm: float = 11.0) -> Path:
    """Lorenz curves, one per label, with the line of equality."""
    if _fresh(path, {k: (list(x), list(y)) for k, (x, y) in curves.items()}, x_label, y_label, language,
              width_cm):
        return path
    fig = figure(width_cm, width_cm * 0.92 + 0.45 * max(0, len(curves) - 6))
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, 1], color="grey", linewidth=0.8, linestyle="--")
    for index, (label, (x, y)) in enumerate(curves.items()):
        ax.plot(x, y, linewidth=1.6, label=label, markevery=max(1, len(x) // 8), markersize=3.5,
                **group_style(index))
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    for axis in (ax.xaxis, ax.yaxis):
        axis.set_major_formatter(number_formatter(language, 1))
    ax.set_xlabel(x_label)
    ax.set_ylabel(y_label)
    ax.legend(frameon=False, loc="upper left", ncol=1 if len(curves) <= 6 else 2)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return _save(fig, path)


def activity_grid(grids: dict[str, Sequence[Sequence[float]]], weekdays: Sequence[str], path: Path,
                  colorbar_label: str = "", language: str = "en", width_cm: float = 16.0) -> Path:
    """One weekday x hour heatmap panel per label (rows Monday first, columns 0-23 h), on one colour scale
    (0 to the busiest cell of any panel) shown by one labelled colour bar."""
    if _fresh(path, {k: [list(r) for r in v] for k, v in grids.items()}, weekdays, colorbar_label, language,
              width_cm):
        return path
    import numpy as np

    # One column up to three groups, two up to eight, then three, so that twenty-four groups still fit a page.
    columns = 1 if len(grids) <= 3 else 2 if len(grids) <= 8 else 3
    rows = max(1, -(-len(grids) // columns))
    row_cm = 0.42 if columns == 1 else 0.33  # a weekday row: 8.5 pt text needs 0.3 cm
    panel_cm = (width_cm - 2.5) / columns
    titles = [wrap(label, panel_cm, TITLE_POINTS) for label in grids]
    title_lines = max((t.count("\n") + 1 for t in titles), default=1)
    fig = figure(width_cm, rows * (7 * row_cm + 0.7 + 0.45 * title_lines) + 0.9)
    # Shared axes: weekdays on the left column and hours on the bottom row only, so more panels fit a page.
    axes = fig.subplots(rows, columns, squeeze=False, sharex=True, sharey=True)
    highest = max((float(np.max(grid)) for grid in grids.values() if np.size(grid)), default=1.0) or 1.0
    for index, ax in enumerate(axes.ravel()):
        if index >= len(grids):
            ax.set_visible(False)
        if index + columns >= len(grids):  # nothing drawn below this panel: it shows the hours
            ax.xaxis.set_tick_params(labelbottom=True)
    image = None
    step = {1: 2, 2: 4, 3: 6}[columns]
    for ax, title, grid in zip(axes.ravel(), titles, grids.values()):
        data = np.asarray(grid, dtype=float)
        image = ax.imshow(data, cmap=COUNT_COLOURMAP, aspect="auto", vmin=0, vmax=highest)
        ax.set_title(title, loc="left")
        ax.set_yticks(range(7), weekdays)
        ax.set_xticks(range(0, 24, step), [f"{h:02d}" for h in range(0, 24, step)])
    if image is not None:
        from matplotlib.ticker import MaxNLocator

        bar = fig.colorbar(image, ax=[ax for ax in axes.ravel() if ax.get_visible()], shrink=0.9,
                           aspect=12 + 8 * rows)
        bar.set_label(colorbar_label)
        bar.ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        bar.ax.yaxis.set_major_formatter(number_formatter(language))
    return _save(fig, path)


def weekly_volume(series: dict[str, tuple[Sequence[object], Sequence[float]]], path: Path, y_label: str,
                  language: str = "en", width_cm: float = 16.0) -> Path:
    """Messages per week, one line per label; dates written in the report's language."""
    if _fresh(path, {k: ([str(w) for w in weeks], list(values)) for k, (weeks, values) in series.items()}, y_label,
              language, width_cm):
        return path
    import pandas as pd
    from matplotlib.dates import AutoDateLocator
    from matplotlib.ticker import MaxNLocator

    fig = figure(width_cm, 7.0 + 0.45 * max(0, math.ceil(len(series) / 3) - 1))
    ax = fig.add_subplot()
    for index, (label, (weeks, values)) in enumerate(series.items()):
        weeks = list(pd.to_datetime(list(weeks)))
        ax.plot(weeks, list(values), linewidth=1.4, label=label, markevery=max(1, len(weeks) // 10), markersize=3,
                **group_style(index))
    ax.set_ylabel(y_label)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # counts: no 3.5 messages
    ax.yaxis.set_major_formatter(number_formatter(language))
    if any(len(list(weeks)) for weeks, _ in series.values()):
        ax.xaxis.set_major_locator(AutoDateLocator(maxticks=8))
        ax.xaxis.set_major_formatter(week_formatter(language))
    ax.legend(frameon=False, ncol=1 if len(series) <= 4 else 3)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return _save(fig, path)


def _save(fig, path: Path) -> Path:
    return save(fig, path)
