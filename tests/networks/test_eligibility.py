"""Which mentions the desk's account can answer, per network."""

from __future__ import annotations

from app.networks.eligibility import check


def test_x_answers_a_post_that_mentions_the_account() -> None:
    assert check("x", "Hey @CueDesk great game", None, "cuedesk").ok
    assert check("x", "no handle here", {"mentioned_handles": ["@CueDesk"]}, "cuedesk").ok


def test_x_answers_a_post_that_quotes_the_account() -> None:
    context = {"mentioned_handles": [], "quote_author_handle": "cuedesk"}
    assert check("x", "so true", context, "@cuedesk").ok


def test_x_refuses_a_post_that_neither_mentions_nor_quotes_the_account() -> None:
    verdict = check("x", "What a match! #CupFinal", None, "cuedesk")
    assert not verdict.ok
    assert verdict.reason is not None and "mention @cuedesk or quote it" in verdict.reason
    # An e-mail address is not a mention.
    assert not check("x", "write to fan@cuedesk.example", None, "cuedesk").ok


def test_without_an_account_anything_can_be_answered_by_the_dry_run() -> None:
    assert check("x", "What a match!", None, None).ok


def test_a_bluesky_thread_gate_forbids_replies_unless_it_lets_the_account_in() -> None:
    assert not check("bluesky", "hi", {"replies_restricted": True}, "desk.bsky.social").ok
    context = {"replies_restricted": True, "reply_allowed_handles": ["desk.bsky.social"]}
    assert check("bluesky", "hi", context, "desk.bsky.social").ok
    assert check("bluesky", "hi", None, "desk.bsky.social").ok


def test_mastodon_direct_messages_are_not_answered() -> None:
    verdict = check("mastodon", "psst", {"visibility": "direct"}, "cuedesk")
    assert not verdict.ok and verdict.reason is not None and "direct message" in verdict.reason
    assert check("mastodon", "hi", {"visibility": "public"}, "cuedesk").ok
    assert not check(
        "mastodon", "hi", {"visibility": "private", "visible_to_account": False}, "cuedesk"
    ).ok
