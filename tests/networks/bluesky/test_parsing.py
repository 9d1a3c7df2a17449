"""Jetstream events (the real fixtures) into mentions, and the event filter."""

from __future__ import annotations

import orjson

from app.networks.bluesky.filter import PostFilter
from app.networks.bluesky.parsing import commit_of, commit_to_mention, time_us_of
from tests.networks.fixtures import fixture_bytes, fixture_text


def test_the_real_post_becomes_a_mention_keyed_by_its_at_uri_with_its_bsky_link() -> None:
    raw = fixture_bytes("bluesky_jetstream_post.json")
    commit = commit_of(orjson.loads(raw))
    assert commit is not None
    mention = commit_to_mention(commit)
    did = "did:plc:tn3hni2jpphsgl6amfbb7ja6"
    assert mention.external_id == f"at://{did}/app.bsky.feed.post/3mptbypfywk2v"
    assert str(mention.url) == f"https://bsky.app/profile/{did}/post/3mptbypfywk2v"
    assert mention.created_at.isoformat() == "2026-07-04T14:38:07.323000+00:00"
    assert mention.lang == "de" and mention.author.handle == did
    assert time_us_of(raw) == 1783175888172335


def test_the_filter_matches_facet_tags_without_regard_to_case_and_rejects_others_raw() -> None:
    raw = fixture_bytes("bluesky_jetstream_post.json")
    record = orjson.loads(raw)["commit"]["record"]
    ours = PostFilter(["#indierebellion"], [])
    assert ours.may_match(raw) and ours.matches(record)
    others = PostFilter(["#CupFinal"], ["penalty"])
    assert not others.may_match(raw) and not others.matches(record)


def test_every_real_event_reads_as_a_post_or_not_a_post_and_replies_keep_their_parent() -> None:
    posts = replies = 0
    for line in fixture_text("jetstream_v1_golden_10events.jsonl").splitlines():
        commit = commit_of(orjson.loads(line))
        if commit is None or commit.operation == "delete":
            continue
        mention = commit_to_mention(commit)
        posts += 1
        replies += mention.reply_to_id is not None
    assert posts >= 1 and replies >= 1


def test_all_152_real_events_parse_and_none_of_them_is_dropped_by_the_pre_check() -> None:
    words = PostFilter(["the"], ["a"])
    for line in fixture_text("jetstream_v1_expected_152events.jsonl").splitlines():
        raw = line.encode()
        commit = commit_of(orjson.loads(raw))
        if commit is not None and commit.record is not None and words.matches(commit.record):
            assert words.may_match(raw)


def test_keywords_with_accents_quotes_or_ampersands_still_pass_the_pre_check() -> None:
    for keyword, text in [
        ("München", "Heute in MÜNCHEN!"),
        ('say "goal"', 'they SAY "GOAL" again'),
        ("R&B", "best r&b night"),
        ("é", "CAFÉ"),
        ("決勝", "今日は決勝だ"),
    ]:
        words = PostFilter([], [keyword])
        raw = orjson.dumps({"commit": {"record": {"text": text}}}).replace(b"&", b"\\u0026")
        record = orjson.loads(raw)["commit"]["record"]
        assert words.matches(record), keyword
        assert words.may_match(raw), keyword
