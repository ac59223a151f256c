"""Response bodies of a team's queue discipline: who started which orders, and how."""

from __future__ import annotations

from pydantic import BaseModel


class HandlerStarts(BaseModel):
    """A handler's orders started in the period, and how many were the next of the queue
    (取下一单) rather than picked from the list."""

    staff_id: int
    name: str
    started: int
    taken_next: int


class TeamStarts(BaseModel):
    team_id: int
    days: int
    rows: list[HandlerStarts]
