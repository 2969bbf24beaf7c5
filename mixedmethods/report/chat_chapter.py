"""The chat chapter: method, participation table, Lorenz curves, activity and volume, languages."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from . import apa
from .chapter import Chapter, missing
from .document import ReportDocument, TableSpec
from .figures import activity_grid, lorenz_curves, weekly_volume
from .texts import Texts

if TYPE_CHECKING:
    from ..chats.analysis import ChatResults
    from ..study import Study

COUNT_ROWS = ("members", "active_members", "messages", "words", "sessions")
SHARE_ROWS = ("top10_share", "media_share", "night_share", "weekend_share")
FIGURE_WIDTH_CM = 16.0  # activity and volume figures are drawn at the width they are printed at


class ChatChapter(Chapter):
    section = "chats"

    def __init__(self, doc: ReportDocument, results: "ChatResults", study: "Study", texts: Texts,
                 figures_dir: Path) -> None:
        super().__init__(doc, study, texts, figures_dir, results.min_cell_size)
        self.results = results
        self.table = results.tables["participation"].set_index("group")
        self.chat_groups = list(self.table.index)
        self.withheld = list(results.statistics.get("withheld_groups", []))
        self.shown = [g for g in self.chat_groups if g not in self.withheld]  # chats with at least k members

    def label(self, group: str) -> str:
        return self.study.group_label(group, self.lang)

    def write(self) -> None:
        self.doc.heading(self.text("title"), 1)
        self.method()
        self.participation()
        self.inequality()
        self.activity()
        self.languages()

    def method(self) -> None:
        self.doc.heading(self.text("method_heading"), 2)
        formats = "; ".join(f"{self.label(g)}: {self.format_words(self.table.loc[g, 'format'])}"
                            for g in self.chat_groups)
        self.doc.paragraph(self.text("method_material", groups_phrase=self.groups_phrase(len(self.chat_groups)),
                                     formats=formats,
                                     unlisted=self.unlisted_phrase(self.results.statistics.get("unlisted_authors"))))
        self.doc.paragraph(self.text("method_sessions", gap=self.results.session_gap_minutes))
        several = self.results.statistics.get("members_of_several_chats")
        self.doc.paragraph(self.text("method_inequality") + self.several_chats_sentence(several))
        self.doc.paragraph(self.text("method_relative"))
        self.doc.paragraph(self.text("method_language"))

    def format_words(self, formats: str) -> str:
        """A chat's export format in words ("android, dmy, 24h" -> "Android export, day-month-year dates, ...").

        Each file's format (files joined by "; ") is looked up whole, then part by part, in ``chats.format_words``;
        a part the texts do not name is shown as it is; files of different formats are separated by " / ".
        """
        words = self.t.raw("chats.format_words")
        return " / ".join(dict.fromkeys(
            words.get(one, ", ".join(words.get(part, part) for part in one.split(", ")))
            for one in str(formats).split("; ")))

    def several_chats_sentence(self, n: int | None) -> str:
        """" N people were members of more than one chat ...", or nothing when nobody was (None: fewer than k)."""
        if n == 0 or (n is None and len(self.chat_groups) < 2):
            return ""
        return " " + (self.text("several_chats_one") if n == 1 else
                      self.text("several_chats", n=self.count_in_text(n)))

    def unlisted_phrase(self, n: int | None) -> str:
        """How many authors were not on the participants list, in words that fit 0, 1 and more (or fewer than k)."""
        if n is None:  # suppressed by the analysis (under k, or it would give a hidden group's count back)
            return self.text("unlisted_some", n=self.count_in_text(None))
        return self.text("unlisted_none") if n == 0 else self.text("unlisted_one") if n == 1 else \
            self.text("unlisted_some", n=n)

    def _gini_ci(self, group: str) -> str:
        low, high = self.table.loc[group, "gini_CI95_low"], self.table.loc[group, "gini_CI95_high"]
        return "\u2014" if missing(low) else apa.interval(low, high, 2, self.lang, is_bounded=True)

    def participation(self) -> None:
        lang = self.lang
        self.doc.heading(self.text("participation_heading"), 2)
        summary = ""
        ordered = self.table.dropna(subset=["gini"]).sort_values("gini", ascending=False)
        if len(ordered) >= 2:
            more, less = ordered.index[0], ordered.index[-1]
            key = "participation_summary" if len(ordered) == 2 else "participation_summary_many"
            summary = self.text(key, n_groups=len(ordered), more=self.group_label(more), less=self.group_label(less),
                                g_more=apa.bounded(ordered.loc[more, "gini"], 2, lang), ci_more=self._gini_ci(more),
                                g_less=apa.bounded(ordered.loc[less, "gini"], 2, lang), ci_less=self._gini_ci(less),
                                top_more=apa.percent(100 * ordered.loc[more, "top10_share"], lang))
        self.doc.paragraph(self.text("participation_text" if len(self.chat_groups) > 1 else "participation_text_one",
                                     table=self.doc.tables + 1, summary=summary))
        if self.withheld:
            self.doc.paragraph(self.text("withheld", k=self.k,
                                         groups=self.join([self.group_label(g) for g in self.withheld])))
        rows = []
        for key in ("members", "active_members", "messages", "words", "median_messages_per_member", "gini",
                    "gini_ci", "top10_share", "media_share", "night_share", "weekend_share", "sessions",
                    "median_session_messages", "median_latency_min"):
            cells = [self.t.get(f"chats.rows.{key}")]
            for group in self.chat_groups:
                if key == "gini_ci":
                    cells.append(self._gini_ci(group))
                    continue
                if group in self.withheld and key != "members":
                    cells.append("\u2014")  # withheld: fewer than k members
                    continue
                value = self.table.loc[group, key]
                if key == "active_members" and missing(value):  # hidden so that the silent members stay hidden
                    cells.append(self.cell(value, protected=True))
                elif key in COUNT_ROWS:
                    cells.append(self.count(value if value == 0 or value >= self.k else None))
                elif key in SHARE_ROWS:
                    cells.append(apa.percent(100 * value, lang))
                elif key == "gini":
                    cells.append(apa.bounded(value, 2, lang))
                else:
                    cells.append(apa.number(value, 1, lang))
            rows.append(cells)
        header = [self.col("measure"), *[self.label(g) for g in self.chat_groups]]
        self.doc.table(TableSpec(self.text("participation_table_title"), header, rows,
                                 self.text("participation_table_note", k=self.k, k_minus=self.k - 1)),
                       self.t.get("report.table"))

    def inequality(self) -> None:
        if not self.shown:
            return  # no chat with k members: no curve may be drawn
        self.doc.heading(self.text("lorenz_heading"), 2)
        self.doc.paragraph(self.text("lorenz_text", figure=self.doc.figures + 1))
        curves = {self.label(g): self.results.lorenz[g] for g in self.shown}
        width = 11.0  # drawn at the printed width, so its 8.5 pt text stays 8.5 pt on paper
        path = lorenz_curves(curves, self.figures_dir / f"chats-lorenz.{self.lang}.png", self.text("lorenz_x"),
                             self.text("lorenz_y"), language=self.lang, width_cm=width)
        ginis = self.text("alt_separator").join(
            self.text("alt_group_value", group=self.label(g), value=apa.bounded(self.table.loc[g, "gini"], 2, self.lang))
            for g in self.shown)
        self.doc.figure(path, self.text("lorenz_figure_title"), self.text("lorenz_figure_note"), width_cm=width,
                        label=self.t.get("report.figure"), alt_text=self.text("lorenz_alt", ginis=ginis))

    def activity(self) -> None:
        import numpy as np

        if not self.shown:
            return
        self.doc.heading(self.text("activity_heading"), 2)
        first = apa.date(min(self.table["first"])[:10], self.lang)
        last = apa.date(max(self.table["last"])[:10], self.lang)
        self.doc.paragraph(self.text("activity_text", figure=self.doc.figures + 1, figure2=self.doc.figures + 2,
                                     first=first, last=last))
        activity = self.results.tables["activity"]
        grids = {}
        for group in self.shown:
            grid = np.zeros((7, 24))
            own = activity[activity["group"] == group]
            grid[own["weekday"].to_numpy(), own["hour"].to_numpy()] = own["messages"].to_numpy()
            grids[self.label(group)] = grid
        weekdays = self.t.raw("chats.weekdays")
        path = activity_grid(grids, weekdays, self.figures_dir / f"chats-activity.{self.lang}.png",
                             self.text("activity_colorbar"), language=self.lang, width_cm=FIGURE_WIDTH_CM)
        peaks = []
        for label, grid in grids.items():  # each group's busiest weekday and hour, for the alt text
            day, hour = np.unravel_index(int(np.argmax(grid)), grid.shape)
            peaks.append(self.text("activity_alt_peak", group=label, weekday=weekdays[day], hour=f"{int(hour):02d}",
                                   n=int(grid[day, hour])))
        self.doc.figure(path, self.text("activity_figure_title"), self.text("activity_figure_note"),
                        width_cm=FIGURE_WIDTH_CM, label=self.t.get("report.figure"),
                        alt_text=self.text("activity_alt", highest=int(max(g.max() for g in grids.values())),
                                           peaks=self.text("alt_separator").join(peaks)))
        volume = self.results.tables["volume"]
        series = {self.label(g): (volume.loc[volume["group"] == g, "week"], volume.loc[volume["group"] == g,
                                                                                       "messages"])
                  for g in self.shown}
        path = weekly_volume(series, self.figures_dir / f"chats-volume.{self.lang}.png", self.text("volume_y"),
                             language=self.lang, width_cm=FIGURE_WIDTH_CM)
        busiest = self.text("alt_separator").join(
            self.text("alt_group_value", group=label, value=int(max(values, default=0)))
            for label, (_weeks, values) in series.items())
        weeks = volume.loc[volume["group"].isin(self.shown), "week"].nunique()
        self.doc.figure(path, self.text("volume_figure_title"), self.text("volume_figure_note"),
                        width_cm=FIGURE_WIDTH_CM, label=self.t.get("report.figure"),
                        alt_text=self.text("volume_alt", weeks=weeks, busiest=busiest))

    def languages(self) -> None:
        language = self.results.tables["language"]
        if language.empty:
            return
        names = self.t.raw("chats.language_names")
        self.doc.heading(self.text("language_heading"), 2)
        parts = []
        for group in self.shown:
            own = language[language["group"] == group].sort_values("messages", ascending=False)
            listing = ", ".join(f"{names.get(r.language, r.language)} {apa.percent(r.pct, self.lang)}"
                                for r in own.itertuples())
            parts.append(self.text("language_group", group=self.label(group), parts=listing))
        self.doc.paragraph(self.text("language_text", mix="; ".join(parts)))
