"""Tables of the knowledge domain.

The full-text index is dialect-specific and lives outside the models: on SQLite an FTS5
table kept in step by triggers, on PostgreSQL a generated ``tsvector`` column with a GIN
index (both made by migration 0006). ``SEARCH_OBJECTS`` names them so the schema check
leaves them out of the comparison with the models.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kefu.core.base import Base, IdMixin, TimestampMixin, VersionedMixin
from kefu.knowledge.enums import ArticleKind, ArticleStatus

FTS_TABLE = "kb_articles_fts"  # SQLite
VECTOR_COLUMN = "search_vector"  # PostgreSQL
SEARCH_OBJECTS = frozenset({VECTOR_COLUMN, "ix_kb_articles_search_vector"})


def is_search_object(name: str | None) -> bool:
    """True for the dialect-specific full-text objects the models do not describe."""
    return bool(name) and (name in SEARCH_OBJECTS or str(name).startswith(FTS_TABLE))


class Article(IdMixin, TimestampMixin, VersionedMixin, Base):
    """Why: one answer, written once, found by every agent in seconds."""

    __tablename__ = "kb_articles"

    kind: Mapped[ArticleKind] = mapped_column(String(10), index=True)
    status: Mapped[ArticleStatus] = mapped_column(
        String(10), default=ArticleStatus.PUBLISHED, index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)  # may hold {placeholders} filled from an order
    tags: Mapped[str] = mapped_column(String(200), default="")
    category_id: Mapped[int | None] = mapped_column(ForeignKey("wo_categories.id"), index=True)
    # A case comes from one closed order, and an order gives at most one case.
    source_order_id: Mapped[int | None] = mapped_column(ForeignKey("work_orders.id"), unique=True)
    # The last day it holds (有效期至, the center's date): a promotion's rules end with the
    # promotion; from the day after, agents' searches leave it out. None: no end.
    valid_until: Mapped[date | None] = mapped_column(index=True)  # the ended, found at once
    # jieba tokens of title (twice, so title words weigh more), tags and body, space-separated
    search_tokens: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
