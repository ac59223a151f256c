"""Writing the library: articles and scripts, and cases promoted from closed orders."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from kefu.core import audit
from kefu.core.rbac import Principal
from kefu.core.redact import redact
from kefu.customers.models import Customer
from kefu.errors import Conflict, NotFound
from kefu.knowledge import segment, term_stats
from kefu.knowledge.enums import ArticleKind, ArticleStatus
from kefu.knowledge.models import Article
from kefu.knowledge.schemas import ArticleCreate, ArticleUpdate, CaseCreate
from kefu.workorders import repository as orders
from kefu.workorders.enums import OrderStatus, VisitOutcome
from kefu.workorders.models import Category, WorkOrder

OUTCOME_WORDS = {
    VisitOutcome.SATISFIED: "满意 / satisfied",
    VisitOutcome.NEUTRAL: "一般 / neutral",
    VisitOutcome.DISSATISFIED: "不满意 / dissatisfied",
    VisitOutcome.UNREACHABLE: "未接通 / not reached",
}


def _check_category(session: Session, category_id: int | None) -> None:
    if category_id is not None and session.get(Category, category_id) is None:
        raise NotFound("category_not_found", field="category_id")


def _index(article: Article) -> None:
    article.search_tokens = segment.index_tokens(article.title, article.tags, article.body)
    term_stats.forget()  # this process plans with fresh counts; others within minutes


def create_article(session: Session, *, data: ArticleCreate, by: Principal) -> Article:
    """Write a new article or call script."""
    _check_category(session, data.category_id)
    article = Article(
        kind=data.kind,
        status=data.status,
        title=data.title,
        body=data.body,
        tags=data.tags,
        category_id=data.category_id,
        valid_until=data.valid_until,
        created_by_id=by.staff_id,
        updated_by_id=by.staff_id,
    )
    _index(article)
    session.add(article)
    session.flush()
    _audit(session, article, "knowledge.create", by)
    return article


def update_article(
    session: Session, *, article: Article, data: ArticleUpdate, by: Principal
) -> Article:
    """Change an article; the search index follows."""
    changes = data.model_dump(exclude_unset=True)
    if "category_id" in changes:
        _check_category(session, data.category_id)
    for field, value in changes.items():
        setattr(article, field, value)
    article.updated_by_id = by.staff_id
    _index(article)
    session.flush()
    _audit(session, article, "knowledge.update", by, fields=sorted(changes))
    return article


def _category_trail(session: Session, category: Category) -> str:
    ids = [int(part) for part in category.path.strip("/").split("/") if part]
    names = {c.id: c.name for c in session.scalars(select(Category).where(Category.id.in_(ids)))}
    return " › ".join(names[i] for i in ids if i in names) or category.name


def _case_body(session: Session, order: WorkOrder, names: list[str]) -> str:
    visit = orders.last_visit(session, order.id)
    parts = [
        ("问题 / Problem", order.description or order.subject),
        ("答复 / Reply", order.reply),
        (
            "回访 / Return visit",
            f"{OUTCOME_WORDS[VisitOutcome(visit.outcome)]} {visit.note}".strip()
            if visit and visit.outcome
            else "",
        ),
    ]
    return "\n\n".join(f"【{label}】\n{redact(text, names=names)}" for label, text in parts if text)


def promote_case(session: Session, *, data: CaseCreate, order: WorkOrder, by: Principal) -> Article:
    """Turn a closed order into a draft case with its personal data removed."""
    if str(order.status) != OrderStatus.CLOSED:
        raise Conflict("case_needs_closed_order", field="order_id")
    if session.scalar(select(Article.id).where(Article.source_order_id == order.id)):
        raise Conflict("case_exists", field="order_id")
    customer = session.get(Customer, order.customer_id) if order.customer_id else None
    names = [order.contact_name, customer.name if customer else ""]
    category = session.get(Category, order.category_id)
    assert category is not None
    title = data.title or f"{_category_trail(session, category)}：{order.subject}"
    article = Article(
        kind=ArticleKind.CASE,
        status=ArticleStatus.DRAFT,  # a person reads it before agents do
        title=redact(title, names=names)[:200],
        body=_case_body(session, order, names),
        tags="",
        category_id=order.category_id,
        source_order_id=order.id,
        created_by_id=by.staff_id,
        updated_by_id=by.staff_id,
    )
    _index(article)
    session.add(article)
    session.flush()
    _audit(session, article, "knowledge.case", by, order=order.number)
    return article


def _audit(
    session: Session, article: Article, action: str, by: Principal, **details: object
) -> None:
    audit.record(
        session,
        actor=by,
        action=action,
        entity_type="kb_article",
        entity_id=article.id,
        details={"kind": str(article.kind), "status": str(article.status), **details},
    )
