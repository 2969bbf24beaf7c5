"""Synthetic coded interviews for the demo study (24 transcripts, English and French, three formats).

* 8 Word files whose comments carry the codes (comment author = coder),
* 8 transcripts with inline tags (5 .txt, 3 .docx),
* 8 plain .txt transcripts coded in ``segments.csv`` (quotes; two rows by offsets).

Two of each format (6 in all) are double-coded by ``maria`` and ``jonas``;
the second coder agrees mostly, sometimes picks a neighbouring code and
sometimes misses a segment. Interviewees appear by their (fake) full names in
speaker labels and other delegates are named in the answers, so redaction has
work to do. Two planted errors show up in the rejects: a tag with a code that
is not in the codebook and a table row whose quote is not in its transcript.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass, field
from pathlib import Path

from .demo_texts import ANSWERS, QUESTIONS, THEME_WEIGHTS
from .privacy import Participant

CODERS = ("maria", "jonas")
# Answers that also speak to another theme get a second code (so themes co-occur in paragraphs).
ALSO = {"speed.coordination": "dynamics.overload", "security.screenshots": "recommendations.rules_of_use",
        "security.leaks": "recommendations.secure_platforms", "power.dominant_delegations": "inclusivity.equal_voice",
        "dynamics.after_hours": "recommendations.rules_of_use", "channels.record_keeping":
        "recommendations.secure_platforms", "inclusivity.small_delegations": "dynamics.overload",
        "security.encryption_trust": "recommendations.secure_platforms", "power.chairs": "channels.legitimacy"}
ALSO_RATE = 0.5
SIBLING_SLIP = 0.12  # second coder chooses another code of the same theme
MISS = 0.06  # second coder leaves a segment uncoded


@dataclass
class Turn:
    speaker: str
    text: str
    codes: dict[str, list[str]] = field(default_factory=dict)  # coder -> codes (answers only)


def _interview(rng: random.Random, person: Participant, language: str, others: list[Participant],
               double: bool) -> list[Turn]:
    turns = [Turn("Interviewer", "Thank you for your time. Let us start with the group itself." if language == "en"
                  else "Merci de votre temps. Commençons par le groupe lui-même.")]
    weights = THEME_WEIGHTS[person.group]
    themes = [t for t in QUESTIONS if rng.random() < weights[t]] or ["speed"]
    for theme in themes:
        turns.append(Turn("Interviewer", QUESTIONS[theme][language]))
        codes = [c for c in ANSWERS if c.startswith(theme + ".")]
        for code in rng.sample(codes, k=min(len(codes), rng.choice([1, 1, 2]))):
            other = rng.choice(others)
            mention = other.name if rng.random() < 0.5 else other.name.split()[-1]
            text = rng.choice(ANSWERS[code][language]).replace("{other}", mention)
            first = [code] + ([ALSO[code]] if code in ALSO and rng.random() < ALSO_RATE else [])
            coded = {CODERS[0]: first}
            if double:
                second = []
                for own in first:
                    roll = rng.random()
                    if roll < MISS:
                        continue
                    siblings = [c for c in ANSWERS if c.split(".")[0] == own.split(".")[0] and c != own]
                    second.append(rng.choice(siblings) if roll < MISS + SIBLING_SLIP and siblings else own)
                if second:
                    coded[CODERS[1]] = second
            turns.append(Turn(person.name, text, coded))
    if rng.random() < 0.25:
        turns.append(Turn(person.name, f"You can reach me on {person.phone} if you need more." if language == "en"
                          else f"Vous pouvez me joindre au {person.phone} si besoin."))
    return turns


def _header(person: Participant, language: str, coder: str | None = None) -> list[str]:
    lines = [f"# participant: {person.name}", f"# language: {language}"]
    if coder:
        lines.append(f"# coder: {coder}")
    return lines


def _write_comment_docx(path: Path, person: Participant, language: str, turns: list[Turn]) -> None:
    from docx import Document

    document = Document()
    for line in _header(person, language):
        document.add_paragraph(line)
    document.add_paragraph("")
    for turn in turns:
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{turn.speaker}: ")
        run = paragraph.add_run(turn.text)
        for coder, codes in turn.codes.items():
            for code in codes:
                document.add_comment(run, text=code, author=coder, initials=coder[0].upper())
    document.save(str(path))


def _tagged_lines(turns: list[Turn], typo_at: int | None) -> list[str]:
    lines = []
    for index, turn in enumerate(turns):
        text = turn.text
        for coder, codes in turn.codes.items():
            for number, code in enumerate(codes):
                shown = "speed.latency" if index == typo_at and coder == CODERS[0] and number == 0 else code
                suffix = "" if coder == CODERS[0] else f" @{coder}"
                text = f"[[{shown}{suffix}]]{text}[[/{shown}{suffix}]]"
        lines.append(f"{turn.speaker}: {text}")
    return lines


def write_demo_interviews(folder: Path, rng: random.Random, respondents: list[Participant],
                          people: list[Participant]) -> int:
    """Write the 24 demo transcripts and segments.csv into ``folder``; returns the number of transcripts."""
    from docx import Document

    folder.mkdir(parents=True, exist_ok=True)
    caricom = [p for p in respondents if p.group == "caricom"][:11]
    sixth = [p for p in respondents if p.group == "sixth-committee"][:13]
    chosen = [p for pair in zip(caricom + [None] * 2, sixth) for p in pair if p is not None][:24]
    table_rows: list[list[str]] = []
    for index, person in enumerate(chosen):
        language = "fr" if index % 3 == 2 else "en"
        double = index % 8 in (0, 1)  # two per format
        others = [p for p in people if p is not person]
        turns = _interview(rng, person, language, others, double)
        stem = f"interview-{index + 1:02d}"
        if index < 8:
            _write_comment_docx(folder / f"{stem}.docx", person, language, turns)
        elif index < 16:
            typo_at = next((i for i, t in enumerate(turns) if t.codes), None) if index == 9 else None
            lines = _header(person, language, CODERS[0]) + [""] + _tagged_lines(turns, typo_at)
            if index < 13:
                (folder / f"{stem}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
            else:
                document = Document()
                for line in lines:
                    document.add_paragraph(line)
                document.save(str(folder / f"{stem}.docx"))
        else:
            lines = _header(person, language) + [""] + [f"{t.speaker}: {t.text}" for t in turns]
            (folder / f"{stem}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
            body = "\n".join(f"{t.speaker}: {t.text}" for t in turns)
            for turn in turns:
                for coder, code in ((c, code) for c, codes in turn.codes.items() for code in codes):
                    if index == 17 and not any(row[3] for row in table_rows):  # offsets instead of a quote, as some tools export
                        start = body.find(turn.text)
                        table_rows.append([stem, coder, code, str(start), str(start + len(turn.text)), ""])
                    else:
                        table_rows.append([stem, coder, code, "", "", turn.text])
    table_rows.append(["interview-20", CODERS[0], "dynamics.overload", "", "",
                       "This sentence was never said in the interview."])  # planted: quote not found
    with (folder / "segments.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["transcript", "coder", "code", "start", "end", "quote"])
        writer.writerows(table_rows)
    return len(chosen)
