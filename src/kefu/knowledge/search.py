"""Chinese full-text search over the library, one query per database.

Queries are cut into words (see ``segment``) and any word may match; results are ranked
by BM25 on SQLite (FTS5) and ``ts_rank`` on PostgreSQL, so an article holding more of
the words, in its title above all, comes first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import BindParameter, Row, bindparam, select, text
from sqlalchemy.orm import Session

from kefu.knowledge import segment
from kefu.knowledge.enums import ArticleKind, ArticleStatus
from kefu.knowledge.models import FTS_TABLE, VECTOR_COLUMN, Article
from kefu.workorders.models import Category

SNIPPET_CHARS = 90


@dataclass(frozen=True)
class Filters:
    """What a search is limited to."""

    kind: ArticleKind | None = None
    category_path: str | None = None  # this category and below
    statuses: Sequence[ArticleStatus] = (ArticleStatus.PUBLISHED,)


@dataclass(frozen=True)
class Hit:
    """One article found, with its rank (higher is better)."""

    article: Article
    score: float


@dataclass(frozen=True)
class Found:
    """One page of a search."""

    hits: list[Hit]
    total: int
    terms: list[str]


Ranked = tuple[Sequence[Row[Any]], int]  # (id, score) rows and the total
STATUSES: BindParameter[Any] = bindparam("statuses", expanding=True)


def _where(filters: Filters, params: dict[str, object]) -> str:
    clauses = ["a.status IN :statuses"]
    params["statuses"] = tuple(str(s) for s in filters.statuses)
    if filters.kind is not None:
        clauses.append("a.kind = :kind")
        params["kind"] = str(filters.kind)
    if filters.category_path is not None:
        clauses.append(
            "a.category_id IN (SELECT id FROM wo_categories WHERE path LIKE :category_path)"
        )
        params["category_path"] = filters.category_path + "%"
    return " AND ".join(clauses)


def _matches(
    session: Session, terms: list[str], filters: Filters, limit: int, offset: int
) -> Ranked:
    params: dict[str, object] = {"limit": limit, "offset": offset}
    where = _where(filters, params)
    if session.get_bind().dialect.name == "postgresql":
        # The terms are plain words (\w+), so quoting them makes a safe tsquery.
        params["query"] = " | ".join(f"'{t}'" for t in terms)
        source = (
            f"FROM kb_articles a, to_tsquery('simple', :query) q "
            f"WHERE a.{VECTOR_COLUMN} @@ q AND {where}"
        )
        score = f"ts_rank(a.{VECTOR_COLUMN}, q)"
    else:
        params["query"] = " OR ".join(f'"{t}"' for t in terms)
        source = (
            f"FROM {FTS_TABLE} f JOIN kb_articles a ON a.id = f.rowid "
            f"WHERE {FTS_TABLE} MATCH :query AND {where}"
        )
        # bm25() is lower for better matches; negated so higher is better on both.
        score = f"-bm25({FTS_TABLE})"
    ranked = f"SELECT a.id, {score} AS score {source} ORDER BY score DESC, a.id DESC"
    rows = session.execute(
        text(f"{ranked} LIMIT :limit OFFSET :offset").bindparams(STATUSES),
        params,
    ).all()
    total = session.execute(
        text(f"SELECT count(*) {source}").bindparams(STATUSES), params
    ).scalar_one()
    return rows, total


def _browse(session: Session, filters: Filters, limit: int, offset: int) -> Ranked:
    params: dict[str, object] = {"limit": limit, "offset": offset}
    where = _where(filters, params)
    rows = session.execute(
        text(
            f"SELECT a.id, 0.0 AS score FROM kb_articles a WHERE {where} "
            "ORDER BY a.updated_at DESC, a.id DESC LIMIT :limit OFFSET :offset"
        ).bindparams(STATUSES),
        params,
    ).all()
    total = session.execute(
        text(f"SELECT count(*) FROM kb_articles a WHERE {where}").bindparams(STATUSES),
        params,
    ).scalar_one()
    return rows, total


def search(
    session: Session, *, query: str, filters: Filters, limit: int = 20, offset: int = 0
) -> Found:
    """Articles matching any word of the query, best first; the newest when it is empty."""
    terms = segment.query_terms(query)
    if terms:
        rows, total = _matches(session, terms, filters, limit, offset)
    else:
        rows, total = _browse(session, filters, limit, offset)
    ids = [row.id for row in rows]
    by_id = {a.id: a for a in session.scalars(select(Article).where(Article.id.in_(ids)))}
    hits = [Hit(by_id[row.id], float(row.score)) for row in rows if row.id in by_id]
    return Found(hits, int(total), terms)


def snippet(body: str, terms: list[str]) -> str:
    """A short piece of the body around the first word found (its start when none is)."""
    lowered = body.lower()
    positions = [p for p in (lowered.find(t) for t in terms) if p >= 0]
    start = max(0, min(positions) - SNIPPET_CHARS // 3) if positions else 0
    piece = " ".join(body[start : start + SNIPPET_CHARS].split())
    return ("…" if start else "") + piece + ("…" if start + SNIPPET_CHARS < len(body) else "")


def category_path(session: Session, category_id: int | None) -> str | None:
    """The tree path of a category, for "this category and below" (None when unset)."""
    if category_id is None:
        return None
    category = session.get(Category, category_id)
    return category.path if category else "/none/"
