"""Durations and intervals computed in the database, the same way on SQLite and PostgreSQL,
so aggregations by time run where the rows are."""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, Float
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql._typing import _ColumnExpressionArgument
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.expression import FunctionElement


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
    # kefu stores SQLite timestamps as naive UTC text, which strftime reads as UTC.
    return f"CAST(strftime('%s', {compiler.process(element.clauses, **kw)}) AS INTEGER)"


@compiles(epoch_seconds, "postgresql")
def _postgresql_epoch(element: epoch_seconds, compiler: Any, **kw: Any) -> str:
    # FLOOR first: casting a fractional epoch to BIGINT would round half a second up.
    return f"CAST(FLOOR(EXTRACT(EPOCH FROM {compiler.process(element.clauses, **kw)})) AS BIGINT)"


def interval_index(column: _ColumnExpressionArgument[Any], seconds: int) -> ColumnElement[int]:
    """Which ``seconds``-long UTC interval (counted from 1970) a timestamp falls in."""
    return epoch_seconds(column) // seconds
