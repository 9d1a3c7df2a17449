"""What an account has spent of its posting budget, read from the database: the replies and
posts published as it. Budgets live in the process that posts (app/networks/limits.py); read
here, a restart, or another server process posting as the same account, is counted before
the next post and on the meter."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Boolean, ColumnElement, Integer, String, TableClause, column, select, table
from sqlalchemy.ext.asyncio import AsyncSession

from app.accounts.models import AccountStatus, NetworkAccount
from app.accounts.service import account_table
from app.common.time import UTCDateTime
from app.networks.limits import Budget


def _published_rows(name: str) -> TableClause:
    """The columns of an outbox table (``reply``, ``post``) that say what went out: named
    here, not imported, since the posts domain asks the accounts how its server counts."""
    return table(
        name,
        column("event_id", Integer),
        column("network", String),
        column("status", String),
        column("dry_run", Boolean),
        column("published_at", UTCDateTime),
    )


OUTBOX_TABLES = (_published_rows("reply"), _published_rows("post"))


def _served_by(rows: TableClause, account: NetworkAccount) -> ColumnElement[bool]:
    """The rows of the events ``account`` posts for: its event, or (an account for every
    event) the events with no account of their own on its network."""
    if account.event_id is not None:
        return rows.c.event_id == account.event_id
    own = select(account_table.c.event_id).where(
        account_table.c.network == account.network,
        account_table.c.event_id.is_not(None),
        account_table.c.status != AccountStatus.pending.value,
    )
    return rows.c.event_id.not_in(own)


async def published_times(
    session: AsyncSession, account: NetworkAccount, since: datetime
) -> list[datetime]:
    """When the account's replies and posts went out (not dry runs), since ``since``."""
    times: list[datetime] = []
    for rows in OUTBOX_TABLES:
        result = await session.execute(
            select(rows.c.published_at).where(
                rows.c.network == account.network,
                rows.c.status == "published",
                rows.c.dry_run.is_(False),
                rows.c.published_at > since,
                _served_by(rows, account),
            )
        )
        times += [moment for (moment,) in result if moment is not None]
    return times


async def seed(session: AsyncSession, account: NetworkAccount, budget: Budget) -> None:
    """Count into ``budget`` what the database says the account spent in its windows."""
    since = budget.clock() - timedelta(seconds=budget.horizon_seconds())
    budget.seed(await published_times(session, account, since))
