"""Tables of the routing domain: queues and the skills they need."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kefu.core.base import Base, IdMixin, TimestampMixin, VersionedMixin, utcnow
from kefu.routing.enums import AgentState


class Queue(IdMixin, TimestampMixin, VersionedMixin, Base):
    """Why: callers wait in a queue per kind of need; each queue names the skills an agent
    must have, its service-level goal and when a caller is offered a callback instead."""

    __tablename__ = "routing_queues"

    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100), default="")
    # "answered within N seconds" is the service level this queue is held to (80/20 by default)
    service_level_seconds: Mapped[int] = mapped_column(Integer, default=20)
    # offer a callback when the expected wait passes this many seconds
    callback_after_seconds: Mapped[int] = mapped_column(Integer, default=120)
    # a big customer's call rings their own account manager this long before it overflows
    dedicated_ring_seconds: Mapped[int] = mapped_column(Integer, default=15)
    # each priority point moves a caller this many seconds ahead (aging: no one starves)
    priority_step_seconds: Mapped[int] = mapped_column(Integer, default=30)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class QueueSkill(Base):
    """Why: only agents holding every listed skill at the minimum level take the queue."""

    __tablename__ = "routing_queue_skills"
    __table_args__ = (CheckConstraint("min_level BETWEEN 1 AND 5", name="min_level_range"),)

    queue_id: Mapped[int] = mapped_column(ForeignKey("routing_queues.id"), primary_key=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id"), primary_key=True)
    min_level: Mapped[int] = mapped_column(Integer, default=1)


class Agent(TimestampMixin, VersionedMixin, Base):
    """Why: one row per agent holds the state every API worker routes by; ``idle_since``
    ranks the longest-idle agent, and the row lock is what two workers contend for."""

    __tablename__ = "routing_agents"
    __table_args__ = (Index("ix_routing_agents_state_idle", "state", "idle_since"),)

    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), primary_key=True)
    state: Mapped[AgentState] = mapped_column(String(8), default=AgentState.OFFLINE)
    reason: Mapped[str] = mapped_column(String(32), default="")  # the break's reason code
    state_since: Mapped[datetime] = mapped_column(default=utcnow)
    idle_since: Mapped[datetime | None]  # set when the agent becomes ready
    interaction_id: Mapped[int | None] = mapped_column(ForeignKey("contact_interactions.id"))
    offer_expires_at: Mapped[datetime | None]  # when a ringing offer is taken back


class AgentQueue(Base):
    """Why: which queues an agent can take (every required skill at its level), worked out
    when the agent signs in so a routing decision is one indexed join, not a skill check
    per agent; ``level`` (the skills' summed levels) breaks ties between idle agents."""

    __tablename__ = "routing_agent_queues"
    __table_args__ = (Index("ix_routing_agent_queues_queue", "queue_id", "staff_id"),)

    staff_id: Mapped[int] = mapped_column(ForeignKey("routing_agents.staff_id"), primary_key=True)
    queue_id: Mapped[int] = mapped_column(ForeignKey("routing_queues.id"), primary_key=True)
    level: Mapped[int] = mapped_column(Integer, default=0)


class WaitingCall(Base):
    """Why: the calls waiting for an agent, kept apart from the interactions so the routing
    index stays as small as the queue. ``route_key`` is the queue time moved earlier by
    the call's priority: ordering by it serves higher tiers first, and a caller waits at
    most the top priority's head start behind anyone who came later (aging)."""

    __tablename__ = "routing_waiting_calls"
    __table_args__ = (
        Index("ix_routing_waiting_calls_queue_key", "queue_id", "route_key"),
        Index("ix_routing_waiting_calls_dedicated", "dedicated_agent_id"),
    )

    interaction_id: Mapped[int] = mapped_column(
        ForeignKey("contact_interactions.id"), primary_key=True
    )
    queue_id: Mapped[int] = mapped_column(ForeignKey("routing_queues.id"))
    route_key: Mapped[float] = mapped_column(Float)
    priority: Mapped[int] = mapped_column(Integer, default=0)
    queued_at: Mapped[datetime] = mapped_column(default=utcnow)
    # a big customer's own account manager gets the call first, until dedicated_until
    dedicated_agent_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    dedicated_until: Mapped[datetime | None]
    offered_to: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))


class BreakReason(IdMixin, Base):
    """Why: not-ready time is planned (lunch, training) or not (a missed call); the reason
    codes make the difference visible to the team lead."""

    __tablename__ = "routing_break_reasons"

    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class AgentEvent(IdMixin, Base):
    """Why: every state change of an agent is kept — occupancy, break time and missed calls
    per agent are counted from these rows."""

    __tablename__ = "routing_agent_events"
    __table_args__ = (Index("ix_routing_agent_events_staff_at", "staff_id", "at"),)

    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    from_state: Mapped[AgentState] = mapped_column(String(8))
    to_state: Mapped[AgentState] = mapped_column(String(8))
    reason: Mapped[str] = mapped_column(String(32), default="")
    interaction_id: Mapped[int | None] = mapped_column(ForeignKey("contact_interactions.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
