"""Rules of the organization domain: the unit tree, teams, skills and staff records."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from kefu.core import audit
from kefu.core.history import apply_changes, record_changes
from kefu.core.rbac import Principal, Right, Role, rights_for
from kefu.core.security import MIN_PASSWORD_LENGTH, hash_password
from kefu.errors import Conflict, Forbidden, NotFound, Unprocessable
from kefu.org import repository
from kefu.org.enums import PARENT_LEVEL
from kefu.org.models import OrgUnit, Skill, Staff, StaffSkill, Team
from kefu.org.schemas import (
    OrgUnitCreate,
    SkillCreate,
    SkillLevel,
    StaffCreate,
    StaffUpdate,
    TeamCreate,
    TeamHours,
)


def create_org_unit(session: Session, *, data: OrgUnitCreate, by: Principal | None) -> OrgUnit:
    """Add a unit under a parent of the level above it."""
    parent_level = PARENT_LEVEL[data.level]
    parent = repository.org_unit(session, data.parent_id) if data.parent_id else None
    if (parent is None) != (parent_level is None) or (parent and parent.level != parent_level):
        raise Unprocessable(
            "org_parent_required",
            field="parent_id",
            level=data.level.value,
            parent_level=parent_level.value if parent_level else "-",
        )
    unit = OrgUnit(**data.model_dump(exclude={"region_code"}), region_code=data.region_code or "")
    session.add(unit)
    session.flush()
    unit.path = f"{parent.path if parent else '/'}{unit.id}/"
    session.flush()
    audit.record(
        session,
        actor=by,
        action="org_unit.create",
        entity_type="org_unit",
        entity_id=unit.id,
        details=data.model_dump(mode="json"),
    )
    return unit


def set_team_hours(session: Session, *, team: Team, data: TeamHours, by: Principal) -> Team:
    """Change a team's working day; limits computed from then on use it."""
    team.work_start, team.work_end = data.work_start, data.work_end
    session.flush()
    audit.record(
        session,
        actor=by,
        action="team.hours",
        entity_type="team",
        entity_id=team.id,
        details=data.model_dump(mode="json"),
    )
    return team


def unit_for_writer(session: Session, unit_id: int, by: Principal) -> OrgUnit:
    """The org unit a record is written for: it exists (422 at ``org_unit_id``) and the
    writer manages it (403)."""
    unit = session.get(OrgUnit, unit_id)
    if unit is None:
        raise Unprocessable("org_unit_not_found", field="org_unit_id")
    if not by.sees_org_path(unit.path):
        raise Forbidden("org_unit_out_of_scope", field="org_unit_id", org_unit=unit.name)
    return unit


def unit_seen(session: Session, unit_id: int, by: Principal) -> OrgUnit | None:
    """The org unit if the caller sees what it owns, else None (their 404)."""
    unit = session.get(OrgUnit, unit_id)
    return unit if unit is not None and by.sees_org_path(unit.path) else None


def create_team(session: Session, *, data: TeamCreate, by: Principal | None) -> Team:
    """Add a team (班组) to an org unit."""
    if repository.org_unit(session, data.org_unit_id) is None:
        raise NotFound("org_unit_not_found", field="org_unit_id")
    team = Team(
        name=data.name,
        name_en=data.name_en,
        org_unit_id=data.org_unit_id,
        work_start=data.work_start,
        work_end=data.work_end,
    )
    session.add(team)
    session.flush()
    audit.record(
        session,
        actor=by,
        action="team.create",
        entity_type="team",
        entity_id=team.id,
        details=data.model_dump(mode="json"),
    )
    return team


def create_skill(session: Session, *, data: SkillCreate, by: Principal | None) -> Skill:
    """Add a routing skill."""
    if repository.skills_by_code(session, [data.code]):
        raise Conflict("duplicate", field="code")
    skill = Skill(**data.model_dump())
    session.add(skill)
    session.flush()
    audit.record(
        session,
        actor=by,
        action="skill.create",
        entity_type="skill",
        entity_id=skill.id,
        details=data.model_dump(mode="json"),
    )
    return skill


def _check_placement(
    session: Session,
    *,
    org_unit_id: int,
    team_id: int | None,
    scope_id: int | None,
    role: Role,
    by: Principal | None,
) -> None:
    """The units exist, the team is in the unit, and the grantor may place staff there.

    Nobody grants more than they see: the staff member's unit and scope unit must lie in
    the grantor's scope, and a role that sees every branch is granted only by someone who
    does. ``by`` is None for the command line, which is trusted.
    """
    unit = repository.org_unit(session, org_unit_id)
    if unit is None:
        raise NotFound("org_unit_not_found", field="org_unit_id")
    scope = repository.org_unit(session, scope_id) if scope_id is not None else None
    if scope_id is not None and scope is None:
        raise NotFound("org_unit_not_found", field="scope_org_unit_id")
    if team_id is not None:
        team = session.get(Team, team_id)
        if team is None:
            raise NotFound("team_not_found", field="team_id")
        if team.org_unit_id != org_unit_id:
            raise Unprocessable("team_outside_unit", field="team_id")
    if by is None:
        return
    for field, placed in (("org_unit_id", unit), ("scope_org_unit_id", scope)):
        if placed is not None and not by.sees_org_path(placed.path):
            raise Forbidden("org_unit_out_of_scope", field=field, org_unit=placed.name)
    if Right.SCOPE_ALL in rights_for(role) and not by.has(Right.SCOPE_ALL):
        root = repository.root_unit(session)
        if root is not None and not by.sees_org_path(root.path):
            raise Forbidden("grant_beyond_scope", field="role")


def _skill_rows(session: Session, levels: list[SkillLevel]) -> list[StaffSkill]:
    by_code = repository.skills_by_code(session, [item.code for item in levels])
    rows: dict[int, StaffSkill] = {}
    for item in levels:
        skill = by_code.get(item.code)
        if skill is None:
            raise NotFound("skill_not_found", field="skills")
        rows[skill.id] = StaffSkill(skill_id=skill.id, level=item.level, skill=skill)
    return list(rows.values())


def _check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Unprocessable("password_too_short", field="password", min=MIN_PASSWORD_LENGTH)
    return hash_password(password)


def create_staff(session: Session, *, data: StaffCreate, by: Principal | None) -> Staff:
    """Add a staff member with role, placement and skills."""
    if repository.staff_by_username(session, data.username) is not None:
        raise Conflict("duplicate", field="username")
    _check_placement(
        session,
        org_unit_id=data.org_unit_id,
        team_id=data.team_id,
        scope_id=data.scope_org_unit_id,
        role=Role(data.role),
        by=by,
    )
    staff = Staff(
        **data.model_dump(exclude={"password", "skills"}),
        password_hash=_check_password(data.password) if data.password else None,
    )
    staff.skills = _skill_rows(session, data.skills)
    session.add(staff)
    session.flush()
    audit.record(
        session,
        actor=by,
        action="staff.create",
        entity_type="staff",
        entity_id=staff.id,
        details=data.model_dump(mode="json", exclude={"password"}),
    )
    return staff


def _guard_self(staff: Staff, changes: dict[str, Any], by: Principal) -> None:
    if staff.id != by.staff_id:
        return
    if changes.get("active") is False or (
        "role" in changes and Right.STAFF_WRITE not in rights_for(changes["role"])
    ):
        raise Forbidden("cannot_demote_self")


def update_staff(session: Session, *, staff: Staff, data: StaffUpdate, by: Principal) -> Staff:
    """Change a staff member's record, keeping history; disabling ends their sessions."""
    values = data.model_dump(exclude_unset=True, exclude={"skills"})
    values = {
        key: value
        for key, value in values.items()
        if value is not None or key in {"team_id", "scope_org_unit_id", "email", "phone"}
    }
    _guard_self(staff, values, by)
    _check_placement(
        session,
        org_unit_id=values.get("org_unit_id", staff.org_unit_id),
        team_id=values.get("team_id", staff.team_id),
        scope_id=values.get("scope_org_unit_id", staff.scope_org_unit_id),
        role=Role(values.get("role", staff.role)),
        by=by,
    )
    changes = apply_changes(staff, values)
    if data.skills is not None:
        before = sorted((row.skill.code, row.level) for row in staff.skills)
        staff.skills = _skill_rows(session, data.skills)
        after = sorted((row.skill.code, row.level) for row in staff.skills)
        if before != after:
            changes["skills"] = [before, after]
    if changes.get("active") == [True, False] or "role" in changes:
        staff.session_epoch += 1
    _record(session, staff, changes, by, "staff.update")
    return staff


def set_password(session: Session, *, staff: Staff, password: str, by: Principal | None) -> None:
    """Replace a password; every existing session of that person ends."""
    staff.password_hash = _check_password(password)
    staff.session_epoch += 1
    session.flush()
    audit.record(
        session, actor=by, action="staff.set_password", entity_type="staff", entity_id=staff.id
    )


def _record(
    session: Session, staff: Staff, changes: dict[str, list[Any]], by: Principal, action: str
) -> None:
    if not changes:
        return
    session.flush()
    record_changes(session, entity_type="staff", entity_id=staff.id, changes=changes, actor=by)
    audit.record(
        session,
        actor=by,
        action=action,
        entity_type="staff",
        entity_id=staff.id,
        details={"changes": changes},
    )
