"""Console pages for IVR flows: the list, and one flow drawn as a graph beside its YAML
editor (check as you type, save a draft, publish, roll back — all through the IVR API)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from kefu.console.render import page_language, render, signed_in
from kefu.core.base import utcnow
from kefu.core.rbac import Right
from kefu.core.web import DbSession
from kefu.ivr import flows, stats
from kefu.ivr.actions import ACTION_NAMES
from kefu.ivr.flow import FlowInvalid, parse
from kefu.ivr.graph import flow_graph
from kefu.ivr.schemas import FlowCode
from kefu.ivr.service import checked_flow
from kefu.routing.models import Queue

router = APIRouter(include_in_schema=False)
FIGURES_PERIOD = timedelta(days=7)  # the list page's figures: the last week's calls


@router.get("/ivr", response_class=HTMLResponse)
def flow_list(request: Request, session: DbSession) -> Response:
    """Every flow: numbers it answers, the published version, drafts waiting."""
    principal = signed_in(request, session, Right.IVR_MANAGE)
    if isinstance(principal, Response):
        return principal
    rows = [(f, flows.versions(session, f.id)) for f in flows.all_flows(session)]
    until = utcnow() + timedelta(seconds=1)  # calls started this very second count
    week = stats.figures(session, since=until - FIGURES_PERIOD, until=until)
    queues = {q.code: q for q in session.scalars(select(Queue))}
    heard = _what_callers_hear(session, page_language(request, principal))
    return render(
        request, "ivr/list.html", principal, rows=rows, week=week, queues=queues, heard=heard
    )


def _what_callers_hear(session: Session, language: str) -> dict[str, str]:
    """Each node's prompt in the published flows, in the page's language: the figures
    name nodes by id (main_menu), which only a flow's author reads at a glance."""
    heard: dict[str, str] = {}
    for flow in flows.all_flows(session):
        if flow.published_number is None:
            continue
        source = flows.version(session, flow, flow.published_number).source
        try:
            nodes = checked_flow(source).nodes.values()  # parsed once, as calls run it
        except FlowInvalid:  # published before today's checks: named by id only
            continue
        for node in nodes:
            if node.prompt is not None and node.id not in heard:
                texts = node.prompt.texts
                heard[node.id] = texts.get("en" if language == "en" else "zh") or next(
                    iter(texts.values()), ""
                )
    return heard


@router.get("/ivr/{code}", response_class=HTMLResponse)
def flow_page(
    request: Request,
    session: DbSession,
    code: FlowCode,
    v: Annotated[int | None, Query(ge=1, le=1_000_000)] = None,
) -> Response:
    """A flow version (the published one unless ``v`` is given) as a graph and as YAML."""
    principal = signed_in(request, session, Right.IVR_MANAGE)
    if isinstance(principal, Response):
        return principal
    flow = flows.flow_by_code(session, code)
    versions = flows.versions(session, flow.id)
    number = v or flow.published_number or (versions[0].number if versions else None)
    shown = flows.version(session, flow, number) if number else None
    graph = None
    if shown is not None:
        try:
            graph = flow_graph(parse(shown.source, actions=ACTION_NAMES))
        except FlowInvalid:  # an old version no longer passing today's checks: YAML only
            graph = None
    return render(
        request, "ivr/flow.html", principal, flow=flow, versions=versions, shown=shown, graph=graph
    )
