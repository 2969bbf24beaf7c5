"""The convergence figure: constructs (rows) x pairs of sources (columns), one mark per verdict.

Each verdict has its own colour from the Okabe & Ito (2008) colour-blind-safe
palette, its own marker shape and its own letter inside the mark, so that
the figure reads the same in grey print and for readers with a colour-vision
deficiency (colour is never the only code; WCAG 2.1, success criterion
1.4.1). Labels come from the caller (the instruments and the report texts),
never from ids.
"""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Sequence

# verdict -> (Okabe-Ito colour, matplotlib marker); "not available" is a small light mark: nothing to read there.
VERDICT_STYLES = {
    "agreement": ("#009E73", "o"),  # bluish green, circle
    "partial agreement": ("#56B4E9", "s"),  # sky blue, square
    "dissonance": ("#D55E00", "^"),  # vermillion, triangle
    "silence": ("#E69F00", "D"),  # orange, diamond
    "inconclusive": ("#CC79A7", "h"),  # reddish purple, hexagon
    "not available": ("#BBBBBB", "."),  # light grey dot
}


def convergence_figure(verdicts: Sequence[Sequence[str]], construct_labels: Sequence[str],
                       pair_labels: Sequence[str], verdict_labels: dict[str, str], letters: dict[str, str],
                       path: Path) -> Path:
    """Draw the convergence figure and save it as a 300 dpi PNG at ``path``.

    Parameters
    ----------
    verdicts
        One row per construct, one verdict (a key of :data:`VERDICT_STYLES`) per pair of sources.
    construct_labels, pair_labels
        Row and column labels, in the report's language.
    verdict_labels, letters
        The legend's word and the letter drawn in the mark for each verdict, in the report's language.
    """
    from .figure_style import pyplot as _pyplot, save as _save
    from .figures import _fresh

    if _fresh(path, [list(row) for row in verdicts], list(construct_labels), list(pair_labels), verdict_labels,
              letters):
        return path
    plt = _pyplot()
    rows, columns = len(construct_labels), len(pair_labels)
    fig, ax = plt.subplots(figsize=(5.9, 0.55 * max(rows, 1) + 1.6))  # 15 cm: the width it is printed at
    for row, line in enumerate(verdicts):
        for column, verdict in enumerate(line):
            colour, marker = VERDICT_STYLES.get(verdict, VERDICT_STYLES["not available"])
            y = rows - 1 - row
            if verdict == "not available":
                ax.scatter(column, y, s=30, marker=marker, color=colour)
                continue
            ax.scatter(column, y, s=330, marker=marker, color=colour, edgecolors="black", linewidths=0.6)
            # Dark letters on the light colours, white on the dark ones (contrast).
            ink = "white" if verdict in ("dissonance", "agreement") else "black"
            ax.text(column, y - (0.06 if marker == "^" else 0), letters.get(verdict, ""), ha="center",
                    va="center", fontsize=8, fontweight="bold", color=ink)
    ax.set_xticks(range(columns))
    ax.set_xticklabels(["\n".join(textwrap.wrap(label, 16)) for label in pair_labels], fontsize=8)
    ax.xaxis.tick_top()
    ax.set_yticks(range(rows))
    ax.set_yticklabels(["\n".join(textwrap.wrap(label, 30)) for label in reversed(list(construct_labels))],
                       fontsize=8)
    ax.set_xlim(-0.6, columns - 0.4)
    ax.set_ylim(-0.6, rows - 0.4)
    ax.tick_params(length=0)
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_visible(False)
    ax.grid(color="#DDDDDD", linewidth=0.5)
    ax.set_axisbelow(True)
    shown = [v for v in VERDICT_STYLES if any(v in line for line in verdicts)]
    handles = [plt.Line2D([], [], linestyle="", marker=VERDICT_STYLES[v][1], markersize=9 if v != "not available"
                          else 5, markerfacecolor=VERDICT_STYLES[v][0], markeredgecolor="black"
                          if v != "not available" else VERDICT_STYLES[v][0], markeredgewidth=0.6) for v in shown]
    names = [f"{letters.get(v, '')} {verdict_labels.get(v, v)}".strip() for v in shown]
    # A legend on the axes (below them), so that the tight layout of figures._save keeps room for it.
    ax.legend(handles, names, loc="upper center", ncol=min(3, max(len(shown), 1)), frameon=False, fontsize=8,
              bbox_to_anchor=(0.5, -0.02))
    return _save(fig, path)


def alt_text(verdicts: Sequence[Sequence[str]], construct_labels: Sequence[str], pair_labels: Sequence[str],
             verdict_labels: dict[str, str], template: str, row_template: str, separator: str = "; ") -> str:
    """A text equivalent of the figure: ``template`` filled with the number of pairs (``{pairs}``), how many
    have each verdict (``{counts}``) and one ``row_template`` per construct (``{rows}``).

    ``row_template`` has ``{construct}`` and ``{verdicts}`` (each pair's label and verdict).

    >>> alt_text([["agreement", "dissonance"], ["agreement", "silence"]], ["A", "B"], ["x", "y"], {},
    ...          "{pairs} pairs: {counts}. {rows}.", "{construct}: {verdicts}")
    '4 pairs: 2 agreement, 1 dissonance, 1 silence. A: x agreement, y dissonance; B: x agreement, y silence.'
    """
    from collections import Counter

    rows = []
    for label, line in zip(construct_labels, verdicts):
        parts = ", ".join(f"{pair} {verdict_labels.get(v, v)}" for pair, v in zip(pair_labels, line))
        rows.append(row_template.format(construct=label, verdicts=parts))
    counted = Counter(v for line in verdicts for v in line)
    order = [v for v in VERDICT_STYLES if v in counted] + sorted(v for v in counted if v not in VERDICT_STYLES)
    counts = ", ".join(f"{counted[v]} {verdict_labels.get(v, v)}" for v in order)
    return template.format(rows=separator.join(rows), pairs=sum(counted.values()), counts=counts)
