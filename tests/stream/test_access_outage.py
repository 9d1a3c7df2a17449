"""A login that ends while Redis is out still closes its sockets in every process: the
signal cannot cross, so each process looks up its sockets' logins until Redis is back.
Two real servers share one database and a Redis of the test's own, which is stopped or
hung (SIGSTOP) before the login ends."""

from __future__ import annotations

import httpx
import pytest

from app.config import Settings
from app.db import Database
from tests.conftest import make_token
from tests.redis_server import PrivateRedis, private_redis
from tests.stream.conftest import LiveServer, open_console, serve
from tests.stream.test_broker_outage import fail, stream_settings

__all__ = ["private_redis", "stream_settings"]

ENDED = 4401
# Generous for a busy two-core box: a hung Redis is given up after a few seconds.
WITHIN = 30.0


@pytest.mark.parametrize("fault", ["hung", "stopped"])
@pytest.mark.parametrize("change", [{"is_active": False}, {"role": "viewer"}])
async def test_a_login_ended_while_redis_is_out_closes_its_sockets_on_the_other_server(
    live: LiveServer,
    stream_settings: Settings,
    stream_event: int,
    private_redis: PrivateRedis,
    fault: str,
    change: dict[str, object],
) -> None:
    db = Database(stream_settings.database_url_resolved)
    try:
        admin_token = await make_token(db, "ada", "admin")
        olive_token = await make_token(db, "olive", "operator")
        oscar_token = await make_token(db, "oscar", "operator")
    finally:
        await db.dispose()
    async with (
        serve(stream_settings) as other_server,
        httpx.AsyncClient(
            base_url=live.http, headers={"Authorization": f"Bearer {admin_token}"}
        ) as admin,
        open_console(other_server.ws_url(stream_event), olive_token) as console,
        open_console(other_server.ws_url(stream_event), oscar_token) as unchanged,
    ):
        await console.receive_type("hello")
        await unchanged.receive_type("hello")
        users = (await admin.get("/api/users")).json()
        olive = next(user["id"] for user in users if user["username"] == "olive")
        fail(private_redis, fault)

        response = await admin.patch(f"/api/users/{olive}", json=change, timeout=WITHIN)
        assert response.status_code == 200, response.text
        assert await console.close_code(timeout=WITHIN) == ENDED
        # A login that still works is looked up too, and left open.
        await unchanged.socket.send('{"type": "ping"}')
        await unchanged.receive_type("pong")
        if fault == "hung":
            private_redis.resume()
