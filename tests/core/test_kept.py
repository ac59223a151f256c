"""Reference values kept for a few seconds: read once, emptied by any change to their
table (a flush, a commit, a bulk statement), and never kept from a load that overlapped
a change."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from kefu.core.calendar_days import CalendarDay, overrides
from kefu.core.db import make_sessionmaker
from kefu.core.kept import INFO_KEY, Kept, kept_value
from kefu.org.models import Staff

HOLIDAY = date(2031, 5, 6)


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _factory(session_factory: sessionmaker[Session], store: Kept) -> sessionmaker[Session]:
    return make_sessionmaker(
        session_factory.kw["bind"], join_transaction_mode="create_savepoint", info={INFO_KEY: store}
    )


def _counting(loads: list[int]):
    def load(session: Session) -> list[date]:
        loads.append(1)
        return list(session.scalars(select(CalendarDay.day)))

    return load


def test_a_value_is_read_once_until_it_is_old(session_factory: sessionmaker[Session]) -> None:
    clock = Clock()
    factory = _factory(session_factory, Kept(keep_seconds=5, clock=clock))
    loads: list[int] = []
    with factory() as session:
        for _ in range(3):
            kept_value(session, "days", _counting(loads), (CalendarDay,))
    with factory() as other:  # another request on the same database
        kept_value(other, "days", _counting(loads), (CalendarDay,))
        assert len(loads) == 1
        clock.now += 5.5
        kept_value(other, "days", _counting(loads), (CalendarDay,))
    assert len(loads) == 2


def test_a_committed_change_is_seen_by_the_next_read(
    session_factory: sessionmaker[Session],
) -> None:
    factory = _factory(session_factory, Kept())
    with factory() as reader:
        assert HOLIDAY not in overrides(reader)
    with factory() as writer:
        writer.add(CalendarDay(day=HOLIDAY, workday=False, note="地方节日"))
        writer.commit()
    with factory() as reader:
        assert overrides(reader)[HOLIDAY] is False
    with factory() as writer:  # a bulk statement counts as a change too
        writer.execute(update(CalendarDay).where(CalendarDay.day == HOLIDAY).values(workday=True))
        writer.commit()
    with factory() as reader:
        assert overrides(reader)[HOLIDAY] is True


def test_an_uncommitted_change_is_not_kept_for_others(
    session_factory: sessionmaker[Session],
) -> None:
    factory = _factory(session_factory, Kept())
    with factory() as writer:
        writer.add(CalendarDay(day=HOLIDAY, workday=False))
        writer.flush()
        assert overrides(writer)[HOLIDAY] is False  # the writer sees its own change...
        writer.rollback()
    with factory() as reader:
        assert HOLIDAY not in overrides(reader)  # ...and nobody keeps it after the rollback


def test_a_load_that_overlaps_a_change_is_not_kept(
    session_factory: sessionmaker[Session],
) -> None:
    store = Kept()
    factory = _factory(session_factory, store)
    loads: list[int] = []

    def load_while_changing(session: Session) -> str:
        loads.append(1)
        store.forget({CalendarDay})  # another request commits a change meanwhile
        return "old"

    with factory() as session:
        kept_value(session, "days", load_while_changing, (CalendarDay,))
        kept_value(session, "days", load_while_changing, (CalendarDay,))
    assert len(loads) == 2

    def load_while_others_write(session: Session) -> str:
        loads.append(1)
        store.forget({Staff})  # every write changes some table: only the watched ones count
        return "fresh"

    with factory() as session:
        kept_value(session, "other", load_while_others_write, (CalendarDay,))
        kept_value(session, "other", load_while_others_write, (CalendarDay,))
    assert len(loads) == 3


def test_a_session_without_a_store_reads_every_time(
    session_factory: sessionmaker[Session],
) -> None:
    loads: list[int] = []
    with Session(session_factory.kw["bind"]) as bare:
        kept_value(bare, "days", _counting(loads), (CalendarDay,))
        kept_value(bare, "days", _counting(loads), (CalendarDay,))
    assert len(loads) == 2
