"""How many articles hold a word, remembered for a while, to plan searches.

A word found in most articles (客户, 处理, 办理 in a service library) ranks nothing, yet
an any-word query over it makes the database score every article: tens of milliseconds
at 10,000 articles. Knowing each word's document count lets the search leave such words
out when rarer ones are there. The counts change slowly; each process keeps them for ten
minutes (one cheap indexed count per new word).
"""

from __future__ import annotations

import threading
import time

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from kefu.knowledge.models import FTS_TABLE, VECTOR_COLUMN, Article

TTL_SECONDS = 600.0
MAX_WORDS = 50_000
_lock = threading.Lock()
_counts: dict[tuple[str, str], tuple[float, int]] = {}


def _database(session: Session) -> str:
    bind = session.get_bind()
    return f"{bind.dialect.name}:{bind.engine.url.database}"


def _remembered(key: tuple[str, str]) -> int | None:
    with _lock:
        found = _counts.get(key)
    if found is None or time.monotonic() - found[0] > TTL_SECONDS:
        return None
    return found[1]


def _remember(key: tuple[str, str], value: int) -> int:
    with _lock:
        if len(_counts) >= MAX_WORDS:
            _counts.clear()
        _counts[key] = (time.monotonic(), value)
    return value


def corpus_size(session: Session) -> int:
    """How many articles there are (any status)."""
    key = (_database(session), "")
    known = _remembered(key)
    if known is not None:
        return known
    return _remember(key, session.scalar(select(func.count()).select_from(Article)) or 0)


def document_frequency(session: Session, word: str) -> int:
    """How many articles hold the word (a plain \\w+ word, as segment makes them)."""
    key = (_database(session), word)
    known = _remembered(key)
    if known is not None:
        return known
    if session.get_bind().dialect.name == "postgresql":
        query = text(
            f"SELECT count(*) FROM kb_articles WHERE {VECTOR_COLUMN} @@ to_tsquery('simple', :word)"
        )
        count = session.execute(query, {"word": f"'{word}'"}).scalar_one()
    else:
        query = text(f"SELECT count(*) FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :word")
        count = session.execute(query, {"word": f'"{word}"'}).scalar_one()
    return _remember(key, int(count))


def forget() -> None:
    """Drop every remembered count (tests, and after a bulk load)."""
    with _lock:
        _counts.clear()
