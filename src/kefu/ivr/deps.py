"""Who may use the IVR API, and what each call step needs from the request."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request

from kefu.billing.lookups import BillingLink
from kefu.core.i18n import error_message
from kefu.core.rbac import Principal, Right
from kefu.core.web import DbSession, request_language
from kefu.errors import Unprocessable
from kefu.ivr.flow import FlowInvalid
from kefu.ivr.graph import Problem
from kefu.ivr.service import CallSetup
from kefu.org.deps import require

CanTelephony = Annotated[Principal, Depends(require(Right.TELEPHONY))]
CanManageIvr = Annotated[Principal, Depends(require(Right.IVR_MANAGE))]


def call_setup(request: Request, principal: CanTelephony, session: DbSession) -> CallSetup:
    """The acting account, secret and calendar a call step runs with."""
    settings = request.app.state.settings
    return CallSetup.build(
        session,
        by=principal,
        secret=settings.secret_key,
        timezone=settings.timezone,
        link=BillingLink.of(settings),
    )


Setup = Annotated[CallSetup, Depends(call_setup)]


def problem_messages(language: str, problems: list[Problem]) -> list[dict[str, Any]]:
    """Each problem with its message in the caller's language."""
    return [
        {
            "line": p.line,
            "code": p.code,
            "message": error_message(language, p.code, {**p.params, "line": p.line}),
        }
        for p in problems
    ]


def rejected(request: Request, invalid: FlowInvalid) -> Unprocessable:
    """The 422 for a flow that fails its checks, every problem listed under details."""
    first = invalid.problems[0]
    error = Unprocessable(
        "ivr_flow_invalid", field="source", count=len(invalid.problems), line=first.line
    )
    error.details = problem_messages(request_language(request), invalid.problems)
    return error
