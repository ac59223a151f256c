"""A complaint closed for its return visit may invite the customer to give it by text
(短信回访: 回复1满意 2一般 3不满意). Whether the center does, and the answer's handling,
are the contact domain's (its SMS rules); it builds on work orders, so it registers how
here instead of being imported."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from kefu.workorders.models import WorkOrder

INVITED = "visit_invited"  # the timeline step's action: the invitation was texted

# Texts the invitation and returns True; False when the center does not invite by text
# or the order's number cannot take a text (nothing is sent then).
Inviter = Callable[[Session, WorkOrder], bool]
_inviters: list[Inviter] = []


def register_inviter(inviter: Inviter) -> None:
    """Let the contact domain invite return visits by text (idempotent)."""
    if inviter not in _inviters:
        _inviters.append(inviter)


def invite(session: Session, order: WorkOrder) -> bool:
    """Invite the customer to give the order's return visit by text; True when texted."""
    return any(inviter(session, order) for inviter in _inviters)
