"""Tables of the IVR domain: flows and their versions, call sessions and node visits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kefu.core.base import Base, IdMixin, TimestampMixin, VersionedMixin, utcnow
from kefu.ivr.enums import CallOutcome, VersionStatus


class IvrFlow(IdMixin, TimestampMixin, VersionedMixin, Base):
    """Why: a called number (10086, the enterprise line) runs one named flow; publishing
    and rolling back change which version answers, under If-Match."""

    __tablename__ = "ivr_flows"

    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    # the dialled numbers this flow answers, space-separated ("10086 1008611")
    numbers: Mapped[str] = mapped_column(String(200), default="")
    published_number: Mapped[int | None] = mapped_column(Integer)  # the version that answers


class IvrFlowVersion(IdMixin, Base):
    """Why: the YAML as written, kept for good: calls log the version they ran."""

    __tablename__ = "ivr_flow_versions"
    __table_args__ = (UniqueConstraint("flow_id", "number"),)

    flow_id: Mapped[int] = mapped_column(ForeignKey("ivr_flows.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    status: Mapped[VersionStatus] = mapped_column(String(12), default=VersionStatus.DRAFT)
    source: Mapped[str] = mapped_column(Text)
    note: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    published_at: Mapped[datetime | None]
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))


class IvrSession(IdMixin, Base):
    """Why: one call's walk through a flow; it holds where the call is between the PBX's
    requests, so any API worker can take the next step."""

    __tablename__ = "ivr_sessions"
    __table_args__ = (Index("ix_ivr_sessions_started", "started_at"),)

    call_id: Mapped[str] = mapped_column(String(128), unique=True)
    interaction_id: Mapped[int] = mapped_column(ForeignKey("contact_interactions.id"), index=True)
    flow_version_id: Mapped[int] = mapped_column(ForeignKey("ivr_flow_versions.id"))
    node: Mapped[str] = mapped_column(String(64))  # the node waiting for input
    state: Mapped[str] = mapped_column(Text, default="{}")  # JSON: variables and retries
    step: Mapped[int] = mapped_column(Integer, default=0)  # requests answered so far
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]
    outcome: Mapped[CallOutcome | None] = mapped_column(String(16))
    self_service_ok: Mapped[bool] = mapped_column(Boolean, default=False)
    transfer_queue: Mapped[str] = mapped_column(String(32), default="")
    transfer_reason: Mapped[str] = mapped_column(String(64), default="")


class IvrVisit(IdMixin, Base):
    """Why: each node a call passed, with times, gives abandonment per node and the paths
    callers really take."""

    __tablename__ = "ivr_visits"

    session_id: Mapped[int] = mapped_column(ForeignKey("ivr_sessions.id"), index=True)
    node: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    entered_at: Mapped[datetime] = mapped_column(default=utcnow)
    left_at: Mapped[datetime | None]
    # what the caller did here: "digits", "timeout", "invalid", an action's result
    result: Mapped[str] = mapped_column(String(32), default="")
