"""Spent sign-in codes and ended sessions are forgotten: they are credentials, not records.
Who asked a code and who signed in, when and from where, stays in the audit log
(``selfcare.code``, ``selfcare.sign_in`` …); the rows themselves are only needed while a
code may be tried, counted against the hourly limits, or a session used."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, or_
from sqlalchemy.orm import Session

from kefu.selfcare.models import SelfCareSession, SignInCode
from kefu.selfcare.signin import RULES, SignInRules

KEPT_FOR = timedelta(days=1)  # past every code's life and every limit's hour


def forget_spent(session: Session, *, now: datetime, rules: SignInRules = RULES) -> int:
    """Delete codes asked and sessions over more than a day ago; how many rows."""
    codes = session.execute(delete(SignInCode).where(SignInCode.sent_at < now - KEPT_FOR))
    over = now - KEPT_FOR
    sessions = session.execute(
        delete(SelfCareSession).where(
            or_(
                SelfCareSession.ended_at < over,
                SelfCareSession.last_seen_at < over - rules.idle,
                SelfCareSession.created_at < over - rules.longest,
            )
        )
    )
    return int(codes.rowcount or 0) + int(sessions.rowcount or 0)  # type: ignore[attr-defined]
