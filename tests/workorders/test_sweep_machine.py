"""Random walks of time and actions against the time-limit sweep, on the real database.

Hours pass in jumps, people act on the order, and the sweep runs, in any order, under
the shipped limits or limits the center set (short ones included). Whatever happens:
an order whose clock runs past its limit is caught by the next sweep; the sweep leaves
an order alone while its clock stands (waiting on the customer, replied, closed); it
warns at most once and escalates at most once a round of handling (a reopened order is
a new round), and keeps a record of every breach.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import time_machine
from fastapi.testclient import TestClient
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from test_lifecycle_machine import (
    ACTIONS,
    OrderLifecycle,
    Walkers,
    action_body,
    settings_for_walks,
    walkers,
)

from factories import bearer, make_org, make_staff
from kefu.core.rbac import Role
from kefu.workorders.enums import CLOCK_RUNNING_STATUSES, Action, OrderType
from kefu.workorders.models import Breach, OrderEvent, WorkOrder
from kefu.workorders.sweeper import sweep

MONDAY_MORNING = datetime(2026, 12, 7, 1, 30, tzinfo=UTC)  # 09:30 in Beijing

# Limits a center may set, short ones included, so that breaches come within a walk.
CENTER_POLICIES = st.fixed_dictionaries(
    {
        "first_response_minutes": st.sampled_from([15, 60]),
        "resolution_minutes": st.sampled_from([60, 8 * 60, 30 * 60, 100 * 60]),
        "working_time": st.booleans(),
        "warn_percent": st.sampled_from([50, 80, 95]),
        "outer_limit_days": st.sampled_from([None, 1, 3]),
    }
)


class SweptOrder(RuleBasedStateMachine):
    """One order, a clock that jumps forward, a supervisor acting, and the sweep."""

    def __init__(
        self, client: TestClient, db: Session, center: Walkers, admin: dict[str, str]
    ) -> None:
        super().__init__()
        self.client, self.db, self.center, self.admin = client, db, center, admin
        self.now = MONDAY_MORNING
        self.order: dict[str, Any] = {}

    def _at_now(self) -> time_machine.travel:
        return time_machine.travel(self.now, tick=False)

    def _row(self) -> WorkOrder:
        self.db.expire_all()
        row = self.db.get(WorkOrder, self.order["id"])
        assert row is not None
        return row

    @initialize(
        order_type=st.sampled_from([OrderType.COMPLAINT, OrderType.FAULT]),
        policy=st.none() | CENTER_POLICIES,
    )
    def open_order(self, order_type: OrderType, policy: dict[str, Any] | None) -> None:
        self._set_policy(order_type, policy)
        walker = OrderLifecycle(self.client, self.center)
        with self._at_now():
            walker.open_order(order_type)
        self.order = walker.order

    def _set_policy(self, order_type: OrderType, policy: dict[str, Any] | None) -> None:
        """The center's own limits for the type (None: the shipped ones), set as an admin
        would before the order comes in."""
        url = f"/api/v1/service-levels/time-limits/{order_type.value}/base"
        levels = self.client.get("/api/v1/service-levels", headers=self.admin).json()
        current = next(
            p
            for p in levels["time_limits"]
            if (p["order_type"], p["level"]) == (order_type.value, "base")
        )
        version = {"If-Match": f'"{current["version"]}"'} if current["version"] else {}
        if policy is None:
            if version:
                assert self.client.delete(url, headers=self.admin | version).status_code == 200
            return
        answer = self.client.put(url, json=policy, headers=self.admin | version)
        assert answer.status_code == 200, answer.text

    @rule(hours=st.sampled_from([1, 3, 8, 20, 50]))
    def time_passes(self, hours: int) -> None:
        self.now += timedelta(hours=hours)

    @rule(action=st.sampled_from(ACTIONS), outcome=st.sampled_from(["satisfied", "neutral"]))
    def someone_acts(self, action: Action, outcome: str) -> None:
        version = self._row().version
        with self._at_now():
            answer = self.client.post(
                f"/api/v1/work-orders/{self.order['id']}/{action.value}",
                json=action_body(action, outcome, self.center.team_id),
                headers=self.center.supervisor | {"If-Match": f'"{version}"'},
            )
        assert answer.status_code in (200, 409), answer.text

    @rule()
    def the_sweep_runs(self) -> None:
        before = self._row()
        running = before.status in CLOCK_RUNNING_STATUSES
        seen = (before.warned_at, before.breached_at, before.version)
        with self._at_now():
            sweep(self.db, now=self.now)  # every order of the database, earlier walks' too
            self.db.commit()
        after = self._row()
        if not running:  # a standing clock is left alone
            assert (after.warned_at, after.breached_at, after.version) == seen
        for earlier, now in zip(seen[:2], (after.warned_at, after.breached_at), strict=True):
            assert earlier is None or now == earlier, "warned once, breached once"
        assert self._sweep_escalations() <= after.handling_round, "escalated once a round"
        if running and after.resolve_due_at and self.now >= _aware(after.resolve_due_at):
            assert after.breached_at is not None, "a passed limit is caught"

    def _sweep_escalations(self) -> int:
        """This order's escalations by the sweep (no person acted)."""
        query = select(func.count()).where(
            OrderEvent.order_id == self.order["id"],
            OrderEvent.action == Action.ESCALATE,
            OrderEvent.actor_id.is_(None),
        )
        return int(self.db.scalar(query) or 0)

    def _breached_rounds(self) -> list[int]:
        query = select(Breach.handling_round).where(Breach.order_id == self.order["id"])
        return sorted(self.db.scalars(query))

    @invariant()
    def escalated_by_the_sweep_only_once_breached(self) -> None:
        if self.order:
            row = self._row()
            rounds = self._breached_rounds()
            # Each breach is on record, in a round of its own; the current round's is the
            # order's breach, if any.
            assert len(set(rounds)) == len(rounds) and all(r <= row.handling_round for r in rounds)
            assert (row.breached_at is not None) == (row.handling_round in rounds)
            assert self._sweep_escalations() <= len(rounds)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def test_random_walks_of_time_keep_the_sweep_honest(client: TestClient, db: Session) -> None:
    org = make_org(db)
    center = walkers(db, org, org.hq, org.city)
    admin = bearer(db, make_staff(db, org.hq, Role.ADMIN))
    run_state_machine_as_test(
        lambda: SweptOrder(client, db, center, admin), settings=settings_for_walks(max_examples=30)
    )
