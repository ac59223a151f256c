"""Human order numbers: WO + the local date + a per-day sequence (WO20261122-000123).

The day's counter is bumped with one upsert. On PostgreSQL that statement commits on its
own, through a connection beside the request's (``kefu.core.db.side_engine``): inside the
order's transaction the counter row would stay locked until the order commits, and every
new order in the center would wait for the one before it. An order that then fails
leaves a gap, which is fine: numbers are unique, not dense. SQLite serializes writers
anyway, so there the counter is bumped in the order's transaction.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from functools import cache
from typing import cast

from sqlalchemy import Insert, Table, bindparam
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from kefu.core.db import side_engine
from kefu.workorders.models import DailyCounter

PREFIX = "WO"
_TYPED_NUMBER = re.compile(rf"{PREFIX}(\d{{8}})-(\d{{1,9}})", re.ASCII)
# an order number among other words of a text ("GY WO20261206-000123 12月9日下午")
NUMBER_IN_TEXT = re.compile(rf"{PREFIX}\s*\d{{8}}\s*-\s*\d{{1,9}}", re.IGNORECASE)


@cache  # one statement per database kind, built once: the day goes in as a parameter
def _upsert(dialect: str) -> Insert:
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    counters = cast(Table, DailyCounter.__table__)  # the table: no ORM bookkeeping
    statement = insert(counters).values(day=bindparam("day"), last=1)
    return statement.on_conflict_do_update(
        index_elements=[counters.c.day], set_={"last": counters.c.last + 1}
    ).returning(counters.c.last)


def next_number(session: Session, day: date) -> str:
    """The next order number of the (local) day."""
    side = side_engine(session)
    if side is not None:  # commits at once: no lock held for the order
        with side.connect() as connection:
            upsert = _upsert(side.dialect.name)
            sequence = connection.execute(upsert, {"day": day}).scalar_one()
    else:
        upsert = _upsert(session.get_bind().dialect.name)
        sequence = session.connection().execute(upsert, {"day": day}).scalar_one()
    return f"{PREFIX}{day:%Y%m%d}-{sequence:06d}"


def order_number_in(text: str) -> str | None:
    """The order number in what someone typed or a caller read out ("wo20261122-123",
    spaces anywhere, full-width characters from a Chinese input method), as it is stored
    (WO20261122-000123); None when it is not one."""
    typed = unicodedata.normalize("NFKC", "".join(text.split())).upper()
    found = _TYPED_NUMBER.fullmatch(typed)
    if found is None:
        return None
    return f"{PREFIX}{found[1]}-{int(found[2]):06d}"


def order_number_among(text: str) -> str | None:
    """The order number written somewhere in a text, as stored; None when there is none."""
    found = NUMBER_IN_TEXT.search(text)
    return order_number_in(found[0]) if found else None
