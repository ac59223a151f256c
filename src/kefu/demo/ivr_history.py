"""The IVR side of the demo's past calls: each call's session in the shipped flow, with the
self-service the caller did, why a call was put through or where the caller hung up, and
the nodes it passed, as live calls keep them. The 360 then tells what a caller did in the
IVR, and the IVR figures (abandonment by node among them) have weeks to count."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from kefu.contact.enums import ContactChannel, EndReason
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
# Self-service callers who hang up in a menu before being served, and where: most in the
# main menu, some in a submenu or when asked for an order number.
HANG_UP_SHARE = 0.09
HANG_UP_AT = (("main_menu", 60), ("package_menu", 22), ("progress_number", 18))

Step = tuple[str, str, str]  # node, kind, result, as the engine records a visit
_START: tuple[Step, ...] = (("greet", "say", "played"), ("by_value", "condition", "else"))
# the main menu's key and the nodes each self-service passes
_SERVICES: dict[str, tuple[str, tuple[Step, ...]]] = {
    "balance": ("1", (("balance", "action", "ok"), ("say_balance", "say", "played"))),
    "package": (
        "2",
        (
            ("package_menu", "menu", "key:1"),
            ("package", "action", "ok"),
            ("say_package", "say", "played"),
        ),
    ),
    "order_status": (
        "4",
        (
            ("progress_number", "collect", "collected"),
            ("progress", "action", "ok"),
            ("say_progress", "say", "played"),
        ),
    ),
}
_KEY_INTO = {"package_menu": "2", "progress_number": "4"}
_TO_AGENT: tuple[Step, ...] = (
    ("agent", "condition", "else"),
    ("general_wait", "action", "ok"),
    ("general_agent", "queue", "transfer"),
)


@dataclass(frozen=True)
class Walk:
    """One past call's way through the IVR."""

    served: tuple[str, ...]
    outcome: CallOutcome
    node: str  # where it left the flow
    queue: str
    reason: str

    def steps(self) -> list[Step]:
        """The nodes the call passed, in order, ending where it left the flow."""
        if self.outcome is CallOutcome.ABANDONED:
            key = _KEY_INTO.get(self.node)
            into = [("main_menu", "menu", f"key:{key}")] if key else []
            return [*_START, *into, (self.node, _KIND[self.node], "hangup")]
        steps = list(_START)
        for n, service in enumerate(self.served):
            if n:  # back to the main menu for the next one
                steps.append(("after_self_service", "menu", "key:*"))
            key, passed = _SERVICES[service]
            steps += [("main_menu", "menu", f"key:{key}"), *passed]
        after = "after_self_service"  # where a served caller is asked what next
        if self.outcome is CallOutcome.SELF_SERVICE:
            return [*steps, (after, "menu", "key:#"), ("goodbye", "hangup", "hangup")]
        back = [(after, "menu", "key:*")] if self.served else []
        if self.node == "fault":
            return [*steps, *back, ("main_menu", "menu", "key:3"), ("fault", "queue", "transfer")]
        ask = (after, "menu", "key:0") if self.served else ("main_menu", "menu", "key:0")
        return [*steps, ask, *_TO_AGENT]


_KIND = {"main_menu": "menu", "package_menu": "menu", "progress_number": "collect"}
_INPUT = ("menu", "collect")  # the nodes that wait for the caller


def walks(rng: random.Random, calls: list[dict[str, Any]], queues: dict[str, int]) -> list[Walk]:
    """How each call went through the IVR; a fault report waits in the fault queue (the
    call's row is moved there), as the shipped flow sends it."""
    found: list[Walk] = []
    for call in calls:
        if call["channel"] == ContactChannel.IVR and rng.random() < HANG_UP_SHARE:
            found.append(_hang_up(rng, call))
            continue
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


def _hang_up(rng: random.Random, call: dict[str, Any]) -> Walk:
    """A caller who gave up in a menu: the call ends there, sooner, served by nobody."""
    node = rng.choices([n for n, _ in HANG_UP_AT], [w for _, w in HANG_UP_AT])[0]
    call["end_reason"] = EndReason.ABANDONED
    call["ended_at"] = call["offered_at"] + (call["ended_at"] - call["offered_at"]) * 0.6
    return Walk((), CallOutcome.ABANDONED, node, "", "")


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
    started, ended = _span(call, walk)
    state = {"call": {"served": list(walk.served), "self_service_ok": bool(walk.served)}}
    return {
        "id": interaction_id,  # one session a call: numbered as its call
        "call_id": f"demo-{interaction_id}",
        "interaction_id": interaction_id,
        "flow_version_id": version_id,
        "node": walk.node,
        "state": json.dumps(state),
        "step": 1 + sum(kind in _INPUT for _, kind, _ in walk.steps()),
        "started_at": started,
        "ended_at": ended,
        "outcome": walk.outcome,
        "self_service_ok": bool(walk.served),
        "transfer_queue": walk.queue,
        "transfer_reason": walk.reason,
    }


def _span(call: dict[str, Any], walk: Walk) -> tuple[datetime, datetime]:
    """When the call was in the IVR: until it ended there, or until it queued."""
    started = call["offered_at"]
    left = call["queued_at"] if walk.outcome is CallOutcome.TRANSFERRED else call["ended_at"]
    return started, left or started + timedelta(seconds=30)


def visit_rows(
    calls: list[dict[str, Any]], walked: list[Walk], ids: list[int]
) -> list[dict[str, Any]]:
    """The menus and questions each call's session met (where a caller can hang up, which
    abandonment by node counts), its time in the IVR shared among them. Live calls also
    keep the nodes passed without input; a demo of weeks of calls leaves those out, as
    they would be four rows in five and nothing counts them."""
    rows: list[dict[str, Any]] = []
    for call, walk, session_id in zip(calls, walked, ids, strict=True):
        started, left = _span(call, walk)
        steps = [step for step in walk.steps() if step[1] in _INPUT]
        share = (left - started) / len(steps)
        for n, (node, kind, result) in enumerate(steps):
            entered = started + share * n
            rows.append(
                {
                    "session_id": session_id,
                    "node": node,
                    "kind": kind,
                    "entered_at": entered,
                    "left_at": entered + share,
                    "result": result,
                }
            )
    return rows
