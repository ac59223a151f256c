"""The IVR side of the demo's past calls: each call's session in the shipped flow, with the
self-service the caller did and why a call was put through, as live calls keep them. The
360 then tells what a caller did in the IVR, and the IVR figures have weeks to count."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from kefu.contact.enums import ContactChannel
from kefu.ivr.enums import CallOutcome

# What self-served callers did: most heard their balance; some their plan or an order's
# progress; a few both balance and plan.
SELF_SERVICE = (
    (("balance",), 58),
    (("package",), 20),
    (("order_status",), 12),
    (("balance", "package"), 10),
)
HEARD_FIRST_SHARE = 0.25  # callers put through who had heard their balance first
FAULT_SHARE = 0.12  # callers put through from the fault menu
# where a call put through left the shipped flow: its node, queue and reason
FAULT_EXIT = ("fault", "fault", "fault_report")
AGENT_EXIT = ("general_agent", "general", "agent_requested")


@dataclass(frozen=True)
class Walk:
    """One past call's way through the IVR."""

    served: tuple[str, ...]
    outcome: CallOutcome
    node: str  # where it left the flow
    queue: str
    reason: str


def walks(rng: random.Random, calls: list[dict[str, Any]], queues: dict[str, int]) -> list[Walk]:
    """How each call went through the IVR; a fault report waits in the fault queue (the
    call's row is moved there), as the shipped flow sends it."""
    found: list[Walk] = []
    for call in calls:
        if call["channel"] == ContactChannel.IVR:
            served = rng.choices([s for s, _ in SELF_SERVICE], [w for _, w in SELF_SERVICE])[0]
            found.append(Walk(served, CallOutcome.SELF_SERVICE, "goodbye", "", ""))
            continue
        heard = ("balance",) if rng.random() < HEARD_FIRST_SHARE else ()
        if rng.random() < FAULT_SHARE and "fault" in queues:
            call["queue_id"] = queues["fault"]
            found.append(Walk(heard, CallOutcome.TRANSFERRED, "fault", "fault", "fault_report"))
        else:
            walk = Walk(
                heard, CallOutcome.TRANSFERRED, "general_agent", "general", "agent_requested"
            )
            found.append(walk)
    return found


def session_rows(
    calls: list[dict[str, Any]], walked: list[Walk], ids: list[int], version_id: int
) -> list[dict[str, Any]]:
    """The IVR session of each call (``ids`` are the calls' interaction ids, in order)."""
    return [
        _session(call, walk, ids[i], version_id)
        for i, (call, walk) in enumerate(zip(calls, walked, strict=True))
    ]


def _session(
    call: dict[str, Any], walk: Walk, interaction_id: int, version_id: int
) -> dict[str, Any]:
    started = call["offered_at"]
    ended = call["ended_at"] if walk.outcome is CallOutcome.SELF_SERVICE else call["queued_at"]
    state = {"call": {"served": list(walk.served), "self_service_ok": bool(walk.served)}}
    return {
        "call_id": f"demo-{interaction_id}",
        "interaction_id": interaction_id,
        "flow_version_id": version_id,
        "node": walk.node,
        "state": json.dumps(state),
        "step": 1 + len(walk.served) * 2,
        "started_at": started,
        "ended_at": ended or started + timedelta(seconds=30),
        "outcome": walk.outcome,
        "self_service_ok": bool(walk.served),
        "transfer_queue": walk.queue,
        "transfer_reason": walk.reason,
    }
