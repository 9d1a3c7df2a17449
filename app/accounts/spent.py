"""What an account has spent of its posting budget, read from the database: the replies and
posts published as it. Budgets live in the process that posts (app/networks/limits.py); read
here, a restart, or another server process posting as the same account, is counted before
the next post and on the meter."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Table, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.accounts.models import AccountStatus, NetworkAccount
from app.accounts.service import account_table
from app.networks.limits import Budget
from app.posts.views import post_table
from app.replies.views import reply_table


def _served_by(table: Table, account: NetworkAccount) -> ColumnElement[bool]:
    """The rows of the events ``account`` posts for: its event, or (an account for every
    event) the events with no account of their own on its network."""
    if account.event_id is not None:
        return table.c.event_id == account.event_id
    own = select(account_table.c.event_id).where(
        account_table.c.network == account.network,
        account_table.c.event_id.is_not(None),
        account_table.c.status != AccountStatus.pending.value,
    )
    return table.c.event_id.not_in(own)


async def published_times(
    session: AsyncSession, account: NetworkAccount, since: datetime
) -> list[datetime]:
    """When the account's replies and posts went out (not dry runs), since ``since``."""
    times: list[datetime] = []
    for table in (reply_table, post_table):
        result = await session.execute(
            select(table.c.published_at).where(
                table.c.network == account.network,
                table.c.status == "published",
                table.c.dry_run.is_(False),
                table.c.published_at > since,
                _served_by(table, account),
            )
        )
        times += [moment for (moment,) in result if moment is not None]
    return times


async def seed(session: AsyncSession, account: NetworkAccount, budget: Budget) -> None:
    """Count into ``budget`` what the database says the account spent in its windows."""
    since = budget.clock() - timedelta(seconds=budget.horizon_seconds())
    budget.seed(await published_times(session, account, since))
