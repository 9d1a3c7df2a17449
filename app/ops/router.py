"""Health and readiness for load balancers and orchestrators."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

logger = logging.getLogger(__name__)

router = APIRouter(tags=["operations"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(request: Request) -> JSONResponse:
    """The process can reach its database: ready for traffic (200), or not (503).

    Anyone may ask, so the answer never says why: a driver's error names hosts, users and
    paths. The reason goes to the log."""
    db = request.app.state.db
    try:
        async with db.read_session() as session:
            await session.execute(text("SELECT 1"))
    except Exception:
        logger.exception("not ready: the database did not answer")
        return JSONResponse(status_code=503, content={"status": "unavailable"})
    return JSONResponse(content={"status": "ok"})
