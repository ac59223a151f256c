"""Notices to big customers before planned work (大客户通告, seed 004's 通告制度): before a
cut-over or an upgrade the center tells the area's big customers, by text and by e-mail
where it has their address, what will happen and how to prepare; a notice called off
after it was sent is announced as called off to the same customers; and an agent sees,
on a customer's 360, the notices that customer was sent, from two days before the work
until it ends."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, insert, or_, select, update
from sqlalchemy.orm import Session

from kefu.core import audit, outbox
from kefu.core.base import utcnow
from kefu.core.rbac import Principal
from kefu.customers.enums import CustomerStatus, SubscriptionStatus, Tier
from kefu.customers.models import Customer, Subscription
from kefu.customers.schemas import NoticeBrief
from kefu.errors import Conflict, Forbidden, NotFound, Unprocessable
from kefu.notices.enums import Audience, NoticeStatus
from kefu.notices.models import Notice, NoticeRecipient
from kefu.notices.schemas import NoticeCreate
from kefu.notify.tasks import mail_customer, text_customer
from kefu.org.models import OrgUnit

SHOWN_AHEAD = timedelta(hours=48)  # agents see a notice from two days before the work
BATCH = 1000  # customers sent to in one transaction (about a tenth of a second)
SEND_ON = "notice.send_on"
HIGH_TIERS = (Tier.GOLD, Tier.DIAMOND, Tier.SUPREME)


@dataclass(frozen=True)
class Reach:
    """How many customers a notice reaches, and by which channel."""

    customers: int
    texts: int
    mails: int


def _unit_in_scope(session: Session, unit_id: int, by: Principal) -> OrgUnit:
    unit = session.get(OrgUnit, unit_id)
    if unit is None:
        raise Unprocessable("org_unit_not_found", field="org_unit_id")
    if not by.sees_org_path(unit.path):
        raise Forbidden("org_unit_out_of_scope", field="org_unit_id", org_unit=unit.name)
    return unit


def create(session: Session, *, data: NoticeCreate, by: Principal) -> Notice:
    """A draft notice (audited); the work must end after it starts and not be over."""
    _unit_in_scope(session, data.org_unit_id, by)
    if data.ends_at <= data.starts_at:
        raise Unprocessable("notice_ends_before_start", field="ends_at")
    if data.ends_at <= utcnow():
        raise Unprocessable("notice_over", field="ends_at")
    notice = Notice(
        kind=data.kind,
        title=data.title.strip(),
        title_en=data.title_en.strip(),
        body=data.body.strip(),
        body_en=data.body_en.strip(),
        org_unit_id=data.org_unit_id,
        audience=data.audience,
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        created_by_id=by.staff_id,
    )
    session.add(notice)
    session.flush()
    audit.record(
        session,
        actor=by,
        action="notice.create",
        entity_type="notice",
        entity_id=notice.id,
        details={"title": notice.title, "audience": str(notice.audience)},
    )
    return notice


def visible_notice(session: Session, notice_id: int, by: Principal) -> Notice:
    """A notice of an area the caller sees (404 otherwise)."""
    notice = session.get(Notice, notice_id)
    unit = session.get(OrgUnit, notice.org_unit_id) if notice else None
    if notice is None or unit is None or not by.sees_org_path(unit.path):
        raise NotFound("notice_not_found")
    return notice


def _audience(session: Session, notice: Notice) -> Select[int, str, str | None, str]:
    """The area's active big customers the notice is for, each with a live number (the
    lowest, so one text each) and their e-mail address and language."""
    unit = session.get(OrgUnit, notice.org_unit_id)
    assert unit is not None
    area = select(OrgUnit.id).where(OrgUnit.path.startswith(unit.path))
    number = (
        select(func.min(Subscription.msisdn))
        .where(
            Subscription.customer_id == Customer.id,
            Subscription.status != SubscriptionStatus.CANCELLED,
        )
        .scalar_subquery()
    )
    wanted = {
        Audience.ENTERPRISES: Customer.enterprise_id.is_not(None),
        Audience.HIGH_VALUE: Customer.tier.in_([str(tier) for tier in HIGH_TIERS]),
    }
    who = (
        or_(*wanted.values())
        if notice.audience == Audience.BOTH
        else wanted[Audience(notice.audience)]
    )
    return (
        select(
            Customer.id,
            Customer.language,
            Customer.email,
            func.coalesce(number, "").label("msisdn"),
        )
        .where(Customer.org_unit_id.in_(area), Customer.status == CustomerStatus.ACTIVE, who)
        .order_by(Customer.id)
    )


def reach(session: Session, notice: Notice) -> Reach:
    """Whom the notice reaches: the customers sent it, or, for a draft, who would be;
    counted in the database, not read."""
    if notice.status == NoticeStatus.DRAFT:
        whom = _audience(session, notice).subquery()
    else:
        whom = (
            select(NoticeRecipient.msisdn, NoticeRecipient.email)
            .where(NoticeRecipient.notice_id == notice.id)
            .subquery()
        )
    counted = session.execute(
        select(
            func.count(),
            func.count(func.nullif(whom.c.msisdn, "")),
            func.count(func.nullif(whom.c.email, "")),
        ).select_from(whom)
    ).one()
    return Reach(int(counted[0]), int(counted[1]), int(counted[2]))


def window_text(notice: Notice, zone: str, english: bool) -> str:
    """The work's window as said to customers: 12月9日01:00至05:00, 09 Dec 01:00 to 05:00."""
    starts = notice.starts_at.astimezone(ZoneInfo(zone))
    ends = notice.ends_at.astimezone(ZoneInfo(zone))
    same_day = starts.date() == ends.date()
    if english:
        end = ends.strftime("%H:%M" if same_day else "%d %b %H:%M")
        return f"{starts.strftime('%d %b %H:%M')} to {end}"
    end = f"{ends:%H:%M}" if same_day else f"{ends.month}月{ends.day}日{ends:%H:%M}"
    return f"{starts.month}月{starts.day}日{starts:%H:%M}至{end}"


def notice_text(notice: Notice, *, zone: str, english: bool, called_off: bool = False) -> str:
    """The notice as texted and mailed, in the customer's language."""
    when = window_text(notice, zone, english)
    if english:
        if called_off:
            return f"[Notice] Called off: {title_in_english(notice)} ({when}) will not take place."
        return f"[Notice] {title_in_english(notice)}, {when}. {notice.body_en or notice.body}"
    if called_off:
        return f"【大客户通告】原定{when}的“{notice.title}”已取消，届时业务不受影响。"
    return f"【大客户通告】{notice.title}：{when}。{notice.body}"


def _deliver(session: Session, text: str, subject: str, msisdn: str, email: str | None) -> None:
    """Queue the text and the e-mail in the caller's transaction (the outbox sends them)."""
    if msisdn:
        text_customer(session, phone=msisdn, text=text)
    if email:
        mail_customer(
            session, to=email, subject=subject, body=text, in_reply_to="", automatic=False
        )


def send(session: Session, notice: Notice, *, by: Principal, zone: str) -> Reach:
    """Send a draft to its audience, once (409 after); each customer on record. The first
    batch is sent here; a larger audience is sent on by the worker, a batch a job, so no
    request holds the write lock for long (SQLite has one). Returns the planned reach."""
    if notice.status != NoticeStatus.DRAFT:
        raise Conflict("notice_not_draft", field="status")
    if notice.ends_at <= utcnow():
        raise Conflict("notice_over", field="ends_at")
    planned = reach(session, notice)
    notice.status, notice.sent_at, notice.sent_by_id = NoticeStatus.SENT, utcnow(), by.staff_id
    notice.sending = _send_batch(session, notice, zone=zone, after=0)
    audit.record(
        session,
        actor=by,
        action="notice.send",
        entity_type="notice",
        entity_id=notice.id,
        details={"customers": planned.customers, "texts": planned.texts, "mails": planned.mails},
    )
    return planned


def _send_batch(session: Session, notice: Notice, *, zone: str, after: int) -> bool:
    """Send to the next ``BATCH`` customers of the audience after customer ``after``, in
    the caller's transaction; when more may follow, queue the job that sends them (before
    the batch's texts, so the whole audience is on record soon). True when it did."""
    rows = session.execute(_audience(session, notice).where(Customer.id > after).limit(BATCH)).all()
    more = len(rows) == BATCH
    if more:
        outbox.enqueue(
            session,
            kind=SEND_ON,
            payload={"notice_id": notice.id, "after": rows[-1][0], "zone": zone},
            message_id=f"notice-{notice.id}-after-{rows[-1][0]}",
        )
    for _customer, language, email, msisdn in rows:
        english = language == "en"
        text = notice_text(notice, zone=zone, english=english)
        _deliver(session, text, _subject(notice, english), msisdn, email)
    if rows:
        session.execute(
            insert(NoticeRecipient),
            [
                {"notice_id": notice.id, "customer_id": r[0], "msisdn": r[3], "email": r[2] or ""}
                for r in rows
            ],
        )
    return more


@outbox.handler(SEND_ON)
def _send_on(session: Session, payload: dict[str, Any], message_id: str) -> outbox.Sending[None]:
    """The worker's next batch: written where the delivery is recorded, once per batch."""

    def record(writing: Session, _answer: None) -> None:
        _send_next_batch(writing, payload["notice_id"], payload["after"], payload["zone"])

    return outbox.Sending(channel="notice", send=lambda: None, record=record)


def _send_next_batch(session: Session, notice_id: int, after: int, zone: str) -> None:
    """The batch after ``after``, unless the notice was called off meanwhile: the row is
    locked, so a calling-off waits for the batch and tells its customers too."""
    notice = session.get(Notice, notice_id, with_for_update=True, populate_existing=True)
    if notice is None or notice.status != NoticeStatus.SENT or not notice.sending:
        return
    if not _send_batch(session, notice, zone=zone, after=after):
        # not a change anyone edits against: the version stays, so a supervisor's open
        # page can still call the work off
        session.execute(update(Notice).where(Notice.id == notice_id).values(sending=False))


def _subject(notice: Notice, english: bool) -> str:
    return f"[Notice] {title_in_english(notice)}" if english else f"【大客户通告】{notice.title}"


def title_in_english(notice: Notice) -> str:
    """The title said and sent in English: the Chinese one when none was written."""
    return notice.title_en or notice.title


def cancel(session: Session, notice: Notice, *, by: Principal, reason: str, zone: str) -> int:
    """Call the work off: a draft quietly; a sent notice is announced as called off to
    everyone it was sent to (their number of customers returned). Not once the work is
    over (409)."""
    if notice.status == NoticeStatus.CANCELLED:
        raise Conflict("notice_cancelled", field="status")
    if notice.ends_at <= utcnow():
        raise Conflict("notice_over", field="ends_at")
    # locked before its recipients are read: a batch the worker is sending finishes first
    # and its customers are told too; a later batch sees the notice called off
    session.refresh(notice, with_for_update=True)
    told = 0
    if notice.status == NoticeStatus.SENT:
        told = _announce_called_off(session, notice, zone)
    notice.status, notice.cancelled_at = NoticeStatus.CANCELLED, utcnow()
    notice.sending = False
    notice.cancel_reason = reason
    audit.record(
        session,
        actor=by,
        action="notice.cancel",
        entity_type="notice",
        entity_id=notice.id,
        reason=reason,
        details={"told": told},
    )
    return told


def _announce_called_off(session: Session, notice: Notice, zone: str) -> int:
    rows = session.execute(
        select(NoticeRecipient.msisdn, NoticeRecipient.email, Customer.language)
        .join(Customer, Customer.id == NoticeRecipient.customer_id)
        .where(NoticeRecipient.notice_id == notice.id)
    ).all()
    for msisdn, email, language in rows:
        english = language == "en"
        text = notice_text(notice, zone=zone, english=english, called_off=True)
        _deliver(session, text, _subject(notice, english), msisdn, email)
    return len(rows)


def _due_for(customer_id: int, within: timedelta) -> Select[Notice]:
    """The notices the customer was sent whose work is under way or starts within
    ``within``, soonest first (one indexed read)."""
    now = utcnow()
    return (
        select(Notice)
        .join(NoticeRecipient, NoticeRecipient.notice_id == Notice.id)
        .where(
            NoticeRecipient.customer_id == customer_id,
            Notice.status == NoticeStatus.SENT,
            Notice.ends_at > now,
            Notice.starts_at <= now + within,
        )
        .order_by(Notice.starts_at)
    )


def sent_to_customer(session: Session, customer_id: int) -> list[Notice]:
    """The notices the customer was sent whose work is near or under way: shown from two
    days before it starts until it ends, for the 360."""
    return list(session.scalars(_due_for(customer_id, SHOWN_AHEAD)))


def listed(session: Session, by: Principal, *, since: datetime) -> list[Notice]:
    """The notices of the caller's areas whose work ends after ``since``, soonest first."""
    query = select(Notice).where(Notice.ends_at > since)
    scope = by.scope_filter()
    if scope is not None:
        areas = select(OrgUnit.id).where(OrgUnit.path.startswith(scope))
        query = query.where(Notice.org_unit_id.in_(areas))
    return list(session.scalars(query.order_by(Notice.starts_at, Notice.id)))


def notice_briefs(session: Session, customer_id: int) -> list[NoticeBrief]:
    """``sent_to_customer`` as the 360 view lists them."""
    return [
        NoticeBrief(
            id=n.id,
            kind=n.kind,
            title=n.title,
            title_en=n.title_en,
            starts_at=n.starts_at,
            ends_at=n.ends_at,
        )
        for n in sent_to_customer(session, customer_id)
    ]


def recipients(
    session: Session, notice: Notice, *, offset: int, limit: int
) -> tuple[list[tuple[NoticeRecipient, Customer]], int]:
    """A page of the customers the notice was sent to, in the order sent, and how many."""
    query = (
        select(NoticeRecipient, Customer)
        .join(Customer, Customer.id == NoticeRecipient.customer_id)
        .where(NoticeRecipient.notice_id == notice.id)
    )
    total = session.scalar(select(func.count()).where(NoticeRecipient.notice_id == notice.id))
    rows = session.execute(query.order_by(NoticeRecipient.id).offset(offset).limit(limit))
    return [(recipient, customer) for recipient, customer in rows], total or 0


def under_way_for(session: Session, customer_id: int, *, within: timedelta) -> Notice | None:
    """The notice the customer was sent whose work is under way or starts within
    ``within`` (the soonest), for the hotline to say before anything else."""
    return session.scalars(_due_for(customer_id, within)).first()
