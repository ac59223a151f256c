"""Offset pagination shared by list endpoints."""

from __future__ import annotations

from typing import Annotated, Generic, TypeVar

from fastapi import Depends, Query
from pydantic import BaseModel

T = TypeVar("T")

MAX_PAGE_SIZE = 200


class PageParams(BaseModel):
    """Which page of a list to return."""

    page: int = 1
    size: int = 50

    @property
    def offset(self) -> int:
        """Rows to skip."""
        return (self.page - 1) * self.size


def page_params(
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    size: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 50,
) -> PageParams:
    """Read page and size from the query string."""
    return PageParams(page=page, size=size)


class Page(BaseModel, Generic[T]):
    """One page of a list with the total count."""

    items: list[T]
    total: int
    page: int
    size: int


Paging = Annotated[PageParams, Depends(page_params)]
