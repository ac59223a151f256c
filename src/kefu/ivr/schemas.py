"""Request and response shapes of the IVR API (webhook, flows, figures)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from kefu.ivr.enums import VersionStatus

CallId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.:@\-]{1,128}$")]
Dialled = Annotated[str, StringConstraints(strip_whitespace=True, max_length=32)]
CallerText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=64)]
Digits = Annotated[str, StringConstraints(pattern=r"^[0-9*#]{0,32}$")]
FlowCode = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_\-]{1,32}$")]
FlowSource = Annotated[str, StringConstraints(min_length=1, max_length=256 * 1024)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CallStart(_Strict):
    """A call arrived at the PBX."""

    call_id: CallId
    caller: CallerText = ""  # any written form; withheld numbers are ""
    dialled: Dialled = ""
    flow: FlowCode | None = None  # else the flow answering the dialled number


class CallInput(_Strict):
    """The caller's answer to the question of ``step``; ``digits`` null on timeout."""

    step: int = Field(ge=1, le=10_000)
    digits: Digits | None = None


class PromptOut(BaseModel):
    """A prompt to play: text (TTS, in the call's language) and the PBX sound file."""

    text: str
    file: str


class CallInstruction(BaseModel):
    """What the PBX does next: collect digits, transfer to a queue, or hang up."""

    call_id: str
    step: int
    action: str
    node: str
    prompts: list[PromptOut]
    min_digits: int | None = None
    max_digits: int | None = None
    timeout_seconds: int | None = None
    queue: str | None = None
    priority: int | None = None
    reason: str | None = None
    outcome: str | None = None


class CallEnded(BaseModel):
    """How the call ended and where its contact record stands."""

    call_id: str
    outcome: str
    interaction_id: int
    interaction_status: str


class FlowDraft(_Strict):
    """A new version of a flow, as YAML."""

    source: FlowSource
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)] = ""


class FlowCheck(_Strict):
    """YAML to check without saving."""

    source: FlowSource


class FlowProblemRead(BaseModel):
    """One problem of a flow, by line, in the caller's language."""

    line: int
    code: str
    message: str


class FlowCheckResult(BaseModel):
    """The checks' verdict: ok, or every problem by line."""

    ok: bool
    problems: list[FlowProblemRead]
    nodes: int = 0
    graph: dict[str, Any] | None = None  # nodes and edges, for the flow viewer


class VersionRead(BaseModel):
    """One version of a flow."""

    number: int
    status: VersionStatus
    note: str
    created_at: datetime
    published_at: datetime | None


class FlowRead(BaseModel):
    """A flow with its versions (newest first)."""

    code: str
    name: str
    numbers: list[str]
    published_number: int | None
    version: int
    versions: list[VersionRead]


class VersionSource(VersionRead):
    """One version with its YAML."""

    source: str


class NodeAbandonment(BaseModel):
    """Callers who hung up at a node, of those who reached it."""

    node: str
    reached: int
    abandoned: int
    rate: float


class TransferReason(BaseModel):
    """Calls the IVR sent to a queue, by queue and reason."""

    queue: str
    reason: str
    calls: int


class IvrFigures(BaseModel):
    """IVR figures of a period."""

    calls: int
    ended: int
    outcomes: dict[str, int]
    containment: float | None  # self-served ÷ ended calls
    average_seconds_in_ivr: float | None
    abandonment_by_node: list[NodeAbandonment]
    transfer_reasons: list[TransferReason]
