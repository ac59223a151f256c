"""The demo library: a guide and a call script per category, topic articles built from
phrase banks (as many as asked for; the benchmark asks for 10,000), cases from closed
demo complaints with their personal data removed, and three promotions with their last
day in effect, one of them ended."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine, insert, select
from sqlalchemy.orm import Session

from kefu.core.clock import local_today
from kefu.core.db import make_sessionmaker
from kefu.core.redact import redact
from kefu.knowledge import segment, term_stats
from kefu.knowledge.enums import ArticleKind, ArticleStatus
from kefu.knowledge.models import Article
from kefu.workorders.enums import OrderStatus, OrderType
from kefu.workorders.models import Category, ReplyTemplate, WorkOrder

TOPICS = (
    "5G套餐", "4G流量包", "宽带提速", "光猫故障", "国际漫游", "港澳台漫游", "积分兑换", "携号转网",
    "实名制登记", "补卡", "销户", "停机保号", "欠费停机", "复机", "亲情号码", "来电显示", "彩铃",
    "家庭宽带续约", "合约机", "靓号", "副卡", "流量结转", "话费充值", "电子发票", "短信验证码",
    "增值业务退订", "SP扣费", "营业厅预约", "网上营业厅", "手机营业厅登录", "语音信箱", "呼叫转移",
    "来电提醒", "国际长途", "物联网卡", "校园套餐", "老年关怀", "残障服务", "集团短号", "专线",
)  # fmt: skip
ASPECTS = (
    ("办理条件", "办理前请核实机主身份，确认号码状态正常、无欠费，且不在合约期内。"),
    ("资费标准", "资费按月计收，当月办理按天折算，次月起按全月收取，具体以资费公示为准。"),
    ("常见问题", "客户常问是否立即生效、能否取消以及费用怎样计算，请按口径逐一说明。"),
    ("故障排查", "请客户重启终端，检查设置和信号格数，仍未恢复的记录时间地点后派单处理。"),
    ("投诉处理口径", "先致歉安抚，复述客户诉求，说明核查流程和答复时限，避免承诺无法兑现的结果。"),
    ("退订方法", "可通过短信、手机营业厅或人工客服退订，退订后次月生效，已扣费用按规则处理。"),
    ("变更流程", "变更须经客户确认（短信验证码或录音确认），系统记录确认凭证后方可执行。"),
)
SENTENCES = (
    "遇到无法当场解决的问题，应创建工单并告知客户工单号和答复时限。",
    "高星级客户优先处理，可转客户经理跟进。",
    "涉及费用退还的，须经后台核实、他人审批后退至话费账户，到账时短信通知客户。",
    "节假日期间时限按工作日顺延，紧急故障全天处理。",
    "客户情绪激动时，先倾听，不打断，不推诿。",
    "同一问题一个月内再次投诉的，按重复投诉升级处理。",
    "信号问题请记录具体地址、楼层和终端型号。",
    "办理任何业务变更前，须取得客户明确同意。",
    "可引导客户使用手机营业厅自助查询账单和套餐余量。",
    "答复客户时使用统一答复模板，避免口径不一。",
)


# Promotions with their last day (days from the demo's today): one ended last week, which
# agents' searches leave out, and two running. No random draw: the library stays as it was.
PROMOTIONS = (
    ("“双十一”流量加油包半价活动", -7,
     "活动期间，4G/5G 客户订购 10GB 流量加油包半价，每号限订一次，当月有效。"),
    ("冬季家庭宽带续约送三个月活动", 24,
     "合约到期前 30 天内续约两年的宽带客户，赠送三个月宽带使用费，续约当月生效。"),
    ("新春 5G 套餐升档礼", 60,
     "升档至 129 元及以上 5G 套餐的客户，连续 12 个月每月赠送 20GB 通用流量。"),
)  # fmt: skip


def _promotions(today: date) -> Iterator[dict[str, object]]:
    for title, last_day, rules in PROMOTIONS:
        ends = today + timedelta(days=last_day)
        yield {
            "kind": ArticleKind.ARTICLE,
            "title": title,
            "body": f"{rules}\n活动截止：{ends:%Y年%m月%d日}。过期后不再受理，请以现行活动为准。",
            "tags": "营销活动",
            "category_id": None,
            "valid_until": ends,
        }


def _guides(session: Session) -> Iterator[dict[str, object]]:
    parents = {c.parent_id for c in session.scalars(select(Category))}
    leaves = [
        c for c in session.scalars(select(Category).order_by(Category.id)) if c.id not in parents
    ]
    templates: dict[int, list[ReplyTemplate]] = {}
    for template in session.scalars(select(ReplyTemplate)):
        templates.setdefault(template.category_id, []).append(template)
    for leaf in leaves:
        replies = "\n".join(f"· {t.title}：{t.body}" for t in templates.get(leaf.id, []))
        yield {
            "kind": ArticleKind.ARTICLE,
            "title": f"{leaf.name}：处理指引",
            "body": f"受理要点：{leaf.script or '核实客户身份，记录问题详情。'}\n"
            f"处理流程：{SENTENCES[0]}{SENTENCES[5]}\n{replies}".strip(),
            "tags": leaf.name_en,
            "category_id": leaf.id,
        }
        yield {
            "kind": ArticleKind.SCRIPT,
            "title": f"{leaf.name}：受理话术",
            "body": "您好，请问有什么可以帮您？\n"
            f"{leaf.script or '请您详细描述一下遇到的问题。'}\n"
            "好的，已为您登记，工单号 {order_number}，我们会在 {due} 前给您答复。",
            "tags": "话术",
            "category_id": leaf.id,
        }


def _topic_articles(rng: random.Random, count: int) -> Iterator[dict[str, object]]:
    for n in range(count):
        topic = rng.choice(TOPICS)
        aspect, lead = rng.choice(ASPECTS)
        body = lead + "".join(rng.sample(SENTENCES, 3)) + f"（第 {n + 1} 版口径）"
        yield {
            "kind": ArticleKind.ARTICLE if n % 5 else ArticleKind.SCRIPT,
            "title": f"{topic}{aspect}",
            "body": f"{topic}：{body}",
            "tags": topic,
            "category_id": None,  # topics cut across the complaint categories
        }


def _cases(session: Session, limit: int) -> Iterator[dict[str, object]]:
    """One case per category from its latest closed complaint, with the answer it got."""
    query = (
        select(WorkOrder)
        .where(
            WorkOrder.type == OrderType.COMPLAINT,
            WorkOrder.status == OrderStatus.CLOSED,
            WorkOrder.incident_id.is_(None),  # an incident's orders all tell the same story
        )
        .order_by(WorkOrder.id.desc())
        .limit(limit * 20)
    )
    seen: set[int] = set()
    for order in session.scalars(query):
        if order.category_id in seen or len(seen) >= limit:
            continue
        seen.add(order.category_id)
        names = [order.contact_name]
        yield {
            "kind": ArticleKind.CASE,
            "title": redact(f"案例：{order.subject}", names=names),
            "body": redact(
                f"【问题】\n{order.description or order.subject}\n\n"
                f"【处理】\n{SENTENCES[order.id % len(SENTENCES)]}\n\n【答复】\n{order.reply}",
                names=names,
            ),
            "tags": "案例",
            "category_id": order.category_id,
            "source_order_id": order.id,
        }


def generate_library(engine: Engine, *, seed: int, topic_articles: int, cases: int = 40) -> int:
    """Write the demo library; returns the number of articles written."""
    rng = random.Random(seed)
    factory = make_sessionmaker(engine)
    now = datetime.now(UTC)
    written = 0
    with factory() as session, session.begin():
        rows = [
            *_guides(session),
            *_topic_articles(rng, topic_articles),
            *_cases(session, cases),
        ]
        for start in range(0, len(rows), 500):
            batch = [
                _row(r, now - timedelta(days=rng.randint(0, 365)))
                for r in rows[start : start + 500]
            ]
            session.execute(insert(Article), batch)
            written += len(batch)
        promotions = [_row(r, now - timedelta(days=40)) for r in _promotions(local_today())]
        session.execute(insert(Article), promotions)
        written += len(promotions)
    with engine.begin() as connection:  # statistics, or the planners pick the wrong index
        connection.exec_driver_sql("ANALYZE kb_articles")
    term_stats.forget()
    return written


def _row(values: dict[str, object], when: datetime) -> dict[str, object]:
    title, tags, body = str(values["title"]), str(values["tags"]), str(values["body"])
    return {
        "status": ArticleStatus.PUBLISHED,
        "source_order_id": None,
        **values,
        "search_tokens": segment.index_tokens(title, tags, body),
        "created_at": when,
        "updated_at": when,
        "version": 1,
    }
