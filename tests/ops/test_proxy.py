"""deploy/nginx.conf, the proxy of compose.yaml, in front of two real Cuedesk servers on
PostgreSQL and Redis: HTTP and websockets balanced across both. Collected only when both
URLs are set, as .ci/run sets them (see conftest.py); needs nginx (.ci/run installs it)."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from websockets.exceptions import InvalidStatus

from app.config import Settings
from app.db import Database
from tests.conftest import REDIS_URL, _truncate_postgres, make_token
from tests.factories import mention_payload
from tests.stream.conftest import LiveServer, open_console, serve

NGINX_CONF = Path(__file__).resolve().parents[2] / "deploy" / "nginx.conf"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _proxy_config(directory: Path, listen: int, upstreams: tuple[int, int]) -> Path:
    """deploy/nginx.conf with Compose's service names and port swapped for local ones,
    wrapped in the few lines the nginx image's own nginx.conf would give it."""
    site = NGINX_CONF.read_text()
    for name, port in zip(("cuedesk-1:8000", "cuedesk-2:8000"), upstreams, strict=True):
        assert name in site, f"deploy/nginx.conf no longer names {name}"
        site = site.replace(name, f"127.0.0.1:{port}")
    assert "listen 8080;" in site, "deploy/nginx.conf no longer listens on 8080"
    site = site.replace("listen 8080;", f"listen 127.0.0.1:{listen};")
    (directory / "site.conf").write_text(site)
    temp = "\n".join(
        f"  {kind}_temp_path {directory / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    config = directory / "nginx.conf"
    config.write_text(
        f"""user root;
daemon off;
worker_processes 1;
pid {directory / "nginx.pid"};
events {{ worker_connections 256; }}
http {{
  access_log off;
{temp}
  include {directory / "site.conf"};
}}
"""
    )
    return config


@contextlib.asynccontextmanager
async def run_nginx(config: Path, port: int) -> AsyncIterator[str]:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    error_log = config.parent / "error.log"
    process = await asyncio.create_subprocess_exec(nginx, "-c", str(config), "-e", str(error_log))
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=base, timeout=2) as client:
            for _ in range(200):
                if process.returncode is not None:
                    raise AssertionError(f"nginx exited: {error_log.read_text()}")
                with contextlib.suppress(httpx.HTTPError):
                    if (await client.get("/healthz")).status_code == 200:
                        break
                await asyncio.sleep(0.05)
            else:
                raise AssertionError(f"nginx never answered /healthz: {error_log.read_text()}")
        yield base
    finally:
        process.terminate()
        await asyncio.wait_for(process.wait(), 10)


@dataclass
class Desk:
    proxy: str
    servers: tuple[LiveServer, LiveServer]
    token: str

    def ws_url(self, event_id: int) -> str:
        return self.proxy.replace("http://", "ws://") + f"/ws/events/{event_id}"


@pytest.fixture
def shared_database(postgres_database: str) -> str:
    asyncio.run(_truncate_postgres(postgres_database))
    return postgres_database


@pytest.fixture
async def desk(shared_database: str, tmp_path: Path) -> AsyncIterator[Desk]:
    url = shared_database
    # No allowed origins: the proxy must pass the browser's Host, or every console is refused.
    settings = Settings(
        environment="test",
        database_url=url,
        data_dir=tmp_path,
        broker_url=REDIS_URL,
        migrate_on_start=False,
        stream_poll_seconds=30,
    )
    db = Database(settings.database_url_resolved)
    token = await make_token(db, "pat", "producer")
    await db.dispose()
    async with serve(settings) as one, serve(settings) as two:
        port = _free_port()
        config = _proxy_config(tmp_path, port, (one.port, two.port))
        async with run_nginx(config, port) as proxy:
            yield Desk(proxy, (one, two), token)


async def test_consoles_through_the_proxy_spread_over_both_servers_and_all_see_the_feed(
    desk: Desk,
) -> None:
    headers = {"Authorization": f"Bearer {desk.token}"}
    async with httpx.AsyncClient(base_url=desk.proxy, headers=headers) as api:
        created = await api.post("/api/events", json={"name": "Final", "hashtags": []})
        assert created.status_code == 201, created.text
        event_id = created.json()["id"]
        origin = desk.proxy
        async with (
            open_console(desk.ws_url(event_id), desk.token, origin=origin) as first,
            open_console(desk.ws_url(event_id), desk.token, origin=origin) as second,
        ):
            await first.receive_type("hello")
            await second.receive_type("hello")
            sockets = [server.app.state.hubs.socket_counts() for server in desk.servers]
            assert sockets == [{event_id: 1}, {event_id: 1}]

            response = await api.post(
                f"/api/events/{event_id}/mentions", json=[mention_payload(i) for i in range(3)]
            )
            assert response.status_code == 200, response.text
            # Through Redis, not the 30 s journal poll: well within the default timeout.
            await asyncio.gather(first.until_seq(4), second.until_seq(4))


async def test_a_console_from_another_site_is_still_refused_behind_the_proxy(
    desk: Desk,
) -> None:
    with pytest.raises(InvalidStatus) as refused:
        async with open_console(desk.ws_url(1), desk.token, origin="http://evil.example"):
            pass
    assert refused.value.response.status_code == 403


async def test_metrics_are_scraped_from_each_server_not_through_the_proxy(desk: Desk) -> None:
    async with httpx.AsyncClient() as client:
        assert (await client.get(f"{desk.proxy}/metrics")).status_code == 404
        for server in desk.servers:
            direct = await client.get(f"{server.http}/metrics")
            assert direct.status_code == 200
            assert "cuedesk_stream_open_sockets" in direct.text
