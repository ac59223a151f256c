"""The IVR step engine: from a call's state and the caller's input to the next instruction.

It touches no database and no network: facts about the caller, the clock and the
self-service actions come in through small interfaces, so the webhook, the FastAGI
server and the simulator all run the very same steps. A step runs nodes (say, set,
condition, action) until one needs the caller (menu, collect, callback) or the flow ends
(queue, hang-up).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import datetime, time
from typing import Any, Protocol

from kefu.ivr.enums import CallOutcome
from kefu.ivr.nodes import Flow, Node, NodeKind, Prompt

MAX_HOPS = 64  # nodes one step may pass; the checks forbid silent loops, this is the guard
PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]{0,31})\}")
SELF_SERVICE_ACTIONS = frozenset({"balance", "package", "order_status", "open_service"})


class FlowStuck(Exception):
    """A step passed ``MAX_HOPS`` nodes without needing the caller."""


@dataclass
class CallState:
    """Everything a call carries between steps; stored as JSON on the IVR session."""

    node: str = ""
    vars: dict[str, str] = field(default_factory=dict)
    retries: int = 0
    self_service_ok: bool = False
    served: list[str] = field(default_factory=list)  # self-service done, in order (once each)
    # facts found at the start of the call (from the caller's number)
    caller: str = ""
    customer_id: int | None = None
    tier: str | None = None
    brand: str | None = None
    enterprise: bool = False
    callback_queue: str = ""

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready copy."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CallState:
        """The state stored by ``to_json``."""
        return cls(**data)

    @property
    def language(self) -> str:
        """The call's language, zh-CN unless the caller chose English."""
        return "en" if self.vars.get("language") == "en" else "zh-CN"


@dataclass(frozen=True)
class Say:
    """One prompt as played: the text in the call's language and the PBX sound file."""

    text: str
    file: str


@dataclass(frozen=True)
class Instruction:
    """What the PBX should do next."""

    action: str  # "collect", "transfer" or "hangup"
    node: str
    prompts: tuple[Say, ...] = ()
    min_digits: int = 1
    max_digits: int = 1
    timeout_seconds: int = 5
    queue: str = ""
    priority: int = 0
    reason: str = ""
    outcome: CallOutcome | None = None

    def to_json(self) -> dict[str, Any]:
        """The webhook's answer body (without the call's id and step)."""
        body: dict[str, Any] = {
            "action": self.action,
            "node": self.node,
            "prompts": [{"text": p.text, "file": p.file} for p in self.prompts],
        }
        if self.action == "collect":
            body |= {
                "min_digits": self.min_digits,
                "max_digits": self.max_digits,
                "timeout_seconds": self.timeout_seconds,
            }
        if self.action == "transfer":
            body |= {"queue": self.queue, "priority": self.priority, "reason": self.reason}
        if self.outcome is not None:
            body["outcome"] = str(self.outcome)
        return body


@dataclass(frozen=True)
class Visit:
    """A node the call passed in this step and what happened there."""

    node: str
    kind: str
    result: str
    waits: bool = False  # an input node: the visit lasts until the caller answers


@dataclass(frozen=True)
class ActionResult:
    """A self-service action's answer: success and the variables it sets."""

    ok: bool
    values: dict[str, str] = field(default_factory=dict)


class Actions(Protocol):
    """Self-service actions (balance, package, order status, codes, opening a service)."""

    def run(self, name: str, args: dict[str, str], state: CallState) -> ActionResult:
        """Run one action for the call."""
        ...


class Clock(Protocol):
    """The center's local time and calendar."""

    def now(self) -> datetime:
        """The local time now."""
        ...

    def is_holiday(self, moment: datetime) -> bool:
        """True on a day off (official holidays and weekends that are not swapped workdays)."""
        ...


@dataclass
class Step:
    """One step's result: the instruction and the nodes visited on the way."""

    instruction: Instruction
    visits: list[Visit]


class Engine:
    """Runs one flow for calls; holds no call state itself."""

    def __init__(self, flow: Flow, actions: Actions, clock: Clock) -> None:
        self.flow = flow
        self.actions = actions
        self.clock = clock

    def start(self, state: CallState) -> Step:
        """The first instruction of a new call."""
        state.node, state.retries = self.flow.start, 0
        return self._advance(state, [], [])

    def answer(self, state: CallState, digits: str | None) -> Step:
        """The caller pressed ``digits`` (None: nothing before the timeout)."""
        node = self.flow.node(state.node)
        visits: list[Visit] = []
        if node.kind == NodeKind.MENU:
            return self._menu_input(state, node, digits, visits)
        if node.kind == NodeKind.COLLECT:
            return self._collect_input(state, node, digits, visits)
        if node.kind == NodeKind.CALLBACK:
            return self._callback_input(state, node, digits, visits)
        return self._advance(state, [], visits)  # not waiting: carry on from here

    # input nodes -------------------------------------------------------------------
    def _menu_input(
        self, state: CallState, node: Node, digits: str | None, visits: list[Visit]
    ) -> Step:
        key = (digits or "")[:1]
        if key and key in node.options:
            visits.append(Visit(node.id, node.kind, f"key:{key}"))
            return self._go(state, node.options[key], visits)
        return self._retry(state, node, digits, visits)

    def _collect_input(
        self, state: CallState, node: Node, digits: str | None, visits: list[Visit]
    ) -> Step:
        value = (digits or "").rstrip("#")
        if value.isdigit() and value.isascii() and node.min_digits <= len(value) <= node.max_digits:
            state.vars[node.variable] = value
            visits.append(Visit(node.id, node.kind, "collected"))
            return self._go(state, node.target("next") or "", visits)
        return self._retry(state, node, digits, visits)

    def _callback_input(
        self, state: CallState, node: Node, digits: str | None, visits: list[Visit]
    ) -> Step:
        if (digits or "")[:1] == "1":
            state.callback_queue = node.queue
            visits.append(Visit(node.id, node.kind, "accepted"))
            return self._go(state, node.target("accept") or "", visits)
        visits.append(Visit(node.id, node.kind, "declined" if digits else "timeout"))
        return self._go(state, node.target("decline") or "", visits)

    def _retry(self, state: CallState, node: Node, digits: str | None, visits: list[Visit]) -> Step:
        visits.append(Visit(node.id, node.kind, "invalid" if digits else "timeout"))
        state.retries += 1
        if state.retries > node.retries:
            return self._go(state, node.target("on_fail") or "", visits)
        said = [self._say(node.invalid, state)] if digits and node.invalid else []
        return self._wait(state, node, said, visits)

    def _go(self, state: CallState, target: str, visits: list[Visit]) -> Step:
        state.node, state.retries = target, 0
        return self._advance(state, [], visits)

    # running nodes -----------------------------------------------------------------
    def _advance(self, state: CallState, said: list[Say], visits: list[Visit]) -> Step:
        for _ in range(MAX_HOPS):
            node = self.flow.node(state.node)
            if node.kind == NodeKind.CALLBACK and not state.caller:
                # a withheld number cannot be called back: the caller keeps waiting
                visits.append(Visit(node.id, node.kind, "no_number"))
                state.node = node.target("decline") or ""
                continue
            if node.kind in (NodeKind.MENU, NodeKind.COLLECT, NodeKind.CALLBACK):
                return self._wait(state, node, said, visits)
            if node.kind in (NodeKind.QUEUE, NodeKind.HANGUP):
                return self._finish(state, node, said, visits)
            state.node = self._pass(state, node, said, visits)
        raise FlowStuck(state.node)

    def _pass(self, state: CallState, node: Node, said: list[Say], visits: list[Visit]) -> str:
        """Run a node that needs no input; the id of the node to go to."""
        if node.kind == NodeKind.SAY:
            said.append(self._say(node.prompt, state))
            visits.append(Visit(node.id, node.kind, "played"))
            return node.target("next") or ""
        if node.kind == NodeKind.SET:
            state.vars.update({k: self._fill(v, state) for k, v in node.values.items()})
            visits.append(Visit(node.id, node.kind, "set"))
            return node.target("next") or ""
        if node.kind == NodeKind.CONDITION:
            return self._branch(state, node, visits)
        return self._act(state, node, visits)

    def _act(self, state: CallState, node: Node, visits: list[Visit]) -> str:
        args = {k: self._fill(v, state) for k, v in node.args.items()}
        result = self.actions.run(node.action, args, state)
        state.vars.update(result.values)
        if result.ok and node.action in SELF_SERVICE_ACTIONS:
            state.self_service_ok = True
            if node.action not in state.served:
                state.served.append(node.action)
        visits.append(Visit(node.id, node.kind, "ok" if result.ok else "fail"))
        return node.target("ok" if result.ok else "fail") or ""

    def _branch(self, state: CallState, node: Node, visits: list[Visit]) -> str:
        for number, case in enumerate(node.cases, start=1):
            if all(self._holds(name, value, state) for name, value in case.tests.items()):
                visits.append(Visit(node.id, node.kind, f"case:{number}"))
                return case.goto
        visits.append(Visit(node.id, node.kind, "else"))
        return node.target("else") or ""

    def _holds(self, name: str, value: object, state: CallState) -> bool:
        listed = value if isinstance(value, list) else [value]
        if name == "tier":
            return state.tier in listed
        if name == "brand":
            return state.brand in listed
        if name == "language":
            return state.language in listed
        if name == "time":
            return _within(str(value), self.clock.now().time())
        if name == "holiday":
            return self.clock.is_holiday(self.clock.now()) is value
        if name == "enterprise":
            return state.enterprise is value
        if name == "known":
            return (state.customer_id is not None) is value
        assert name == "var" and isinstance(value, dict)
        return all(state.vars.get(k, "") == str(v) for k, v in value.items())

    def _wait(self, state: CallState, node: Node, said: list[Say], visits: list[Visit]) -> Step:
        visits.append(Visit(node.id, node.kind, "prompted", waits=True))
        said = [*said, self._say(node.prompt, state)]
        max_digits = node.max_digits if node.kind == NodeKind.COLLECT else 1
        instruction = Instruction(
            action="collect",
            node=node.id,
            prompts=tuple(said),
            min_digits=node.min_digits if node.kind == NodeKind.COLLECT else 1,
            max_digits=max_digits,
            timeout_seconds=node.timeout_seconds,
        )
        return Step(instruction, visits)

    def _finish(self, state: CallState, node: Node, said: list[Say], visits: list[Visit]) -> Step:
        if node.prompt is not None:
            said.append(self._say(node.prompt, state))
        if node.kind == NodeKind.QUEUE:
            visits.append(Visit(node.id, node.kind, "transfer"))
            instruction = Instruction(
                action="transfer",
                node=node.id,
                prompts=tuple(said),
                queue=node.queue,
                priority=node.priority,
                reason=node.reason,
                outcome=CallOutcome.TRANSFERRED,
            )
            return Step(instruction, visits)
        visits.append(Visit(node.id, node.kind, "hangup"))
        outcome = _ending(state)
        return Step(
            Instruction(action="hangup", node=node.id, prompts=tuple(said), outcome=outcome), visits
        )

    def _say(self, prompt: Prompt | None, state: CallState) -> Say:
        if prompt is None:
            return Say("", "")
        chosen = prompt.pick(state.tier)
        text = chosen.texts.get("en" if state.language == "en" else "zh") or next(
            iter(chosen.texts.values()), ""
        )
        return Say(self._fill(text, state), chosen.file)

    def _fill(self, text: str, state: CallState) -> str:
        return PLACEHOLDER.sub(lambda m: state.vars.get(m.group(1), ""), text)


def _ending(state: CallState) -> CallOutcome:
    if state.callback_queue:
        return CallOutcome.CALLBACK
    return CallOutcome.SELF_SERVICE if state.self_service_ok else CallOutcome.HUNG_UP


def _within(window: str, moment: time) -> bool:
    """``moment`` in ``"HH:MM-HH:MM"`` (the end may be 24:00; the start is included)."""
    start, end = window.split("-")
    begin = time.fromisoformat(start)
    minutes = moment.hour * 60 + moment.minute
    end_h, end_m = (int(x) for x in end.split(":"))
    return begin.hour * 60 + begin.minute <= minutes < end_h * 60 + end_m
