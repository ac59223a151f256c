"""Tables of the organization domain."""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import BigInteger, Boolean, CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kefu.core.base import Base, IdMixin, TimestampMixin, VersionedMixin, utcnow
from kefu.core.rbac import Role
from kefu.org.enums import Language, OrgLevel


class OrgUnit(IdMixin, Base):
    """Why: scope and escalation follow the tree HQ → province → city branch.

    ``path`` holds the ids from the root (``/1/2/5/``) so "this unit and everything below
    it" is one indexed prefix comparison.
    """

    __tablename__ = "org_units"

    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100), default="")
    level: Mapped[OrgLevel] = mapped_column(String(16))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"), index=True)
    path: Mapped[str] = mapped_column(String(255), index=True, default="/")
    region_code: Mapped[str] = mapped_column(String(6), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Team(IdMixin, VersionedMixin, Base):
    """Why: agents work in teams (班组) under a team lead; queues and reports group by team.
    A team's working hours (when set) count the working-time limits of its orders. A team
    that takes its orders in turn (按序取单) leaves its handlers no picking: they take the
    next of the queue, and only a dispatcher names who handles a given order."""

    __tablename__ = "teams"

    name: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100), default="")
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    work_start: Mapped[time | None]
    work_end: Mapped[time | None]
    takes_in_turn: Mapped[bool] = mapped_column(Boolean, default=False)


class Skill(IdMixin, Base):
    """Why: calls are routed by skill (billing, broadband, English, enterprise service …)."""

    __tablename__ = "skills"

    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100), default="")


class Staff(IdMixin, TimestampMixin, VersionedMixin, Base):
    """Why: every action is done by a named person with a role in one org unit."""

    __tablename__ = "staff"

    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(20))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(String(32))
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    # A wider scope than the own unit, granted explicitly (for example a province desk).
    scope_org_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    language: Mapped[Language] = mapped_column(String(8), default=Language.ZH_CN)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Bumped on password change or disabling: every older session cookie stops working.
    session_epoch: Mapped[int] = mapped_column(Integer, default=1)
    last_login_at: Mapped[datetime | None]

    skills: Mapped[list[StaffSkill]] = relationship(lazy="raise", cascade="all, delete-orphan")


class StaffSkill(Base):
    """Why: routing prefers the most skilled free agent; levels run 1 (basic) to 5 (expert)."""

    __tablename__ = "staff_skills"
    __table_args__ = (CheckConstraint("level BETWEEN 1 AND 5", name="level_range"),)

    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), primary_key=True)
    skill_id: Mapped[int] = mapped_column(ForeignKey("skills.id"), primary_key=True)
    level: Mapped[int] = mapped_column(Integer, default=1)

    skill: Mapped[Skill] = relationship(lazy="raise")


class ApiToken(IdMixin, Base):
    """Why: integrations (PBX, BOSS, gateways) authenticate with revocable bearer tokens."""

    __tablename__ = "api_tokens"

    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]


class LoginAttempt(Base):
    """Why: failed logins are counted per user name and per address to throttle guessing."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_username_at", "username", "at"),
        Index("ix_login_attempts_ip_at", "ip", "at"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    ip: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    succeeded: Mapped[bool] = mapped_column(Boolean)
