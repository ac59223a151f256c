"""The answer e-mailed to a customer whose order came from their e-mail. The contact
domain keeps the messages and threads replies to them, and it builds on work orders, so
it registers how an answer is mailed here instead of being imported."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from kefu.core.rbac import Principal
from kefu.errors import Unprocessable
from kefu.workorders.models import WorkOrder

# Mails the answer in reply to the order's e-mail; False when there is none to answer.
MailAnswerer = Callable[[Session, WorkOrder, str, Principal], bool]
_answerers: list[MailAnswerer] = []


def register_mail_answerer(answerer: MailAnswerer) -> None:
    """Let the contact domain mail order answers (idempotent)."""
    if answerer not in _answerers:
        _answerers.append(answerer)


def mail_answer(session: Session, *, order: WorkOrder, text: str, by: Principal) -> None:
    """Mail the answer to the customer's e-mail the order came from, or refuse with 422
    when the order came from none (a call, an SMS, a stranger's mail with no address)."""
    if not any(answerer(session, order, text, by) for answerer in _answerers):
        raise Unprocessable("reply_email_needs_message", field="send_email")
