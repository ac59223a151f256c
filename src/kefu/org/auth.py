"""Sign-in rules: password check, throttling of guessing, and integration tokens."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from kefu.config import Settings
from kefu.core import audit
from kefu.core.base import utcnow
from kefu.core.rbac import Principal
from kefu.core.security import new_api_token, verify_password
from kefu.errors import NotAuthenticated, NotFound, TooManyRequests
from kefu.org import repository
from kefu.org.models import ApiToken, LoginAttempt, Staff


@dataclass(frozen=True)
class LoginOutcome:
    """The result of a sign-in attempt; failures are recorded before they are raised."""

    staff: Staff | None
    error: NotAuthenticated | None = None


def check_throttle(session: Session, *, username: str, ip: str, settings: Settings) -> None:
    """Refuse with 429 and Retry-After while too many recent attempts failed."""
    now = utcnow()
    window = timedelta(seconds=settings.login_window_seconds)
    limits = (
        (settings.login_max_failures, {"username": username}),
        (settings.login_ip_max_failures, {"ip": ip}),
    )
    for limit, key in limits:
        count, oldest = repository.failures_since(session, since=now - window, **key)
        if count >= limit and oldest is not None:
            wait = math.ceil((oldest + window - now).total_seconds())
            retry_after = max(wait, 1)
            raise TooManyRequests(
                headers={"Retry-After": str(retry_after)}, retry_after=retry_after
            )


@dataclass(frozen=True)
class Claim:
    """Who tried to sign in and whether the password was right, before anything is written."""

    username: str
    ip: str
    staff: Staff | None
    valid: bool


def check_credentials(
    session: Session, *, username: str, password: str, ip: str, settings: Settings
) -> Claim:
    """Refuse a throttled caller (429), then check the password; reads only.

    Checking a password takes 0.1 to 0.2 s of hashing. Done in the attempt's write, it
    held SQLite's single writer turn that long, and four sign-ins a second halved the
    center's order creation; so the write that records the attempt comes after it.
    """
    check_throttle(session, username=username, ip=ip, settings=settings)
    staff = repository.staff_by_username(session, username)
    valid = verify_password(staff.password_hash if staff else None, password)
    return Claim(username, ip, staff, valid)


def record_login(session: Session, claim: Claim) -> LoginOutcome:
    """Record the attempt and, on success, the login in the audit log."""
    session.add(LoginAttempt(username=claim.username, ip=claim.ip, succeeded=claim.valid))
    staff = session.get(Staff, claim.staff.id) if claim.staff is not None else None
    if staff is None or not claim.valid:
        audit.record(
            session, actor=None, actor_name=claim.username, ip=claim.ip, action="auth.login_failed"
        )
        return LoginOutcome(None, NotAuthenticated("invalid_credentials", field="password"))
    if not staff.active:
        return LoginOutcome(None, NotAuthenticated("account_disabled"))
    staff.last_login_at = utcnow()
    audit.record(
        session,
        actor=None,
        actor_name=staff.username,
        ip=claim.ip,
        action="auth.login",
        entity_type="staff",
        entity_id=staff.id,
    )
    return LoginOutcome(staff)


def create_token(
    session: Session, *, staff_id: int, name: str, by: Principal | None
) -> tuple[ApiToken, str]:
    """A new bearer token for a staff member; the secret is returned once."""
    secret, digest = new_api_token()
    token = ApiToken(staff_id=staff_id, name=name, digest=digest)
    session.add(token)
    session.flush()
    audit.record(
        session,
        actor=by,
        actor_name="cli",
        action="token.create",
        entity_type="staff",
        entity_id=staff_id,
        details={"token_id": token.id, "name": name},
    )
    return token, secret


def tokens_of(session: Session, staff_id: int) -> list[ApiToken]:
    """A staff member's tokens, newest first."""
    return list(
        session.scalars(
            select(ApiToken).where(ApiToken.staff_id == staff_id).order_by(ApiToken.id.desc())
        )
    )


def revoke_token(session: Session, *, token_id: int, by: Principal) -> ApiToken:
    """Revoke one of the caller's own tokens."""
    token = session.get(ApiToken, token_id)
    if token is None or token.staff_id != by.staff_id:
        raise NotFound()
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record(
            session,
            actor=by,
            action="token.revoke",
            entity_type="staff",
            entity_id=by.staff_id,
            details={"token_id": token.id},
        )
    return token
