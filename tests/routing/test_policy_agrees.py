"""The database ACD and the plain-value policy (which the simulator routes with) make the
same choice on any state Hypothesis draws: which call a free agent takes, and which
agent a new call goes to."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from factories import make_org, make_staff
from kefu.contact.enums import ContactChannel, InteractionStatus
from kefu.contact.service import open_interaction
from kefu.routing import acd, policy
from kefu.routing.defaults import ensure_default_queues
from kefu.routing.enums import AgentState
from kefu.routing.models import Agent, AgentQueue, Queue, WaitingCall

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
AGENTS = 5

agent_st = st.fixed_dictionaries(
    {
        "idle": st.integers(0, 5),  # seconds before now; ties are likely
        "levels": st.dictionaries(st.integers(0, 3), st.integers(0, 3), max_size=4),
        "ready": st.booleans(),
    }
)
call_st = st.fixed_dictionaries(
    {
        "queue": st.integers(0, 3),
        "priority": st.integers(0, 6),
        "queued": st.integers(0, 400),  # seconds before now
        "dedicated": st.one_of(st.none(), st.integers(0, AGENTS - 1)),
        "window": st.integers(-10, 10),  # dedicated window end, seconds from now
        "offered": st.booleans(),
    }
)


@pytest.fixture
def staff(db: Session) -> tuple[list[int], list[int]]:
    ensure_default_queues(db)
    org = make_org(db)
    people = [make_staff(db, org.city).id for _ in range(AGENTS)]
    queues = list(db.scalars(select(Queue.id).order_by(Queue.id)))
    db.flush()
    return people, queues


def _arrange(db: Session, people, queues, agents, calls) -> tuple[list, list]:
    cards, waiting = [], []
    for staff_id, drawn in zip(people, agents, strict=False):
        idle = NOW - timedelta(seconds=drawn["idle"])
        state = AgentState.READY if drawn["ready"] else AgentState.TALKING
        db.add(Agent(staff_id=staff_id, state=state, state_since=idle, idle_since=idle))
        db.flush()
        levels = {queues[q]: level for q, level in drawn["levels"].items()}
        db.add_all(AgentQueue(staff_id=staff_id, queue_id=q, level=lv) for q, lv in levels.items())
        if drawn["ready"]:
            cards.append(policy.AgentCard(staff_id, idle.timestamp(), levels))
    for drawn in calls:
        interaction = open_interaction(
            db,
            channel=ContactChannel.VOICE,
            status=InteractionStatus.QUEUED,
            address="",
            customer_id=None,
        )
        queued = NOW - timedelta(seconds=drawn["queued"])
        dedicated = people[drawn["dedicated"]] if drawn["dedicated"] is not None else None
        until = NOW + timedelta(seconds=drawn["window"]) if dedicated else None
        row = WaitingCall(
            interaction_id=interaction.id,
            queue_id=queues[drawn["queue"]],
            route_key=policy.route_key(queued.timestamp(), drawn["priority"], 30),
            priority=drawn["priority"],
            queued_at=queued,
            dedicated_agent_id=dedicated,
            dedicated_until=until,
            offered_to=people[0] if drawn["offered"] else None,
        )
        db.add(row)
        waiting.append(
            policy.CallCard(
                interaction.id,
                row.queue_id,
                row.route_key,
                dedicated,
                until.timestamp() if until else None,
                row.offered_to,
            )
        )
    db.flush()
    return cards, waiting


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    agents=st.lists(agent_st, min_size=AGENTS, max_size=AGENTS),
    calls=st.lists(call_st, max_size=8),
    chosen=st.integers(0, AGENTS - 1),
)
def test_the_database_and_the_policy_choose_alike(db, staff, agents, calls, chosen) -> None:
    people, queues = staff
    nested = db.begin_nested()
    try:
        cards, waiting = _arrange(db, people, queues, agents, calls)
        # a free agent's next call
        me = db.get(Agent, people[chosen])
        card = policy.AgentCard(
            me.staff_id,
            me.idle_since.timestamp(),
            {
                q: lv
                for q, lv in db.execute(
                    select(AgentQueue.queue_id, AgentQueue.level).where(
                        AgentQueue.staff_id == me.staff_id
                    )
                )
            },
        )
        expected = policy.call_for_agent(card, waiting, NOW.timestamp())
        got = acd._next_call_for(db, me, NOW)
        assert (got.interaction_id if got else None) == (expected.id if expected else None)
        # each waiting call's agent
        for call in waiting:
            if call.offered_to is not None:
                continue
            row = db.get(WaitingCall, call.id)
            expected_agent = policy.agent_for_call(call, cards, NOW.timestamp())
            got_agent = acd._free_agent_for(db, row, NOW)
            assert (got_agent.staff_id if got_agent else None) == (
                expected_agent.id if expected_agent else None
            )
    finally:
        nested.rollback()
