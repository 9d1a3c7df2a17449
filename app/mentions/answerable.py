"""Whether the desk's account can answer a mention, as decided when it is stored.

The rules are each network's (app/networks/<net>/eligibility.py). The networks import
mentions (their payloads become ``MentionIn``), so mentions cannot import them back: the app
hands the rules to each database it serves (:func:`use_rules`), and ingest asks them here.
Without rules (a script storing mentions on its own) every mention is answerable.
"""

from __future__ import annotations

import weakref
from typing import Any, Protocol

from sqlalchemy import Connection, bindparam, column, or_, select, table

from app.db import Database

# The posting accounts (app/accounts/models.py), read here without importing that domain.
_account = table(
    "network_account",
    column("id"),
    column("network"),
    column("handle"),
    column("status"),
    column("event_id"),
)
_PENDING = "pending"


class Verdict(Protocol):
    @property
    def ok(self) -> bool: ...

    @property
    def reason(self) -> str | None: ...


class ReplyRules(Protocol):
    def __call__(
        self, network: str, text: str, context: dict[str, Any] | None, account_handle: str | None
    ) -> Verdict: ...


_RULES: weakref.WeakKeyDictionary[Database, ReplyRules] = weakref.WeakKeyDictionary()


def use_rules(database: Database, rules: ReplyRules) -> None:
    _RULES[database] = rules


def rules_of(database: Database | None) -> ReplyRules | None:
    return None if database is None else _RULES.get(database)


def blocked_reason(
    rules: ReplyRules | None,
    network: str,
    text: str,
    context: dict[str, Any] | None,
    account_handle: str | None,
) -> str | None:
    """Why the account cannot answer, or None when it can (or nothing says otherwise)."""
    if rules is None:
        return None
    verdict = rules(network, text, context, account_handle)
    return None if verdict.ok else verdict.reason


def public(blocked: str | None) -> dict[str, Any]:
    """``reply_eligibility`` as a mention shows it."""
    return {"ok": blocked is None, "reason": blocked}


# Built once: ingest runs it for every batch, and building it costs as much as running it.
_HANDLES_FOR_EVENT = (
    select(_account.c.network, _account.c.handle)
    .where(
        _account.c.status != _PENDING,
        or_(_account.c.event_id == bindparam("event_id"), _account.c.event_id.is_(None)),
    )
    .order_by(_account.c.event_id.is_(None), _account.c.id.desc())
)


def handles_for_event(connection: Connection, event_id: int) -> dict[str, str]:
    """Each network's posting handle for the event, in one query: the event's own account
    before the one for every event, the latest first. Runs on the transaction's connection
    (inside ``run_sync``), as the rest of ingest does."""
    found: dict[str, str] = {}
    for network, handle in connection.execute(_HANDLES_FOR_EVENT, {"event_id": event_id}):
        found.setdefault(network, handle)
    return {network: handle for network, handle in found.items() if handle}
