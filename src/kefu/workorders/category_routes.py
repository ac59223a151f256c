"""HTTP routes of the category taxonomy (分类): categories, their scripts and reply
templates, which admins keep."""

from __future__ import annotations

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse

from kefu.core.idempotency import run_once
from kefu.core.types import PathId
from kefu.core.web import DbSession, IdempotencyKey, IfMatch, check_version, etag
from kefu.errors import NotFound
from kefu.workorders import categories, repository
from kefu.workorders.category_schemas import (
    CategoryCreate,
    CategoryMove,
    CategoryNode,
    CategoryUpdate,
    TemplateCreate,
    TemplateRead,
    TemplateUpdate,
)
from kefu.workorders.deps import CanEditCategories, CanReadOrders
from kefu.workorders.models import Category

router = APIRouter(prefix="/api/v1", tags=["work orders"])


@router.get("/order-categories", response_model=list[CategoryNode])
def category_tree(
    _: CanReadOrders, session: DbSession, include_inactive: bool = False
) -> list[CategoryNode]:
    """The category taxonomy with scripts and reply templates (``include_inactive``:
    retired categories and templates too)."""
    return categories.tree(session, include_inactive=include_inactive)


@router.post("/order-categories", response_model=CategoryNode, status_code=201)
def create_category(
    data: CategoryCreate,
    principal: CanEditCategories,
    session: DbSession,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Add a category (at most three levels)."""

    def create() -> CategoryNode:
        category = categories.create_category(session, data=data, by=principal)
        return _node(session, category.id)

    status, body = run_once(
        session,
        key=idempotency_key,
        actor_id=principal.staff_id,
        operation="category.create",
        payload=data,
        create=create,
    )
    return JSONResponse(body, status_code=status)


@router.patch("/order-categories/{category_id}", response_model=CategoryNode)
def update_category(
    category_id: PathId,
    data: CategoryUpdate,
    version: IfMatch,
    principal: CanEditCategories,
    session: DbSession,
) -> CategoryNode:
    """Change a category; a stale If-Match is a 409. Retiring a category retires its
    branch for new orders; orders already filed keep it."""
    category = _category(session, category_id)
    check_version(category.version, version)
    categories.update_category(session, category=category, data=data, by=principal)
    return _node(session, category.id)


@router.post("/order-categories/{category_id}/move", response_model=CategoryNode)
def move_category(
    category_id: PathId,
    data: CategoryMove,
    version: IfMatch,
    principal: CanEditCategories,
    session: DbSession,
) -> CategoryNode:
    """Move a category one place up or down among its siblings; a stale If-Match is a
    409, the first moved up or the last moved down a 422."""
    category = _category(session, category_id)
    check_version(category.version, version)
    categories.move_category(session, category=category, direction=data.direction, by=principal)
    return _node(session, category.id)


@router.post(
    "/order-categories/{category_id}/templates", response_model=TemplateRead, status_code=201
)
def add_template(
    category_id: PathId,
    data: TemplateCreate,
    principal: CanEditCategories,
    session: DbSession,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Add a unified reply template to a category."""
    category = _category(session, category_id)

    def create() -> TemplateRead:
        template = categories.add_template(session, category=category, data=data, by=principal)
        session.flush()
        return TemplateRead.model_validate(template)

    status, body = run_once(
        session,
        key=idempotency_key,
        actor_id=principal.staff_id,
        operation=f"category.template.{category_id}",  # one key, one category
        payload=data,
        create=create,
    )
    return JSONResponse(body, status_code=status)


@router.patch("/order-templates/{template_id}", response_model=TemplateRead)
def update_template(
    template_id: PathId,
    data: TemplateUpdate,
    version: IfMatch,
    principal: CanEditCategories,
    session: DbSession,
    response: Response,
) -> TemplateRead:
    """Reword, retire or bring back a reply template; a stale If-Match is a 409."""
    template = repository.template(session, template_id)
    if template is None:
        raise NotFound("template_not_found")
    check_version(template.version, version)
    categories.update_template(session, template=template, data=data, by=principal)
    session.flush()
    response.headers["ETag"] = etag(template.version)
    return TemplateRead.model_validate(template)


def _category(session: DbSession, category_id: int) -> Category:
    """The category to change, or 404."""
    category = repository.category(session, category_id)
    if category is None:
        raise NotFound("category_not_found")
    return category


def _node(session: DbSession, category_id: int) -> CategoryNode:
    session.flush()
    for top in categories.tree(session, include_inactive=True):
        found = _find(top, category_id)
        if found is not None:
            return found
    raise NotFound("category_not_found")


def _find(node: CategoryNode, category_id: int) -> CategoryNode | None:
    if node.id == category_id:
        return node
    for child in node.children:
        found = _find(child, category_id)
        if found is not None:
            return found
    return None
