"""HTTP routes of a work order's attachments: list, upload, open, withdraw."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from kefu.core.filekinds import stored_kind
from kefu.core.idempotency import create_once
from kefu.core.types import PathId, ShortText
from kefu.core.web import DbSession, IdempotencyKey, committed, served_file, write_and_commit
from kefu.workorders import attachments
from kefu.workorders.attachment_schemas import AttachmentList, AttachmentOut, UploadFingerprint
from kefu.workorders.attachments import ListedAttachment, Upload
from kefu.workorders.deps import (
    CanReadOrders,
    CanWorkOrders,
    LoadedOrder,
    attachment_limits,
    visible_order,
)
from kefu.workorders.schemas import ReasonRequest
from kefu.workorders.views import attachment_out

router = APIRouter(prefix="/api/v1", tags=["work orders"])

# The upload's path: its body may be as large as a file, and is binary (kefu.core.limits).
UPLOAD_PATHS = re.compile(r"/api/v1/work-orders/\d{1,10}/attachments")
# What a multipart body adds to its file: the boundaries, headers and the note.
UPLOAD_OVERHEAD_BYTES = 65_536


@router.get("/work-orders/{order_id}/attachments", response_model=AttachmentList)
def list_attachments(order: LoadedOrder, session: DbSession, request: Request) -> AttachmentList:
    """The files kept with the order, oldest first; withdrawn ones say who withdrew them
    and why, and have no content left."""
    limits = attachment_limits(request)
    items = [attachment_out(item) for item in attachments.listed(session, order.id)]
    return AttachmentList(items=items, max_bytes=limits.max_bytes, max_count=limits.per_order)


@router.post("/work-orders/{order_id}/attachments", response_model=AttachmentOut, status_code=201)
async def add_attachment(
    order_id: PathId,
    file: UploadFile,
    principal: CanWorkOrders,
    session: DbSession,
    request: Request,
    note: Annotated[ShortText, Form()] = "",
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Keep a file with the order (multipart: ``file``, and an optional ``note``). Taken
    when its content is an image (PNG, JPEG, GIF, WebP, HEIC), a PDF, a Word or Excel
    document, or audio (MP3, WAV, AMR, M4A), whatever its name says; up to the
    center's size and count limits. On the order's timeline, audited. Any state but
    cancelled."""
    content = await file.read()
    # hashed in the thread pool: 10 MB would hold the event loop for 20 ms
    upload = await run_in_threadpool(Upload.of, file.filename or "", content, note)
    limits = attachment_limits(request)

    def attach() -> ListedAttachment:
        order = visible_order(session, order_id, principal)
        row = attachments.attach(session, order=order, upload=upload, by=principal, limits=limits)
        return ListedAttachment(row, principal.display_name, None)

    status, body = await create_once(
        session,
        key=idempotency_key,
        actor_id=principal.staff_id,
        operation=f"order.attachment.{order_id}",  # one key, one order
        payload=_fingerprint(upload),
        create=attach,
        answer=attachment_out,
    )
    return JSONResponse(body, status_code=status)


def _fingerprint(upload: Upload) -> UploadFingerprint:
    return UploadFingerprint(
        file_name=upload.file_name,
        sha256=upload.sha256,
        size_bytes=len(upload.content),
        note=upload.note,
    )


@router.get(
    "/work-orders/{order_id}/attachments/{attachment_id}/content",
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {}}}},
)
def open_attachment(
    order: LoadedOrder,
    attachment_id: PathId,
    principal: CanReadOrders,
    session: DbSession,
    inline: Annotated[bool, Query()] = False,
) -> Response:
    """The file itself, for whoever may read the order; audited. ``inline=true`` shows
    an image or audio in the browser; anything else is always downloaded. 404 once
    withdrawn."""
    row = attachments.the_attachment(session, order, attachment_id)
    content = write_and_commit(
        session,
        lambda: attachments.open_content(session, order=order, attachment=row, by=principal),
    )
    kind = stored_kind(row.media_type)
    return served_file(
        content,
        media_type=row.media_type,
        file_name=row.file_name,
        inline=inline and kind.opens_in_browser,
    )


@router.post(
    "/work-orders/{order_id}/attachments/{attachment_id}/withdraw", response_model=AttachmentOut
)
async def withdraw_attachment(
    order_id: PathId,
    attachment_id: PathId,
    data: ReasonRequest,
    principal: CanWorkOrders,
    session: DbSession,
) -> AttachmentOut:
    """Withdraw a file sent by mistake, with the reason: by whoever sent it, or a
    dispatcher. Its content is erased; the record stays. 409 when already withdrawn."""

    def withdraw() -> ListedAttachment:
        order = visible_order(session, order_id, principal)
        row = attachments.the_attachment(session, order, attachment_id)
        attachments.withdraw(session, order=order, attachment=row, reason=data.reason, by=principal)
        return next(i for i in attachments.listed(session, order.id) if i.row.id == row.id)

    return await committed(session, withdraw, attachment_out)
