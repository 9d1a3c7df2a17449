"""The live-run test uses the stream tests' real server and websocket clients."""

from tests.stream.conftest import (  # noqa: F401 (fixtures)
    api,
    live,
    stream_event,
    stream_settings,
    tokens,
)
