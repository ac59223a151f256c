"""Random walks through a customer's queue of orders, over the API on the real database:
batch dispatches of any rows picked (some read before another change, so stale), merges
of any pair, chases, files attached and withdrawn, engineers' visits booked, moved and
closed, refunds asked and decided, and single actions between them. Whatever the order
of clicks, a batch sends exactly the orders that could go alone and leaves the rest
untouched, a merge moves the chases, the files still kept, a booked visit and the
refunds awaiting approval to the order kept, a withdrawn file's content is gone, an
order has at most the one visit booked it should have (none once cancelled), a refund
is decided once, by someone else within their limit, no reply goes out while one
awaits, and every order agrees with its state.
"""

from __future__ import annotations

from datetime import timedelta
from itertools import count
from typing import Any

from fastapi.testclient import TestClient
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy.orm import Session
from test_lifecycle_machine import (
    Walkers,
    action_body,
    agrees_with_its_state,
    settings_for_walks,
    walkers,
)

from factories import bearer, make_customer, make_org, make_staff
from kefu.config import REFUND_LEAD_LIMIT_FEN
from kefu.core.clock import local_today
from kefu.core.rbac import Role
from kefu.workorders import appointments, refunds
from kefu.workorders.enums import DISPATCHABLE_STATUSES, URGEABLE_STATUSES, Action

SINGLE_ACTIONS = [Action.ACCEPT, Action.START, Action.REPLY, Action.CANCEL, Action.WAIT]
VISIT_WINDOWS = [("09:00", "12:00"), ("14:00", "18:00"), ("18:00", "20:00")]
VISIT_OUTCOMES = [
    ("done", {"note": "已修复"}),
    ("missed", {"missed_by": "customer", "reason": "客户不在家"}),
    ("missed", {"missed_by": "engineer", "reason": "工程师未到"}),
    ("cancel", {"reason": "远程已解决"}),
]
BOOKABLE = {s.value for s in appointments.BOOKABLE}
ASKABLE = {s.value for s in refunds.ASKABLE}
DECISIONS = [
    ("approve", "lead"),
    ("approve", "supervisor"),
    ("reject", "lead"),
    ("withdraw", "supervisor"),
]
ORDERS = 4


class CustomerQueue(RuleBasedStateMachine):
    """A few open orders of one customer, a supervisor working them."""

    def __init__(
        self, client: TestClient, center: Walkers, customer_id: int, lead: dict[str, str]
    ) -> None:
        super().__init__()
        self.client, self.center, self.customer_id = client, center, customer_id
        self.headers = center.supervisor  # who works the orders, and asks for refunds
        self.lead = lead  # a team lead of the branch, who approves within their limit
        self.read: dict[int, dict[str, Any]] = {}  # each order as the page last read it
        self.files: dict[int, list[int]] = {}  # the files each order should keep
        self.uploads = count(1)
        self.booked: dict[int, int | None] = {}  # each order's visit booked now
        self.refunds: dict[int, dict[str, Any]] = {}  # each refund's order, amount, status

    def _get(self, order_id: int) -> dict[str, Any]:
        answer = self.client.get(f"/api/v1/work-orders/{order_id}", headers=self.headers)
        assert answer.status_code == 200
        order: dict[str, Any] = answer.json()
        return order

    def _ids(self) -> list[int]:
        return sorted(self.read)

    @initialize()
    def open_orders(self) -> None:
        for n in range(ORDERS):
            body = {
                "type": "complaint",
                "category_id": self.center.cats.indoor.id,
                "customer_id": self.customer_id,
                "subject": f"家中无信号 {n}",
                "org_unit_id": self.center.org.city.id,
            }
            made = self.client.post("/api/v1/work-orders", json=body, headers=self.headers)
            assert made.status_code == 201, made.text
            self.read[made.json()["id"]] = made.json()
            self.files[made.json()["id"]] = []
            self.booked[made.json()["id"]] = None

    @rule(picks=st.sets(st.integers(0, ORDERS - 1), min_size=1), stale=st.booleans())
    def batch_dispatch(self, picks: set[int], stale: bool) -> None:
        ids = [self._ids()[i] for i in sorted(picks)]
        now = {i: self._get(i) for i in ids}
        if stale:  # someone chased the first since the page was read
            self.client.post(f"/api/v1/work-orders/{ids[0]}/urge", json={}, headers=self.headers)
        asked = [{"id": i, "version": now[i]["version"]} for i in ids]
        answer = self.client.post(
            "/api/v1/work-orders/batch-dispatch",
            json={"orders": asked, "team_id": self.center.team_id},
            headers=self.headers,
        )
        assert answer.status_code == 200, answer.text
        result = answer.json()
        sent = {o["id"] for o in result["dispatched"]}
        refused = {o["id"]: o["code"] for o in result["refused"]}
        assert sent | set(refused) == set(ids) and not sent & set(refused)
        for i in ids:
            may_go = now[i]["status"] in DISPATCHABLE_STATUSES and not (stale and i == ids[0])
            assert (i in sent) == may_go, (now[i]["status"], refused.get(i))
            after = self._get(i)
            if i in sent:
                assert after["status"] == "dispatched"
                assert after["team"]["id"] == self.center.team_id
                assert after["version"] > now[i]["version"]
            elif not (stale and i == ids[0]):
                assert (after["version"], after["status"]) == (now[i]["version"], now[i]["status"])
            self.read[i] = after

    @rule(duplicate=st.integers(0, ORDERS - 1), kept=st.integers(0, ORDERS - 1))
    def merge(self, duplicate: int, kept: int) -> None:
        dup_id, kept_id = self._ids()[duplicate], self._ids()[kept]
        dup, keep = self._get(dup_id), self._get(kept_id)
        answer = self.client.post(
            f"/api/v1/work-orders/{dup_id}/merge",
            json={"into": keep["number"]},
            headers=self.headers | {"If-Match": f'"{dup["version"]}"'},
        )
        can_go = (
            dup_id != kept_id
            and "cancel" in dup["allowed_actions"]
            and keep["status"] not in ("closed", "cancelled")
        )
        assert (answer.status_code == 200) == can_go, answer.text
        after_dup, after_kept = self._get(dup_id), self._get(kept_id)
        if can_go:
            self.files[kept_id] += self.files[dup_id]
            self.files[dup_id] = []
            # the duplicate's visit comes along unless the kept order has its own
            self.booked[kept_id] = self.booked[kept_id] or self.booked[dup_id]
            self.booked[dup_id] = None
            for refund in self.refunds.values():  # what awaits approval comes along
                if refund["order"] == dup_id and refund["status"] == "requested":
                    refund["order"] = kept_id
            assert after_dup["status"] == "cancelled"
            assert after_kept["urge_count"] == keep["urge_count"] + dup["urge_count"]
            assert after_kept["priority"] == max(keep["priority"], dup["priority"])
        else:
            assert (after_dup["version"], after_kept["version"]) == (
                dup["version"],
                keep["version"],
            )
        self.read[dup_id], self.read[kept_id] = after_dup, after_kept

    @rule(pick=st.integers(0, ORDERS - 1))
    def chase(self, pick: int) -> None:
        order = self._get(self._ids()[pick])
        answer = self.client.post(
            f"/api/v1/work-orders/{order['id']}/urge", json={}, headers=self.headers
        )
        assert (answer.status_code == 201) == (order["status"] in URGEABLE_STATUSES)
        self.read[order["id"]] = self._get(order["id"])

    @rule(pick=st.integers(0, ORDERS - 1))
    def attach(self, pick: int) -> None:
        order = self._get(self._ids()[pick])
        content = b"%PDF-1.4\n" + str(next(self.uploads)).encode()  # each file its own
        answer = self.client.post(
            f"/api/v1/work-orders/{order['id']}/attachments",
            files={"file": ("账单.pdf", content, "application/pdf")},
            headers=self.headers,
        )
        assert (answer.status_code == 201) == (order["status"] != "cancelled"), answer.text
        if answer.status_code == 201:
            self.files[order["id"]].append(answer.json()["id"])
        after = self._get(order["id"])
        assert after["version"] == order["version"]  # a file changes nothing else
        self.read[order["id"]] = after

    @rule(pick=st.integers(0, ORDERS - 1), which=st.integers(0, 3))
    def withdraw(self, pick: int, which: int) -> None:
        order_id = self._ids()[pick]
        if not self.files[order_id]:
            return
        file_id = self.files[order_id].pop(which % len(self.files[order_id]))
        url = f"/api/v1/work-orders/{order_id}/attachments/{file_id}"
        answer = self.client.post(
            f"{url}/withdraw", json={"reason": "传错了文件"}, headers=self.headers
        )
        assert answer.status_code == 200, answer.text
        gone = self.client.get(f"{url}/content", headers=self.headers)
        assert gone.json()["error"]["code"] == "attachment_withdrawn"

    @rule(pick=st.integers(0, ORDERS - 1), action=st.sampled_from(SINGLE_ACTIONS))
    def act(self, pick: int, action: Action) -> None:
        order = self._get(self._ids()[pick])
        answer = self.client.post(
            f"/api/v1/work-orders/{order['id']}/{action.value}",
            json=action_body(action, "satisfied", self.center.team_id),
            headers=self.headers | {"If-Match": f'"{order["version"]}"'},
        )
        allowed = action.value in order["allowed_actions"]
        if action is Action.REPLY and allowed and self._awaiting(order["id"]):
            assert answer.json()["error"]["code"] == "reply_refund_awaiting"
            allowed = False  # the reply says what the customer gets: decide first
        assert (answer.status_code == 200) == allowed, answer.text
        self.read[order["id"]] = self._get(order["id"])
        if self.read[order["id"]]["status"] == "cancelled":  # its visit is called off
            self.booked[order["id"]] = None
            for refund in self._awaiting(order["id"]):  # and what awaits is taken back
                refund["status"] = "withdrawn"

    def _awaiting(self, order_id: int) -> list[dict[str, Any]]:
        return [
            r
            for r in self.refunds.values()
            if r["order"] == order_id and r["status"] == "requested"
        ]

    @rule(pick=st.integers(0, ORDERS - 1), fen=st.integers(1, 30_000))
    def ask_refund(self, pick: int, fen: int) -> None:
        order = self._get(self._ids()[pick])
        body = {"kind": "compensation", "amount_fen": fen, "reason": "致歉补偿话费"}
        url = f"/api/v1/work-orders/{order['id']}/refunds"
        answer = self.client.post(url, json=body, headers=self.headers)
        askable = order["status"] in ASKABLE
        assert (answer.status_code == 201) == askable, answer.text
        if askable:
            refund = {"order": order["id"], "amount": fen, "status": "requested"}
            self.refunds[answer.json()["id"]] = refund

    @rule(which=st.integers(0, 31), decision=st.sampled_from(DECISIONS))
    def decide_refund(self, which: int, decision: tuple[str, str]) -> None:
        if not self.refunds:
            return
        refund_id = sorted(self.refunds)[which % len(self.refunds)]
        refund, (step, who) = self.refunds[refund_id], decision
        url = f"/api/v1/work-orders/{refund['order']}/refunds/{refund_id}/{step}"
        body = {} if step == "approve" else {"reason": "核实后决定"}
        headers = self.lead if who == "lead" else self.headers
        answer = self.client.post(url, json=body, headers=headers)
        if step == "approve" and who == "supervisor":
            expected = 403  # the supervisor asked it: someone else approves
        elif step == "approve" and refund["amount"] > REFUND_LEAD_LIMIT_FEN:
            expected = 403  # beyond the lead's limit
        else:
            expected = 200 if refund["status"] == "requested" else 409
        assert answer.status_code == expected, answer.text
        if expected == 200:
            refund["status"] = {"approve": "approved", "reject": "rejected"}.get(step, "withdrawn")

    @rule(pick=st.integers(0, ORDERS - 1), slot=st.sampled_from(VISIT_WINDOWS))
    def book_visit(self, pick: int, slot: tuple[str, str]) -> None:
        order = self._get(self._ids()[pick])
        visit = {
            "visit_on": (local_today() + timedelta(days=1)).isoformat(),
            "from_time": slot[0],
            "to_time": slot[1],
            "address": "广州市天河区体育西路 101 号",
            "engineer": "张工",
        }
        url = f"/api/v1/work-orders/{order['id']}/appointments"
        answer = self.client.post(url, json=visit, headers=self.headers)
        bookable = order["status"] in BOOKABLE
        assert (answer.status_code == 201) == bookable, answer.text
        if bookable:  # the visit booked before, if any, is moved
            self.booked[order["id"]] = answer.json()["id"]

    @rule(pick=st.integers(0, ORDERS - 1), outcome=st.sampled_from(VISIT_OUTCOMES))
    def close_visit(self, pick: int, outcome: tuple[str, dict[str, str]]) -> None:
        order_id = self._ids()[pick]
        url = f"/api/v1/work-orders/{order_id}/appointments"
        visits = self.client.get(url, headers=self.headers).json()["items"]
        if not visits:
            return
        latest = visits[0]["id"]
        answer = self.client.post(
            f"{url}/{latest}/{outcome[0]}", json=outcome[1], headers=self.headers
        )
        still_booked = self.booked[order_id] == latest
        assert (answer.status_code == 200) == still_booked, answer.text
        if still_booked:
            self.booked[order_id] = None
        self.read[order_id] = self._get(order_id)

    @invariant()
    def every_order_agrees_with_its_state(self) -> None:
        for order in self.read.values():
            agrees_with_its_state(order)

    @invariant()
    def every_visit_booked_is_the_one_expected(self) -> None:
        for order_id, expected in self.booked.items():
            url = f"/api/v1/work-orders/{order_id}/appointments"
            items = self.client.get(url, headers=self.headers).json()["items"]
            booked = [v["id"] for v in items if v["status"] == "scheduled"]
            assert booked == ([expected] if expected else [])

    @invariant()
    def every_refund_is_where_and_as_expected(self) -> None:
        for order_id in self._ids():
            url = f"/api/v1/work-orders/{order_id}/refunds"
            listed = self.client.get(url, headers=self.headers).json()
            shown = {r["id"]: r["status"] for r in listed["items"]}
            expected = {i: r["status"] for i, r in self.refunds.items() if r["order"] == order_id}
            assert shown == expected
            waiting = ("requested", "approved")
            pending = sum(
                r["amount"]
                for r in self.refunds.values()
                if r["order"] == order_id and r["status"] in waiting
            )
            assert listed["pending_fen"] == pending

    @invariant()
    def every_file_is_where_it_belongs(self) -> None:
        for order_id, expected in self.files.items():
            url = f"/api/v1/work-orders/{order_id}/attachments"
            items = self.client.get(url, headers=self.headers).json()["items"]
            assert [a["id"] for a in items if a["withdrawn_at"] is None] == sorted(expected)


def test_random_queues_keep_batches_merges_files_visits_and_refunds_honest(
    client: TestClient, db: Session
) -> None:
    org = make_org(db)
    center = walkers(db, org, org.city, org.city)
    lead = bearer(db, make_staff(db, org.city, Role.TEAM_LEAD))
    db.commit()

    numbers = count(13_800_000_000)

    def queue() -> CustomerQueue:
        customer = make_customer(db, org.city, f"+86{next(numbers)}")
        db.commit()
        return CustomerQueue(client, center, customer.id, lead)

    run_state_machine_as_test(queue, settings=settings_for_walks(max_examples=15))
