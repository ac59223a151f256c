"""Time arithmetic in the database: the same exact answer on SQLite and PostgreSQL, also
a microsecond before a second, a half hour or a day turns."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import literal, select
from sqlalchemy.orm import Session

from factories import make_customer, make_org
from kefu.contact.enums import ContactChannel, InteractionStatus
from kefu.contact.models import Interaction
from kefu.core.sqltime import (
    days_before,
    epoch_microseconds,
    epoch_seconds,
    interval_index,
    local_day_index,
    microseconds_between,
    shifted,
)

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Found writing the KPIs: SQLite keeps times in whole milliseconds, so a call at
# 15:59:59.999999 UTC (23:59:59.999999 in Beijing) was put in the next second and day.
EDGE = datetime(2026, 10, 1, 15, 59, 59, 999_999, tzinfo=UTC)


def _stored(db: Session, at: datetime, later: datetime | None = None) -> Interaction:
    make_org(db)
    row = Interaction(
        channel=ContactChannel.VOICE,
        status=InteractionStatus.ENDED,
        offered_at=at,
        answered_at=later,
    )
    db.add(row)
    db.flush()
    return row


def test_a_microsecond_before_the_turn_stays_before_it(db: Session) -> None:
    row = _stored(db, EDGE, EDGE + timedelta(seconds=20, microseconds=1))
    at = Interaction.offered_at
    found = db.execute(
        select(
            epoch_seconds(at),
            epoch_microseconds(at),
            interval_index(at, 1800),
            local_day_index(at, 8 * 3600),
            microseconds_between(at, Interaction.answered_at),
        ).where(Interaction.id == row.id)
    ).one()
    whole = int((EDGE - EPOCH).total_seconds())
    assert found[0] == whole
    assert found[1] == whole * 1_000_000 + 999_999
    assert found[2] == whole // 1800  # 15:30 UTC, not 16:00
    assert found[3] == (whole + 8 * 3600) // 86400  # 1 October in Beijing, not the 2nd
    assert found[4] == 20_000_001


def test_a_shifted_time_compares_exactly_with_stored_times(db: Session) -> None:
    row = _stored(db, EDGE, EDGE + timedelta(days=7))
    week = 7 * 86400
    inside, outside = db.execute(
        select(
            Interaction.answered_at <= shifted(Interaction.offered_at, week),
            Interaction.answered_at <= shifted(Interaction.offered_at, week - 1),
        ).where(Interaction.id == row.id)
    ).one()
    assert bool(inside) and not bool(outside)


# The rows are literals: nothing is written, so one session serves every example.
@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.datetimes(min_value=datetime(2001, 1, 1), max_value=datetime(2099, 1, 1)),
    st.integers(min_value=0, max_value=10**12),
)
def test_exact_microseconds_for_any_instant(db: Session, naive: datetime, span: int) -> None:
    start = naive.replace(tzinfo=UTC)
    end = start + timedelta(microseconds=span)
    found = db.execute(
        select(
            epoch_microseconds(literal(start, Interaction.offered_at.type)),
            microseconds_between(
                literal(start, Interaction.offered_at.type),
                literal(end, Interaction.offered_at.type),
            ),
        )
    ).one()
    assert found[0] == (start - EPOCH) // timedelta(microseconds=1)
    assert found[1] == span


def test_each_shift_and_each_day_compiles_to_its_own_statement(db: Session) -> None:
    # Found writing the churn features: the shift was not part of the statement's cache
    # key, so the second shift of a process ran with the first one's seconds.
    row = _stored(db, EDGE)
    at = select(Interaction.offered_at).where(Interaction.id == row.id).scalar_subquery()
    for seconds in (10, 20, -86_400):
        moved = db.scalar(select(epoch_seconds(shifted(at, seconds))))
        assert moved == int((EDGE - EPOCH).total_seconds()) + seconds


def test_days_before_counts_whole_days_on_both_databases(db: Session) -> None:
    customer = make_customer(db, make_org(db).city)
    for day, expected in ((date(2026, 3, 1), 0), (date(2026, 3, 31), 30), (date(2027, 3, 1), 365)):
        customer.customer_since = date(2026, 3, 1)
        db.flush()
        found = db.scalar(
            select(days_before(type(customer).customer_since, day)).where(
                type(customer).id == customer.id
            )
        )
        assert found == expected
