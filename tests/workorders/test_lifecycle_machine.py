"""Random walks through an order's lifecycle over the API, on the real database.

The transition table has its own property test (test_repeats_and_categories); this one
checks what the server does with it: whatever people click, in whatever order, an
action the order offers is carried out and recorded, one it does not offer is refused
and changes nothing, and what the order says about itself (its clock, its visits, its
closing time) agrees with the state it is in.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import count, pairwise
from typing import Any

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy.orm import Session

from factories import (
    Categories,
    Org,
    bearer,
    make_categories,
    make_org,
    make_staff,
    make_team,
    make_unit,
)
from kefu.config import Settings
from kefu.core.rbac import Role
from kefu.org.enums import OrgLevel
from kefu.org.models import OrgUnit
from kefu.workorders.enums import CLOCK_RUNNING_STATUSES, Action, OrderType

# Every action a person can take from the console (closing with an incident is the
# incident's own, tested in test_incidents).
ACTIONS = [a for a in Action if a is not Action.INCIDENT_CLOSE]
TYPES = [OrderType.COMPLAINT, OrderType.CONSULTATION, OrderType.FAULT, OrderType.SUGGESTION]
# Refusals by a rule other than the state: escalating past the top of the org tree.
RULE_REFUSALS = {Action.ESCALATE: "cannot_escalate_top"}


@dataclass(frozen=True)
class Walkers:
    """The center a walk happens in."""

    org: Org
    cats: Categories
    team_id: int
    supervisor: dict[str, str]


def action_body(action: Action, outcome: str, team_id: int) -> dict[str, Any]:
    """What a person sends with an action: a team to send to, a reply, a visit's outcome
    or a reason."""
    if action in (Action.DISPATCH, Action.TRANSFER):
        return {"team_id": team_id}
    if action is Action.REPLY:
        return {"reply": "已为您处理，请重启手机后再试。"}
    if action is Action.VISIT:
        return {"outcome": outcome}
    if action in (Action.ESCALATE, Action.RETURN, Action.REOPEN, Action.CANCEL, Action.WAIT):
        return {"reason": f"测试：{action.value}"}
    return {}


def walkers(db: Session, org: Org, supervisor_unit: OrgUnit, team_unit: OrgUnit | None) -> Walkers:
    """A center to walk in: a supervisor of ``supervisor_unit`` acts, sending orders to a
    team of ``team_unit`` (none: each walk brings its own)."""
    return Walkers(
        org=org,
        cats=make_categories(db),
        team_id=make_team(db, team_unit).id if team_unit else 0,
        supervisor=bearer(db, make_staff(db, supervisor_unit, Role.SUPERVISOR)),
    )


class OrderLifecycle(RuleBasedStateMachine):
    """One order per run, driven by a supervisor (who holds every right an action needs)."""

    def __init__(self, client: TestClient, center: Walkers) -> None:
        super().__init__()
        self.client, self.center = client, center
        self.headers = center.supervisor
        self.order: dict[str, Any] = {}

    @initialize(order_type=st.sampled_from(TYPES))
    def open_order(self, order_type: OrderType) -> None:
        body = {
            "type": order_type.value,
            "category_id": self.center.cats.indoor.id,
            "contact_phone": "13800138000",
            "subject": "家中无信号",
            "org_unit_id": self.center.org.city.id,
        }
        answer = self.client.post("/api/v1/work-orders", json=body, headers=self.headers)
        assert answer.status_code == 201, answer.text
        self.order = answer.json()

    @rule(action=st.sampled_from(ACTIONS), outcome=st.sampled_from(["satisfied", "dissatisfied"]))
    def take(self, action: Action, outcome: str) -> None:
        before = self.order
        answer = self.client.post(
            f"/api/v1/work-orders/{before['id']}/{action.value}",
            json=action_body(action, outcome, self.center.team_id),
            headers=self.headers | {"If-Match": f'"{before["version"]}"'},
        )
        offered = action.value in before["allowed_actions"]
        if answer.status_code == 200:
            assert offered, f"{action} was carried out on a {before['status']} order"
            self.order = answer.json()
            self._check_step(before, self.order)
            return
        error = answer.json()["error"]
        assert error["message"]
        if offered:
            assert (answer.status_code, error["code"]) == (409, RULE_REFUSALS.get(action)), (
                answer.text
            )
        else:
            assert (answer.status_code, error["code"]) == (409, "action_not_allowed")
        self._check_unchanged(before)

    def _check_step(self, before: dict[str, Any], after: dict[str, Any]) -> None:
        assert after["version"] > before["version"]
        assert after["events"][: len(before["events"])] == before["events"]  # append-only
        moves = [e for e in after["events"][len(before["events"]) :] if e["kind"] == "transition"]
        assert moves, "a carried-out action leaves a transition on the timeline"
        assert moves[0]["from_status"] == before["status"]
        for earlier, later in pairwise(moves):
            assert later["from_status"] == earlier["to_status"]
        assert moves[-1]["to_status"] == after["status"]
        assert all(m["actor"] for m in moves)

    def _check_unchanged(self, before: dict[str, Any]) -> None:
        now = self.client.get(f"/api/v1/work-orders/{before['id']}", headers=self.headers).json()
        assert (now["version"], now["status"], now["events"]) == (
            before["version"],
            before["status"],
            before["events"],
        )

    @invariant()
    def the_order_agrees_with_its_state(self) -> None:
        if self.order:
            agrees_with_its_state(self.order)


def agrees_with_its_state(order: dict[str, Any]) -> None:
    """What an order says about itself matches the state it is in."""
    status = order["status"]
    assert order["clock_running"] == (status in CLOCK_RUNNING_STATUSES)
    assert (order["paused_at"] is not None) == (status == "waiting_customer")
    assert (order["closed_at"] is not None) == (status == "closed")
    if status in ("replied", "return_visit", "closed"):
        assert order["replied_at"] is not None and order["reply"]
    open_visits = [v for v in order["visits"] if v["done_at"] is None]
    assert len(open_visits) == (1 if status == "return_visit" else 0)
    if order["visits"]:
        assert order["type"] == OrderType.COMPLAINT  # only complaints are called back
    if status == "cancelled":
        assert order["allowed_actions"] == []  # cancelled is final


def test_random_walks_keep_the_lifecycle_honest(client: TestClient, db: Session) -> None:
    org = make_org(db)
    center = walkers(db, org, org.city, org.city)
    run_state_machine_as_test(
        lambda: OrderLifecycle(client, center),
        settings=settings_for_walks(max_examples=25),
    )


def settings_for_walks(max_examples: int) -> settings:
    """Walks of fifteen steps; each step is a few requests on the test database."""
    return settings(
        max_examples=max_examples,
        stateful_step_count=15,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


_phones = count(1)

INCIDENT_DECISIONS = {  # which decisions each incident state allows
    "proposed": {"confirm", "dismiss"},
    "confirmed": {"dismiss", "resolve"},
    "resolved": set(),
    "dismissed": set(),
}


class IncidentWalk(RuleBasedStateMachine):
    """Complaints pile up into an incident while people work on them one by one and a
    supervisor confirms, dismisses or resolves it, in any order."""

    def __init__(
        self, client: TestClient, center: Walkers, area: tuple[int, int], threshold: int
    ) -> None:
        super().__init__()
        self.client, self.threshold = client, threshold
        # a city of its own for each walk: the walks share one database, and complaints
        # left by an earlier walk would count towards this one's incident
        self.unit_id, team_id = area
        self.center = replace(center, team_id=team_id)
        self.headers = center.supervisor
        self.order_ids: list[int] = []
        self.incident: dict[str, Any] = {}

    def _complaint(self) -> dict[str, Any]:
        body = {
            "type": "complaint",
            "category_id": self.center.cats.indoor.id,
            "contact_phone": f"139{next(_phones):08d}",
            "subject": "小区内无信号",
            "org_unit_id": self.unit_id,
        }
        answer = self.client.post("/api/v1/work-orders", json=body, headers=self.headers)
        assert answer.status_code == 201, answer.text
        order = answer.json()
        self.order_ids.append(order["id"])
        return order

    def _order(self, order_id: int) -> dict[str, Any]:
        answer = self.client.get(f"/api/v1/work-orders/{order_id}", headers=self.headers)
        assert answer.status_code == 200, answer.text
        return dict(answer.json())

    def _refresh_incident(self) -> None:
        url = f"/api/v1/incidents/{self.incident['id']}"
        self.incident = self.client.get(url, headers=self.headers).json()

    @initialize()
    def complaints_pile_up(self) -> None:
        orders = [self._complaint() for _ in range(self.threshold)]
        assert orders[-1]["incident_id"] is not None, "the threshold proposes an incident"
        self.incident = {"id": orders[-1]["incident_id"]}
        self._refresh_incident()
        assert self.incident["status"] == "proposed"
        assert self.incident["orders"] == self.threshold

    @rule()
    def another_complaint(self) -> None:
        order = self._complaint()
        joins = self.incident["status"] in ("proposed", "confirmed")
        assert (order["incident_id"] == self.incident["id"]) == joins
        self._refresh_incident()

    @rule(
        pick=st.integers(min_value=0, max_value=100),
        action=st.sampled_from(ACTIONS),
        outcome=st.sampled_from(["satisfied", "dissatisfied"]),
    )
    def work_on_an_order(self, pick: int, action: Action, outcome: str) -> None:
        order = self._order(self.order_ids[pick % len(self.order_ids)])
        answer = self.client.post(
            f"/api/v1/work-orders/{order['id']}/{action.value}",
            json=action_body(action, outcome, self.center.team_id),
            headers=self.headers | {"If-Match": f'"{order["version"]}"'},
        )
        assert answer.status_code in (200, 409), answer.text
        self._refresh_incident()

    @rule(decision=st.sampled_from(["confirm", "dismiss", "resolve"]))
    def decide(self, decision: str) -> None:
        before = self.incident
        still_open = [
            o["id"]
            for o in map(self._order, self.order_ids)
            if o["incident_id"] == before["id"] and o["status"] not in ("closed", "cancelled")
        ]
        body = {"dismiss": {"reason": "并非同一原因"}, "resolve": {"reply": "基站已修复。"}}
        answer = self.client.post(
            f"/api/v1/incidents/{before['id']}/{decision}",
            json=body.get(decision, {}),
            headers=self.headers | {"If-Match": f'"{before["version"]}"'},
        )
        if decision in INCIDENT_DECISIONS[before["status"]]:
            assert answer.status_code == 200, answer.text
        else:
            assert answer.status_code == 409
            assert answer.json()["error"]["code"] == "incident_not_allowed"
        self._refresh_incident()
        if answer.status_code == 200 and decision == "resolve":
            # every caller still waiting has the answer (an order reopened later stays
            # linked, so the incident's page shows whose problem came back)
            for order in map(self._order, still_open):
                assert (order["status"], order["reply"]) == ("closed", "基站已修复。")

    @invariant()
    def orders_and_incident_agree(self) -> None:
        if not self.incident:
            return
        status, incident_id = self.incident["status"], self.incident["id"]
        for order in map(self._order, self.order_ids):
            agrees_with_its_state(order)
            linked = order["incident_id"] == incident_id
            if status == "dismissed":
                assert not linked, "a dismissed incident releases its orders"
            closing = [e for e in order["events"] if e["action"] == "incident_close"]
            if closing:
                assert linked and status == "resolved"
                assert [e["details"]["reply"] for e in closing] == [self.incident["reply"]]


def test_random_walks_keep_incidents_and_their_orders_honest(
    client: TestClient, db: Session, settings: Settings
) -> None:
    org = make_org(db)
    center = walkers(db, org, org.province, None)  # each walk brings a city of its own

    def new_area() -> tuple[int, int]:
        city = make_unit(db, f"城市{next(_phones)}", OrgLevel.CITY, org.province)
        team = make_team(db, city)
        db.commit()
        return city.id, team.id

    run_state_machine_as_test(
        lambda: IncidentWalk(client, center, new_area(), settings.incident_threshold),
        settings=settings_for_walks(max_examples=12),
    )
