"""What the simulated audience says in German."""

from __future__ import annotations

PHRASES: dict[str, tuple[str, ...]] = {
    "pre": (
        "Countdown zu {show}, die Chips stehen bereit",
        "Ich bin so nervös vor dem Spiel",
        "Mein Tipp: 2:1, merkt euch das",
    ),
    "kickoff": ("Anpfiff!", "Los geht's mit {show}!", "Und der Ball rollt!"),
    "goal": (
        "TOOOOOR",
        "Was für ein Tor!",
        "Ich hab so laut geschrien, die Nachbarn hassen mich",
        "Oben rechts. Unhaltbar",
    ),
    "halftime": (
        "Halbzeit. Erstmal durchatmen",
        "Was für eine erste Hälfte",
        "Zur Pause: Das Mittelfeld muss aufwachen",
    ),
    "ad_break": (
        "Werbung = ab zum Kühlschrank",
        "Immer dieselben Werbespots",
        "Warum ist die Werbung lauter als das Spiel",
    ),
    "second_half": (
        "Zweite Halbzeit, weiter geht's",
        "Wir sind zurück, noch 45 Minuten zittern",
        "Hoffentlich besser als die erste Hälfte",
    ),
    "final_whistle": ("ABPFIFF!!!", "Vorbei. Was für ein Abend", "Schlusspfiff, ich bin emotional"),
    "outage": (
        "Ist der Stream bei euch auch weg?",
        "Schwarzer Bildschirm im dümmsten Moment",
        "Ruckelt bei {show}, echt jetzt",
    ),
    "play": (
        "Was für ein Tempo",
        "Der Schiri hat heute einen rabenschwarzen Tag",
        "Kommt schon!",
        "Was für eine Parade",
    ),
    "break": (
        "Pause genutzt, Snacks aufgefüllt",
        "Die Analyse im Studio ist heute richtig gut",
        "Kann die zweite Hälfte endlich anfangen",
    ),
    "post": (
        "Immer noch geflasht von {show}",
        "Bestes {show} seit Jahren",
        "Spieler des Spiels: ganz klar der Torwart",
    ),
    "question": (
        "Auf welchem Sender läuft {show}?",
        "Wie steht's? Sitze im Zug",
        "Warum war das kein Elfmeter?",
        "Gibt's die Wiederholung vom Tor irgendwo?",
    ),
    "complaint": (
        "Der Kommentator ist heute unerträglich",
        "Schlechteste Schiedsrichterleistung seit Jahren",
        "Der Ton ist schon wieder asynchron",
    ),
    "praise": (
        "Starke Übertragung heute, großes Lob",
        "Genau deshalb liebe ich Fußball",
        "Was für eine Leistung vom Kapitän",
    ),
    "joke": (
        "Ich bin in 90 Minuten 10 Jahre gealtert",
        "Diese Abwehr wird von einem Sieb gesponsert",
        "Mein Hund versteht Abseits besser als der Schiri",
    ),
    "reply": (
        "Genau so",
        "Das war nie im Leben ein Foul",
        "Geht mir genauso!",
        "Danke, endlich sagt's mal jemand",
    ),
}
