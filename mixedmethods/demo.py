"""A seeded synthetic study for trying the tool, for tests and for benchmarks.

``make_demo(DIR, seed=7)`` writes a complete study folder: study.yaml, the
bundled instruments, ``private/`` with fake names, phone numbers (in the
fictional 555-01xx range) and e-mail addresses (at example.org, reserved by
RFC 2606), and a KoboToolbox-style xlsx export with realistic dirt.
Interviews come from :mod:`.demo_interviews`. Everything is generated; no
real person is in it.

Planted effects (so the report has something to find): the Sixth Committee
group reports more security and confidentiality concern and less
inclusivity than the CARICOM group; speed is alike in both; the preference
for institutional platforms follows security concern.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from .privacy import Participant, create_key, load_key, pseudonym, write_participants
from .study import default_study_yaml, init_study

FIRST = ["Anya", "Marcus", "Keisha", "Dwayne", "Renée", "Jean-Marc", "Aaliyah", "Tobias", "Nadia", "Olivier",
         "Priya", "Rohan", "Sofía", "Mateo", "Amara", "Kwame", "Ingrid", "Lars", "Chen", "Mei", "Fatou", "Idrissa",
         "Élodie", "Gaël", "Shanice", "Andre", "Camila", "Diego", "Yara", "Omar", "Hana", "Kenji", "Leila", "Samir",
         "Zoë", "Hugo", "Naomi", "Tariq", "Beatriz", "Rafael"]
LAST = ["Baptiste", "Charles", "Joseph", "Williams", "Thompson", "Lewis", "Alleyne", "Gittens", "Bramble",
        "Dubois", "Lefèvre", "Moreau", "Okafor", "Mensah", "Diallo", "Nakamura", "Haddad", "Rahman", "Novak",
        "Kowalski", "Silva", "Ferreira", "García", "Morales", "Andersen", "Lindqvist", "Osei", "Mbeki", "Tremblay",
        "Gauthier", "Sealy", "Hinds", "Pierre", "Augustin", "Ramdin", "Persaud", "Bishop", "Greenidge", "Cato",
        "Nicholls"]
SCALE_ITEMS = {
    "speed": ["speed_1", "speed_2", "speed_3", "speed_4", "speed_5"],
    "inclusivity": ["incl_1", "incl_2", "incl_3", "incl_4", "incl_5"],
    "security": ["sec_1", "sec_2", "sec_3", "sec_4", "sec_5"],
    "power": ["power_1", "power_2", "power_3", "power_4", "power_5"],
    "platform": ["plat_1", "plat_2", "plat_3", "plat_4"],
}
REVERSED = {"speed_4", "incl_3", "sec_4", "power_3", "plat_3"}
# Latent means (on the 1-5 agreement scale) per group.
MEANS = {
    "caricom": {"speed": 3.9, "inclusivity": 3.7, "security": 2.8, "power": 3.0, "platform": 3.0},
    "sixth-committee": {"speed": 3.8, "inclusivity": 2.9, "security": 3.7, "power": 3.6, "platform": 3.6},
}
GROUP_PATHS = {"invitation_code": "profile", "group": "profile", "role": "profile", "years_service": "profile",
               "region": "profile", "working_languages": "profile", "joined_on": "profile",
               "wa_frequency": "use", "wa_hours": "use", "wa_purposes": "use", "wa_negotiation_share": "use",
               "training": "training", "training_kind": "training", "comments": "training"}
COMMENTS = ["The group is indispensable during the final week of negotiations.",
            "Too many messages late at night; we need etiquette rules.",
            "Le groupe devrait avoir des règles claires sur les captures d'écran.",
            "Sensitive positions should not be discussed here.",
            "Les petites délégations sont souvent ignorées dans les échanges.", ""]


@dataclass
class DemoSummary:
    root: Path
    participants: int
    respondents: int
    survey_file: Path
    interviews: int = 0


def _people(rng: random.Random, count: int, key: bytes) -> list[Participant]:
    people = []
    used: set[str] = set()
    for index in range(count):
        while True:
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            if name not in used:
                break
            name = f"{name} {rng.choice(string.ascii_uppercase)}."
            if name not in used:
                break
        used.add(name)
        group = "caricom" if index % 5 < 2 else "sixth-committee"
        ascii_name = name.lower().replace(" ", ".").replace("é", "e").replace("è", "e").replace("ë", "e") \
            .replace("í", "i").replace("ï", "i").replace(".", "", 0)
        email = f"{''.join(c for c in ascii_name if c.isalnum() or c == '.').strip('.')}{index}@example.org"
        area = "246" if group == "caricom" else "212"
        rng.randrange(10, 99)  # drawn as before, so that the rest of the demo stays the same
        # One number per person (555-01xx style fictional numbers; beyond 10,000 people the exchange moves on).
        phone = f"+1 {area} {555 + index // 10000} {index % 10000:04d}"
        code = "".join(rng.choice(string.ascii_uppercase + string.digits) for _ in range(6))
        people.append(Participant(pseudonym(key, email), name, phone, email, group, code,
                                  other_groups=_second_group(index, group)))
    return people


def _second_group(index: int, group: str) -> tuple[str, ...]:
    """A few delegates belong to both groups (participants.csv: "caricom;sixth-committee"), as diplomats often
    do; chosen by position, not drawn, so the rest of the demo's random draws stay as they were."""
    if index % 35 in (1, 4):
        return ("sixth-committee",) if group == "caricom" else ("caricom",)
    return ()


def _likert(rng: random.Random, latent: float, reverse: bool) -> int:
    value = latent + rng.gauss(0, 0.75)
    if reverse:
        value = 6 - value
    return max(1, min(5, round(value)))


def _answers(rng: random.Random, person: Participant, traits: dict[str, dict[str, float]]) -> dict[str, object]:
    means = MEANS[person.group]
    latent = {s: means[s] + rng.gauss(0, 0.6) for s in SCALE_ITEMS}
    traits[person.participant_id] = latent
    latent["platform"] = 0.5 * latent["platform"] + 0.5 * latent["security"]
    answers: dict[str, object] = {
        "invitation_code": person.invitation_code, "group": person.group,
        "role": rng.choice(["head", "negotiator", "negotiator", "legal", "junior", "other"]),
        "years_service": max(0, min(40, int(rng.gauss(11, 6)))),
        "region": "caribbean" if person.group == "caricom" else rng.choice(
            ["latin-america", "africa", "asia-pacific", "eastern-europe", "weog", "caribbean"]),
        "working_languages": " ".join(sorted({"en"} | ({"fr"} if rng.random() < 0.35 else set())
                                             | ({"es"} if rng.random() < 0.2 else set()))),
        "joined_on": (datetime(2024, 9, 1) + timedelta(days=rng.randrange(0, 400))).date(),
        "wa_frequency": rng.choice(["several-daily", "several-daily", "daily", "weekly", "rarely"]),
        "wa_hours": round(max(0.5, rng.gauss(6, 3)), 1),
        "wa_purposes": " ".join(p for p in ["coordination", "information", "negotiation", "socialisation"]
                                if rng.random() < 0.6) or "information",
        "training": "yes" if rng.random() < 0.4 else "no",
        "comments": rng.choice(COMMENTS),
    }
    if "negotiation" in str(answers["wa_purposes"]).split():
        answers["wa_negotiation_share"] = rng.randrange(5, 80)
    if answers["training"] == "yes":
        answers["training_kind"] = rng.choice(["workshop", "online", "briefing", "online briefing"])
    for scale, items in SCALE_ITEMS.items():
        for item in items:
            if rng.random() < 0.02:
                continue  # an item left unanswered now and then
            answers[item] = _likert(rng, latent[scale], item in REVERSED)
    return answers


def _kobo_columns(questions: list[str], choices: dict[str, list[str]]) -> list[str]:
    columns = ["start", "end"]
    for qid in questions:
        path = f"{GROUP_PATHS.get(qid, 'scales')}/{qid}"
        columns.append(path)
        for option in choices.get(qid, []):
            columns.append(f"{path}/{option}")
    return columns + ["_id", "_uuid", "_submission_time", "_validation_status", "_index", "__version__"]


def write_kobo_export(path: Path, rows: list[dict[str, object]], questions: list[str],
                      choices: dict[str, list[str]]) -> None:
    """Write rows as a KoboToolbox 'XML values and headers' xlsx export with split select_multiple columns."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("diplomat-whatsapp-survey")
    columns = _kobo_columns(questions, choices)
    sheet.append(columns)
    for row in rows:
        cells = []
        for column in columns:
            parts = column.split("/")
            if column in row:
                cells.append(row[column])
            elif len(parts) == 3 and parts[1] in choices:
                selected = str(row.get(parts[1], "")).split()
                cells.append(None if parts[1] not in row else int(parts[2] in selected))
            elif len(parts) == 2:
                cells.append(row.get(parts[1]))
            else:
                cells.append(None)
        sheet.append(cells)
    book.save(path)


def make_demo(root: Path, seed: int = 7, scale: int = 1) -> DemoSummary:
    """Write the demo study into ``root`` (which must not hold a study yet)."""
    rng = random.Random(seed)
    root = Path(root)
    config = default_study_yaml("WhatsApp in multilateral diplomacy (synthetic demo study)")
    config["title"]["fr"] = "WhatsApp dans la diplomatie multilatérale (étude de démonstration synthétique)"
    init_study(root, config)
    # A demo is reproducible: derive the key from the seed instead of os.urandom.
    key_path = root / "private" / "secret.key"
    key_path.write_text(random.Random(f"key-{seed}").randbytes(32).hex() + "\n", encoding="ascii")
    create_key(root / "private")
    key = load_key(root / "private")
    (root / "private" / "participants.csv").unlink()
    people = _people(rng, 140 * scale, key)
    write_participants(root / "private", people)

    from .instrument.questionnaire import load_questionnaire

    questionnaire = load_questionnaire(root / "instruments" / "survey.yaml")
    qids = [q.id for q in questionnaire.questions]
    multi = {q.id: questionnaire.choice_list(q).values() for q in questionnaire.questions
             if q.type == "select_multiple"}
    respondents = [p for p in people if rng.random() < 0.86]
    start = datetime(2026, 3, 2, 9, 0)
    rows = []
    traits: dict[str, dict[str, float]] = {}
    for index, person in enumerate(respondents):
        answers = _answers(rng, person, traits)
        submitted = start + timedelta(minutes=37 * index + rng.randrange(0, 30))
        answers.update({"start": submitted - timedelta(minutes=12), "end": submitted, "_id": 1000 + index,
                        "_uuid": f"{rng.getrandbits(128):032x}", "_submission_time": submitted.isoformat(),
                        "_validation_status": "", "_index": index + 1, "__version__": "vDemo2026"})
        rows.append(answers)
    # Realistic dirt, each kind once (at fixed positions so tests can find them).
    first = dict(rows[3])  # 1. a duplicate: an earlier, abandoned submission of respondent 3
    first.update({"_uuid": f"{rng.getrandbits(128):032x}", "_index": len(rows) + 1, "speed_1": 1,
                  "_submission_time": (start - timedelta(days=1)).isoformat()})
    rows.append(first)
    rows[5]["years_service"] = 99  # 2. out of range (max 45)
    rows[7]["training"] = "no"  # 3. skip logic violated: training kind answered after "no"
    rows[7]["training_kind"] = "workshop"
    rows[9].pop("role", None)  # 4. a required answer missing
    other = respondents[11]  # 5. free text naming another delegate, with a phone number
    rows[10]["comments"] = (f"Please ask {other.name} (WhatsApp {other.phone}) or write to {other.email}; "
                            "the group admin removed my colleague without notice.")
    target = root / "data" / "survey" / "kobo_export.xlsx"
    write_kobo_export(target, rows, qids, multi)
    from .demo_interviews import write_demo_interviews

    interviews = write_demo_interviews(root / "data" / "interviews", rng, respondents, people)
    _write_demo_chats(root, rng, people, traits)
    return DemoSummary(root, len(people), len(respondents), target, interviews)


def _write_demo_chats(root: Path, rng: random.Random, people: list[Participant],
                      traits: dict[str, dict[str, float]]) -> None:
    """Two exports (about 10,000 messages each) and their entries in study.yaml."""
    from .demo_chats import write_chat_export
    from .yamlio import dump_yaml, load_yaml

    folder = root / "data" / "chats"
    caricom = [p for p in people if "caricom" in p.groups]  # members of both groups write in both chats
    sixth = [p for p in people if "sixth-committee" in p.groups]
    write_chat_export(folder / "caricom.txt", rng, "caricom", caricom, traits, 10_000, False, "CARICOM delegates")
    write_chat_export(folder / "sixth-committee.txt", rng, "sixth-committee", sixth, traits, 10_000, True,
                      "Sixième Commission")
    config = load_yaml(root / "study.yaml")
    config["sources"]["chats"] = [{"path": "data/chats/caricom.txt", "group": "caricom"},
                                  {"path": "data/chats/sixth-committee.txt", "group": "sixth-committee"}]
    (root / "study.yaml").write_text("# mixedmethods study configuration; keys are documented in "
                                     "docs/study-folder.md\n" + dump_yaml(config), encoding="utf-8")
