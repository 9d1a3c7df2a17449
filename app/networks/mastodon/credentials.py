"""Which token a Mastodon source listens on a server with: the one in
CUEDESK_MASTODON_SERVERS if the server is listed there, else the token of the Mastodon
account the admin connected on that server, for the event or for every event (the event's
own first, the latest first; a refused one is not used)."""

from __future__ import annotations

from app.common.errors import Invalid
from app.config import Settings
from app.ingest.sources.base import Credentials, SourceCheck
from app.ingest.sources.stateful import StreamFailure

NETWORK = "mastodon"
HOW_TO_GIVE_A_TOKEN = (
    "list the server (with a token) in CUEDESK_MASTODON_SERVERS, or connect a Mastodon "
    "account on it, for this event or every event, on the Accounts page"
)


def normalise(url: str) -> str:
    return url.strip().rstrip("/")


def configured_servers(settings: Settings) -> dict[str, str]:
    """The settings' servers: URL → token."""
    return {
        normalise(server.url): server.token.get_secret_value()
        for server in settings.mastodon_servers
    }


async def account_servers(credentials: Credentials, event_id: int) -> list[str]:
    """The servers of the connected Mastodon accounts for the event (or every event)."""
    found: dict[str, None] = {}
    for account in await credentials(NETWORK, event_id):
        if account.server_url and account.refused is None and account.secrets.get("access_token"):
            found.setdefault(normalise(account.server_url))
    return list(found)


async def servers_with_a_token(
    settings: Settings, credentials: Credentials, event_id: int
) -> list[str]:
    """Every server a source of the event can listen on: the settings' then the store's."""
    servers = dict.fromkeys(configured_servers(settings))
    servers.update(dict.fromkeys(await account_servers(credentials, event_id)))
    return list(servers)


async def token_for(
    server_url: str, settings: Settings, credentials: Credentials, event_id: int
) -> str:
    """The token to listen on ``server_url`` with, read again at every connection (an
    account reconnected since is used); none usable is a ``refused`` failure, so the
    source says "credentials refused" and tries again later instead of failing."""
    server_url = normalise(server_url)
    configured = configured_servers(settings).get(server_url)
    if configured:
        return configured
    for account in await credentials(NETWORK, event_id):
        if not account.server_url or normalise(account.server_url) != server_url:
            continue
        who = "the Mastodon account" + (f" @{account.handle}" if account.handle else "")
        if account.refused is not None:
            raise StreamFailure(
                "refused",
                f"credentials refused: {who} on {server_url} is refused ({account.refused}); "
                "reconnect it on the Accounts page",
            )
        token = account.secrets.get("access_token")
        if token:
            return token
    raise StreamFailure(
        "refused",
        f"credentials refused: no token to listen on {server_url} any more (its account was "
        f"removed?): {HOW_TO_GIVE_A_TOKEN}",
    )


async def check(started: SourceCheck, servers: list[str]) -> None:
    """At a source's start: every server asked for (or, none asked, at least one) has a
    token, in the settings or the store."""
    known = await servers_with_a_token(started.settings, started.credentials, started.event_id)
    if not servers:
        if not known:
            raise Invalid(f"No Mastodon server to listen on: {HOW_TO_GIVE_A_TOKEN}.")
        return
    missing = sorted({normalise(url) for url in servers} - set(known))
    if missing:
        raise Invalid(f"No token to listen on {', '.join(missing)}: {HOW_TO_GIVE_A_TOKEN}.")
