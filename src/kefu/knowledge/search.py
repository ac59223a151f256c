"""Chinese full-text search over the library, one query per database.

Queries are cut into words (see ``segment``) and any word may match; results are ranked
by BM25 on SQLite (FTS5) and ``ts_rank`` on PostgreSQL, so an article holding more of
the words, in its title above all, comes first. In a large library, words found in most
articles are left out of the match when rarer ones are there (see ``plan``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import BindParameter, Date, Row, bindparam, select, text
from sqlalchemy.orm import Session

from kefu.knowledge import segment, term_stats
from kefu.knowledge.enums import ArticleKind, ArticleStatus
from kefu.knowledge.models import FTS_TABLE, VECTOR_COLUMN, Article
from kefu.workorders.models import Category

SNIPPET_CHARS = 90
COMMON_SHARE = 0.2  # a word in more than this share of the articles ranks nothing
MIN_CORPUS_FOR_PLANNING = 1000


@dataclass(frozen=True)
class Filters:
    """What a search is limited to."""

    kind: ArticleKind | None = None
    category_path: str | None = None  # this category and below
    statuses: Sequence[ArticleStatus] = (ArticleStatus.PUBLISHED,)
    in_effect_on: date | None = None  # those past their last day by then left out


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
# Typed, so each database is given a date as it stores one (an ISO string on SQLite).
IN_EFFECT_ON: BindParameter[Any] = bindparam("in_effect_on", type_=Date)


def _binds(filters: Filters) -> tuple[BindParameter[Any], ...]:
    """The typed parameters of the filters' clauses (``_where``)."""
    return (STATUSES, IN_EFFECT_ON) if filters.in_effect_on is not None else (STATUSES,)


# Leaving out what has ended, as each database searches fastest (10,000 articles): SQLite
# checks a match's status in its covering index, and reading valid_until from the row
# (body and tokens) cost 2.5 ms a search, so it leaves out the few ended by id;
# PostgreSQL reads the row for its rank anyway, and the id list cost it 4 ms.
STILL_IN_EFFECT = {
    "sqlite": "a.id NOT IN (SELECT id FROM kb_articles WHERE valid_until < :in_effect_on)",
    "postgresql": "(a.valid_until IS NULL OR a.valid_until >= :in_effect_on)",
}


def _where(filters: Filters, params: dict[str, object], dialect: str) -> str:
    clauses = ["a.status IN :statuses"]
    params["statuses"] = tuple(str(s) for s in filters.statuses)
    if filters.in_effect_on is not None:
        clauses.append(STILL_IN_EFFECT[dialect])
        params["in_effect_on"] = filters.in_effect_on
    if filters.kind is not None:
        clauses.append("a.kind = :kind")
        params["kind"] = str(filters.kind)
    if filters.category_path is not None:
        clauses.append(
            "a.category_id IN (SELECT id FROM wo_categories WHERE path LIKE :category_path)"
        )
        params["category_path"] = filters.category_path + "%"
    return " AND ".join(clauses)


@dataclass(frozen=True)
class Match:
    """The words to match and whether any (or) or all (and) must be there."""

    words: list[str]
    every: bool = False


def plan(session: Session, terms: list[str]) -> list[Match]:
    """The matches to try in turn: any of the rarer words; when every word is common, all
    of them, then any of the two rarest. Small libraries simply match any word."""
    corpus = term_stats.corpus_size(session)
    if corpus < MIN_CORPUS_FOR_PLANNING:  # every query is fast there
        return [Match(terms)]
    counts = {t: term_stats.document_frequency(session, t) for t in terms}
    known_rare = [t for t in terms if 0 < counts[t] <= corpus * COMMON_SHARE]
    # A word counted as absent stays beside the others: an article written since may hold it.
    unseen = [t for t in terms if counts[t] == 0]
    if known_rare:
        return [Match(known_rare + unseen)]
    common = [t for t in terms if counts[t]]
    if not common:
        return [Match(terms)]
    rarest = sorted(common, key=lambda t: counts[t])[:2]
    return [Match(common, every=True), Match(rarest + unseen)]


def _matches(session: Session, match: Match, filters: Filters, limit: int, offset: int) -> Ranked:
    params: dict[str, object] = {"limit": limit, "offset": offset}
    dialect = session.get_bind().dialect.name
    where = _where(filters, params, dialect)
    terms = match.words
    if dialect == "postgresql":
        # The terms are plain words (\w+), so quoting them makes a safe tsquery.
        params["query"] = (" & " if match.every else " | ").join(f"'{t}'" for t in terms)
        source = (
            f"FROM kb_articles a, to_tsquery('simple', :query) q "
            f"WHERE a.{VECTOR_COLUMN} @@ q AND {where}"
        )
        score = f"ts_rank(a.{VECTOR_COLUMN}, q)"
    else:
        params["query"] = (" AND " if match.every else " OR ").join(f'"{t}"' for t in terms)
        # CROSS JOIN keeps the full-text match as the outer loop: with a plain JOIN the
        # planner may walk the articles and run the match once per article (seconds).
        source = (
            f"FROM {FTS_TABLE} f CROSS JOIN kb_articles a ON a.id = f.rowid "
            f"WHERE {FTS_TABLE} MATCH :query AND {where}"
        )
        # bm25() is lower for better matches; negated so higher is better on both.
        score = f"-bm25({FTS_TABLE})"
    ranked = f"SELECT a.id, {score} AS score {source} ORDER BY score DESC, a.id DESC"
    rows = session.execute(
        text(f"{ranked} LIMIT :limit OFFSET :offset").bindparams(*_binds(filters)),
        params,
    ).all()
    total = session.execute(
        text(f"SELECT count(*) {source}").bindparams(*_binds(filters)), params
    ).scalar_one()
    return rows, total


def _browse(session: Session, filters: Filters, limit: int, offset: int) -> Ranked:
    params: dict[str, object] = {"limit": limit, "offset": offset}
    where = _where(filters, params, session.get_bind().dialect.name)
    rows = session.execute(
        text(
            f"SELECT a.id, 0.0 AS score FROM kb_articles a WHERE {where} "
            "ORDER BY a.updated_at DESC, a.id DESC LIMIT :limit OFFSET :offset"
        ).bindparams(*_binds(filters)),
        params,
    ).all()
    total = session.execute(
        text(f"SELECT count(*) FROM kb_articles a WHERE {where}").bindparams(*_binds(filters)),
        params,
    ).scalar_one()
    return rows, total


def search(
    session: Session, *, query: str, filters: Filters, limit: int = 20, offset: int = 0
) -> Found:
    """Articles matching any word of the query, best first; the newest when it is empty."""
    terms = segment.query_terms(query)
    rows: Sequence[Row[Any]] = []
    total = 0
    if not terms:
        rows, total = _browse(session, filters, limit, offset)
    for match in plan(session, terms) if terms else []:
        rows, total = _matches(session, match, filters, limit, offset)
        if total:
            break
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


def marked(text: str, terms: list[str]) -> list[tuple[str, bool]]:
    """The text in pieces, each saying whether it is a searched word, so a page can show
    the words found (case-insensitive; the longest word first where two start at once).
    The pieces put together are the text."""
    words = sorted({t for t in terms if t.strip()}, key=len, reverse=True)
    if not words:
        return [(text, False)] if text else []
    pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
    pieces: list[tuple[str, bool]] = []
    at = 0
    for found in pattern.finditer(text):
        if found.start() > at:
            pieces.append((text[at : found.start()], False))
        pieces.append((found.group(), True))
        at = found.end()
    if at < len(text):
        pieces.append((text[at:], False))
    return pieces


def category_path(session: Session, category_id: int | None) -> str | None:
    """The tree path of a category, for "this category and below" (None when unset)."""
    if category_id is None:
        return None
    category = session.get(Category, category_id)
    return category.path if category else "/none/"
