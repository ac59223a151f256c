"""HTTP routes of the knowledge and case library."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from kefu.core.idempotency import run_once
from kefu.core.pagination import Paging
from kefu.core.rbac import Principal, Right
from kefu.core.types import PathId
from kefu.core.web import DbSession, IdempotencyKey, IfMatch, Today, check_version, etag
from kefu.errors import Conflict, Forbidden, MethodNotAllowed, NotFound
from kefu.knowledge import search, service
from kefu.knowledge.enums import ArticleKind, ArticleStatus
from kefu.knowledge.models import Article
from kefu.knowledge.schemas import (
    ArticleCreate,
    ArticleRead,
    ArticleUpdate,
    CaseCreate,
    FilledText,
    SearchHit,
    SearchPage,
)
from kefu.knowledge.views import article_read, category_brief, expired
from kefu.org.deps import require
from kefu.workorders.deps import visible_order
from kefu.workorders.templates import fill_for_order

router = APIRouter(prefix="/api/v1", tags=["knowledge"])
CanRead = Annotated[Principal, Depends(require(Right.KNOWLEDGE_READ))]
CanWrite = Annotated[Principal, Depends(require(Right.KNOWLEDGE_WRITE))]
SearchText = Annotated[str, Query(max_length=200)]


def _visible(principal: Principal, article: Article) -> bool:
    # Drafts and archived texts are for the people who keep the library.
    return article.status == ArticleStatus.PUBLISHED or principal.has(Right.KNOWLEDGE_WRITE)


def _load(session: Session, article_id: int, principal: Principal) -> Article:
    article = session.get(Article, article_id)
    if article is None or not _visible(principal, article):
        raise NotFound("article_not_found")
    return article


@router.get("/knowledge", response_model=SearchPage)
def search_library(
    principal: CanRead,
    session: DbSession,
    params: Paging,
    today: Today,
    q: SearchText = "",
    kind: ArticleKind | None = None,
    category_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    status: ArticleStatus = ArticleStatus.PUBLISHED,
    include_expired: bool = False,
) -> SearchPage:
    """Search articles, scripts and cases in Chinese or English; the newest without ``q``.
    Those past their last day in effect (a promotion ended) are left out unless
    ``include_expired``: an agent must not quote them."""
    if status is not ArticleStatus.PUBLISHED and not principal.has(Right.KNOWLEDGE_WRITE):
        raise Forbidden("knowledge_drafts_forbidden", field="status")
    filters = search.Filters(
        kind=kind,
        category_path=search.category_path(session, category_id),
        statuses=(status,),
        in_effect_on=None if include_expired else today,
    )
    found = search.search(
        session, query=q, filters=filters, limit=params.size, offset=params.offset
    )
    items = [
        SearchHit(
            id=hit.article.id,
            kind=hit.article.kind,
            status=hit.article.status,
            title=hit.article.title,
            snippet=search.snippet(hit.article.body, found.terms),
            category=category_brief(session, hit.article.category_id),
            updated_at=hit.article.updated_at,
            valid_until=hit.article.valid_until,
            expired=expired(hit.article, today),
            score=round(hit.score, 4),
        )
        for hit in found.hits
    ]
    return SearchPage(
        items=items, total=found.total, page=params.page, size=params.size, terms=found.terms
    )


@router.post("/knowledge", response_model=ArticleRead, status_code=201)
def create_article(
    data: ArticleCreate,
    principal: CanWrite,
    session: DbSession,
    today: Today,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Write an article or call script (published at once unless sent as a draft)."""

    def create() -> ArticleRead:
        article = service.create_article(session, data=data, by=principal)
        return article_read(session, article, today)

    status, body = run_once(
        session,
        key=idempotency_key,
        actor_id=principal.staff_id,
        operation="knowledge.create",
        payload=data,
        create=create,
    )
    return JSONResponse(body, status_code=status)


@router.post("/knowledge/cases", response_model=ArticleRead, status_code=201)
def promote_case(
    data: CaseCreate,
    principal: CanWrite,
    session: DbSession,
    today: Today,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Make a draft case from a closed order, with names, numbers and addresses removed."""

    def create() -> ArticleRead:
        order = visible_order(session, data.order_id, principal, field="order_id")
        article = service.promote_case(session, data=data, order=order, by=principal)
        return article_read(session, article, today)

    status, body = run_once(
        session,
        key=idempotency_key,
        actor_id=principal.staff_id,
        operation="knowledge.case",
        payload=data,
        create=create,
    )
    return JSONResponse(body, status_code=status)


@router.get("/knowledge/{article_id}", response_model=ArticleRead)
def get_article(
    article_id: PathId, principal: CanRead, session: DbSession, response: Response, today: Today
) -> ArticleRead:
    """One article; the ETag carries its version for If-Match."""
    article = _load(session, article_id, principal)
    response.headers["ETag"] = etag(article.version)
    return article_read(session, article, today)


@router.patch("/knowledge/{article_id}", response_model=ArticleRead)
def update_article(
    article_id: PathId,
    data: ArticleUpdate,
    principal: CanWrite,
    session: DbSession,
    version: IfMatch,
    response: Response,
    today: Today,
) -> ArticleRead:
    """Edit, publish or archive an article (If-Match required)."""
    article = _load(session, article_id, principal)
    check_version(article.version, version)
    service.update_article(session, article=article, data=data, by=principal)
    response.headers["ETag"] = etag(article.version)
    return article_read(session, article, today)


@router.delete("/knowledge/{article_id}", status_code=405, include_in_schema=False)
def delete_article(article_id: PathId) -> None:
    """Articles are archived, never deleted."""
    raise MethodNotAllowed()


@router.get("/knowledge/{article_id}/fill", response_model=FilledText)
def fill_article(
    article_id: PathId,
    order_id: Annotated[int, Query(ge=1, le=2**31 - 1)],
    principal: CanRead,
    session: DbSession,
    request: Request,
    today: Today,
) -> FilledText:
    """The article's text with an order's values in its placeholders, ready for a reply;
    not an article past its last day in effect (a promotion that has ended), which must
    not be quoted to a customer."""
    article = _load(session, article_id, principal)
    if expired(article, today):
        raise Conflict("article_ended", title=article.title, day=article.valid_until)
    order = visible_order(session, order_id, principal, field="order_id")
    timezone = request.app.state.settings.timezone
    return FilledText(text=fill_for_order(session, article.body, order=order, timezone=timezone))
