"""Knowledge search over 10,000 articles: latency of a Chinese query, next to a
primary-key read of one article in the same process."""

from __future__ import annotations

import random
import time
from typing import Any

from sqlalchemy import func, select

from kefu.core.clock import local_today
from kefu.core.db import make_engine, make_sessionmaker, unit_of_work
from kefu.demo.knowledge import ASPECTS, TOPICS, generate_library
from kefu.knowledge import search, segment
from kefu.knowledge.models import Article
from kefu.workorders.taxonomy import ensure_default_categories

ARTICLES = 10_000
TARGET_P95_MS = 50.0
QUESTIONS = (
    "手机没信号怎么办",
    "家里宽带断网了",
    "不明扣费怎么退",
    "国际漫游怎么开通",
    "积分怎么兑换话费",
    "携号转网需要什么条件",
    "停机了怎么复机",
    "SP业务退订",
    "彩铃怎么取消",
    "收不到短信验证码",
    "5G网速慢",
    "套餐变更流程",
    "客户情绪激动怎么处理",
    "重复投诉升级",
    "电子发票在哪里开",
)


def _queries(rng: random.Random, count: int) -> list[str]:
    made = [f"{rng.choice(TOPICS)}{rng.choice(ASPECTS)[0]}" for _ in range(count // 2)]
    return [*made, *(rng.choice(QUESTIONS) for _ in range(count - len(made)))]


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 2)


def _ensure_library(url: str) -> int:
    engine = make_engine(url)
    factory = make_sessionmaker(engine)
    with unit_of_work(factory, write=True) as session:
        ensure_default_categories(session)
        have = session.scalar(select(func.count()).select_from(Article)) or 0
    if have < ARTICLES:
        generate_library(engine, seed=7, topic_articles=ARTICLES - have, cases=0)
    with engine.connect() as connection:
        total = connection.scalar(select(func.count()).select_from(Article)) or 0
    engine.dispose()
    return total


def search_latency(url: str, queries: int = 600) -> dict[str, Any]:
    """p50/p95/p99 of a search (segmentation, ranked query, snippets) in-process."""
    total = _ensure_library(url)
    segment.warm_up()
    factory = make_sessionmaker(make_engine(url))
    rng = random.Random(11)
    asked = _queries(rng, queries)
    searched: list[float] = []
    reference: list[float] = []
    hits = 0
    # as an agent searches: what has passed its last day in effect left out
    agents = search.Filters(in_effect_on=local_today())
    with unit_of_work(factory) as session:
        ids = list(session.scalars(select(Article.id)))
        for text in asked[:50]:  # warm the caches and the plans
            search.search(session, query=text, filters=agents, limit=20)
        for text in asked:
            started = time.perf_counter()
            found = search.search(session, query=text, filters=agents, limit=20)
            [search.snippet(h.article.body, found.terms) for h in found.hits]
            searched.append((time.perf_counter() - started) * 1000)
            hits += bool(found.hits)
            started = time.perf_counter()
            session.get(Article, rng.choice(ids), populate_existing=True)
            reference.append((time.perf_counter() - started) * 1000)
    p95 = _percentile(searched, 0.95)
    return {
        "articles": total,
        "queries": len(asked),
        "queries_with_hits": hits,
        "p50_ms": _percentile(searched, 0.5),
        "p95_ms": p95,
        "p99_ms": _percentile(searched, 0.99),
        "pk_read_p50_ms": _percentile(reference, 0.5),
        "ratio_to_pk_read_p50": round(_percentile(searched, 0.5) / _percentile(reference, 0.5), 1),
        "target_p95_ms": TARGET_P95_MS,
        "meets_target": p95 <= TARGET_P95_MS,
    }
