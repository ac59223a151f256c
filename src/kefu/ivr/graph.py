"""Checks on a flow's graph: targets that are no node, nodes no call reaches, loops with
no exit and loops the caller cannot leave by pressing a key."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kefu.ivr.nodes import INPUT_KINDS, TERMINAL_KINDS, Flow


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a flow: a message code with its parameters, at a line."""

    line: int
    code: str
    params: dict[str, Any] = field(default_factory=dict)


def graph_problems(flow: Flow) -> list[Problem]:
    """Targets that are no node, nodes no call reaches, and loops with no way out."""
    problems = [
        Problem(t.line, "ivr_unknown_target", {"node": node.id, "target": t.node})
        for node in flow.nodes.values()
        for t in node.targets
        if t.node not in flow.nodes
    ]
    reached = _reachable(flow, [flow.start], forward=True)
    exits = _reachable(
        flow, [n.id for n in flow.nodes.values() if n.kind in TERMINAL_KINDS], forward=False
    )
    for node in flow.nodes.values():
        if node.id not in reached:
            problems.append(Problem(node.line, "ivr_unreachable", {"node": node.id}))
        elif node.id not in exits:
            problems.append(Problem(node.line, "ivr_no_exit", {"node": node.id}))
    problems += [
        Problem(flow.nodes[n].line, "ivr_loop_without_input", {"node": n})
        for n in _silent_loops(flow)
    ]
    return problems


def _silent_loops(flow: Flow) -> list[str]:
    """One node of each loop the caller could not leave by pressing a key (no menu,
    collect or callback on it): the call would spin without end."""
    edges = {
        node.id: [
            t.node
            for t in node.targets
            if t.node in flow.nodes and flow.nodes[t.node].kind not in INPUT_KINDS
        ]
        for node in flow.nodes.values()
        if node.kind not in INPUT_KINDS
    }
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    found: list[str] = []
    for root in edges:
        stack = [(root, iter(edges[root]))]
        if state.get(root):
            continue
        state[root] = 1
        while stack:
            node_id, followers = stack[-1]
            follower = next(followers, None)
            if follower is None:
                state[node_id] = 2
                stack.pop()
            elif state.get(follower) == 1:
                found.append(follower)
            elif not state.get(follower):
                state[follower] = 1
                stack.append((follower, iter(edges[follower])))
    return sorted(set(found))


def _reachable(flow: Flow, roots: list[str], *, forward: bool) -> set[str]:
    """Nodes reachable from ``roots`` along targets (or against them)."""
    edges: dict[str, set[str]] = {node_id: set() for node_id in flow.nodes}
    for node in flow.nodes.values():
        for t in node.targets:
            if t.node in flow.nodes:
                source, dest = (node.id, t.node) if forward else (t.node, node.id)
                edges[source].add(dest)
    seen = set(r for r in roots if r in flow.nodes)
    todo = list(seen)
    while todo:
        for follower in edges[todo.pop()] - seen:
            seen.add(follower)
            todo.append(follower)
    return seen


def flow_graph(flow: Flow) -> dict[str, Any]:
    """Nodes and labelled edges, for drawing the flow."""
    return {
        "start": flow.start,
        "nodes": [{"id": n.id, "kind": str(n.kind), "line": n.line} for n in flow.nodes.values()],
        "edges": [
            {"from": n.id, "to": t.node, "label": t.label}
            for n in flow.nodes.values()
            for t in n.targets
        ],
    }
