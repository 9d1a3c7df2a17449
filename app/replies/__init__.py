"""Replies written in the console: checking them against each network's rules before posting."""

from app.replies.length import LengthCheck, MastodonCounting, check_length

__all__ = ["LengthCheck", "MastodonCounting", "check_length"]
