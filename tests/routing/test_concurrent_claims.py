"""Several workers routing at once never give one agent two calls nor one call two
agents: on PostgreSQL the claims use FOR UPDATE SKIP LOCKED, on SQLite writers take
turns. Runs on a committed database of its own, with real concurrent connections."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from conftest import own_database
from factories import make_org, make_staff
from kefu.contact.enums import ContactChannel, InteractionStatus
from kefu.contact.models import Interaction
from kefu.contact.service import open_interaction
from kefu.core.db import make_sessionmaker, unit_of_work
from kefu.routing import acd
from kefu.routing.defaults import ensure_default_queues
from kefu.routing.enums import AgentState
from kefu.routing.models import Agent

AGENTS, CALLS = 6, 16


@pytest.fixture(params=["sqlite", "postgresql"])
def own_factory(request, tmp_path):
    with own_database(request, tmp_path, "claims", pool_size=12) as engine:
        yield make_sessionmaker(engine)


def test_concurrent_calls_and_ready_clicks_pair_each_agent_once(own_factory) -> None:
    with unit_of_work(own_factory, write=True) as session:
        ensure_default_queues(session)
        org = make_org(session)
        people = [make_staff(session, org.city).id for _ in range(AGENTS)]

    def arrive(_n: int) -> None:
        with unit_of_work(own_factory, write=True) as session:
            call = open_interaction(
                session,
                channel=ContactChannel.IVR,
                status=InteractionStatus.IVR,
                address="",
                customer_id=None,
            )
            acd.enqueue(session, interaction=call, queue_code="general", priority=0)

    def ready(staff_id: int) -> None:
        with unit_of_work(own_factory, write=True) as session:
            acd.set_state(session, staff_id=staff_id, state=AgentState.READY)

    with ThreadPoolExecutor(max_workers=8) as pool:
        jobs = [pool.submit(arrive, n) for n in range(CALLS // 2)]
        jobs += [pool.submit(ready, staff_id) for staff_id in people]
        jobs += [pool.submit(arrive, n) for n in range(CALLS // 2)]
        for job in jobs:
            job.result()

    # a call and a ready click committing at the same instant miss each other (neither
    # sees the other's uncommitted row); the ACD clock pairs them on its next pass
    with unit_of_work(own_factory, write=True) as session:
        acd.tick(session)
    with unit_of_work(own_factory) as session:
        agents = list(session.scalars(select(Agent)))
        offered = list(
            session.scalars(
                select(Interaction).where(Interaction.status == InteractionStatus.RINGING)
            )
        )
    assert all(a.state == AgentState.RINGING for a in agents)  # nobody left idle with calls waiting
    held = Counter(a.interaction_id for a in agents)
    assert len(held) == AGENTS and max(held.values()) == 1
    assert {c.id for c in offered} == set(held) and {c.agent_id for c in offered} == set(people)
