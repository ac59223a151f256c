"""Read shapes of orders, masked by the viewer's rights."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from kefu.core.base import utcnow
from kefu.core.filekinds import stored_kind
from kefu.core.masking import mask_address, mask_name
from kefu.core.rbac import Principal, Right
from kefu.customers.schemas import WorkItemBrief
from kefu.customers.view import show_phone
from kefu.org.models import OrgUnit
from kefu.workorders import appointments, attachments, refunds, repository
from kefu.workorders.appointment_schemas import AppointmentOut, MoveAskedOut
from kefu.workorders.appointments import ListedAppointment
from kefu.workorders.assist_schemas import AssistOut
from kefu.workorders.assists import ListedAssist
from kefu.workorders.attachment_schemas import AttachmentOut
from kefu.workorders.attachments import ListedAttachment
from kefu.workorders.category_tree import category_tree
from kefu.workorders.consent import needs_consent
from kefu.workorders.deps import sees_order, sees_order_at
from kefu.workorders.enums import (
    BEING_HANDLED,
    CLOCK_RUNNING_STATUSES,
    URGEABLE_STATUSES,
    AssistStatus,
    EventKind,
    OrderType,
    RefundStatus,
)
from kefu.workorders.incident_compensation import Compensation
from kefu.workorders.incident_schemas import CompensationOut
from kefu.workorders.lifecycle import allowed_actions
from kefu.workorders.models import Category, Incident, WorkOrder
from kefu.workorders.refund_history import NumberHistory
from kefu.workorders.refund_schemas import EarlierRefundOut, NumberHistoryOut, RefundOut
from kefu.workorders.refunds import ListedRefund
from kefu.workorders.repository import ShownComplaint, TimelineStep
from kefu.workorders.schemas import (
    CategoryBrief,
    ChaseReceipt,
    ConsentRead,
    EarlierComplaintBrief,
    IncidentBrief,
    IntakeOutlook,
    OrderDetail,
    OrderEventRead,
    OrderListItem,
    ReturnVisitRead,
    UnitBrief,
)
from kefu.workorders.service import Outlook


def category_brief(session: Session, category_id: int) -> CategoryBrief:
    """A category with the names of its ancestors (billing › disputed charge › …)."""
    tree = category_tree(session)
    category = tree.get(category_id)
    assert category is not None  # foreign key
    chain = tree.chain(category)
    return CategoryBrief(
        id=category.id,
        code=category.code,
        name=category.name,
        name_en=category.name_en,
        path_names=[c.name for c in chain],
        path_names_en=[c.name_en or c.name for c in chain],
    )


def _order_fields(
    session: Session, order: WorkOrder, viewer: Principal, repeats: list[str]
) -> dict[str, Any]:
    """What ``OrderRead`` shows of one order to one viewer, as its fields: an order's page
    adds its timeline to them, with no ``OrderRead`` built only to be dumped again."""
    masked = not viewer.has(Right.PII_VIEW)
    unit, team, assignee = repository.names(session, order)
    return dict(
        id=order.id,
        number=order.number,
        type=order.type,
        status=order.status,
        channel=order.channel,
        category=category_brief(session, order.category_id),
        customer_id=order.customer_id,
        contact_phone=show_phone(order.contact_phone, masked),
        contact_name=mask_name(order.contact_name)
        if masked and order.contact_name
        else order.contact_name,
        subject=order.subject,
        description=order.description,
        triage=order.triage,
        triage_reason=order.triage_reason,
        priority=order.priority,
        is_repeat=order.is_repeat,
        repeats=repeats,
        urge_count=order.urge_count,
        last_urged_at=order.last_urged_at,
        supervise_count=order.supervise_count,
        last_supervised_at=order.last_supervised_at,
        supervise_answer_by=_owed(order),
        origin=order.origin,
        origin_ref=order.origin_ref,
        origin_due_at=order.origin_due_at,
        org_unit=UnitBrief(id=unit.id, name=unit.name, name_en=unit.name_en),
        team=UnitBrief(id=team.id, name=team.name, name_en=team.name_en) if team else None,
        assignee=UnitBrief(id=assignee.id, name=assignee.display_name) if assignee else None,
        reply=order.reply,
        created_at=order.created_at,
        handling_round=order.handling_round,
        round_started_at=order.round_started_at,
        response_due_at=order.response_due_at,
        resolve_due_at=order.resolve_due_at,
        paused_at=order.paused_at,
        incident_id=order.incident_id,
        replied_at=order.replied_at,
        closed_at=order.closed_at,
        clock_running=order.status in CLOCK_RUNNING_STATUSES,
        version=order.version,
        allowed_actions=allowed_actions(order),
    )


def order_detail(session: Session, order: WorkOrder, viewer: Principal) -> OrderDetail:
    """One order with its timeline and return visits."""
    # A return visit is booked when a replied order closes: an order never replied to
    # has none to look up, unless a visit reopened it.
    answered = order.replied_at is not None or order.handling_round > 1
    booked = repository.visits(session, order.id) if answered else []
    return _detail(
        session,
        order,
        viewer,
        timeline=repository.events(session, order.id),
        repeats=repository.linked_numbers(session, order.id) if order.is_repeat else [],
        visits=[ReturnVisitRead.model_validate(v) for v in booked],
        consent=_consent(session, order, viewer),
    )


def new_order_detail(
    session: Session,
    order: WorkOrder,
    viewer: Principal,
    *,
    timeline: list[TimelineStep],
    repeats: list[str],
) -> OrderDetail:
    """A new order's page from what its creation wrote (``service.NewOrder``): nothing to
    read back, and no visit or consent yet. On SQLite those reads ran inside the single
    write turn every creation of the center waits for."""
    return _detail(
        session, order, viewer, timeline=timeline, repeats=repeats, visits=[], consent=None
    )


def _detail(
    session: Session,
    order: WorkOrder,
    viewer: Principal,
    *,
    timeline: list[TimelineStep],
    repeats: list[str],
    visits: list[ReturnVisitRead],
    consent: ConsentRead | None,
) -> OrderDetail:
    return OrderDetail(
        **_order_fields(session, order, viewer, repeats),
        events=[_step(step) for step in timeline],
        opened_by=next((s.actor for s in timeline if s.kind == EventKind.CREATED), None),
        visits=visits,
        needs_consent=needs_consent(session, order),
        consent=consent,
    )


def _step(step: TimelineStep) -> OrderEventRead:
    return OrderEventRead(
        kind=step.kind,
        action=step.action,
        from_status=step.from_status,
        to_status=step.to_status,
        actor=step.actor,
        occurred_at=step.occurred_at,
        reason=step.reason,
        details=json.loads(step.details or "{}"),
    )


def _consent(session: Session, order: WorkOrder, viewer: Principal) -> ConsentRead | None:
    """The confirmation given, else the code on its way (newest first)."""
    if order.type != OrderType.SERVICE_REQUEST:
        return None
    consent = repository.latest_consent(session, order.id)
    if consent is None:
        return None
    return ConsentRead(
        id=consent.id,
        method=consent.method,
        phone=show_phone(consent.phone, not viewer.has(Right.PII_VIEW)),
        expires_at=consent.expires_at,
        attempts=consent.attempts,
        call_reference=consent.call_reference,
        confirmed_at=consent.confirmed_at,
        created_at=consent.created_at,
    )


def list_item(
    order: WorkOrder, unit: OrgUnit, category: Category, assignee: str | None, masked: bool
) -> OrderListItem:
    """A queue row."""
    return OrderListItem(
        id=order.id,
        number=order.number,
        type=order.type,
        status=order.status,
        category=category.name,
        subject=order.subject,
        contact_phone=show_phone(order.contact_phone, masked),
        triage=order.triage,
        priority=order.priority,
        is_repeat=order.is_repeat,
        urge_count=order.urge_count,
        supervise_count=order.supervise_count,
        supervise_answer_by=_owed(order),
        origin=order.origin,
        handling_round=order.handling_round,
        round_started_at=order.round_started_at,
        version=order.version,
        org_unit=unit.name,
        org_unit_en=unit.name_en,
        category_en=category.name_en,
        assignee=assignee,
        created_at=order.created_at,
        resolve_due_at=order.resolve_due_at,
        replied_at=order.replied_at,
        clock_running=order.status in CLOCK_RUNNING_STATUSES,
    )


def _owed(order: WorkOrder) -> datetime | None:
    """When a supervisor wants the answer, while the order is still being handled (a
    cancelled duplicate owes nothing: its order kept does)."""
    return order.supervise_answer_by if order.status in BEING_HANDLED else None


QueueRow = tuple[WorkOrder, OrgUnit, Category, str | None]


def list_items(session: Session, rows: Sequence[QueueRow], masked: bool) -> list[OrderListItem]:
    """Queue rows from the list query's (order, unit, category, assignee) rows, each with
    how many files it keeps, its booked visit's window and the team holding it (a query
    each for the page)."""
    ids = [row[0].id for row in rows]
    files = attachments.kept_counts(session, ids)
    windows = appointments.booked_windows(session, ids)
    teams = repository.teams_by_id(session, {o.team_id for o, *_ in rows if o.team_id})
    items = [list_item(o, u, c, a, masked) for o, u, c, a in rows]
    for item, (order, *_) in zip(items, rows, strict=True):
        item.file_count = files.get(item.id, 0)
        item.visit_starts_at, item.visit_ends_at = windows.get(item.id, (None, None))
        team = teams.get(order.team_id) if order.team_id else None
        item.team, item.team_en = (team.name, team.name_en) if team else (None, "")
    return items


def open_items_for_customer(
    session: Session, customer_id: int, viewer: Principal
) -> list[WorkItemBrief]:
    """The customer's open orders, for the 360 view. Those beyond the viewer's reach are
    listed too, with the unit that holds them: the customer on the line asks about their
    own orders wherever they are handled. ``urgeable`` while still being handled."""
    items = []
    found = repository.open_orders_of(session, customer_id)
    ids = [order.id for order, _ in found]
    windows, money = appointments.booked_windows(session, ids), refunds.money_back(session, ids)
    for order, unit in found:
        in_reach = sees_order(viewer, order, unit)
        visit = windows.get(order.id, (None, None))
        given = money.get(order.id, refunds.MoneyBack())
        items.append(
            WorkItemBrief(
                kind="work_order",
                id=order.id,
                number=order.number,
                type=order.type,
                status=order.status,
                subject=order.subject,
                created_at=order.created_at,
                due_at=order.resolve_due_at if order.status in CLOCK_RUNNING_STATUSES else None,
                is_repeat=order.is_repeat,
                urge_count=order.urge_count,
                supervise_count=order.supervise_count,
                origin=order.origin,
                visit_starts_at=visit[0],
                visit_ends_at=visit[1],
                refund_credited_fen=given.credited,
                refund_on_way_fen=given.on_way,
                refund_asked_fen=given.asked,
                urgeable=order.status in URGEABLE_STATUSES,
                in_reach=in_reach,
                held_by=None if in_reach else unit.name,
                held_by_en=None if in_reach else unit.name_en or unit.name,
            )
        )
    return items


APPEAL_MEMORY = timedelta(days=365)


def customer_flags(session: Session, customer_id: int) -> dict[str, bool]:
    """What the agent must know of the customer's orders before speaking: they took a
    complaint to the regulator, a consumer body or the press within the last year."""
    since = utcnow() - APPEAL_MEMORY
    return {"appealed_outside": repository.took_outside_since(session, customer_id, since)}


def chase_receipt(order: WorkOrder, unit: OrgUnit) -> ChaseReceipt:
    """Where a chased order beyond the agent's reach stands, for the customer on the line."""
    return ChaseReceipt(
        id=order.id,
        number=order.number,
        status=order.status,
        urge_count=order.urge_count,
        last_urged_at=order.last_urged_at,
        held_by=unit.name,
        held_by_en=unit.name_en or unit.name,
        resolve_due_at=order.resolve_due_at if order.status in CLOCK_RUNNING_STATUSES else None,
    )


def intake_outlook(outlook: Outlook, viewer: Principal) -> IntakeOutlook:
    """What the intake form shows: the repeated complaints the viewer may see, and how
    many more there are that the viewer may not (they count for the rule all the same).
    The customer's own complaints are shown wherever they are handled (the customer was
    checked for the draft), those beyond the viewer's reach with the unit holding them."""
    customer_id = outlook.draft.customer_id
    shown = []
    for o in outlook.earlier:
        in_reach = sees_order_at(viewer, o.unit_path, o.created_by_id, o.assignee_id)
        if in_reach or (customer_id is not None and o.customer_id == customer_id):
            shown.append(_earlier_brief(o, in_reach))
    return IntakeOutlook(
        repeat=bool(outlook.earlier),
        window_days=outlook.window_days,
        earlier=shown,
        earlier_elsewhere=len(outlook.earlier) - len(shown),
        incident=_incident_brief(outlook.incident, outlook.incident_news),
        priority=outlook.draft.priority,
        response_due_at=outlook.draft.response_due_at,
        resolve_due_at=outlook.draft.resolve_due_at,
        needs_consent=outlook.needs_consent,
        account_manager_told=outlook.manager_told,
    )


def _earlier_brief(o: ShownComplaint, in_reach: bool) -> EarlierComplaintBrief:
    return EarlierComplaintBrief(
        id=o.id,
        number=o.number,
        status=o.status,
        subject=o.subject,
        created_at=o.created_at,
        urgeable=o.status in URGEABLE_STATUSES,
        in_reach=in_reach,
        held_by=None if in_reach else o.unit_name,
        held_by_en=None if in_reach else o.unit_name_en or o.unit_name,
    )


def _incident_brief(
    incident: Incident | None, news: tuple[str, datetime] | None
) -> IncidentBrief | None:
    if incident is None:
        return None
    said, at = news or (None, None)
    return IncidentBrief(
        id=incident.id,
        number=incident.number,
        status=incident.status,
        title=incident.title,
        news=said,
        news_at=at,
    )


def attachment_out(item: ListedAttachment) -> AttachmentOut:
    """An attachment as the API shows it."""
    row = item.row
    kind = stored_kind(row.media_type)
    withdrawn = row.withdrawn_at is not None
    return AttachmentOut(
        id=row.id,
        order_id=row.order_id,
        file_name=row.file_name,
        media_type=row.media_type,
        group=kind.group,
        opens_in_browser=kind.opens_in_browser,
        size_bytes=row.size_bytes,
        sha256=row.sha256,
        note=row.note,
        source=row.source if row.source in ("email", "web") else "upload",
        uploaded_at=row.uploaded_at,
        uploaded_by=item.uploaded_by,
        uploaded_by_id=row.uploaded_by_id,
        withdrawn_at=row.withdrawn_at,
        withdrawn_by=item.withdrawn_by,
        withdrawn_reason=row.withdrawn_reason if withdrawn else None,
        content_url=None if withdrawn else content_url(row.order_id, row.id),
    )


def content_url(order_id: int, attachment_id: int) -> str:
    """Where an attachment's content is read."""
    return f"/api/v1/work-orders/{order_id}/attachments/{attachment_id}/content"


def appointment_out(item: ListedAppointment, masked: bool) -> AppointmentOut:
    """A visit as the API shows it; the address masked unless the viewer may see it."""
    row = item.row
    return AppointmentOut(
        id=row.id,
        order_id=row.order_id,
        status=row.status,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        address=mask_address(row.address) if masked else row.address,
        engineer_id=row.engineer_id,
        engineer=row.engineer,
        engineer_phone=row.engineer_phone,
        note=row.note,
        texted=row.texted,
        booked_by=item.booked_by,
        booked_at=row.booked_at,
        closed_by=item.closed_by,
        closed_at=row.closed_at,
        missed_by=row.missed_by,
        outcome_note=row.outcome_note,
        move_asked=(
            MoveAskedOut(day=item.move_asked.day, part=item.move_asked.part)
            if item.move_asked
            else None
        ),
    )


def refund_out(item: ListedRefund, masked: bool, same_charge_on: str | None = None) -> RefundOut:
    """A refund as the API shows it; the number masked unless the viewer may see it."""
    row = item.row
    return RefundOut(
        id=row.id,
        order_id=row.order_id,
        kind=row.kind,
        status=row.status,
        msisdn=show_phone(row.msisdn, masked),
        charge_fen=row.charge_fen,
        amount_fen=row.amount_fen,
        bill_month=row.bill_month,
        reason=row.reason,
        requested_by_id=row.requested_by_id,
        requested_by=item.requested_by,
        requested_at=row.requested_at,
        decided_by=item.decided_by,
        decided_at=row.decided_at,
        decision_note=row.decision_note,
        credited_at=row.credited_at,
        billing_ref=row.billing_ref,
        same_charge_on=same_charge_on,
    )


def number_history_out(history: NumberHistory) -> NumberHistoryOut:
    """The number's refunds on its other orders, as the API shows them."""
    return NumberHistoryOut(
        given_count=history.given_count,
        given_fen=history.given_fen,
        rejected_count=history.rejected_count,
        recent=[EarlierRefundOut(**asdict(earlier)) for earlier in history.recent],
    )


def compensation_out(found: Compensation) -> CompensationOut:
    """An incident's compensation, as the API shows it."""
    return CompensationOut(
        amount_fen=found.amount_fen,
        reason=found.reason,
        asked_by=found.asked_by,
        asked_at=found.asked_at,
        decided_by=found.decided_by,
        decided_at=found.decided_at,
        callers=found.count(*RefundStatus),
        awaiting=found.count(RefundStatus.REQUESTED),
        on_way=found.count(RefundStatus.APPROVED),
        credited=found.count(RefundStatus.CREDITED),
        credited_fen=found.sums.get(RefundStatus.CREDITED, 0),
        refused=found.count(RefundStatus.REJECTED, RefundStatus.WITHDRAWN, RefundStatus.FAILED),
    )


def assist_out(item: ListedAssist) -> AssistOut:
    """An ask as the API shows it."""
    row = item.row
    return AssistOut(
        id=row.id,
        order_id=row.order_id,
        team_id=row.team_id,
        team=item.team.name,
        team_en=item.team.name_en or item.team.name,
        status=row.status,
        question=row.question,
        asked_by_id=row.asked_by_id,
        asked_by=item.asked_by,
        asked_at=row.asked_at,
        due_at=row.due_at,
        overdue=row.status == AssistStatus.OPEN and row.due_at < utcnow(),
        answer=row.answer,
        ended_by=item.ended_by,
        ended_at=row.ended_at,
    )
