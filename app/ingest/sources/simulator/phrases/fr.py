"""What the simulated audience says in French."""

from __future__ import annotations

PHRASES: dict[str, tuple[str, ...]] = {
    "pre": (
        "Plus que quelques minutes avant {show}, le canapé est prêt",
        "Le stress avant le match",
        "Je dis 2-1, retenez bien",
    ),
    "kickoff": ("C'est parti !", "Coup d'envoi de {show} !", "Et c'est lancé, allez !"),
    "goal": (
        "BUUUUUT",
        "Mais quel but !",
        "J'ai hurlé, mes voisins me détestent",
        "Lucarne. Imparable",
    ),
    "halftime": (
        "Mi-temps. Je respire enfin",
        "Quelle première période",
        "À la pause : le milieu doit se réveiller",
    ),
    "ad_break": (
        "La pub = direction le frigo",
        "Toujours les mêmes pubs",
        "Pourquoi la pub est plus forte que le match",
    ),
    "second_half": (
        "Deuxième mi-temps, c'est reparti",
        "On y retourne, 45 minutes de stress",
        "Il faut mieux démarrer cette fois",
    ),
    "final_whistle": (
        "C'EST FINI !!!",
        "Coup de sifflet final, quelle soirée",
        "Terminé. Je suis ému",
    ),
    "outage": (
        "Le direct a coupé chez vous aussi ?",
        "Écran noir au pire moment",
        "Ça rame pendant {show}, sérieusement",
    ),
    "play": (
        "Quel rythme incroyable",
        "L'arbitre est complètement à côté",
        "Allez allez allez",
        "Quel arrêt du gardien",
    ),
    "break": (
        "Je profite de la pause pour refaire le plein de chips",
        "Les analyses du plateau sont top ce soir",
        "Vivement la reprise",
    ),
    "post": (
        "Encore sous le choc après {show}",
        "Meilleur {show} depuis des années",
        "Homme du match : le gardien, évidemment",
    ),
    "question": (
        "{show} passe sur quelle chaîne ?",
        "Quelqu'un a le score ? Je suis dans le train",
        "Pourquoi il n'y a pas penalty ?",
        "Il y a un replay du but quelque part ?",
    ),
    "complaint": (
        "Les commentaires sont insupportables ce soir",
        "Le pire arbitrage que j'ai vu",
        "Le son est encore décalé",
    ),
    "praise": (
        "Superbe réalisation ce soir, bravo",
        "C'est pour ça que j'aime le foot",
        "Quel match du capitaine",
    ),
    "joke": (
        "J'ai pris 10 ans en 90 minutes",
        "Cette défense est sponsorisée par une passoire",
        "Mon chien comprend mieux le hors-jeu que l'arbitre",
    ),
    "reply": (
        "Exactement",
        "Jamais il y a faute là",
        "Pareil !",
        "Merci, enfin quelqu'un qui le dit",
    ),
}
