"""Mastodon payloads, as published in its docs, read into mentions."""

from __future__ import annotations

import json

import pytest

from app.networks.mastodon.parsing import (
    NotAStatus,
    html_to_text,
    matches,
    status_to_mention,
)
from tests.networks.fixtures import fixture_text


def sse_fixture() -> tuple[str, str]:
    """The docs' ``event: update`` example, split as an SSE parser splits it."""
    text = fixture_text("mastodon_sse_update.txt")
    event = data = ""
    for line in text.splitlines():
        if line.startswith("event: "):
            event = line[len("event: ") :]
        elif line.startswith("data: "):
            data = line[len("data: ") :]
    return event, data


def test_the_docs_stream_update_becomes_a_mention_keyed_by_its_uri() -> None:
    event, data = sse_fixture()
    mention = status_to_mention(json.loads(data), "https://mastodon.social")

    assert event == "update"
    assert mention.external_id == "https://mastodon.social/users/trwnh/statuses/108914430312582020"
    assert mention.text == "#test"
    assert mention.author.handle == "trwnh@mastodon.social"
    assert mention.author.name == "infinite love ⴳ"
    assert mention.author.followers == 2520
    assert str(mention.url) == "https://mastodon.social/@trwnh/108914430312582020"


def test_html_content_reads_as_text_with_paragraphs_entities_and_whole_links() -> None:
    status = json.loads(fixture_text("mastodon_status_entity_example.json"))
    text = status_to_mention(status, "https://mastodon.social").text

    assert text.startswith('"I lost my inheritance with one wrong digit on my sort code"\n\n')
    assert "https://www.theguardian.com/money/2019/dec/07/i-lost-my-193000" in text
    assert "<" not in text and "&quot;" not in text


def test_line_breaks_and_entities_survive_the_html_parser() -> None:
    assert html_to_text("<p>a &amp; b<br>c</p><p>d &lt;3</p>") == "a & b\nc\n\nd <3"


def test_tags_match_whatever_their_case() -> None:
    # The docs' own example: #musicTuesday in the text, MUSICTUESDAY in tags.
    status = {"tags": [{"name": "MUSICTUESDAY"}], "content": "<p>#musicTuesday</p>"}
    assert matches(status, {"musictuesday"})
    assert not matches(status, {"cupfinal"})


def test_the_websocket_example_payload_is_a_status_too() -> None:
    frame = json.loads(fixture_text("mastodon_websocket_update_public.json"))
    mention = status_to_mention(json.loads(frame["payload"]), "https://mastodon.social")
    assert mention.author.handle == "tobtobxx@fosstodon.org"
    assert mention.reply_to_id == "108913981098896721"


@pytest.mark.parametrize("payload", [[], "108914430312582020", {"id": "1"}, {"uri": "x"}])
def test_a_payload_that_is_not_a_status_is_refused_clearly(payload: object) -> None:
    with pytest.raises(NotAStatus):
        status_to_mention(payload, "https://mastodon.social")
