"""The order page's card of other teams' parts (协办): what was asked of whom and by when,
their answers, and what the viewer may do; and what a team's queue shows of its asks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import false, select
from sqlalchemy.orm import Session

from kefu.core.base import utcnow
from kefu.core.rbac import Principal, Right
from kefu.org.models import OrgUnit, Staff, Team
from kefu.workorders import assists
from kefu.workorders.assist_schemas import AssistOut
from kefu.workorders.enums import AssistStatus
from kefu.workorders.models import OrderAssist, WorkOrder
from kefu.workorders.repository import FollowedAsks
from kefu.workorders.views import assist_out

# How soon the holder may want the answer, in hours (the form's choices; the API takes any
# hour up to a week).
DUE_CHOICES = (4, 24, 48, 72)
DEFAULT_DUE = 24


@dataclass(frozen=True)
class AssistCard:
    """The asks, the teams that may be asked (an ask is possible when there are any), and
    the viewer's own team (its people answer what is asked of it)."""

    items: list[AssistOut]
    teams: list[Team]
    units: dict[int, OrgUnit]  # the teams', to group them by (a branch's and the province's)
    my_team: int | None
    works: bool  # the viewer works orders: may ask, and take an ask back
    due_choices: tuple[int, ...] = DUE_CHOICES
    default_due: int = DEFAULT_DUE

    @property
    def askable(self) -> bool:
        """Whether the viewer may ask another team here."""
        return self.works and bool(self.teams)


def assist_card(session: Session, order: WorkOrder, principal: Principal) -> AssistCard:
    """The card as the viewer sees it."""
    items = [assist_out(item) for item in assists.listed(session, order.id)]
    works = principal.has(Right.ORDER_WRITE)
    handled = order.status in assists.ASKABLE
    me = session.get(Staff, principal.staff_id)
    waiting = {i.team_id for i in items if i.status == AssistStatus.OPEN}  # asked once: 409
    reach = assists.teams_in_reach(session, order) if works and handled else []
    teams = [t for t in reach if t.id not in waiting]
    units = {t.org_unit_id: session.get(OrgUnit, t.org_unit_id) for t in teams}
    return AssistCard(
        items=items,
        teams=teams,
        units={unit_id: unit for unit_id, unit in units.items() if unit is not None},
        my_team=me.team_id if me else None,
        works=works,
    )


def tab_asks(session: Session, principal: Principal) -> FollowedAsks:
    """The asks the viewer's 协办 tab lists (none for someone in no team who watches none;
    a clause is never tested for truth)."""
    followed = assists.followed(session, principal)
    return false() if followed is None else followed


def asks_open(session: Session, principal: Principal) -> int:
    """How many asks the viewer follows wait for an answer (the 协办 tab's count)."""
    followed = assists.followed(session, principal)
    return assists.open_count(session, followed) if followed is not None else 0


class AskDue(NamedTuple):
    """When an order wants a team's answer (the soonest of its open asks), whether that
    time has passed, which team is asked, and whether it is the viewer's."""

    due_at: datetime
    overdue: bool
    team: Team
    ours: bool


def asks_due(
    session: Session, principal: Principal, order_ids: list[int], *, on_tab: bool
) -> dict[int, AskDue]:
    """For each of these orders with an open ask, its soonest: on a handler's 协办 tab, of
    their team (what they are to answer); elsewhere, of any team (what the holder waits
    for, and whoever watches the queues follows)."""
    if not order_ids:
        return {}
    query = (
        select(OrderAssist.order_id, OrderAssist.due_at, Team)
        .join(Team, Team.id == OrderAssist.team_id)
        .where(OrderAssist.status == AssistStatus.OPEN, OrderAssist.order_id.in_(order_ids))
        .order_by(OrderAssist.due_at.desc())  # the soonest written last, and kept
    )
    if on_tab and not principal.has(Right.QUEUES_MONITOR):
        query = query.where(tab_asks(session, principal))
    now = utcnow()
    mine = assists.my_team(session, principal)
    return {
        order_id: AskDue(due, due < now, team, team.id == mine)
        for order_id, due, team in session.execute(query)
    }
