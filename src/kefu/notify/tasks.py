"""Outbox jobs that notify: queue them with the change, the worker delivers them."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from kefu.config import get_settings
from kefu.core import outbox
from kefu.notify.channels import Mail, send_mail, sms_gateway
from kefu.org.models import Staff

EMAIL = "notify.email"
SMS = "notify.sms"


def notify_staff(
    session: Session,
    *,
    staff_id: int,
    subject: str,
    body: str,
    link: str = "",
    message_id: str | None = None,
) -> None:
    """Queue an e-mail to a staff member (if they have an address) with the change;
    ``link``: the console page it is about (a path from ``kefu.notify.links``), given
    as an address at the end when the center's console address is set; ``message_id``:
    the mail's own, for one that must go once."""
    staff = session.get(Staff, staff_id)
    if staff is None or not staff.email or not staff.active:
        return
    payload = {"to": staff.email, "subject": subject, "body": with_link(body, link)}
    outbox.enqueue(session, kind=EMAIL, payload=payload, message_id=message_id)


def with_link(body: str, link: str) -> str:
    """The body with the page's address after a blank line, when there is a page and the
    center's console address is known; else as it was."""
    address = console_address(link)
    return f"{body}\n\n{address}" if address else body


def console_address(link: str) -> str:
    """The page's full address in the console, or empty without a console address."""
    console = get_settings().console_url
    return f"{console}{link}" if console and link else ""


def text_customer(session: Session, *, phone: str, text: str) -> None:
    """Queue an SMS to a customer's number with the change."""
    outbox.enqueue(session, kind=SMS, payload={"to": phone, "text": text})


def mail_customer(
    session: Session, *, to: str, subject: str, body: str, in_reply_to: str, automatic: bool
) -> None:
    """Queue an e-mail answering a customer's mail with the change."""
    payload = {
        "to": to,
        "subject": subject,
        "body": body,
        "in_reply_to": in_reply_to,
        "automatic": automatic,
    }
    outbox.enqueue(session, kind=EMAIL, payload=payload)


@outbox.handler(EMAIL)
def _send_email(session: Session, payload: dict[str, Any], message_id: str) -> outbox.Sending[None]:
    settings = get_settings()
    mail = Mail(
        to=payload["to"],
        subject=payload["subject"],
        body=payload["body"],
        in_reply_to=payload.get("in_reply_to", ""),
        automatic=payload.get("automatic", False),
    )
    return outbox.Sending(
        "email",
        lambda: send_mail(
            mail,
            message_id=message_id,
            host=settings.smtp_host,
            port=settings.smtp_port,
            sender=settings.smtp_sender,
        ),
    )


@outbox.handler(SMS)
def _send_sms(session: Session, payload: dict[str, Any], message_id: str) -> outbox.Sending[None]:
    return sms_sending(to=payload["to"], text=payload["text"], message_id=message_id)


def sms_sending(*, to: str, text: str, message_id: str) -> outbox.Sending[None]:
    """A text to a number, as a job of the outbox sends it (a job that decides whether to
    text, as a visit's reminder does, returns this)."""
    gateway = sms_gateway(get_settings().sms_gateway)
    return outbox.Sending("sms", lambda: gateway.send(to=to, text=text, message_id=message_id))
