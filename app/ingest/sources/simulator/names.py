"""Name tables for the simulated audience. Every account and server here is fictional
or a public server name used only as text: the simulator never contacts the network."""

from __future__ import annotations

# (given names, family names) per language.
NAMES: dict[str, tuple[list[str], list[str]]] = {
    "en": (
        "James Olivia Liam Emma Noah Ava Ethan Mia Jack Chloe Ryan Grace Tom Sophie Dan "
        "Megan Marcus Aisha Connor Priya".split(),
        "Smith Walker Patel Johnson O'Brien Murphy Clarke Hughes Evans Wright Khan Taylor "
        "Brooks Reid Campbell Nguyen".split(),
    ),
    "es": (
        "Lucía Mateo Sofía Diego Valentina Javier Carmen Pablo Marta Alejandro Elena "
        "Andrés".split(),
        "García Fernández López Martínez Sánchez Romero Torres Ruiz Navarro Ortega".split(),
    ),
    "pt": (
        "João Ana Pedro Beatriz Gabriel Mariana Rafael Juliana Lucas Camila Thiago Larissa".split(),
        "Silva Santos Oliveira Souza Costa Pereira Almeida Ferreira Rodrigues Carvalho".split(),
    ),
    "fr": (
        "Camille Lucas Chloé Hugo Léa Louis Manon Théo Inès Julien Margaux Karim".split(),
        "Martin Bernard Dubois Lefebvre Moreau Laurent Girard Roux Fournier Mercier".split(),
    ),
    "de": (
        "Lukas Anna Jonas Lea Felix Laura Leon Marie Paul Hannah Tobias Jana".split(),
        "Müller Schmidt Schneider Fischer Weber Wagner Becker Hoffmann Krüger Wolf".split(),
    ),
}
# Japanese display names in kanji or kana, handles in romaji: (romaji, written) pairs.
JAPANESE_GIVEN = (
    ("kenji", "健二"),
    ("sakura", "さくら"),
    ("haruto", "陽翔"),
    ("yui", "結衣"),
    ("ren", "蓮"),
    ("aoi", "葵"),
    ("daiki", "大輝"),
    ("mio", "美桜"),
)
JAPANESE_FAMILY = (
    ("sato", "佐藤"),
    ("suzuki", "鈴木"),
    ("takahashi", "高橋"),
    ("tanaka", "田中"),
    ("watanabe", "渡辺"),
    ("ito", "伊藤"),
    ("yamamoto", "山本"),
    ("nakamura", "中村"),
)
HANDLE_WORDS = "footy matchday goal ultra terrace tv live fan pitch kop curva stats couch".split()
NAME_DECORATIONS = ("", "", "", "", " ⚽", " 🏆", " 📺", " 🔴", " 💙", " 🇧🇷", " 🇫🇷")

# Fictional media and pundit accounts: the few with huge audiences everyone reposts.
# (handle, display name, followers, language)
BIG_ACCOUNTS: tuple[tuple[str, str, int, str], ...] = (
    ("MatchdayLive", "Matchday Live", 2_400_000, "en"),
    ("GoalRushTV", "Goal Rush TV", 5_100_000, "en"),
    ("TheFootyPod", "The Footy Pod", 380_000, "en"),
    ("SportsDeskNews", "SportsDesk News", 1_200_000, "en"),
    ("coach_marco_v", "Marco Valente", 980_000, "en"),
    ("DiarioDelGol", "Diario del Gol", 890_000, "es"),
    ("LeMatchDirect", "Le Match en Direct", 640_000, "fr"),
    ("TorjaegerTV", "Torjäger TV", 410_000, "de"),
    ("FutebolAoVivo", "Futebol ao Vivo", 1_700_000, "pt"),
    ("soccer_sokuho", "サッカー速報", 730_000, "ja"),
)
# Mastodon servers an account of each language may live on.
SERVERS_BY_LANGUAGE: dict[str, tuple[str, ...]] = {
    "en": ("mastodon.social", "mastodon.social", "mastodon.online", "mas.to", "mstdn.social"),
    "es": ("mastodon.social", "mastodon.world"),
    "pt": ("mastodon.social", "masto.pt"),
    "fr": ("piaille.fr", "mamot.fr", "mastodon.social"),
    "de": ("chaos.social", "norden.social", "mastodon.social"),
    "ja": ("mstdn.jp", "pawoo.net"),
}
