"""HTTP routes of notices to big customers before planned work (大客户通告): write one,
see whom it reaches, send it once, call the work off."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from kefu.core.base import utcnow
from kefu.core.idempotency import run_once
from kefu.core.masking import mask_email, mask_name, mask_phone
from kefu.core.pagination import Page, Paging
from kefu.core.rbac import Principal, Right
from kefu.core.types import PathId
from kefu.core.web import DbSession, IdempotencyKey, IfMatch, check_version, etag
from kefu.customers.deps import CanReadCustomers
from kefu.notices import aftermath, service
from kefu.notices.models import Notice
from kefu.notices.schemas import (
    KeyPersonOut,
    NoticeCancel,
    NoticeCreate,
    NoticeList,
    NoticeOrderOut,
    NoticeOut,
    ReachOut,
    RecipientOut,
)
from kefu.org.deps import require
from kefu.org.models import OrgUnit
from kefu.workorders.deps import CanReadOrders

router = APIRouter(prefix="/api/v1", tags=["notices"])
CanSend = Annotated[Principal, Depends(require(Right.NOTICE_SEND))]
LISTED_SINCE = timedelta(days=30)  # the list shows work ended in the last month too


def notice_out(session: Session, notice: Notice, by: Principal) -> NoticeOut:
    unit = session.get(OrgUnit, notice.org_unit_id)
    assert unit is not None
    reached = service.reach(session, notice)
    return NoticeOut(
        id=notice.id,
        kind=notice.kind,
        status=notice.status,
        title=notice.title,
        title_en=notice.title_en,
        body=notice.body,
        body_en=notice.body_en,
        org_unit_id=unit.id,
        org_unit=unit.name,
        org_unit_en=unit.name_en or unit.name,
        audience=notice.audience,
        starts_at=notice.starts_at,
        ends_at=notice.ends_at,
        sent_at=notice.sent_at,
        cancelled_at=notice.cancelled_at,
        cancel_reason=notice.cancel_reason,
        reach=ReachOut(
            customers=reached.customers,
            key_people=reached.key_people,
            texts=reached.texts,
            mails=reached.mails,
        ),
        sending=notice.sending,
        orders_after=aftermath.order_count(session, notice, by),
        version=notice.version,
    )


@router.get("/notices", response_model=NoticeList)
def list_notices(principal: CanReadCustomers, session: DbSession) -> NoticeList:
    """The notices of the caller's areas whose work ends after a month ago, soonest
    first, each with whom it reaches."""
    found = service.listed(session, principal, since=utcnow() - LISTED_SINCE)
    return NoticeList(items=[notice_out(session, notice, principal) for notice in found])


@router.post("/notices", response_model=NoticeOut, status_code=201)
def create_notice(
    data: NoticeCreate,
    principal: CanSend,
    session: DbSession,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Write a notice (a draft: nothing is sent until it is sent)."""

    def create() -> NoticeOut:
        return notice_out(session, service.create(session, data=data, by=principal), principal)

    status, body = run_once(
        session,
        key=idempotency_key,
        actor_id=principal.staff_id,
        operation="notice.create",
        payload=data,
        create=create,
    )
    return JSONResponse(body, status_code=status)


@router.get("/notices/{notice_id}", response_model=NoticeOut)
def get_notice(
    notice_id: PathId, principal: CanReadCustomers, session: DbSession, response: Response
) -> NoticeOut:
    """One notice and whom it reaches; the ETag carries its version."""
    notice = service.visible_notice(session, notice_id, principal)
    response.headers["ETag"] = etag(notice.version)
    return notice_out(session, notice, principal)


def _current(session: Session, notice_id: int, principal: Principal, version: int) -> Notice:
    """The notice to change, at the version the caller read (409/412 otherwise)."""
    notice = service.visible_notice(session, notice_id, principal)
    check_version(notice.version, version)
    return notice


def _changed(
    session: Session, notice: Notice, principal: Principal, response: Response
) -> NoticeOut:
    session.flush()
    response.headers["ETag"] = etag(notice.version)
    return notice_out(session, notice, principal)


@router.post("/notices/{notice_id}/send", response_model=NoticeOut)
def send_notice(
    notice_id: PathId,
    principal: CanSend,
    session: DbSession,
    version: IfMatch,
    request: Request,
    response: Response,
) -> NoticeOut:
    """Send a draft to the area's big customers, by text and by e-mail where the center
    has their address; once (409 after). Each customer sent it is on record."""
    notice = _current(session, notice_id, principal, version)
    service.send(session, notice, by=principal, zone=request.app.state.settings.timezone)
    return _changed(session, notice, principal, response)


@router.post("/notices/{notice_id}/cancel", response_model=NoticeOut)
def cancel_notice(
    notice_id: PathId,
    data: NoticeCancel,
    principal: CanSend,
    session: DbSession,
    version: IfMatch,
    request: Request,
    response: Response,
) -> NoticeOut:
    """Call the work off, with the reason: a sent notice is announced as called off to
    everyone it was sent to. Not once the work is over (409)."""
    notice = _current(session, notice_id, principal, version)
    zone = request.app.state.settings.timezone
    service.cancel(session, notice, by=principal, reason=data.reason, zone=zone)
    return _changed(session, notice, principal, response)


def _shown(value: str, mask: Callable[[str], str], masked: bool) -> str:
    """A number or address a notice went to, masked unless the viewer may see it ("" for
    none stays "")."""
    return mask(value) if masked and value else value


@router.get("/notices/{notice_id}/recipients", response_model=Page[RecipientOut])
def notice_recipients(
    notice_id: PathId, principal: CanReadCustomers, session: DbSession, params: Paging
) -> Page[RecipientOut]:
    """Who the notice was sent to, and how (numbers, names and addresses masked unless
    the caller may see them): asked when one of them complains of the work."""
    notice = service.visible_notice(session, notice_id, principal)
    rows, total = service.recipients(session, notice, offset=params.offset, limit=params.size)
    masked = not principal.has(Right.PII_VIEW)
    return Page[RecipientOut](
        items=[
            RecipientOut(
                customer_id=customer.id,
                name=mask_name(customer.name) if masked else customer.name,
                tier=customer.tier,
                msisdn=_shown(sent.msisdn, mask_phone, masked),
                email=_shown(sent.email, mask_email, masked),
            )
            for sent, customer in rows
        ],
        total=total,
        page=params.page,
        size=params.size,
    )


@router.get("/notices/{notice_id}/key-people", response_model=Page[KeyPersonOut])
def notice_key_people(
    notice_id: PathId, principal: CanReadCustomers, session: DbSession, params: Paging
) -> Page[KeyPersonOut]:
    """The groups' key people (关键人) the notice was sent to, and how (names, numbers and
    addresses masked unless the caller may see them)."""
    notice = service.visible_notice(session, notice_id, principal)
    rows, total = service.key_people_told(session, notice, offset=params.offset, limit=params.size)
    masked = not principal.has(Right.PII_VIEW)
    return Page[KeyPersonOut](
        items=[
            KeyPersonOut(
                contact_id=person.id,
                enterprise_id=group.id,
                enterprise=group.name,
                name=mask_name(person.name) if masked else person.name,
                title=person.title,
                phone=_shown(sent.phone, mask_phone, masked),
                email=_shown(sent.email, mask_email, masked),
            )
            for sent, person, group in rows
        ],
        total=total,
        page=params.page,
        size=params.size,
    )


@router.get("/notices/{notice_id}/orders", response_model=Page[NoticeOrderOut])
def notice_orders(
    notice_id: PathId, principal: CanReadOrders, session: DbSession, params: Paging
) -> Page[NoticeOrderOut]:
    """The orders the customers told opened from its sending until three days after the
    work, the latest first: whether the notice spared the center calls, and what the told
    still called about."""
    notice = service.visible_notice(session, notice_id, principal)
    rows = aftermath.orders(session, notice, principal, offset=params.offset, limit=params.size)
    total = aftermath.order_count(session, notice, principal) or 0
    return Page[NoticeOrderOut](
        items=[
            NoticeOrderOut(
                id=row.id,
                number=row.number,
                type=row.type,
                status=row.status,
                subject=row.subject,
                category=row.name,
                category_en=row.name_en or row.name,
                customer_id=row.customer_id,
                created_at=row.created_at,
            )
            for row in rows
        ],
        total=total,
        page=params.page,
        size=params.size,
    )
