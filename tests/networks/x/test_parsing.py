"""X's stream payloads, real ones captured from the API and the docs' examples, read into
mentions, and the event's rules."""

from __future__ import annotations

import json

import pytest

from app.ingest.sources.base import EventInfo
from app.networks.x.parsing import NotAPost, search_page, stream_errors, stream_line
from app.networks.x.rules import MAX_RULE_LENGTH, event_of, event_tag, rule_values
from tests.networks.fixtures import fixture_text


def test_a_real_stream_line_becomes_a_mention_with_its_author_expanded() -> None:
    post = stream_line(json.loads(fixture_text("x_stream_tweet.json")))
    mention = post.mention

    assert mention.external_id == "1377650387579248643"
    assert mention.author.handle == "OpenMindMH"
    assert mention.author.name == "Rachel"
    assert mention.author.followers == 4485
    assert mention.text.startswith("Sometimes I wish she would just relax😅😘🐶\n#DogsofTwitter")
    assert str(mention.url) == "https://x.com/OpenMindMH/status/1377650387579248643"
    # The rule id came as a JSON number; it is read as the string X documents now.
    assert post.rule_ids == ("1377649934414049282",)
    assert post.edited_at is None


def test_every_line_of_a_real_capture_is_read_its_disconnect_seen_its_cut_line_refused() -> None:
    capture = [
        json.loads(text) for text in fixture_text("twarc_csv_streaming_output.jsonl").splitlines()
    ]
    assert [stream_errors(payload) for payload in capture].count(["operational-disconnect"]) == 1
    assert all(stream_line(p).mention.external_id for p in capture if not stream_errors(p))
    *readable, truncated = fixture_text("twarc_csv_streaming_output_with_error.jsonl").splitlines()
    payloads = [json.loads(text) for text in readable]
    errors = [title for payload in payloads for title in stream_errors(payload)]
    posts = [stream_line(payload) for payload in payloads if not stream_errors(payload)]
    assert errors == []
    assert len(posts) == len(readable)
    assert any(post.mention.quote_of_id for post in posts)
    with pytest.raises(json.JSONDecodeError):
        json.loads(truncated)


def test_an_edited_post_is_the_first_version_with_new_text() -> None:
    payload = json.loads(fixture_text("x_stream_tweet_docs_quickstart_example.json"))
    assert stream_line(payload).edited_at is None  # one version: not an edit
    payload["data"]["id"] = "1234567899"
    payload["data"]["edit_history_tweet_ids"] = ["1234567890", "1234567899"]
    edited = stream_line(payload)

    assert edited.mention.external_id == "1234567890"
    assert edited.version_id == "1234567899"
    assert edited.edited_at is not None


def test_in_stream_errors_are_told_apart_from_posts() -> None:
    payload = {
        "errors": [
            {"title": "operational-disconnect", "disconnect_type": "UpstreamOperationalDisconnect"}
        ]
    }
    assert stream_errors(payload) == ["operational-disconnect"]
    with pytest.raises(NotAPost):
        stream_line(payload)


def test_a_search_page_keeps_what_it_can_read_and_says_what_it_could_not() -> None:
    posts, bad, token = search_page(
        {
            "data": [
                {
                    "id": "1",
                    "text": "hi #CupFinal",
                    "author_id": "9",
                    "created_at": "2026-12-01T20:00:00Z",
                },
                {"id": "2"},
            ],
            "meta": {"next_token": "abc"},
        }
    )
    assert [post.mention.external_id for post in posts] == ["1"]
    assert len(bad) == 1 and token == "abc"


def test_rules_follow_the_hashtags_and_keywords_and_name_the_event() -> None:
    event = EventInfo(
        id=42, name="Final", hashtags=("#CupFinal", "Final26"), keywords=("penalty shootout", "VAR")
    )
    assert rule_values(event) == [
        '(#CupFinal OR #Final26 OR "penalty shootout" OR VAR) -is:retweet'
    ]
    assert rule_values(event, include_retweets=True)[0].endswith("VAR)")
    assert event_of(event_tag(42)) == 42 and event_of("someone else's") is None


def test_many_keywords_are_split_into_rules_within_xs_length_limit() -> None:
    event = EventInfo(id=1, name="Big", keywords=tuple(f"keyword{n:04d}" for n in range(300)))
    values = rule_values(event)
    assert len(values) > 1
    assert all(len(value) <= MAX_RULE_LENGTH for value in values)
    assert sum(value.count("keyword") for value in values) == 300
