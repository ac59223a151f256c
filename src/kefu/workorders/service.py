"""Rules of work-order intake: creation, numbering, triage and repeat-complaint control."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from kefu.core import audit
from kefu.core.base import utcnow
from kefu.core.calendar import BusinessCalendar, WorkingHours
from kefu.core.clock import local_today
from kefu.core.phone import is_mobile, normalize_phone
from kefu.core.rbac import Principal
from kefu.core.textsafe import excerpt
from kefu.customers import repository as customer_numbers
from kefu.customers.enums import Tier
from kefu.customers.models import Customer
from kefu.errors import Forbidden, NotFound, Unprocessable
from kefu.notify import links
from kefu.notify.tasks import notify_staff, text_customer
from kefu.org.models import Team
from kefu.org.repository import KnownUnit, known_unit
from kefu.workorders import incident_watch, origins, repository
from kefu.workorders.account_manager_notice import manager_to_tell, tell_account_manager
from kefu.workorders.category_tree import CategoryNode, category_tree
from kefu.workorders.enums import (
    MAX_PRIORITY,
    TRIAGE_PRIORITY,
    EventKind,
    OrderOrigin,
    OrderStatus,
    OrderType,
    Triage,
    needs_confirmation,
)
from kefu.workorders.intake_rules import RepeatRule, center_rules
from kefu.workorders.limits import due_times
from kefu.workorders.models import Incident, WorkOrder
from kefu.workorders.numbering import next_number
from kefu.workorders.repository import EarlierComplaint, TimelineStep
from kefu.workorders.schemas import IntakeCheck, OrderCreate
from kefu.workorders.service_levels import center_levels


def record_event(
    session: Session,
    order: WorkOrder,
    *,
    kind: EventKind,
    by: Principal | None,
    reason: str = "",
    action: str = "",
    from_status: str = "",
    to_status: str = "",
    details: dict[str, Any] | None = None,
) -> TimelineStep:
    """Append one step to the order's timeline (written at once: a timeline is never
    changed, so it needs none of the ORM's tracking); returns it as shown."""
    step = TimelineStep(
        kind=kind,
        action=action,
        from_status=from_status,
        to_status=to_status,
        actor=by.display_name if by else None,
        occurred_at=utcnow(),
        reason=reason,
        details=json.dumps(details or {}, ensure_ascii=False, default=str),
    )
    actor_id = by.staff_id if by else None
    repository.insert_event(session, order_id=order.id, actor_id=actor_id, step=step)
    return step


@dataclass(frozen=True)
class NewOrder:
    """An order just opened, with the timeline and repeat links written with it: its page
    is built without reading them back."""

    order: WorkOrder
    timeline: list[TimelineStep]
    repeats: list[str]  # numbers of the complaints it repeats, oldest first


def _usable_category(session: Session, category_id: int) -> CategoryNode:
    tree = category_tree(session)
    category = tree.get(category_id)
    if category is None or not tree.in_use(category):
        raise NotFound("category_not_found", field="category_id")
    if not category.is_leaf:
        raise Unprocessable("category_not_leaf", field="category_id", category=category.name)
    return category


def _owning_unit(
    session: Session, data: OrderCreate | IntakeCheck, customer: Customer | None, by: Principal
) -> KnownUnit:
    unit_id = data.org_unit_id or (customer.org_unit_id if customer else by.org_unit_id)
    unit = known_unit(session, unit_id)
    if unit is None:
        raise NotFound("org_unit_not_found", field="org_unit_id")
    if data.org_unit_id and not by.sees_org_path(unit.path):
        raise Forbidden("org_unit_out_of_scope", field="org_unit_id", org_unit=unit.name)
    return unit


def _customer(
    session: Session, customer_id: int | None, by: Principal, *, in_scope_anyway: bool = False
) -> Customer | None:
    if customer_id is None:
        return None
    customer = session.get(Customer, customer_id)
    unit = known_unit(session, customer.org_unit_id) if customer else None
    if customer is None or unit is None:
        raise NotFound("customer_not_found", field="customer_id")
    if not in_scope_anyway and not by.sees_org_path(unit.path):
        raise Forbidden("customer_out_of_scope", field="customer_id", org_unit=unit.name)
    return customer


def customer_tier(session: Session, order: WorkOrder) -> Tier:
    """The tier of the order's customer (normal for callers who are not customers)."""
    customer = session.get(Customer, order.customer_id) if order.customer_id else None
    return Tier(customer.tier) if customer else Tier.NORMAL


def _team_calendar(
    session: Session, order: WorkOrder, calendar: BusinessCalendar
) -> BusinessCalendar:
    """The calendar with the owning team's working day, when the team keeps its own."""
    team = session.get(Team, order.team_id) if order.team_id else None
    return (team_working_day(calendar, team) if team else None) or calendar


def team_working_day(calendar: BusinessCalendar, team: Team) -> BusinessCalendar | None:
    """The center's calendar with the team's working day; None for a team that keeps no
    hours of its own."""
    if team.work_start is None or team.work_end is None:
        return None
    return replace(calendar, hours=WorkingHours(team.work_start, team.work_end))


def set_due_times(session: Session, order: WorkOrder, calendar: BusinessCalendar) -> None:
    """(Re)compute the order's time limits from the start of its round of handling (its
    creation, or its reopening), never from now, in the working day of the team that owns
    it (the center's day when none does)."""
    calendar = _team_calendar(session, order, calendar)
    due = due_times(
        created_at=order.round_started_at or order.created_at,
        order_type=order.type,
        triage=order.triage,
        tier=customer_tier(session, order),
        calendar=calendar,
        levels=center_levels(session),
        paused=timedelta(seconds=order.paused_seconds or 0),
        deadline=order.origin_due_at,
    )
    order.response_due_at, order.resolve_due_at, order.warn_at = (
        due.response,
        due.resolution,
        due.warn,
    )


def _contact_phone(
    session: Session, data: OrderCreate | IntakeCheck, customer: Customer | None
) -> str:
    if data.contact_phone:
        return normalize_phone(data.contact_phone, field="contact_phone")
    number = customer_numbers.live_msisdn(session, customer.id) if customer else None
    if number is None:
        raise Unprocessable("contact_phone_required", field="contact_phone")
    return number


def create_order(
    session: Session,
    *,
    data: OrderCreate,
    by: Principal,
    calendar: BusinessCalendar,
    caller_on_line: bool = False,
) -> NewOrder:
    """Register an order; under the center's intake rules a complaint is checked against
    the number's recent complaints, and a complaint or fault against its area's recent
    orders. ``caller_on_line``: the agent is talking with this customer, whatever their
    branch.

    Everything the order's row holds is settled first (limits, repeat, incident), so it
    goes in with one INSERT; its timeline, links and audit row follow.
    """
    if data.triage and not data.triage_reason:
        raise Unprocessable("reason_required", field="triage_reason", min=1)
    origins.check_reference(data.origin, data.origin_ref)
    given = data.model_dump(include=_GIVEN_FIELDS)
    order, category = _draft_order(
        session,
        data,
        given,
        by=by,
        calendar=calendar,
        caller_on_line=caller_on_line,
    )
    if data.send_receipt and not is_mobile(order.contact_phone):
        raise Unprocessable("receipt_needs_mobile", field="send_receipt")
    rules = center_rules(session)
    # Drawn once the work that needs no database is done: on SQLite the draw is the
    # first write, and the center's writers wait for this one from then to its commit.
    order.number = next_number(session, local_today(calendar.zone))
    earlier = _earlier_complaints(session, order, category, rules.repeat)
    if earlier:
        _mark_repeat(order)
    incident_watch.watch(session, order, rules.incidents)
    repository.insert_order(session, order)
    # Who passed it on, on its timeline and in the audit log.
    passed_on = (
        {"origin": data.origin, "origin_ref": data.origin_ref}
        if data.origin is not OrderOrigin.CUSTOMER
        else {}
    )
    receipt = passed_on | ({"receipt_texted": True} if data.send_receipt else {})
    if data.send_receipt:
        said = receipt_text(order, calendar.zone, customer_language(session, order))
        text_customer(session, phone=order.contact_phone, text=said)
    created = record_event(
        session, order, kind=EventKind.CREATED, by=by, to_status=OrderStatus.NEW, details=receipt
    )
    timeline = [created]
    if earlier:
        timeline.append(_link_repeats(session, order, earlier, rules.repeat))
    audit.record(
        session,
        actor=by,
        action="order.create",
        entity_type="work_order",
        entity_id=order.id,
        details={"number": order.number, "type": data.type, "category": category.code} | passed_on,
    )
    tell_account_manager(session, order, category, by=by, zone=calendar.zone)
    repeats = [o.number for o in sorted(earlier, key=lambda o: o.id)]
    return NewOrder(order, timeline, repeats)


def sms_answer(order: WorkOrder, text: str) -> str:
    """A text to the customer about an order: its number first, so a later call can name it."""
    return f"【{order.number}】{text}"


def receipt_text(order: WorkOrder, zone: str, language: str = "zh-CN") -> str:
    """The text telling the customer the order was taken: its number, what it is about and
    when the answer is due, so a later call can name it; in English for a customer who
    speaks it."""
    due = order.resolve_due_at.astimezone(ZoneInfo(zone)) if order.resolve_due_at else None
    about = excerpt(order.subject, 30)
    if language == "en":
        by_when = f"; we will answer by {due:%d %b %H:%M}" if due else ""
        return f"[{order.number}] We have received your report “{about}”{by_when}."
    by_when = f"，我们将于{due:%m月%d日%H:%M}前答复" if due else ""
    return sms_answer(order, f"您反映的“{about}”已受理{by_when}，请留意来电。")


def customer_language(session: Session, order: WorkOrder) -> str:
    """The language the order's customer speaks (Chinese when the caller is no customer)."""
    customer = session.get(Customer, order.customer_id) if order.customer_id else None
    return customer.language if customer else "zh-CN"


def _draft_order(
    session: Session,
    data: OrderCreate | IntakeCheck,
    given: dict[str, Any],
    *,
    by: Principal,
    calendar: BusinessCalendar,
    caller_on_line: bool,
) -> tuple[WorkOrder, CategoryNode]:
    """The order as it would be opened now, not yet numbered, checked for repeats or
    written: its category and customer checked, its owning unit, number to call back,
    priority and time limits. ``given``: the request's own columns."""
    category = _usable_category(session, data.category_id)
    customer = _customer(session, data.customer_id, by, in_scope_anyway=caller_on_line)
    unit = _owning_unit(session, data, customer, by)
    passed = origins.settle(data.origin, data.origin_due_on, data.triage, zone=calendar.zone)
    now = utcnow()
    order = WorkOrder(
        created_at=now,
        updated_at=now,
        status=OrderStatus.NEW,
        contact_phone=_contact_phone(session, data, customer),
        org_unit_id=unit.id,
        created_by_id=by.staff_id,
        priority=TRIAGE_PRIORITY[passed.triage] if passed.triage else 1,
        **(given | passed.columns()),
    )
    set_due_times(session, order, calendar)
    return order, category


@dataclass(frozen=True)
class Outlook:
    """What an order would get if it were opened now (nothing is written)."""

    draft: WorkOrder  # never added to the session
    window_days: int
    earlier: list[repository.ShownComplaint]
    incident: Incident | None  # the open incident of its area and problem, which it joins
    # the last progress text its callers were all sent, and when (to tell this caller too)
    incident_news: tuple[str, datetime] | None
    needs_consent: bool  # carried out only after the customer confirms
    manager_told: str | None  # the customer's account manager, mailed when it is opened


def intake_outlook(
    session: Session,
    *,
    data: IntakeCheck,
    by: Principal,
    calendar: BusinessCalendar,
    caller_on_line: bool = False,
) -> Outlook:
    """Whether the order the intake form holds would be a repeat complaint, and of
    which; the open incident it would join; its priority and time limits. The same
    checks and rules as ``create_order``, so the same errors: the agent learns it before
    telling the caller."""
    given = data.model_dump(include={"type", "category_id", "customer_id", "triage"})
    draft, category = _draft_order(
        session, data, given, by=by, calendar=calendar, caller_on_line=caller_on_line
    )
    rules = center_rules(session)
    rule = rules.repeat
    branch = _repeat_branch(session, draft, category, rule)
    earlier = (
        []
        if branch is None
        else repository.earlier_complaints_shown(
            session, phone=draft.contact_phone, category_prefix=branch, since=_since(draft, rule)
        )
    )
    if earlier:
        _mark_repeat(draft)
    incident = incident_watch.open_incident_for(session, draft, rules.incidents)
    manager = manager_to_tell(session, draft, by.staff_id)
    return Outlook(
        draft=draft,
        window_days=rule.window_days,
        earlier=earlier,
        incident=incident,
        incident_news=repository.incident_news(session, incident.id) if incident else None,
        needs_consent=needs_confirmation(draft.type, category.changes_service),
        manager_told=manager.display_name if manager else None,
    )


_GIVEN_FIELDS = {
    "type",
    "category_id",
    "customer_id",
    "contact_name",
    "subject",
    "description",
    "channel",
    "triage",
    "triage_reason",
    "origin_ref",
}


def _mark_repeat(order: WorkOrder) -> None:
    """A repeat complaint is handled a step sooner than its triage alone would say."""
    order.is_repeat = True
    order.priority = min(MAX_PRIORITY, order.priority + 1)


def _repeat_branch(
    session: Session, order: WorkOrder, category: CategoryNode, rule: RepeatRule
) -> str | None:
    """The category branch (its path) a complaint's repeats are looked for in; None
    when the order is not a complaint."""
    if order.type != OrderType.COMPLAINT:
        return None
    return category_tree(session).ancestor(category, rule.category_level).path


def _since(order: WorkOrder, rule: RepeatRule) -> datetime:
    return order.created_at - timedelta(days=rule.window_days)


def _earlier_complaints(
    session: Session, order: WorkOrder, category: CategoryNode, rule: RepeatRule
) -> list[EarlierComplaint]:
    """The number's complaints of the same category branch within the window."""
    branch = _repeat_branch(session, order, category, rule)
    if branch is None:
        return []
    return repository.earlier_complaints(
        session, phone=order.contact_phone, category_prefix=branch, since=_since(order, rule)
    )


def _link_repeats(
    session: Session, order: WorkOrder, earlier: list[EarlierComplaint], rule: RepeatRule
) -> TimelineStep:
    """A repeat points at the complaints it repeats; their owners are told."""
    repository.insert_links(session, order.id, [previous.id for previous in earlier])
    for owner in {o.assignee_id for o in earlier if o.assignee_id}:
        notify_staff(
            session,
            staff_id=owner,
            subject=f"重复投诉 {order.number} / Repeat complaint",
            body=f"{order.number} 重复了 {', '.join(o.number for o in earlier)}: {order.subject}",
            link=links.order_page(order.id),
        )
    return record_event(
        session,
        order,
        kind=EventKind.REPEAT,
        by=None,
        details={"repeats": [o.number for o in earlier], "window_days": rule.window_days},
    )


def triaged_priority(order: WorkOrder, level: Triage) -> int:
    """The priority a triage level gives the order: a repeat and each chase keep the step
    they raised it; a supervised one (督办) stays at the top."""
    if order.supervise_count:
        return MAX_PRIORITY
    raised = (1 if order.is_repeat else 0) + (order.urge_count or 0)
    return min(MAX_PRIORITY, TRIAGE_PRIORITY[level] + raised)


def triage(
    session: Session,
    *,
    order: WorkOrder,
    level: Triage,
    reason: str,
    by: Principal,
    calendar: BusinessCalendar,
) -> WorkOrder:
    """Set the triage level: it sets the priority (a repeat and each chase keep their
    extra step) and the time limits, still counted from the start of the order's round
    of handling (its creation, or its reopening). A passed-on order stays key at least."""
    origins.check_triage(OrderOrigin(order.origin), level)
    before = order.triage
    order.triage = level
    order.triage_reason = reason
    order.priority = triaged_priority(order, level)
    set_due_times(session, order, calendar)
    record_event(
        session,
        order,
        kind=EventKind.TRIAGE,
        by=by,
        reason=reason,
        details={"from": before, "to": level},
    )
    session.flush()
    return order
