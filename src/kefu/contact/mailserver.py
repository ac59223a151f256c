"""E-mail into kefu: an SMTP receiver (aiosmtpd) and an optional IMAP poller.

The receiver says 250 only after the message is committed, so a mail it acknowledged
survives a crash; when the database cannot take it the sender hears 451 and retries
later (mail servers queue for days). Mail for another domain is refused at RCPT, and
mail over the size limit at DATA (aiosmtpd's own 552). The IMAP poller reads unseen
mail with BODY.PEEK and marks a message seen only after it is committed; a message read
twice is stored once (its Message-ID).
"""

from __future__ import annotations

import asyncio
import imaplib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kefu.billing.lookups import OWN_DATA, BillingLink
from kefu.contact.enums import ContactChannel
from kefu.contact.intake import InboundMessage, IntakeSetup, Received, receive
from kefu.contact.mail import parse_mail
from kefu.core.calendar_days import center_calendar
from kefu.core.db import unit_of_work
from kefu.errors import NotAuthenticated
from kefu.org.deps import principal_for
from kefu.org.models import Staff
from kefu.workorders.attachments import DEFAULT_LIMITS, AttachmentLimits

log = logging.getLogger(__name__)
Deliver = Callable[[bytes], object]


@dataclass(frozen=True)
class MailLimits:
    """The intake limits the mail paths apply."""

    timezone: str
    body_limit: int
    auto_replies_per_hour: int
    file_limits: AttachmentLimits = DEFAULT_LIMITS  # kept as orders take them
    link: BillingLink = OWN_DATA  # where balances and packages are looked up


def intake_for_account(username: str, limits: MailLimits) -> Callable[[Session], IntakeSetup]:
    """Mail is taken in as the integration account ``username`` (checked on every message,
    so disabling the account stops intake at once)."""

    def setup(session: Session) -> IntakeSetup:
        staff_id = session.scalar(select(Staff.id).where(Staff.username == username))
        principal = principal_for(session, staff_id, via="smtp") if staff_id else None
        if principal is None:
            raise NotAuthenticated("account_disabled")
        return IntakeSetup(
            by=principal,
            billing=limits.link.billing(session, limits.timezone),
            calendar=center_calendar(session, limits.timezone),
            body_limit=limits.body_limit,
            auto_replies_per_hour=limits.auto_replies_per_hour,
            file_limits=limits.file_limits,
        )

    return setup


def mail_message(raw: bytes) -> InboundMessage:
    """A raw e-mail as an inbound message, its attachments with it."""
    mail = parse_mail(raw)
    return InboundMessage(
        channel=ContactChannel.EMAIL,
        sender=mail.sender,
        subject=mail.subject,
        body=mail.body,
        reference=mail.message_id,
        automatic=mail.automatic,
        files=mail.attachments,
        refers_to=mail.refers_to,
    )


def store_mail(
    factory: sessionmaker[Session], setup: Callable[[Session], IntakeSetup], raw: bytes
) -> Received:
    """Take one raw e-mail in, in its own transaction."""
    with unit_of_work(factory, write=True) as session:
        return receive(session, mail_message(raw), setup(session))


class IntakeHandler:
    """aiosmtpd handler: accept mail for the center's domains, store it, then say 250."""

    def __init__(self, deliver: Deliver, domains: frozenset[str] = frozenset()) -> None:
        self.deliver = deliver
        self.domains = domains

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        """Refuse recipients outside the center's domains (no open relay, no spam sink)."""
        domain = address.rpartition("@")[2].lower()
        if self.domains and domain not in self.domains:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        """Store the message; 250 only once it is committed, 451 so the sender retries."""
        content = envelope.original_content or envelope.content
        raw = content if isinstance(content, bytes) else str(content).encode("utf-8")
        try:
            await asyncio.to_thread(self.deliver, raw)
        except Exception:
            log.exception("an inbound e-mail could not be stored; the sender will retry")
            return "451 4.3.0 Temporary failure, please retry"
        return "250 2.0.0 Message accepted"


class ImapMailbox(Protocol):
    """The part of ``imaplib.IMAP4`` the poller uses."""

    def select(self, mailbox: str = ...) -> tuple[str, list[Any]]: ...
    def uid(self, command: str, *args: str) -> tuple[str, list[Any]]: ...


def poll_imap(mailbox: ImapMailbox, deliver: Deliver, *, folder: str = "INBOX") -> int:
    """Store every unseen message of the folder, marking each seen once stored; returns
    how many were stored. A message that fails stays unseen for the next poll."""
    mailbox.select(folder)
    status, found = mailbox.uid("SEARCH", "UNSEEN")
    if status != "OK" or not found or not found[0]:
        return 0
    stored = 0
    for uid in found[0].split():
        uid_text = uid.decode() if isinstance(uid, bytes) else str(uid)
        status, parts = mailbox.uid("FETCH", uid_text, "(BODY.PEEK[])")
        raw = next((p[1] for p in parts if isinstance(p, tuple) and len(p) > 1), None)
        if status != "OK" or not isinstance(raw, bytes):
            continue
        try:
            deliver(raw)
        except Exception:
            log.exception("IMAP message %s could not be stored; it stays unseen", uid_text)
            continue
        mailbox.uid("STORE", uid_text, "+FLAGS", "(\\Seen)")
        stored += 1
    return stored


def open_imap(url: str, password: str) -> imaplib.IMAP4:
    """Sign in to ``imaps://user@host[:port]`` (or ``imap://`` on a trusted network)."""
    scheme, _, rest = url.partition("://")
    user, _, host_port = rest.rpartition("@")
    host, _, port = host_port.partition("/")[0].partition(":")
    client: imaplib.IMAP4
    if scheme == "imaps":
        client = imaplib.IMAP4_SSL(host, int(port or 993), timeout=30)
    else:
        client = imaplib.IMAP4(host, int(port or 143), timeout=30)
    client.login(user, password)
    return client
