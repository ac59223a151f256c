"""The order page's card of other teams' parts (协办): what was asked of whom and by when,
their answers, and what the viewer may do; and what a team's queue shows of its asks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from kefu.core.base import utcnow
from kefu.core.rbac import Principal, Right
from kefu.org.models import OrgUnit, Staff, Team
from kefu.workorders import assists
from kefu.workorders.assist_schemas import AssistOut
from kefu.workorders.enums import AssistStatus
from kefu.workorders.models import OrderAssist, WorkOrder
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
    teams = assists.teams_in_reach(session, order) if works and handled else []
    units = {t.org_unit_id: session.get(OrgUnit, t.org_unit_id) for t in teams}
    return AssistCard(
        items=items,
        teams=teams,
        units={unit_id: unit for unit_id, unit in units.items() if unit is not None},
        my_team=me.team_id if me else None,
        works=works,
    )


class AskDue(NamedTuple):
    """When an order wants a team's answer, and whether that time has passed."""

    due_at: datetime
    overdue: bool


def asks_due(session: Session, team_id: int | None, order_ids: list[int]) -> dict[int, AskDue]:
    """When each of these orders wants the team's answer (those asking nothing left out)."""
    if team_id is None or not order_ids:
        return {}
    rows = session.execute(
        select(OrderAssist.order_id, OrderAssist.due_at).where(
            OrderAssist.team_id == team_id,
            OrderAssist.status == AssistStatus.OPEN,
            OrderAssist.order_id.in_(order_ids),
        )
    )
    now = utcnow()
    return {order_id: AskDue(due, due < now) for order_id, due in rows}
