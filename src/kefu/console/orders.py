"""Console pages for work orders: queues, a new order from the 360 page, the order page."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated, Literal, NamedTuple

from fastapi import APIRouter, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kefu.console.order_assists import AskDue, asks_due, asks_open, assist_card, tab_asks
from kefu.console.order_refunds import refund_card
from kefu.console.policies import calendar_gap
from kefu.console.queue_counts import BEING, OPEN_QUEUE, tab_counts
from kefu.console.render import page_language, render, signed_in
from kefu.contact import message_orders
from kefu.contact.deps import load_interaction
from kefu.contact.enums import ContactChannel
from kefu.contact.models import Interaction
from kefu.contact.order_answers import answerable_message
from kefu.contact.views import shown_address
from kefu.core.base import utcnow
from kefu.core.clock import local_today
from kefu.core.i18n import error_message
from kefu.core.masking import mask_address
from kefu.core.pagination import PageParams
from kefu.core.phone import is_mobile, national
from kefu.core.rbac import Principal, Right
from kefu.core.textsafe import excerpt
from kefu.core.types import PathId
from kefu.core.web import DbSession
from kefu.customers import managers
from kefu.customers import repository as customer_repo
from kefu.customers.models import Customer
from kefu.customers.view import build_view
from kefu.errors import KefuError
from kefu.notices.aftermath import told_before
from kefu.org import repository as org_repo
from kefu.org.models import OrgUnit, Staff, Team
from kefu.workorders import appointments as visits
from kefu.workorders import attachments as order_files
from kefu.workorders import (
    categories,
    compensation_queue,
    engineers,
    in_turn,
    lifecycle,
    progress,
    refunds,
    repeats,
    repository,
    take_next,
)
from kefu.workorders.category_schemas import CategoryNode
from kefu.workorders.category_tree import category_tree
from kefu.workorders.deps import sees_order
from kefu.workorders.enums import (
    DISPATCHABLE_STATUSES,
    URGEABLE_STATUSES,
    Channel,
    OrderOrigin,
    OrderStatus,
    OrderType,
    RefundStatus,
    Triage,
    VisitOutcome,
)
from kefu.workorders.intake_rules import center_rules
from kefu.workorders.models import WorkOrder
from kefu.workorders.numbering import order_number_in
from kefu.workorders.schemas import OrderListItem, RepeatRate
from kefu.workorders.service import customer_language
from kefu.workorders.supervision_month import month_figures
from kefu.workorders.templates import fill_for_order
from kefu.workorders.views import appointment_out, attachment_out, list_items, order_detail
from kefu.workorders.visit_address import known_address

router = APIRouter(include_in_schema=False)
STARTS_OVER_DAYS = 30  # the team queue's line of who started what, and how
Queue = Literal[
    "mine",
    "opened",
    "clients",
    "team",
    "all",
    "dispatch",
    "repeat",
    "passed_on",
    "supervised",
    "on_site",
    "refunds",
    "assists",
    "visits",
]
# The 越级 / 交办 queue: every order someone other than the customer passed on.
PASSED_ON = [origin for origin in OrderOrigin if origin is not OrderOrigin.CUSTOMER]
PAGE_SIZE = 50


def category_leaves(
    nodes: list[CategoryNode], english: bool, trail: tuple[tuple[str, str], ...] = ()
) -> list[dict[str, object]]:
    """Every leaf category with its path in the viewer's language, searchable in both."""
    found: list[dict[str, object]] = []
    for node in nodes:
        path = (*trail, (node.name, node.name_en or node.name))
        if node.children:
            found += category_leaves(node.children, english, path)
            continue
        shown = [en if english else zh for zh, en in path]
        found.append(
            {
                "id": node.id,
                "path": " › ".join(shown),
                "search": " ".join(f"{zh} {en}" for zh, en in path).lower(),
                "script": (node.script_en if english else "") or node.script,
            }
        )
    return found


@router.get("/orders", response_class=HTMLResponse)
def order_queue(
    request: Request,
    session: DbSession,
    view: Queue | None = None,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
    open_only: bool = True,
    category: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> Response:
    """My orders, those I opened (首问), my customers' (an account manager's), my team's
    queue, everything in scope, repeat complaints, those passed on (越级, 交办), those with
    an engineer booked (上门), those with a refund to approve (退费审批), or the return
    visits to make; without a choice, the queue the viewer's job starts at.
    ``category``: only that category and everything under it."""
    principal = signed_in(request, session, Right.ORDER_READ)
    if isinstance(principal, Response):
        return principal
    view = view or _first_queue(principal)
    params = PageParams(page=page, size=PAGE_SIZE)
    branch = category_tree(session).get(category) if category else None
    queue = order_queue_rows(
        session, principal, view, open_only, params, category_path=branch.path if branch else None
    )
    zone = str(request.app.state.settings.timezone)
    today = local_today(zone)  # once: not two days either side of midnight
    # A dispatcher picks the rows that may be sent, and sends them in one go.
    batch = principal.has(Right.ORDER_DISPATCH) and any(
        item.status in DISPATCHABLE_STATUSES for item in queue.items
    )
    choices = _dispatch_choices(session, principal) if batch else NO_CHOICES
    me = org_repo.staff_with_skills(session, principal.staff_id)
    # the lead of the team reads who took the next and who picked from the list
    team = session.get(Team, me.team_id) if me and me.team_id else None
    started = (
        take_next.started_lately(session, team, STARTS_OVER_DAYS)
        if team and view == "team" and principal.has(Right.ORDER_DISPATCH)
        else []
    )
    rounds, round_of = _compensation_rounds(session, principal, view, queue.items)
    counts = tab_counts(session, principal)
    supervision = (
        month_figures(
            session,
            month=f"{today:%Y-%m}",
            scope_path=principal.scope_filter(),
            timezone=zone,
            now=utcnow(),
        )
        if view == "supervised"
        else None
    )
    return render(
        request,
        "orders/list.html",
        principal,
        repeat_rates=repeat_rates(session, principal, zone) if view == "repeat" else None,
        supervision=supervision,
        calendar_gap=calendar_gap(session, principal, zone),
        branch=branch,
        view=view,
        open_only=open_only,
        items=queue.items,
        visit_dues=queue.visit_dues,
        refunds_awaiting=queue.refunds_awaiting,
        asks_due=queue.asks_due,
        untold=queue.untold,
        asks_open=asks_open(session, principal),
        rounds=rounds,
        round_of=round_of,
        total=queue.total,
        page=page,
        pages=max(1, (queue.total + PAGE_SIZE - 1) // PAGE_SIZE),
        this_month=(today.replace(day=1), today),  # the export's default period
        batch=batch,
        takes_next=view in ("mine", "team") and _takes_next(session, principal),
        follows_opened=_handles(principal),
        manages=counts.manages,
        customers_open=counts.customers_open,
        team=team,
        started=started,
        started_days=STARTS_OVER_DAYS,
        waiting=counts.to_dispatch,
        to_decide=counts.refunds,
        watches=counts.watches,
        supervised=counts.supervised,
        now=utcnow(),  # a supervisor's time asked (督办时限) past, or still ahead
        refund_statuses=list(RefundStatus),
        dispatchable=DISPATCHABLE_STATUSES,
        teams=choices.teams,
        people=choices.people,
        units=choices.units,
    )


class RepeatRates(NamedTuple):
    """The repeat-complaint rate the center lives by: this month's, by category branch,
    and last month's to compare with."""

    this_month: RepeatRate
    last_month: RepeatRate


def repeat_rates(session: DbSession, principal: Principal, zone: str) -> RepeatRates:
    """This month's and last month's repeat-complaint rates in the viewer's scope."""
    first = local_today(zone).replace(day=1)
    before = (first - timedelta(days=1)).replace(day=1)
    level = center_rules(session).repeat.category_level
    scope = None if principal.has(Right.SCOPE_ALL) else principal.scope_path

    def rate(month: date) -> RepeatRate:
        return repeats.monthly_rate(
            session,
            month=f"{month:%Y-%m}",
            by="category",
            category_level=level,
            scope_path=scope,
            timezone=zone,
        )

    return RepeatRates(rate(first), rate(before))


def _open_in(view: Queue) -> list[OrderStatus] | None:
    """What "open only" keeps of a queue: a refund awaiting approval is work to do on a
    closed order too (an incident's callers' orders close when it is resolved, and their
    compensation comes after); a supervised order is pressed for until it is answered."""
    if view == "refunds":
        return None
    return BEING if view == "supervised" else OPEN_QUEUE


def _first_queue(principal: Principal) -> Queue:
    """Agents and back office start at their own orders; supervisors, team leads, QA
    and auditors at everything in their scope (their own queue was empty)."""
    return "mine" if _handles(principal) else "all"


def _handles(principal: Principal) -> bool:
    """Whether the viewer handles orders themselves (agents, back office), rather than
    watching others handle them; who handles also follows the orders they opened
    (首问负责)."""
    return principal.has(Right.ORDER_WRITE) and not principal.has(Right.QUEUES_MONITOR)


class QueueRows(NamedTuple):
    """A page of a queue as the templates show it (``orders/_time_left.html``)."""

    items: list[OrderListItem]
    visit_dues: dict[int, tuple[datetime, datetime]]  # a return visit's scheduling and due
    total: int
    refunds_awaiting: dict[int, int]  # fen asked and awaiting approval, by order
    asks_due: dict[int, AskDue]  # when a team's part is wanted (协办), by order
    untold: dict[int, timedelta]  # how long a customer owed word heard nothing (进度告知)


def order_queue_rows(
    session: DbSession,
    principal: Principal,
    view: Queue,
    open_only: bool,
    params: PageParams,
    *,
    category_path: str | None = None,
) -> QueueRows:
    """A page of one of the viewer's queues (of one category branch, when given)."""
    me = org_repo.staff_with_skills(session, principal.staff_id)
    team_id = me.team_id if me else None
    query = repository.order_list_query(
        scope_path=principal.scope_filter(),
        viewer_id=principal.staff_id,
        status=_open_in(view) if open_only else None,
        assignee_id=principal.staff_id if view == "mine" else None,
        opened_by=principal.staff_id if view == "opened" else None,
        managed_by=principal.staff_id if view == "clients" else None,
        team_id=(team_id or 0) if view == "team" else None,
        repeat_only=view == "repeat",
        visits_due=view == "visits",
        category_path=category_path,
        to_dispatch=view == "dispatch",
        origins=PASSED_ON if view == "passed_on" else None,
        on_site=view == "on_site",
        refund_awaiting=view == "refunds",
        asks=tab_asks(session, principal) if view == "assists" else None,
        supervised=view == "supervised",
    )
    rows, total = repository.page(session, query, params)
    masked = not principal.has(Right.PII_VIEW)
    visiting = [o.id for o, *_ in rows if o.status == OrderStatus.RETURN_VISIT]
    return QueueRows(
        items=list_items(session, rows, masked),
        visit_dues=repository.visit_dues(session, visiting),
        total=total,
        refunds_awaiting={
            order_id: money.asked
            for order_id, money in refunds.money_back(session, [o.id for o, *_ in rows]).items()
            if money.asked
        },
        asks_due=asks_due(session, principal, [o.id for o, *_ in rows], on_tab=view == "assists"),
        untold=progress.untold_for(session, [o for o, *_ in rows]),
    )


@router.get("/orders/new", response_class=HTMLResponse)
def new_order(
    request: Request,
    session: DbSession,
    customer_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
    message_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> Response:
    """The intake form, opened from the customer 360 page, from a customer's SMS or
    e-mail (its sender, words and channel filled in), or empty."""
    principal = signed_in(request, session, Right.ORDER_READ)
    if isinstance(principal, Response):
        return principal
    message = _message_for_order(session, principal, message_id) if message_id else None
    if message is not None:
        customer_id = message.customer_id
    view = None
    if customer_id is not None:
        found = customer_repo.customer_with_unit(session, customer_id)
        if found is not None and principal.sees_org_path(found[1].path):
            view = build_view(session, customer=found[0], unit=found[1], viewer=principal)
    return render(
        request,
        "orders/new.html",
        principal,
        customer=view,
        message=message and _message_form(message, masked=not principal.has(Right.PII_VIEW)),
        types=list(OrderType),
        channels=list(Channel),
        origins=list(OrderOrigin),
        triages=list(Triage),
        today=local_today(str(request.app.state.settings.timezone)),
        leaves=category_leaves(categories.tree(session), page_language(request, principal) == "en"),
    )


def _message_for_order(
    session: DbSession, viewer: Principal, message_id: int
) -> Interaction | None:
    """The customer's message an order is opened from, when the viewer may read it."""
    try:
        message = load_interaction(session, message_id, viewer)
    except KefuError:
        return None
    return message if message_orders.is_customer_message(message) else None


def _message_form(message: Interaction, *, masked: bool) -> dict[str, object]:
    """What the form shows and fills in from a message."""
    text = message.body or message.subject
    return {
        "id": message.id,
        "channel": str(message.channel),
        "sender": shown_address(message.address, masked),
        "sent_from_number": message.address.startswith("+"),
        "subject": message.subject or excerpt(text, SUBJECT_FROM_MESSAGE),
        "description": text[:DESCRIPTION_LIMIT],
    }


SUBJECT_FROM_MESSAGE = 60
DESCRIPTION_LIMIT = 4000


@router.get("/orders/number/{number}", response_class=HTMLResponse)
def order_by_number(
    number: Annotated[str, PathParam(max_length=64)], request: Request, session: DbSession
) -> Response:
    """An order by its number, as a caller reads it out or a page names it."""
    principal = signed_in(request, session, Right.ORDER_READ)
    if isinstance(principal, Response):
        return principal
    stored = order_number_in(number)
    order = repository.order_by_number(session, stored) if stored else None
    unit = org_repo.org_unit(session, order.org_unit_id) if order else None
    if order is None or unit is None or not sees_order(principal, order, unit):
        message = error_message(page_language(request, principal), "order_not_found", {})
        return render(
            request,
            "customers/search.html",
            principal,
            q=number,
            page=None,
            error=message,
            finding_order=True,
            status_code=404,
        )
    return RedirectResponse(f"/orders/{order.id}", status_code=303)


@router.get("/orders/{order_id}", response_class=HTMLResponse)
def order_page(order_id: PathId, request: Request, session: DbSession) -> Response:
    """One order: details, time limit, timeline and the actions its state allows."""
    principal = signed_in(request, session, Right.ORDER_READ)
    if isinstance(principal, Response):
        return principal
    order = session.get(WorkOrder, order_id)
    unit = org_repo.org_unit(session, order.org_unit_id) if order else None
    if order is None or unit is None or not sees_order(principal, order, unit):
        return RedirectResponse("/orders", status_code=303)
    try:
        detail = order_detail(session, order, principal)
    except KefuError:  # pragma: no cover - the order was loaded above
        return RedirectResponse("/orders", status_code=303)
    templates = _template_groups(session, order, request.app.state.settings.timezone)
    choices = _dispatch_choices(session, principal)
    messages = message_orders.messages_of_order(session, order.id)
    # the customer's other open orders: what a duplicate is likely merged into
    others = repository.open_orders_of(session, order.customer_id) if order.customer_id else []
    merge_candidates = [other.number for other, _ in others if other.id != order.id]
    settings = request.app.state.settings
    masked = not principal.has(Right.PII_VIEW)
    return render(
        request,
        "orders/view.html",
        principal,
        order=detail,
        now=utcnow(),  # a supervisor's time asked (督办时限) past, or still ahead
        templates=templates,
        teams=choices.teams,
        people=choices.people,
        units=choices.units,
        merge_candidates=merge_candidates,
        attachments=[attachment_out(item) for item in order_files.listed(session, order.id)],
        appointments=[appointment_out(item, masked) for item in visits.listed(session, order.id)],
        appointment_bookable=order.status in visits.BOOKABLE,
        refund=refund_card(session, order, principal, settings),
        assist=assist_card(session, order, principal),
        origins=list(OrderOrigin),
        today=local_today(str(settings.timezone)),
        attachment_max_bytes=settings.attachment_max_bytes,
        triages=list(Triage),
        outcomes=list(VisitOutcome),
        messages=messages,
        mail_to=_mail_to(messages, order, masked=masked),
        textable=is_mobile(order.contact_phone),
        sms_max=lifecycle.SMS_ANSWER_MAX,
        visit_tries=lifecycle.VISIT_TRIES,
        urgeable=order.status in URGEABLE_STATUSES,
        visit_retry_hours=int(lifecycle.VISIT_RETRY_AFTER.total_seconds() // 3600),
        told_of=told_before(session, order),
        engineers=[e for e, _unit in engineers.roster(session, principal) if e.active],
        known_address=_known_address(session, order, masked),
        in_turn=in_turn.picking_refused(session, order, principal),
        takes_next=_takes_next(session, principal),
        account_manager=_account_manager(session, order),
    )


def _account_manager(session: DbSession, order: WorkOrder) -> dict[str, str] | None:
    """Who looks after the order's customer (客户经理), to involve in a big customer's
    complaint: their name and work number."""
    customer = session.get(Customer, order.customer_id) if order.customer_id else None
    manager_id = managers.manager_of(session, customer) if customer else None
    manager = session.get(Staff, manager_id) if manager_id else None
    if manager is None:
        return None
    return {"name": manager.display_name, "phone": national(manager.phone or "")}


def _takes_next(session: DbSession, principal: Principal) -> bool:
    """A handler in a team is handed their queue's next order rather than picking one:
    the queues and an order's page (done with one, on to the next) offer it."""
    me = session.get(Staff, principal.staff_id)
    return principal.has(Right.ORDER_WRITE) and bool(me and me.team_id)


def _known_address(session: DbSession, order: WorkOrder, masked: bool) -> dict[str, str] | None:
    """The address a booking left without one goes to, as the viewer may read it."""
    known = known_address(session, order)
    if known is None:
        return None
    shown = mask_address(known.address) if masked else known.address
    return {"address": shown, "source": known.source.value}


def _template_groups(session: DbSession, order: WorkOrder, zone: str) -> list[dict[str, object]]:
    """The category's reply templates filled from the order (due times in the center's
    zone), grouped by language, the customer's own first (an English speaker is answered
    in English)."""
    spoken = customer_language(session, order)
    groups: dict[str, list[dict[str, str]]] = {}
    for t in repository.templates(session, [order.category_id]):
        body = fill_for_order(session, t.body, order=order, timezone=zone, language=t.language)
        groups.setdefault(t.language, []).append({"title": t.title, "body": body})
    ordered = sorted(groups, key=lambda language: (language != spoken, language != "zh-CN"))
    return [{"language": language, "templates": groups[language]} for language in ordered]


def _mail_to(messages: list[Interaction], order: WorkOrder, *, masked: bool) -> str | None:
    """Where an e-mailed answer would go: the latest e-mail the order came from."""
    mail = answerable_message(messages, order, ContactChannel.EMAIL)
    return shown_address(mail.address, masked) if mail else None


def _compensation_rounds(
    session: DbSession, principal: Principal, view: Queue, items: list[OrderListItem]
) -> tuple[list[compensation_queue.WaitingRound], dict[int, tuple[int, str]]]:
    """On the refund approvals queue, the incidents' compensations waiting, each decided
    on its incident's page at once, and which of the page's orders they are."""
    if view != "refunds":
        return [], {}
    return (
        compensation_queue.waiting_rounds(session, principal.scope_filter()),
        compensation_queue.incidents_waiting_on(session, [o.id for o in items]),
    )


class DispatchChoices(NamedTuple):
    """The teams a dispatcher may send orders to (by unit, then name), the people in them,
    and the teams' units (a select groups the teams by unit when there are several: every
    branch has its 话务一班)."""

    teams: list[Team]
    people: list[dict[str, object]]
    units: dict[int, OrgUnit]


NO_CHOICES = DispatchChoices([], [], {})


def _dispatch_choices(session: DbSession, principal: Principal) -> DispatchChoices:
    """The teams a dispatcher may send orders to, the people in them, and their units."""
    teams: list[Team] = []
    units: dict[int, OrgUnit] = {}
    for team in org_repo.teams(session):
        unit = units.get(team.org_unit_id) or org_repo.org_unit(session, team.org_unit_id)
        if unit is not None and principal.sees_org_path(unit.path):
            units[unit.id] = unit
            teams.append(team)
    team_ids = {t.id for t in teams}
    people: list[dict[str, object]] = [
        {"id": s.id, "name": s.display_name, "team_id": s.team_id}
        for s in org_repo.active_staff(session)
        if s.team_id in team_ids
    ]
    return DispatchChoices(teams, people, units)
