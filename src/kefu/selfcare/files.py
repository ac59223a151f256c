"""Files a subscriber adds to a message just left on the self-service page (a photo of the
bill, of the signal bars): kept with the message as an e-mail's files are, so the agent
opens them in the inbox and they go onto the work order the message opens.

Only to the subscriber's own message, within an hour of writing it and while it waits for
an answer; a few per message and per day, of the kinds a work order takes, as the files
are kept in the database and this page faces the internet."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kefu.contact.enums import ContactChannel, Direction, InteractionStatus
from kefu.contact.mail import MailFile
from kefu.contact.message_files import keep_files
from kefu.contact.models import Interaction, MessageFile
from kefu.core.base import utcnow
from kefu.errors import Conflict, NotFound, TooManyRequests, Unprocessable
from kefu.selfcare.models import SelfCareSession
from kefu.selfcare.signin import audit_subscriber
from kefu.workorders.attachments import Upload, accepted_kind

FILES_PER_MESSAGE = 3
FILES_PER_DAY = 10
ADD_WITHIN = timedelta(hours=1)  # files go with a message just written, not an old one


def _own_waiting_message(session: Session, me: SelfCareSession, message_id: int) -> Interaction:
    message = session.get(Interaction, message_id)
    mine = (
        message is not None
        and message.channel == ContactChannel.WEB
        and message.direction == Direction.INBOUND
        and message.address == me.msisdn
    )
    if not mine or message is None:
        raise NotFound("selfcare_message_not_found")
    if message.status != InteractionStatus.OPEN or message.offered_at < utcnow() - ADD_WITHIN:
        raise Conflict("selfcare_files_too_late", field="file")
    return message


def _check_counts(session: Session, me: SelfCareSession, message: Interaction) -> None:
    on_message = session.scalar(
        select(func.count()).where(MessageFile.interaction_id == message.id)
    )
    if (on_message or 0) >= FILES_PER_MESSAGE:
        raise Unprocessable("selfcare_files_limit", field="file", max=FILES_PER_MESSAGE)
    today = session.scalar(
        select(func.count())
        .select_from(MessageFile)
        .join(Interaction, Interaction.id == MessageFile.interaction_id)
        .where(
            Interaction.channel == ContactChannel.WEB,
            Interaction.address == me.msisdn,
            Interaction.offered_at > utcnow() - timedelta(days=1),
        )
    )
    if (today or 0) >= FILES_PER_DAY:
        raise TooManyRequests("selfcare_files_per_day", field="file", limit=FILES_PER_DAY)


def add_file(
    session: Session,
    me: SelfCareSession,
    *,
    message_id: int,
    upload: Upload,
    max_bytes: int,
    ip: str,
) -> MessageFile:
    """Keep the file with the subscriber's message (audited). The same file sent again
    (a retry) is the one kept already."""
    message = _own_waiting_message(session, me, message_id)
    kept = session.scalar(
        select(MessageFile).where(
            MessageFile.interaction_id == message.id, MessageFile.sha256 == upload.sha256
        )
    )
    if kept is not None:
        return kept
    _check_counts(session, me, message)
    kind = accepted_kind(upload.content, max_bytes)
    keep_files(session, message, [(MailFile(upload.file_name, upload.content), kind)])
    stored = session.scalars(
        select(MessageFile)
        .where(MessageFile.interaction_id == message.id)
        .order_by(MessageFile.id.desc())
    ).first()
    assert stored is not None  # just kept
    audit_subscriber(
        session,
        me.msisdn,
        ip=ip,
        action="selfcare.file",
        entity=("interaction", message.id),
        details={"file": stored.id, "sha256": stored.sha256, "size": stored.size_bytes},
    )
    return stored


def file_names(session: Session, message_ids: list[int]) -> dict[int, list[str]]:
    """The names of the files each message keeps, in the order added (one query)."""
    if not message_ids:
        return {}
    rows = session.execute(
        select(MessageFile.interaction_id, MessageFile.file_name)
        .where(MessageFile.interaction_id.in_(message_ids))
        .order_by(MessageFile.id)
    )
    found: dict[int, list[str]] = {}
    for message_id, name in rows:
        found.setdefault(message_id, []).append(name)
    return found
