"""The credit of an approved refund (``kefu.workorders.refunds``): after the approval's
commit, a job of the outbox asks the billing system to credit the number, marks the
refund credited (or refused, when the number is no longer live) and texts the customer
what reached their account.

Why a job: the billing system is another system, slow or down at times; the approval is
kept at once, and the job retries with backoff until billing answers. It looks at the
refund when it runs, so a retry after the credit was marked does nothing, and billing is
given the refund's own reference, so a real BOSS credits once too. The call to an
operator's billing system is made outside any transaction (``outbox.Sending``); its
answer is recorded after it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from kefu.billing.boss import Crediting, KefuBilling
from kefu.billing.http_credit import HttpCredits
from kefu.config import get_settings
from kefu.core import outbox
from kefu.core.base import utcnow
from kefu.core.phone import is_mobile
from kefu.notify.tasks import text_customer
from kefu.workorders.enums import RefundKind, RefundStatus
from kefu.workorders.models import OrderRefund, WorkOrder
from kefu.workorders.refunds import CREDIT, record_step, yuan
from kefu.workorders.service import customer_language, sms_answer
from kefu.workorders.urging import tell_holders


@outbox.handler(CREDIT)
def _credit(
    session: Session, payload: dict[str, Any], message_id: str
) -> outbox.Sending[str | None] | None:
    refund = session.get(OrderRefund, payload["refund_id"])
    if refund is None or refund.status != RefundStatus.APPROVED:
        return None  # credited already, or no longer approved
    refund_id, zone = refund.id, payload["zone"]
    settings = get_settings()
    if not settings.billing_credit_url:  # kefu's own balances: a write like the marking
        return outbox.Sending(
            "billing",
            lambda: None,
            lambda writing, _: credit(writing, refund_id, KefuBilling(writing, zone)),
        )
    remote = HttpCredits(settings.billing_credit_url, settings.billing_credit_token)
    msisdn, amount_fen = refund.msisdn, refund.amount_fen
    return outbox.Sending(
        "billing",
        lambda: remote.credit(msisdn, amount_fen=amount_fen, reference=reference_of(refund_id)),
        lambda writing, theirs: mark_credited(writing, refund_id, theirs),
    )


def reference_of(refund_id: int) -> str:
    """The refund's own reference, which the billing system credits once."""
    return f"RF{refund_id}"


def credit(session: Session, refund_id: int, billing: Crediting) -> OrderRefund | None:
    """Credit one approved refund through ``billing`` and mark it; None when there was
    nothing to do (credited already, or no longer approved)."""
    refund = session.get(OrderRefund, refund_id)
    if refund is None or refund.status != RefundStatus.APPROVED:
        return None
    theirs = billing.credit(
        refund.msisdn, amount_fen=refund.amount_fen, reference=reference_of(refund_id)
    )
    return mark_credited(session, refund_id, theirs)


def mark_credited(session: Session, refund_id: int, theirs: str | None) -> OrderRefund | None:
    """Record billing's answer on an approved refund — its reference, or None for a number
    no longer live — tell the customer or the order's holder; None when the refund was
    no longer approved (another worker recorded the same credit)."""
    refund = session.get(OrderRefund, refund_id)
    if refund is None or refund.status != RefundStatus.APPROVED:
        return None
    order = session.get(WorkOrder, refund.order_id)
    assert order is not None  # foreign key
    refund.credited_at = utcnow()
    if theirs is None:
        refund.status = RefundStatus.FAILED
        tell_holders(
            session,
            order,
            subject=f"退费未能到账 {order.number} / Refund could not be credited",
            said=f"{yuan(refund.amount_fen)}: 号码已不在网 / the number is no longer live",
        )
    else:
        refund.status = RefundStatus.CREDITED
        refund.billing_ref = theirs
        if is_mobile(refund.msisdn):
            said = credited_text(order, refund, customer_language(session, order))
            text_customer(session, phone=refund.msisdn, text=said)
    session.flush()
    # the system's step; audited as order.refund.credited or .failed
    record_step(session, order, None, "credit", refund, reason="", action=str(refund.status))
    return refund


def credited_text(order: WorkOrder, refund: OrderRefund, language: str) -> str:
    """The text telling the customer what reached their account."""
    amount = yuan(refund.amount_fen)
    if language == "en":
        what = "compensation" if refund.kind == RefundKind.COMPENSATION else "refund"
        return f"[{order.number}] Your {what} of {amount} yuan is now in your phone account."
    what = "补偿" if refund.kind == RefundKind.COMPENSATION else "退费"
    return sms_answer(order, f"您的{what}{amount}元已存入话费账户，请查收。")
