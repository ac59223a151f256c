"""Tables of the work-order domain."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from kefu.core.base import Base, IdMixin, TimestampMixin, VersionedMixin, utcnow
from kefu.workorders.enums import (
    AppointmentStatus,
    AssistStatus,
    Channel,
    ConsentMethod,
    EventKind,
    IncidentStatus,
    OrderOrigin,
    OrderStatus,
    OrderType,
    RefundKind,
    RefundStatus,
    Triage,
)


class Category(IdMixin, TimestampMixin, VersionedMixin, Base):
    """Why: the three-level taxonomy drives routing, templates, scripts and repeat control.

    ``path`` holds the ids from the root (``/3/17/52/``), so "this category and below" and
    "the level-2 ancestor" are string operations, like the org tree.
    """

    __tablename__ = "wo_categories"

    code: Mapped[str] = mapped_column(String(64), unique=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("wo_categories.id"), index=True)
    level: Mapped[int] = mapped_column(Integer)
    path: Mapped[str] = mapped_column(String(255), index=True, default="/")
    name: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100), default="")
    script: Mapped[str] = mapped_column(Text, default="")  # 受理脚本: what the agent asks
    script_en: Mapped[str] = mapped_column(Text, default="")  # the same for English agents
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # A service request filed here opens or changes a service, so it is carried out only
    # after the customer confirms (五不准); off for requests that change none (an invoice).
    changes_service: Mapped[bool] = mapped_column(Boolean, default=True)


class ReplyTemplate(IdMixin, TimestampMixin, VersionedMixin, Base):
    """Why: unified reply templates stop the same problem getting different answers."""

    __tablename__ = "wo_reply_templates"

    category_id: Mapped[int] = mapped_column(ForeignKey("wo_categories.id"), index=True)
    title: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text)  # with {placeholders}, see templates.py
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    language: Mapped[str] = mapped_column(String(8), default="zh-CN")  # the customer's


class DailyCounter(Base):
    """Why: human order numbers count per day (WO20261122-000123) without a global lock."""

    __tablename__ = "wo_daily_counters"

    day: Mapped[date] = mapped_column(primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


def _rows_where(name: str, column: str, condition: str) -> Index:
    """An index of the orders meeting ``condition`` only. A new order has no team, owner
    or incident yet and is rarely a repeat, so its INSERT skips these indexes (four
    B-trees of fourteen), and they hold the rows their lookups ask for."""
    where = text(condition)
    return Index(name, column, sqlite_where=where, postgresql_where=where)


class WorkOrder(IdMixin, TimestampMixin, VersionedMixin, Base):
    """Why: one customer request, complaint or fault, followed from intake to return visit."""

    __tablename__ = "work_orders"
    __table_args__ = (
        # Repeat control: one number's complaints lately. With "type" in it, SQLite (which
        # keeps no statistics unless analysed) no longer prefers the (type, created_at)
        # index and read every complaint of the last 30 days on each new order.
        Index("ix_work_orders_phone_type_created", "contact_phone", "type", "created_at"),
        # Incident detection counts an area's recent orders.
        Index("ix_work_orders_unit_created", "org_unit_id", "created_at"),
        Index("ix_work_orders_org_status", "org_unit_id", "status"),
        # Monthly reports read one type over a date range.
        Index("ix_work_orders_type_created", "type", "created_at"),
        # Queues (a team's, a person's), an incident's orders, the repeat list.
        _rows_where("ix_work_orders_team_id", "team_id", "team_id IS NOT NULL"),
        _rows_where("ix_work_orders_assignee_id", "assignee_id", "assignee_id IS NOT NULL"),
        _rows_where("ix_work_orders_incident_id", "incident_id", "incident_id IS NOT NULL"),
        # The 督办 queue: the few orders a supervisor ever pressed for.
        _rows_where(
            "ix_work_orders_supervised", "last_supervised_at", "last_supervised_at IS NOT NULL"
        ),
        Index(  # SQLite takes a partial index only for a query with the same condition
            "ix_work_orders_is_repeat",
            "is_repeat",
            sqlite_where=text("is_repeat = 1"),
            postgresql_where=text("is_repeat"),
        ),
    )

    number: Mapped[str] = mapped_column(String(20), unique=True)
    type: Mapped[OrderType] = mapped_column(String(20))
    status: Mapped[OrderStatus] = mapped_column(String(20), default=OrderStatus.NEW, index=True)
    channel: Mapped[Channel] = mapped_column(String(16))
    category_id: Mapped[int] = mapped_column(ForeignKey("wo_categories.id"), index=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    contact_phone: Mapped[str] = mapped_column(String(20))  # E.164, the repeat key
    contact_name: Mapped[str] = mapped_column(String(100), default="")
    subject: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    triage: Mapped[Triage | None] = mapped_column(String(16))
    triage_reason: Mapped[str] = mapped_column(String(500), default="")
    priority: Mapped[int] = mapped_column(Integer, default=1)
    is_repeat: Mapped[bool] = mapped_column(Boolean, default=False)
    # Times the customer chased it while it was open (催办); each raised its priority.
    urge_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_urged_at: Mapped[datetime | None]
    # Times a supervisor pressed its holder for it (督办); it stays at the top priority.
    supervise_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_supervised_at: Mapped[datetime | None]
    # The earliest answer a supervisor asked for and still owed (督办时限); cleared once
    # the order is answered. The 督办 queue lists the soonest first.
    supervise_answer_by: Mapped[datetime | None]
    # Who passed it on when not the customer (越级: the regulator, a consumer body, the
    # press; or the company's own leaders), its reference there, and when they want the
    # answer: the resolution is due by then at the latest.
    origin: Mapped[OrderOrigin] = mapped_column(
        String(16), default=OrderOrigin.CUSTOMER, server_default=OrderOrigin.CUSTOMER.value
    )
    origin_ref: Mapped[str] = mapped_column(String(64), default="", server_default="")
    origin_due_at: Mapped[datetime | None]
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    reply: Mapped[str] = mapped_column(Text, default="")
    response_due_at: Mapped[datetime | None]
    resolve_due_at: Mapped[datetime | None] = mapped_column(index=True)
    warn_at: Mapped[datetime | None] = mapped_column(index=True)  # when to warn of the limit
    warned_at: Mapped[datetime | None]  # this round's time-limit warning went out
    breached_at: Mapped[datetime | None]  # this round's limit passed; the order was escalated
    # 二次处理: a reopened order is handled again, on a clock of its own from the reopening.
    handling_round: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    round_started_at: Mapped[datetime | None]  # the current round's start (None: creation)
    paused_at: Mapped[datetime | None]  # waiting on the customer since
    # Time spent waiting on the customer, counted on the policy's clock; it extends the limits.
    paused_seconds: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    replied_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("wo_incidents.id"))


class Incident(IdMixin, TimestampMixin, VersionedMixin, Base):
    """Why: a cell site down makes fifty people call; the center handles it once, and
    every caller still gets the answer and a closed order of their own."""

    __tablename__ = "wo_incidents"

    number: Mapped[str] = mapped_column(String(24), unique=True)
    status: Mapped[IncidentStatus] = mapped_column(String(12), index=True)
    title: Mapped[str] = mapped_column(String(200))
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("wo_categories.id"))  # the branch
    # "unit/branch path" while the incident is open, NULL after: one open incident per area
    # and problem, enforced by the database even when two callers arrive at once.
    open_key: Mapped[str | None] = mapped_column(String(80), unique=True)
    first_order_at: Mapped[datetime]
    confirmed_at: Mapped[datetime | None]
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    resolved_at: Mapped[datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    reply: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")  # why confirmed or dismissed


class Breach(IdMixin, Base):
    """Why: an order handled twice can pass its limit twice; each breach is kept, so the
    second round's clock never erases the first's (the bulletin counts them)."""

    __tablename__ = "wo_breaches"
    __table_args__ = (UniqueConstraint("order_id", "handling_round"),)

    order_id: Mapped[int] = mapped_column(ForeignKey("work_orders.id"))
    handling_round: Mapped[int] = mapped_column(Integer)
    due_at: Mapped[datetime]  # the limit that passed
    breached_at: Mapped[datetime] = mapped_column(index=True)  # when the sweep caught it


class OrderLink(Base):
    """Why: a repeat complaint points at the earlier orders it repeats."""

    __tablename__ = "wo_links"

    order_id: Mapped[int] = mapped_column(ForeignKey("work_orders.id"), primary_key=True)
    linked_id: Mapped[int] = mapped_column(ForeignKey("work_orders.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), default="repeat")


class OrderEvent(IdMixin, Base):
    """Why: every step of an order is kept — who, when, from, to and why."""

    __tablename__ = "wo_events"
    # what each handler did lately (the orders they started, and how: kefu.workorders.take_next)
    __table_args__ = (Index("ix_wo_events_actor_occurred", "actor_id", "occurred_at"),)

    order_id: Mapped[int] = mapped_column(ForeignKey("work_orders.id"), index=True)
    kind: Mapped[EventKind] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(16), default="")
    from_status: Mapped[str] = mapped_column(String(20), default="")
    to_status: Mapped[str] = mapped_column(String(20), default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    reason: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[str] = mapped_column(Text, default="{}")  # JSON


class OrderAttachment(IdMixin, Base):
    """Why: a complaint comes with its evidence (a bill's screenshot, a photo, a voice
    memo), and whoever handles the order must see what the customer sent.

    The record stays for good. Withdrawn (attached to the wrong order, say), its content
    is erased and the record says who withdrew it and why; its digest still names what
    it was.
    """

    __tablename__ = "wo_attachments"

    order_id: Mapped[int] = mapped_column(ForeignKey("work_orders.id"), index=True)
    file_name: Mapped[str] = mapped_column(String(160))
    media_type: Mapped[str] = mapped_column(String(100))  # read from the content
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    note: Mapped[str] = mapped_column(String(200), default="")
    # or "email" / "web": the customer's e-mail or self-service message brought it
    source: Mapped[str] = mapped_column(String(8), default="upload")
    withdrawn_at: Mapped[datetime | None]
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    withdrawn_reason: Mapped[str] = mapped_column(String(500), default="")


class AttachmentContent(Base):
    """Why: an attachment's bytes, apart from its record, so listing an order's
    attachments never reads them. Kept in the database: written in the order's
    transaction, backed up with it, on either database."""

    __tablename__ = "wo_attachment_contents"

    attachment_id: Mapped[int] = mapped_column(ForeignKey("wo_attachments.id"), primary_key=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)


class FieldEngineer(IdMixin, TimestampMixin, VersionedMixin, Base):
    """Why: the engineers who go to customers' doors (装维工程师) are few and busy; booking
    them from a roster shows who is free and keeps one engineer from being promised at two
    doors at once."""

    __tablename__ = "field_engineers"

    name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str] = mapped_column(String(32), default="")  # texted to customers with the visit
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # EngineerSkill values, comma-separated; "" for one who does every kind of visit
    skills: Mapped[str] = mapped_column(String(64), default="")
    # their working hours (上班时间, local time), both or neither; none: any time
    work_start: Mapped[time | None]
    work_end: Mapped[time | None]


class EngineerDayOff(IdMixin, Base):
    """Why: an engineer on a rest day or on leave (轮休, 请假) is not offered for that day's
    visits, nor moved onto it by a customer; the board shows them off."""

    __tablename__ = "field_engineer_days_off"
    __table_args__ = (UniqueConstraint("engineer_id", "day"),)

    engineer_id: Mapped[int] = mapped_column(ForeignKey("field_engineers.id"))
    day: Mapped[date]  # the center's local day
    reason: Mapped[str] = mapped_column(String(100), default="")
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    set_at: Mapped[datetime] = mapped_column(default=utcnow)


class OrderAppointment(IdMixin, Base):
    """Why: an engineer's visit to the customer (上门处理) is a promise of a time window;
    what was promised, to where, by whom, and what came of it are kept for good."""

    __tablename__ = "wo_appointments"
    __table_args__ = (
        # One visit booked at a time per order, even when two people book at once.
        Index(
            "uq_wo_appointments_scheduled",
            "order_id",
            unique=True,
            sqlite_where=text("status = 'scheduled'"),
            postgresql_where=text("status = 'scheduled'"),
        ),
        Index("ix_wo_appointments_engineer", "engineer_id", "starts_at"),  # an engineer's day
    )

    order_id: Mapped[int] = mapped_column(ForeignKey("work_orders.id"), index=True)
    status: Mapped[AppointmentStatus] = mapped_column(String(12))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    address: Mapped[str] = mapped_column(String(200))  # personal data: masked when shown
    # from the roster when booked from it (its name and phone copied, as they were then);
    # none for an engineer named by hand, a contractor's say
    engineer_id: Mapped[int | None] = mapped_column(ForeignKey("field_engineers.id"))
    engineer: Mapped[str] = mapped_column(String(100))
    engineer_phone: Mapped[str] = mapped_column(String(32), default="")
    note: Mapped[str] = mapped_column(String(500), default="")
    texted: Mapped[bool] = mapped_column(Boolean, default=False)  # the customer was told
    booked_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    booked_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    closed_at: Mapped[datetime | None]  # made, missed, moved or called off
    missed_by: Mapped[str] = mapped_column(String(12), default="")  # customer / engineer
    outcome_note: Mapped[str] = mapped_column(String(500), default="")


class OrderRefund(IdMixin, Base):
    """Why: money given back to a customer (退费, 双倍返还, 赔付) is asked for by one person,
    approved by another within their limit, and credited by the billing system; each step
    is kept for good, with who and why, for the customer, finance and the auditor."""

    __tablename__ = "wo_refunds"
    # a number's refunds across its orders, newest first (refund_history)
    __table_args__ = (Index("ix_wo_refunds_msisdn_asked", "msisdn", "requested_at"),)

    order_id: Mapped[int] = mapped_column(ForeignKey("work_orders.id"), index=True)
    kind: Mapped[RefundKind] = mapped_column(String(16))
    status: Mapped[RefundStatus] = mapped_column(String(12), index=True)
    msisdn: Mapped[str] = mapped_column(String(20))  # the number credited, E.164
    charge_fen: Mapped[int] = mapped_column(Integer, default=0)  # the charge disputed
    amount_fen: Mapped[int] = mapped_column(Integer)  # what the customer gets
    bill_month: Mapped[str] = mapped_column(String(7), default="")  # YYYY-MM of the charge
    reason: Mapped[str] = mapped_column(String(500))
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    decided_at: Mapped[datetime | None]  # approved, rejected or withdrawn
    decision_note: Mapped[str] = mapped_column(String(500), default="")
    credited_at: Mapped[datetime | None]  # or refused by the billing system
    billing_ref: Mapped[str] = mapped_column(String(64), default="")
    # asked for every caller of an incident at once (incident_compensation)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("wo_incidents.id"), index=True)


class OrderAssist(IdMixin, Base):
    """Why: an order's holder asks another team for its part (协办: the network team to
    survey a site, billing to confirm a charge) and keeps the order; the team answers by
    a time agreed between teams, and the ask and the answer stay with the order for good."""

    __tablename__ = "wo_assists"
    # a team's open asks, the soonest due first (its queue and count)
    __table_args__ = (Index("ix_wo_assists_team_status_due", "team_id", "status", "due_at"),)

    order_id: Mapped[int] = mapped_column(ForeignKey("work_orders.id"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    status: Mapped[AssistStatus] = mapped_column(String(12))
    question: Mapped[str] = mapped_column(String(1000))
    asked_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    asked_at: Mapped[datetime] = mapped_column(default=utcnow)
    due_at: Mapped[datetime]  # natural time: the teams' own agreement, not the customer's
    # the hours given, counted again on the team's working days when the calendar changes
    # (None: asked before kefu kept them; that time stays as it was set)
    due_hours: Mapped[int | None]
    answer: Mapped[str] = mapped_column(Text, default="")
    # who answered it, or took it back
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    ended_at: Mapped[datetime | None]


class ReturnVisit(IdMixin, TimestampMixin, VersionedMixin, Base):
    """Why: a complaint is closed only after the customer is asked whether it was solved."""

    __tablename__ = "wo_return_visits"

    order_id: Mapped[int] = mapped_column(ForeignKey("work_orders.id"), index=True)
    due_at: Mapped[datetime] = mapped_column(index=True)
    done_at: Mapped[datetime | None]
    outcome: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    visitor_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    attempts: Mapped[int] = mapped_column(Integer, default=0)  # calls the customer did not take


class Consent(IdMixin, TimestampMixin, VersionedMixin, Base):
    """Why: no service is opened or changed without the customer's confirmation (one of the
    five prohibitions); the record of how they confirmed is kept for good."""

    __tablename__ = "wo_consents"

    order_id: Mapped[int] = mapped_column(ForeignKey("work_orders.id"), index=True)
    method: Mapped[ConsentMethod] = mapped_column(String(12))
    phone: Mapped[str] = mapped_column(String(32))  # where the code went / who consented
    # HMAC of the one-time code (never the code itself), its expiry and the tries made
    code_digest: Mapped[str | None] = mapped_column(String(64))
    expires_at: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    call_reference: Mapped[str] = mapped_column(String(64), default="")  # verbal: the recording
    note: Mapped[str] = mapped_column(Text, default="")
    confirmed_at: Mapped[datetime | None]
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))


class TimeLimitPolicy(TimestampMixin, VersionedMixin, Base):
    """Why: each center (each province) sets its own time limits; a type × triage level
    without a row keeps the shipped policy (``kefu.workorders.limits``)."""

    __tablename__ = "wo_time_limits"

    order_type: Mapped[OrderType] = mapped_column(String(20), primary_key=True)
    # "" is the type's policy before triage (or for a level without its own).
    triage: Mapped[str] = mapped_column(String(16), primary_key=True)
    first_response_minutes: Mapped[int] = mapped_column(Integer)
    resolution_minutes: Mapped[int] = mapped_column(Integer)
    working_time: Mapped[bool] = mapped_column(Boolean)
    warn_percent: Mapped[int] = mapped_column(Integer)
    outer_limit_days: Mapped[int | None] = mapped_column(Integer)  # natural days; None: no cap
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))


class TierServiceLevel(TimestampMixin, VersionedMixin, Base):
    """Why: the best customers wait less and are called back first, by the center's rule;
    a tier without a row keeps the shipped one."""

    __tablename__ = "wo_tier_levels"

    tier: Mapped[str] = mapped_column(String(16), primary_key=True)
    limit_percent: Mapped[int] = mapped_column(Integer)  # of each time limit
    return_visit_hours: Mapped[int] = mapped_column(Integer)
    # how long its customers may hear nothing of an open order; None: the shipped value
    tell_every_hours: Mapped[int | None] = mapped_column(Integer)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))


class IntakeRules(TimestampMixin, VersionedMixin, Base):
    """Why: how long a complaint counts as repeated, and how many complaints in how long
    make an emergency, are the center's rules to tune to its volume; without the row the
    server's settings (``KEFU_REPEAT_*``, ``KEFU_INCIDENT_*``) apply."""

    __tablename__ = "wo_intake_rules"

    scope: Mapped[str] = mapped_column(String(16), primary_key=True)  # "center": one row
    repeat_window_days: Mapped[int] = mapped_column(Integer)
    repeat_category_level: Mapped[int] = mapped_column(Integer)
    incident_threshold: Mapped[int] = mapped_column(Integer)
    incident_window_minutes: Mapped[int] = mapped_column(Integer)
    incident_category_level: Mapped[int] = mapped_column(Integer)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
