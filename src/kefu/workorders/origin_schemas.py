"""The request body of passing an open order on (越级, 交办), or correcting who did."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from kefu.core.types import Reason, RecordDate, ReferenceText
from kefu.workorders.enums import OrderOrigin


class OriginChange(BaseModel):
    """Who passed the order on, their reference and the day they want the answer by;
    and why it is set now. ``origin: customer`` undoes a mistake."""

    model_config = ConfigDict(extra="forbid")

    origin: OrderOrigin
    origin_ref: ReferenceText = ""
    origin_due_on: RecordDate | None = Field(
        default=None, description="The day they want the answer by: due by its end at the latest."
    )
    reason: Reason
