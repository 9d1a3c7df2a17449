"""Sources of an event: start one, list them, stop one."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request, status
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError

from app.auth.deps import CurrentUser, ProducerUser
from app.common.ids import Id
from app.db import SessionDep
from app.ingest import imports, service
from app.ingest.manager import SourceManager
from app.ingest.models import Source
from app.ingest.schemas import SourceCreate, SourcePublic
from app.ingest.sources import UnknownKind

router = APIRouter(prefix="/api/events", tags=["sources"])
# Files for file sources: the imports folder (docs/floods.md#file-source).
imports_router = APIRouter(prefix="/api/imports", tags=["sources"])


def _manager(request: Request) -> SourceManager:
    manager: SourceManager = request.app.state.sources
    return manager


def _parse(data: SourceCreate, manager: SourceManager) -> Any:
    """The kind's validated config, or a 422 shaped like every other validation error."""
    try:
        return manager.parse_config(data.kind, data.config)
    except UnknownKind as exc:
        raise RequestValidationError(
            [{"type": "value_error", "loc": ("body", "kind"), "msg": str(exc), "input": data.kind}]
        ) from None
    except ValidationError as exc:
        raise RequestValidationError(
            [
                {**error, "loc": ("body", "config", *error["loc"])}
                for error in exc.errors(include_url=False, include_context=False)
            ]
        ) from None


@router.post(
    "/{event_id}/sources", status_code=status.HTTP_201_CREATED, response_model=SourcePublic
)
async def start_source(
    event_id: Id, data: SourceCreate, request: Request, session: SessionDep, user: ProducerUser
) -> Source:
    """Start a source of mentions for the event (``kind`` ``simulator`` by default). A
    running source resumes when the server restarts, until it is stopped."""
    manager = _manager(request)
    config = _parse(data, manager)
    return await manager.create(session, event_id, data.kind, config, actor=user.username)


@router.get("/{event_id}/sources", response_model=list[SourcePublic])
async def list_sources(
    event_id: Id, request: Request, session: SessionDep, _user: CurrentUser
) -> list[Source]:
    """The event's sources, running or not, oldest first."""
    return await _manager(request).list_for_event(session, event_id)


@router.get("/{event_id}/sources/{source_id}", response_model=SourcePublic)
async def get_source(
    event_id: Id, source_id: Id, session: SessionDep, _user: CurrentUser
) -> Source:
    return await service.get_or_raise(session, event_id, source_id)


@router.delete("/{event_id}/sources/{source_id}", response_model=SourcePublic)
async def stop_source(
    event_id: Id, source_id: Id, request: Request, session: SessionDep, user: ProducerUser
) -> Source:
    """Stop a source; answers it as stopped. Stopping one that already ended changes nothing.
    Mentions it produced before the stop are still stored."""
    return await _manager(request).stop_source(session, event_id, source_id, actor=user.username)


class ImportFilePublic(BaseModel):
    name: str
    bytes: int


@imports_router.get("", response_model=list[ImportFilePublic])
async def list_imports(request: Request, _user: ProducerUser) -> list[ImportFilePublic]:
    """The files of the imports folder that a file source can play."""
    folder = request.app.state.settings.imports_dir_resolved
    found = await asyncio.to_thread(imports.list_files, folder)
    return [ImportFilePublic(name=f.name, bytes=f.bytes) for f in found]


@imports_router.put(
    "/{name}",
    status_code=status.HTTP_201_CREATED,
    response_model=ImportFilePublic,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/x-ndjson": {"schema": {"type": "string"}}},
        }
    },
)
async def upload_import(name: str, request: Request, _user: ProducerUser) -> ImportFilePublic:
    """Upload a JSONL file into the imports folder under ``name`` (replacing one of that
    name), for a file source to play. Up to ``max_body_bytes``; bigger files go in the
    folder by hand."""
    settings = request.app.state.settings
    saved = await imports.save(
        settings.imports_dir_resolved, name, request.stream(), settings.max_body_bytes
    )
    return ImportFilePublic(name=saved.name, bytes=saved.bytes)
