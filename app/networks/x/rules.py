"""Filtered-stream rules for an event: its hashtags and keywords, tagged with the event so
that one connection (all a pay-per-use app gets) serves several events, each post routed
by the tag of the rule it matched."""

from __future__ import annotations

from app.ingest.sources.base import EventInfo

TAG_PREFIX = "cuedesk-event-"
# X's limit on one rule's length.
MAX_RULE_LENGTH = 1024
NO_RETWEETS = " -is:retweet"


def event_tag(event_id: int) -> str:
    return f"{TAG_PREFIX}{event_id}"


def event_of(tag: object) -> int | None:
    """The event a rule tag names, or None for a rule that is not ours."""
    if not isinstance(tag, str) or not tag.startswith(TAG_PREFIX):
        return None
    rest = tag[len(TAG_PREFIX) :]
    return int(rest) if rest.isdigit() else None


def _term(keyword: str) -> str:
    keyword = keyword.strip().replace('"', "")
    return f'"{keyword}"' if " " in keyword else keyword


def terms_for(event: EventInfo) -> list[str]:
    tags = [f"#{tag.strip().lstrip('#')}" for tag in event.hashtags if tag.strip().lstrip("#")]
    words = [_term(word) for word in event.keywords if word.strip()]
    return list(dict.fromkeys(tags + words))


def rule_values(event: EventInfo, *, include_retweets: bool = False) -> list[str]:
    """The rule values that match the event, each within X's 1,024 characters."""
    suffix = "" if include_retweets else NO_RETWEETS
    values: list[str] = []
    group: list[str] = []

    def value_of(items: list[str]) -> str:
        body = items[0] if len(items) == 1 else f"({' OR '.join(items)})"
        return body + suffix

    for term in terms_for(event):
        if group and len(value_of([*group, term])) > MAX_RULE_LENGTH:
            values.append(value_of(group))
            group = []
        group.append(term[: MAX_RULE_LENGTH - len(suffix) - 2])
    if group:
        values.append(value_of(group))
    return values
