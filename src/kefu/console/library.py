"""Console pages for the knowledge and case library, and for emergencies (incidents)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from kefu.console.render import render, signed_in
from kefu.core.rbac import Principal, Right
from kefu.core.types import PathId
from kefu.core.web import DbSession, center_today
from kefu.knowledge import search
from kefu.knowledge.enums import ArticleKind, ArticleStatus
from kefu.knowledge.models import Article
from kefu.knowledge.views import article_read, category_brief, expired
from kefu.org import repository as org_repo
from kefu.org.models import OrgUnit, Staff
from kefu.workorders import incident_compensation, incidents, repository
from kefu.workorders.category_tree import category_tree
from kefu.workorders.enums import OPEN_INCIDENT_STATUSES, IncidentStatus
from kefu.workorders.incident_progress import late_callers
from kefu.workorders.models import Incident
from kefu.workorders.refunds import RefundLimits
from kefu.workorders.views import compensation_out, list_items

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 20
IncidentView = Literal["open", "resolved", "dismissed"]


@router.get("/knowledge", response_class=HTMLResponse)
def library(
    request: Request,
    session: DbSession,
    q: Annotated[str, Query(max_length=200)] = "",
    kind: Annotated[str, Query(max_length=10)] = "",  # the form's 全部类型 sends it empty
    status: ArticleStatus = ArticleStatus.PUBLISHED,
    include_expired: bool = False,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> Response:
    """Search the library; writers also see drafts and the archive. What is past its
    last day in effect only when asked for, marked so."""
    principal = signed_in(request, session, Right.KNOWLEDGE_READ)
    if isinstance(principal, Response):
        return principal
    if not principal.has(Right.KNOWLEDGE_WRITE):
        status = ArticleStatus.PUBLISHED
    wanted = ArticleKind(kind) if kind in set(ArticleKind) else None
    today = center_today(request)
    in_effect_on = None if include_expired else today
    found = search.search(
        session,
        query=q,
        filters=search.Filters(kind=wanted, statuses=(status,), in_effect_on=in_effect_on),
        limit=PAGE_SIZE,
        offset=(page - 1) * PAGE_SIZE,
    )
    hits = [
        {
            "article": hit.article,
            "title": search.marked(hit.article.title, found.terms),
            "snippet": search.marked(search.snippet(hit.article.body, found.terms), found.terms),
            "category": category_brief(session, hit.article.category_id),
            "expired": expired(hit.article, today),
        }
        for hit in found.hits
    ]
    return render(
        request,
        "knowledge/list.html",
        principal,
        q=q,
        kind=wanted.value if wanted else "",
        status=status.value,
        include_expired=include_expired,
        hits=hits,
        terms=found.terms,
        total=found.total,
        page=page,
        pages=max(1, (found.total + PAGE_SIZE - 1) // PAGE_SIZE),
        kinds=list(ArticleKind),
        statuses=list(ArticleStatus),
    )


@router.get("/knowledge/new", response_class=HTMLResponse)
def new_article(request: Request, session: DbSession) -> Response:
    """Write an article or a call script."""
    principal = signed_in(request, session, Right.KNOWLEDGE_WRITE)
    if isinstance(principal, Response):
        return principal
    return render(request, "knowledge/view.html", principal, article=None, kinds=list(ArticleKind))


@router.get("/knowledge/{article_id}", response_class=HTMLResponse)
def article_page(article_id: PathId, request: Request, session: DbSession) -> Response:
    """One article; writers edit, publish or archive it here."""
    principal = signed_in(request, session, Right.KNOWLEDGE_READ)
    if isinstance(principal, Response):
        return principal
    article = session.get(Article, article_id)
    writer = principal.has(Right.KNOWLEDGE_WRITE)
    if article is None or (article.status != ArticleStatus.PUBLISHED and not writer):
        return RedirectResponse("/knowledge", status_code=303)
    return render(
        request,
        "knowledge/view.html",
        principal,
        article=article_read(session, article, center_today(request)),
        kinds=list(ArticleKind),
        statuses=list(ArticleStatus),
    )


def _in_scope(principal: Principal, unit: OrgUnit | None) -> bool:
    return unit is not None and principal.sees_org_path(unit.path)


@router.get("/incidents", response_class=HTMLResponse)
def incident_list(request: Request, session: DbSession, view: IncidentView = "open") -> Response:
    """Proposed and confirmed incidents first; resolved and dismissed ones on their tabs."""
    principal = signed_in(request, session, Right.ORDER_READ)
    if isinstance(principal, Response):
        return principal
    wanted = {
        "open": OPEN_INCIDENT_STATUSES,
        "resolved": (IncidentStatus.RESOLVED,),
        "dismissed": (IncidentStatus.DISMISSED,),
    }[view]
    query = (
        select(Incident, OrgUnit)
        .join(OrgUnit, OrgUnit.id == Incident.org_unit_id)
        .where(Incident.status.in_([s.value for s in wanted]))
        .order_by(Incident.id.desc())
        .limit(200)
    )
    if not principal.has(Right.SCOPE_ALL):
        query = query.where(OrgUnit.path.startswith(principal.scope_path))
    found = session.execute(query).all()
    counts = incidents.linked_counts(session, [i.id for i, _ in found])
    tree = category_tree(session)  # the problem is named in the viewer's language
    resolved = [i.id for i, _ in found] if view == "resolved" else []  # only that tab shows it
    compensated = incident_compensation.glances(session, resolved) if resolved else {}
    rows = [
        {
            "incident": i,
            "unit": u,
            "problem": tree.get(i.category_id),
            "orders": counts[i.id],
            "compensation": compensated.get(i.id),
        }
        for i, u in found
    ]
    return render(request, "incidents/list.html", principal, view=view, rows=rows)


@router.get("/incidents/{incident_id}", response_class=HTMLResponse)
def incident_page(incident_id: PathId, request: Request, session: DbSession) -> Response:
    """One incident with its orders and the supervisor's decisions."""
    principal = signed_in(request, session, Right.ORDER_READ)
    if isinstance(principal, Response):
        return principal
    incident = session.get(Incident, incident_id)
    unit = org_repo.org_unit(session, incident.org_unit_id) if incident else None
    if incident is None or not _in_scope(principal, unit):
        return RedirectResponse("/incidents", status_code=303)
    query = repository.order_list_query(
        scope_path=None,
        viewer_id=principal.staff_id,
        status=None,
        assignee_id=None,
        team_id=None,
        repeat_only=False,
        incident_id=incident.id,
    )
    masked = not principal.has(Right.PII_VIEW)
    orders = list_items(session, session.execute(query.limit(500)).all(), masked)
    settings = request.app.state.settings
    compensated = incident_compensation.standing(session, incident.id)
    news = repository.incident_news(session, incident.id)
    return render(
        request,
        "incidents/view.html",
        principal,
        incident=incident,
        compensation=compensated,
        shown=compensation_out(compensated) if compensated else None,
        approve_limit=RefundLimits.of(settings).for_approver(principal),
        ceiling=settings.refund_ceiling_fen,
        unit=unit,
        problem=category_tree(session).get(incident.category_id),
        orders=orders,
        confirmed_by=_staff_name(session, incident.confirmed_by_id),
        resolved_by=_staff_name(session, incident.resolved_by_id),
        news=news,
        late_callers=late_callers(session, incident),
    )


def _staff_name(session: DbSession, staff_id: int | None) -> str:
    staff = session.get(Staff, staff_id) if staff_id else None
    return staff.display_name if staff else ""
