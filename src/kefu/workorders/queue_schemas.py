"""Response bodies of a team's queue discipline: who started which orders, and how."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class HandlerStarts(BaseModel):
    """A handler's orders started in the period, and how many were the next of the queue
    (取下一单) rather than picked from the list."""

    staff_id: int
    name: str
    started: int
    taken_next: int


class TeamStarts(BaseModel):
    team_id: int
    takes_in_turn: bool
    days: int
    rows: list[HandlerStarts]


class TeamTaking(BaseModel):
    """How a team's handlers come to their orders: in turn (按序取单, they take the next
    of the queue) or by picking from the list."""

    model_config = ConfigDict(extra="forbid")

    in_turn: bool
