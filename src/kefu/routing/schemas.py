"""What the ACD API reads and writes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from kefu.routing.enums import AgentState


class StateChange(BaseModel):
    """An agent signs in (ready), takes a break with a reason code, or signs out."""

    state: AgentState
    reason: str = Field(default="", max_length=32)


class AgentWrapUp(BaseModel):
    """The agent's wrap-up of their call, and what they do next."""

    code: str = Field(min_length=1, max_length=32)
    note: str = Field(default="", max_length=2000)
    then: AgentState = AgentState.READY
    reason: str = Field(default="", max_length=32)


class OfferRead(BaseModel):
    """The call an agent holds: offered, in talk or in wrap-up."""

    interaction_id: int
    customer_id: int | None
    caller: str  # masked unless the agent may see numbers
    queue: str
    queue_name: str
    queue_name_en: str  # the console shows it when the page is in English
    priority: int
    status: str
    queued_at: datetime | None
    expires_at: datetime | None  # when a ringing offer is taken back
    direction: str = "inbound"  # outbound: a call-back the agent dials


class DialRead(BaseModel):
    """The number of a call-back, shown to the agent who took it."""

    interaction_id: int
    number: str


class AgentRead(BaseModel):
    """An agent's state as the panel shows it."""

    staff_id: int
    state: AgentState
    reason: str
    state_since: datetime
    version: int
    call: OfferRead | None = None


class AgentRow(BaseModel):
    """One agent on the wallboard."""

    staff_id: int
    name: str
    state: AgentState
    reason: str
    state_since: datetime
    queues: list[str]


class BreakReasonRead(BaseModel):
    """A break reason code."""

    code: str
    name: str
    name_en: str


class LiveFigures(BaseModel):
    """The wallboard: every queue's live figures and the center's agents by state."""

    at: datetime
    queues: list[dict[str, Any]]
    agents: dict[str, int]


class CallRoute(BaseModel):
    """Where a call stands after the IVR, for the PBX to bridge it: the agent to ring."""

    call_id: str
    interaction_id: int
    status: str
    agent_id: int | None
    agent_username: str | None
