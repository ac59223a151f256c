"""Durations and intervals computed in the database, the same way on SQLite and PostgreSQL,
so aggregations by time run where the rows are."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import BigInteger, Float
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql._typing import _ColumnExpressionArgument
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.expression import FunctionElement
from sqlalchemy.sql.visitors import InternalTraversal


class seconds_between(FunctionElement[float]):
    """Seconds from the first instant to the second (NULL when either is NULL)."""

    type = Float()
    inherit_cache = True

    def __init__(
        self, start: _ColumnExpressionArgument[Any], end: _ColumnExpressionArgument[Any]
    ) -> None:
        super().__init__(start, end)


@compiles(seconds_between, "sqlite")
def _sqlite(element: seconds_between, compiler: Any, **kw: Any) -> str:
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    return f"((julianday({end}) - julianday({start})) * 86400.0)"


@compiles(seconds_between, "postgresql")
def _postgresql(element: seconds_between, compiler: Any, **kw: Any) -> str:
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    return f"EXTRACT(EPOCH FROM ({end} - {start}))"


class epoch_seconds(FunctionElement[int]):
    """Whole seconds since 1970-01-01 UTC of a stored UTC timestamp."""

    type = BigInteger()
    inherit_cache = True


@compiles(epoch_seconds, "sqlite")
def _sqlite_epoch(element: epoch_seconds, compiler: Any, **kw: Any) -> str:
    # kefu stores SQLite timestamps as naive UTC text, which strftime reads as UTC. The
    # fraction is cut first: SQLite rounds times to milliseconds, so 23:59:59.9999995 would
    # become the next day.
    value = compiler.process(element.clauses, **kw)
    return f"CAST(strftime('%s', substr({value}, 1, 19)) AS INTEGER)"


@compiles(epoch_seconds, "postgresql")
def _postgresql_epoch(element: epoch_seconds, compiler: Any, **kw: Any) -> str:
    # FLOOR first: casting a fractional epoch to BIGINT would round half a second up.
    return f"CAST(FLOOR(EXTRACT(EPOCH FROM {compiler.process(element.clauses, **kw)})) AS BIGINT)"


def interval_index(column: _ColumnExpressionArgument[Any], seconds: int) -> ColumnElement[int]:
    """Which ``seconds``-long UTC interval (counted from 1970) a timestamp falls in."""
    return epoch_seconds(column) // seconds


class epoch_microseconds(FunctionElement[int]):
    """Exact microseconds since 1970-01-01 UTC of a stored UTC timestamp.

    Why not seconds_between: SQLite's julianday is a double with ~0.1 ms of error, so a
    wait of exactly 20 s could count as 20.00001 s on one database and 20 s on the other.
    Integer microseconds add up and compare the same on both.
    """

    type = BigInteger()
    inherit_cache = True


@compiles(epoch_microseconds, "sqlite")
def _sqlite_epoch_us(element: epoch_microseconds, compiler: Any, **kw: Any) -> str:
    # Stored as 'YYYY-MM-DD HH:MM:SS.ffffff'. SQLite keeps times in whole milliseconds, so
    # the fraction would round 59.9999995 s up to the next second: the whole seconds are
    # parsed without it and the six digits added as written.
    value = compiler.process(element.clauses, **kw)
    return (
        f"(CAST(strftime('%s', substr({value}, 1, 19)) AS INTEGER) * 1000000"
        f" + CAST(substr({value}, 21, 6) AS INTEGER))"
    )


@compiles(epoch_microseconds, "postgresql")
def _postgresql_epoch_us(element: epoch_microseconds, compiler: Any, **kw: Any) -> str:
    # EXTRACT gives an exact numeric on PostgreSQL 14 and later.
    value = compiler.process(element.clauses, **kw)
    return f"CAST(FLOOR(EXTRACT(EPOCH FROM {value}) * 1000000) AS BIGINT)"


def microseconds_between(
    start: _ColumnExpressionArgument[Any], end: _ColumnExpressionArgument[Any]
) -> ColumnElement[int]:
    """Exact whole microseconds from ``start`` to ``end`` (NULL when either is NULL)."""
    return epoch_microseconds(end) - epoch_microseconds(start)


class shifted(FunctionElement[Any]):
    """A stored timestamp moved by whole seconds, comparable with stored timestamps.

    Why a function: an index on the column serves ``later.at <= shifted(earlier.at, n)``,
    which arithmetic on epoch numbers would hide from the planner.
    """

    inherit_cache = True
    # The shift is part of the statement's text, so it must be part of its cache key too:
    # without it, the first shift compiled would be reused for every other.
    _traverse_internals = [  # noqa: RUF012 (SQLAlchemy reads it as a class list)
        *FunctionElement._traverse_internals,
        ("seconds", InternalTraversal.dp_plain_obj),
    ]

    def __init__(self, column: _ColumnExpressionArgument[Any], seconds: int) -> None:
        self.seconds = int(seconds)
        super().__init__(column)


@compiles(shifted, "sqlite")
def _sqlite_shifted(element: shifted, compiler: Any, **kw: Any) -> str:
    # The whole seconds are shifted without the fraction (SQLite would round it to
    # milliseconds) and the stored fraction put back, so the text compares exactly.
    value = compiler.process(element.clauses, **kw)
    whole = f"substr({value}, 1, 19)"
    return f"(datetime({whole}, '{element.seconds:+d} seconds') || substr({value}, 20))"


@compiles(shifted, "postgresql")
def _postgresql_shifted(element: shifted, compiler: Any, **kw: Any) -> str:
    value = compiler.process(element.clauses, **kw)
    return f"({value} + make_interval(secs => {element.seconds}))"


def local_day_index(
    column: _ColumnExpressionArgument[Any], offset_seconds: int
) -> ColumnElement[int]:
    """Days since 1970-01-01 of a timestamp's local date, for a zone ``offset_seconds``
    ahead of UTC (callers check the offset holds for the whole period)."""
    return (epoch_seconds(column) + offset_seconds) // 86400


class days_before(FunctionElement[int]):
    """Whole days from a stored date to a given date (negative when the date is later)."""

    type = BigInteger()
    inherit_cache = True
    _traverse_internals = [  # noqa: RUF012 (SQLAlchemy reads it as a class list)
        *FunctionElement._traverse_internals,
        ("day", InternalTraversal.dp_plain_obj),
    ]

    def __init__(self, column: _ColumnExpressionArgument[Any], day: date) -> None:
        self.day = day
        super().__init__(column)


@compiles(days_before, "sqlite")
def _sqlite_days_before(element: days_before, compiler: Any, **kw: Any) -> str:
    value = compiler.process(element.clauses, **kw)
    return f"CAST(julianday('{element.day.isoformat()}') - julianday({value}) AS INTEGER)"


@compiles(days_before, "postgresql")
def _postgresql_days_before(element: days_before, compiler: Any, **kw: Any) -> str:
    value = compiler.process(element.clauses, **kw)
    return f"(DATE '{element.day.isoformat()}' - {value})"
