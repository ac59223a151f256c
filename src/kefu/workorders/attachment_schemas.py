"""Request and response bodies of a work order's attachments."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel

from kefu.core.filekinds import FileGroup


class AttachmentOut(BaseModel):
    """A file kept with an order. ``content_url`` is gone once it is withdrawn (its
    content erased); the record stays, with who withdrew it and why."""

    id: int
    order_id: int
    file_name: str
    media_type: str  # read from the content, not from the name
    group: FileGroup
    opens_in_browser: bool  # an image or audio the browser shows; the rest downloads
    size_bytes: int
    sha256: str
    note: str
    # sent by staff, or brought by the customer's e-mail or self-service message
    source: Literal["upload", "email", "web"]
    uploaded_at: datetime
    uploaded_by: str | None
    uploaded_by_id: int | None
    withdrawn_at: datetime | None
    withdrawn_by: str | None
    withdrawn_reason: str | None
    content_url: str | None


class AttachmentList(BaseModel):
    """An order's attachments, oldest first, and what it may still take."""

    items: list[AttachmentOut]
    max_bytes: int
    max_count: int


class UploadFingerprint(BaseModel):
    """What identifies an upload for its ``Idempotency-Key``: the same file, name and
    note sent again is the same upload."""

    file_name: str
    sha256: str
    size_bytes: int
    note: str
