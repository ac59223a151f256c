"""The files a customer's e-mail brings (a bill, a photo, a contract).

Each is kept with the message when it is of a kind a work order takes
(``kefu.core.filekinds``) and within the center's size and count limits; the others are
named at the end of the message, so the agent knows what did not come through and can
ask for it again. When the message opens an order (by an intake rule, or by the agent
reading it), its files go onto the order, marked as the e-mail's. Each opening is audited,
as a file may show personal data.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, undefer

from kefu.contact.enums import ContactChannel
from kefu.contact.mail import MailFile
from kefu.contact.models import Interaction, MessageFile
from kefu.core import audit
from kefu.core.filekinds import FileKind, kind_of, shown_size
from kefu.core.rbac import Principal
from kefu.core.textsafe import one_line
from kefu.errors import KefuError, NotFound
from kefu.workorders import attachments
from kefu.workorders.attachments import AttachmentLimits, Upload
from kefu.workorders.models import WorkOrder

log = logging.getLogger(__name__)
SHOWN_NAME_CHARACTERS = 80


@dataclass(frozen=True, slots=True)
class SortedFiles:
    """A message's files: those kept, with their kinds, and the names of those not."""

    kept: list[tuple[MailFile, FileKind]]
    refused: list[str]

    def note(self) -> str:
        """What the message's text says of the files not kept ("" when all were)."""
        if not self.refused:
            return ""
        return "\n\n[未保存的附件 attachments not kept: " + ", ".join(self.refused) + "]"


def sort_files(files: tuple[MailFile, ...], limits: AttachmentLimits) -> SortedFiles:
    """Which files are kept: of an accepted kind, not empty, not over the size limit, and
    no more than an order takes. Each other one is named with why, in both languages, so
    the agent knows what to ask the customer for."""
    kept: list[tuple[MailFile, FileKind]] = []
    refused: list[str] = []
    for file in files:
        kind = kind_of(file.content) if 0 < len(file.content) <= limits.max_bytes else None
        why = _why_not_kept(file, kind, limits, len(kept))
        if why:
            name = one_line(file.name, limit=SHOWN_NAME_CHARACTERS) or "(unnamed)"
            refused.append(f"{name}（{why}）")
        else:
            assert kind is not None
            kept.append((file, kind))
    return SortedFiles(kept, refused)


def _why_not_kept(
    file: MailFile, kind: FileKind | None, limits: AttachmentLimits, kept: int
) -> str:
    if not file.content:
        return "空文件 empty"
    if len(file.content) > limits.max_bytes:
        size = shown_size(limits.max_bytes)
        return f"超过 {size} over {size}"
    if kind is None:
        return "类型不接受 kind not taken"
    if kept >= limits.per_order:
        return f"超过 {limits.per_order} 个 more than {limits.per_order}"
    return ""


def keep_files(
    session: Session, message: Interaction, kept: list[tuple[MailFile, FileKind]]
) -> None:
    """Store the files kept with their message."""
    for file, kind in kept:
        session.add(
            MessageFile(
                interaction_id=message.id,
                file_name=attachments.stored_name(file.name, kind),
                media_type=kind.media_type,
                size_bytes=len(file.content),
                sha256=hashlib.sha256(file.content).hexdigest(),
                content=file.content,
            )
        )
    session.flush()


def files_of(session: Session, message_id: int) -> list[MessageFile]:
    """A message's files, in the order the e-mail held them (their bytes not read)."""
    query = select(MessageFile).where(MessageFile.interaction_id == message_id)
    return list(session.scalars(query.order_by(MessageFile.id)))


def carry_to_order(
    session: Session,
    *,
    message: Interaction,
    order: WorkOrder,
    by: Principal,
    limits: AttachmentLimits,
) -> None:
    """Put the message's files onto the order it opened, marked as the e-mail's or the
    self-service message's. A file the order cannot take (its limit reached) stays with
    the message, which the order links to."""
    source = "web" if message.channel == ContactChannel.WEB else "email"
    query = (
        select(MessageFile)
        .where(MessageFile.interaction_id == message.id)
        .options(undefer(MessageFile.content))
        .order_by(MessageFile.id)
    )
    for file in session.scalars(query):
        upload = Upload(file.file_name, file.content, file.sha256)
        try:
            with audit.savepoint(session):
                attachments.attach(
                    session, order=order, upload=upload, by=by, limits=limits, source=source
                )
        except KefuError as refused:
            log.warning(
                "file %s of message %s not put on order %s: %s",
                file.id,
                message.id,
                order.number,
                refused,
            )


def message_file(session: Session, message: Interaction, file_id: int) -> MessageFile:
    """One of the message's files, its bytes read (404 for another message's)."""
    file = session.get(MessageFile, file_id, options=[undefer(MessageFile.content)])
    if file is None or file.interaction_id != message.id:
        raise NotFound("message_file_not_found")
    return file


def audit_opening(
    session: Session, *, message: Interaction, file: MessageFile, by: Principal
) -> None:
    """Each opening of a file is audited: it may show personal data."""
    audit.record(
        session,
        actor=by,
        action="interaction.file.open",
        entity_type="interaction",
        entity_id=message.id,
        details={"file": file.id, "file_name": file.file_name, "sha256": file.sha256},
    )
