"""What a caller did in the IVR before hanging up or reaching an agent: the self-service
done (balance, package, order progress, a service opened) and why the call was put
through. The 360's recent contacts carry it, so the agent who answers, and whoever reads
the customer later, knows the caller already heard their balance."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from kefu.contact.enums import ContactChannel
from kefu.contact.views import recent_for_360
from kefu.ivr.models import IvrSession

CALL_CHANNELS = frozenset({ContactChannel.IVR.value, ContactChannel.VOICE.value})


@dataclass(frozen=True)
class Journey:
    """One call's way through the IVR."""

    served: tuple[str, ...]  # self-service actions done, in order: "balance", "package" …
    outcome: str  # how the IVR part ended: self_service, transfer, callback … ("" if on)
    transfer_reason: str  # why it was put through to a queue, as the flow names it

    def to_json(self) -> dict[str, Any]:
        """JSON-ready, as the 360 carries it."""
        return {
            "served": list(self.served),
            "outcome": self.outcome,
            "transfer_reason": self.transfer_reason,
        }


def journeys(session: Session, interaction_ids: list[int]) -> dict[int, Journey]:
    """The IVR journey of each of these calls that went through the IVR, in one query."""
    if not interaction_ids:
        return {}
    rows = session.execute(
        select(
            IvrSession.interaction_id,
            IvrSession.state,
            IvrSession.outcome,
            IvrSession.transfer_reason,
        ).where(IvrSession.interaction_id.in_(interaction_ids))
    )
    return {
        row.interaction_id: Journey(
            served=tuple(_served(row.state)),
            outcome=str(row.outcome or ""),
            transfer_reason=row.transfer_reason or "",
        )
        for row in rows
    }


def _served(state: str) -> list[str]:
    """The self-service the stored call state lists (a call from before it was kept: none)."""
    try:
        call = json.loads(state or "{}").get("call", {})
    except ValueError:
        return []
    served = call.get("served", []) if isinstance(call, dict) else []
    return [str(name) for name in served] if isinstance(served, list) else []


def recent_with_journeys(session: Session, customer_id: int, masked: bool) -> list[dict[str, Any]]:
    """The 360's recent contacts, each call that went through the IVR with its journey
    (``ivr``; absent for other contacts)."""
    rows = recent_for_360(session, customer_id, masked)
    calls = [cast(int, row["id"]) for row in rows if row["channel"] in CALL_CHANNELS]
    found = journeys(session, calls)
    for row in rows:
        journey = found.get(cast(int, row["id"]))
        if journey is not None:
            row["ivr"] = journey.to_json()
    return rows
