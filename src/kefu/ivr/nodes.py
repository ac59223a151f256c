"""The parts of a flow: prompts and the nine node kinds, as read from YAML.

Every node knows its line in the source and the nodes it can go to, so the checks in
``flow.py`` can name the line of any problem.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class NodeKind(StrEnum):
    """Why: each kind is one thing an IVR does; the engine has one rule per kind."""

    SAY = "say"  # play or speak a prompt, go on
    MENU = "menu"  # one DTMF key picks the next node
    COLLECT = "collect"  # several digits into a variable
    CONDITION = "condition"  # branch on tier, brand, language, time, holiday, enterprise
    ACTION = "action"  # a self-service action (balance, package, order status …)
    SET = "set"  # set variables
    QUEUE = "queue"  # transfer to an agent queue (ends the flow)
    CALLBACK = "callback"  # offer a call back instead of waiting
    HANGUP = "hangup"  # say goodbye and end the call (ends the flow)


TERMINAL_KINDS = frozenset({NodeKind.QUEUE, NodeKind.HANGUP})
INPUT_KINDS = frozenset({NodeKind.MENU, NodeKind.COLLECT, NodeKind.CALLBACK})


@dataclass(frozen=True)
class Prompt:
    """What the caller hears: text per language (for TTS and the webhook), a sound file
    name for the PBX, and variants per customer tier (greetings and menus by value)."""

    texts: Mapping[str, str]  # "zh", "en"
    file: str = ""
    by_tier: Mapping[str, Prompt] = field(default_factory=dict)

    def pick(self, tier: str | None) -> Prompt:
        """The tier's own variant, else this prompt."""
        return self.by_tier.get(tier or "", self)


@dataclass(frozen=True)
class Target:
    """A reference to another node, with the line it is written on."""

    node: str
    line: int
    label: str  # which key holds it: next, options.1, ok, else …


@dataclass(frozen=True)
class Node:
    """One step of a flow. Kind-specific settings live in the fields below; the parser
    fills only those its kind uses."""

    id: str
    kind: NodeKind
    line: int
    prompt: Prompt | None = None
    targets: tuple[Target, ...] = ()
    # menu / collect / callback
    options: Mapping[str, str] = field(default_factory=dict)  # digit → node
    timeout_seconds: int = 5
    retries: int = 2
    invalid: Prompt | None = None
    variable: str = ""
    min_digits: int = 1
    max_digits: int = 1
    # condition
    cases: tuple[Case, ...] = ()
    # action
    action: str = ""
    args: Mapping[str, str] = field(default_factory=dict)
    # set
    values: Mapping[str, str] = field(default_factory=dict)
    # queue
    queue: str = ""
    priority: int = 0
    reason: str = ""

    def target(self, label: str) -> str | None:
        """The node the key ``label`` points to (next, ok, fail, else, on_fail …)."""
        return next((t.node for t in self.targets if t.label == label), None)


@dataclass(frozen=True)
class Case:
    """One branch of a condition: every test must hold."""

    tests: Mapping[str, object]
    goto: str
    line: int


@dataclass(frozen=True)
class Flow:
    """A checked flow, ready to run."""

    code: str
    name: str
    start: str
    nodes: Mapping[str, Node]
    numbers: tuple[str, ...] = ()

    def node(self, node_id: str) -> Node:
        """The node by id (checked flows hold every target)."""
        return self.nodes[node_id]
