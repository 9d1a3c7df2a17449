"""Word lists for the priority score: question words and negative tone, in the languages the
desks we serve post in (en, es, fr, de, pt, ja).

Kept deliberately small and unambiguous. Many question words double as exclamations or
conjunctions in sports chatter ("What a goal!", "¡Qué golazo!", "Quel match !", "when he
scored I cried"), and counting those would push ordinary cheering up the queue; so single
words are only the ones that are almost always a question or a call for help, and the
common interrogatives count only in a questioning phrase ("how do", "por qué"). Most real
questions carry a question mark anyway. Accented words are also listed unaccented, since
fans type fast. Words match whole lower-case tokens; the Japanese entries (no spaces
between words) match as substrings.
"""

from __future__ import annotations

# Question marks: ASCII, the Spanish opening mark, full-width (ja).
QUESTION_MARKS: tuple[str, ...] = ("?", "¿", "？")  # noqa: RUF001 (the full-width one is meant)

QUESTION_WORDS: frozenset[str] = frozenset(
    {
        "why", "anyone", "anybody",  # en
        "porqué", "alguien",  # es
        "pourquoi",  # fr
        "warum", "wieso", "weshalb",  # de
        "cadê", "cade", "alguém", "alguem",  # pt
    }
)  # fmt: skip

# Interrogatives that only count followed by one of the words listed: first word → the
# words that may follow it ("how do", "por qué", "est-ce", "wie kann").
_EN_VERBS = ("is", "are", "was", "were", "does", "do", "did", "can", "will")
_ES_VERBS = ("se", "es", "está", "esta", "puedo", "hay", "fue")
_FR_VERBS = ("est", "sont", "on", "faire", "peut", "va")
_DE_VERBS = ("ist", "sind", "kann", "geht", "war", "hat", "wird")
_PT_VERBS = ("é", "e", "está", "esta", "foi", "posso", "faço", "faco", "vai")
QUESTION_PHRASES: dict[str, tuple[str, ...]] = {
    # en
    "how": ("do", "does", "did", "can", "could", "is", "are", "come", "long", "much", "many"),
    "what": ("is", "are", "does", "do", "did", "happened", "time"),
    "who": _EN_VERBS,
    "where": _EN_VERBS,
    "when": _EN_VERBS,
    "which": _EN_VERBS,
    "can": ("someone", "anyone", "you"),
    "could": ("someone", "anyone", "you"),
    "does": ("someone", "anyone", "you"),
    "did": ("someone", "anyone", "you"),
    # es and pt ("por qué", "por quê")
    "por": ("qué", "que", "quê"),
    "cómo": _ES_VERBS,
    "dónde": _ES_VERBS,
    "donde": _ES_VERBS,
    "cuándo": _ES_VERBS,
    "quién": _ES_VERBS,
    "quien": _ES_VERBS,
    # fr ("est-ce" splits into "est", "ce")
    "est": ("ce",),
    "comment": _FR_VERBS,
    "où": _FR_VERBS,
    "quand": _FR_VERBS,
    # de
    "wie": _DE_VERBS,
    "wo": _DE_VERBS,
    "wann": _DE_VERBS,
    "wer": _DE_VERBS,
    # pt
    "como": _PT_VERBS,
    "onde": _PT_VERBS,
    "quem": _PT_VERBS,
    "qual": _PT_VERBS,
}

NEGATIVE_WORDS: frozenset[str] = frozenset(
    {
        # en
        "worst", "awful", "terrible", "horrible", "hate", "hated", "refund", "scandal",
        "disgrace", "disgraceful", "disgusting", "rubbish", "garbage", "pathetic",
        "useless", "shameful", "robbed", "rigged", "scam", "furious", "unacceptable",
        "boycott", "embarrassing",
        # es
        "pésimo", "pesimo", "pésima", "pesima", "peor", "vergüenza", "verguenza", "asco",
        "basura", "robo", "estafa", "odio", "escándalo", "escandalo", "reembolso",
        "lamentable", "indignante",
        # fr
        "nul", "nulle", "honte", "honteux", "scandale", "arnaque", "déteste", "deteste",
        "pire", "remboursement", "catastrophe", "inadmissible", "dégoûtant", "degoutant",
        # de
        "schlecht", "schrecklich", "furchtbar", "schlimm", "skandal", "betrug", "peinlich",
        "hasse", "mies", "katastrophe", "erstattung", "schande", "unverschämt",
        "unverschaemt",
        # pt
        "péssimo", "péssima", "pessimo", "pessima", "horrível", "horrivel", "vergonha",
        "lixo", "escândalo", "odeio", "pior", "roubo", "roubado", "palhaçada", "palhacada",
    }
)  # fmt: skip

# Japanese has no spaces between words: these are looked for inside the text.
QUESTION_SUBSTRINGS_JA: tuple[str, ...] = (
    "なぜ", "どうして", "なんで", "ですか", "ますか", "でしょうか", "教えて",
)  # fmt: skip

NEGATIVE_SUBSTRINGS_JA: tuple[str, ...] = (
    "最悪", "ひどい", "酷い", "最低", "返金", "炎上", "不快", "ふざけるな", "クソ", "金返せ",
)  # fmt: skip
