"""Live queue figures for the wallboard, and the expected wait a caller is told about.

Counted since local midnight, per queue:
- offered: calls that joined the queue; answered; abandoned (gave up after joining);
- service level: answered within the queue's threshold ÷ (answered + abandoned after the
  threshold) — a caller who hangs up in the first seconds is not held against the center;
- ASA: mean seconds from joining to answer; AHT: mean seconds from answer to the end of
  wrap-up (talk and notes);
- waiting now, the longest wait now, and agents by state;
- call-backs booked and not yet taken by an agent, and call-backs an agent took today.
Call-backs are counted apart: nobody holds on the line for them, so they are neither
"waiting" nor in the answer figures above.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from kefu.contact.enums import Direction, EndReason
from kefu.contact.models import Interaction
from kefu.core.sqltime import seconds_between
from kefu.routing.enums import STAFFED, AgentState
from kefu.routing.models import Agent, AgentQueue, Queue, WaitingCall

SERVING = frozenset({AgentState.READY, AgentState.RINGING, AgentState.TALKING, AgentState.WRAP_UP})
DEFAULT_HANDLE_SECONDS = 180.0  # until a queue has answered calls of its own today
RECENT_HANDLED = 50  # calls the expected wait averages over


@dataclass
class QueueFigures:
    """One queue's live figures."""

    queue_id: int
    code: str
    name: str
    name_en: str
    service_level_seconds: int
    waiting: int = 0
    longest_wait_seconds: float = 0.0
    offered: int = 0
    answered: int = 0
    abandoned: int = 0
    service_level: float | None = None
    asa_seconds: float | None = None
    aht_seconds: float | None = None
    callbacks_waiting: int = 0
    callbacks_taken: int = 0
    agents: dict[str, int] = field(default_factory=dict)
    alerts: list[str] = field(default_factory=list)


def live_figures(session: Session, *, since: datetime, now: datetime) -> list[dict[str, Any]]:
    """Every active queue's figures since ``since`` (local midnight as UTC), as dicts."""
    queues = {
        q.id: QueueFigures(q.id, q.code, q.name, q.name_en, q.service_level_seconds)
        for q in session.scalars(select(Queue).where(Queue.active).order_by(Queue.id))
    }
    _waiting(session, queues, now)
    _today(session, queues, since)
    _agents(session, queues)
    for figures in queues.values():
        figures.alerts = _alerts(figures)
    return [asdict(f) for f in queues.values()]


def _waiting(session: Session, queues: dict[int, QueueFigures], now: datetime) -> None:
    rows = session.execute(
        select(
            WaitingCall.queue_id,
            Interaction.direction,
            func.count(),
            func.min(WaitingCall.queued_at),
        )
        .join(Interaction, Interaction.id == WaitingCall.interaction_id)
        .group_by(WaitingCall.queue_id, Interaction.direction)
    )
    for queue_id, direction, count, oldest in rows:
        figures = queues.get(queue_id)
        if figures is None:
            continue
        if direction == Direction.OUTBOUND:
            figures.callbacks_waiting = count
        else:
            figures.waiting = count
            figures.longest_wait_seconds = round((now - oldest).total_seconds(), 1)


def _today(session: Session, queues: dict[int, QueueFigures], since: datetime) -> None:
    wait = seconds_between(Interaction.queued_at, Interaction.answered_at)
    handle = seconds_between(
        Interaction.answered_at, func.coalesce(Interaction.wrapped_up_at, Interaction.ended_at)
    )
    abandoned = Interaction.end_reason == EndReason.ABANDONED
    abandon_wait = seconds_between(Interaction.queued_at, Interaction.ended_at)
    threshold = Queue.service_level_seconds
    answered = Interaction.answered_at.is_not(None)
    rows = session.execute(
        select(
            Interaction.queue_id,
            func.count(),
            func.count(Interaction.answered_at),
            func.sum(case((abandoned, 1), else_=0)),
            func.sum(case((and_(answered, wait <= threshold), 1), else_=0)),
            func.sum(case((and_(abandoned, abandon_wait > threshold), 1), else_=0)),
            func.avg(wait),
            func.avg(handle),
        )
        .join(Queue, Queue.id == Interaction.queue_id)
        .where(Interaction.queued_at >= since, Interaction.direction == Direction.INBOUND)
        .group_by(Interaction.queue_id)
    )
    for queue_id, offered, answered, gave_up, in_time, late_abandons, asa, aht in rows:
        figures = queues.get(queue_id)
        if figures is None:
            continue
        figures.offered, figures.answered, figures.abandoned = offered, answered, gave_up or 0
        counted = answered + (late_abandons or 0)
        figures.service_level = round((in_time or 0) / counted, 4) if counted else None
        figures.asa_seconds = round(float(asa), 1) if asa is not None else None
        figures.aht_seconds = round(float(aht), 1) if aht is not None else None
    taken = session.execute(
        select(Interaction.queue_id, func.count())
        .where(
            Interaction.answered_at >= since,
            Interaction.direction == Direction.OUTBOUND,
            Interaction.queue_id.is_not(None),
        )
        .group_by(Interaction.queue_id)
    )
    for queue_id, count in taken:
        if queue_id in queues:
            queues[queue_id].callbacks_taken = count


def _agents(session: Session, queues: dict[int, QueueFigures]) -> None:
    rows = session.execute(
        select(AgentQueue.queue_id, Agent.state, func.count())
        .join(Agent, Agent.staff_id == AgentQueue.staff_id)
        .where(Agent.state.in_([str(s) for s in STAFFED]))
        .group_by(AgentQueue.queue_id, Agent.state)
    )
    for queue_id, state, count in rows:
        if queue_id in queues:
            queues[queue_id].agents[str(state)] = count


def _alerts(figures: QueueFigures) -> list[str]:
    """Plain alert codes the wallboard turns red on (translated in the console)."""
    alerts = []
    if figures.waiting and not figures.agents.get(AgentState.READY) and not _busy(figures):
        alerts.append("no_agents")
    if figures.longest_wait_seconds > 4 * figures.service_level_seconds:
        alerts.append("long_wait")
    if figures.service_level is not None and figures.answered >= 20 and figures.service_level < 0.8:
        alerts.append("service_level_below_target")
    return alerts


def _busy(figures: QueueFigures) -> int:
    states = (AgentState.RINGING, AgentState.TALKING, AgentState.WRAP_UP)
    return sum(figures.agents.get(s, 0) for s in states)


def agents_by_state(session: Session) -> dict[str, int]:
    """Signed-in agents of the whole center by state."""
    rows = session.execute(
        select(Agent.state, func.count())
        .where(Agent.state != AgentState.OFFLINE)
        .group_by(Agent.state)
    )
    return {str(state): count for state, count in rows}


def expected_wait(session: Session, *, queue_code: str, now: datetime) -> float | None:
    """Seconds a caller joining ``queue_code`` now can expect to wait: the calls ahead
    plus this one, served by the signed-in agents of the queue at the recent handle time.
    None for an unknown queue."""
    queue = session.scalar(select(Queue).where(Queue.code == queue_code))
    if queue is None:
        return None
    ahead = session.scalar(
        select(func.count()).select_from(WaitingCall).where(WaitingCall.queue_id == queue.id)
    )
    serving = session.scalar(
        select(func.count())
        .select_from(AgentQueue)
        .join(Agent, Agent.staff_id == AgentQueue.staff_id)
        .where(
            AgentQueue.queue_id == queue.id,
            Agent.state.in_([str(s) for s in SERVING]),
        )
    )
    if not serving:
        return float("inf")
    if ahead == 0 and _anyone_ready(session, queue.id):
        return 0.0
    return ((ahead or 0) + 1) * _handle_seconds(session, queue.id, now) / serving


def _anyone_ready(session: Session, queue_id: int) -> bool:
    return (
        session.scalar(
            select(Agent.staff_id)
            .join(AgentQueue, AgentQueue.staff_id == Agent.staff_id)
            .where(AgentQueue.queue_id == queue_id, Agent.state == AgentState.READY)
            .limit(1)
        )
        is not None
    )


def _handle_seconds(session: Session, queue_id: int, now: datetime) -> float:
    recent = (
        select(
            seconds_between(
                Interaction.answered_at,
                func.coalesce(Interaction.wrapped_up_at, Interaction.ended_at),
            ).label("handle")
        )
        .where(
            Interaction.queue_id == queue_id,
            Interaction.answered_at >= now - timedelta(hours=4),
            Interaction.ended_at.is_not(None),
        )
        .order_by(Interaction.answered_at.desc())
        .limit(RECENT_HANDLED)
        .subquery()
    )
    mean = session.scalar(select(func.avg(recent.c.handle)))
    return float(mean) if mean else DEFAULT_HANDLE_SECONDS
