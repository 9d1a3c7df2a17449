"""Images for drafts: upload (multipart), list an event's, read the bytes back, change the
alt text."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile, status
from fastapi.responses import FileResponse

from app.auth.deps import CurrentUser, WriterUser
from app.common.errors import NotFound
from app.common.http_errors import error_response
from app.common.ids import Id
from app.db import SessionDep
from app.drafts import attachments
from app.drafts import content as checks
from app.drafts.media_limits import MAX_UPLOAD_BYTES
from app.drafts.schemas import AttachmentList, AttachmentPublic, AttachmentUpdate
from app.events.service import get_or_raise as get_event

router = APIRouter(tags=["drafts"])


@router.post(
    "/api/events/{event_id}/attachments",
    status_code=status.HTTP_201_CREATED,
    response_model=AttachmentPublic,
    responses={
        413: error_response("Larger than any network takes"),
        415: error_response("Not a JPEG, PNG, GIF or WEBP image (judged from its bytes)"),
    },
)
async def upload_attachment(
    event_id: Id,
    file: Annotated[UploadFile, File(description="The image")],
    request: Request,
    session: SessionDep,
    user: WriterUser,
    alt_text: Annotated[str, Form(description="What the image shows, for screen readers")] = "",
) -> dict[str, Any]:
    alt_text = attachments.check_alt_text(alt_text)
    image = attachments.check_image(await file.read(MAX_UPLOAD_BYTES + 1))
    await get_event(session, event_id)
    attachment = await attachments.add(
        session,
        event_id=event_id,
        image=image,
        alt_text=alt_text,
        data_dir=_data_dir(request),
        user_id=user.id,
        actor=user.username,
    )
    return attachments.public_dict(attachment)


@router.get("/api/events/{event_id}/attachments", response_model=AttachmentList)
async def list_attachments(event_id: Id, session: SessionDep, _user: CurrentUser) -> dict[str, Any]:
    """The event's images with their alt text, oldest first: what the draft editor shows."""
    await get_event(session, event_id)
    images = await attachments.all_of_event(session, event_id)
    return {"attachments": [attachments.public_dict(image) for image in images]}


@router.get(
    "/api/attachments/{attachment_id}",
    response_class=FileResponse,
    responses={200: {"content": {"image/*": {}}, "description": "The image's bytes"}},
)
async def read_attachment(
    attachment_id: Id, request: Request, session: SessionDep, _user: CurrentUser
) -> FileResponse:
    attachment = await attachments.get_or_raise(session, attachment_id)
    path = attachments.stored_path(_data_dir(request), attachment.sha256)
    if not path.is_file():
        raise NotFound(
            f"The bytes of attachment {attachment_id} are missing from the data folder.",
            attachment_id=attachment_id,
        )
    return FileResponse(
        path,
        media_type=attachment.media_type,
        headers={
            # Named by its hash: the bytes behind an id never change.
            "Cache-Control": "private, max-age=31536000, immutable",
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.patch(
    "/api/attachments/{attachment_id}",
    response_model=AttachmentPublic,
    responses={422: error_response("Longer than a network a draft sends the image to takes")},
)
async def update_attachment(
    attachment_id: Id, data: AttachmentUpdate, session: SessionDep, user: WriterUser
) -> dict[str, Any]:
    attachment = await attachments.set_alt_text(
        session, attachment_id, data.alt_text, actor=user.username
    )
    # Under the event's lock set_alt_text took: no draft is saved meanwhile. A refusal
    # rolls the change back with the request.
    await checks.check_alt_text_where_used(session, attachment)
    return attachments.public_dict(attachment)


def _data_dir(request: Request) -> Path:
    data_dir: Path = request.app.state.settings.data_dir
    return data_dir
