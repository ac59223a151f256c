"""Tables of web self-service: the sign-in codes texted to subscribers and their sessions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kefu.core.base import Base, IdMixin, utcnow


class SignInCode(IdMixin, Base):
    """Why: a subscriber proves they hold the number by the code texted to it. Kept hashed,
    short-lived and with its wrong tries counted, so a code can be guessed neither from the
    database nor by trying; rows stay as the record of who asked when (throttling reads them).
    """

    __tablename__ = "selfcare_codes"
    __table_args__ = (Index("ix_selfcare_codes_msisdn_sent", "msisdn", "sent_at"),)

    msisdn: Mapped[str] = mapped_column(String(20))
    digest: Mapped[str] = mapped_column(String(64))  # HMAC of number and code
    ip: Mapped[str] = mapped_column(String(45), default="", index=True)
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    wrong_tries: Mapped[int] = mapped_column(Integer, default=0)
    used_at: Mapped[datetime | None]


class SelfCareSession(IdMixin, Base):
    """Why: a signed-in subscriber sees only their own number's data, for a short while,
    and can sign out for good: the session is a row (its token kept hashed), not only a
    cookie, so ending it ends it everywhere."""

    __tablename__ = "selfcare_sessions"

    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    csrf: Mapped[str] = mapped_column(String(64))
    msisdn: Mapped[str] = mapped_column(String(20), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]
