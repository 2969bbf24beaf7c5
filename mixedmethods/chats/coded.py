"""Integer keys of a sessioned message frame, made once and shared by the metrics of one build.

Grouping a million messages by text columns (participant, group, language)
hashes a million strings each time: at a million messages the chat metrics
spent most of their seconds there. :func:`code_messages` turns each key
column into integer codes once, numbered in the sorted order of its values,
so a grouping by codes lists its groups in the same order as a grouping by
the texts and gives the same results; the calendar flags (night, weekend,
day) are read from the timestamps once too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd


@dataclass
class CodedMessages:
    """Codes and flags of the rows of one sessioned frame (:func:`mixedmethods.chats.metrics.sessions_and_replies`).

    ``person``/``group``: codes into ``people``/``groups`` (sorted values; -1 where the value is missing);
    ``hour``, ``weekday`` (Monday = 0) as pandas gives them; ``day``: the day number in the export's local
    time (NaN without a timestamp); ``media``, ``night`` (22:00-05:59), ``weekend``: booleans.
    """

    person: "np.ndarray"
    people: "pd.Index"
    group: "np.ndarray"
    groups: "pd.Index"
    hour: "np.ndarray"
    weekday: "np.ndarray"
    day: "np.ndarray"
    media: "np.ndarray"
    night: "np.ndarray"
    weekend: "np.ndarray"

    def member_key(self) -> "np.ndarray":
        """One integer per (person, group) pair, in the order of the pairs sorted by person then group
        (-1 where either is missing)."""
        import numpy as np

        key = self.person.astype(np.int64) * len(self.groups) + self.group
        return np.where((self.person >= 0) & (self.group >= 0), key, -1)

    def member_index(self, keys: "np.ndarray") -> "pd.MultiIndex":
        """The (participant_id, group) index of member keys (:meth:`member_key`)."""
        import pandas as pd

        return pd.MultiIndex.from_arrays([self.people.take(keys // len(self.groups)),
                                          self.groups.take(keys % len(self.groups))], names=["participant_id", "group"])


def codes(column: "pd.Series") -> tuple["np.ndarray", "pd.Index"]:
    """Integer codes of a column's values in their sorted order (-1 where missing), and the values."""
    import pandas as pd

    found, values = pd.factorize(column, sort=True)
    return found, pd.Index(values)


def code_messages(frame: "pd.DataFrame") -> CodedMessages:
    """The codes and flags of ``frame`` (columns participant_id, group, timestamp, kind)."""
    person, people = codes(frame["participant_id"])
    group, groups = codes(frame["group"])
    stamps = frame["timestamp"]
    hours, weekday = stamps.dt.hour, stamps.dt.day_of_week
    return CodedMessages(person=person, people=people, group=group, groups=groups, hour=hours.to_numpy(),
                         weekday=weekday.to_numpy(), day=local_days(stamps),
                         media=frame["kind"].eq("media").to_numpy(dtype=bool),
                         night=((hours >= 22) | (hours < 6)).to_numpy(dtype=bool),
                         weekend=(weekday >= 5).to_numpy(dtype=bool))


def local_days(stamps: "pd.Series") -> "np.ndarray":
    """Day number of each timestamp in its own local time (the calendar date ``.dt.date`` gives), as floats
    with NaN for a missing timestamp: as many distinct values as distinct dates, without a date object each."""
    import numpy as np

    if getattr(stamps.dt, "tz", None) is not None:
        stamps = stamps.dt.tz_localize(None)  # wall-clock time, the date a reader of the export sees
    days = stamps.to_numpy().astype("datetime64[D]").astype(np.int64).astype(float)
    days[stamps.isna().to_numpy()] = np.nan
    return days
