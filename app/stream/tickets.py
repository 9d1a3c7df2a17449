"""Single-use tickets for opening a socket: ``POST /api/stream/tickets``, then
``WS /ws/events/{id}?ticket=…`` within 30 seconds.

A URL ends up in access logs and proxies; a ticket there is worth nothing once used or
expired, where an API token would be a lasting login. The row lives in the database, so a
ticket made through one server process opens a socket on any other.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from app.auth import service as auth
from app.auth.service import Login
from app.common.time import as_utc, utcnow
from app.stream.models import StreamTicket

TICKET_PREFIX = "cdkt_"
TICKET_SECONDS = 30

ticket_table = StreamTicket.__table__  # type: ignore[attr-defined]


def _hash(ticket: str) -> str:
    return hashlib.sha256(ticket.encode()).hexdigest()


async def issue(session: AsyncSession, login: Login) -> tuple[str, datetime]:
    """A new ticket for ``login`` and when it expires; expired ones are swept meanwhile."""
    assert login.user.id is not None
    now = utcnow()
    await session.execute(delete(ticket_table).where(ticket_table.c.expires_at <= now))
    ticket = TICKET_PREFIX + secrets.token_urlsafe(24)
    expires_at = now + timedelta(seconds=TICKET_SECONDS)
    session.add(
        StreamTicket(
            ticket_hash=_hash(ticket),
            user_id=login.user.id,
            credential=login.credential,
            expires_at=expires_at,
        )
    )
    await session.flush()
    return ticket, expires_at


async def redeem(session: AsyncSession, ticket: str) -> Login | None:
    """The login behind ``ticket`` if it is unused, unexpired and its login still works;
    the ticket is spent either way."""
    if not ticket.startswith(TICKET_PREFIX):
        return None
    row = (
        await session.execute(
            delete(ticket_table)
            .where(ticket_table.c.ticket_hash == _hash(ticket))
            .returning(ticket_table.c.user_id, ticket_table.c.credential, ticket_table.c.expires_at)
        )
    ).first()
    if row is None or as_utc(row.expires_at) <= utcnow():
        return None
    return await auth.login_for_credential(session, row.user_id, row.credential)
