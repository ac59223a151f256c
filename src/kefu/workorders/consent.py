"""Confirmation before any service change (five prohibitions: never open or change a
service without the customer's consent).

A service request cannot be carried out (replied to as done) until the customer has
confirmed, by a one-time code sent by SMS to the order's number, or by verbal consent on
a recorded call whose reference is kept; unless its category changes no service (an
invoice reissued). Codes are six digits, valid five minutes, five tries, one new code a
minute and five a day; only an HMAC of the code is stored.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kefu.core import audit
from kefu.core.base import utcnow
from kefu.core.rbac import Principal
from kefu.errors import Conflict, Unprocessable
from kefu.notify.tasks import text_customer
from kefu.workorders.enums import ConsentMethod, EventKind, OrderType, needs_confirmation
from kefu.workorders.models import Category, Consent, WorkOrder
from kefu.workorders.service import record_event

CODE_LIFETIME = timedelta(minutes=5)
RESEND_AFTER = timedelta(minutes=1)
MAX_TRIES = 5
# Each code is a text to the customer's phone: at most this many per order in a day, then
# the agent takes verbal consent on a recorded call (one a minute was sixty an hour).
MAX_CODES_A_DAY = 5


def needs_consent(session: Session, order: WorkOrder) -> bool:
    """A service request opens or changes a service, and so needs the customer's
    confirmation, unless its category says it changes none (an invoice reissued)."""
    if order.type != OrderType.SERVICE_REQUEST:
        return False  # no category to read
    category = session.get(Category, order.category_id)  # now: an admin's change holds at once
    return needs_confirmation(order.type, category is None or category.changes_service)


def confirmed(session: Session, order_id: int) -> Consent | None:
    """The customer's confirmation of the order, if given."""
    query = (
        select(Consent)
        .where(Consent.order_id == order_id, Consent.confirmed_at.is_not(None))
        .order_by(Consent.confirmed_at.desc())
        .limit(1)
    )
    return session.scalar(query)


def require_consent(session: Session, order: WorkOrder) -> None:
    """Refuse to carry out a service change the customer has not confirmed."""
    if needs_consent(session, order) and confirmed(session, order.id) is None:
        raise Conflict("consent_required")


def _digest(secret: str, consent_id: int, code: str) -> str:
    return hmac.new(secret.encode(), f"{consent_id}:{code}".encode(), hashlib.sha256).hexdigest()


def _check_open(session: Session, order: WorkOrder) -> None:
    if not needs_consent(session, order):
        raise Unprocessable("consent_not_needed")
    if confirmed(session, order.id) is not None:
        raise Conflict("consent_already_given")


def _pending_code(session: Session, order_id: int) -> Consent | None:
    query = (
        select(Consent)
        .where(
            Consent.order_id == order_id,
            Consent.method == ConsentMethod.SMS_CODE,
            Consent.confirmed_at.is_(None),
        )
        .order_by(Consent.id.desc())
        .limit(1)
    )
    return session.scalar(query)


def _codes_sent_since(session: Session, order_id: int, since: datetime) -> int:
    query = select(func.count()).where(
        Consent.order_id == order_id,
        Consent.method == ConsentMethod.SMS_CODE,
        Consent.created_at >= since,
    )
    return int(session.scalar(query) or 0)


def send_code(session: Session, *, order: WorkOrder, by: Principal, secret: str) -> Consent:
    """Text a one-time code to the order's number."""
    _check_open(session, order)
    now = utcnow()
    if _codes_sent_since(session, order.id, now - timedelta(days=1)) >= MAX_CODES_A_DAY:
        raise Conflict("consent_code_limit", codes=MAX_CODES_A_DAY)
    last = _pending_code(session, order.id)
    if last is not None and now - last.created_at < RESEND_AFTER:
        wait = RESEND_AFTER - (now - last.created_at)
        raise Conflict("consent_code_too_soon", seconds=int(wait.total_seconds()) + 1)
    code = f"{secrets.randbelow(10**6):06d}"
    consent = Consent(
        order_id=order.id,
        method=ConsentMethod.SMS_CODE,
        phone=order.contact_phone,
        expires_at=now + CODE_LIFETIME,
        recorded_by_id=by.staff_id,
        created_at=now,
    )
    session.add(consent)
    session.flush()
    consent.code_digest = _digest(secret, consent.id, code)
    text_customer(
        session,
        phone=order.contact_phone,
        text=f"您正在办理“{order.subject}”（工单 {order.number}），验证码 {code}，"
        "5 分钟内有效。如非本人操作，请勿告诉他人。",
    )
    record_event(session, order, kind=EventKind.NOTE, by=by, reason="确认验证码已发送 / code sent")
    return consent


def verify_code(
    session: Session, *, order: WorkOrder, code: str, by: Principal, secret: str
) -> Consent:
    """Check the code the customer read out; right, it is their confirmation."""
    _check_open(session, order)
    pending = _pending_code(session, order.id)
    if pending is None or pending.code_digest is None:
        raise Unprocessable("consent_code_missing", field="code")
    if pending.attempts >= MAX_TRIES:
        raise Conflict("consent_locked", field="code")
    if pending.expires_at is not None and utcnow() > pending.expires_at:
        raise Unprocessable("consent_code_expired", field="code")
    pending.attempts += 1
    if not hmac.compare_digest(pending.code_digest, _digest(secret, pending.id, code)):
        # The failed try must count even though the request fails: commit it ourselves.
        session.commit()
        raise Unprocessable("consent_code_wrong", field="code", left=MAX_TRIES - pending.attempts)
    pending.confirmed_at = utcnow()
    _recorded(session, order, pending, by)
    return pending


def record_verbal(
    session: Session, *, order: WorkOrder, call_reference: str, note: str, by: Principal
) -> Consent:
    """Keep the customer's verbal consent given on a recorded call."""
    _check_open(session, order)
    consent = Consent(
        order_id=order.id,
        method=ConsentMethod.VERBAL,
        phone=order.contact_phone,
        call_reference=call_reference,
        note=note,
        confirmed_at=utcnow(),
        recorded_by_id=by.staff_id,
    )
    session.add(consent)
    session.flush()
    _recorded(session, order, consent, by)
    return consent


def _recorded(session: Session, order: WorkOrder, consent: Consent, by: Principal) -> None:
    details = {"method": str(consent.method), "call_reference": consent.call_reference}
    record_event(
        session, order, kind=EventKind.NOTE, by=by, reason="客户已确认 / confirmed", details=details
    )
    audit.record(
        session,
        actor=by,
        action="order.consent",
        entity_type="work_order",
        entity_id=order.id,
        details=details,
    )
