"""Health, readiness and metrics for load balancers, orchestrators and Prometheus."""

from __future__ import annotations

import logging
import secrets

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy import text

from app.ops import metrics

logger = logging.getLogger(__name__)

router = APIRouter(tags=["operations"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(request: Request) -> JSONResponse:
    """The process can reach its database: ready for traffic (200), or not (503).

    The broker is reported but does not decide: while it is out, consoles stream from the
    journal, so taking every process out of the balancer would only make things worse.
    ``"broker": "degraded"`` tells an operator's probe that fan-out runs on its fallback.

    Anyone may ask, so the answer never says why: a driver's error names hosts, users and
    paths. The reason goes to the log."""
    db = request.app.state.db
    try:
        async with db.read_session() as session:
            await session.execute(text("SELECT 1"))
    except Exception:
        logger.exception("not ready: the database did not answer")
        return JSONResponse(status_code=503, content={"status": "unavailable"})
    broker = "ok" if request.app.state.broker.healthy else "degraded"
    return JSONResponse(content={"status": "ok", "broker": broker})


@router.get("/metrics", response_class=Response)
async def prometheus_metrics(request: Request) -> Response:
    """This process's figures in Prometheus' text format. Open unless
    ``CUEDESK_METRICS_TOKEN`` is set; then it asks for ``Authorization: Bearer <token>``."""
    expected = request.app.state.settings.metrics_token
    if expected:
        given = request.headers.get("authorization", "")
        if not secrets.compare_digest(given.encode(), f"Bearer {expected}".encode()):
            return JSONResponse(
                status_code=401,
                content={"detail": "send the metrics token: Authorization: Bearer <token>"},
                headers={"WWW-Authenticate": "Bearer"},
            )
    return Response(await metrics.render(request.app), media_type=CONTENT_TYPE_LATEST)
