"""What the simulated audience says in Spanish."""

from __future__ import annotations

PHRASES: dict[str, tuple[str, ...]] = {
    "pre": (
        "Cuenta atrás para {show}, ya tengo las palomitas",
        "Qué nervios antes del partido",
        "Apuesto por un 2-1, guardad este tuit",
    ),
    "kickoff": ("¡Arrancamos!", "¡Empieza {show}!", "Vamos, vamos, ¡ya ruedan el balón!"),
    "goal": (
        "GOOOOOOL",
        "¡Qué golazo!",
        "Pero qué ha sido eso, ¡increíble!",
        "Lo he gritado tan fuerte que se ha despertado el vecino",
    ),
    "halftime": (
        "Descanso. Necesito respirar",
        "Vaya primera parte",
        "Al descanso: hay que mejorar en el medio campo",
    ),
    "ad_break": (
        "Anuncios = ir a la nevera",
        "Siempre los mismos anuncios",
        "Los anuncios suenan más fuerte que el partido",
    ),
    "second_half": (
        "¡Empieza la segunda parte!",
        "Volvemos, 45 minutos más de sufrimiento",
        "A ver si salimos mejor que en la primera",
    ),
    "final_whistle": ("¡FINAL DEL PARTIDO!", "Se acabó. Qué noche", "Pitido final, estoy llorando"),
    "outage": (
        "¿Se ha caído la señal para alguien más?",
        "Pantalla en negro justo ahora, no me lo creo",
        "Se congela la imagen en lo mejor",
    ),
    "play": (
        "Qué ritmo tiene el partido",
        "El árbitro no se entera de nada",
        "¡Vamooos!",
        "Qué paradón",
    ),
    "break": (
        "Aprovecho el descanso para reponer snacks",
        "Los comentaristas del plató están finos hoy",
        "Que empiece ya la segunda parte",
    ),
    "post": (
        "Todavía temblando después de {show}",
        "El mejor {show} en años",
        "El portero, el mejor del partido sin duda",
    ),
    "question": (
        "¿En qué canal echan {show}?",
        "¿Alguien sabe cómo van? Estoy en el metro",
        "¿Por qué no ha sido penalti?",
        "¿Hay repetición del gol en algún sitio?",
    ),
    "complaint": (
        "Los comentaristas son insoportables hoy",
        "El peor arbitraje que he visto",
        "Demasiados anuncios, me pierdo la previa",
    ),
    "praise": (
        "Qué buena retransmisión, enhorabuena",
        "Por esto amo el fútbol",
        "Partidazo del capitán",
    ),
    "joke": (
        "He envejecido 10 años en 90 minutos",
        "Esa defensa está patrocinada por un colador",
        "Mi gato ve mejor el fuera de juego que el VAR",
    ),
    "reply": (
        "Totalmente de acuerdo",
        "Eso nunca fue falta",
        "¡Yo igual!",
        "Gracias, alguien tenía que decirlo",
    ),
}
