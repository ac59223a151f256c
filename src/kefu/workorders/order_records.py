"""What an order keeps beside itself — its files, its engineers' visits, its refunds: one
of them is the order's own (another order's is not found), and they are listed with the
names of the two people who acted on each (who added it, who closed or decided it)."""

from __future__ import annotations

from typing import Any, Protocol, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute, Session, aliased

from kefu.errors import NotFound
from kefu.org.models import Staff
from kefu.workorders.models import WorkOrder


class OrderRecord(Protocol):
    """A row kept on an order."""

    id: int
    order_id: int


Record = TypeVar("Record", bound=OrderRecord)


def one_of_order(
    session: Session, model: type[Record], order: WorkOrder, row_id: int, *, missing: str
) -> Record:
    """The order's row ``row_id`` (404 ``missing`` for another order's, or none)."""
    row = session.get(model, row_id)
    if row is None or row.order_id != order.id:
        raise NotFound(missing)
    return row


def with_names(
    session: Session,
    model: type[Record],
    order_id: int,
    people: tuple[InstrumentedAttribute[Any], InstrumentedAttribute[Any]],
    *,
    newest_first: bool,
) -> list[tuple[Record, str | None, str | None]]:
    """The order's rows with the names of the two people ``people`` point to (None where
    nobody did), the newest or the oldest first."""
    first, second = aliased(Staff), aliased(Staff)
    record_id: Any = model.id  # a mapped column
    rows = session.execute(
        select(model, first.display_name, second.display_name)
        .outerjoin(first, first.id == people[0])
        .outerjoin(second, second.id == people[1])
        .where(model.order_id == order_id)  # type: ignore[arg-type]
        .order_by(record_id.desc() if newest_first else record_id)
    ).all()
    return [(row, one, other) for row, one, other in rows]
