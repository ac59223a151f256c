"""The demo's refunds (退费, 双倍返还): a billing complaint answered "we refunded you" had
its refund asked by its handler, approved by a team lead (a supervisor above the lead's
limit) and credited before the answer, each on the order's timeline; a few open ones
being handled wait for their approval, so the approvers' queue has work in it.

Drawn from a stream of its own, so the orders stay as the same seed made them."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from kefu.config import REFUND_LEAD_LIMIT_FEN
from kefu.workorders.enums import OrderType, RefundKind, RefundStatus

# The problems whose answer gives money back, and how: a service never agreed to is
# given back twice over (the regulator's rule), the rest in full.
REFUNDED = {
    "billing.dispute.unknown": RefundKind.REFUND,
    "billing.dispute.package": RefundKind.REFUND,
    "vas.sp.unconsented": RefundKind.DOUBLE_REFUND,
}
REASONS = {
    "billing.dispute.unknown": "核实为系统误扣，申请全额退还",
    "billing.dispute.package": "套餐资费与办理时约定不符，申请退还差额",
    "vas.sp.unconsented": "核实为未经客户同意订购，按规定双倍返还",
}
# A line down for days is made good by a credit (赔付), asked while the fault is mended.
COMPENSATED = {"broadband.fault.down": "宽带中断超过48小时，申请按天补偿月功能费"}
COMPENSATIONS = (10, 20, 30)  # yuan
WAITING_SHARE = 0.8  # of such open orders being handled: money asked, not yet approved
HANDLED_STEPS = ("accepted", "dispatched", "in_progress")
COLUMNS = (
    "id",
    "order_id",
    "kind",
    "status",
    "msisdn",
    "charge_fen",
    "amount_fen",
    "bill_month",
    "reason",
    "requested_by_id",
    "requested_at",
    "decided_by_id",
    "decided_at",
    "decision_note",
    "credited_at",
    "billing_ref",
)


@dataclass
class RefundDesk:
    """Who approves in each unit, and the refunds' own random stream and ids."""

    rng: random.Random
    leads: dict[int, list[int]]  # unit → team leads
    supervisors: list[int]  # they approve anything, anywhere
    next_id: int = 1
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    # (number, bill month, charge) given back or asked: a repeat complaint about the same
    # charge is told it was refunded, and is not given it twice
    claimed: set[tuple[str, str, int]] = field(default_factory=set)

    @classmethod
    def of(cls, seed: int, staff: list[Any]) -> RefundDesk:
        """From the center's staff rows (id, org_unit_id, team_id, role)."""
        leads: dict[int, list[int]] = {}
        for person in staff:
            if person.role == "team_lead":
                leads.setdefault(person.org_unit_id, []).append(person.id)
        supervisors = [p.id for p in staff if p.role == "supervisor"]
        return cls(random.Random(seed + 73), leads, supervisors)

    def taken(self) -> list[tuple[Any, ...]]:
        """The refunds written since last taken (a day's, for one batch)."""
        rows, self.rows = self.rows, []
        return rows

    def approver(self, unit_id: int, asker: int, amount_fen: int) -> int | None:
        """A team lead of the unit within their limit, else a supervisor; never the asker."""
        # the shipped limit: above it a supervisor approves
        leads = self.leads.get(unit_id, []) if amount_fen <= REFUND_LEAD_LIMIT_FEN else []
        fitting = [p for p in leads or self.supervisors if p != asker]
        return self.rng.choice(fitting) if fitting else None


@dataclass(frozen=True)
class Handled:
    """An order as the refund sees it."""

    order_id: int
    order_type: OrderType
    code: str
    phone: str
    unit_id: int
    handler: int
    created: datetime
    amount: int  # yuan, the sum the caller named and the answer speaks of


def refund_steps(
    desk: RefundDesk,
    order: Handled,
    path: list[str],
    times: list[datetime],
    answer: str,
    now: datetime,
) -> list[tuple[Any, ...]]:
    """The order's refund, if it has one, kept on the desk; its timeline steps."""
    kind = REFUNDED.get(order.code) or (
        RefundKind.COMPENSATION if order.code in COMPENSATED else None
    )
    if kind is None or order.order_type not in (OrderType.COMPLAINT, OrderType.FAULT):
        return []
    if _claimed_before(desk, order, kind):
        return []
    if "replied" in path and kind is not RefundKind.COMPENSATION:
        if not ("退还" in answer or "refunded" in answer):  # explained, not given back
            return []
        at = path.index("replied")
        before = times[at - 1] if at else order.created
        return _credited(desk, order, kind, before, times[at])
    if path and path[-1] in HANDLED_STEPS and desk.rng.random() < WAITING_SHARE:
        asked = min(times[-1] + timedelta(minutes=desk.rng.randint(10, 180)), now)
        return [_step(_write(desk, order, kind, asked), "request", order.handler, asked)]
    return []


def _credited(
    desk: RefundDesk, order: Handled, kind: RefundKind, before: datetime, replied: datetime
) -> list[tuple[Any, ...]]:
    """Asked, approved and credited between the last step and the answer."""
    span = replied - before
    asked, approved = before + span * 0.25, before + span * 0.6
    credited = approved + min(timedelta(minutes=3), (replied - approved) / 2)
    row = _write(desk, order, kind, asked)
    approver = desk.approver(order.unit_id, order.handler, row["amount_fen"])
    if approver is None:  # a center with nobody to approve: nothing given back
        desk.rows.pop()
        desk.next_id -= 1
        desk.claimed.discard((order.phone, row["bill_month"], row["charge_fen"]))
        return []
    row |= {
        "status": RefundStatus.CREDITED.value,
        "decided_by_id": approver,
        "decided_at": approved.astimezone(UTC),
        "decision_note": "核实无误",
        "credited_at": credited.astimezone(UTC),
        "billing_ref": f"KEFU-RF{row['id']}",
    }
    desk.rows[-1] = tuple(row[c] for c in COLUMNS)
    return [
        _step(row | {"status": "requested"}, "request", order.handler, asked),
        _step(row | {"status": "approved"}, "approve", approver, approved),
        _step(row, "credit", None, credited),
    ]


def _charge(order: Handled, kind: RefundKind) -> tuple[str, int, int]:
    """The bill month, the charge and what is given back of a refund of a charge."""
    amount_fen = order.amount * 100
    charge_fen = amount_fen // 2 if kind is RefundKind.DOUBLE_REFUND else amount_fen
    return _month_before(order.created.date()), charge_fen, amount_fen


def _claimed_before(desk: RefundDesk, order: Handled, kind: RefundKind) -> bool:
    """Whether the order's charge was given back or asked on an earlier order."""
    if kind is RefundKind.COMPENSATION:
        return False
    month, charge_fen, _ = _charge(order, kind)
    return (order.phone, month, charge_fen) in desk.claimed


def _write(desk: RefundDesk, order: Handled, kind: RefundKind, asked: datetime) -> dict[str, Any]:
    """The refund asked, as the service writes it; kept on the desk."""
    if kind is RefundKind.COMPENSATION:
        month, charge_fen, amount_fen = "", 0, desk.rng.choice(COMPENSATIONS) * 100
    else:
        month, charge_fen, amount_fen = _charge(order, kind)
    row = {
        "id": desk.next_id,
        "order_id": order.order_id,
        "kind": kind.value,
        "status": RefundStatus.REQUESTED.value,
        "msisdn": order.phone,
        "charge_fen": charge_fen,
        "amount_fen": amount_fen,
        "bill_month": month,
        "reason": REASONS.get(order.code) or COMPENSATED[order.code],
        "requested_by_id": order.handler,
        "requested_at": asked.astimezone(UTC),
        "decided_by_id": None,
        "decided_at": None,
        "decision_note": "",
        "credited_at": None,
        "billing_ref": "",
    }
    desk.next_id += 1
    desk.rows.append(tuple(row[c] for c in COLUMNS))
    if charge_fen:
        desk.claimed.add((order.phone, month, charge_fen))
    return row


def _step(row: dict[str, Any], step: str, actor: int | None, at: datetime) -> tuple[Any, ...]:
    """A timeline step, in the order generator's event columns."""
    details = {
        "refund": row["id"],
        "step": step,
        "kind": row["kind"],
        "amount_fen": row["amount_fen"],
        "status": row["status"],
    }
    reason = row["reason"] if step == "request" else ""
    text = json.dumps(details, ensure_ascii=False)
    return (row["order_id"], "refund", "", "", "", actor, at.astimezone(UTC), reason, text)


def _month_before(day: date) -> str:
    """The bill the customer disputes: last month's."""
    last = day.replace(day=1) - timedelta(days=1)
    return f"{last:%Y-%m}"
