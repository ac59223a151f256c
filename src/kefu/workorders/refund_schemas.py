"""Request and response bodies of a work order's refunds and credits (退费, 双倍返还, 赔付).
Money is in fen (分), as the billing system keeps it."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from kefu.core.types import Reason, RecordDate, RefId, ShortText
from kefu.workorders.enums import RefundKind, RefundStatus

# One refund is at most ¥1,000,000: beyond any center's ceiling, below any overflow.
RefundFen = Annotated[int, Field(ge=1, le=100_000_000)]
BillMonth = Annotated[str, Field(pattern=r"^20\d\d-(0[1-9]|1[0-2])$")]


class RefundCreate(BaseModel):
    """Money back to the order's customer, asked for approval.

    A refund (退费) names the charge disputed and its bill month, and gives back all of it
    or ``amount_fen`` of it; a double refund (双倍返还) gives back twice the charge; a
    compensation (赔付) names only ``amount_fen``."""

    model_config = ConfigDict(extra="forbid")

    kind: RefundKind
    charge_fen: RefundFen | None = Field(default=None, description="The charge disputed")
    amount_fen: RefundFen | None = Field(
        default=None, description="What the customer gets (a refund: the charge if left out)"
    )
    bill_month: BillMonth | None = Field(default=None, description="YYYY-MM of the charge")
    reason: Reason


class RefundDecision(BaseModel):
    """An approval, with an optional note."""

    model_config = ConfigDict(extra="forbid")

    note: ShortText = ""


class RefundOut(BaseModel):
    """A refund as staff see it; the number is masked unless the viewer may see it."""

    id: int
    order_id: int
    kind: RefundKind
    status: RefundStatus
    msisdn: str = Field(description="The number credited")
    charge_fen: int
    amount_fen: int
    bill_month: str
    reason: str
    requested_by_id: int | None = Field(description="Who asked: the one who cannot approve it")
    requested_by: str | None
    requested_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    decision_note: str
    credited_at: datetime | None = Field(description="Credited, or refused by billing")
    billing_ref: str
    same_charge_on: str | None = Field(
        default=None,
        description="Awaiting approval, while the same charge (bill month and sum) of the "
        "number is given back, or asked, on this other order",
    )


class EarlierRefundOut(BaseModel):
    """A refund of the same number on another order."""

    order_id: int
    order_number: str
    kind: RefundKind
    status: RefundStatus
    amount_fen: int
    requested_at: datetime


class NumberHistoryOut(BaseModel):
    """The number's refunds on its other orders in the last twelve months."""

    given_count: int = Field(description="Approved or credited")
    given_fen: int
    rejected_count: int
    recent: list[EarlierRefundOut] = Field(description="The latest five, newest first")


class RefundList(BaseModel):
    """An order's refunds, the latest asked first, what has reached the customer, and the
    number's refunds on its other orders."""

    items: list[RefundOut]
    credited_fen: int = Field(description="Credited to the customer so far")
    pending_fen: int = Field(description="Asked or approved, not yet credited")
    number_history: NumberHistoryOut


class RefundExportRequest(BaseModel):
    """Which refunds to export (退费明细, what finance reconciles with billing), and why
    (the reason and the filter go to the audit log). The period is of the day each was
    asked, in the center's days, at most a year."""

    model_config = ConfigDict(extra="forbid")

    reason: Reason
    asked_from: RecordDate
    asked_to: RecordDate
    format: Literal["csv", "xlsx"] = "xlsx"
    org_unit_id: RefId | None = None
    status: RefundStatus | None = None
    kind: RefundKind | None = None
