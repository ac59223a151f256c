"""Sending a notice: to its customers, then (when groups are told) to the groups' key
people, ``BATCH`` a transaction, each one on record; then an e-mail to every account
manager whose customers or groups were told, so they follow up in person. Calling the
work off tells the same people and managers.

The first batch is sent in the request; the worker sends the rest a job a batch, so no
request holds the write lock for long (SQLite has one). Each job is run once whatever
happens to the worker (the outbox's delivery record), and the audience is taken in id
order from a cursor, so a batch after a crash picks up where the last left off.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from kefu.core import outbox
from kefu.customers.models import Customer, Enterprise, EnterpriseContact
from kefu.notices import audience
from kefu.notices.enums import NoticeStatus
from kefu.notices.models import Notice, NoticeKeyPerson, NoticeRecipient
from kefu.notices.wording import manager_text, notice_text, subject
from kefu.notify import links
from kefu.notify.tasks import mail_customer, notify_staff, text_customer
from kefu.org.models import Staff

BATCH = 1000  # people sent to in one transaction (about a tenth of a second)
SEND_ON = "notice.send_on"
CUSTOMERS, KEY_PEOPLE = "customers", "key_people"  # the cursor's phases, in this order


def _deliver(session: Session, text: str, title: str, phone: str, email: str) -> None:
    """Queue the text and the e-mail in the caller's transaction (the outbox sends them)."""
    if phone:
        text_customer(session, phone=phone, text=text)
    if email:
        mail_customer(session, to=email, subject=title, body=text, in_reply_to="", automatic=False)


def send_from(
    session: Session, notice: Notice, *, zone: str, phase: str = CUSTOMERS, after: int = 0
) -> bool:
    """Send the next batch from the cursor (``phase``, ``after``) in the caller's
    transaction, queueing the job that sends the rest; True while more remains. Once all
    are sent, the account managers are told."""
    if phase == CUSTOMERS:
        if _customers_batch(session, notice, zone, after):
            return True
        after = 0
    if _key_people_batch(session, notice, zone, after):
        return True
    tell_managers(session, notice, zone)
    return False


def _queue_rest(session: Session, notice: Notice, zone: str, phase: str, after: int) -> None:
    """The job that sends on from the cursor: queued before the batch's texts, so the
    whole audience is on record soon."""
    outbox.enqueue(
        session,
        kind=SEND_ON,
        payload={"notice_id": notice.id, "phase": phase, "after": after, "zone": zone},
        message_id=f"notice-{notice.id}-{phase}-{after}",
    )


def _customers_batch(session: Session, notice: Notice, zone: str, after: int) -> bool:
    """The next customers after customer ``after``; True when the batch was full."""
    query = audience.customers(session, notice).where(Customer.id > after).limit(BATCH)
    rows = session.execute(query).all()
    full = len(rows) == BATCH
    if full:
        _queue_rest(session, notice, zone, CUSTOMERS, rows[-1].id)
    for row in rows:
        english = row.language == "en"
        said = notice_text(notice, zone=zone, english=english)
        _deliver(session, said, subject(notice, english), row.msisdn, row.email or "")
    if rows:
        sent = [
            {
                "notice_id": notice.id,
                "customer_id": r.id,
                "msisdn": r.msisdn,
                "email": r.email or "",
            }
            for r in rows
        ]
        session.execute(insert(NoticeRecipient), sent)
    return full


def _key_people_batch(session: Session, notice: Notice, zone: str, after: int) -> bool:
    """The next key people after contact ``after``, told in Chinese; True when full."""
    query = audience.key_people(session, notice).where(EnterpriseContact.id > after)
    rows = session.execute(query.limit(BATCH)).all()
    full = len(rows) == BATCH
    if full:
        _queue_rest(session, notice, zone, KEY_PEOPLE, rows[-1].id)
    said = notice_text(notice, zone=zone, english=False)
    for row in rows:
        _deliver(session, said, subject(notice, False), row.phone, row.email)
    if rows:
        sent = [
            {
                "notice_id": notice.id,
                "contact_id": r.id,
                "enterprise_id": r.enterprise_id,
                "phone": r.phone,
                "email": r.email,
            }
            for r in rows
        ]
        session.execute(insert(NoticeKeyPerson), sent)
    return full


@outbox.handler(SEND_ON)
def _send_on(session: Session, payload: dict[str, Any], message_id: str) -> outbox.Sending[None]:
    """The worker's next batch: written where the delivery is recorded, once per batch."""

    def record(writing: Session, _answer: None) -> None:
        _send_next_batch(writing, payload)

    return outbox.Sending(channel="notice", send=lambda: None, record=record)


def _send_next_batch(session: Session, payload: dict[str, Any]) -> None:
    """The batch from the job's cursor, unless the notice was called off meanwhile: the row
    is locked, so a calling-off waits for the batch and tells its people too."""
    notice_id = payload["notice_id"]
    notice = session.get(Notice, notice_id, with_for_update=True, populate_existing=True)
    if notice is None or notice.status != NoticeStatus.SENT or not notice.sending:
        return
    phase = payload.get("phase", CUSTOMERS)
    if not send_from(session, notice, zone=payload["zone"], phase=phase, after=payload["after"]):
        # not a change anyone edits against: the version stays, so a supervisor's open
        # page can still call the work off
        session.execute(update(Notice).where(Notice.id == notice_id).values(sending=False))


def announce_called_off(session: Session, notice: Notice, zone: str) -> int:
    """Tell everyone the notice was sent to, and their account managers, that the work is
    called off; how many people were told."""
    customers = session.execute(
        select(NoticeRecipient.msisdn, NoticeRecipient.email, Customer.language)
        .join(Customer, Customer.id == NoticeRecipient.customer_id)
        .where(NoticeRecipient.notice_id == notice.id)
    ).all()
    for msisdn, email, language in customers:
        english = language == "en"
        said = notice_text(notice, zone=zone, english=english, called_off=True)
        _deliver(session, said, subject(notice, english), msisdn, email)
    people = session.execute(
        select(NoticeKeyPerson.phone, NoticeKeyPerson.email).where(
            NoticeKeyPerson.notice_id == notice.id
        )
    ).all()
    said = notice_text(notice, zone=zone, english=False, called_off=True)
    for phone, email in people:
        _deliver(session, said, subject(notice, False), phone, email)
    tell_managers(session, notice, zone, called_off=True)
    return len(customers) + len(people)


def tell_managers(session: Session, notice: Notice, zone: str, *, called_off: bool = False) -> int:
    """E-mail each account manager which of their customers and groups were told; how many
    managers were written to (those with an address). A customer's manager is their own,
    or else their group's; a group counts when its key people were told."""
    manager = func.coalesce(Customer.account_manager_id, Enterprise.account_manager_id)
    counts = dict(
        session.execute(
            select(manager, func.count())
            .select_from(NoticeRecipient)
            .join(Customer, Customer.id == NoticeRecipient.customer_id)
            .outerjoin(Enterprise, Enterprise.id == Customer.enterprise_id)
            .where(NoticeRecipient.notice_id == notice.id, manager.is_not(None))
            .group_by(manager)
        ).all()
    )
    told_groups = select(NoticeKeyPerson.enterprise_id).where(
        NoticeKeyPerson.notice_id == notice.id
    )
    groups: dict[int, list[str]] = {}
    for staff_id, name in session.execute(
        select(Enterprise.account_manager_id, Enterprise.name)
        .where(Enterprise.account_manager_id.is_not(None), Enterprise.id.in_(told_groups))
        .order_by(Enterprise.name)
    ):
        if staff_id is not None:  # filtered above; for the type checker
            groups.setdefault(staff_id, []).append(name)
    managers = session.scalars(
        select(Staff).where(Staff.id.in_(set(counts) | set(groups)), Staff.active)
    ).all()
    for staff in managers:
        english = staff.language == "en"
        body = manager_text(
            notice,
            zone=zone,
            english=english,
            customers=counts.get(staff.id, 0),
            groups=groups.get(staff.id, []),
            called_off=called_off,
        )
        notify_staff(
            session,
            staff_id=staff.id,
            subject=subject(notice, english),
            body=body,
            link=links.NOTICES,
        )
    return sum(1 for staff in managers if staff.email)
