"""A customer's return visits (回访) as the 360 view shows them: what they said of how each
complaint was handled, newest first."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from kefu.customers.schemas import SatisfactionMark
from kefu.customers.view import SHOWN_MARKS
from kefu.workorders.enums import ANSWERED_VISITS, VisitOutcome
from kefu.workorders.models import ReturnVisit, WorkOrder

NOTE_SHOWN = 120  # characters: the 360 gives the gist, the order page the whole note


def return_visit_marks(session: Session, customer_id: int) -> list[SatisfactionMark]:
    """The customer's latest answered return visits (unreachable ones say nothing)."""
    rows = session.execute(
        select(ReturnVisit, WorkOrder.number)
        .join(WorkOrder, WorkOrder.id == ReturnVisit.order_id)
        .where(
            WorkOrder.customer_id == customer_id,
            ReturnVisit.done_at.is_not(None),
            ReturnVisit.outcome.in_([str(outcome) for outcome in ANSWERED_VISITS]),
        )
        .order_by(ReturnVisit.done_at.desc(), ReturnVisit.id.desc())
        .limit(SHOWN_MARKS)
    )
    return [
        SatisfactionMark(
            kind="return_visit",
            at=visit.done_at,
            dissatisfied=visit.outcome == VisitOutcome.DISSATISFIED,
            outcome=visit.outcome,
            by_customer=visit.visitor_id is None,  # given on the web or by text
            order_id=visit.order_id,
            order_number=number,
            note=visit.note[:NOTE_SHOWN],
        )
        for visit, number in rows
    ]
