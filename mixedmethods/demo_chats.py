"""Synthetic WhatsApp exports for the demo study: CARICOM (Android, 24-hour, English) and the Sixth
Committee (iOS, bracketed 12-hour, French system messages), about 10,000 messages each over six months.

Who writes how much follows the demo survey: delegates who perceive the group
as more inclusive write more, those more concerned about security write less,
and the Sixth Committee's participation is more unequal (a heavier tail of a
few very active delegations). Conversations cluster in working hours, with
some late-night bursts. The shapes the parser must handle are all here:
multi-line messages, media, deleted and edited messages, polls, locations,
joins, leaves and additions, authors shown as phone numbers or with ``~``,
@mentions by name and by number. Also used by ``benchmarks/chat_parse.py``.
"""

from __future__ import annotations

import math
import random
from datetime import datetime, timedelta
from pathlib import Path

from .privacy import Participant

NNBSP, LRM = "\u202f", "\u200e"
START = datetime(2025, 9, 1, 8, 0)
DAYS = 180
TEXTS = {
    "en": ["Noted, thanks.", "Can we move the informal consultations to 3pm?", "Agree with the chair's proposal.",
           "We need instructions from capital before we can go along with para 4.",
           "Draft revision 3 is attached, please send comments by tomorrow noon.",
           "Our delegation supports the compromise text.", "Is the room booked for Thursday?",
           "Could we keep the original wording in article 12?", "Thank you all for the constructive spirit today.",
           "Please do not share this outside the group.", "Running late, start without me.",
           "The bracketed text in para 7 is still open for us.", "Good morning colleagues.",
           "Who is taking the floor for the group this afternoon?", "See the revised timetable below.",
           "We can accept if the footnote stays.", "Happy to coordinate on the explanation of vote.",
           "Screenshots of this chat are circulating, please be careful.", "Fully agree.", "Thanks!"],
    "fr": ["Bien noté, merci.", "Pouvons-nous déplacer les consultations informelles à 15 h ?",
           "Nous soutenons la proposition de la présidence.",
           "Il nous faut des instructions de la capitale avant d'accepter le paragraphe 4.",
           "La révision 3 du projet est jointe, merci d'envoyer vos commentaires avant demain midi.",
           "Notre délégation appuie le texte de compromis.", "La salle est-elle réservée pour jeudi ?",
           "Pourrions-nous garder la formulation initiale de l'article 12 ?",
           "Merci à tous pour l'esprit constructif aujourd'hui.", "Merci de ne pas partager ceci hors du groupe.",
           "Le texte entre crochets au paragraphe 7 reste ouvert pour nous.", "Bonjour chers collègues.",
           "Qui prend la parole pour le groupe cet après-midi ?", "D'accord.", "Merci !"],
    "es": ["Tomamos nota, gracias.", "Apoyamos la propuesta de la presidencia.",
           "Necesitamos instrucciones de la capital antes de aceptar el párrafo 4.",
           "¿Podemos mantener la redacción original del artículo 12?", "Buenos días, colegas.",
           "Gracias a todos por el espíritu constructivo.", "De acuerdo."],
}
MIX = {"caricom": {"en": 0.93, "fr": 0.02, "es": 0.05}, "sixth-committee": {"en": 0.55, "fr": 0.33, "es": 0.12}}
TAIL = {"caricom": 0.6, "sixth-committee": 1.25}  # spread of the log activity: the Sixth Committee is more unequal
# Share of conversations that start at night. CARICOM writes late far more often, although in the survey it is the
# Sixth Committee that reports more pressure from late messages: a planted dissonance for triangulation.
NIGHT = {"caricom": 0.35, "sixth-committee": 0.06}


def _weights(rng: random.Random, members: list[Participant], traits: dict[str, dict[str, float]], group: str
             ) -> list[float]:
    weights = []
    for person in members:
        latent = traits.get(person.participant_id, {})
        inclusive = latent.get("inclusivity", 3.3) - 3.3
        concern = latent.get("security", 3.3) - 3.3
        weights.append(math.exp(0.9 * inclusive - 0.5 * concern + rng.gauss(0, TAIL[group])))
    return weights


def _session_start(rng: random.Random, day: int, group: str) -> datetime | None:
    date = START + timedelta(days=day)
    if date.weekday() >= 5 and rng.random() < 0.75:
        return None  # weekends are quieter
    hour = rng.choice([22, 23, 0, 1, 5]) if rng.random() < NIGHT[group] else rng.choice([9, 10, 11, 12, 14, 15, 16,
                                                                                          17, 18])
    return date.replace(hour=hour, minute=rng.randrange(60), second=rng.randrange(60))


def _message(rng: random.Random, group: str, members: list[Participant], author: Participant, ios: bool) -> str:
    roll = rng.random()
    if roll < 0.06:
        return rng.choice(["image omitted", "document omitted", "<attached: 00000042-PHOTO-2025-10-01.jpg>"]) \
            if ios else "<Media omitted>"
    if roll < 0.075:
        return "This message was deleted"
    if roll < 0.08:
        return "POLL:\nBest time for the next coordination meeting?\nOPTION: 9am (3 votes)\nOPTION: 2pm (5 votes)"
    if roll < 0.083:
        return "location: https://maps.google.com/?q=40.7489,-73.9680"
    language = rng.choices(list(MIX[group]), weights=list(MIX[group].values()))[0]
    text = rng.choice(TEXTS[language])
    if rng.random() < 0.05:
        other = rng.choice(members)
        handle = "".join(ch for ch in other.phone if ch.isdigit()) if rng.random() < 0.3 else other.name
        text = f"@{handle} {text}"
    if rng.random() < 0.05:
        text += "\n" + rng.choice(TEXTS[language])  # a multi-line message
    if rng.random() < 0.01:
        text += " <This message was edited>"
    return text


def _author_label(person: Participant, as_phone: bool, ios: bool) -> str:
    if as_phone:
        return person.phone.replace(" ", "\u00a0", 1).replace("555 ", "555\u2011") if ios else person.phone
    return person.name


def _stamp(moment: datetime, ios: bool) -> str:
    if ios:
        hour = moment.hour % 12 or 12
        return (f"[{moment.month}/{moment.day}/{moment.strftime('%y')}, {hour}:{moment:%M:%S}{NNBSP}"
                f"{'AM' if moment.hour < 12 else 'PM'}]")
    return f"{moment:%d/%m/%Y, %H:%M} -"


def write_chat_export(path: Path, rng: random.Random, group: str, members: list[Participant],
                      traits: dict[str, dict[str, float]], messages: int, ios: bool, title: str) -> int:
    """Write one export with about ``messages`` messages; returns the number of message lines written.

    Two guests who are not in the participants list (a secretariat officer and
    an unknown number) also write now and then.
    """
    area = "212" if ios else "246"
    members = members + [Participant("guest-1", "Secretariat Officer", "", "", group, ""),
                         Participant("guest-2", f"+1 {area} 555 0999", f"+1 {area} 555 0999", "", group, "")]
    weights = _weights(rng, members, traits, group)
    weights[-2:] = [0.3, 0.2]
    as_phone = {p.participant_id: rng.random() < 0.2 for p in members}
    late = set(rng.sample(range(len(members)), k=max(1, len(members) // 10)))  # join via link later
    leavers = set(rng.sample([i for i in range(len(members)) if i not in late], k=max(1, len(members) // 20)))
    lines: list[str] = []

    def system(moment: datetime, text_en: str, text_fr: str) -> None:
        if ios:
            lines.append(f"{LRM}{_stamp(moment, True)} {title}: {LRM}{text_fr}")
        else:
            lines.append(f"{_stamp(moment, False)} {text_en}")

    creator = members[0]
    moment = START - timedelta(days=1)
    system(moment, "Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, "
                   "can read or listen to them. Tap to learn more.",
           "Les messages et les appels sont chiffrés de bout en bout. Personne en dehors de cette discussion, pas "
           "même WhatsApp, ne peut les lire ou les écouter.")
    system(moment, f'{creator.name} created group "{title}"', f"{creator.name} a créé le groupe « {title} »")
    for index, person in enumerate(members[1:], 1):
        if index not in late:
            system(moment, f"{creator.name} added {person.name}", f"{creator.name} a ajouté {person.name}")
    active = [i for i in range(len(members)) if i not in late]
    written = 0
    sessions_per_day = messages / 14 / DAYS / 0.8  # weekend sessions dropped
    for day in range(DAYS):
        if day == 30:
            for index in late:
                system(START + timedelta(days=day, hours=8), f"{members[index].name} joined using this group's "
                       "invite link", f"{members[index].name} a rejoint ce groupe via le lien d'invitation")
                active.append(index)
        if day == 120:
            for index in leavers:
                system(START + timedelta(days=day, hours=19), f"{members[index].name} left",
                       f"{members[index].name} est parti")
                active.remove(index)
        count = int(sessions_per_day) + (rng.random() < sessions_per_day % 1)
        starts = [_session_start(rng, day, group) for _ in range(count)]
        for start in sorted(s for s in starts if s is not None):
            moment = max(start, moment + timedelta(minutes=61))
            for _ in range(max(2, int(rng.expovariate(1 / 14)))):
                index = rng.choices(active, weights=[weights[i] for i in active])[0]
                person = members[index]
                text = _message(rng, group, members, person, ios)
                label = _author_label(person, as_phone[person.participant_id], ios)
                prefix = ("~" + NNBSP if ios else "~ ") if (not as_phone[person.participant_id]
                                                           and rng.random() < 0.1) else ""
                lines.append(f"{_stamp(moment, ios)} {prefix}{label}: {text}")
                written += 1
                moment += timedelta(seconds=int(rng.expovariate(1 / 150)) + 5)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return written
