"""Console page of the category taxonomy (分类与回复模板): agents read each category's
call script and reply templates; admins keep them."""

from __future__ import annotations

from typing import Annotated, NamedTuple

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from kefu.console.render import render, signed_in
from kefu.core.rbac import Right
from kefu.core.types import INT32_MAX
from kefu.core.web import DbSession
from kefu.workorders import categories
from kefu.workorders.categories import MAX_LEVEL
from kefu.workorders.category_schemas import CategoryNode

router = APIRouter(include_in_schema=False)


class Branch(NamedTuple):
    """A category as the tree lists it: with the categories above it, and whether it
    takes new orders (itself and everything above it in use)."""

    node: CategoryNode
    trail: list[CategoryNode]  # from the top, the category itself last
    in_use: bool
    first: bool  # among its siblings, as agents see them
    last: bool


def _branches(
    nodes: list[CategoryNode], trail: tuple[CategoryNode, ...] = (), in_use: bool = True
) -> list[Branch]:
    """Every category in tree order."""
    found: list[Branch] = []
    for place, node in enumerate(nodes):
        here = (*trail, node)
        first, last = place == 0, place == len(nodes) - 1
        found.append(Branch(node, list(here), in_use and node.active, first, last))
        found += _branches(node.children, here, in_use and node.active)
    return found


@router.get("/orders/categories", response_class=HTMLResponse)
def taxonomy_page(
    request: Request,
    session: DbSession,
    category: Annotated[int | None, Query(alias="id", ge=1, le=INT32_MAX)] = None,
) -> Response:
    """The taxonomy with one category open: its script and reply templates. Admins see
    retired ones too, and edit them."""
    principal = signed_in(request, session, Right.ORDER_READ)
    if isinstance(principal, Response):
        return principal
    can_edit = principal.has(Right.CATEGORY_WRITE)
    branches = _branches(categories.tree(session, include_inactive=can_edit))
    chosen = next((b for b in branches if b.node.id == category), None)
    if chosen is None and branches:
        chosen = branches[0]
    return render(
        request,
        "orders/categories.html",
        principal,
        branches=branches,
        chosen=chosen,
        can_edit=can_edit,
        max_level=MAX_LEVEL,
    )
