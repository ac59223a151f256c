"""Notices to big customers before planned work (大客户通告, seed 004's 通告制度): before a
cut-over or an upgrade the center tells the area's big customers — and, for its groups,
their key people — by text and by e-mail where it has their address, what will happen
and how to prepare, and their account managers which of theirs were told; a notice called
off after it was sent is announced as called off to the same people; and an agent sees,
on a customer's 360, the notices that customer was sent, from two days before the work
until it ends. Who is told is ``audience``'s, the sending ``sending``'s, the words
``wording``'s."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Select, Subquery, func, select
from sqlalchemy.orm import Session

from kefu.core import audit
from kefu.core.base import utcnow
from kefu.core.rbac import Principal
from kefu.customers.models import Customer, Enterprise, EnterpriseContact
from kefu.customers.schemas import NoticeBrief
from kefu.errors import Conflict, NotFound, Unprocessable
from kefu.notices import audience, sending
from kefu.notices.enums import NoticeStatus
from kefu.notices.models import Notice, NoticeKeyPerson, NoticeRecipient
from kefu.notices.schemas import NoticeCreate
from kefu.org.models import OrgUnit
from kefu.org.service import unit_for_writer, unit_seen

SHOWN_AHEAD = timedelta(hours=48)  # agents see a notice from two days before the work


@dataclass(frozen=True)
class Reach:
    """How many customers and key people a notice reaches, and by which channel."""

    customers: int
    key_people: int  # of the area's groups, when groups are told
    texts: int
    mails: int


def create(session: Session, *, data: NoticeCreate, by: Principal) -> Notice:
    """A draft notice (audited); the work must end after it starts and not be over."""
    unit_for_writer(session, data.org_unit_id, by)
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
    if notice is None or unit_seen(session, notice.org_unit_id, by) is None:
        raise NotFound("notice_not_found")
    return notice


def reach(session: Session, notice: Notice) -> Reach:
    """Whom the notice reaches: the customers and key people sent it, or, for a draft, who
    would be; counted in the database, not read."""
    if notice.status == NoticeStatus.DRAFT:
        customers = audience.customers(session, notice).subquery()
        people = audience.key_people(session, notice).subquery()
    else:
        customers = (
            select(NoticeRecipient.msisdn, NoticeRecipient.email)
            .where(NoticeRecipient.notice_id == notice.id)
            .subquery()
        )
        people = (
            select(NoticeKeyPerson.phone, NoticeKeyPerson.email)
            .where(NoticeKeyPerson.notice_id == notice.id)
            .subquery()
        )
    told, texted, mailed = _counted(session, customers, customers.c.msisdn)
    key_people, key_texted, key_mailed = _counted(session, people, people.c.phone)
    return Reach(told, key_people, texted + key_texted, mailed + key_mailed)


def _counted(session: Session, whom: Subquery, phone: ColumnElement[str]) -> tuple[int, int, int]:
    """How many people, texted and mailed."""
    counted = session.execute(
        select(
            func.count(),
            func.count(func.nullif(phone, "")),
            func.count(func.nullif(whom.c.email, "")),
        ).select_from(whom)
    ).one()
    return int(counted[0]), int(counted[1]), int(counted[2])


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
    notice.sending = sending.send_from(session, notice, zone=zone)
    audit.record(
        session,
        actor=by,
        action="notice.send",
        entity_type="notice",
        entity_id=notice.id,
        details={
            "customers": planned.customers,
            "key_people": planned.key_people,
            "texts": planned.texts,
            "mails": planned.mails,
        },
    )
    return planned


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
        told = sending.announce_called_off(session, notice, zone)
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


def key_people_told(
    session: Session, notice: Notice, *, offset: int, limit: int
) -> tuple[list[tuple[NoticeKeyPerson, EnterpriseContact, Enterprise]], int]:
    """A page of the groups' key people the notice was sent to, in the order sent, and
    how many."""
    query = (
        select(NoticeKeyPerson, EnterpriseContact, Enterprise)
        .join(EnterpriseContact, EnterpriseContact.id == NoticeKeyPerson.contact_id)
        .join(Enterprise, Enterprise.id == NoticeKeyPerson.enterprise_id)
        .where(NoticeKeyPerson.notice_id == notice.id)
    )
    total = session.scalar(select(func.count()).where(NoticeKeyPerson.notice_id == notice.id))
    rows = session.execute(query.order_by(NoticeKeyPerson.id).offset(offset).limit(limit))
    return [(sent, person, group) for sent, person, group in rows], total or 0
