"""The admin's Accounts page: the networks' accounts the desk posts as. Its data comes from
/api/accounts; the page only renders the shell (and the events an account may be for)."""

from __future__ import annotations

from fastapi import APIRouter, Request, status
from fastapi.responses import HTMLResponse, Response

from app.auth.models import Role
from app.console.router import _login_redirect, _page_user, _render, _user_context
from app.db import SessionDep
from app.events import service as events

ACCOUNTS_ENTRY = "src/accounts/page.ts"

router = APIRouter(include_in_schema=False)


@router.get("/accounts", response_class=HTMLResponse)
async def accounts_page(request: Request, session: SessionDep) -> Response:
    user = await _page_user(request, session)
    if user is None:
        return _login_redirect(request)
    if user.role != Role.admin:
        return _render(
            request,
            "accounts.html",
            {**_user_context(user), "forbidden": True, "events": []},
            status_code=status.HTTP_403_FORBIDDEN,
            entry=ACCOUNTS_ENTRY,
        )
    event_rows = [{"id": e.id, "name": e.name} for e in await events.list_all(session)]
    return _render(
        request,
        "accounts.html",
        {**_user_context(user), "events": event_rows},
        entry=ACCOUNTS_ENTRY,
    )
