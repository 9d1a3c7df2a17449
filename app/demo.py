"""``cuedesk demo``: a live-looking console at once, on SQLite with the simulator."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app import migrate
from app.auth import service as auth
from app.auth.models import User
from app.common.time import utcnow
from app.config import Settings
from app.db import Database
from app.events import service as events
from app.events.models import Event, EventStatus
from app.events.schemas import EventCreate
from app.ingest import service as sources
from app.ingest.models import SourceStatus
from app.ingest.sources.simulator.config import SimulatorConfig
from app.replies import saved as saved_replies

DEMO_USERNAME = "demo"
# A known password is the point of a demo; `cuedesk demo` refuses to run in production.
DEMO_PASSWORD = "cuedesk-demo"
DEMO_EVENT_NAME = "Cup Final (demo)"
DEMO_SEED = 2026
DEMO_SAVED_REPLIES = (
    ("Thanks", "Thanks for watching, {handle}! Enjoy the rest of the final."),
    ("Replay", "Missed it, {name}? The full replay is up after the final whistle."),
    ("Prize draw", "{handle} you're in the draw! Winners are announced at half-time."),
)


@dataclass(frozen=True)
class DemoInfo:
    event_id: int
    event_name: str
    username: str
    password: str
    rate: float


async def prepare_demo(settings: Settings, *, rate: float) -> DemoInfo:
    """Create (or reuse) the demo login, event and running simulator. Idempotent."""
    url = settings.database_url_resolved
    if url.startswith("sqlite"):
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    await migrate.upgrade(url)
    config = SimulatorConfig(rate=rate, seed=DEMO_SEED)  # validates the rate
    db = Database(url)
    try:
        async with db.transaction() as session:
            user = (
                await session.execute(select(User).where(User.username == DEMO_USERNAME))  # type: ignore[arg-type]
            ).scalar_one_or_none()
            if user is None:
                user = await auth.create_user(
                    session,
                    username=DEMO_USERNAME,
                    password=DEMO_PASSWORD,
                    role="producer",
                    display_name="Demo Producer",
                )
            else:
                assert user.id is not None
                await auth.update_user(
                    session, user.id, password=DEMO_PASSWORD, is_active=True, role="producer"
                )
            event = (
                await session.execute(select(Event).where(Event.name == DEMO_EVENT_NAME))  # type: ignore[arg-type]
            ).scalar_one_or_none()
            if event is None:
                event = await events.create(
                    session,
                    EventCreate(
                        name=DEMO_EVENT_NAME,
                        hashtags=["CupFinal", "FinalNight"],
                        keywords=["penalty", "VAR"],
                        starts_at=utcnow(),
                        status=EventStatus.live,
                    ),
                    actor=DEMO_USERNAME,
                )
            assert event.id is not None
            if not await saved_replies.list_for_event(session, event.id):
                for title, text in DEMO_SAVED_REPLIES:
                    await saved_replies.create(session, event.id, user, title=title, text=text)
            running = [
                s
                for s in await sources.list_for_event(session, event.id)
                if s.status == SourceStatus.running.value and s.kind == "simulator"
            ]
            if not running:
                await sources.create(
                    session,
                    event.id,
                    "simulator",
                    config.model_dump(mode="json"),
                    actor=DEMO_USERNAME,
                )
            else:
                rate = float(running[0].config.get("rate", rate))
            return DemoInfo(event.id, event.name, DEMO_USERNAME, DEMO_PASSWORD, rate)
    finally:
        await db.dispose()
