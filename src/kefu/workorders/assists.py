"""Another team's part in an order (协办): the holder asks the network team to survey a
site, or billing to confirm a charge, and keeps the order; that team answers by the time
the two agreed, and the answer stays with the order.

Why not a transfer: the order would leave the one who speaks to the customer, and come
back (if it did) with its history split between two holders. Why a time of its own: the
customer's limit keeps running meanwhile, so the team asked must know by when it is
wanted, and its own queue shows the soonest due first.

Which teams: those of the order's unit or of a unit above it (the province's network
centre for a branch's complaint); their people see the order. One open ask per team and
order: a second question to the same team goes with the first, or after its answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, bindparam, func, select, true, update
from sqlalchemy.orm import Session, aliased

from kefu.core import audit, outbox
from kefu.core.base import utcnow
from kefu.core.calendar import BusinessCalendar
from kefu.core.rbac import Principal, Right
from kefu.errors import Conflict, Forbidden, Unprocessable
from kefu.notify import links
from kefu.notify.tasks import notify_staff
from kefu.org.models import OrgUnit, Staff, Team
from kefu.org.repository import team_lead_ids
from kefu.workorders.enums import BEING_HANDLED, AssistStatus, EventKind
from kefu.workorders.models import OrderAssist, WorkOrder
from kefu.workorders.order_records import one_of_order, with_names
from kefu.workorders.repository import FollowedAsks, teams_by_id
from kefu.workorders.service import record_event, team_working_day
from kefu.workorders.urging import holders

# Asked while the order is handled: once answered, closed or cancelled it needs no part.
ASKABLE = BEING_HANDLED
# The job that tells the team and the asker, once, that an ask passed its time unanswered.
OVERDUE = "order.assist_overdue"


@dataclass(frozen=True)
class ListedAssist:
    """An ask with its team and the names of who asked and who answered or took it back."""

    row: OrderAssist
    team: Team
    asked_by: str | None
    ended_by: str | None


def ask(
    session: Session,
    *,
    order: WorkOrder,
    team_id: int,
    question: str,
    due_hours: int,
    by: Principal,
    calendar: BusinessCalendar,
) -> OrderAssist:
    """Ask ``team_id`` for its part, wanted within ``due_hours`` (of the team's working
    time when it keeps hours); the team's leads (or, without one, its people) are told;
    on the timeline and audited."""
    if order.status not in ASKABLE:
        raise Conflict("assist_order_finished", number=order.number)
    team = _team_in_reach(session, order, team_id)
    if _open_ask(session, order.id, team.id) is not None:
        raise Conflict("assist_already_open", team=team.name)
    now = utcnow()
    row = OrderAssist(
        order_id=order.id,
        team_id=team.id,
        status=AssistStatus.OPEN,
        question=question,
        asked_by_id=by.staff_id,
        asked_at=now,
        due_at=wanted_by(team, now, timedelta(hours=due_hours), calendar),
        due_hours=due_hours,
        answer="",
    )
    session.add(row)
    session.flush()
    _record(session, order, by, "ask", row, team, said=question)
    for staff_id in _told_of_ask(session, team.id):
        notify_staff(
            session,
            staff_id=staff_id,
            subject=f"协办请求 {order.number} / Your team's help is asked",
            body=f"{order.number}: {order.subject}\n{question}\n{_wanted_by(row, calendar.zone)}",
            link=links.order_page(order.id),
        )
    watch_overdue(session, row, calendar.zone)
    return row


def watch_overdue(session: Session, row: OrderAssist, zone: str) -> None:
    """The job that tells of the ask still open at its time: one per time it was given
    (a time counted again has its own; the old one then does nothing)."""
    payload = {"assist_id": row.id, "zone": zone, "due_at": row.due_at.isoformat()}
    outbox.enqueue(session, kind=OVERDUE, payload=payload, run_at=row.due_at)


@outbox.handler(OVERDUE)
def _tell_overdue(
    session: Session, payload: dict[str, Any], message_id: str
) -> outbox.Sending[None] | None:
    """At the time wanted, an ask still open: the team's leads (else its people) and who
    asked are told, once (the mails are written where the delivery is recorded; answered
    or taken back by then, nobody is told)."""
    row = session.get(OrderAssist, payload["assist_id"])
    if row is None or row.status != AssistStatus.OPEN or _moved_since(row, payload):
        return None

    def record(writing: Session, _answer: None) -> None:
        _mail_overdue(writing, payload["assist_id"], payload["zone"])

    return outbox.Sending(channel="assist", send=lambda: None, record=record)


def _moved_since(row: OrderAssist, payload: dict[str, Any]) -> bool:
    """The ask's time was counted again after this job was queued: the new time's job
    tells (jobs queued before the time was kept in them count as current)."""
    queued_for = payload.get("due_at")
    return queued_for is not None and datetime.fromisoformat(queued_for) != row.due_at


def _mail_overdue(session: Session, assist_id: int, zone: str) -> None:
    row = session.get(OrderAssist, assist_id)
    if row is None or row.status != AssistStatus.OPEN:
        return  # answered while the job ran
    order = session.get(WorkOrder, row.order_id)
    team = session.get(Team, row.team_id)
    assert order is not None and team is not None  # foreign keys
    told = {*_told_of_ask(session, team.id), row.asked_by_id}
    for staff_id in sorted(t for t in told if t is not None):
        notify_staff(
            session,
            staff_id=staff_id,
            subject=f"协办已超时 {order.number} / Help overdue: {team.name_en or team.name}",
            body=(
                f"{order.number}: {order.subject}\n{team.name}: {row.question}\n"
                f"{_wanted_by(row, zone)}"
            ),
            link=links.order_page(order.id),
        )


def count_again(
    session: Session,
    row: OrderAssist,
    calendar: BusinessCalendar,
    *,
    by: Principal,
    because: Mapping[str, object],
) -> bool:
    """The open ask's time counted again on the calendar as it now stands (``because``:
    what changed it), from when it was asked: on the order's timeline with the time
    before, and watched at the new time. False when it stays (a team keeping no hours,
    or an ask made before its hours were kept)."""
    team = session.get(Team, row.team_id)
    assert team is not None  # foreign key
    if row.due_hours is None or team_working_day(calendar, team) is None:
        return False
    due = wanted_by(team, row.asked_at, timedelta(hours=row.due_hours), calendar)
    if due == row.due_at:
        return False
    before, row.due_at = row.due_at, due
    order = session.get(WorkOrder, row.order_id)
    assert order is not None  # foreign key
    why = {**because, "due_before": before.isoformat()}
    _record(session, order, by, "counted_again", row, team, said="", why=why)
    watch_overdue(session, row, calendar.zone)
    return True


def answer(
    session: Session, *, order: WorkOrder, assist: OrderAssist, text: str, by: Principal
) -> OrderAssist:
    """The team's answer, by one of its people, once; who asked and who holds the order
    are told."""
    if not is_member(session, by, assist.team_id):
        raise Forbidden("assist_not_your_team")
    _end(session, assist, AssistStatus.ANSWERED, by, text)
    team = session.get(Team, assist.team_id)
    assert team is not None  # foreign key
    _record(session, order, by, "answer", assist, team, said=text)
    told = {*holders(session, order), assist.asked_by_id} - {by.staff_id, None}
    for staff_id in sorted(t for t in told if t is not None):
        notify_staff(
            session,
            staff_id=staff_id,
            subject=f"协办已答复 {order.number} / {team.name_en or team.name} answered",
            body=f"{order.number}: {order.subject}\n{team.name}: {text}",
            link=links.order_page(order.id),
        )
    return assist


def withdraw(
    session: Session, *, order: WorkOrder, assist: OrderAssist, by: Principal | None, reason: str
) -> OrderAssist:
    """Take back an ask not yet answered: who may work the order (the route checks it),
    but not the team asked, whose part is to answer; its queue no longer shows it."""
    if by is not None and is_member(session, by, assist.team_id):
        raise Forbidden("assist_team_answers")
    return _withdrawn(session, order, assist, by, reason)


def withdraw_open(session: Session, order: WorkOrder, by: Principal | None, reason: str) -> None:
    """An order closed or cancelled takes back what it still asks of other teams: nobody
    should work on the part of an order that is done. In the name of whoever ended it."""
    if not _asks_any(session, order.id):
        return
    for row in list(session.scalars(_open_asks(order.id))):
        _withdrawn(session, order, row, by, reason)


def withdraw_beyond_reach(
    session: Session, order: WorkOrder, by: Principal | None, reason: str
) -> None:
    """An order sent on (dispatched, transferred, escalated) takes back what it asks of a
    team that can no longer see it, or that now holds it: that team has nothing to answer
    for. In the name of whoever sent it, with their reason."""
    if not _asks_any(session, order.id):
        return
    still_open = list(session.scalars(_open_asks(order.id)))
    reach = {team.id for team in teams_in_reach(session, order)}
    for row in still_open:
        if row.team_id not in reach:
            _withdrawn(session, order, row, by, reason, moved=True)


# Built once and read without the ORM: every closing and dispatch asks it, and almost no
# order has an open ask (a statement built per call cost more than running it; 0004).
_ANY_OPEN = (
    select(OrderAssist.id)
    .where(OrderAssist.order_id == bindparam("order_id"), OrderAssist.status == AssistStatus.OPEN)
    .limit(1)
)


def _asks_any(session: Session, order_id: int) -> bool:
    """Whether the order has an ask still open."""
    return session.connection().execute(_ANY_OPEN, {"order_id": order_id}).first() is not None


def _open_asks(order_id: int) -> Select[OrderAssist]:
    return select(OrderAssist).where(
        OrderAssist.order_id == order_id, OrderAssist.status == AssistStatus.OPEN
    )


def _withdrawn(
    session: Session,
    order: WorkOrder,
    assist: OrderAssist,
    by: Principal | None,
    reason: str,
    *,
    moved: bool = False,
) -> OrderAssist:
    _end(session, assist, AssistStatus.WITHDRAWN, by, "")
    team = session.get(Team, assist.team_id)
    assert team is not None  # foreign key
    _record(session, order, by, "withdraw", assist, team, said=reason, moved=moved)
    return assist


def the_assist(session: Session, order: WorkOrder, assist_id: int) -> OrderAssist:
    """One of the order's asks (404 for another order's, or none)."""
    return one_of_order(session, OrderAssist, order, assist_id, missing="assist_not_found")


def listed(session: Session, order_id: int) -> list[ListedAssist]:
    """The order's asks, in the order they were made."""
    people = (OrderAssist.asked_by_id, OrderAssist.ended_by_id)
    rows = with_names(session, OrderAssist, order_id, people, newest_first=False)
    teams = teams_by_id(session, {row.team_id for row, *_ in rows})
    return [ListedAssist(row, teams[row.team_id], asked, ended) for row, asked, ended in rows]


def is_member(session: Session, by: Principal, team_id: int) -> bool:
    """Whether the staff member is one of the team's people."""
    return my_team(session, by) == team_id


def followed(session: Session, principal: Principal) -> FollowedAsks | None:
    """The open asks the viewer follows: whoever watches queues (a supervisor, a team
    lead) those of every order of their scope, whichever team is asked, to see which
    answer late, their own people or the province's centre; anyone else those of their
    own team, to answer; None for someone in no team who watches none.

    An order's scope holds every team it may ask of its own unit, and no team asked is
    below the order's unit, so an ask of a team of the scope is on an order of it."""
    if principal.has(Right.QUEUES_MONITOR):
        scope = principal.scope_filter()
        if scope is None:
            return true()
        units = select(OrgUnit.id).where(OrgUnit.path.startswith(scope))
        # correlated to the ask alone (open asks are few, the scope's orders many), its
        # order an alias of its own: the lists join the asks' orders too
        order = aliased(WorkOrder)
        return (
            select(order.id)
            .where(order.id == OrderAssist.order_id, order.org_unit_id.in_(units))
            .correlate(OrderAssist)
            .exists()
        )
    return own_team_asks(session, principal)


def own_team_asks(session: Session, principal: Principal) -> FollowedAsks | None:
    """The asks of the viewer's team, for its people to answer (GET /api/v1/assists);
    None for someone in no team."""
    team_id = my_team(session, principal)
    return None if team_id is None else OrderAssist.team_id == team_id


def my_team(session: Session, principal: Principal) -> int | None:
    """The viewer's team, if any."""
    me = session.get(Staff, principal.staff_id)
    return me.team_id if me else None


def open_count(session: Session, asks: FollowedAsks) -> int:
    """How many of these asks wait for an answer (the 协办 tab's count)."""
    query = select(func.count()).where(OrderAssist.status == AssistStatus.OPEN, asks)
    return session.scalar(query) or 0


def teams_in_reach(session: Session, order: WorkOrder) -> list[Team]:
    """The active teams the order's holder may ask: of its unit or a unit above, not its
    own, by unit from the top."""
    unit = session.get(OrgUnit, order.org_unit_id)
    assert unit is not None  # foreign key
    query = (
        select(Team, OrgUnit.path)
        .join(OrgUnit, OrgUnit.id == Team.org_unit_id)
        .where(Team.active, Team.id != (order.team_id or 0))
        .order_by(func.length(OrgUnit.path), Team.id)
    )
    return [team for team, path in session.execute(query) if unit.path.startswith(path)]


def wanted_by(
    team: Team, asked_at: datetime, span: timedelta, calendar: BusinessCalendar
) -> datetime:
    """When the team's answer is wanted: ``span`` of its working time when it keeps hours
    (billing at 09:00–18:00 on workdays, asked on a Friday at four for four hours, is
    wanted on Monday at eleven), else of the clock (the network centre never closes)."""
    day = team_working_day(calendar, team)
    return asked_at + span if day is None else day.add(asked_at, span)


def _wanted_by(row: OrderAssist, zone: str) -> str:
    """When the answer is wanted, in the center's time, in both languages."""
    due = row.due_at.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M")
    return f"请于 {due} 前答复 / Answer by {due}"


def _team_in_reach(session: Session, order: WorkOrder, team_id: int) -> Team:
    team = session.get(Team, team_id)
    if team is None or not team.active:
        raise Unprocessable("assist_team_unknown", field="team_id")
    if team.id == order.team_id:
        raise Unprocessable("assist_own_team", field="team_id")
    if team not in teams_in_reach(session, order):
        raise Unprocessable("assist_team_out_of_reach", field="team_id")
    return team


def _open_ask(session: Session, order_id: int, team_id: int) -> OrderAssist | None:
    return session.scalar(
        select(OrderAssist).where(
            OrderAssist.order_id == order_id,
            OrderAssist.team_id == team_id,
            OrderAssist.status == AssistStatus.OPEN,
        )
    )


def _told_of_ask(session: Session, team_id: int) -> list[int]:
    """The team's leads; a team without one, all its active people."""
    leads = team_lead_ids(session, team_id)
    if leads:
        return leads
    query = select(Staff.id).where(Staff.team_id == team_id, Staff.active).order_by(Staff.id)
    return list(session.scalars(query))


def _end(
    session: Session, assist: OrderAssist, to: AssistStatus, by: Principal | None, answer: str
) -> None:
    """Answer or take back an open ask, once: of two people acting at once, one does it
    and the other is told it was done."""
    ended = session.execute(
        update(OrderAssist)
        .where(OrderAssist.id == assist.id, OrderAssist.status == AssistStatus.OPEN)
        .values(
            status=to,
            answer=answer,
            ended_by_id=by.staff_id if by else None,
            ended_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    )
    if ended.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict("assist_already_ended")
    session.refresh(assist)


def _record(
    session: Session,
    order: WorkOrder,
    by: Principal | None,
    step: str,
    row: OrderAssist,
    team: Team,
    *,
    said: str,
    moved: bool = False,
    why: Mapping[str, object] | None = None,
) -> None:
    """On the order's timeline (with what was asked, answered or why taken back; ``moved``
    when the order was sent beyond the team; ``why`` its time was counted again) and in
    the audit log as ``order.assist.<step>``."""
    details: dict[str, object] = {
        "assist": row.id,
        "step": step,
        "team": team.name,
        "team_en": team.name_en,
    }
    if step in ("ask", "counted_again"):
        details["due_at"] = row.due_at.isoformat()
    if moved:
        details["order_moved"] = True
    details.update(why or {})
    record_event(session, order, kind=EventKind.ASSIST, by=by, reason=said, details=details)
    audit.record(
        session,
        actor=by,
        action=f"order.assist.{step}",
        entity_type="work_order",
        entity_id=order.id,
        reason=said or None,
        details={"assist": row.id, "number": order.number, "team": team.id},
    )
