"""The simulator: repeatable, believable, at the rate asked, with spikes at show moments."""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from app.events.models import Network
from app.ingest.sources import EventInfo, SourceContext
from app.ingest.sources.simulator import MentionGenerator, SimulatorConfig, SimulatorSource
from app.ingest.sources.simulator.config import with_seed
from app.ingest.sources.simulator.phrases import EMOJI, PHRASES
from app.mentions.schemas import MentionIn

EVENT = EventInfo(
    id=1,
    name="Cup Final",
    hashtags=("CupFinal", "Wembley"),
    keywords=("cup final",),
    networks=tuple(Network),
)
EPOCH = datetime(2026, 5, 16, 18, 0, tzinfo=UTC)


def generate(seconds: float, epoch: datetime = EPOCH, **config: object) -> list[MentionIn]:
    settings = SimulatorConfig.model_validate({"seed": 7, "rate": 200, **config})
    return MentionGenerator(settings, EVENT, epoch=epoch, worker=1).generate_until(seconds)


def content(mentions: Sequence[MentionIn]) -> list[tuple[object, ...]]:
    """What a mention says and who says it, leaving out times and time-based ids (a quote
    on X carries the quoted post's address)."""
    return [
        (
            m.network,
            m.author.handle,
            m.author.followers,
            re.sub(r"https://\S+", "<url>", m.text),
            m.lang,
            m.reply_to_id is None,
        )
        for m in mentions
    ]


def test_the_same_seed_gives_the_same_mentions() -> None:
    first, second = generate(30), generate(30)

    assert len(first) > 1000
    assert [m.model_dump() for m in first] == [m.model_dump() for m in second]


def test_the_same_seed_later_differs_only_in_times_and_ids() -> None:
    now, later = generate(30), generate(30, epoch=EPOCH + timedelta(hours=3))

    assert content(now) == content(later)
    assert {m.external_id for m in now}.isdisjoint(m.external_id for m in later)


def test_another_seed_gives_other_mentions() -> None:
    assert content(generate(10)) != content(generate(10, seed=8))


def test_a_missing_seed_is_chosen_once_and_kept() -> None:
    config = with_seed(SimulatorConfig())

    assert config.seed is not None
    assert with_seed(config).seed == config.seed


def test_mentions_are_valid_and_look_like_a_live_audience() -> None:
    mentions = generate(120, rate=100)

    for mention in mentions:
        assert MentionIn.model_validate(mention.model_dump()) == mention
    tagged = [m for m in mentions if "#CupFinal" in m.text or "#Wembley" in m.text]
    assert len(tagged) > len(mentions) / 2
    languages = Counter(m.lang for m in mentions)
    assert set(languages) == {"en", "es", "fr", "de", "pt", "ja"}
    assert languages.most_common(1)[0][0] == "en"
    assert {m.network for m in mentions} == set(Network)
    assert any(m.author.verified for m in mentions)
    assert any(m.text.endswith("?") or "?" in m.text for m in mentions)
    assert len({m.author.handle for m in mentions}) > 1000


def test_replies_reposts_and_quotes_point_at_earlier_mentions_of_the_same_network() -> None:
    mentions = generate(60, rate=100)
    seen: dict[str, MentionIn] = {}

    for mention in mentions:
        for target_id in (mention.reply_to_id, mention.repost_of_id, mention.quote_of_id):
            if target_id is not None:
                assert seen[target_id].network == mention.network
        if mention.repost_of_id and mention.network == Network.x:
            original = seen[mention.repost_of_id]
            assert mention.text == f"RT @{original.author.handle}: {original.text}"
        seen[mention.external_id] = mention
    assert sum(m.reply_to_id is not None for m in mentions) > len(mentions) * 0.05
    assert sum(m.repost_of_id is not None for m in mentions) > len(mentions) * 0.05
    assert sum(m.quote_of_id is not None for m in mentions) > len(mentions) * 0.01


def test_ids_and_urls_have_each_networks_shape() -> None:
    mentions = generate(30)
    patterns = {
        Network.x: (r"\d{19}", r"https://x\.com/\w+/status/\d{19}"),
        Network.mastodon: (r"[a-z.]+:\d{18}", r"https://[a-z.]+/@\w+/\d{18}"),
        Network.bluesky: (
            r"at://did:plc:[a-z2-7]{24}/app\.bsky\.feed\.post/[2-7a-z]{13}",
            r"https://bsky\.app/profile/[\w.-]+\.bsky\.social/post/[2-7a-z]{13}",
        ),
    }

    for mention in mentions:
        id_pattern, url_pattern = patterns[mention.network]
        assert re.fullmatch(id_pattern, mention.external_id), mention.external_id
        assert re.fullmatch(url_pattern, str(mention.url)), mention.url
        assert mention.author.avatar_url is None
    assert len({m.external_id for m in mentions}) == len(mentions)


def test_only_the_events_networks_are_used() -> None:
    event = EventInfo(id=1, name="Cup Final", hashtags=("CupFinal",), networks=(Network.mastodon,))
    generator = MentionGenerator(SimulatorConfig(seed=1, rate=100), event, epoch=EPOCH)

    assert {m.network for m in generator.generate_until(20)} == {Network.mastodon}


def test_every_language_can_say_everything() -> None:
    for table in PHRASES.values():
        assert set(table) == set(EMOJI)
        assert all(table.values())


def test_followers_are_heavy_tailed() -> None:
    generator = MentionGenerator(SimulatorConfig(seed=3), EVENT, epoch=EPOCH)
    followers = sorted(a.followers for pool in generator.pools.values() for a in pool.authors)

    median = followers[len(followers) // 2]
    assert 2000 <= len(followers) <= 5000
    assert median < 1000
    assert followers[-1] > 1000 * median


def test_spikes_multiply_the_rate_at_moments_and_decay() -> None:
    generator = MentionGenerator(SimulatorConfig(seed=1, show_minutes=120), EVENT, epoch=EPOCH)
    script = generator.script
    goal = next(m for m in script.moments if m.topic == "goal")

    before = script.multiplier(goal.minute - 0.5)
    peak = max(script.multiplier(goal.minute + i / 60) for i in range(0, 60))
    later = script.multiplier(goal.minute + 8)
    assert before == pytest.approx(1.0, abs=0.05)
    assert 3 <= peak <= 8
    assert later < 1.1
    assert script.state(goal.minute + 0.3).topic == "goal"
    assert {m.topic for m in script.moments} >= {"kickoff", "goal", "halftime", "final_whistle"}


def test_without_spikes_the_rate_stays_flat() -> None:
    generator = MentionGenerator(SimulatorConfig(seed=1, spikes=False), EVENT, epoch=EPOCH)

    assert {round(generator.script.multiplier(m / 2), 6) for m in range(240)} == {1.0}


def test_messages_follow_the_moment() -> None:
    goal_phrases = [p for table in PHRASES.values() for p in table["goal"]]

    def goal_share(mentions: list[MentionIn]) -> float:
        about_goal = [m for m in mentions if any(p in m.text for p in goal_phrases)]
        return len(about_goal) / len(mentions)

    generator = MentionGenerator(SimulatorConfig(seed=1), EVENT, epoch=EPOCH)
    goal = next(m for m in generator.script.moments if m.topic == "goal").minute
    during = generate(30, rate=20, start_minute=goal + 0.2)
    quiet = generate(30, rate=20, start_minute=goal + 10)
    assert goal_share(during) > 0.3
    assert goal_share(quiet) < 0.05


def test_a_show_that_does_not_loop_ends() -> None:
    settings = SimulatorConfig(seed=1, rate=5, show_minutes=2, start_minute=1.5, loop=False)
    generator = MentionGenerator(settings, EVENT, epoch=EPOCH)

    mentions = generator.generate_until(3600)
    assert generator.finished
    assert all(m.created_at < EPOCH + timedelta(seconds=30) for m in mentions)


@pytest.mark.parametrize(
    "config",
    [
        {"rate": 0},
        {"rate": 5001},
        {"rate": "fast"},
        {"show_minutes": 0},
        {"start_minute": 130},
        {"speed": 2},
    ],
)
def test_bad_config_is_refused(config: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        SimulatorConfig.model_validate(config)


async def test_the_source_keeps_to_its_rate() -> None:
    """Mentions come at the configured rate of the show clock, and never ahead of it:
    whatever the machine's load, nothing is handed over before its time."""
    received: list[MentionIn] = []
    handed_late: list[float] = []
    started_at = datetime.now(UTC)
    enough = asyncio.Event()

    async def sink(items: Sequence[MentionIn]) -> None:
        received.extend(items)
        now = datetime.now(UTC)
        handed_late.extend((now - item.created_at).total_seconds() for item in items)
        if len(received) >= 1000:
            enough.set()

    context = SourceContext(1, EVENT, started_at, sink)
    source = SimulatorSource(context, SimulatorConfig(seed=1, rate=500, spikes=False))
    task = asyncio.create_task(source.run())
    await asyncio.wait_for(enough.wait(), 60)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task

    span = (received[-1].created_at - received[0].created_at).total_seconds()
    # Poisson at 500/s over about two seconds of show clock.
    assert 400 <= len(received) / span <= 600
    # A mention is handed over once its time has come (the clocks' resolution aside).
    assert min(handed_late) > -0.01
    assert source.produced == len(received)
