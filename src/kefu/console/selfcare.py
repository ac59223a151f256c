"""The subscriber's self-service page (网上客服, /self): sign in with a code texted to the
number, then the balance, package, work orders and messages of that number. No staff
account is needed or used; the page's changes go through /api/v1/self."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from kefu.billing.lookups import BillingLink
from kefu.console.render import page_language, render
from kefu.core.clock import local_today
from kefu.core.filekinds import shown_size
from kefu.core.phone import national
from kefu.core.web import DbSession, write_and_commit
from kefu.selfcare import files, order_actions, service, signin, survey
from kefu.workorders.enums import PartOfDay

router = APIRouter(include_in_schema=False)


@router.get("/self", response_class=HTMLResponse)
def self_service_page(request: Request, session: DbSession) -> Response:
    """The sign-in form, or the signed-in subscriber's page."""
    settings = request.app.state.settings
    found = signin.current(session, request.cookies.get(signin.SESSION_COOKIE))
    if found is None:
        return render(request, "selfcare/page.html", None, signed_in=None, demo=settings.demo_mode)
    if signin.needs_touch(found):
        write_and_commit(session, lambda: signin.touch(session, found))
    today = local_today(settings.timezone)
    english = page_language(request, None) == "en"
    shown = service.overview(
        session,
        found,
        billing=BillingLink.of(settings).billing(session, settings.timezone),
        zone=settings.timezone,
        english=english,
    )
    offered = survey.survey_shown(
        session, found, code=settings.selfcare_survey, zone=settings.timezone, english=english
    )
    return render(
        request,
        "selfcare/page.html",
        None,
        signed_in=found,
        page=shown,
        number=national(found.msisdn),
        topics=list(service.Topic),
        parts=list(PartOfDay),
        move_first=today + timedelta(days=1),
        move_last=today + timedelta(days=order_actions.MOVE_DAYS_AHEAD),
        idle_minutes=int(signin.RULES.idle.total_seconds() // 60),
        demo=settings.demo_mode,
        files_per_message=files.FILES_PER_MESSAGE,
        file_limit=shown_size(settings.attachment_max_bytes),
        survey=offered,
        survey_blocks=_by_block(offered.questions) if offered else [],
    )


def _by_block(
    questions: list[survey.QuestionShown],
) -> list[tuple[str, list[tuple[int, survey.QuestionShown]]]]:
    """The questions under their constructs' headings, in the order asked, each with its
    number on the page (errors name a question by it)."""
    blocks: dict[str, list[tuple[int, survey.QuestionShown]]] = {}
    for n, question in enumerate(questions, start=1):
        blocks.setdefault(question.block, []).append((n, question))
    return list(blocks.items())
