"""The ops tests reuse the stream tests' real server and websocket clients."""

from tests.conftest import POSTGRES_URL, REDIS_URL
from tests.stream.conftest import api, live, stream_event, stream_settings, tokens

__all__ = ["api", "live", "stream_event", "stream_settings", "tokens"]

# The proxy in front of two servers needs a database and a broker both can reach.
collect_ignore = [] if POSTGRES_URL and REDIS_URL else ["test_proxy.py"]
