"""Every query of the organization domain."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from kefu.core.kept import kept_value
from kefu.core.pagination import PageParams
from kefu.core.rbac import Principal, Role
from kefu.org.models import LoginAttempt, OrgUnit, Skill, Staff, StaffSkill, Team


def org_unit(session: Session, unit_id: int) -> OrgUnit | None:
    """One org unit by id."""
    return session.get(OrgUnit, unit_id)


@dataclass(frozen=True)
class KnownUnit:
    """What every order needs of its unit: the scope path and the names it shows."""

    id: int
    path: str
    name: str
    name_en: str


def known_unit(session: Session, unit_id: int) -> KnownUnit | None:
    """An org unit's path and names, kept for a few seconds: each new order asked for its
    unit twice (scope, then the answer), and the tree changes a few times a year."""
    units: Mapping[int, KnownUnit] = kept_value(session, "org_units", _read_units, (OrgUnit,))
    known = units.get(unit_id)
    if known is None:  # added in another process a moment ago, or not there at all
        unit = session.get(OrgUnit, unit_id)
        known = KnownUnit(unit.id, unit.path, unit.name, unit.name_en) if unit else None
    return known


def _read_units(session: Session) -> Mapping[int, KnownUnit]:
    rows = session.execute(select(OrgUnit.id, OrgUnit.path, OrgUnit.name, OrgUnit.name_en))
    return MappingProxyType({row.id: KnownUnit(*row) for row in rows})


def root_unit(session: Session) -> OrgUnit | None:
    """The top of the org tree (HQ)."""
    return session.scalar(select(OrgUnit).where(OrgUnit.parent_id.is_(None)).limit(1))


def supervisor_ids(session: Session, org_unit_id: int) -> list[int]:
    """The active supervisors of one org unit: who answers for what the unit is sent."""
    query = select(Staff.id).where(
        Staff.org_unit_id == org_unit_id, Staff.role == Role.SUPERVISOR, Staff.active
    )
    return list(session.scalars(query.order_by(Staff.id)))


def team_lead_ids(session: Session, team_id: int) -> list[int]:
    """The active leads of one team: who takes what is sent to the team as a whole."""
    query = select(Staff.id).where(
        Staff.team_id == team_id, Staff.role == Role.TEAM_LEAD, Staff.active
    )
    return list(session.scalars(query.order_by(Staff.id)))


def org_units(session: Session) -> list[OrgUnit]:
    """All org units in tree order."""
    return sorted(session.scalars(select(OrgUnit)), key=lambda unit: tree_position(unit.path))


def active_units_in_scope(session: Session, scope_path: str | None) -> list[OrgUnit]:
    """The active org units under ``scope_path`` (all for None), in tree order: the areas
    a form offers its writer."""
    query = select(OrgUnit).where(OrgUnit.active)
    if scope_path is not None:
        query = query.where(OrgUnit.path.startswith(scope_path))
    return sorted(session.scalars(query), key=lambda unit: tree_position(unit.path))


def tree_position(path: str) -> list[int]:
    """Where a unit stands in the tree, parents before their children, siblings as they
    were made: its path's ids as numbers. (Ordered as text, /1/2/100/ came before
    /1/2/99/, a branch made later listed before one made earlier.)"""
    return [int(part) for part in path.strip("/").split("/") if part]


def teams(session: Session, org_unit_id: int | None = None) -> list[Team]:
    """Teams, optionally of one unit."""
    query = select(Team).order_by(Team.org_unit_id, Team.name)
    if org_unit_id is not None:
        query = query.where(Team.org_unit_id == org_unit_id)
    return list(session.scalars(query))


def skills(session: Session) -> list[Skill]:
    """All skills by code."""
    return list(session.scalars(select(Skill).order_by(Skill.code)))


def skills_by_code(session: Session, codes: list[str]) -> dict[str, Skill]:
    """Skills for the given codes (unknown codes are absent)."""
    found = session.scalars(select(Skill).where(Skill.code.in_(codes)))
    return {skill.code: skill for skill in found}


def staff_with_skills(session: Session, staff_id: int) -> Staff | None:
    """One staff member with skills loaded."""
    return session.scalar(
        select(Staff)
        .where(Staff.id == staff_id)
        .options(selectinload(Staff.skills).selectinload(StaffSkill.skill))
    )


def active_staff(session: Session) -> list[Staff]:
    """Everyone who can be given work, by name."""
    return list(session.scalars(select(Staff).where(Staff.active).order_by(Staff.display_name)))


def staff_by_username(session: Session, username: str) -> Staff | None:
    """One staff member by login name."""
    return session.scalar(select(Staff).where(Staff.username == username))


def staff_page(
    session: Session,
    *,
    viewer: Principal,
    params: PageParams,
    q: str | None = None,
    role: Role | None = None,
    org_unit_id: int | None = None,
    active: bool | None = None,
) -> tuple[list[Staff], int]:
    """Staff visible to the viewer, filtered, one page and the total."""
    query = select(Staff).join(OrgUnit, OrgUnit.id == Staff.org_unit_id)
    if not viewer.sees_org_path("/"):
        query = query.where(OrgUnit.path.startswith(viewer.scope_path))
    if q:
        pattern = f"%{q}%"
        query = query.where(or_(Staff.username.ilike(pattern), Staff.display_name.ilike(pattern)))
    if role is not None:
        query = query.where(Staff.role == role)
    if org_unit_id is not None:
        query = query.where(Staff.org_unit_id == org_unit_id)
    if active is not None:
        query = query.where(Staff.active == active)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(Staff.username)
        .offset(params.offset)
        .limit(params.size)
        .options(selectinload(Staff.skills).selectinload(StaffSkill.skill))
    )
    return list(rows), total


def failures_since(
    session: Session, *, since: datetime, username: str | None = None, ip: str | None = None
) -> tuple[int, datetime | None]:
    """Failed logins since a moment, by user name or by address: count and the oldest."""
    query = select(func.count(), func.min(LoginAttempt.at)).where(
        LoginAttempt.at >= since, LoginAttempt.succeeded.is_(False)
    )
    if username is not None:
        query = query.where(LoginAttempt.username == username)
    if ip is not None:
        query = query.where(LoginAttempt.ip == ip)
    count, oldest = session.execute(query).one()
    return int(count), oldest
