"""The IVR side of the demo's past calls: each call's session in the shipped flow, with the
self-service the caller did and why a call was put through, as live calls keep them. The
360 then tells what a caller did in the IVR, and the IVR figures have weeks to count."""

from __future__ import annotations

import json
import random
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


def session_rows(
    rng: random.Random, calls: list[dict[str, Any]], ids: list[int], version_id: int
) -> list[dict[str, Any]]:
    """The IVR session of each call (``ids`` are the calls' interaction ids, in order)."""
    return [_session(rng, call, ids[i], version_id) for i, call in enumerate(calls)]


def _session(
    rng: random.Random, call: dict[str, Any], interaction_id: int, version_id: int
) -> dict[str, Any]:
    started = call["offered_at"]
    if call["channel"] == ContactChannel.IVR:
        served = list(rng.choices([s for s, _ in SELF_SERVICE], [w for _, w in SELF_SERVICE])[0])
        outcome, node, queue, reason = CallOutcome.SELF_SERVICE, "goodbye", "", ""
        ended = call["ended_at"]
    else:
        served = ["balance"] if rng.random() < HEARD_FIRST_SHARE else []
        fault = rng.random() < FAULT_SHARE
        node, reason = ("fault", "fault_report") if fault else ("general_agent", "agent_requested")
        outcome, queue, ended = CallOutcome.TRANSFERRED, "general", call["queued_at"]
    state = {"call": {"served": served, "self_service_ok": bool(served)}}
    return {
        "call_id": f"demo-{interaction_id}",
        "interaction_id": interaction_id,
        "flow_version_id": version_id,
        "node": node,
        "state": json.dumps(state),
        "step": 1 + len(served) * 2,
        "started_at": started,
        "ended_at": ended or started + timedelta(seconds=30),
        "outcome": outcome,
        "self_service_ok": bool(served),
        "transfer_queue": queue,
        "transfer_reason": reason,
    }
