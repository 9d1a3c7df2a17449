"""Text tables for the simulator: phrases by language and category, emoji by category."""

from __future__ import annotations

from app.ingest.sources.simulator.phrases import de, en, es, fr, ja, pt

PHRASES: dict[str, dict[str, tuple[str, ...]]] = {
    "en": en.PHRASES,
    "es": es.PHRASES,
    "fr": fr.PHRASES,
    "de": de.PHRASES,
    "pt": pt.PHRASES,
    "ja": ja.PHRASES,
}

# Categories an original post is drawn from when it is not about the moment or the phase.
GENERAL_CATEGORIES: dict[str, float] = {
    "question": 0.25,
    "complaint": 0.2,
    "praise": 0.3,
    "joke": 0.25,
}

EMOJI: dict[str, tuple[str, ...]] = {
    "pre": ("🍿", "⏰", "🙌", "😬", "📺"),
    "kickoff": ("⚽", "🔥", "🙌", "💪"),
    "goal": ("⚽", "🔥", "😱", "🙌", "🎉", "🤯", "⚽⚽⚽"),
    "halftime": ("⏸️", "😮‍💨", "☕", "📊"),
    "ad_break": ("📺", "🍿", "😴", "🙄"),
    "second_half": ("⚽", "💪", "🙏", "😬"),
    "final_whistle": ("🏆", "🎉", "😭", "👏", "❤️"),
    "outage": ("😡", "📺", "❌", "🤬", "😤"),
    "play": ("🔥", "😬", "👀", "💪", "🙏"),
    "break": ("🍕", "📊", "☕", "🍺"),
    "post": ("🏆", "👏", "😭", "❤️", "🙌"),
    "question": ("🤔", "❓", "🙏"),
    "complaint": ("😡", "🙄", "😤", "👎"),
    "praise": ("👏", "❤️", "😍", "🙌", "💯"),
    "joke": ("😂", "🤣", "💀", "😭"),
    "reply": ("👆", "💯", "😂", "🙌", "👀"),
}
