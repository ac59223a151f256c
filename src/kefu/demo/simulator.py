"""A day of a call center in SimPy, run through kefu's own IVR engine and routing policy.

Callers arrive at a rate that changes every half hour; each goes through the published
IVR flow (the real ``Engine``, with self-service actions that answer as a billing system
would); a transfer joins the queue and is routed with ``routing.policy`` — priority by
tier with aging, the longest-idle agent with the queue — exactly as the database ACD
routes (a property test holds the two together). Callers give up after their patience;
agents work their shifts. The result is counted, and can be written as interactions so
the demo has a history to report on.
"""

from __future__ import annotations

import random
from collections.abc import Generator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import simpy
from sqlalchemy import select
from sqlalchemy.orm import Session

from kefu.contact.enums import ContactChannel, EndReason, InteractionStatus
from kefu.contact.models import Interaction
from kefu.core.rbac import Role
from kefu.customers.enums import Tier
from kefu.customers.models import Customer
from kefu.ivr.engine import ActionResult, CallState, Engine, FlowStuck, Instruction
from kefu.ivr.nodes import Flow
from kefu.org.models import Staff
from kefu.routing.erlang import service_level
from kefu.routing.models import Queue
from kefu.routing.policy import AgentCard, CallCard, agent_for_call, call_for_agent, route_key
from kefu.routing.priority import call_priority

HALF_HOUR = 1800.0
SECONDS_PER_PROMPT = 6.0  # listening to one prompt
SECONDS_PER_KEY = 3.0  # thinking and pressing

# Calls per half hour on an ordinary weekday at a city hotline (shape of seed 004).
WEEKDAY_SHAPE = (
    *(6, 4, 3, 2, 2, 2, 2, 3, 4, 5, 8, 12, 20, 34, 52, 66, 74, 78),
    *(76, 70, 62, 58, 60, 64, 68, 66, 62, 58, 54, 50, 46, 44),
    *(42, 40, 38, 36, 32, 28, 24, 20, 16, 12, 10, 8, 7, 6, 6, 5),
)
TIER_MIX = {
    Tier.NORMAL: 0.62,
    Tier.SILVER: 0.2,
    Tier.GOLD: 0.11,
    Tier.DIAMOND: 0.05,
    Tier.SUPREME: 0.02,
}


@dataclass(frozen=True)
class DayPlan:
    """What the simulated day looks like."""

    arrivals_per_half_hour: tuple[float, ...]  # 48 values (a shorter tuple ends the day)
    agents_per_half_hour: tuple[int, ...]
    handle_seconds: float = 240.0  # mean talk and wrap-up, exponential
    patience_seconds: float | None = 180.0  # mean patience, exponential; None: never gives up
    wants_agent: float = 0.3  # share of callers who ask for an agent at the first menu
    tier_mix: dict[Tier, float] = field(default_factory=lambda: dict(TIER_MIX))
    priority_step_seconds: int = 30
    through_ivr: bool = True  # False: every call goes straight to ``queue``
    queue: str = "general"
    seed: int = 7


@dataclass
class SimCall:
    """One simulated call and what became of it."""

    id: int
    tier: Tier
    arrived: float
    queue: str = ""
    priority: int = 0
    queued: float | None = None
    answered: float | None = None
    ended: float | None = None
    agent: int | None = None
    outcome: str = ""  # self_service, flow_ended, completed, abandoned, callback

    def waited(self) -> float | None:
        """Seconds in the queue until answered or given up (None: never queued)."""
        left = self.answered if self.answered is not None else self.ended
        return None if self.queued is None or left is None else left - self.queued


@dataclass
class DayResult:
    """The counted day."""

    calls: list[SimCall]
    threshold: float = 20.0

    @property
    def offered(self) -> int:
        return sum(1 for c in self.calls if c.queued is not None)

    @property
    def answered(self) -> int:
        return sum(1 for c in self.calls if c.answered is not None)

    @property
    def abandoned(self) -> int:
        return sum(1 for c in self.calls if c.outcome == "abandoned" and c.queued is not None)

    def service_level(self) -> float:
        """Answered within the threshold ÷ (answered + abandoned after it), as the wallboard."""
        waits = [c.waited() for c in self.calls if c.answered is not None]
        gave_up = [c.waited() for c in self.calls if c.outcome == "abandoned"]
        within = sum(1 for w in waits if w is not None and w <= self.threshold)
        late = sum(1 for w in gave_up if w is not None and w > self.threshold)
        return within / max(1, len(waits) + late)

    def containment(self) -> float:
        """Calls that ended in the IVR after a self-service ÷ calls."""
        return sum(1 for c in self.calls if c.outcome == "self_service") / max(1, len(self.calls))


class _SimActions:
    """Self-service answers as a billing system would give them."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def run(self, name: str, args: dict[str, str], state: CallState) -> ActionResult:
        values = {
            "balance_yuan": "52.30",
            "bill_yuan": "88.00",
            "package_name": "畅享 188",
            "package_fee_yuan": "188.00",
            "order_number": "WO20261122-000123",
            "order_status": "处理中",
            "wait_minutes": "2",
        }
        if name == "queue_wait":
            return ActionResult(ok=True, values=values)  # the simulation queues everyone
        return ActionResult(ok=self.rng.random() < 0.92, values=values)


class _SimClock:
    def __init__(self, start: datetime, env: simpy.Environment) -> None:
        self.start, self.env = start, env

    def now(self) -> datetime:
        return self.start + timedelta(seconds=self.env.now)

    def is_holiday(self, moment: datetime) -> bool:
        return False


class CallCenter:
    """The simulated center: callers, the IVR, the queue and the agents."""

    def __init__(self, plan: DayPlan, flow: Flow | None, day: datetime) -> None:
        self.plan, self.flow = plan, flow
        self.rng = random.Random(plan.seed)
        self.env = simpy.Environment()
        self.clock = _SimClock(day, self.env)
        self.waiting: dict[int, CallCard] = {}
        self.calls: dict[int, SimCall] = {}
        self.free: dict[int, AgentCard] = {}
        self.signals: dict[int, simpy.Event] = {}  # call id → answered
        self.wakeups: dict[int, simpy.Event] = {}  # idle agent → handed a call
        self.on_duty: set[int] = set()
        self.queue_ids: dict[str, int] = {}

    # --- running ------------------------------------------------------------------------
    def run(self) -> DayResult:
        """Simulate the day and return what happened."""
        self.env.process(self._arrivals())
        self.env.process(self._shifts())
        self.env.run(until=len(self.plan.arrivals_per_half_hour) * HALF_HOUR + 4 * 3600)
        return DayResult(sorted(self.calls.values(), key=lambda c: c.id))

    def _arrivals(self) -> Generator[simpy.Event, Any, None]:
        ids = iter(range(1, 10**9))
        for rate in self.plan.arrivals_per_half_hour:
            end = self.env.now + HALF_HOUR
            while rate > 0:
                gap = self.rng.expovariate(rate / HALF_HOUR)
                if self.env.now + gap >= end:
                    break
                yield self.env.timeout(gap)
                self.env.process(self._caller(next(ids)))
            yield self.env.timeout(max(0.0, end - self.env.now))

    def _shifts(self) -> Generator[simpy.Event, Any, None]:
        """Agents sign in and out every half hour; one leaving finishes their call first."""
        staff = iter(range(1, 10**6))
        roster: list[int] = []
        for wanted in self.plan.agents_per_half_hour:
            while len(roster) < wanted:
                agent = next(staff)
                roster.append(agent)
                self.on_duty.add(agent)
                self.env.process(self._agent(agent))
            while len(roster) > wanted:
                leaving = roster.pop()
                self.on_duty.discard(leaving)
                self._hand_over(leaving, None)
            yield self.env.timeout(HALF_HOUR)
        for agent in list(self.on_duty):
            self.on_duty.discard(agent)
            self._hand_over(agent, None)

    # --- a caller -----------------------------------------------------------------------
    def _caller(self, number: int) -> Generator[simpy.Event, Any, None]:
        tiers, weights = zip(*self.plan.tier_mix.items(), strict=True)
        call = SimCall(number, self.rng.choices(tiers, weights)[0], self.env.now)
        self.calls[number] = call
        if self.plan.through_ivr and self.flow is not None:
            transfer = yield from self._ivr(call)
            if transfer is None:
                return
            call.queue, extra = transfer.queue, transfer.priority
        else:
            call.queue, extra = self.plan.queue, 0
        call.priority = call_priority(call.tier, extra)
        yield from self._wait_for_agent(call)

    def _ivr(self, call: SimCall) -> Generator[simpy.Event, Any, Instruction | None]:
        engine = Engine(self.flow, _SimActions(self.rng), self.clock)  # type: ignore[arg-type]
        state = CallState(caller="", tier=str(call.tier), customer_id=call.id)
        try:
            step = engine.start(state)
            for _ in range(20):
                instruction = step.instruction
                yield self.env.timeout(SECONDS_PER_PROMPT * max(1, len(instruction.prompts)))
                if instruction.action == "transfer":
                    return instruction
                if instruction.action != "collect":
                    call.outcome = str(instruction.outcome or "flow_ended")
                    call.ended = self.env.now
                    return None
                yield self.env.timeout(SECONDS_PER_KEY)
                step = engine.answer(state, self._press(instruction))
        except FlowStuck:
            pass
        call.outcome, call.ended = "abandoned", self.env.now
        return None

    def _press(self, instruction: Instruction) -> str:
        """A caller's key: an agent for some, a self-service choice for the rest."""
        node = self.flow.node(instruction.node) if self.flow else None
        options = list(node.options) if node is not None and node.options else []
        if instruction.max_digits > 1:
            return "".join(self.rng.choice("0123456789") for _ in range(instruction.max_digits))
        if "0" in options and self.rng.random() < self.plan.wants_agent:
            return "0"
        if "#" in options and self.rng.random() < 0.8:
            return "#"  # served: goodbye
        choices = [o for o in options if o != "0"] or options or ["#"]
        return self.rng.choice(choices)

    def _wait_for_agent(self, call: SimCall) -> Generator[simpy.Event, Any, None]:
        call.queued = self.env.now
        queue_id = self.queue_ids.setdefault(call.queue, len(self.queue_ids) + 1)
        card = CallCard(
            call.id,
            queue_id,
            route_key(self.env.now, call.priority, self.plan.priority_step_seconds),
        )
        self.waiting[call.id] = card
        answered = self.env.event()
        self.signals[call.id] = answered
        agent = agent_for_call(card, self.free.values(), self.env.now)
        if agent is not None:
            self.waiting.pop(call.id, None)
            self._hand_over(agent.id, card)
        patience = self.plan.patience_seconds
        if patience is None:
            yield answered
            return
        gives_up = self.env.timeout(self.rng.expovariate(1 / patience))
        yield answered | gives_up
        if not answered.triggered:
            self.waiting.pop(call.id, None)
            call.outcome, call.ended = "abandoned", self.env.now

    # --- an agent -----------------------------------------------------------------------
    def _agent(self, agent: int) -> Generator[simpy.Event, Any, None]:
        """Take the best waiting call, or wait idle until a call is handed over."""
        while agent in self.on_duty:
            levels = {q: 1 for q in self.queue_ids.values()} or {1: 1}
            card = AgentCard(agent, self.env.now, levels)
            call_card = call_for_agent(card, self.waiting.values(), self.env.now)
            if call_card is None:
                self.free[agent] = card
                handed = self.env.event()
                self.wakeups[agent] = handed
                yield handed
                call_card = handed.value
            if call_card is not None:
                yield from self._serve(agent, call_card)

    def _hand_over(self, agent: int, card: CallCard | None) -> None:
        """Wake an idle agent with a call (or None: their shift is over)."""
        self.free.pop(agent, None)
        handed = self.wakeups.pop(agent, None)
        if handed is not None and not handed.triggered:
            handed.succeed(card)

    def _serve(self, agent: int, card: CallCard) -> Generator[simpy.Event, Any, None]:
        self.waiting.pop(card.id, None)
        call = self.calls[card.id]
        call.answered, call.agent = self.env.now, agent
        self.signals.pop(card.id).succeed()
        yield self.env.timeout(self.rng.expovariate(1 / self.plan.handle_seconds))
        call.ended, call.outcome = self.env.now, "completed"


def steady_day(
    *, agents: int, calls_per_half_hour: float, handle_seconds: float, hours: int, seed: int = 3
) -> DayPlan:
    """A flat day with no IVR and no abandonment: the case Erlang C describes."""
    return DayPlan(
        arrivals_per_half_hour=(calls_per_half_hour,) * (hours * 2),
        agents_per_half_hour=(agents,) * (hours * 2),
        handle_seconds=handle_seconds,
        patience_seconds=None,
        through_ivr=False,
        seed=seed,
    )


def simulate(plan: DayPlan, flow: Flow | None = None, day: datetime | None = None) -> DayResult:
    """Run one simulated day."""
    start = day or datetime(2026, 11, 23, tzinfo=UTC) - timedelta(hours=8)
    return CallCenter(plan, flow, start).run()


def staffed_for(
    arrivals: tuple[float, ...], *, handle_seconds: float, target: float = 0.8, within: float = 20
) -> tuple[int, ...]:
    """Agents per half hour that Erlang C says reach ``target`` answered ``within`` seconds."""
    needed = []
    for calls in arrivals:
        traffic = calls * handle_seconds / HALF_HOUR
        agents = max(1, int(traffic) + 1)
        while service_level(agents, traffic, handle_seconds, within) < target:
            agents += 1
        needed.append(agents)
    return tuple(needed)


def record(session: Session, result: DayResult, start: datetime) -> int:
    """Write the simulated calls as interactions (customers and agents drawn from the
    database, by tier where it can); returns how many were written."""
    queues = {q.code: q.id for q in session.scalars(select(Queue))}
    agents = list(session.scalars(select(Staff.id).where(Staff.role == Role.AGENT)))
    by_tier: dict[str, list[int]] = {}
    for customer_id, tier in session.execute(select(Customer.id, Customer.tier).limit(5000)):
        by_tier.setdefault(str(tier), []).append(customer_id)
    rng = random.Random(len(result.calls))
    at = lambda seconds: start + timedelta(seconds=seconds)  # noqa: E731
    for call in result.calls:
        anyone: list[int | None] = [c for ids in by_tier.values() for c in ids] or [None]
        pool: list[int | None] = list(by_tier.get(str(call.tier), [])) or anyone
        queued = call.queued is not None
        session.add(
            Interaction(
                channel=ContactChannel.VOICE if queued else ContactChannel.IVR,
                status=InteractionStatus.ENDED,
                end_reason=_END_REASONS.get(call.outcome, EndReason.FLOW_ENDED),
                channel_ref=f"sim:{start:%Y%m%d}:{call.id}",
                customer_id=rng.choice(pool),
                queue_id=queues.get(call.queue) if queued else None,
                agent_id=agents[call.agent % len(agents)] if call.agent and agents else None,
                priority=call.priority,
                offered_at=at(call.arrived),
                queued_at=at(call.queued) if queued else None,
                answered_at=at(call.answered) if call.answered is not None else None,
                ended_at=at(call.ended if call.ended is not None else call.arrived),
                wrap_up_code="solved.first" if call.outcome == "completed" else None,
            )
        )
    session.flush()
    return len(result.calls)


_END_REASONS = {
    "completed": EndReason.COMPLETED,
    "self_service": EndReason.SELF_SERVICE,
    "abandoned": EndReason.ABANDONED,
    "callback": EndReason.CALLBACK,
    "hung_up": EndReason.FLOW_ENDED,
}
