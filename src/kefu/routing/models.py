"""Tables of the routing domain: queues and the skills they need."""

from __future__ import annotations

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kefu.core.base import Base, IdMixin, TimestampMixin, VersionedMixin


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
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class QueueSkill(Base):
    """Why: only agents holding every listed skill at the minimum level take the queue."""

    __tablename__ = "routing_queue_skills"
    __table_args__ = (CheckConstraint("min_level BETWEEN 1 AND 5", name="min_level_range"),)

    queue_id: Mapped[int] = mapped_column(ForeignKey("routing_queues.id"), primary_key=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id"), primary_key=True)
    min_level: Mapped[int] = mapped_column(Integer, default=1)
