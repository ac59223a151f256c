"""Spent sign-in codes and ended sessions are forgotten after a day (the audit log keeps
who asked and who signed in); live ones, and the last hour's codes the limits count, stay."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from factories import self_sign_in
from kefu.core.audit import AuditLog
from kefu.core.base import utcnow
from kefu.selfcare.housekeeping import forget_spent
from kefu.selfcare.models import SelfCareSession, SignInCode


def test_spent_codes_and_ended_sessions_are_forgotten(client, db: Session, center) -> None:
    self_sign_in(client)  # a code and a live session
    self_sign_in(client, "13900139000")
    gone, live = db.scalars(select(SelfCareSession).order_by(SelfCareSession.id)).all()
    old = utcnow() - timedelta(days=2)
    gone.created_at = gone.last_seen_at = gone.ended_at = old
    stale_code = db.scalars(select(SignInCode).order_by(SignInCode.id)).first()
    assert stale_code is not None
    stale_code.sent_at = stale_code.expires_at = old
    db.commit()

    assert forget_spent(db, now=utcnow()) == 2
    db.commit()
    assert db.scalars(select(SelfCareSession.id)).all() == [live.id]
    assert len(db.scalars(select(SignInCode)).all()) == 1
    # who signed in stays on record
    assert len(db.scalars(select(AuditLog).where(AuditLog.action == "selfcare.sign_in")).all()) == 2
    assert client.get("/api/v1/self/overview").status_code == 200  # the live one still works


def test_an_idle_session_is_forgotten_a_day_after_it_lapsed(client, db: Session, center) -> None:
    self_sign_in(client)
    session = db.scalars(select(SelfCareSession)).one()
    session.last_seen_at = utcnow() - timedelta(days=1, minutes=31)
    db.commit()
    assert forget_spent(db, now=utcnow()) == 1
