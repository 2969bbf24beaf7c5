"""Interview material of the synthetic demo: interviewer questions and answers per code, English and French.

Invented for the demo; written to sound like delegates talking about a
negotiation group chat. ``{other}`` is replaced by another delegate's name.
"""

QUESTIONS = {
    "speed": {"en": "How has the group changed the pace of the negotiations?",
              "fr": "Comment le groupe a-t-il changé le rythme des négociations ?"},
    "inclusivity": {"en": "Does everyone take part in the group on equal terms?",
                    "fr": "Tout le monde participe-t-il au groupe sur un pied d'égalité ?"},
    "security": {"en": "How do you see confidentiality in the group?",
                 "fr": "Comment voyez-vous la confidentialité dans le groupe ?"},
    "power": {"en": "Who shapes the discussions in the group?",
              "fr": "Qui oriente les discussions dans le groupe ?"},
    "dynamics": {"en": "How would you describe the atmosphere of the group?",
                 "fr": "Comment décririez-vous l'atmosphère du groupe ?"},
    "channels": {"en": "How does the group relate to the official channels?",
                 "fr": "Quel est le rapport entre le groupe et les canaux officiels ?"},
    "recommendations": {"en": "What would you change?", "fr": "Que changeriez-vous ?"},
}

ANSWERS = {
    "speed.reaction": {
        "en": ["When the chair circulated the revised draft at nine, we had our comments in the group before noon; a year ago that would have taken a week of cables.",
               "The speed is real. A proposal lands, and within two hours every delegation has reacted, sometimes before the capital has even read it."],
        "fr": ["Quand la présidence a diffusé le projet révisé à neuf heures, nos commentaires étaient dans le groupe avant midi ; il y a un an, il aurait fallu une semaine de télégrammes.",
               "La rapidité est réelle. Une proposition arrive et, en deux heures, chaque délégation a réagi, parfois avant même que la capitale l'ait lue."]},
    "speed.coordination": {
        "en": ["Coordinating a common position used to take three days of e-mails; in the group we agreed the regional line in an hour, as {other} pointed out at the time.",
               "We align before every session now. The group is where the common position is built, quickly, and then we walk into the room together."],
        "fr": ["Coordonner une position commune prenait trois jours de courriels ; dans le groupe, nous avons arrêté la ligne régionale en une heure, comme {other} l'a souligné à l'époque.",
               "Nous nous alignons désormais avant chaque séance. C'est dans le groupe que la position commune se construit, rapidement, puis nous entrons ensemble dans la salle."]},
    "inclusivity.equal_voice": {
        "en": ["In the group I can say things I would never say in the plenary, and people answer me; in that sense it is more open than the room.",
               "Everyone can write, but not everyone is read. My messages often get no reply at all, while others get twenty answers in a minute."],
        "fr": ["Dans le groupe je peux dire des choses que je ne dirais jamais en plénière, et on me répond ; en ce sens, c'est plus ouvert que la salle.",
               "Tout le monde peut écrire, mais tout le monde n'est pas lu. Mes messages restent souvent sans réponse, alors que d'autres en reçoivent vingt en une minute."]},
    "inclusivity.small_delegations": {
        "en": ["We are two people covering six working groups. The chat lets us follow meetings we cannot physically attend, which matters enormously for a small mission.",
               "Small delegations fall behind. By the time I have read the overnight messages the decision has already been taken by those who were awake."],
        "fr": ["Nous sommes deux pour couvrir six groupes de travail. La discussion nous permet de suivre des réunions auxquelles nous ne pouvons pas assister, ce qui compte énormément pour une petite mission.",
               "Les petites délégations prennent du retard. Le temps que je lise les messages de la nuit, la décision a déjà été prise par ceux qui étaient éveillés."]},
    "inclusivity.language_barriers": {
        "en": ["Everything happens in English. When a colleague writes in French or Spanish, the thread simply moves on as if nothing had been said.",
               "I draft my messages twice, once in my language and once in English, so I am always the last to answer on anything substantive."],
        "fr": ["Tout se passe en anglais. Quand j'écris en français, personne ne répond, et la conversation continue comme si rien n'avait été dit.",
               "Je rédige mes messages deux fois, une fois en français et une fois en anglais, donc je suis toujours le dernier à répondre sur le fond."]},
    "security.leaks": {
        "en": ["Our fallback position was known to the other side the next morning. Only the group had seen it, so you draw your own conclusions about where it came from.",
               "I assume anything I write could end up with another delegation or in the press, so the really sensitive things never go into the group."],
        "fr": ["Notre position de repli était connue de l'autre camp le lendemain matin. Seul le groupe l'avait vue, chacun en tire ses conclusions.",
               "Je pars du principe que tout ce que j'écris peut finir chez une autre délégation ou dans la presse, donc les choses vraiment sensibles ne vont jamais dans le groupe."]},
    "security.screenshots": {
        "en": ["Someone took a screenshot of the chair's message and it went around the corridors within the hour; after that people became much more careful.",
               "Screenshots are the real risk. You cannot control where a picture of the chat travels once someone forwards it to their capital."],
        "fr": ["Quelqu'un a fait une capture d'écran du message de la présidence et elle a circulé dans les couloirs en moins d'une heure ; depuis, tout le monde est plus prudent.",
               "Les captures d'écran sont le vrai risque. On ne contrôle pas où circule l'image d'une discussion une fois qu'elle a été transférée à une capitale."]},
    "security.phone_exposure": {
        "en": ["After I joined I started getting calls from numbers I did not know; my private number is visible to two hundred people, which nobody asked me about.",
               "My personal number is now in the hands of every member. {other} once shared it further without asking, just to reach me faster, but still."],
        "fr": ["Après mon arrivée, j'ai commencé à recevoir des appels de numéros inconnus ; mon numéro privé est visible par deux cents personnes sans qu'on m'ait rien demandé.",
               "Mon numéro personnel est entre les mains de tous les membres. {other} l'a même transmis sans demander, pour me joindre plus vite, mais tout de même."]},
    "security.encryption_trust": {
        "en": ["The encryption itself is fine, I trust it; the problem is the people and the phones, which are lost, shared or backed up to who knows where.",
               "I do not trust a commercial application with state positions, encryption or not; we do not know who can read the backups."],
        "fr": ["Le chiffrement en lui-même est correct, j'ai confiance ; le problème, ce sont les gens et les téléphones, perdus, partagés ou sauvegardés on ne sait où.",
               "Je ne confie pas des positions d'État à une application commerciale, chiffrement ou non ; nous ne savons pas qui peut lire les sauvegardes."]},
    "power.dominant_delegations": {
        "en": ["The consensus was cooked in the group before the meeting even opened, by the three or four delegations that write the most; the rest of us followed.",
               "The big delegations post first and set the frame. By the time smaller ones react, the discussion is about their text, not ours."],
        "fr": ["Le consensus était arrêté dans le groupe avant même l'ouverture de la réunion, par les trois ou quatre délégations qui écrivent le plus ; les autres ont suivi.",
               "Les grandes délégations écrivent les premières et fixent le cadre. Quand les petites réagissent, on discute déjà de leur texte, pas du nôtre."]},
    "power.chairs": {
        "en": ["The chair tests language in the group first. If nobody objects overnight, the text appears the next day as if it had always been agreed.",
               "The facilitator uses the chat to set deadlines, and those deadlines become binding in practice even though they were never adopted formally."],
        "fr": ["La présidence teste d'abord les formulations dans le groupe. Si personne ne s'y oppose pendant la nuit, le texte apparaît le lendemain comme s'il avait toujours été accepté.",
               "Le facilitateur utilise la discussion pour fixer des échéances, et ces échéances deviennent contraignantes en pratique alors qu'elles n'ont jamais été adoptées."]},
    "power.admins": {
        "en": ["The admin removed a colleague from the group without any explanation, and nobody dared to ask why; that tells you who holds the keys.",
               "Whoever administers the group decides who is in and who is out. {other} was added late and missed a whole round of the discussion."],
        "fr": ["L'administrateur a retiré un collègue du groupe sans explication, et personne n'a osé demander pourquoi ; cela montre qui détient les clés.",
               "Celui qui administre le groupe décide qui entre et qui sort. {other} a été ajouté tard et a manqué tout un cycle de la discussion."]},
    "dynamics.conflict": {
        "en": ["Two delegations argued for an hour in front of everyone; it was embarrassing, and afterwards three people left the group for a few days.",
               "Tensions that would stay in the corridor are now written down and visible to all, so small disagreements become public quarrels."],
        "fr": ["Deux délégations se sont disputées pendant une heure devant tout le monde ; c'était gênant, et ensuite trois personnes ont quitté le groupe pendant quelques jours.",
               "Des tensions qui resteraient dans les couloirs sont désormais écrites et visibles de tous, si bien que de petits désaccords deviennent des querelles publiques."]},
    "dynamics.etiquette": {
        "en": ["There are unwritten rules: no jokes during the negotiation week, greet the chair, never criticise a delegation by name in the thread.",
               "People are very polite in the group, almost too polite; the real disagreements are expressed in private messages next to it."],
        "fr": ["Il y a des règles non écrites : pas de plaisanteries pendant la semaine de négociation, saluer la présidence, ne jamais critiquer une délégation nommément.",
               "Les gens sont très polis dans le groupe, presque trop ; les vrais désaccords s'expriment en messages privés à côté."]},
    "dynamics.overload": {
        "en": ["I woke up to three hundred messages and had to find the one decision that mattered among the greetings and the thumbs-up.",
               "There is simply too much. I mute the group during meetings and then spend my lunch break scrolling back, afraid of missing something."],
        "fr": ["Je me suis réveillée avec trois cents messages et j'ai dû trouver la seule décision importante au milieu des salutations et des pouces levés.",
               "Il y a tout simplement trop de messages. Je coupe le son pendant les réunions puis je passe ma pause à remonter le fil, de peur de manquer quelque chose."]},
    "dynamics.after_hours": {
        "en": ["Messages sent at two in the morning New York time expect an answer by breakfast, and for colleagues in other time zones that is the middle of the night.",
               "The group never sleeps. Weekends, evenings, holidays: if you do not answer, it looks as if your delegation has no view."],
        "fr": ["Les messages envoyés à deux heures du matin, heure de New York, attendent une réponse avant le petit-déjeuner, ce qui pour d'autres fuseaux est le milieu de la nuit.",
               "Le groupe ne dort jamais. Week-ends, soirées, jours fériés : si vous ne répondez pas, on croit que votre délégation n'a pas d'avis."]},
    "channels.record_keeping": {
        "en": ["When a colleague leaves the mission, the whole history of the negotiation leaves with her phone; nothing of it is in our archives.",
               "We have no record of what was agreed in the chat. Months later, nobody can show where a compromise came from."],
        "fr": ["Quand une collègue quitte la mission, tout l'historique de la négociation part avec son téléphone ; rien de tout cela n'est dans nos archives.",
               "Nous n'avons aucune trace de ce qui a été convenu dans la discussion. Des mois plus tard, personne ne peut montrer d'où vient un compromis."]},
    "channels.legitimacy": {
        "en": ["A thumbs-up in the group is not a mandate from my capital, yet some treat it as agreement and then accuse us of going back on our word.",
               "Decisions that matter should be taken where there are minutes and interpretation, not in a chat that half the members read on the move."],
        "fr": ["Un pouce levé dans le groupe n'est pas un mandat de ma capitale, pourtant certains le prennent pour un accord puis nous accusent de revenir sur notre parole.",
               "Les décisions importantes devraient être prises là où il y a des procès-verbaux et de l'interprétation, pas dans une discussion lue à la hâte."]},
    "recommendations.secure_platforms": {
        "en": ["The secretariat should host this on its own secure system, with members verified and the history kept; the convenience of WhatsApp is not worth the risk.",
               "Give us an institutional messenger that works as well on the phone, and most delegations would move tomorrow, as {other} has been saying for months."],
        "fr": ["Le secrétariat devrait héberger cela sur son propre système sécurisé, avec des membres vérifiés et un historique conservé ; la commodité de WhatsApp ne vaut pas ce risque.",
               "Qu'on nous donne une messagerie institutionnelle aussi pratique sur le téléphone, et la plupart des délégations changeraient demain, comme {other} le répète depuis des mois."]},
    "recommendations.training": {
        "en": ["Nobody ever showed us how to lock the application, hide our numbers or check who is in the group; a short training would change a lot.",
               "Our ministry gave us a one-hour briefing on mobile security and it was the most useful hour of the year; every delegate should have it."],
        "fr": ["Personne ne nous a jamais montré comment verrouiller l'application, masquer nos numéros ou vérifier qui est dans le groupe ; une courte formation changerait beaucoup.",
               "Notre ministère nous a donné une heure de sensibilisation à la sécurité mobile, et c'était l'heure la plus utile de l'année ; chaque délégué devrait en bénéficier."]},
    "recommendations.rules_of_use": {
        "en": ["A simple rule, no messages after ten at night and no screenshots, agreed at the start of each session, would help everyone.",
               "We need written rules: who administers, who can add members, what must never be posted, and where decisions are recorded."],
        "fr": ["Une règle simple, pas de messages après vingt-deux heures et pas de captures d'écran, adoptée au début de chaque session, aiderait tout le monde.",
               "Il nous faut des règles écrites : qui administre, qui peut ajouter des membres, ce qui ne doit jamais être publié et où les décisions sont consignées."]},
}

# How likely each theme comes up, by group (the demo plants differences the chapter can show).
THEME_WEIGHTS = {
    "caricom": {"speed": 0.9, "inclusivity": 0.8, "security": 0.45, "power": 0.4, "dynamics": 0.6,
                "channels": 0.4, "recommendations": 0.5},
    "sixth-committee": {"speed": 0.6, "inclusivity": 0.6, "security": 0.9, "power": 0.8, "dynamics": 0.6,
                        "channels": 0.6, "recommendations": 0.8},
}
