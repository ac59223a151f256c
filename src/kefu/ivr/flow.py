"""Read a flow from YAML and check it: every problem names its line.

Checked: the document's shape, each node's keys and values, targets that are no node,
nodes no call can reach from ``start``, and loops with no exit (nodes from which no
transfer or hang-up can be reached). All problems are reported at once.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from kefu.customers.enums import Brand, Tier
from kefu.ivr.graph import Problem, graph_problems
from kefu.ivr.nodes import Case, Flow, Node, NodeKind, Prompt, Target
from kefu.ivr.source import LineMap, SourceError, load

NODE_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")
VARIABLE = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
DIGITS = frozenset("0123456789*#")
TIME_RANGE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d$")
PROMPT_KEYS = frozenset({"zh", "en", "file", "tier"})
CONDITION_TESTS = frozenset(
    {"tier", "brand", "language", "time", "holiday", "enterprise", "known", "var"}
)
LANGUAGES = frozenset({"zh-CN", "en"})
TOP_KEYS = frozenset({"code", "name", "numbers", "start", "nodes"})

# keys each kind accepts (beyond "kind"); the required ones come first in REQUIRED
KIND_KEYS: dict[NodeKind, frozenset[str]] = {
    NodeKind.SAY: frozenset({"prompt", "next"}),
    NodeKind.MENU: frozenset({"prompt", "options", "timeout", "retries", "invalid", "on_fail"}),
    NodeKind.COLLECT: frozenset(
        {
            "prompt",
            "var",
            "min_digits",
            "max_digits",
            "timeout",
            "retries",
            "invalid",
            "next",
            "on_fail",
        }
    ),
    NodeKind.CONDITION: frozenset({"cases", "else"}),
    NodeKind.ACTION: frozenset({"action", "args", "ok", "fail"}),
    NodeKind.SET: frozenset({"vars", "next"}),
    NodeKind.QUEUE: frozenset({"prompt", "queue", "priority", "reason"}),
    NodeKind.CALLBACK: frozenset({"prompt", "queue", "accept", "decline", "timeout"}),
    NodeKind.HANGUP: frozenset({"prompt"}),
}
REQUIRED: dict[NodeKind, tuple[str, ...]] = {
    NodeKind.SAY: ("prompt", "next"),
    NodeKind.MENU: ("prompt", "options", "on_fail"),
    NodeKind.COLLECT: ("prompt", "var", "max_digits", "next", "on_fail"),
    NodeKind.CONDITION: ("cases", "else"),
    NodeKind.ACTION: ("action", "ok", "fail"),
    NodeKind.SET: ("vars", "next"),
    NodeKind.QUEUE: ("queue",),
    NodeKind.CALLBACK: ("prompt", "queue", "accept", "decline"),
    NodeKind.HANGUP: (),
}
TARGET_KEYS = ("next", "on_fail", "else", "ok", "fail", "accept", "decline")


class FlowInvalid(Exception):
    """The flow cannot be used; ``problems`` says every reason, by line."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = sorted(problems, key=lambda p: p.line)


def parse(text: str, *, actions: frozenset[str]) -> Flow:
    """A checked flow from YAML text, or ``FlowInvalid`` listing every problem."""
    try:
        document = load(text)
    except SourceError as error:
        raise FlowInvalid([Problem(error.line, "ivr_yaml", {"detail": error.message})]) from None
    reader = _Reader(actions)
    flow = reader.flow(document)
    if flow is not None:
        reader.problems += graph_problems(flow)
    if reader.problems or flow is None:
        raise FlowInvalid(reader.problems)
    return flow


class _Reader:
    """Builds nodes from the document, collecting problems instead of stopping at one."""

    def __init__(self, actions: frozenset[str]) -> None:
        self.actions = actions
        self.problems: list[Problem] = []

    def problem(self, line: int, code: str, **params: Any) -> None:
        self.problems.append(Problem(line, code, params))

    def flow(self, doc: LineMap) -> Flow | None:
        for key in doc.keys() - TOP_KEYS:
            self.problem(doc.line_of(key), "ivr_unknown_key", node="-", key=key)
        nodes_map = doc.get("nodes")
        if not isinstance(nodes_map, LineMap) or not nodes_map:
            self.problem(doc.line_of("nodes"), "ivr_missing_key", node="-", key="nodes")
            return None
        nodes = {}
        for node_id, body in nodes_map.items():
            node = self.node(node_id, body, nodes_map.line_of(node_id))
            if node is not None:
                nodes[node_id] = node
        start = doc.get("start")
        if not isinstance(start, str) or start not in nodes_map:
            self.problem(doc.line_of("start"), "ivr_start_missing", start=start or "-")
            return None
        numbers = doc.get("numbers", [])
        return Flow(
            code=str(doc.get("code", "")),
            name=str(doc.get("name", "")),
            start=start,
            nodes=nodes,
            numbers=tuple(str(n) for n in numbers) if isinstance(numbers, list) else (),
        )

    def node(self, node_id: str, body: Any, line: int) -> Node | None:
        if not NODE_ID.match(node_id):
            self.problem(line, "ivr_bad_value", node=node_id, key="id", detail="A-Z a-z 0-9 _")
        if not isinstance(body, LineMap):
            self.problem(line, "ivr_missing_key", node=node_id, key="kind")
            return None
        try:
            kind = NodeKind(str(body.get("kind")))
        except ValueError:
            self.problem(
                body.line_of("kind"), "ivr_unknown_kind", node=node_id, kind=body.get("kind")
            )
            return None
        missing = [k for k in REQUIRED[kind] if k not in body]
        for key in missing:
            self.problem(line, "ivr_missing_key", node=node_id, key=key)
        for key in body.keys() - KIND_KEYS[kind] - {"kind"}:
            self.problem(body.line_of(key), "ivr_unknown_key", node=node_id, key=key)
        if missing:
            return None
        return Node(id=node_id, kind=kind, line=line, **self.settings(node_id, kind, body))

    def settings(self, node_id: str, kind: NodeKind, body: LineMap) -> dict[str, Any]:
        targets = list(self.targets(node_id, body))
        values: dict[str, Any] = {}
        for key, read in _SETTINGS.items():
            if key in body:
                found = read(self, node_id, kind, body)
                targets += found.pop("extra_targets", ())
                values.update(found)
        values["targets"] = tuple(targets)
        return values

    def targets(self, node_id: str, body: LineMap) -> tuple[Target, ...]:
        found = []
        for key in TARGET_KEYS:
            if key in body:
                value = body[key]
                if isinstance(value, str):
                    found.append(Target(value, body.line_of(key), key))
                else:
                    self.problem(
                        body.line_of(key), "ivr_bad_value", node=node_id, key=key, detail="node id"
                    )
        return tuple(found)

    def prompt(self, node_id: str, value: Any, line: int, key: str = "prompt") -> Prompt | None:
        if isinstance(value, str):
            return Prompt(texts={"zh": value})
        if not isinstance(value, LineMap):
            self.problem(line, "ivr_bad_value", node=node_id, key=key, detail="text or zh/en/file")
            return None
        for extra in value.keys() - PROMPT_KEYS:
            self.problem(
                value.line_of(extra), "ivr_unknown_key", node=node_id, key=f"{key}.{extra}"
            )
        tiers = value.get("tier", {})
        by_tier: dict[str, Prompt] = {}
        if isinstance(tiers, LineMap):
            for tier, variant in tiers.items():
                if tier not in Tier.__members__.values():
                    self.problem(
                        tiers.line_of(tier),
                        "ivr_bad_value",
                        node=node_id,
                        key=f"{key}.tier",
                        detail=", ".join(Tier),
                    )
                found = self.prompt(node_id, variant, tiers.line_of(tier), f"{key}.tier.{tier}")
                if found is not None:
                    by_tier[tier] = found
        texts = {lang: str(value[lang]) for lang in ("zh", "en") if lang in value}
        if not texts and not value.get("file"):
            self.problem(
                value.line, "ivr_bad_value", node=node_id, key=key, detail="zh, en or file"
            )
        return Prompt(texts=texts, file=str(value.get("file", "")), by_tier=by_tier)

    def number(self, node_id: str, body: LineMap, key: str, low: int, high: int) -> int:
        value = body[key]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.problem(
                body.line_of(key), "ivr_bad_value", node=node_id, key=key, detail=f"{low}–{high}"
            )
            return low
        return value

    def variable(self, node_id: str, body: LineMap, key: str, name: Any) -> str:
        if not isinstance(name, str) or not VARIABLE.match(name):
            self.problem(
                body.line_of(key), "ivr_bad_value", node=node_id, key=key, detail="a-z 0-9 _"
            )
            return ""
        return name


def _prompt(reader: _Reader, node_id: str, kind: NodeKind, body: LineMap) -> dict[str, Any]:
    return {"prompt": reader.prompt(node_id, body["prompt"], body.line_of("prompt"))}


def _invalid(reader: _Reader, node_id: str, kind: NodeKind, body: LineMap) -> dict[str, Any]:
    return {"invalid": reader.prompt(node_id, body["invalid"], body.line_of("invalid"), "invalid")}


def _options(reader: _Reader, node_id: str, kind: NodeKind, body: LineMap) -> dict[str, Any]:
    options = body["options"]
    if not isinstance(options, LineMap) or not options:
        reader.problem(
            body.line_of("options"),
            "ivr_bad_value",
            node=node_id,
            key="options",
            detail="key: node",
        )
        return {}
    found: dict[str, str] = {}
    targets = []
    for digit, goto in options.items():
        line = options.line_of(digit)
        if len(digit) != 1 or digit not in DIGITS:
            reader.problem(
                line, "ivr_bad_value", node=node_id, key=f"options.{digit}", detail="0–9 * #"
            )
        if not isinstance(goto, str):
            reader.problem(
                line, "ivr_bad_value", node=node_id, key=f"options.{digit}", detail="node id"
            )
            continue
        found[digit] = goto
        targets.append(Target(goto, line, f"options.{digit}"))
    return {"options": found, "extra_targets": tuple(targets)}


def _timeout(reader: _Reader, node_id: str, kind: NodeKind, body: LineMap) -> dict[str, Any]:
    return {"timeout_seconds": reader.number(node_id, body, "timeout", 1, 60)}


def _retries(reader: _Reader, node_id: str, kind: NodeKind, body: LineMap) -> dict[str, Any]:
    return {"retries": reader.number(node_id, body, "retries", 0, 9)}


def _var(reader: _Reader, node_id: str, kind: NodeKind, body: LineMap) -> dict[str, Any]:
    return {"variable": reader.variable(node_id, body, "var", body["var"])}


def _min_digits(reader: _Reader, node_id: str, kind: NodeKind, body: LineMap) -> dict[str, Any]:
    return {"min_digits": reader.number(node_id, body, "min_digits", 1, 32)}


def _max_digits(reader: _Reader, node_id: str, kind: NodeKind, body: LineMap) -> dict[str, Any]:
    return {"max_digits": reader.number(node_id, body, "max_digits", 1, 32)}


def _cases(reader: _Reader, node_id: str, kind: NodeKind, body: LineMap) -> dict[str, Any]:
    raw = body["cases"]
    if not isinstance(raw, list) or not raw:
        reader.problem(
            body.line_of("cases"),
            "ivr_bad_value",
            node=node_id,
            key="cases",
            detail="a list of if/goto",
        )
        return {}
    cases, targets = [], []
    for item in raw:
        case = _case(reader, node_id, item, body.line_of("cases"))
        if case is not None:
            cases.append(case)
            targets.append(Target(case.goto, case.line, "cases.goto"))
    return {"cases": tuple(cases), "extra_targets": tuple(targets)}


def _case(reader: _Reader, node_id: str, item: Any, line: int) -> Case | None:
    if (
        not isinstance(item, LineMap)
        or set(item) != {"if", "goto"}
        or not isinstance(item["if"], LineMap)
    ):
        reader.problem(
            getattr(item, "line", line),
            "ivr_bad_value",
            node=node_id,
            key="cases",
            detail="if: {…}, goto: node",
        )
        return None
    tests = item["if"]
    for name, value in tests.items():
        if not _test_ok(name, value):
            reader.problem(tests.line_of(name), "ivr_bad_condition", node=node_id, test=name)
    if not isinstance(item["goto"], str):
        reader.problem(
            item.line_of("goto"), "ivr_bad_value", node=node_id, key="goto", detail="node id"
        )
        return None
    return Case(tests=dict(tests), goto=item["goto"], line=item.line_of("goto"))


def _listed(value: Any, allowed: frozenset[str] | None) -> bool:
    items = value if isinstance(value, list) else [value]
    return bool(items) and all(
        isinstance(i, str) and (allowed is None or i in allowed) for i in items
    )


def _test_ok(name: str, value: Any) -> bool:
    if name == "tier":
        return _listed(value, frozenset(Tier))
    if name == "brand":
        return _listed(value, frozenset(Brand))
    if name == "language":
        return _listed(value, LANGUAGES)
    if name == "time":
        return isinstance(value, str) and bool(TIME_RANGE.match(value))
    if name in {"holiday", "enterprise", "known"}:
        return isinstance(value, bool)
    if name == "var":
        return isinstance(value, LineMap) and all(VARIABLE.match(k) for k in value)
    return False


def _action(reader: _Reader, node_id: str, kind: NodeKind, body: LineMap) -> dict[str, Any]:
    name = body["action"]
    if name not in reader.actions:
        reader.problem(
            body.line_of("action"),
            "ivr_unknown_action",
            node=node_id,
            action=name,
            known=", ".join(sorted(reader.actions)),
        )
    return {"action": str(name)}


def _args(reader: _Reader, node_id: str, kind: NodeKind, body: LineMap) -> dict[str, Any]:
    return {"args": _string_map(reader, node_id, body, "args")}


def _vars(reader: _Reader, node_id: str, kind: NodeKind, body: LineMap) -> dict[str, Any]:
    return {"values": _string_map(reader, node_id, body, "vars")}


def _string_map(reader: _Reader, node_id: str, body: LineMap, key: str) -> dict[str, str]:
    raw = body[key]
    if not isinstance(raw, LineMap):
        reader.problem(
            body.line_of(key), "ivr_bad_value", node=node_id, key=key, detail="name: value"
        )
        return {}
    for name in raw:
        reader.variable(node_id, raw, name, name)
    return {name: "" if value is None else str(value) for name, value in raw.items()}


def _queue(reader: _Reader, node_id: str, kind: NodeKind, body: LineMap) -> dict[str, Any]:
    return {"queue": str(body["queue"])}


def _priority(reader: _Reader, node_id: str, kind: NodeKind, body: LineMap) -> dict[str, Any]:
    return {"priority": reader.number(node_id, body, "priority", -9, 9)}


def _reason(reader: _Reader, node_id: str, kind: NodeKind, body: LineMap) -> dict[str, Any]:
    return {"reason": str(body["reason"])[:64]}


_SETTINGS: dict[str, Callable[[_Reader, str, NodeKind, LineMap], dict[str, Any]]] = {
    "prompt": _prompt,
    "invalid": _invalid,
    "options": _options,
    "timeout": _timeout,
    "retries": _retries,
    "var": _var,
    "min_digits": _min_digits,
    "max_digits": _max_digits,
    "cases": _cases,
    "action": _action,
    "args": _args,
    "vars": _vars,
    "queue": _queue,
    "priority": _priority,
    "reason": _reason,
}
