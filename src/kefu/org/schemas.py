"""Request and response shapes of the organization domain."""

from __future__ import annotations

from datetime import datetime, time
from typing import Annotated

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints, model_validator

from kefu.core.pagination import Page
from kefu.core.rbac import Role
from kefu.core.types import Code, Name, RefId, ShortText
from kefu.org.enums import Language, OrgLevel

Username = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_.\-]{1,63}$")]
Password = Annotated[str, StringConstraints(min_length=1, max_length=200)]
PhoneText = Annotated[str, StringConstraints(max_length=32)]


class LoginRequest(BaseModel):
    """Credentials typed on the login page."""

    username: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
    password: Password


class MeRead(BaseModel):
    """The signed-in staff member as the console needs it."""

    id: int
    username: str
    display_name: str
    role: Role
    org_unit_id: int
    language: str
    rights: list[str]
    csrf_token: str | None = None


class OrgUnitCreate(BaseModel):
    """A new branch, province or HQ unit."""

    code: Code
    name: Name
    name_en: ShortText = ""
    level: OrgLevel
    parent_id: RefId | None = None
    region_code: Annotated[str, StringConstraints(pattern=r"^\d{6}$")] | None = None


class OrgUnitRead(BaseModel):
    """An org unit with its place in the tree."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str
    name: str
    name_en: str
    level: OrgLevel
    parent_id: int | None
    path: str
    region_code: str
    active: bool


class TeamHours(BaseModel):
    """A team's working day (local time); both or neither, start before end."""

    model_config = ConfigDict(extra="forbid")

    work_start: time | None = None
    work_end: time | None = None

    @model_validator(mode="after")
    def _both_and_in_order(self) -> TeamHours:
        if (self.work_start is None) != (self.work_end is None):
            raise ValueError("give both work_start and work_end, or neither")
        if self.work_start and self.work_end and not self.work_start < self.work_end:
            raise ValueError("work_start must be before work_end")
        return self


class TeamCreate(TeamHours):
    """A new team (班组) inside an org unit, with its working hours if they differ from
    the center's 09:00–18:00."""

    name: Name
    name_en: ShortText = ""
    org_unit_id: RefId


class TeamRead(BaseModel):
    """A team."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    name_en: str
    org_unit_id: int
    active: bool
    work_start: time | None
    work_end: time | None
    takes_in_turn: bool
    version: int


class SkillCreate(BaseModel):
    """A new routing skill."""

    code: Code
    name: Name
    name_en: ShortText = ""


class SkillRead(BaseModel):
    """A routing skill."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    code: str
    name: str
    name_en: str


class SkillLevel(BaseModel):
    """A skill held at a level from 1 (basic) to 5 (expert)."""

    code: Code
    level: Annotated[int, Field(ge=1, le=5)] = 1


class StaffCreate(BaseModel):
    """A new staff member."""

    username: Username
    display_name: Name
    role: Role
    org_unit_id: RefId
    team_id: RefId | None = None
    scope_org_unit_id: RefId | None = None
    language: Language = Language.ZH_CN
    email: EmailStr | None = None
    phone: PhoneText | None = None
    password: Password | None = None
    skills: Annotated[list[SkillLevel], Field(max_length=50)] = []


class StaffUpdate(BaseModel):
    """Fields of a staff member that may change; absent fields stay as they are."""

    display_name: Name | None = None
    role: Role | None = None
    org_unit_id: RefId | None = None
    team_id: RefId | None = None
    scope_org_unit_id: RefId | None = None
    language: Language | None = None
    email: EmailStr | None = None
    phone: PhoneText | None = None
    active: bool | None = None
    skills: Annotated[list[SkillLevel], Field(max_length=50)] | None = None


class PasswordSet(BaseModel):
    """A new password for a staff member."""

    password: Password


class StaffRead(BaseModel):
    """A staff member as administrators see them."""

    id: int
    username: str
    display_name: str
    role: Role
    org_unit_id: int
    team_id: int | None
    scope_org_unit_id: int | None
    language: str
    email: str | None
    phone: str | None
    active: bool
    last_login_at: datetime | None
    version: int
    skills: list[SkillLevel]


StaffPage = Page[StaffRead]


class TokenCreate(BaseModel):
    """A request for a new integration token."""

    name: Name


class TokenRead(BaseModel):
    """An integration token's metadata (the secret itself is shown once, at creation)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    created_at: datetime
    revoked_at: datetime | None


class TokenCreated(TokenRead):
    """A new token with its secret: store it now, it is never shown again."""

    token: str
