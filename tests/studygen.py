"""A seeded generator of whole studies of any shape, for the shape tests (tests/test_study_shapes.py).

``make_study(root, shape)`` writes a study folder as a research team would
bring it: its own study.yaml, its own questionnaire (scales of 2 to 8 items,
one reverse-keyed item each, profile questions), its own codebook and
constructs, private/participants.csv, a survey export (generic CSV or a
French Google Forms download), transcripts (inline tags in .txt, Word
comments in .docx, uncoded and empty ones) and one WhatsApp export per group
(one of which may have a single author). It returns a :class:`StudyTruth`
with what it wrote, counted by hand as it wrote it, so a test can compare the
store and results.json with numbers that do not come from mixedmethods.

No id or label of the bundled instruments is used: groups, questions, scales,
codes and constructs have ids of their own (``north``, ``q_trust_1``,
``trust``, ``theme_x.sub_y``, ``cohesion`` ... or, with ``id_style="odd"``,
ids shaped differently again), so a report that prints a bundled id or label
has taken it from somewhere other than the study.

Everything is synthetic: names are invented, phones are in the fictional
555-01xx range, e-mails at example.org.
"""

from __future__ import annotations

import csv
import random
import shutil
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import yaml

SOURCES = ("survey", "interviews", "chats")

# Group ids and labels (en, fr); ids of the "plain" style, then of the "odd" style.
PLAIN_GROUPS = [("north", "Northern team", "Équipe du Nord"), ("south", "Southern team", "Équipe du Sud"),
                ("east", "Eastern team", "Équipe de l'Est"), ("west", "Western team", "Équipe de l'Ouest"),
                ("centre", "Central team", "Équipe du Centre"), ("coast", "Coastal team", "Équipe du Littoral"),
                ("uplands", "Upland team", "Équipe des Hauts"), ("islands", "Island team", "Équipe des Îles")]
ODD_GROUPS = [(f"grp_{c}{i + 1}", f"Unit {c.upper()}{i + 1}", f"Unité {c.upper()}{i + 1}")
              for i, c in enumerate("abcdefgh")]
# Scale ids and labels (en, fr).
PLAIN_SCALES = [("trust", "Mutual reliance", "Confiance mutuelle"),
                ("workload", "Felt workload", "Charge de travail ressentie"),
                ("clarity", "Clarity of tasks", "Clarté des tâches"),
                ("autonomy", "Room to decide", "Marge de décision")]
ODD_SCALES = [("zeta_scale_b", "Zeta index", "Indice zêta"), ("Omega2", "Omega index", "Indice oméga"),
              ("kappa_x9", "Kappa index", "Indice kappa"), ("mu_scale", "Mu index", "Indice mu")]
ITEM_TEXTS = [("I can count on my colleagues in the team", "Je peux compter sur mes collègues de l'équipe"),
              ("Tasks are explained before they are due", "Les tâches sont expliquées avant l'échéance"),
              ("I choose how to organise my week", "Je choisis comment organiser ma semaine"),
              ("The amount of work feels heavy", "La quantité de travail me semble lourde"),
              ("Decisions are shared with everyone", "Les décisions sont partagées avec tous"),
              ("I know who to ask when I am stuck", "Je sais à qui demander quand je bloque"),
              ("Our meetings end with clear next steps", "Nos réunions se terminent par des étapes claires"),
              ("I rarely finish my tasks on time", "Je termine rarement mes tâches à temps")]
LEVELS = [("Not at all", "Pas du tout"), ("A little", "Un peu"), ("Somewhat", "Moyennement"),
          ("Quite a lot", "Assez"), ("Completely", "Complètement")]
PROFILES = [("unit_kind", "Where do you mostly work?", "Où travaillez-vous surtout ?",
             [("field", "In the field", "Sur le terrain"), ("office", "At a desk", "Au bureau"),
              ("mixed", "Both", "Les deux")]),
            ("tenure", "How long have you been in the team?", "Depuis combien de temps êtes-vous dans l'équipe ?",
             [("short", "Less than two years", "Moins de deux ans"),
              ("long", "Two years or more", "Deux ans ou plus")])]
# Codebook: theme id, labels, sub-codes (id suffix, labels).
PLAIN_THEMES = [("theme_x", "Shared routines", "Routines partagées",
                 [("sub_y", "Weekly rituals", "Rituels hebdomadaires"), ("sub_z", "Handovers", "Passations")]),
                ("theme_w", "Friction at work", "Frictions au travail",
                 [("sub_v", "Unclear requests", "Demandes floues")])]
ODD_THEMES = [("T9-core", "Core pattern", "Motif central",
               [("a1", "First strand", "Premier fil"), ("b2", "Second strand", "Second fil")]),
              ("Qz_edge", "Edge pattern", "Motif de bord", [("c3", "Third strand", "Troisième fil")])]
ANSWERS = {
    "en": ["Every Monday we sit together for a short while and agree on "
           "who takes which file, which keeps the week calm.",
           "When someone leaves for a few days they write a note for the next person, and that habit saves us hours.",
           "Sometimes a request lands with no context at all and I spend the morning working out what is wanted.",
           "The team is friendly, but requests from the managers often "
           "change halfway through and that frustrates people.",
           "I like that the routines are predictable; I know on Friday what the next week will look like for me."],
    "fr": ["Chaque lundi nous prenons un moment ensemble pour répartir "
           "les dossiers, ce qui rend la semaine plus calme.",
           "Quand quelqu'un part quelques jours, il laisse une note à "
           "la personne suivante, et cela nous fait gagner du temps.",
           "Parfois une demande arrive sans aucun contexte et je passe "
           "la matinée à comprendre ce que l'on attend de moi.",
           "L'équipe est sympathique, mais les demandes changent "
           "souvent en cours de route et cela agace tout le monde.",
           "J'aime que les habitudes soient prévisibles ; le vendredi je sais déjà à quoi ressemblera ma semaine."],
}
QUESTIONS = {"en": "Interviewer: Tell me about how your team works day to day.",
             "fr": "Intervieweur : Parlez-moi du fonctionnement quotidien de votre équipe."}
CHAT_TEXTS = ["See you at the stand-up.", "Thanks, noted.", "Can someone cover the afternoon shift?",
              "The shared folder is updated.", "Good morning everyone.", "On my way.", "Merci, bien reçu.",
              "Je serai en retard ce matin.", "Who has the keys to the store room?", "Done, closing the ticket now."]
FIRST = ["Ilse", "Tomasz", "Aroha", "Bjorn", "Carmela", "Dario", "Eun-ji", "Farid", "Greta", "Hamid", "Ines",
         "Jonah", "Kalani", "Liesel", "Mihail", "Noor", "Oskar", "Paloma", "Quentin", "Rania", "Stellan", "Tove",
         "Ulla", "Vesna", "Wiremu", "Xenia", "Yusuf", "Zelda"]
LAST = ["Varga", "Kovacs", "Lindgren", "Marchetti", "Nakashima", "Okonkwo", "Petrakis", "Quispe", "Rautio",
        "Sandoval", "Tanaka", "Ueda", "Vasquez", "Wojcik", "Yilmaz", "Zoric", "Abernathy", "Brennan", "Castell",
        "Dahlberg"]


@dataclass
class Shape:
    """What kind of study to write. Every field has a default, so a test names only what it varies."""

    name: str = "study"
    groups: int = 2  # 1..8
    respondents: tuple[int, ...] | None = None  # per group; None: 8 each
    k: int = 3  # report.min_cell_size
    sources: tuple[str, ...] = SOURCES  # any subset of survey, interviews, chats
    scale_items: tuple[int, ...] = (4, 3)  # items per scale (2..8); each scale has one reverse-keyed item
    profile_questions: int = 1  # 0..2 questions marked role: profile
    group_question: bool = True  # False: the group of a respondent comes from participants.csv
    export: str = "generic"  # generic (CSV, question ids) or googleforms_fr (Horodateur, French texts)
    transcripts: tuple[str, ...] = ("tags", "comments")  # per transcript: tags, comments, uncoded, empty
    chat_messages: int = 30  # messages per chat export
    one_author_chat: bool = False  # the first group's chat has a single author
    languages: tuple[str, ...] = ("en",)
    id_style: str = "plain"  # plain or odd (ids shaped differently again)
    bare_instruments: bool = False  # write only the instruments of the sources the study has
    xlsform: bool = False  # the questionnaire is an XLSForm workbook (.xlsx) instead of YAML
    extra_people: int = 1  # listed participants per group who did not answer the survey
    seed: int = 1

    def respondents_per_group(self) -> tuple[int, ...]:
        if self.respondents is None:
            return (8,) * self.groups
        if len(self.respondents) != self.groups:
            raise ValueError(f"shape {self.name}: {len(self.respondents)} respondent counts for {self.groups} groups")
        return self.respondents


@dataclass
class StudyTruth:
    """What make_study wrote, counted as it was written (never read back through mixedmethods)."""

    root: Path
    shape: Shape
    groups: dict[str, dict[str, str]] = field(default_factory=dict)  # id -> {en, fr}
    question_ids: list[str] = field(default_factory=list)
    scale_ids: list[str] = field(default_factory=list)
    reverse_items: list[str] = field(default_factory=list)
    profile_ids: list[str] = field(default_factory=list)
    choice_values: list[str] = field(default_factory=list)
    code_ids: list[str] = field(default_factory=list)
    construct_ids: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)  # every label of the study's own instruments and groups
    participants: int = 0  # rows of participants.csv
    respondents: dict[str, int] = field(default_factory=dict)  # group -> survey responses written
    transcripts: int = 0  # transcripts with text (stored); files with no text are counted in empty_transcripts
    empty_transcripts: int = 0
    segments: int = 0  # coded segments written (tags + comments)
    interviewed: dict[str, int] = field(default_factory=dict)  # group -> transcripts of its members
    messages: dict[str, int] = field(default_factory=dict)  # group -> chat messages written (no system lines)
    chat_authors: dict[str, int] = field(default_factory=dict)  # group -> distinct authors who wrote

    @property
    def own_ids(self) -> set[str]:
        return set(self.groups) | set(self.question_ids) | set(self.scale_ids) | set(self.code_ids) | \
            set(self.construct_ids) | set(self.choice_values)

    @property
    def has(self) -> dict[str, bool]:
        return {s: s in self.shape.sources for s in SOURCES}


@dataclass
class _Person:
    name: str
    phone: str
    email: str
    group: str
    code: str
    participant_id: str = ""


def _dump(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120), encoding="utf-8")


def _people(rng: random.Random, truth: StudyTruth, shape: Shape) -> dict[str, list[_Person]]:
    names = [f"{f} {l}" for f in FIRST for l in LAST]
    rng.shuffle(names)
    people: dict[str, list[_Person]] = {}
    index = 0
    for group, n in zip(truth.groups, shape.respondents_per_group()):
        people[group] = []
        for _ in range(max(n + shape.extra_people, 1)):
            name = names[index]
            email = f"{name.lower().replace(' ', '.').replace('-', '')}.{index}@example.org"
            phone = f"+44 20 555 01{index % 100:02d}" if index < 100 else f"+44 20 555 02{index % 100:02d}"
            code = f"INV{index:04d}{rng.choice('ABCDEFGHJK')}"
            people[group].append(_Person(name, phone, email, group, code))
            index += 1
    return people


def _write_participants(root: Path, people: dict[str, list[_Person]]) -> int:
    from mixedmethods.privacy import Participant, load_key, pseudonym, write_participants

    key = load_key(root / "private")
    rows = []
    for members in people.values():
        for p in members:
            p.participant_id = pseudonym(key, p.email)
            rows.append(Participant(p.participant_id, p.name, p.phone, p.email, p.group, p.code))
    (root / "private" / "participants.csv").unlink()
    write_participants(root / "private", rows)
    return len(rows)


def _questionnaire(truth: StudyTruth, shape: Shape) -> dict:
    odd = shape.id_style == "odd"
    scales_pool = ODD_SCALES if odd else PLAIN_SCALES
    if not 1 <= len(shape.scale_items) <= len(scales_pool) or not all(2 <= n <= 8 for n in shape.scale_items):
        raise ValueError("scale_items: 1 to 4 scales of 2 to 8 items")
    level_list = "lvl5" if not odd else "Levels_Five"
    choice_lists: dict = {level_list: [{"value": str(i + 1), "label": {"en": en, "fr": fr}}
                                       for i, (en, fr) in enumerate(LEVELS)]}
    questions: list[dict] = []
    key_id = "q_code" if not odd else "InvCode7"
    questions.append({"id": key_id, "type": "text", "required": True,
                      "label": {"en": "Your invitation code", "fr": "Votre code d'invitation"}})
    group_id = None
    if shape.group_question:
        group_id = "q_team" if not odd else "Team_Q0"
        choice_lists["teams"] = [{"value": g, "label": dict(labels)} for g, labels in truth.groups.items()]
        questions.append({"id": group_id, "type": "select_one", "choices": "teams", "required": True,
                          "label": {"en": "Which team are you in?", "fr": "Dans quelle équipe êtes-vous ?"}})
        truth.choice_values.extend(truth.groups)
    for pid, en, fr, options in PROFILES[:shape.profile_questions]:
        qid = f"q_{pid}" if not odd else f"P{len(truth.profile_ids) + 1}_{pid}"
        list_name = f"{pid}_opts"
        choice_lists[list_name] = [{"value": v, "label": {"en": le, "fr": lf}} for v, le, lf in options]
        truth.choice_values.extend(v for v, _, _ in options)
        truth.labels.extend([en, fr] + [x for _, le, lf in options for x in (le, lf)])
        questions.append({"id": qid, "type": "select_one", "choices": list_name, "role": "profile",
                          "required": True, "label": {"en": en, "fr": fr}})
        truth.profile_ids.append(qid)
    scales = []
    text_index = 0
    for (sid, en, fr), n in zip(scales_pool, shape.scale_items):
        items = []
        for j in range(n):
            qid = f"q_{sid}_{j + 1}" if not odd else f"{sid[:2].upper()}{j + 1:02d}x"
            ten, tfr = ITEM_TEXTS[text_index % len(ITEM_TEXTS)]
            suffix = f" ({sid}, {j + 1})"  # item texts must differ: Google Forms columns are matched on them
            question = {"id": qid, "type": "likert", "choices": level_list,
                        "label": {"en": ten + suffix, "fr": tfr + suffix}}
            if j == n - 1:
                question["reverse"] = True
                truth.reverse_items.append(qid)
            questions.append(question)
            items.append(qid)
            text_index += 1
        scales.append({"id": sid, "label": {"en": en, "fr": fr}, "items": items, "scoring": "mean",
                       "min_answered": 0.5})
        truth.scale_ids.append(sid)
        truth.labels.extend([en, fr])
    truth.question_ids = [q["id"] for q in questions]
    truth.choice_values.extend(str(i + 1) for i in range(len(LEVELS)))
    data = {"id": "own-team-survey" if not odd else "Form_Zz", "version": "1", "languages": ["en", "fr"],
            "title": {"en": "Team life questionnaire", "fr": "Questionnaire sur la vie d'équipe"},
            "participant_key": key_id}
    if group_id:
        data["group_question"] = group_id
    data.update({"choice_lists": choice_lists, "questions": questions, "scales": scales})
    return data


def _codebook(truth: StudyTruth, shape: Shape) -> dict:
    themes = ODD_THEMES if shape.id_style == "odd" else PLAIN_THEMES
    codes = []
    for tid, en, fr, subs in themes:
        children = []
        for sub, sen, sfr in subs:
            children.append({"id": f"{tid}.{sub}", "label": {"en": sen, "fr": sfr},
                             "definition": {"en": f"Passages about {sen.lower()}.", "fr": f"Passages sur : {sfr}."}})
            truth.code_ids.append(f"{tid}.{sub}")
            truth.labels.extend([sen, sfr])
        codes.append({"id": tid, "label": {"en": en, "fr": fr},
                      "definition": {"en": f"Everything about {en.lower()}.", "fr": f"Tout sur : {fr}."},
                      "codes": children})
        truth.code_ids.append(tid)
        truth.labels.extend([en, fr])
    return {"id": "own-codebook", "version": "1", "languages": ["en", "fr"], "codes": codes}


def _constructs(truth: StudyTruth, shape: Shape) -> dict | None:
    present = [s for s in SOURCES if s in shape.sources]
    if len(present) < 2:
        return None
    odd = shape.id_style == "odd"
    themes = [c for c in truth.code_ids if "." not in c]
    subs = [c for c in truth.code_ids if "." in c]
    specs = [("cohesion" if not odd else "c_one_x", "Cohesion", "Cohésion",
              {"survey": {"scale": truth.scale_ids[0], "direction": "higher"},
               "interviews": {"codes": [themes[0]], "measure": "presence", "direction": "higher"},
               "chats": {"metric": "messages", "direction": "higher"}}),
             ("strain" if not odd else "c_two_y", "Strain", "Tension",
              {"survey": {"scale": truth.scale_ids[-1], "direction": "higher"},
               "interviews": {"codes": [subs[-1]], "measure": "coverage", "direction": "higher"},
               "chats": {"metric": "night_share", "direction": "higher"}})]
    constructs = []
    for cid, en, fr, indicators in specs:
        entry = {"id": cid, "label": {"en": en, "fr": fr},
                 "definition": {"en": f"How much {en.lower()} the team shows.", "fr": f"Degré de {fr.lower()}."}}
        entry.update({s: indicators[s] for s in present})
        constructs.append(entry)
        truth.construct_ids.append(cid)
        truth.labels.extend([en, fr])
    return {"id": "own-constructs", "version": "1", "languages": ["en", "fr"], "constructs": constructs}


def _likert(rng: random.Random, latent: float, reverse: bool) -> int:
    value = latent + rng.gauss(0, 0.8)
    if reverse:
        value = 6 - value
    return max(1, min(5, round(value)))


def _survey(root: Path, rng: random.Random, truth: StudyTruth, shape: Shape, q: dict,
            people: dict[str, list[_Person]]) -> None:
    questions = q["questions"]
    lists = q["choice_lists"]
    groups = list(truth.groups)
    rows: list[dict[str, str]] = []
    start = datetime(2026, 3, 14, 9, 0)
    for gi, (group, n) in enumerate(zip(groups, shape.respondents_per_group())):
        shift = 0.5 * (gi - (len(groups) - 1) / 2)  # planted group differences, so k-group tests find something
        for person in people[group][:n]:
            latent = {s["id"]: 3 + shift + rng.gauss(0, 0.5) for s in q["scales"]}
            answers: dict[str, str] = {q["participant_key"]: person.code}
            if "group_question" in q:
                answers[q["group_question"]] = group
            for question in questions:
                if question.get("role") == "profile":
                    answers[question["id"]] = rng.choice(lists[question["choices"]])["value"]
            for scale in q["scales"]:
                for item in scale["items"]:
                    answers[item] = str(_likert(rng, latent[scale["id"]], item in truth.reverse_items))
            stamp = start + timedelta(minutes=17 * len(rows))
            rows.append({"__time": stamp, **answers})
        truth.respondents[group] = n
    folder = root / "data" / "survey"
    if shape.export == "generic":
        columns = [question["id"] for question in questions]
        with (folder / "responses.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(columns + ["submitted_at"])
            for row in rows:
                writer.writerow([row.get(c, "") for c in columns] + [row["__time"].isoformat()])
    elif shape.export == "googleforms_fr":
        write_google_forms_fr(folder / "reponses.csv", q, rows)
    else:
        raise ValueError(f"unknown export {shape.export!r}")


def write_google_forms_fr(path: Path, q: dict, rows: list[dict]) -> None:
    """A French Google Forms download: ``Horodateur`` first, French question texts as headers, French labels."""
    labels = {}
    for name, choices in q["choice_lists"].items():
        labels[name] = {c["value"]: c["label"]["fr"] for c in choices}
    questions = q["questions"]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Horodateur"] + [question["label"]["fr"] for question in questions])
        for row in rows:
            cells = [row["__time"].strftime("%d/%m/%Y %H:%M:%S")]
            for question in questions:
                value = row.get(question["id"], "")
                if value and "choices" in question:
                    value = labels[question["choices"]][value]
                cells.append(value)
            writer.writerow(cells)


def _interviews(root: Path, rng: random.Random, truth: StudyTruth, shape: Shape,
                people: dict[str, list[_Person]]) -> None:
    from docx import Document

    folder = root / "data" / "interviews"
    groups = list(truth.groups)
    subs = [c for c in truth.code_ids if "." in c]
    themes = [c for c in truth.code_ids if "." not in c]
    for index, kind in enumerate(shape.transcripts):
        group = groups[index % len(groups)]
        members = people[group]
        person = members[(index // len(groups)) % len(members)]
        language = "fr" if index % 3 == 2 else "en"
        stem = f"talk-{index + 1:02d}"
        header = [f"# participant: {person.name}", f"# language: {language}"]
        if kind == "empty":  # a file with no text: a reject, not a transcript
            (folder / f"{stem}.txt").write_text("\n".join(header) + "\n", encoding="utf-8")
            truth.empty_transcripts += 1
            continue
        truth.transcripts += 1
        truth.interviewed[group] = truth.interviewed.get(group, 0) + 1
        answers = rng.sample(ANSWERS[language], 3)
        turns: list[tuple[str, list[str]]] = []
        for number, answer in enumerate(answers):
            codes = [] if kind == "uncoded" else [subs[(index + number) % len(subs)]]
            if kind != "uncoded" and number == 0:
                codes.append(themes[-1])  # a theme coded directly, beside a sub-code of another theme
            turns.append((answer, codes))
        if kind == "comments":
            document = Document()
            for line in header:
                document.add_paragraph(line)
            document.add_paragraph("")
            document.add_paragraph(QUESTIONS[language])
            for answer, codes in turns:
                paragraph = document.add_paragraph()
                paragraph.add_run(f"{person.name}: ")
                run = paragraph.add_run(answer)
                for code in codes:
                    document.add_comment(run, text=code, author="coder_b", initials="CB")
                    truth.segments += 1
            document.save(str(folder / f"{stem}.docx"))
        else:
            lines = header + (["# coder: coder_a"] if kind == "tags" else []) + ["", QUESTIONS[language]]
            for answer, codes in turns:
                text = answer
                for code in codes:
                    text = f"[[{code}]]{text}[[/{code}]]"
                    truth.segments += 1
                lines.append(f"{person.name}: {text}")
            (folder / f"{stem}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


def _chats(root: Path, rng: random.Random, truth: StudyTruth, shape: Shape,
           people: dict[str, list[_Person]]) -> list[dict]:
    entries = []
    for gi, (group, members) in enumerate(people.items()):
        authors = members[:1] if (shape.one_author_chat and gi == 0) else members
        moment = datetime(2025, 10, 13, 8, 30)  # day 13: the date order (day first) is decided by the file
        lines = [f"{moment:%d/%m/%Y, %H:%M} - Messages and calls are end-to-end encrypted. No one outside of "
                 "this chat, not even WhatsApp, can read or listen to them. Tap to learn more."]
        wrote: set[str] = set()
        for number in range(shape.chat_messages):
            author = authors[number % len(authors)] if number < len(authors) else rng.choice(authors)
            gap = rng.choice([2, 5, 11, 40, 180]) if number % 9 else 60 * rng.choice([14, 20, 26])
            moment += timedelta(minutes=gap)
            lines.append(f"{moment:%d/%m/%Y, %H:%M} - {author.name}: {rng.choice(CHAT_TEXTS)}")
            wrote.add(author.name)
        path = root / "data" / "chats" / f"chat-{gi + 1}.txt"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        truth.messages[group] = shape.chat_messages
        truth.chat_authors[group] = len(wrote)
        entries.append({"path": f"data/chats/{path.name}", "group": group})
    return entries


def make_study(root: Path, shape: Shape) -> StudyTruth:
    """Write a study of ``shape`` into ``root`` (a folder that does not exist yet); return what was written."""
    from mixedmethods.study import init_study

    if not 1 <= shape.groups <= 8:
        raise ValueError("groups: 1 to 8")
    unknown = set(shape.sources) - set(SOURCES)
    if unknown:
        raise ValueError(f"unknown sources {unknown}")
    rng = random.Random(f"{shape.name}-{shape.seed}")
    root = Path(root)
    truth = StudyTruth(root=root, shape=shape)
    pool = ODD_GROUPS if shape.id_style == "odd" else PLAIN_GROUPS
    truth.groups = {g: {"en": en, "fr": fr} for g, en, fr in pool[:shape.groups]}
    truth.labels.extend(label for labels in truth.groups.values() for label in labels.values())

    init_study(root)
    # The study's own instruments replace the bundled copies that init wrote.
    for bundled in (root / "instruments").iterdir():
        bundled.unlink() if bundled.is_file() else shutil.rmtree(bundled)
    # A seeded key, so that a shape gives the same pseudonyms at every run.
    (root / "private" / "secret.key").write_text(random.Random(f"key-{shape.seed}").randbytes(32).hex() + "\n",
                                                  encoding="ascii")
    people = _people(rng, truth, shape)
    truth.participants = _write_participants(root, people)

    questionnaire = _questionnaire(truth, shape)
    codebook = _codebook(truth, shape)
    instruments: dict[str, str] = {}
    if not shape.bare_instruments or "survey" in shape.sources:
        _dump(root / "instruments" / "team-survey.yaml", questionnaire)
        instruments["questionnaire"] = "instruments/team-survey.yaml"
        if shape.xlsform:  # as a team would bring it: the form they built for KoboToolbox or ODK
            from mixedmethods.instrument.questionnaire import load_questionnaire
            from mixedmethods.instrument.xlsform import write_xlsform

            yaml_path = root / "instruments" / "team-survey.yaml"
            write_xlsform(load_questionnaire(yaml_path), root / "instruments" / "team-survey.xlsx")
            yaml_path.unlink()
            instruments["questionnaire"] = "instruments/team-survey.xlsx"
    if not shape.bare_instruments or "interviews" in shape.sources:
        _dump(root / "instruments" / "team-codebook.yaml", codebook)
        instruments["codebook"] = "instruments/team-codebook.yaml"
    constructs = _constructs(truth, shape)
    if constructs is not None:
        _dump(root / "instruments" / "constructs.yaml", constructs)

    sources: dict = {"survey": [], "interviews": [], "chats": []}
    if "survey" in shape.sources:
        _survey(root, rng, truth, shape, questionnaire, people)
        sources["survey"] = ["data/survey"]
    if "interviews" in shape.sources:
        _interviews(root, rng, truth, shape, people)
        sources["interviews"] = ["data/interviews"]
    if "chats" in shape.sources:
        sources["chats"] = _chats(root, rng, truth, shape, people)

    config = {"title": {"en": f"Team life study ({shape.name})", "fr": f"Étude de la vie d'équipe ({shape.name})"},
              "languages": list(shape.languages), "groups": truth.groups, "instruments": instruments,
              "sources": sources, "chats": {"default_country_code": "+44", "session_gap_minutes": 60},
              "report": {"language": shape.languages[0], "min_cell_size": shape.k, "group_test": "mann-whitney",
                         "output": "report"}}
    (root / "study.yaml").unlink()
    _dump(root / "study.yaml", config)
    return truth


def random_shape(rng: random.Random, number: int) -> Shape:
    """A random shape for the larger run (tests marked slow_shapes)."""
    groups = rng.randint(1, 8)
    k = rng.choice([1, 2, 3, 5])
    sources = tuple(s for s in SOURCES if rng.random() < 0.6) or (rng.choice(SOURCES),)
    kinds = ("tags", "comments", "uncoded", "empty")
    return Shape(
        name=f"random-{number}", groups=groups, k=k, sources=sources,
        respondents=tuple(rng.choice([0, 1, 2, k, k + 1, 6, 9]) for _ in range(groups)),
        scale_items=tuple(rng.randint(2, 8) for _ in range(rng.randint(1, 4))),
        profile_questions=rng.randint(0, 2), group_question=rng.random() < 0.7,
        export=rng.choice(["generic", "googleforms_fr"]),
        transcripts=tuple(rng.choice(kinds) for _ in range(rng.randint(1, 6))),
        chat_messages=rng.choice([1, 5, 30, 80]), one_author_chat=rng.random() < 0.3,
        languages=rng.choice([("en",), ("fr",), ("en", "fr")]), id_style=rng.choice(["plain", "odd"]),
        extra_people=rng.randint(0, 2), seed=number)
