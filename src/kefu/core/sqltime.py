"""Durations computed in the database, the same way on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Float
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql._typing import _ColumnExpressionArgument
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
