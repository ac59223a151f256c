"""Human order numbers: WO + the local date + a per-day sequence (WO20261122-000123).

The day's counter is bumped with one upsert, so concurrent creators on PostgreSQL each
get their own number without a table lock; SQLite serializes writers anyway. A rolled
back transaction leaves a gap, which is fine: numbers are unique, not dense.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from kefu.workorders.models import DailyCounter

PREFIX = "WO"


def _upsert(session: Session, day: date) -> Insert:
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(DailyCounter).values(day=day, last=1)
    return statement.on_conflict_do_update(
        index_elements=[DailyCounter.day], set_={"last": DailyCounter.last + 1}
    ).returning(DailyCounter.last)


def next_number(session: Session, day: date) -> str:
    """The next order number of the (local) day."""
    sequence = session.execute(_upsert(session, day)).scalar_one()
    return f"{PREFIX}{day:%Y%m%d}-{sequence:06d}"
