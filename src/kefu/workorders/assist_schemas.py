"""Request and response bodies of another team's part in an order (协办)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from kefu.core.types import Explanation, RefId
from kefu.workorders.enums import AssistStatus

# Within an hour at the soonest; a week at the latest (the complaint's own limit is 15 days).
DueHours = Annotated[int, Field(ge=1, le=168)]


class AssistCreate(BaseModel):
    """Another team asked for its part, wanted within ``due_hours`` (24 unless told): of
    the team's working time when it keeps hours (on workdays of the official calendar),
    else of the clock."""

    model_config = ConfigDict(extra="forbid")

    team_id: RefId
    question: Explanation
    due_hours: DueHours = 24


class AssistAnswer(BaseModel):
    """The asked team's answer."""

    model_config = ConfigDict(extra="forbid")

    answer: Explanation


class AssistOut(BaseModel):
    """One ask of another team, and what came of it."""

    id: int
    order_id: int
    team_id: int
    team: str
    team_en: str
    status: AssistStatus
    question: str
    asked_by_id: int | None
    asked_by: str | None
    asked_at: datetime
    due_at: datetime
    overdue: bool = Field(description="Still open past the time it was wanted by")
    answer: str = Field(description="The team's answer (empty until answered)")
    ended_by: str | None = Field(description="Who answered it, or took it back")
    ended_at: datetime | None


class AssistTeam(BaseModel):
    """A team the order's holder may ask."""

    id: int
    name: str
    name_en: str


class AssistList(BaseModel):
    """The order's asks, in the order made, and the teams that may be asked."""

    items: list[AssistOut]
    teams: list[AssistTeam] = Field(description="Of the order's unit or above, not its own")


class TeamAssistOut(AssistOut):
    """An ask waiting for the caller's team, with its order."""

    order_number: str
    order_subject: str


class TeamAssistList(BaseModel):
    """The asks waiting for the caller's team, the soonest due first."""

    items: list[TeamAssistOut]
