"""Return visits by text (短信回访): when a complaint is closed for its return visit, the
customer is texted "回复1满意，2一般，3不满意" and their answer is the order's return
visit, as an agent's call would record it — counted in satisfaction, and "3" reopens the
order for a second handling.

The center invites by text while its three SMS rules 1, 2 and 3 (lookup ``rating``) are
active; deactivating them turns it off (the agents then call, as before). An answer that
names no order, from a number with two awaiting, or with none, waits for an agent.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from kefu.contact.enums import ContactChannel
from kefu.contact.models import IntakeRule, Interaction
from kefu.contact.order_status import orders_of
from kefu.contact.service import link_order
from kefu.core import audit
from kefu.core.calendar import BusinessCalendar
from kefu.core.masking import subscriber_name
from kefu.core.phone import is_mobile
from kefu.errors import KefuError
from kefu.notify.tasks import text_customer
from kefu.workorders import lifecycle, repository
from kefu.workorders.enums import OrderStatus, VisitOutcome
from kefu.workorders.models import OrderEvent, ReturnVisit, WorkOrder
from kefu.workorders.numbering import NUMBER_IN_TEXT, order_number_among
from kefu.workorders.return_visit_invites import INVITED
from kefu.workorders.service import customer_language, sms_answer

RATING = "rating"  # the rules' lookup
OUTCOME_OF = {
    "1": VisitOutcome.SATISFIED,
    "2": VisitOutcome.NEUTRAL,
    "3": VisitOutcome.DISSATISFIED,
}


def inviting(session: Session) -> bool:
    """True while the center's rules 1, 2 and 3 take return visits by text."""
    keywords = session.scalars(
        select(IntakeRule.keyword).where(
            IntakeRule.channel == ContactChannel.SMS,
            IntakeRule.lookup == RATING,
            IntakeRule.active,
        )
    )
    return set(OUTCOME_OF) <= set(keywords)


def invitation(order: WorkOrder, language: str) -> str:
    """The text asking for the return visit, with the order's number first."""
    if language == "en":
        return (
            f"[{order.number}] Your complaint has been handled. How did we do? Reply 1 "
            "satisfied, 2 neutral, 3 dissatisfied (and what is still wrong)."
        )
    return sms_answer(
        order, "您反映的问题已处理完毕，请对处理结果评价：回复1满意，2一般，3不满意（可附原因）。"
    )


def invite_by_text(session: Session, order: WorkOrder) -> bool:
    """Text the invitation to the order's callback number, when the center invites by
    text and the number is a mobile; True when texted."""
    if not is_mobile(order.contact_phone) or not inviting(session):
        return False
    text = invitation(order, customer_language(session, order))
    text_customer(session, phone=order.contact_phone, text=text)
    return True


def rated_by_text(
    session: Session,
    message: Interaction,
    *,
    keyword: str,
    calendar: BusinessCalendar,
) -> dict[str, str] | None:
    """Record the text's answer as the return visit of the sender's order awaiting one
    (the order the text names, or their only one); the reply's ``{order_number}``. None
    (an agent reads it) when it is not clear which, or it cannot be recorded."""
    outcome = OUTCOME_OF.get(keyword)
    rest = message.body.strip()[len(keyword) :]
    order = _awaiting(session, message, rest) if outcome else None
    if outcome is None or order is None:
        return None
    said = NUMBER_IN_TEXT.sub(" ", rest).strip(" :：,，.。")
    note = f"短信回访 / by SMS: {said}" if said else "短信回访 / by SMS"
    try:
        with audit.savepoint(session):
            lifecycle.visit(
                session,
                order=order,
                outcome=outcome,
                note=note,
                by=None,
                calendar=calendar,
                customer=subscriber_name(message.address),
                via="sms",
            )
    except KefuError:
        return None
    link_order(session, interaction=message, order_id=order.id)  # the order lists the text
    return {"order_number": order.number}


def _awaiting(session: Session, message: Interaction, rest: str) -> WorkOrder | None:
    """The sender's order awaiting the return visit they were texted about: the one
    named, or the only one. An order whose customer was not invited by text (closed while
    the rules were off) is not rated by a stray "1"."""
    query = orders_of(message.address, message.customer_id).where(
        WorkOrder.status == OrderStatus.RETURN_VISIT
    )
    named = order_number_among(rest)
    if named is not None:
        query = query.where(WorkOrder.number == named)
    found = session.scalars(query.limit(2)).all()
    pending = repository.open_visit(session, found[0].id) if len(found) == 1 else None
    if pending is None or not _invited(session, pending):
        return None
    return found[0]


def _invited(session: Session, pending: ReturnVisit) -> bool:
    """The customer was texted the invitation for this return visit."""
    invited = select(OrderEvent.id).where(
        OrderEvent.order_id == pending.order_id,
        OrderEvent.action == INVITED,
        OrderEvent.occurred_at >= pending.created_at,
    )
    return session.scalar(invited.limit(1)) is not None
