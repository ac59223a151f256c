"""Moving orders through their lifecycle: every action checked against one table, every
step recorded, and routing (dispatch, transfer, escalation) kept inside the org tree."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session

from kefu.core import audit
from kefu.core.base import utcnow
from kefu.core.calendar import BusinessCalendar
from kefu.core.phone import is_mobile
from kefu.core.rbac import Principal
from kefu.errors import Conflict, Forbidden, NotFound, Unprocessable
from kefu.notify.tasks import text_customer
from kefu.org.models import OrgUnit, Staff, Team
from kefu.org.repository import supervisor_ids, team_lead_ids
from kefu.workorders import (
    assists,
    consent,
    in_turn,
    repository,
    return_visit_invites,
    supervising,
)
from kefu.workorders.account_manager_notice import tell_of_answer, tell_of_dissatisfaction
from kefu.workorders.appointments import call_off_booked
from kefu.workorders.enums import Action, EventKind, OrderStatus, VisitOutcome, next_status
from kefu.workorders.limits import clock_between
from kefu.workorders.models import ReturnVisit, WorkOrder
from kefu.workorders.refunds import require_decided, withdraw_awaiting
from kefu.workorders.schemas import DispatchRequest
from kefu.workorders.service import customer_tier, record_event, set_due_times, sms_answer
from kefu.workorders.service_levels import center_levels
from kefu.workorders.templates import require_filled
from kefu.workorders.threaded_answers import answer_in_thread
from kefu.workorders.urging import mail_about

# A customer who does not take the return visit's call is called again this much later,
# up to this many calls in all; after the last, the complaint closes with no verdict.
VISIT_RETRY_AFTER = timedelta(hours=2)
VISIT_TRIES = 3

# A texted answer is at most this long: about eight joined SMS of 70 Chinese characters,
# beyond which handsets and gateways split or refuse it.
SMS_ANSWER_MAX = 500

# An order at its end asks nothing more of other teams (协办).
ENDED = frozenset({OrderStatus.CLOSED, OrderStatus.CANCELLED})


def _not_allowed(action: Action, order: WorkOrder) -> Conflict:
    return Conflict(
        "action_not_allowed",
        action=f"order_action.{action.value}",
        status=f"order_status.{order.status}",
    )


def allowed_actions(order: WorkOrder) -> list[Action]:
    """The actions the order's state allows (rights are checked separately); closing with
    an incident happens only when the incident is resolved."""
    return [
        a
        for a in Action
        if a is not Action.INCIDENT_CLOSE and next_status(a, order.status, order.type)
    ]


def move(
    session: Session,
    order: WorkOrder,
    action: Action,
    by: Principal | None,
    *,
    reason: str = "",
    details: Mapping[str, object] | None = None,
    customer: str | None = None,
) -> OrderStatus:
    """Move the order by ``action``: on its timeline and in the audit log (``customer``
    names a customer acting themselves, when ``by`` is None)."""
    target = next_status(action, order.status, order.type)
    if target is None:
        raise _not_allowed(action, order)
    if by is not None:  # a team taking in turn leaves its pool to the next (取下一单)
        in_turn.refuse_picking(session, order, action, by)
    before = str(order.status)
    order.status = target
    # Every action changes the order, even one that leaves every column as it was (sent
    # again to the same team): the row is written, so its version moves and a writer
    # holding the old one gets 409 instead of acting on a timeline it has not seen.
    order.updated_at = utcnow()
    if before == OrderStatus.RETURN_VISIT and action is not Action.VISIT:
        _call_off_visit(session, order, by, reason)
    if target is OrderStatus.CANCELLED:
        call_off_booked(session, order, by, reason)
        withdraw_awaiting(session, order, by, reason)
    if target in ENDED:
        assists.withdraw_open(session, order, by, reason)
    record_event(
        session,
        order,
        kind=EventKind.TRANSITION,
        by=by,
        action=action,
        from_status=before,
        to_status=target,
        reason=reason,
        details=dict(details or {}),
    )
    audit.record(
        session,
        actor=by,
        actor_name=customer,
        action=f"order.{action.value}",
        entity_type="work_order",
        entity_id=order.id,
        reason=reason or None,
        details={"from": before, "to": target, **(details or {})},
    )
    return target


def _call_off_visit(session: Session, order: WorkOrder, by: Principal | None, reason: str) -> None:
    """An order that leaves its return visit other than by the visit (reopened, or closed
    with its incident) calls the booked visit off: it ends with no outcome, so it neither
    waits in the visits queue nor counts as made, and the next closing books a new one.
    (It stayed open: a complaint closed again had two, the outcome went on the stale
    one, and the new one stayed open on the closed order.)"""
    booked = repository.open_visit(session, order.id)
    if booked is None:  # the visit itself was just recorded
        return
    booked.done_at, booked.note = utcnow(), reason
    booked.visitor_id = by.staff_id if by else None


def simple_action(
    session: Session, *, order: WorkOrder, action: Action, by: Principal, reason: str = ""
) -> WorkOrder:
    """Accept, start, return or cancel: a state change with an optional reason."""
    if action is Action.REOPEN:
        raise ValueError("reopening starts a new round of handling: use reopen()")
    starts_unnamed = action is Action.START and order.assignee_id is None
    move(session, order, action, by, reason=reason)
    if starts_unnamed:  # after the move: one a team takes in turn is refused unnamed
        order.assignee_id = by.staff_id
    session.flush()
    return order


def reopen(
    session: Session,
    *,
    order: WorkOrder,
    reason: str,
    by: Principal | None,
    calendar: BusinessCalendar,
    details: Mapping[str, object] | None = None,
    customer: str | None = None,
) -> WorkOrder:
    """Reopen a replied or closed order: it is handled again (二次处理)."""
    next_round = order.handling_round + 1
    move(
        session,
        order,
        Action.REOPEN,
        by,
        reason=reason,
        details={**(details or {}), "round": next_round},
        customer=customer,
    )
    _start_round(session, order, next_round, calendar)
    session.flush()
    return order


def _start_round(
    session: Session, order: WorkOrder, handling_round: int, calendar: BusinessCalendar
) -> None:
    """A new round of handling runs on a clock of its own from now, by the order's policy
    (the regulator's outer limit included), and is warned and escalated on its own. The
    answer given did not settle it, so the order waits for a new one. The earlier rounds'
    breaches stay on record (``Breach``); the order's limits are the round's.

    Before, a reopened order kept the limits of its creation: passed ones escalated it at
    the next sweep, and once breached it was never swept again, whatever came after.
    """
    order.handling_round = handling_round
    order.round_started_at = utcnow()
    order.paused_at, order.paused_seconds = None, 0
    order.warned_at = order.breached_at = None
    order.replied_at = order.closed_at = None
    set_due_times(session, order, calendar)


def wait_for_customer(
    session: Session, *, order: WorkOrder, reason: str, by: Principal
) -> WorkOrder:
    """Wait on the customer (a document, a test at home); the time-limit clock pauses."""
    move(session, order, Action.WAIT, by, reason=reason)
    order.paused_at = utcnow()
    session.flush()
    return order


def resume(
    session: Session, *, order: WorkOrder, note: str, by: Principal, calendar: BusinessCalendar
) -> WorkOrder:
    """The customer is back: the paused time is added to the limits, which run on."""
    paused = end_pause(session, order, calendar)
    details = {"paused_minutes": int(paused.total_seconds() // 60)}
    move(session, order, Action.RESUME, by, reason=note, details=details)
    session.flush()
    return order


def end_pause(session: Session, order: WorkOrder, calendar: BusinessCalendar) -> timedelta:
    """Stop the order's pause: the time waited on the customer moves its limits on.
    Returns the clock time paused (nothing when it was not paused)."""
    if order.paused_at is None:
        return timedelta(0)
    paused = clock_between(
        order.paused_at,
        utcnow(),
        order_type=order.type,
        triage=order.triage,
        calendar=calendar,
        levels=center_levels(session),
    )
    order.paused_seconds = (order.paused_seconds or 0) + int(paused.total_seconds())
    order.paused_at = None
    set_due_times(session, order, calendar)
    return paused


def reply(
    session: Session,
    *,
    order: WorkOrder,
    text: str,
    by: Principal,
    send_sms: bool = False,
    send_email: bool = False,
) -> WorkOrder:
    """Record the answer given to the customer; a service change must be confirmed first,
    and a template's blanks filled in. With ``send_sms`` the answer is also texted to the
    order's callback number, with ``send_email`` mailed in reply to the e-mail the order
    came from; both leave after the commit, through the outbox, in the thread of the
    customer's message where the order came from one."""
    require_filled(text, field="reply")
    if send_sms:
        _check_textable(order, text)
    consent.require_consent(session, order)
    details: dict[str, object] = {"reply": text}
    if send_sms:
        details["texted"] = True
    if send_email:
        details["emailed"] = True
    move(session, order, Action.REPLY, by, details=details)
    # After the move (its refusal is first), before anything is sent; a refusal here
    # rolls the move back with the request.
    require_decided(session, order)
    # Sent after the move, so an order that cannot be answered now says so first.
    if send_sms:
        text_answer(session, order=order, text=text, by=by)
    if send_email and not answer_in_thread(session, order=order, text=text, by=by, channel="email"):
        raise Unprocessable("reply_email_needs_message", field="send_email")
    order.reply = text
    order.replied_at = utcnow()
    tell_of_answer(session, order, text=text, by=by)
    supervising.tell_of_answer(session, order, text=text, by=by)
    session.flush()
    return order


def add_note(session: Session, *, order: WorkOrder, note: str, by: Principal) -> WorkOrder:
    """Keep a handling note (处理记录) on the order's timeline: what was done or learned
    (the customer was out, the network team will test tomorrow). It changes nothing else,
    so it needs no version, and may be added in any state; audited."""
    record_event(session, order, kind=EventKind.NOTE, by=by, reason=note, details={"note": True})
    audit.record(
        session,
        actor=by,
        action="order.note",
        entity_type="work_order",
        entity_id=order.id,
        details={"characters": len(note)},
    )
    session.flush()
    return order


def text_answer(session: Session, *, order: WorkOrder, text: str, by: Principal) -> None:
    """Text the answer: as the reply to the customer's SMS the order came from, when it
    came from this number's, else straight to the callback number."""
    if not answer_in_thread(session, order=order, text=text, by=by, channel="sms"):
        text_customer(session, phone=order.contact_phone, text=sms_answer(order, text))


def _check_textable(order: WorkOrder, text: str) -> None:
    if not is_mobile(order.contact_phone):
        raise Unprocessable("reply_sms_needs_mobile", field="send_sms")
    if len(text) > SMS_ANSWER_MAX:
        raise Unprocessable("reply_sms_too_long", field="reply", max=SMS_ANSWER_MAX)


def close(session: Session, *, order: WorkOrder, note: str, by: Principal) -> WorkOrder:
    """Close a replied order; a complaint first gets a return visit, due by the tier."""
    target = move(session, order, Action.CLOSE, by, reason=note)
    if target is OrderStatus.RETURN_VISIT:
        tier = customer_tier(session, order)
        hours = center_levels(session).tiers[tier].return_visit_hours
        session.add(ReturnVisit(order_id=order.id, due_at=utcnow() + timedelta(hours=hours)))
        session.flush()  # the visit is kept before its invitation (an answer matches the two)
        if return_visit_invites.invite(session, order):
            record_event(
                session,
                order,
                kind=EventKind.NOTE,
                by=by,
                action=return_visit_invites.INVITED,
                details={"visit_invited": "sms"},
            )
    else:
        order.closed_at = utcnow()
    session.flush()
    return order


def visit(
    session: Session,
    *,
    order: WorkOrder,
    outcome: VisitOutcome,
    note: str,
    by: Principal | None,
    calendar: BusinessCalendar,
    customer: str | None = None,
    via: str = "web",
) -> WorkOrder:
    """Record the return visit; a dissatisfied customer reopens the order, and one not
    reached is called again later (``_try_again``) until the last of ``VISIT_TRIES``.
    ``by`` None with ``customer``: the customer answered it themselves (``via`` web or
    sms)."""
    pending = repository.open_visit(session, order.id)
    if pending is None or str(order.status) != OrderStatus.RETURN_VISIT:
        raise _not_allowed(Action.VISIT, order)
    if by is not None and outcome is VisitOutcome.UNREACHABLE:
        if pending.attempts + 1 < VISIT_TRIES:
            return _try_again(session, order, pending, note=note, by=by)
        pending.attempts += 1  # the last try: the complaint closes with no verdict
    pending.done_at, pending.outcome, pending.note = utcnow(), outcome, note
    pending.visitor_id = by.staff_id if by else None
    details: dict[str, object] = {"outcome": outcome.value}
    if by is None:
        details["by_customer"] = via
    if outcome is VisitOutcome.DISSATISFIED:
        reason = note or outcome.value
        reopen(
            session,
            order=order,
            reason=reason,
            by=by,
            calendar=calendar,
            details=details,
            customer=customer,
        )
        tell_of_dissatisfaction(session, order, note=note, by=by)
    else:
        move(session, order, Action.VISIT, by, reason=note, details=details, customer=customer)
        order.closed_at = utcnow()
    session.flush()
    return order


def _try_again(
    session: Session, order: WorkOrder, pending: ReturnVisit, *, note: str, by: Principal
) -> WorkOrder:
    """A call the customer did not take: the visit is due again a little later, and the
    step is kept; the order's version moves, so a second visitor does not call at once."""
    pending.attempts += 1
    pending.due_at = utcnow() + VISIT_RETRY_AFTER
    details = {"outcome": VisitOutcome.UNREACHABLE.value, "attempt": pending.attempts}
    record_event(session, order, kind=EventKind.NOTE, by=by, reason=note, details=details)
    order.updated_at = utcnow()
    audit.record(
        session,
        actor=by,
        action="order.visit_attempt",
        entity_type="work_order",
        entity_id=order.id,
        details=details,
    )
    session.flush()
    return order


@dataclass(frozen=True)
class Target:
    """Where an order is sent."""

    unit: OrgUnit
    team: Team | None
    assignee: Staff | None


def _target(session: Session, request: DispatchRequest) -> Target:
    team = session.get(Team, request.team_id) if request.team_id else None
    if request.team_id and (team is None or not team.active):
        raise NotFound("team_not_found", field="team_id")
    unit_id = team.org_unit_id if team else request.org_unit_id
    if unit_id is None:
        raise Unprocessable("dispatch_target_required", field="team_id")
    if team and request.org_unit_id and request.org_unit_id != team.org_unit_id:
        raise Unprocessable("team_outside_unit", field="team_id")
    unit = session.get(OrgUnit, unit_id)
    if unit is None:
        raise NotFound("org_unit_not_found", field="org_unit_id")
    assignee = session.get(Staff, request.assignee_id) if request.assignee_id else None
    if request.assignee_id and (assignee is None or not assignee.active):
        raise NotFound("staff_not_found", field="assignee_id")
    if assignee and (assignee.org_unit_id != unit.id or (team and assignee.team_id != team.id)):
        raise Unprocessable("assignee_outside_target", field="assignee_id")
    return Target(unit, team, assignee)


def dispatch_target(session: Session, request: DispatchRequest, by: Principal) -> Target:
    """Where a dispatch sends orders, checked: a live team or unit (and person in it),
    inside the dispatcher's scope, and not the dispatcher themselves in a team that takes
    in turn unless they lead it."""
    target = _target(session, request)
    if not by.sees_org_path(target.unit.path):
        raise Forbidden("org_unit_out_of_scope", field="org_unit_id", org_unit=target.unit.name)
    in_turn.refuse_naming_self(target.team, target.assignee, by)
    return target


def dispatch(
    session: Session,
    *,
    order: WorkOrder,
    request: DispatchRequest,
    by: Principal,
    action: Action,
    calendar: BusinessCalendar,
    target: Target | None = None,
    tell_owners: bool = True,
) -> WorkOrder:
    """Send the order to a team or unit (and person) inside the dispatcher's scope; the
    limits are recounted from the round's start in the new team's working day. A batch
    gives the ``target`` it checked once, and tells the new owners once itself."""
    target = target or dispatch_target(session, request, by)
    details = {
        "org_unit": target.unit.name,
        "org_unit_en": target.unit.name_en,
        "team": target.team.name if target.team else None,
        "team_en": target.team.name_en if target.team else None,
        "assignee": target.assignee.display_name if target.assignee else None,
    }
    move(session, order, action, by, reason=request.reason, details=details)
    order.org_unit_id = target.unit.id
    order.team_id = target.team.id if target.team else None
    order.assignee_id = target.assignee.id if target.assignee else None
    assists.withdraw_beyond_reach(session, order, by, request.reason)
    set_due_times(session, order, calendar)
    if tell_owners:
        mail_about(
            session,
            order,
            new_owners(session, target),
            subject=f"工单 {order.number} 已派给您 / Work order assigned to you",
            said=request.reason,
        )
    session.flush()
    return order


def new_owners(session: Session, target: Target) -> list[int]:
    """Who is told of an order sent their way: the person it is sent to; else the leads
    of the team; else (no team, or a team without a lead) the supervisors of the unit."""
    if target.assignee is not None:
        return [target.assignee.id]
    leads = team_lead_ids(session, target.team.id) if target.team is not None else []
    return leads or supervisor_ids(session, target.unit.id)


def escalate(session: Session, *, order: WorkOrder, reason: str, by: Principal | None) -> WorkOrder:
    """Send the order one level up the org tree (branch → province → HQ); ``by`` is None
    when the time-limit sweep escalates it."""
    # The state first: a replied order at the top was told it could go no higher, not
    # that replied orders do not escalate.
    if next_status(Action.ESCALATE, order.status, order.type) is None:
        raise _not_allowed(Action.ESCALATE, order)
    unit = session.get(OrgUnit, order.org_unit_id)
    parent = session.get(OrgUnit, unit.parent_id) if unit and unit.parent_id else None
    if unit is None or parent is None:
        raise Conflict("cannot_escalate_top")
    details = {
        "from_unit": unit.name,
        "from_unit_en": unit.name_en,
        "to_unit": parent.name,
        "to_unit_en": parent.name_en,
    }
    move(session, order, Action.ESCALATE, by, reason=reason, details=details)
    order.org_unit_id, order.team_id, order.assignee_id = parent.id, None, None
    assists.withdraw_beyond_reach(session, order, by, reason)
    mail_about(  # the new owner is told
        session,
        order,
        supervisor_ids(session, parent.id),
        subject=(
            f"工单 {order.number} 已升级至{parent.name} / "
            f"Work order escalated to {parent.name_en or parent.name}"
        ),
        said=f"{unit.name} → {parent.name}: {reason}",
    )
    session.flush()
    return order
