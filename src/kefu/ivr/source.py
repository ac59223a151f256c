"""YAML read with line numbers, so a flow's problems can name the line to fix.

PyYAML's composer keeps each node's position; mappings become ``LineMap`` (a dict that
also knows the line of each key) and everything else becomes plain Python values. Only
the safe YAML types are built, and a key written twice is an error, not a silent
overwrite.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

MAX_SOURCE_BYTES = 256 * 1024


class LineMap(dict[str, Any]):
    """A YAML mapping with the (1-based) line of the mapping and of each of its keys."""

    line: int
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        """The line where ``key`` is written, else the mapping's own line."""
        return self.key_lines.get(key, self.line)


@dataclass(frozen=True)
class SourceError(Exception):
    """The text is not YAML we can read, at ``line``."""

    line: int
    message: str


MAX_VALUES = 20_000  # aliases can repeat a subtree: cap what one document may expand to


class _Builder:
    """Turns composed nodes into values, counting them so alias bombs stop early."""

    def __init__(self) -> None:
        self.built = 0
        self.constructor = SafeConstructor()

    def build(self, node: Node) -> Any:
        self.built += 1
        if self.built > MAX_VALUES:
            raise SourceError(node.start_mark.line + 1, "the flow expands to too many values")
        if isinstance(node, MappingNode):
            return self.mapping(node)
        if isinstance(node, SequenceNode):
            return [self.build(item) for item in node.value]
        assert isinstance(node, ScalarNode)
        return self.constructor.construct_object(node, deep=True)

    def mapping(self, node: MappingNode) -> LineMap:
        result = LineMap()
        result.line = node.start_mark.line + 1
        result.key_lines = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            key = self.build(key_node)
            if not isinstance(key, str | int) or isinstance(key, bool):
                raise SourceError(line, f"a key must be a name: {key!r}")
            key = str(key)
            if key in result:
                raise SourceError(line, f"'{key}' is written twice")
            result[key] = self.build(value_node)
            result.key_lines[key] = line
        return result


def load(text: str) -> LineMap:
    """Read a flow document; ``SourceError`` names the line of the first problem."""
    if len(text.encode()) > MAX_SOURCE_BYTES:
        raise SourceError(1, f"the flow is over {MAX_SOURCE_BYTES // 1024} KiB")
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as problem:
        mark = problem.problem_mark or problem.context_mark
        line = mark.line + 1 if mark else 1
        raise SourceError(line, str(problem.problem or problem.context or "bad YAML")) from None
    except yaml.YAMLError as problem:
        raise SourceError(1, str(problem)) from None
    if root is None or not isinstance(root, MappingNode):
        raise SourceError(1, "a flow is a mapping with 'start' and 'nodes'")
    try:
        return _Builder().mapping(root)
    except yaml.YAMLError as problem:
        raise SourceError(1, str(problem)) from None
