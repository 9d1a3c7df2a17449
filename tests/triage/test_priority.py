"""The priority score, computed from the mention alone (plus the VIP set)."""

from __future__ import annotations

import pytest

from app.mentions import priority
from app.mentions.priority import (
    NEGATIVE_BONUS,
    QUESTION_BONUS,
    VERIFIED_BONUS,
    VIP_BONUS,
    VipSet,
    base_score,
    followers_points,
    normalise_handle,
)

QUESTIONS = [
    "Is the ref blind?",
    "¿Dónde puedo ver la repetición",
    "Why no replay #CupFinal",
    "how do I get the stream back",
    "anyone else without sound",
    "por qué no hay sonido",
    "Pourquoi pas de ralenti",
    "est-ce que le match est fini",
    "Warum gibt es keinen Ton",
    "wie kann das sein",
    "onde está o VAR",
    "cadê o replay",
    "なぜ延長なの",
    "音が出ないですか",
    "試合は何時？",  # noqa: RUF001 (the full-width mark is the point)
]

NOT_QUESTIONS = [
    "What a goal! #CupFinal",
    "¡Qué golazo!",
    "Quel match incroyable",
    "When he scored I cried",
    "Wie immer: Weltklasse",
    "Como sempre, craque",
    "ゴール！",  # noqa: RUF001
]

NEGATIVE = [
    "worst stream ever",
    "I want a REFUND",
    "What a scandal",
    "jogo péssimo",
    "pesimo arbitraje",
    "Das war schlecht",
    "C'est nul",
    "最悪の判定だ",
    "horrible call",
]

NEUTRAL = ["What a goal!", "Brilliant save", "Bonne soirée", "Schönes Tor", "ナイスゴール"]


@pytest.mark.parametrize("text", QUESTIONS)
def test_questions_score_the_question_bonus(text: str) -> None:
    assert base_score(text, 0, False) == QUESTION_BONUS, text


@pytest.mark.parametrize("text", NOT_QUESTIONS)
def test_exclamations_and_conjunctions_are_not_questions(text: str) -> None:
    assert base_score(text, 0, False) == 0, text


@pytest.mark.parametrize("text", NEGATIVE)
def test_negative_tone_scores_the_negative_bonus(text: str) -> None:
    assert base_score(text, 0, False) == NEGATIVE_BONUS, text


@pytest.mark.parametrize("text", NEUTRAL)
def test_neutral_posts_score_nothing(text: str) -> None:
    assert base_score(text, 0, False) == 0, text


def test_followers_count_on_a_log_scale_capped() -> None:
    assert [followers_points(n) for n in (0, 9, 99, 999, 10**5, 10**6, 10**9)] == [
        0,
        10,
        20,
        30,
        50,
        60,
        60,
    ]


def test_the_parts_add_up() -> None:
    score = base_score("Worst ref ever, why?", 10**4, True)
    assert score == 40 + VERIFIED_BONUS + QUESTION_BONUS + NEGATIVE_BONUS


def test_vips_match_by_handle_and_network_without_at_or_case() -> None:
    vips = VipSet.from_pairs([("*", "ana"), ("x", "bob")])
    assert normalise_handle(" @Ana ") == "ana"
    assert priority.score("hi", 0, False, "mastodon", "@ANA", vips) == VIP_BONUS
    assert priority.score("hi", 0, False, "x", "Bob", vips) == VIP_BONUS
    assert priority.score("hi", 0, False, "bluesky", "bob", vips) == 0
    assert priority.score("hi", 0, False, "x", "carol", VipSet()) == 0


def test_a_vip_outranks_any_other_mention() -> None:
    everything = base_score("Worst ref ever, why?", 10**9, True)
    assert VIP_BONUS > everything
