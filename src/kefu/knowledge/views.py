"""Response shapes built from knowledge rows."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from kefu.knowledge.models import Article
from kefu.knowledge.schemas import ArticleRead, Brief
from kefu.org.models import Staff
from kefu.workorders.category_tree import category_tree


def category_brief(session: Session, category_id: int | None) -> Brief | None:
    """The category's id and names (None when the article has none), from the kept tree:
    a page of search hits reads no category rows."""
    category = category_tree(session).get(category_id) if category_id else None
    return Brief(id=category.id, name=category.name, name_en=category.name_en) if category else None


def expired(article: Article, today: date) -> bool:
    """Whether the article is past its last day in effect (the center's ``today``)."""
    return article.valid_until is not None and article.valid_until < today


def article_read(session: Session, article: Article, today: date) -> ArticleRead:
    """The article as the API shows it, on the center's ``today``."""
    author = session.get(Staff, article.created_by_id) if article.created_by_id else None
    return ArticleRead(
        id=article.id,
        kind=article.kind,
        status=article.status,
        title=article.title,
        body=article.body,
        tags=article.tags,
        category=category_brief(session, article.category_id),
        source_order_id=article.source_order_id,
        author=author.display_name if author else None,
        created_at=article.created_at,
        updated_at=article.updated_at,
        version=article.version,
        valid_until=article.valid_until,
        expired=expired(article, today),
    )
