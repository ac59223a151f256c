"""Enumerations of the work-order domain, and the one table of allowed transitions."""

from __future__ import annotations

from enum import StrEnum


class OrderType(StrEnum):
    """Why: each type has its own time limits, routing and whether a return visit follows."""

    CONSULTATION = "consultation"  # 咨询
    SERVICE_REQUEST = "service_request"  # 业务受理
    COMPLAINT = "complaint"  # 投诉
    FAULT = "fault"  # 故障申告
    SUGGESTION = "suggestion"  # 建议


def needs_confirmation(order_type: OrderType, changes_service: bool) -> bool:
    """Whether an order is carried out only after the customer confirms (五不准): a service
    request filed under a category that opens or changes a service."""
    return order_type == OrderType.SERVICE_REQUEST and changes_service


class OrderStatus(StrEnum):
    """Why: the center is measured on where every order is; each state has an owner."""

    NEW = "new"
    ACCEPTED = "accepted"
    DISPATCHED = "dispatched"
    IN_PROGRESS = "in_progress"
    REPLIED = "replied"
    RETURN_VISIT = "return_visit"
    CLOSED = "closed"
    WAITING_CUSTOMER = "waiting_customer"  # 待客户: the time-limit clock is paused
    RETURNED = "returned"  # 退单: the receiving team sends it back, with a reason
    CANCELLED = "cancelled"  # invalid (无效单), with a reason


class Action(StrEnum):
    """Why: people act on orders; the action, not the target state, is what they choose."""

    ACCEPT = "accept"
    DISPATCH = "dispatch"
    TRANSFER = "transfer"
    ESCALATE = "escalate"
    START = "start"
    REPLY = "reply"
    RETURN = "return"
    CLOSE = "close"
    VISIT = "visit"
    REOPEN = "reopen"
    CANCEL = "cancel"
    WAIT = "wait"  # waiting on the customer (documents, a test call): the clock pauses
    RESUME = "resume"
    INCIDENT_CLOSE = "incident_close"  # answered and closed with its incident


_S = OrderStatus
_WORKING = (_S.ACCEPTED, _S.DISPATCHED, _S.IN_PROGRESS, _S.RETURNED)

# The lifecycle, in one place: (action, from) → to. Anything else is refused with 409.
TRANSITIONS: dict[tuple[Action, OrderStatus], OrderStatus] = {
    (Action.ACCEPT, _S.NEW): _S.ACCEPTED,
    **{(Action.DISPATCH, s): _S.DISPATCHED for s in (_S.NEW, *_WORKING)},
    **{(Action.TRANSFER, s): _S.DISPATCHED for s in (_S.DISPATCHED, _S.IN_PROGRESS)},
    **{(Action.ESCALATE, s): _S.DISPATCHED for s in (_S.NEW, *_WORKING)},
    **{(Action.START, s): _S.IN_PROGRESS for s in (_S.ACCEPTED, _S.DISPATCHED)},
    **{(Action.REPLY, s): _S.REPLIED for s in (_S.ACCEPTED, _S.DISPATCHED, _S.IN_PROGRESS)},
    **{(Action.RETURN, s): _S.RETURNED for s in (_S.DISPATCHED, _S.IN_PROGRESS)},
    # Closing a complaint goes through a return visit; other types close at once.
    (Action.CLOSE, _S.REPLIED): _S.CLOSED,
    (Action.VISIT, _S.RETURN_VISIT): _S.CLOSED,
    **{(Action.REOPEN, s): _S.IN_PROGRESS for s in (_S.REPLIED, _S.RETURN_VISIT, _S.CLOSED)},
    **{(Action.CANCEL, s): _S.CANCELLED for s in (_S.NEW, _S.ACCEPTED, _S.RETURNED)},
    **{(Action.WAIT, s): _S.WAITING_CUSTOMER for s in (_S.ACCEPTED, _S.DISPATCHED, _S.IN_PROGRESS)},
    (Action.RESUME, _S.WAITING_CUSTOMER): _S.IN_PROGRESS,
    **{
        (Action.INCIDENT_CLOSE, s): _S.CLOSED
        for s in (_S.NEW, *_WORKING, _S.WAITING_CUSTOMER, _S.REPLIED, _S.RETURN_VISIT)
    },
}

OPEN_STATUSES = frozenset(set(OrderStatus) - {_S.CLOSED, _S.CANCELLED})
# Still being handled: not yet answered, nor finished.
BEING_HANDLED = frozenset({_S.NEW, *_WORKING, _S.WAITING_CUSTOMER})
# The customer chases an order still being handled; one answered or finished is reopened,
# or a new one opened, instead.
URGEABLE_STATUSES = BEING_HANDLED
# The resolution limit runs until the customer has the answer, and not while waiting on
# them: a replied order met its limit (or missed it) when it was replied.
CLOCK_RUNNING_STATUSES = frozenset({_S.NEW, *_WORKING})
# The states an order may be sent from (dispatched, or transferred once sent): a queue's
# rows a dispatcher may pick for a batch.
DISPATCHABLE_STATUSES = frozenset(
    status for (action, status) in TRANSITIONS if action in (Action.DISPATCH, Action.TRANSFER)
)
# Waiting to be sent to whoever handles them (待派单): new, accepted by the center, or
# returned to the dispatcher (退单).
AWAITING_DISPATCH_STATUSES = frozenset({_S.NEW, _S.ACCEPTED, _S.RETURNED})
# Closing a complaint schedules a return visit; the visit's outcome closes it.
VISITED_TYPES = frozenset({OrderType.COMPLAINT})


def next_status(action: Action, status: OrderStatus, order_type: OrderType) -> OrderStatus | None:
    """Where an action takes an order of this type and status; None when it is not allowed."""
    target = TRANSITIONS.get((action, status))
    if target is _S.CLOSED and action is Action.CLOSE and order_type in VISITED_TYPES:
        return _S.RETURN_VISIT
    return target


class Triage(StrEnum):
    """Why: triage (甄别) decides time limits and routing; key complaints are followed up."""

    INVALID = "invalid"  # 无效投诉
    NORMAL = "normal"  # 普通
    KEY = "key"  # 重点
    URGENT = "urgent"  # 紧急


TRIAGE_PRIORITY: dict[Triage, int] = {
    Triage.INVALID: 0,
    Triage.NORMAL: 1,
    Triage.KEY: 2,
    Triage.URGENT: 3,
}
MAX_PRIORITY = 4


class Channel(StrEnum):
    """Why: where an order came from feeds channel reports and the reply channel."""

    PHONE = "phone"
    CONSOLE = "console"
    SMS = "sms"
    EMAIL = "email"
    WEB = "web"
    API = "api"


class OrderOrigin(StrEnum):
    """Why: a complaint the customer took past the operator (越级投诉) — to the ministry's
    appeal center, a consumer body, the press — is the failure an operator is ranked on;
    it is handled as key at least, by the date the body sets, and counted apart."""

    CUSTOMER = "customer"  # the customer came to the center (the usual case)
    REGULATOR = "regulator"  # 工信部 / 通信管理局申诉 (12300), passed on to the operator
    CONSUMER_BODY = "consumer_body"  # 消费者协会 / 12315
    MEDIA = "media"  # 媒体、网络舆情
    EXECUTIVE = "executive"  # 领导交办: passed down inside the company


# Taken outside the company (越级): counted in the month's appeal rate.
OUTSIDE_ORIGINS = (OrderOrigin.REGULATOR, OrderOrigin.CONSUMER_BODY, OrderOrigin.MEDIA)
# Passed on with their own reference number, which the body asks about later.
NUMBERED_ORIGINS = (OrderOrigin.REGULATOR, OrderOrigin.CONSUMER_BODY)
# Anything not from the customer directly is handled at least as key (重点).
LOWEST_PASSED_ON_TRIAGE = Triage.KEY


class EventKind(StrEnum):
    """Why: the order's timeline shows more than state changes."""

    CREATED = "created"
    TRANSITION = "transition"
    TRIAGE = "triage"
    REPEAT = "repeat"
    NOTE = "note"
    URGE = "urge"  # the customer chased the open order (催办)
    MERGE = "merge"  # a duplicate of the order was merged into it (合并工单)
    ATTACHMENT = "attachment"  # a file kept with the order, or withdrawn from it
    APPOINTMENT = "appointment"  # an on-site visit booked, moved, made or missed (上门)
    ORIGIN = "origin"  # found passed on once open (越级, 交办), or who did corrected
    REFUND = "refund"  # money back to the customer asked, decided or credited (退费, 赔付)
    ASSIST = "assist"  # another team asked for its part, and what it said (协办)
    PROGRESS = "progress"  # the customer texted how the open order stands (进度告知)
    LIMITS = "limits"  # its limits counted again after the center's calendar changed
    SUPERVISE = "supervise"  # a supervisor pressed its holder for it (督办)


class AppointmentStatus(StrEnum):
    """Why: a fault often needs an engineer at the customer's door (上门处理); the customer
    waits at home for the window they were given, so every booking, move and miss is kept."""

    SCHEDULED = "scheduled"
    DONE = "done"
    MISSED = "missed"  # nobody met: the customer was out, or the engineer did not come
    RESCHEDULED = "rescheduled"  # replaced by a later booking (改约)
    CANCELLED = "cancelled"


class EngineerSkill(StrEnum):
    """Why: a broadband engineer is no help with no signal indoors (室分), and the other
    way round; the booking form offers those who can do the job first. An engineer with
    none listed does every kind."""

    BROADBAND = "broadband"  # 宽带装维: lines, optical modems, installation
    COVERAGE = "coverage"  # 无线覆盖: indoor signal, repeaters, small cells


class PartOfDay(StrEnum):
    """Why: a customer asking to move a visit names a part of a day, not an hour; whoever
    rebooks it agrees the window with them (kefu keeps no engineers' rosters)."""

    MORNING = "morning"  # 09:00–12:00
    AFTERNOON = "afternoon"  # 14:00–18:00 (kefu.workorders.self_moves.PART_HOURS)
    EVENING = "evening"  # 18:00–20:00: engineers come until 20:00


class RefundKind(StrEnum):
    """Why: a charge wrongly billed is given back (退费); one for a service the customer
    never agreed to is given back twice over (双倍返还, the regulator's rule on
    unconsented subscriptions); a loss without a charge (a line down for days) is made
    good by a credit (赔付)."""

    REFUND = "refund"
    DOUBLE_REFUND = "double_refund"
    COMPENSATION = "compensation"


# The kinds that give back a charge: the request names it, and its bill month.
CHARGE_REFUNDS = (RefundKind.REFUND, RefundKind.DOUBLE_REFUND)


class AssistStatus(StrEnum):
    """Why: the holder of an order often needs another team's part (the network team to
    survey a site, billing to confirm a charge) without handing the order over (协办); the
    ask waits until that team answers, or the holder no longer needs it."""

    OPEN = "open"
    ANSWERED = "answered"
    WITHDRAWN = "withdrawn"  # taken back by the holder, or the order closed or cancelled


class RefundStatus(StrEnum):
    """Why: money leaves the operator only after someone other than the asker approved it
    (四眼原则); the credit is made by the billing system after the approval, and is what
    the customer sees."""

    REQUESTED = "requested"
    APPROVED = "approved"  # the credit is on its way to the billing system
    CREDITED = "credited"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    FAILED = "failed"  # the billing system refused it (the number no longer live)


class VisitOutcome(StrEnum):
    """Why: a dissatisfied customer's complaint is not finished; a customer who cannot be
    reached is tried again, and after the last try gives no verdict at all."""

    SATISFIED = "satisfied"
    NEUTRAL = "neutral"
    DISSATISFIED = "dissatisfied"
    UNREACHABLE = "unreachable"  # the call was not taken


# The outcomes where the customer said how it went: what satisfaction is counted over.
ANSWERED_VISITS = (VisitOutcome.SATISFIED, VisitOutcome.NEUTRAL, VisitOutcome.DISSATISFIED)


class IncidentStatus(StrEnum):
    """Why: the rule only proposes; a supervisor decides it is one incident."""

    PROPOSED = "proposed"
    CONFIRMED = "confirmed"
    RESOLVED = "resolved"
    DISMISSED = "dismissed"


OPEN_INCIDENT_STATUSES = (IncidentStatus.PROPOSED, IncidentStatus.CONFIRMED)


class ConsentMethod(StrEnum):
    """Why: the customer confirms a service change by a code sent to the number, or on a
    recorded call whose reference is kept."""

    SMS_CODE = "sms_code"
    VERBAL = "verbal"
