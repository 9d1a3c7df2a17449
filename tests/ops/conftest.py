"""The ops tests reuse the stream tests' real server and websocket clients."""

from tests.stream.conftest import api, live, stream_event, stream_settings, tokens

__all__ = ["api", "live", "stream_event", "stream_settings", "tokens"]
