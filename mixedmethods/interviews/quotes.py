"""Representative quotes per theme, chosen by a fixed rule so that every build picks the same ones.

Quotes in a qualitative results section should show the range of
participants, not the most quotable one, and each should stand for a pattern
in the data rather than for itself (Lingard, 2019, "Beyond the default colon:
Effective use of quotes in qualitative research", *Perspectives on Medical
Education, 8*, 360-364, https://doi.org/10.1007/s40037-019-00550-7). The
rule, over the reference coder's segments of a theme or its sub-codes, from
participants linked to the study's participants list:

1. keep passages of 80 to 400 characters, speaker label (``Name:``) removed.
   The window only rules out fragments and pages; it does not rank, because a
   target length favours the language that needs more words (French runs
   longer than English for the same content);
2. choose the themes' quotes one at a time, in codebook order, up to
   ``per_theme`` each, at most one per participant per theme; a passage already
   quoted in the chapter, or the same words from another participant
   (pseudonyms aside), is skipped;
3. while a group of the theme has not been quoted yet, the next quote comes
   from such a group;
4. then rank the candidates by:
   a. how often their participant is already quoted in the chapter (fewest
      first), so that no participant dominates;
   b. the language furthest behind its share of the interviews (share of the
      transcripts in each language times the quotes chosen so far plus one,
      minus the quotes already in that language), so that the quotes follow
      the languages of the material rather than of a length target;
   c. representativeness: the number of participants of the theme whose
      segments carry the candidate's code (a point many people made before a
      point one person made);
   d. the segment id (order of import), for a fixed result.

Each quote's ``language`` (ISO 639-1) is its transcript's language when the
store records one (``# language: en`` header), otherwise it is identified
offline from the passage (:func:`mixedmethods.chats.language.identify`).
"""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING, Mapping

if TYPE_CHECKING:
    import pandas as pd

MIN_LENGTH, MAX_LENGTH = 80, 400
COLUMNS = ["theme", "participant_id", "group", "quote", "segment_id", "language"]
UNDETERMINED = "und"
_SPEAKER = re.compile(r"^\s*[^:\n]{1,40}:\s+")
_PSEUDONYM = re.compile(r"\b[PU]-[A-Z2-7]{8}\b")


def _gist(text: str) -> str:
    """The quote with pseudonyms masked, to spot the same words said by two people."""
    return _PSEUDONYM.sub("#", text).casefold()


def clean_quote(text: str) -> str:
    """Strip a leading speaker label and surrounding whitespace.

    >>> clean_quote("P-7KQ2M4XA: We had comments out by noon. ")
    'We had comments out by noon.'
    """
    return _SPEAKER.sub("", text.strip(), count=1).strip()


def language_code(value: object) -> str | None:
    """The ISO 639-1 code of a transcript's recorded language, ``None`` when there is none to read.

    >>> language_code("en-GB"), language_code(" FR "), language_code("English"), language_code(None)
    ('en', 'fr', None, None)
    """
    if not isinstance(value, str):
        return None
    head = re.split(r"[-_]", value.strip().casefold())[0]
    return head if re.fullmatch(r"[a-z]{2}", head) else None


def _languages(candidates: "pd.DataFrame", transcript_languages: Mapping | None) -> list[str]:
    """Each candidate's language: recorded for its transcript, else identified from the passage."""
    from ..chats.language import identify

    recorded = []
    for _, row in candidates.iterrows():
        value = row.get("language")
        if language_code(value) is None and transcript_languages is not None and "transcript_id" in row.index:
            value = transcript_languages.get(row["transcript_id"])
        recorded.append(language_code(value))
    missing = [text for text, code in zip(candidates["clean"], recorded) if code is None]
    found = iter(identify(missing)) if missing else iter(())
    return [code if code is not None else next(found) for code in recorded]


def _shares(candidates: "pd.DataFrame", transcript_languages: Mapping | None) -> dict[str, float]:
    """Share of the interviews in each language: of all transcripts when known, else of the candidates'."""
    if transcript_languages:
        codes = [language_code(v) for v in transcript_languages.values()]
    else:
        unit = "transcript_id" if "transcript_id" in candidates.columns else "participant_id"
        codes = candidates.drop_duplicates(unit)["language"].tolist()
    counts = Counter(c for c in codes if c and c != UNDETERMINED)
    total = sum(counts.values())
    return {code: n / total for code, n in counts.items()} if total else {}


def choose_quotes(segments: "pd.DataFrame", themes: list[str], per_theme: int = 2,
                  transcript_languages: Mapping | None = None) -> "pd.DataFrame":
    """Quotes per theme by the module's rule.

    Parameters
    ----------
    segments
        Coded segments: ``theme``, ``participant_id``, ``group``, ``quote``, ``segment_id``; optionally
        ``code_id`` (for representativeness), ``transcript_id`` and ``language``.
    themes
        The themes (or constructs) in the order their quotes are chosen.
    per_theme
        Quotes wanted per theme, from as many participants.
    transcript_languages
        Recorded language of each transcript (``transcript_id`` -> code or ``None``), all transcripts of the
        study: the languages' shares come from it.

    Returns
    -------
    DataFrame
        theme, participant_id, group, quote, segment_id, language (ISO 639-1, ``und`` when undetermined).
    """
    import pandas as pd

    candidates = segments[segments["group"].notna()].copy() if not segments.empty else segments.copy()
    if candidates.empty or per_theme < 1:
        return pd.DataFrame(columns=COLUMNS)
    candidates["clean"] = candidates["quote"].map(clean_quote)
    length = candidates["clean"].str.len()
    candidates = candidates[(length >= MIN_LENGTH) & (length <= MAX_LENGTH)].sort_values("segment_id")
    if candidates.empty:
        return pd.DataFrame(columns=COLUMNS)
    candidates["language"] = _languages(candidates, transcript_languages)
    candidates["gist"] = candidates["clean"].map(_gist)
    shares = _shares(candidates, transcript_languages)
    used: set[str] = set()  # a passage is quoted once in the chapter
    times_quoted: Counter = Counter()  # participant -> quotes so far in the chapter
    in_language: Counter = Counter()
    rows = []
    for theme in themes:
        pool = candidates[candidates["theme"] == theme]
        if "code_id" in pool.columns:  # participants of the theme who made each code's point
            breadth = pool.groupby("code_id")["participant_id"].nunique()
            pool = pool.assign(breadth=pool["code_id"].map(breadth).fillna(0))
        else:
            pool = pool.assign(breadth=0)
        chosen: list = []
        while len(chosen) < per_theme:
            quoted = {row["participant_id"] for row in chosen}
            groups = {row["group"] for row in chosen}
            open_ = pool[~pool["gist"].isin(used) & ~pool["participant_id"].isin(quoted)]
            if open_.empty:
                break
            new_group = open_[~open_["group"].isin(groups)]
            if not new_group.empty:
                open_ = new_group
            total = sum(in_language.values()) + 1
            best = min(open_.itertuples(index=False), key=lambda r: (
                times_quoted[r.participant_id], -(shares.get(r.language, 0.0) * total - in_language[r.language]),
                -r.breadth, r.segment_id))
            row = best._asdict()
            chosen.append(row)
            used.add(row["gist"])
            times_quoted[row["participant_id"]] += 1
            in_language[row["language"]] += 1
        rows += [{"theme": theme, "participant_id": row["participant_id"], "group": row["group"],
                  "quote": row["clean"], "segment_id": int(row["segment_id"]), "language": row["language"]}
                 for row in chosen]
    return pd.DataFrame(rows, columns=COLUMNS)
