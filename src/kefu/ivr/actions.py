"""Self-service actions the flows call: balance and bill, package, work-order status, and
opening a service, which needs the one-time code texted to the caller first.

The code is never stored: the call keeps an HMAC of it, three tries, five minutes.
Opening a service registers a service-request order with the customer's confirmation
attached, for the back office (or the BOSS) to carry out.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from kefu.billing.boss import Billing, BillingUnavailable
from kefu.core.base import utcnow
from kefu.core.calendar import BusinessCalendar
from kefu.core.i18n import gettext
from kefu.core.rbac import Principal
from kefu.ivr.engine import ActionResult, CallState
from kefu.notify.tasks import text_customer
from kefu.routing.models import Queue
from kefu.routing.stats import expected_wait
from kefu.workorders import service as orders
from kefu.workorders.category_tree import category_tree
from kefu.workorders.enums import Channel, ConsentMethod, OrderType
from kefu.workorders.models import Consent
from kefu.workorders.schemas import OrderCreate

log = logging.getLogger(__name__)

CODE_LIFETIME = timedelta(minutes=5)
CODE_TRIES = 3
ORDER_DIGITS = 14  # WO20261122-000123 is typed as 20261122000123


@dataclass(frozen=True)
class Service:
    """A service the IVR may open, and the order category that records the request."""

    name: str
    name_en: str
    category_code: str


SERVICES = {
    "intl_roaming": Service(
        "开通国际漫游", "Open international roaming", "number.services.roaming"
    ),
}
ACTION_NAMES = frozenset(
    {"balance", "package", "order_status", "send_code", "verify_code", "open_service", "queue_wait"}
)


def _yuan(fen: int) -> str:
    return f"{fen / 100:.2f}"


def _not_now(silent: BillingUnavailable) -> ActionResult:
    """The billing system did not answer: the action fails with ``billing_unavailable``
    set, so a flow tells the caller their account cannot be looked up now (the shipped
    flow does) rather than that their number is unknown."""
    log.warning("billing lookup failed: %s", silent)
    return ActionResult(ok=False, values={"billing_unavailable": "1"})


class KefuActions:
    """The actions for one call step, on a session, a billing system and an acting account."""

    def __init__(
        self,
        session: Session,
        *,
        billing: Billing,
        by: Principal,
        secret: str,
        call_id: str,
        calendar: BusinessCalendar,
    ) -> None:
        self.session = session
        self.billing = billing
        self.by = by
        self.secret = secret
        self.call_id = call_id
        self.calendar = calendar

    def run(self, name: str, args: dict[str, str], state: CallState) -> ActionResult:
        """Run one action; an unknown name fails (the flow checks prevent it)."""
        method = getattr(self, f"_{name}", None) if name in ACTION_NAMES else None
        return method(args, state) if method else ActionResult(ok=False)

    def _balance(self, args: dict[str, str], state: CallState) -> ActionResult:
        try:
            found = self.billing.balance(state.caller)
        except BillingUnavailable as silent:
            return _not_now(silent)
        if found is None:
            return ActionResult(ok=False)
        values = {
            "balance_yuan": _yuan(found.balance_fen),
            "bill_yuan": _yuan(found.month_charges_fen),
        }
        return ActionResult(ok=True, values=values)

    def _package(self, args: dict[str, str], state: CallState) -> ActionResult:
        try:
            found = self.billing.package(state.caller)
        except BillingUnavailable as silent:
            return _not_now(silent)
        if found is None:
            return ActionResult(ok=False)
        name = found.name_en if state.language == "en" and found.name_en else found.name
        return ActionResult(
            ok=True, values={"package_name": name, "package_fee_yuan": _yuan(found.monthly_fee_fen)}
        )

    def _order_status(self, args: dict[str, str], state: CallState) -> ActionResult:
        digits = args.get("number", "")
        if len(digits) != ORDER_DIGITS or not digits.isdigit():
            return ActionResult(ok=False)
        number = f"WO{digits[:8]}-{digits[8:]}"
        found = self.billing.order_status(number=number, msisdn=state.caller)
        if found is None:
            return ActionResult(ok=False)
        status = gettext(state.language, f"order_status.{found.status}")
        return ActionResult(ok=True, values={"order_number": found.number, "order_status": status})

    def _queue_wait(self, args: dict[str, str], state: CallState) -> ActionResult:
        """ok while the expected wait of the queue stays under its callback threshold;
        fail (offer a callback) past it. Sets ``wait_minutes`` for the prompt."""
        code = args.get("queue", "")
        wait = expected_wait(self.session, queue_code=code, now=utcnow())
        threshold = self.session.scalar(
            select(Queue.callback_after_seconds).where(Queue.code == code)
        )
        if wait is None or threshold is None:
            return ActionResult(ok=True)  # no such queue: let the transfer report it
        minutes = "99" if wait == float("inf") else str(max(1, round(wait / 60)))
        return ActionResult(ok=wait <= threshold, values={"wait_minutes": minutes})

    def _digest(self, code: str) -> str:
        message = f"ivr:{self.call_id}:{code}".encode()
        return hmac.new(self.secret.encode(), message, hashlib.sha256).hexdigest()

    def _send_code(self, args: dict[str, str], state: CallState) -> ActionResult:
        service = SERVICES.get(args.get("service", ""))
        if service is None or state.customer_id is None:
            return ActionResult(ok=False)
        code = f"{secrets.randbelow(10**6):06d}"
        text_customer(
            self.session,
            phone=state.caller,
            text=f"您正在通过客服热线办理“{service.name}”，验证码 {code}，5 分钟内有效。"
            "如非本人操作，请勿告诉他人。",
        )
        expires = (utcnow() + CODE_LIFETIME).isoformat()
        values = {"code_digest": self._digest(code), "code_expires": expires, "code_tries": "0"}
        return ActionResult(ok=True, values=values | {"code_locked": "", "confirmed": ""})

    def _verify_code(self, args: dict[str, str], state: CallState) -> ActionResult:
        tries = int(state.vars.get("code_tries", "0") or 0) + 1
        expires = state.vars.get("code_expires", "")
        digest = state.vars.get("code_digest", "")
        values = {"code_tries": str(tries), "code": ""}  # the typed code is not kept
        fresh = bool(expires) and utcnow().isoformat() < expires
        if digest and fresh and hmac.compare_digest(digest, self._digest(args.get("code", ""))):
            return ActionResult(ok=True, values=values | {"confirmed": "1", "code_digest": ""})
        locked = tries >= CODE_TRIES or not fresh
        return ActionResult(ok=False, values=values | {"code_locked": "1" if locked else ""})

    def _open_service(self, args: dict[str, str], state: CallState) -> ActionResult:
        service = SERVICES.get(args.get("service", ""))
        if service is None or state.vars.get("confirmed") != "1" or state.customer_id is None:
            return ActionResult(ok=False)  # no change without the caller's confirmation
        category = category_tree(self.session).leaf_in_use(service.category_code)
        if category is None:
            return ActionResult(ok=False)
        new = orders.create_order(
            self.session,
            data=OrderCreate(
                type=OrderType.SERVICE_REQUEST,
                category_id=category.id,
                customer_id=state.customer_id,
                contact_phone=state.caller,
                subject=service.name,
                description=f"客户通过 IVR 自助办理，来电 {self.call_id}，已短信验证码确认。",
                channel=Channel.PHONE,
            ),
            by=self.by,
            calendar=self.calendar,
        )
        order = new.order
        self.session.add(
            Consent(
                order_id=order.id,
                method=ConsentMethod.SMS_CODE,
                phone=state.caller,
                call_reference=self.call_id[:64],
                note="IVR",
                confirmed_at=utcnow(),
                recorded_by_id=self.by.staff_id,
            )
        )
        state.vars["confirmed"] = ""  # one confirmation, one change
        return ActionResult(ok=True, values={"order_number": order.number})
