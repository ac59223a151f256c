"""The routing rules on plain values: which call an agent takes next, which agent a call
goes to. The database ACD (``acd.py``) asks the same questions in SQL; a property test
holds the two to the same answers, and the simulator routes with these functions.

- A call's place is its ``route_key``: the time it joined the queue, moved earlier by
  ``priority × step`` seconds. Higher tiers go first, yet a caller is never passed by
  anyone who joined more than the top priority's head start after them (aging).
- A big customer's call waits for their own account manager until ``dedicated_until``;
  only then may other agents take it.
- Among free agents the longest idle with the queue's skills goes first; a higher skill
  level breaks a tie.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


def route_key(queued_at: float, priority: int, step_seconds: int) -> float:
    """A waiting call's place in line (smaller goes first), in epoch seconds."""
    return queued_at - priority * step_seconds


@dataclass
class CallCard:
    """What routing needs to know of a waiting call."""

    id: int
    queue_id: int
    route_key: float
    dedicated_agent_id: int | None = None
    dedicated_until: float | None = None
    offered_to: int | None = None

    def held(self, now: float) -> bool:
        """Still inside the dedicated agent's window."""
        return self.dedicated_until is not None and now < self.dedicated_until

    def reserved_for_other(self, agent_id: int, now: float) -> bool:
        """Held for another agent's dedicated window."""
        return self.held(now) and self.dedicated_agent_id != agent_id


@dataclass
class AgentCard:
    """What routing needs to know of a ready agent: since when idle, and the level with
    which they serve each queue they may take."""

    id: int
    idle_since: float
    levels: dict[int, int] = field(default_factory=dict)


def call_for_agent(agent: AgentCard, waiting: Iterable[CallCard], now: float) -> CallCard | None:
    """The call a newly free agent takes: one held for them first, else the queue head."""
    best: tuple[bool, float, int] | None = None
    chosen = None
    for call in waiting:
        if call.offered_to is not None or call.reserved_for_other(agent.id, now):
            continue
        mine = call.dedicated_agent_id == agent.id
        if not mine and call.queue_id not in agent.levels:
            continue
        key = (not mine, call.route_key, call.id)
        if best is None or key < best:
            best, chosen = key, call
    return chosen


def agent_for_call(call: CallCard, ready: Iterable[AgentCard], now: float) -> AgentCard | None:
    """The agent a waiting call goes to: its dedicated agent while the window is open,
    else the longest-idle agent with the skills (higher level breaks a tie)."""
    agents = list(ready)
    if call.held(now):
        return next((a for a in agents if a.id == call.dedicated_agent_id), None)
    able = [a for a in agents if call.queue_id in a.levels]
    if not able:
        return None
    return min(able, key=lambda a: (a.idle_since, -a.levels[call.queue_id], a.id))
