"""Tables of the notice domain: the notices and whom each was sent to."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kefu.core.base import Base, IdMixin, TimestampMixin, VersionedMixin
from kefu.notices.enums import Audience, NoticeKind, NoticeStatus


class Notice(IdMixin, TimestampMixin, VersionedMixin, Base):
    """Why: before a cut-over or an upgrade the center tells its big customers, through
    every channel it has for them, what will happen and how to prepare (通告制度), and
    agents know of it when those customers call."""

    __tablename__ = "notices"
    __table_args__ = (Index("ix_notices_window", "status", "ends_at"),)

    kind: Mapped[NoticeKind] = mapped_column(String(12))
    status: Mapped[NoticeStatus] = mapped_column(String(12), default=NoticeStatus.DRAFT)
    title: Mapped[str] = mapped_column(String(120))
    title_en: Mapped[str] = mapped_column(String(120), default="")  # said and sent in English
    body: Mapped[str] = mapped_column(Text)  # what happens, what to prepare (the text sent)
    body_en: Mapped[str] = mapped_column(Text, default="")  # for customers served in English
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)  # the area
    audience: Mapped[Audience] = mapped_column(String(12))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    created_by_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    sent_at: Mapped[datetime | None]
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    # Sent, and the worker still writing to the rest of a large audience in batches.
    sending: Mapped[bool] = mapped_column(default=False)
    cancelled_at: Mapped[datetime | None]
    cancel_reason: Mapped[str] = mapped_column(String(500), default="")


class NoticeRecipient(IdMixin, Base):
    """Why: every customer told, and how, is on record: who was told of a cut-over is a
    question the center must answer when one of them complains of it."""

    __tablename__ = "notice_recipients"
    __table_args__ = (UniqueConstraint("notice_id", "customer_id"),)

    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    msisdn: Mapped[str] = mapped_column(String(20), default="")  # texted to, if any
    email: Mapped[str] = mapped_column(String(200), default="")  # mailed to, if any


class NoticeKeyPerson(IdMixin, Base):
    """Why: a group's key people (关键人) run its lines; they are told of work that touches
    the group, at the number and address the center has for them, and on record as the
    customers are."""

    __tablename__ = "notice_key_people"
    __table_args__ = (UniqueConstraint("notice_id", "contact_id"),)

    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id"))
    contact_id: Mapped[int] = mapped_column(ForeignKey("enterprise_contacts.id"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"))
    phone: Mapped[str] = mapped_column(String(20), default="")  # texted to, if a mobile
    email: Mapped[str] = mapped_column(String(200), default="")  # mailed to, if any
