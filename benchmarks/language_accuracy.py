"""Accuracy of the chat language identification (py3langid, en/fr/es) on short, hand-labelled chat messages.

The messages below were written for this check (not taken from the demo
generator), in the register of delegates' chats: 2 to 8 words, greetings,
logistics, agreement. Prints accuracy per language and overall, and the share
left undetermined (fewer than 3 letters).

    python benchmarks/language_accuracy.py
"""

from __future__ import annotations

LABELLED = {
    "en": ["Morning all", "See you at 3", "Can someone share the latest draft?", "We are fine with that",
           "Sorry, running late", "Any news from the chair?", "Thanks for the update", "Room 4 is booked",
           "I will check with capital", "Let us discuss tomorrow", "Agreed, with one comment", "Who has the text?",
           "Please resend the link", "Meeting moved to Friday", "Well done everyone", "Not yet, sorry",
           "Is lunch provided?", "Happy to help", "We cannot accept para 3", "Good point",
           "Send it to the secretariat", "The vote is at noon", "Call me when free", "Noted", "Sure thing",
           "Congratulations on the election", "Safe travels", "Any objections?", "Same here", "Back in 5 min"],
    "fr": ["Bonjour à tous", "On se voit à 15 h", "Quelqu'un a le dernier projet ?", "Cela nous convient",
           "Désolé, je suis en retard", "Des nouvelles de la présidence ?", "Merci pour l'information",
           "La salle 4 est réservée", "Je vérifie avec la capitale", "Parlons-en demain",
           "D'accord, avec une remarque", "Qui a le texte ?", "Merci de renvoyer le lien",
           "Réunion déplacée à vendredi", "Bravo à tous", "Pas encore, désolé", "Le déjeuner est-il prévu ?",
           "Avec plaisir", "Nous ne pouvons pas accepter le paragraphe 3", "Bonne remarque",
           "Envoyez-le au secrétariat", "Le vote a lieu à midi", "Appelez-moi quand vous pouvez", "Bien noté",
           "Bien sûr", "Félicitations pour l'élection", "Bon voyage", "Des objections ?", "Pareil pour nous",
           "Je reviens dans 5 minutes"],
    "es": ["Buenos días a todos", "Nos vemos a las 3", "¿Alguien tiene el último borrador?", "Estamos de acuerdo",
           "Perdón, llego tarde", "¿Noticias de la presidencia?", "Gracias por la información",
           "La sala 4 está reservada", "Consulto con la capital", "Lo hablamos mañana",
           "De acuerdo, con un comentario", "¿Quién tiene el texto?", "Por favor reenvíen el enlace",
           "Reunión cambiada al viernes", "Felicidades a todos", "Todavía no, perdón", "¿Habrá almuerzo?",
           "Con gusto", "No podemos aceptar el párrafo 3", "Buen punto", "Envíenlo a la secretaría",
           "La votación es a mediodía", "Llámame cuando puedas", "Anotado", "Claro que sí",
           "Felicitaciones por la elección", "Buen viaje", "¿Alguna objeción?", "Igual nosotros",
           "Vuelvo en 5 minutos"],
}


def main() -> None:
    from mixedmethods.chats.language import identify

    total = correct = undetermined = 0
    for language, messages in LABELLED.items():
        found = identify(messages)
        right = sum(f == language for f in found)
        und = sum(f == "und" for f in found)
        total += len(messages)
        correct += right
        undetermined += und
        print(f"{language}: {right}/{len(messages)} correct ({100 * right / len(messages):.0f}%), {und} undetermined")
    print(f"all: {correct}/{total} correct ({100 * correct / total:.0f}%), {undetermined} undetermined")


if __name__ == "__main__":
    main()
