"""Flows in YAML: the shipped flow passes its checks; every problem names its line."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kefu.ivr.actions import ACTION_NAMES
from kefu.ivr.flow import FlowInvalid, parse
from kefu.ivr.flows import default_source
from kefu.ivr.nodes import NodeKind


def problems(text: str) -> list[tuple[int, str]]:
    with pytest.raises(FlowInvalid) as caught:
        parse(text, actions=ACTION_NAMES)
    return [(p.line, p.code) for p in caught.value.problems]


def test_the_shipped_hotline_flow_passes_and_has_every_kind() -> None:
    flow = parse(default_source(), actions=ACTION_NAMES)
    assert flow.numbers == ("10086",)
    assert {n.kind for n in flow.nodes.values()} == set(NodeKind)
    greet = flow.node("greet").prompt
    assert greet is not None and greet.pick("supreme").texts["zh"].startswith("尊敬的至尊卡")
    assert greet.pick("normal") is greet


SMALL = """\
start: menu
nodes:
  menu:
    kind: menu
    prompt: 请按键
    options:
      "1": bye
      "2": nowhere
    on_fail: bye
  bye:
    kind: hangup
  lost:
    kind: say
    prompt: 没人来
    next: bye
"""


def test_an_unknown_target_and_an_unreachable_node_name_their_lines() -> None:
    assert problems(SMALL) == [(8, "ivr_unknown_target"), (12, "ivr_unreachable")]


def test_a_loop_with_no_exit_is_found() -> None:
    text = """\
start: ask
nodes:
  ask:
    kind: menu
    prompt: 按1
    options: {"1": again}
    on_fail: ask
  again:
    kind: say
    prompt: 再来
    next: ask
"""
    assert problems(text) == [(3, "ivr_no_exit"), (8, "ivr_no_exit")]


def test_a_loop_that_never_waits_for_a_key_is_found() -> None:
    text = """\
start: check
nodes:
  check:
    kind: condition
    cases:
      - if: {holiday: true}
        goto: bye
    else: mark
  mark:
    kind: set
    vars: {seen: "1"}
    next: check
  bye:
    kind: hangup
"""
    assert {code for _, code in problems(text)} == {"ivr_loop_without_input"}


def test_keys_kinds_actions_and_conditions_are_checked() -> None:
    text = """\
start: a
nodes:
  a:
    kind: action
    action: steal_money
    ok: b
    fail: b
  b:
    kind: condition
    cases:
      - if: {tier: [platinum]}
        goto: c
    else: c
  c:
    kind: menu
    prompt: x
    options: {"12": d}
    on_fail: d
    colour: red
  d:
    kind: teleport
"""
    found = set(problems(text))
    assert {
        (5, "ivr_unknown_action"),
        (11, "ivr_bad_condition"),
        (17, "ivr_bad_value"),  # "12" is not one key
        (19, "ivr_unknown_key"),
        (21, "ivr_unknown_kind"),
        (17, "ivr_unknown_target"),  # d is no usable node
    } <= found


def test_broken_yaml_and_duplicate_keys_name_their_lines() -> None:
    assert problems("start: a\nnodes:\n  a: [\n") == [(4, "ivr_yaml")]
    assert problems("start: a\nstart: b\nnodes: {}\n") == [(2, "ivr_yaml")]


def test_an_alias_bomb_stops_early() -> None:
    rows = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    rows += [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]" for i in range(1, 12)]
    found = problems("\n".join(rows) + "\n")
    assert found and found[0][1] == "ivr_yaml"


@given(st.text(max_size=300))
def test_any_text_is_a_flow_or_a_list_of_problems(text: str) -> None:
    try:
        parse(text, actions=ACTION_NAMES)
    except FlowInvalid as invalid:
        assert invalid.problems and all(p.line >= 1 for p in invalid.problems)


@given(
    st.dictionaries(
        st.from_regex(r"[a-z]{1,6}", fullmatch=True),
        st.sampled_from(["say", "menu", "hangup", "queue", "set", "bogus"]),
        min_size=1,
        max_size=6,
    )
)
def test_generated_node_sets_never_crash_the_checks(kinds: dict[str, str]) -> None:
    ids = list(kinds)
    lines = [f"start: {ids[0]}", "nodes:"]
    for i, (node_id, kind) in enumerate(kinds.items()):
        follower = ids[(i + 1) % len(ids)]
        lines += [f"  {node_id}:", f"    kind: {kind}", "    prompt: 你好"]
        if kind in {"say", "set"}:
            lines.append(f"    next: {follower}")
        if kind == "menu":
            lines += [f'    options: {{"1": {follower}}}', f"    on_fail: {follower}"]
        if kind == "queue":
            lines.append("    queue: general")
    try:
        flow = parse("\n".join(lines) + "\n", actions=ACTION_NAMES)
    except FlowInvalid as invalid:
        assert all(p.line >= 1 for p in invalid.problems)
    else:
        assert flow.start == ids[0]
