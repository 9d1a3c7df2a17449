"""The browser console: server-rendered pages and the static files they load.

Pages only render the shell; the data beyond the first paint comes from the public API,
so the console never has a private path to the database that scripts do not have. The
pages' scripts are built by Vite (``scripts/build-frontend``) and served from ``/assets``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlsplit

from fastapi import APIRouter, Query, Request, status
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from app.accounts import mastodon as mastodon_accounts
from app.auth import service as auth
from app.auth.deps import PRODUCER_ROLES, SESSION_COOKIE
from app.auth.models import Role, User
from app.common.errors import NotFound
from app.common.ids import Id
from app.common.time import isoformat_z
from app.console.assets import ASSET_NAME, BUILD_COMMAND, Manifest
from app.db import SessionDep
from app.events import service as events
from app.events.models import Event, EventStatus, Network
from app.reports import presentation
from app.reports import service as reports

FRONTEND_DIR = Path(__file__).resolve().parents[2] / "frontend"

DEFAULT_DIST_DIR = FRONTEND_DIR / "dist"

templates = Jinja2Templates(directory=FRONTEND_DIR / "templates")

LOGIN_ENTRY = "src/pages/login.ts"
EVENTS_ENTRY = "src/pages/events.ts"
EVENT_ENTRY = "src/pages/event.ts"
EVENT_SETTINGS_ENTRY = "src/pages/event-settings.ts"
USERS_ENTRY = "src/pages/users.ts"
REPORT_ENTRY = "src/pages/report.ts"
NETWORK_LABELS = {Network.x: "X", Network.mastodon: "Mastodon", Network.bluesky: "Bluesky"}

router = APIRouter(include_in_schema=False)

# Mention text is untrusted; even if a rendering bug let markup through, the browser must
# refuse to run it. Avatars come from any network's CDN, hence the https: images.
_SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' https: data:; object-src 'none'; "
        "base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    ),
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    # Pages name the logged-in user; a shared console must not show them from cache.
    "Cache-Control": "no-store",
}
# Built files are named by their content hash: a new build is a new URL, so cache for good.
_ASSET_HEADERS = {
    "Cache-Control": "public, max-age=31536000, immutable",
    "X-Content-Type-Options": "nosniff",
}
_ASSET_TYPES = {".js": "text/javascript", ".css": "text/css", ".map": "application/json"}


def console_manifest(dist_dir: Path | None) -> Manifest:
    """The manifest of the console built in ``dist_dir`` (``CUEDESK_CONSOLE_DIST_DIR``)."""
    return Manifest(dist_dir or DEFAULT_DIST_DIR)


def _manifest(request: Request) -> Manifest:
    manifest: Manifest = request.app.state.console_manifest
    return manifest


def safe_next(value: str | None) -> str:
    """Where to go after login: a path on this site, never another origin."""
    if not value or not value.startswith("/") or value.startswith(("//", "/\\")):
        return "/"
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or any(ord(char) < 0x20 for char in value):
        return "/"
    return value


async def _page_user(request: Request, session: SessionDep) -> User | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    return await auth.user_for_session_token(session, token)


def _login_redirect(request: Request) -> RedirectResponse:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(
        f"/login?next={quote(target, safe='/')}", status_code=status.HTTP_303_SEE_OTHER
    )


def _render(
    request: Request,
    template: str,
    context: dict[str, Any],
    status_code: int = 200,
    *,
    entry: str,
) -> HTMLResponse:
    assets = _manifest(request).entry(entry)
    if assets is None:
        # Say so on the page rather than serve a console that silently does nothing.
        status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    return templates.TemplateResponse(
        request,
        template,
        {**context, "assets": assets, "build_command": BUILD_COMMAND},
        status_code=status_code,
        headers=_SECURITY_HEADERS,
    )


def _user_context(user: User) -> dict[str, Any]:
    # The top bar's links follow the role: only an admin sees Users.
    return {
        "user_name": user.display_name or user.username,
        "user_role": user.role,
        "is_admin": user.role == Role.admin,
    }


@router.get("/login", response_class=HTMLResponse)
async def login_page(
    request: Request,
    session: SessionDep,
    next_path: Annotated[str | None, Query(alias="next")] = None,
) -> Response:
    target = safe_next(next_path)
    if await _page_user(request, session) is not None:
        return RedirectResponse(target, status_code=status.HTTP_303_SEE_OTHER)
    return _render(request, "login.html", {"next": target}, entry=LOGIN_ENTRY)


@router.get("/", response_class=HTMLResponse)
async def event_list_page(request: Request, session: SessionDep) -> Response:
    user = await _page_user(request, session)
    if user is None:
        return _login_redirect(request)
    rows = [
        {
            "id": event.id,
            "name": event.name,
            "hashtags": event.hashtags,
            "status": event.status,
            "starts_at": isoformat_z(event.starts_at) if event.starts_at else None,
        }
        for event in await events.list_all(session)
    ]
    context = {
        **_user_context(user),
        "events": rows,
        "can_set_up": user.role in PRODUCER_ROLES,
        "networks": [(network.value, label) for network, label in NETWORK_LABELS.items()],
    }
    return _render(request, "events.html", context, entry=EVENTS_ENTRY)


async def _page_event(session: SessionDep, event_id: str) -> Event | None:
    # /events/abc is a page that does not exist, not a validation error; the length cap
    # keeps the id within a 64-bit integer column.
    if not (event_id.isascii() and event_id.isdigit() and len(event_id) <= 18):
        return None
    try:
        return await events.get_or_raise(session, int(event_id))
    except NotFound:
        return None


def _not_found(request: Request, user: User, what: str) -> HTMLResponse:
    return _render(
        request,
        "not_found.html",
        {**_user_context(user), "what": what},
        status_code=status.HTTP_404_NOT_FOUND,
        entry=EVENTS_ENTRY,
    )


def _forbidden(request: Request, user: User, why: str) -> HTMLResponse:
    return _render(
        request,
        "forbidden.html",
        {**_user_context(user), "why": why},
        status_code=status.HTTP_403_FORBIDDEN,
        entry=EVENTS_ENTRY,
    )


@router.get("/events/{event_id}", response_class=HTMLResponse)
async def event_page(request: Request, event_id: str, session: SessionDep) -> Response:
    user = await _page_user(request, session)
    if user is None:
        return _login_redirect(request)
    event = await _page_event(session, event_id)
    if event is None:
        return _not_found(request, user, f"Event {event_id}")
    assert event.id is not None
    mastodon = await mastodon_accounts.counting_for_event(
        session, event.id, request.app.state.settings.mastodon_max_characters
    )
    return _render(
        request,
        "event.html",
        {
            **_user_context(user),
            "event": {
                "id": event.id,
                "name": event.name,
                "hashtags": event.hashtags,
                "status": event.status,
                "on_air_at": isoformat_z(event.on_air_at) if event.on_air_at else None,
                "off_air_at": isoformat_z(event.off_air_at) if event.off_air_at else None,
            },
            # The composers count Mastodon as the event's server does.
            "mastodon": mastodon,
            "username": user.username,
            "can_set_up": user.role in PRODUCER_ROLES,
            "networks": [(network.value, label) for network, label in NETWORK_LABELS.items()],
            # Browser tests drive the page through a small hook; no other deployment has it.
            "test_hooks": request.app.state.settings.environment == "test",
        },
        entry=EVENT_ENTRY,
    )


@router.get("/events/{event_id}/settings", response_class=HTMLResponse)
async def event_settings_page(request: Request, event_id: str, session: SessionDep) -> Response:
    """A producer sets the night up: the event's fields, its sources, its VIPs."""
    user = await _page_user(request, session)
    if user is None:
        return _login_redirect(request)
    event = await _page_event(session, event_id)
    if event is None:
        return _not_found(request, user, f"Event {event_id}")
    if user.role not in PRODUCER_ROLES:
        return _forbidden(request, user, "Only producers and admins set up an event.")
    return _render(
        request,
        "event_settings.html",
        {
            **_user_context(user),
            "event": {"id": event.id, "name": event.name},
            "networks": [(network.value, label) for network, label in NETWORK_LABELS.items()],
            "statuses": [value.value for value in EventStatus],
        },
        entry=EVENT_SETTINGS_ENTRY,
    )


@router.get("/users", response_class=HTMLResponse)
async def users_page(request: Request, session: SessionDep) -> Response:
    """An admin manages the team: accounts, roles, who may log in, passwords."""
    user = await _page_user(request, session)
    if user is None:
        return _login_redirect(request)
    if user.role != Role.admin:
        return _forbidden(request, user, "Only admins manage users.")
    return _render(
        request,
        "users.html",
        {**_user_context(user), "me_id": user.id, "roles": [role.value for role in Role]},
        entry=USERS_ENTRY,
    )


@router.get("/events/{event_id}/report", response_class=HTMLResponse)
async def report_page(request: Request, event_id: Id, session: SessionDep) -> Response:
    """The after-show report, printable (app/reports/service.py computes it)."""
    user = await _page_user(request, session)
    if user is None:
        return _login_redirect(request)
    try:
        report = await reports.build(request.app.state.db.read_engine, event_id)
    except NotFound:
        context = {**_user_context(user), "what": f"Event {event_id}"}
        return _render(request, "not_found.html", context, 404, entry=EVENTS_ENTRY)
    context = {
        **_user_context(user),
        "report": report,
        "chart": presentation.chart_data(report),
        **presentation.helpers(report),
    }
    return _render(request, "report.html", context, entry=REPORT_ENTRY)


@router.get("/assets/{name}")
async def built_asset(name: str, request: Request) -> Response:
    """The console's built scripts and styles (``frontend/dist/assets``)."""
    path = _manifest(request).assets_dir / name
    if not ASSET_NAME.fullmatch(name) or ".." in name or not path.is_file():
        return Response(status_code=status.HTTP_404_NOT_FOUND)
    media_type = _ASSET_TYPES.get(path.suffix)
    return FileResponse(path, media_type=media_type, headers=_ASSET_HEADERS)
