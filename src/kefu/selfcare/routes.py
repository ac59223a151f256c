"""HTTP routes of web self-service (网上客服): sign in with a texted code, the subscriber's
page as JSON, messages to the center, sign out. Open to the internet: no staff right
opens any of it, and a session sees its own number only."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response, UploadFile
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.orm import Session

from kefu.billing.lookups import BillingLink
from kefu.core.calendar_days import center_calendar
from kefu.core.clock import local_today
from kefu.core.idempotency import run_once
from kefu.core.security import csrf_matches
from kefu.core.types import PathId
from kefu.core.web import (
    UNSAFE_METHODS,
    DbSession,
    IdempotencyKey,
    client_ip,
    request_language,
    write_and_commit,
)
from kefu.errors import Forbidden, NotFound
from kefu.selfcare import files, order_actions, service, signin, survey
from kefu.selfcare.models import SelfCareSession
from kefu.selfcare.schemas import (
    ChasedOut,
    ChaseIn,
    CodeAsk,
    CodeAsked,
    MessageFileOut,
    MessageIn,
    MessageOut,
    MoveAskedOut,
    MoveIn,
    OverviewOut,
    RatedOut,
    RatingIn,
    SignedInOut,
    SignInBody,
    SurveyAnsweredOut,
    SurveyIn,
    SurveyOut,
)
from kefu.workorders.attachments import Upload
from kefu.workorders.enums import VisitOutcome

router = APIRouter(prefix="/api/v1/self", tags=["self-service"])
# Idempotency keys are kept per actor; a subscriber is no staff member, so theirs are kept
# under actor 0 and an operation naming their number.
SUBSCRIBER_ACTOR = 0


def signed_in_subscriber(request: Request, session: DbSession) -> SelfCareSession:
    """The live session of the cookie (401 without one); a change must carry its CSRF
    token (403). The idle clock restarts at most once a minute."""
    found = signin.current(session, request.cookies.get(signin.SESSION_COOKIE))
    if found is None:
        raise signin.not_signed_in()
    if request.method in UNSAFE_METHODS and not csrf_matches(
        found.csrf, request.headers.get(signin.CSRF_HEADER)
    ):
        raise Forbidden("csrf_failed", field=signin.CSRF_HEADER)
    if signin.needs_touch(found):
        if request.method in UNSAFE_METHODS:
            signin.touch(session, found)
        else:
            write_and_commit(session, lambda: signin.touch(session, found))
    return found


Subscriber = Annotated[SelfCareSession, Depends(signed_in_subscriber)]


def _once(
    session: Session,
    key: str | None,
    me: SelfCareSession,
    operation: str,
    data: BaseModel,
    create: Callable[[], BaseModel],
) -> JSONResponse:
    """A subscriber's creation run once per Idempotency-Key, the key kept under their
    number (a subscriber is no staff member)."""
    status, body = run_once(
        session,
        key=key,
        actor_id=SUBSCRIBER_ACTOR,
        operation=f"selfcare.{operation}.{me.msisdn}",
        payload=data,
        create=create,
    )
    return JSONResponse(body, status_code=status)


OrderNumber = Annotated[str, Path(max_length=24)]


@router.post("/code", response_model=CodeAsked, status_code=202)
def ask_code(data: CodeAsk, request: Request, session: DbSession) -> CodeAsked:
    """Text a sign-in code to the number (nothing to a number that is no subscriber, with
    the same answer). 429 with Retry-After when asked too soon or too often."""
    settings = request.app.state.settings
    asked = signin.ask_code(
        session,
        number=data.msisdn,
        ip=client_ip(request),
        secret=settings.secret_key,
        language=request_language(request),
    )
    rules = signin.RULES
    return CodeAsked(
        resend_after_seconds=int(rules.resend_after.total_seconds()),
        expires_in_seconds=int(rules.code_lifetime.total_seconds()),
        demo_code=asked.code if settings.demo_mode else None,
    )


@router.post("/session", response_model=SignedInOut)
def sign_in(
    data: SignInBody, request: Request, response: Response, session: DbSession
) -> SignedInOut:
    """Sign in with the texted code; sets the session cookie and returns the CSRF token.
    A wrong code counts against it (401 naming the tries left), and is counted though the
    request fails."""
    settings = request.app.state.settings
    signed = signin.sign_in(
        session,
        number=data.msisdn,
        code=data.code,
        ip=client_ip(request),
        secret=settings.secret_key,
    )
    if signed.error is not None or signed.session is None:
        session.commit()
        raise signed.error or NotFound()
    response.set_cookie(
        signin.SESSION_COOKIE,
        signed.token,
        httponly=True,
        samesite="lax",
        secure=settings.cookie_secure,
        max_age=int(signin.RULES.longest.total_seconds()),
    )
    return SignedInOut(
        msisdn=signed.session.msisdn,
        csrf_token=signed.session.csrf,
        idle_minutes=int(signin.RULES.idle.total_seconds() // 60),
    )


@router.delete("/session", status_code=204)
def sign_out(me: Subscriber, request: Request, session: DbSession) -> Response:
    """End the session for good, on every browser that holds it."""
    signin.sign_out(session, me, ip=client_ip(request))
    response = Response(status_code=204)
    response.delete_cookie(signin.SESSION_COOKIE)
    return response


def _overview(request: Request, session: Session, me: SelfCareSession) -> service.Overview:
    settings = request.app.state.settings
    return service.overview(
        session,
        me,
        billing=BillingLink.of(settings).billing(session, settings.timezone),
        zone=settings.timezone,
        english=request_language(request) == "en",
    )


@router.get("/overview", response_model=OverviewOut)
def overview(me: Subscriber, request: Request, session: DbSession) -> OverviewOut:
    """The subscriber's balance and package, work orders and messages."""
    return OverviewOut.model_validate(asdict(_overview(request, session, me)))


@router.post("/messages", response_model=MessageOut, status_code=201)
def write_to_us(
    data: MessageIn,
    me: Subscriber,
    request: Request,
    session: DbSession,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Leave a message for the center: it waits in the agents' inbox, and the answer comes
    by SMS and shows on the page. At most ten a day (429)."""

    def writing() -> MessageOut:
        message = service.write_to_us(
            session,
            me,
            topic=data.topic,
            text=data.text,
            language=request_language(request),
            ip=client_ip(request),
        )
        return MessageOut(
            id=message.id,
            topic=data.topic,
            subject=message.subject,
            body=message.body,
            sent_at=message.offered_at,
            replies=[],
        )

    return _once(session, idempotency_key, me, "message", data, writing)


# Where the request guard lets a file's body through (the others stay small).
UPLOAD_PATHS = re.compile(r"/api/v1/self/messages/\d{1,10}/files")


@router.post("/messages/{message_id}/files", response_model=MessageFileOut, status_code=201)
def add_message_file(
    message_id: PathId, file: UploadFile, me: Subscriber, request: Request, session: DbSession
) -> MessageFileOut:
    """Add a file to a message just left here (multipart ``file``): an image, a PDF, a Word
    or Excel document or a recording, within the center's size limit; three a message and
    ten a day, within an hour of writing it and while it waits for an answer (409 after).
    The same file sent again is the one kept. Audited."""
    upload = Upload.of(file.filename or "", file.file.read())
    kept = files.add_file(
        session,
        me,
        message_id=message_id,
        upload=upload,
        max_bytes=request.app.state.settings.attachment_max_bytes,
        ip=client_ip(request),
    )
    return MessageFileOut(
        id=kept.id, file_name=kept.file_name, media_type=kept.media_type, size_bytes=kept.size_bytes
    )


@router.post("/orders/{number}/chase", response_model=ChasedOut)
def chase(number: OrderNumber, data: ChaseIn, me: Subscriber, session: DbSession) -> ChasedOut:
    """Chase one of the number's open orders (催办): its holder is told and it moves up
    their queue. Once a day (409); an order answered or closed is not chased (409)."""
    order = order_actions.chase(session, me, number=number, note=data.note)
    assert order.last_urged_at is not None  # just chased
    return ChasedOut(
        number=order.number, urge_count=order.urge_count, chased_at=order.last_urged_at
    )


@router.post("/orders/{number}/visit-move", response_model=MoveAskedOut, status_code=201)
def ask_to_move_visit(
    number: OrderNumber,
    data: MoveIn,
    me: Subscriber,
    request: Request,
    session: DbSession,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Ask to move the engineer's visit booked on one of the number's orders to another day
    (tomorrow to two weeks ahead) and part of it: moved at once (``moved``) when its
    roster engineer is free then, else its holder rebooks it with the customer. Once per
    booking (409)."""

    def asking() -> MoveAskedOut:
        asked, moved = order_actions.ask_to_move_visit(
            session,
            me,
            number=number,
            day=data.day,
            part=data.part,
            note=data.note,
            zone=request.app.state.settings.timezone,
        )
        shown = number.strip().upper()
        if moved is None:
            return MoveAskedOut(number=shown, day=asked.day, part=asked.part)
        return MoveAskedOut(
            number=shown,
            day=asked.day,
            part=asked.part,
            moved=True,
            starts_at=moved.starts_at,
            ends_at=moved.ends_at,
            engineer=moved.engineer,
        )

    return _once(session, idempotency_key, me, "visit_move", data, asking)


@router.post("/orders/{number}/rating", response_model=RatedOut)
def rate(
    number: OrderNumber, data: RatingIn, me: Subscriber, request: Request, session: DbSession
) -> RatedOut:
    """The customer's own return visit (网上回访) of an order waiting for it: satisfied or
    neutral closes it; dissatisfied (with what is still wrong) reopens it for a second
    handling. 409 when the order waits for no return visit."""
    order = order_actions.rate(
        session,
        me,
        number=number,
        outcome=VisitOutcome(data.outcome),
        note=data.note,
        calendar=center_calendar(session, request.app.state.settings.timezone),
    )
    return RatedOut(number=order.number, status=order.status)


@router.get("/survey", response_model=SurveyOut)
def satisfaction_survey(me: Subscriber, request: Request, session: DbSession) -> SurveyOut:
    """The center's satisfaction questionnaire in the caller's language, and whether this
    quarter's answer is in; 404 when the center offers none."""
    settings = request.app.state.settings
    shown = survey.survey_shown(
        session,
        me,
        code=settings.selfcare_survey,
        zone=settings.timezone,
        english=request_language(request) == "en",
    )
    if shown is None:
        raise NotFound("selfcare_survey_none")
    return SurveyOut.model_validate(asdict(shown))


@router.post("/survey", response_model=SurveyAnsweredOut, status_code=201)
def answer_survey(
    data: SurveyIn,
    me: Subscriber,
    request: Request,
    session: DbSession,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Answer the satisfaction questionnaire: every answer on its scale and every required
    question answered (422 naming it); once a quarter per number (409)."""
    settings = request.app.state.settings

    def answering() -> SurveyAnsweredOut:
        response = survey.answer(
            session,
            me,
            code=settings.selfcare_survey,
            answers=data.answers,
            zone=settings.timezone,
            ip=client_ip(request),
        )
        return SurveyAnsweredOut(
            answered_at=response.answered_at,
            next_from=survey.next_quarter_start(local_today(settings.timezone)),
        )

    return _once(session, idempotency_key, me, "survey", data, answering)
