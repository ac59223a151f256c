"""Signing a subscriber in on the web: a six-digit code texted to the number, then a short
session of that number's own.

The code proves the visitor holds the phone. It is kept as an HMAC (the database alone
does not give it away), lives five minutes, dies after five wrong tries, and is asked at
most once a minute and five times an hour per number, twenty an hour per address. A
number that is no live subscriber is answered exactly as one that is, and texted
nothing: the page tells no one whose number is ours.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kefu.core import audit
from kefu.core.base import utcnow
from kefu.core.masking import subscriber_name
from kefu.core.phone import normalize_phone
from kefu.core.security import token_digest
from kefu.customers.repository import live_subscription
from kefu.errors import KefuError, NotAuthenticated, TooManyRequests
from kefu.notify.tasks import text_customer
from kefu.selfcare.models import SelfCareSession, SignInCode

SESSION_COOKIE = "kefu_self"
CSRF_HEADER = "X-CSRF-Token"
CODE_DIGITS = 6


@dataclass(frozen=True)
class SignInRules:
    """How long codes and sessions live and how often a code may be asked."""

    code_lifetime: timedelta = timedelta(minutes=5)
    resend_after: timedelta = timedelta(seconds=60)
    codes_per_hour: int = 5  # per number
    codes_per_hour_from_address: int = 20
    wrong_tries: int = 5  # per code
    idle: timedelta = timedelta(minutes=30)
    longest: timedelta = timedelta(hours=12)
    touch_every: timedelta = timedelta(minutes=1)  # the idle clock is written at most this often


RULES = SignInRules()


@dataclass(frozen=True)
class AskedCode:
    """A code asked: the number as stored and, for a subscriber, the code texted (shown
    on the page only in the demo, where texts go to a file)."""

    msisdn: str
    code: str | None


@dataclass(frozen=True)
class SignedIn:
    """What a sign-in attempt came to: a session and its secret token, or why not (the
    wrong try is recorded before the error is raised)."""

    session: SelfCareSession | None
    token: str = ""
    error: KefuError | None = None


def _digest(secret: str, msisdn: str, code: str) -> str:
    return hmac.new(secret.encode(), f"{msisdn}:{code}".encode(), hashlib.sha256).hexdigest()


def _retry_after(wait: timedelta) -> TooManyRequests:
    seconds = max(math.ceil(wait.total_seconds()), 1)
    return TooManyRequests(
        "selfcare_code_wait", headers={"Retry-After": str(seconds)}, retry_after=seconds
    )


def _check_asking(
    session: Session, msisdn: str, ip: str, now: datetime, rules: SignInRules
) -> None:
    """Refuse (429, Retry-After) a code asked too soon or too often."""
    hour_ago = now - timedelta(hours=1)
    count, oldest, latest = session.execute(
        select(func.count(), func.min(SignInCode.sent_at), func.max(SignInCode.sent_at)).where(
            SignInCode.msisdn == msisdn, SignInCode.sent_at > hour_ago
        )
    ).one()
    if latest is not None and now - latest < rules.resend_after:
        raise _retry_after(latest + rules.resend_after - now)
    if count >= rules.codes_per_hour and oldest is not None:
        raise _retry_after(oldest + timedelta(hours=1) - now)
    from_address = session.scalar(
        select(func.count()).where(SignInCode.ip == ip, SignInCode.sent_at > hour_ago)
    )
    if ip and (from_address or 0) >= rules.codes_per_hour_from_address:
        raise _retry_after(timedelta(minutes=10))


def code_text(code: str, language: str) -> str:
    """The text carrying a code, with the warning a code's text must carry."""
    if language == "en":
        return (
            f"Your sign-in code for web self-service is {code}, valid for 5 minutes. "
            "Never tell it to anyone: our staff never ask for it."
        )
    return (
        f"您的网上客服登录验证码为{code}，5分钟内有效。请勿告诉他人，客服人员不会向您索要验证码。"
    )


def ask_code(
    session: Session,
    *,
    number: str,
    ip: str,
    secret: str,
    language: str,
    rules: SignInRules = RULES,
) -> AskedCode:
    """Text a sign-in code to a subscriber's number; refuse one asked too often (429).
    Any other number gets the same answer and no text."""
    msisdn = normalize_phone(number, field="msisdn")
    now = utcnow()
    _check_asking(session, msisdn, ip, now, rules)
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    subscriber = live_subscription(session, msisdn) is not None
    session.add(
        SignInCode(
            msisdn=msisdn,
            # a number that is no subscriber gets a code no one is told, so it never signs in
            digest=_digest(secret, msisdn, code if subscriber else secrets.token_hex(16)),
            ip=ip,
            sent_at=now,
            expires_at=now + rules.code_lifetime,
        )
    )
    if subscriber:
        text_customer(session, phone=msisdn, text=code_text(code, language))
    _audit_attempt(session, msisdn, ip, "selfcare.code", texted=subscriber)
    return AskedCode(msisdn, code if subscriber else None)


def audit_subscriber(
    session: Session,
    msisdn: str,
    *,
    ip: str,
    action: str,
    entity: tuple[str, object] | None = None,
    details: dict[str, object] | None = None,
) -> None:
    """What a subscriber did on the web, in the audit log: named by the masked number (its
    readers need not hold the right to see numbers), with the address it came from."""
    entity_type, entity_id = entity or (None, None)
    audit.record(
        session,
        actor=None,
        actor_name=subscriber_name(msisdn),
        ip=ip,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        details=details,
    )


def _audit_attempt(session: Session, msisdn: str, ip: str, action: str, **details: object) -> None:
    """A code asked or a wrong one given, as the staff sign-in's failures are kept: who
    tries which numbers from where is what an investigation needs."""
    audit_subscriber(session, msisdn, ip=ip, action=action, details=details)


def sign_in(
    session: Session,
    *,
    number: str,
    code: str,
    ip: str,
    secret: str,
    rules: SignInRules = RULES,
) -> SignedIn:
    """Check the number's latest code; a right one opens a session (audited), a wrong one
    counts against the code."""
    msisdn = normalize_phone(number, field="msisdn")
    now = utcnow()
    latest = session.scalar(
        select(SignInCode)
        .where(SignInCode.msisdn == msisdn)
        .order_by(SignInCode.sent_at.desc(), SignInCode.id.desc())
        .limit(1)
        .with_for_update()
    )
    usable = (
        latest is not None
        and latest.used_at is None
        and latest.expires_at > now
        and latest.wrong_tries < rules.wrong_tries
    )
    if latest is None or not usable:
        _audit_attempt(session, msisdn, ip, "selfcare.sign_in_failed", reason="no live code")
        return SignedIn(None, error=NotAuthenticated("selfcare_code_expired", field="code"))
    given = code.strip()
    if not hmac.compare_digest(latest.digest, _digest(secret, msisdn, given)):
        _audit_attempt(session, msisdn, ip, "selfcare.sign_in_failed", reason="wrong code")
        latest.wrong_tries += 1
        left = rules.wrong_tries - latest.wrong_tries
        error_code = "selfcare_code_wrong" if left else "selfcare_code_expired"
        return SignedIn(None, error=NotAuthenticated(error_code, field="code", left=left))
    subscription = live_subscription(session, msisdn)
    if subscription is None:  # cancelled in the five minutes since
        return SignedIn(None, error=NotAuthenticated("selfcare_code_expired", field="code"))
    latest.used_at = now
    return SignedIn(*open_session(session, msisdn, subscription.customer_id, ip, now))


def open_session(
    session: Session, msisdn: str, customer_id: int, ip: str, now: datetime
) -> tuple[SelfCareSession, str]:
    """A new session of a number whose holder proved it (audited), and its secret token."""
    token = secrets.token_urlsafe(32)
    opened = SelfCareSession(
        token_digest=token_digest(token),
        csrf=secrets.token_urlsafe(24),
        msisdn=msisdn,
        customer_id=customer_id,
        created_at=now,
        last_seen_at=now,
    )
    session.add(opened)
    session.flush()
    _audit(session, opened, "selfcare.sign_in", ip)
    return opened, token


def _audit(session: Session, opened: SelfCareSession, action: str, ip: str) -> None:
    audit_subscriber(
        session,
        opened.msisdn,
        ip=ip,
        action=action,
        entity=("customer", opened.customer_id),
        details={"selfcare_session_id": opened.id},
    )


def current(
    session: Session, token: str | None, *, rules: SignInRules = RULES
) -> SelfCareSession | None:
    """The live session a cookie's token opens, or None (unknown, ended, idle too long or
    past its longest life)."""
    if not token:
        return None
    found = session.scalar(
        select(SelfCareSession).where(SelfCareSession.token_digest == token_digest(token))
    )
    now = utcnow()
    if found is None or found.ended_at is not None:
        return None
    idle = now - found.last_seen_at > rules.idle
    if idle or now - found.created_at > rules.longest:
        return None
    return found


def needs_touch(found: SelfCareSession, rules: SignInRules = RULES) -> bool:
    """True when the idle clock is due to be written again."""
    return utcnow() - found.last_seen_at >= rules.touch_every


def touch(session: Session, found: SelfCareSession) -> None:
    """The subscriber did something: the idle clock starts again."""
    found.last_seen_at = utcnow()


def sign_out(session: Session, found: SelfCareSession, *, ip: str) -> None:
    """End the session for good (audited)."""
    found.ended_at = utcnow()
    _audit(session, found, "selfcare.sign_out", ip)


def not_signed_in() -> NotAuthenticated:
    return NotAuthenticated("selfcare_not_signed_in")
