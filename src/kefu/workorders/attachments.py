"""The files kept with a work order (附件): a bill's screenshot, a photo, a voice memo.

A file is taken only if its content is one of the accepted kinds (``kefu.core.filekinds``),
whatever its name says; its name is cleaned and given the kind's extension. It is kept in
the order's transaction, so an acknowledged upload survives a crash, and each upload,
opening and withdrawal is audited and the first and last are on the order's timeline.

Withdrawing a file (attached to the wrong order, or another customer's ID photo) erases
its content: personal data sent by mistake should not stay readable. The record stays,
with its digest, who withdrew it and why.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from kefu.config import ATTACHMENT_MAX_BYTES, ATTACHMENTS_PER_ORDER
from kefu.core import audit
from kefu.core.base import utcnow
from kefu.core.filekinds import FileKind, kind_of, shown_size
from kefu.core.rbac import Principal, Right
from kefu.errors import Conflict, Forbidden, NotFound, PayloadTooLarge, Unprocessable
from kefu.workorders.enums import EventKind, OrderStatus
from kefu.workorders.models import AttachmentContent, OrderAttachment, WorkOrder
from kefu.workorders.order_records import one_of_order, with_names
from kefu.workorders.service import record_event

MAX_NAME_CHARACTERS = 160
_NAMELESS = "file"
# Controls, bidirectional overrides (they disguise an extension: "gpj.exe" shown as
# "exe.jpg") and what Windows refuses in a file name.
_NOT_IN_NAMES = re.compile(r'[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff<>:"|?*]')


@dataclass(frozen=True, slots=True)
class Upload:
    """A file as sent: its name on the sender's machine, its bytes, their SHA-256 and a
    note."""

    file_name: str
    content: bytes
    sha256: str
    note: str = ""

    @classmethod
    def of(cls, file_name: str, content: bytes, note: str = "") -> Upload:
        """The upload of these bytes (hashed once: 10 MB take about 20 ms)."""
        return cls(file_name, content, hashlib.sha256(content).hexdigest(), note)


@dataclass(frozen=True, slots=True)
class AttachmentLimits:
    """The largest file taken and how many an order keeps (withdrawn ones aside)."""

    max_bytes: int
    per_order: int


DEFAULT_LIMITS = AttachmentLimits(ATTACHMENT_MAX_BYTES, ATTACHMENTS_PER_ORDER)


@dataclass(frozen=True, slots=True)
class ListedAttachment:
    """An attachment with the names of who sent and who withdrew it."""

    row: OrderAttachment
    uploaded_by: str | None
    withdrawn_by: str | None


def attach(
    session: Session,
    *,
    order: WorkOrder,
    upload: Upload,
    by: Principal,
    limits: AttachmentLimits,
    source: str = "upload",
) -> OrderAttachment:
    """Keep a file with the order (any state but cancelled: evidence may come after the
    answer); on its timeline, audited. ``source``: "email" or "web" for a file the
    customer's e-mail or self-service message brought."""
    if order.status == OrderStatus.CANCELLED:
        raise Conflict("attachment_order_cancelled", number=order.number)
    kind = accepted_kind(upload.content, limits.max_bytes)
    if kept_counts(session, [order.id]).get(order.id, 0) >= limits.per_order:
        raise Unprocessable("attachment_limit", field="file", max=limits.per_order)
    row = OrderAttachment(
        order_id=order.id,
        file_name=stored_name(upload.file_name, kind),
        media_type=kind.media_type,
        size_bytes=len(upload.content),
        sha256=upload.sha256,
        uploaded_by_id=by.staff_id,
        uploaded_at=utcnow(),
        note=upload.note,
        source=source,
    )
    session.add(row)
    session.flush()
    session.add(AttachmentContent(attachment_id=row.id, content=upload.content))
    shown = {"attachment": row.id, "file_name": row.file_name, "size": row.size_bytes}
    record_event(session, order, kind=EventKind.ATTACHMENT, by=by, reason=row.note, details=shown)
    _audit(session, by, "order.attachment.add", order, row)
    return row


def accepted_kind(content: bytes, max_bytes: int) -> FileKind:
    """The file's kind when an order (or a message) may keep it: not empty, within
    ``max_bytes``, of a kind taken whatever its name says; else 422 or 413 at ``file``."""
    if not content:
        raise Unprocessable("attachment_empty", field="file")
    if len(content) > max_bytes:
        raise PayloadTooLarge("attachment_too_large", field="file", limit=shown_size(max_bytes))
    kind = kind_of(content)
    if kind is None:
        raise Unprocessable("attachment_kind_refused", field="file")
    return kind


def kept_counts(session: Session, order_ids: list[int]) -> dict[int, int]:
    """How many files each of these orders keeps (orders with none are left out): one
    grouped query for a page of queue rows."""
    if not order_ids:
        return {}
    query = (
        select(OrderAttachment.order_id, func.count())
        .where(OrderAttachment.order_id.in_(order_ids), OrderAttachment.withdrawn_at.is_(None))
        .group_by(OrderAttachment.order_id)
    )
    return {int(order_id): int(n) for order_id, n in session.execute(query)}


def stored_name(sent: str, kind: FileKind) -> str:
    """The name a file is kept under: the last part of what was sent (old browsers send
    a whole path), without control characters or what Windows refuses, ending with the
    kind's extension (``bill.pdf`` that is a PNG is kept as ``bill.png``)."""
    name = unicodedata.normalize("NFC", sent).replace("\\", "/").rsplit("/", 1)[-1]
    name = " ".join(_NOT_IN_NAMES.sub("", name).split()).strip(" .")
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    ending = "." + extension.lower()
    if ending not in kind.extensions:
        ending = kind.extensions[0]
    stem = stem.strip(" .")[: MAX_NAME_CHARACTERS - len(ending)].rstrip(" .") or _NAMELESS
    return stem + ending


def withdraw(
    session: Session, *, order: WorkOrder, attachment: OrderAttachment, reason: str, by: Principal
) -> OrderAttachment:
    """Withdraw a file sent by mistake: by whoever sent it, or a dispatcher. Its content
    is erased; the record, the timeline and the audit say who, when and why."""
    if attachment.withdrawn_at is not None:
        raise Conflict("attachment_withdrawn", file_name=attachment.file_name)
    if attachment.uploaded_by_id != by.staff_id and not by.has(Right.ORDER_DISPATCH):
        raise Forbidden("attachment_not_yours")
    attachment.withdrawn_at = utcnow()
    attachment.withdrawn_by_id = by.staff_id
    attachment.withdrawn_reason = reason
    session.execute(
        delete(AttachmentContent).where(AttachmentContent.attachment_id == attachment.id)
    )
    shown = {"attachment": attachment.id, "file_name": attachment.file_name, "withdrawn": True}
    record_event(session, order, kind=EventKind.ATTACHMENT, by=by, reason=reason, details=shown)
    _audit(session, by, "order.attachment.withdraw", order, attachment, reason)
    session.flush()
    return attachment


def move_kept(session: Session, *, source: WorkOrder, target: WorkOrder) -> list[str]:
    """Move the files ``source`` keeps (not those withdrawn) onto ``target``, as when a
    duplicate is merged into the order kept: the evidence goes with the problem. Returns
    their names."""
    kept = list(
        session.scalars(
            select(OrderAttachment)
            .where(OrderAttachment.order_id == source.id, OrderAttachment.withdrawn_at.is_(None))
            .order_by(OrderAttachment.id)
        )
    )
    for row in kept:
        row.order_id = target.id
    session.flush()
    return [row.file_name for row in kept]


def the_attachment(session: Session, order: WorkOrder, attachment_id: int) -> OrderAttachment:
    """One of the order's attachments (404 for another order's, or none)."""
    return one_of_order(
        session, OrderAttachment, order, attachment_id, missing="attachment_not_found"
    )


def open_content(
    session: Session, *, order: WorkOrder, attachment: OrderAttachment, by: Principal
) -> bytes:
    """The file's bytes, for someone who may see the order; each opening is audited, as
    the file may show personal data (a photo of an ID card, a bill)."""
    if attachment.withdrawn_at is not None:
        raise NotFound("attachment_withdrawn", file_name=attachment.file_name)
    content = session.get(AttachmentContent, attachment.id)
    if content is None:  # a withdrawal erases the two together
        raise NotFound("attachment_not_found")
    _audit(session, by, "order.attachment.open", order, attachment)
    return content.content


def listed(session: Session, order_id: int) -> list[ListedAttachment]:
    """The order's attachments, oldest first, withdrawn ones included."""
    people = (OrderAttachment.uploaded_by_id, OrderAttachment.withdrawn_by_id)
    rows = with_names(session, OrderAttachment, order_id, people, newest_first=False)
    return [ListedAttachment(*row) for row in rows]


def _audit(
    session: Session,
    by: Principal,
    action: str,
    order: WorkOrder,
    attachment: OrderAttachment,
    reason: str | None = None,
) -> None:
    audit.record(
        session,
        actor=by,
        action=action,
        entity_type="work_order",
        entity_id=order.id,
        reason=reason,
        details={
            "attachment": attachment.id,
            "file_name": attachment.file_name,
            "media_type": attachment.media_type,
            "size": attachment.size_bytes,
            "sha256": attachment.sha256,
        },
    )
