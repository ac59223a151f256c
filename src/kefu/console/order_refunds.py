"""The order page's refunds card (退费与赔付): what was asked, decided and credited, and
what the viewer may do about it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from kefu.config import Settings
from kefu.core.rbac import Principal, Right
from kefu.customers.repository import live_subscription
from kefu.workorders import refunds
from kefu.workorders.enums import RefundKind
from kefu.workorders.models import WorkOrder
from kefu.workorders.refund_history import NumberHistory, number_history
from kefu.workorders.refund_schemas import RefundOut
from kefu.workorders.views import refund_out


@dataclass(frozen=True)
class RefundCard:
    """The refunds, their totals (fen), whether one may be asked here, and how much the
    viewer may approve (0: not an approver)."""

    items: list[RefundOut]
    history: NumberHistory  # the number's refunds on its other orders
    credited: int
    pending: int
    askable: bool  # a complaint or fault being handled, and the viewer works orders
    live: bool  # its number is a live subscriber: there is an account to credit
    limit: int
    ceiling: int
    kinds: tuple[RefundKind, ...] = tuple(RefundKind)


def refund_card(
    session: Session, order: WorkOrder, principal: Principal, settings: Settings
) -> RefundCard:
    """The card as the viewer sees it."""
    listed = refunds.listed(session, order.id)
    credited, pending = refunds.totals([item.row for item in listed])
    masked = not principal.has(Right.PII_VIEW)
    handled = order.type in refunds.REFUNDABLE_TYPES and order.status in refunds.ASKABLE
    askable = handled and principal.has(Right.ORDER_WRITE)
    shown = bool(listed) or askable  # else the page has no card: nothing more is read
    history = number_history(session, order) if shown else NumberHistory()
    return RefundCard(
        items=[refund_out(i, masked, history.claimed_elsewhere(i.row.id)) for i in listed],
        history=history,
        credited=credited,
        pending=pending,
        askable=askable,
        live=askable and live_subscription(session, order.contact_phone) is not None,
        limit=refunds.RefundLimits.of(settings).for_approver(principal),
        ceiling=settings.refund_ceiling_fen,
    )
