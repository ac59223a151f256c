"""Request and response shapes of the knowledge API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from kefu.core.types import NotNull, RefId, ShortText
from kefu.knowledge.enums import ArticleKind, ArticleStatus


def _not_a_case(kind: ArticleKind) -> ArticleKind:
    if kind is ArticleKind.CASE:
        raise ValueError("cases are made from closed orders (POST /api/v1/knowledge/cases)")
    return kind


Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=200)]
Body = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=20000)]
WrittenKind = Annotated[ArticleKind, AfterValidator(_not_a_case)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ArticleCreate(_Strict):
    """A new article or call script; the body may hold {placeholders} an order fills."""

    kind: WrittenKind = ArticleKind.ARTICLE
    title: Title
    body: Body
    tags: ShortText = ""
    category_id: RefId | None = None
    status: ArticleStatus = ArticleStatus.PUBLISHED
    valid_until: date | None = Field(
        None, description="Its last day in effect (a promotion's end); none: no end."
    )


class ArticleUpdate(_Strict):
    """A change to an article; fields left out stay as they are."""

    # An article always has a title, a body, tags (perhaps none) and a status: null is
    # refused for them, where category_id and valid_until take it to mean none.
    title: Annotated[Title | None, NotNull] = None
    body: Annotated[Body | None, NotNull] = None
    tags: Annotated[ShortText | None, NotNull] = None
    category_id: RefId | None = None
    status: Annotated[ArticleStatus | None, NotNull] = None
    valid_until: date | None = Field(None, description="null: no end from now on.")


class CaseCreate(_Strict):
    """Promote a closed order to the case library; personal data is removed."""

    order_id: RefId
    title: Title | None = None


class Brief(BaseModel):
    """A referenced record's id and name (and its English name, where it keeps one)."""

    id: int
    name: str
    name_en: str = ""


class ArticleRead(BaseModel):
    """One article, script or case."""

    id: int
    kind: ArticleKind
    status: ArticleStatus
    title: str
    body: str
    tags: str
    category: Brief | None
    source_order_id: int | None
    author: str | None
    created_at: datetime
    updated_at: datetime
    version: int
    valid_until: date | None = None
    expired: bool = Field(False, description="Past its last day in effect, in the center's date.")


class SearchHit(BaseModel):
    """One search result."""

    id: int
    kind: ArticleKind
    status: ArticleStatus
    title: str
    snippet: str
    category: Brief | None
    updated_at: datetime
    valid_until: date | None = None
    expired: bool = False
    score: float = Field(description="Relevance; higher is better (0 when browsing).")


class SearchPage(BaseModel):
    """One page of results, with the words the query was cut into."""

    items: list[SearchHit]
    total: int
    page: int
    size: int
    terms: list[str]


class FilledText(BaseModel):
    """An article's body with an order's values put into its placeholders."""

    text: str
