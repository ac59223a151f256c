"""IVR calls: start, answer, end. Each request is one step of the engine, with the call's
state loaded from and saved to its session row, so any API worker (or the FastAGI
server) can take the next step.

Steps are numbered. An input names the step it answers; the same input sent twice (a
PBX retrying after a lost answer) gets the stored answer again instead of moving the
call twice.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import Table, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kefu.billing.boss import Billing
from kefu.billing.lookups import OWN_DATA, BillingLink
from kefu.contact import service as contacts
from kefu.contact.enums import ContactChannel, EndReason, InteractionStatus
from kefu.contact.models import Interaction
from kefu.core.base import utcnow
from kefu.core.calendar import BusinessCalendar
from kefu.core.calendar_days import center_calendar
from kefu.core.clock import local_now
from kefu.core.phone import normalize_phone
from kefu.core.rbac import Principal
from kefu.customers import repository as customers
from kefu.customers.enums import SubscriptionStatus
from kefu.errors import Conflict, KefuError, NotFound
from kefu.ivr.actions import ACTION_NAMES, KefuActions
from kefu.ivr.engine import CallState, Engine, FlowStuck, Instruction, Step
from kefu.ivr.enums import CallOutcome, VersionStatus
from kefu.ivr.flow import parse
from kefu.ivr.models import IvrFlow, IvrFlowVersion, IvrSession, IvrVisit
from kefu.ivr.nodes import Flow
from kefu.notices import service as notices
from kefu.notices import wording
from kefu.org.models import Staff
from kefu.routing import acd, callbacks
from kefu.routing.priority import call_priority

# A notice of planned work is said to a caller told of it from a day before the work.
NOTICE_SAID_WITHIN = timedelta(days=1)
END_REASONS = {
    CallOutcome.SELF_SERVICE: EndReason.SELF_SERVICE,
    CallOutcome.CALLBACK: EndReason.CALLBACK,
    CallOutcome.HUNG_UP: EndReason.FLOW_ENDED,
    CallOutcome.ABANDONED: EndReason.ABANDONED,
}


@dataclass(frozen=True)
class CallSetup:
    """What every step needs besides the database: who acts, secrets, the calendar."""

    by: Principal
    secret: str
    calendar: BusinessCalendar
    timezone: str
    link: BillingLink = OWN_DATA  # where balances and packages are looked up

    @classmethod
    def build(
        cls,
        session: Session,
        *,
        by: Principal,
        secret: str,
        timezone: str,
        link: BillingLink = OWN_DATA,
    ) -> CallSetup:
        """A step's setup with the center's calendar (corrections included)."""
        return cls(by, secret, center_calendar(session, timezone), timezone, link)


class _CenterClock:
    def __init__(self, calendar: BusinessCalendar, timezone: str) -> None:
        self.calendar = calendar
        self.timezone = timezone

    def now(self) -> datetime:
        return local_now(self.timezone)

    def is_holiday(self, moment: datetime) -> bool:
        return not self.calendar.is_workday(moment.date())


@lru_cache(maxsize=32)
def checked_flow(source: str) -> Flow:
    """A stored version's flow (published versions passed the checks; parsed once)."""
    return parse(source, actions=ACTION_NAMES)


def published_flow(session: Session, *, code: str | None, dialled: str) -> IvrFlowVersion:
    """The published version of the flow named ``code``, else of the flow answering the
    dialled number, else of the first flow."""
    flows = list(session.scalars(select(IvrFlow).where(IvrFlow.published_number.is_not(None))))
    chosen = next((f for f in flows if f.code == code), None) if code else None
    chosen = chosen or next((f for f in flows if dialled and dialled in f.numbers.split()), None)
    chosen = chosen or (min(flows, key=lambda f: f.id) if flows and not code else None)
    if chosen is None:
        raise NotFound("ivr_flow_not_found", field="flow")
    version = session.scalar(
        select(IvrFlowVersion).where(
            IvrFlowVersion.flow_id == chosen.id, IvrFlowVersion.number == chosen.published_number
        )
    )
    assert version is not None and version.status == VersionStatus.PUBLISHED
    return version


def _caller_state(session: Session, caller: str, zone: str) -> CallState:
    state = CallState(caller=caller)
    found = customers.subscriber_by_msisdn(session, caller) if caller else None
    if found is not None and found[0].status != SubscriptionStatus.CANCELLED:
        subscription, customer, _unit = found
        state.customer_id = customer.id
        state.tier = str(customer.tier)
        state.brand = str(subscription.brand)
        state.enterprise = customer.enterprise_id is not None
        state.vars["language"] = "en" if customer.language == "en" else "zh-CN"
        state.vars.update(_notice_vars(session, customer.id, zone))
    return state


def _notice_vars(session: Session, customer_id: int, zone: str) -> dict[str, str]:
    """A notice of planned work the caller was sent, under way or starting within the day:
    a flow may say it first (the shipped one does), as the call is likely about it."""
    told = notices.under_way_for(session, customer_id, within=NOTICE_SAID_WITHIN)
    if told is None:
        return {}
    return {
        "notice_active": "1",
        "notice_title": told.title,
        "notice_title_en": wording.title_in_english(told),
        "notice_window": wording.window_text(told, zone, english=False),
        "notice_window_en": wording.window_text(told, zone, english=True),
    }


def _caller(raw: str) -> str:
    """The caller's E.164 number, or "" for a withheld or foreign-format number."""
    try:
        return normalize_phone(raw) if raw else ""
    except KefuError:
        return ""


def _engine(session: Session, version: IvrFlowVersion, setup: CallSetup, call_id: str) -> Engine:
    billing: Billing = setup.link.billing(session, setup.timezone)
    actions = KefuActions(
        session,
        billing=billing,
        by=setup.by,
        secret=setup.secret,
        call_id=call_id,
        calendar=setup.calendar,
    )
    return Engine(
        checked_flow(version.source), actions, _CenterClock(setup.calendar, setup.timezone)
    )


def start_call(
    session: Session, *, call_id: str, caller: str, dialled: str, flow: str | None, setup: CallSetup
) -> dict[str, Any]:
    """A call arrives: record the contact, run the flow to its first question."""
    existing = _started(session, call_id)
    if existing is not None:  # the PBX sent the start twice
        return existing
    version = published_flow(session, code=flow, dialled=dialled)
    state = _caller_state(session, _caller(caller), setup.timezone)
    try:
        with session.begin_nested():
            record = _open_call(session, call_id, version, state)
    except IntegrityError:
        # the same start sent again while the first was still running: once the first
        # commits, its answer is the answer
        existing = _started(session, call_id)
        if existing is None:
            raise
        return existing
    step = _run(lambda engine: engine.start(state), session, version, setup, call_id, state)
    return _save(session, record, state, step)


def _started(session: Session, call_id: str) -> dict[str, Any] | None:
    """The first instruction already given for ``call_id``, if the call was started."""
    stored = session.scalar(select(IvrSession.state).where(IvrSession.call_id == call_id))
    return dict(json.loads(stored)["last"]) if stored is not None else None


def _open_call(
    session: Session, call_id: str, version: IvrFlowVersion, state: CallState
) -> IvrSession:
    interaction = contacts.open_interaction(
        session,
        channel=ContactChannel.IVR,
        status=InteractionStatus.IVR,
        address=state.caller,
        customer_id=state.customer_id,
        channel_ref=f"call:{call_id}",
        language=state.language,
    )
    record = IvrSession(
        call_id=call_id,
        interaction_id=interaction.id,
        flow_version_id=version.id,
        node="",
        started_at=utcnow(),
    )
    session.add(record)
    session.flush()
    return record


def _run(
    go: Callable[[Engine], Step],
    session: Session,
    version: IvrFlowVersion,
    setup: CallSetup,
    call_id: str,
    state: CallState,
) -> Step:
    try:
        return go(_engine(session, version, setup, call_id))
    except FlowStuck:
        return Step(Instruction(action="hangup", node=state.node, outcome=CallOutcome.HUNG_UP), [])


def answer_call(
    session: Session, *, call_id: str, step: int, digits: str | None, setup: CallSetup
) -> dict[str, Any]:
    """The caller answered the question of ``step`` (digits, or None on timeout)."""
    record = _locked(session, call_id)
    stored = json.loads(record.state)
    if step == record.step - 1:  # a retried input: the answer it got before
        return dict(stored["last"])
    if record.ended_at is not None:
        raise Conflict("ivr_call_ended")
    if step != record.step:
        raise Conflict("ivr_step_mismatch", expected=record.step)
    state = CallState.from_json(stored["call"])
    version = session.get(IvrFlowVersion, record.flow_version_id)
    assert version is not None
    _close_visit(session, stored.get("open_visit"), "input" if digits else "timeout")
    result = _run(
        lambda engine: engine.answer(state, digits), session, version, setup, call_id, state
    )
    return _save(session, record, state, result)


def _locked(session: Session, call_id: str) -> IvrSession:
    query = select(IvrSession).where(IvrSession.call_id == call_id)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()  # two inputs for one call are taken in turn
    record = session.scalar(query)
    if record is None:
        raise NotFound("ivr_call_not_found", field="call_id")
    return record


def _close_visit(session: Session, visit_id: int | None, result: str) -> None:
    if visit_id is None:
        return
    session.execute(  # one statement: no need to load the visit first
        update(IvrVisit)
        .where(IvrVisit.id == visit_id, IvrVisit.left_at.is_(None))
        .values(left_at=utcnow(), result=result),
        execution_options={"synchronize_session": False},
    )


def _save(session: Session, record: IvrSession, state: CallState, step: Step) -> dict[str, Any]:
    open_visit = _record_visits(session, record, step)
    record.step += 1
    record.node = state.node
    record.self_service_ok = state.self_service_ok
    answer = {"call_id": record.call_id, "step": record.step, **step.instruction.to_json()}
    _apply(session, record, state, step.instruction)
    kept = {"call": state.to_json(), "last": answer, "open_visit": open_visit}
    record.state = json.dumps(kept, ensure_ascii=False)
    session.flush()
    return answer


def _record_visits(session: Session, record: IvrSession, step: Step) -> int | None:
    """The step's node visits, passed ones in one statement; the id of the one left
    waiting for input (closed when the input comes)."""
    now = utcnow()
    visits = cast(Table, IvrVisit.__table__)  # Core: the ORM sends one INSERT per row
    row = {"session_id": record.id, "entered_at": now}
    passed = [
        row | {"node": v.node, "kind": v.kind, "left_at": now, "result": v.result}
        for v in step.visits
        if not v.waits
    ]
    if passed:
        session.execute(insert(visits), passed)
    waiting = next((v for v in step.visits if v.waits), None)
    if waiting is None:
        return None
    values = row | {"node": waiting.node, "kind": waiting.kind, "left_at": None, "result": ""}
    return session.scalar(insert(visits).values(values).returning(visits.c.id))


def _apply(
    session: Session, record: IvrSession, state: CallState, instruction: Instruction
) -> None:
    """A transfer puts the call in a queue; a hang-up ends the contact, and a booked
    call-back puts an outbound call to the caller in the queue they chose it from."""
    if instruction.outcome is None:
        return
    interaction = session.get(Interaction, record.interaction_id)  # only when it ends
    assert interaction is not None
    record.outcome = instruction.outcome
    record.ended_at = utcnow()
    if instruction.action == "transfer":
        record.transfer_queue = instruction.queue
        record.transfer_reason = instruction.reason
        priority = call_priority(state.tier, instruction.priority)
        acd.enqueue(
            session, interaction=interaction, queue_code=instruction.queue, priority=priority
        )
    else:
        contacts.finish(session, interaction, END_REASONS[instruction.outcome])
    if instruction.outcome == CallOutcome.CALLBACK:
        callbacks.request_callback(
            session,
            origin=interaction,
            queue_code=state.callback_queue,
            priority=call_priority(state.tier),
        )


def end_call(session: Session, *, call_id: str) -> dict[str, Any]:
    """The caller hung up (or the PBX ended the call) at whatever point it was."""
    record = _locked(session, call_id)
    interaction = session.get(Interaction, record.interaction_id)
    assert interaction is not None
    if record.ended_at is None:
        record.outcome = CallOutcome.ABANDONED
        record.ended_at = utcnow()
        _close_visit(session, json.loads(record.state).get("open_visit"), "hangup")
    acd.call_ended(session, interaction=interaction)
    session.flush()
    return {
        "call_id": call_id,
        "outcome": str(record.outcome),
        "interaction_id": interaction.id,
        "interaction_status": str(interaction.status),
    }


def call_route(session: Session, *, call_id: str) -> dict[str, Any]:
    """Where a call stands after the IVR: queued, ringing an agent, talking, ended."""
    record = session.scalar(select(IvrSession).where(IvrSession.call_id == call_id))
    if record is None:
        raise NotFound("ivr_call_not_found", field="call_id")
    interaction = session.get(Interaction, record.interaction_id)
    assert interaction is not None
    username = (
        session.scalar(select(Staff.username).where(Staff.id == interaction.agent_id))
        if interaction.agent_id
        else None
    )
    return {
        "call_id": call_id,
        "interaction_id": interaction.id,
        "status": str(interaction.status),
        "agent_id": interaction.agent_id,
        "agent_username": username,
    }
