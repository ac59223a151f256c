"""IVR figures over a period: containment, abandonment per node, time in the IVR and
why calls left for an agent. Counted in the database."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kefu.core.sqltime import seconds_between
from kefu.ivr.enums import CallOutcome
from kefu.ivr.models import IvrSession, IvrVisit
from kefu.ivr.schemas import IvrFigures, NodeAbandonment, TransferReason


def _in_period(since: datetime, until: datetime):  # type: ignore[no-untyped-def]
    return (IvrSession.started_at >= since) & (IvrSession.started_at < until)


def figures(session: Session, *, since: datetime, until: datetime) -> IvrFigures:
    """The period's IVR figures (calls that started in [since, until))."""
    period = _in_period(since, until)
    outcomes = dict(
        session.execute(
            select(IvrSession.outcome, func.count()).where(period).group_by(IvrSession.outcome)
        ).all()
    )
    calls = sum(outcomes.values())
    ended = calls - outcomes.get(None, 0)
    contained = outcomes.get(CallOutcome.SELF_SERVICE, 0)
    average = session.scalar(
        select(func.avg(seconds_between(IvrSession.started_at, IvrSession.ended_at))).where(
            period, IvrSession.ended_at.is_not(None)
        )
    )
    return IvrFigures(
        calls=calls,
        ended=ended,
        outcomes={str(k): v for k, v in outcomes.items() if k is not None},
        containment=round(contained / ended, 4) if ended else None,
        average_seconds_in_ivr=round(float(average), 1) if average is not None else None,
        abandonment_by_node=_abandonment(session, since, until),
        transfer_reasons=_reasons(session, since, until),
    )


def _abandonment(session: Session, since: datetime, until: datetime) -> list[NodeAbandonment]:
    period = _in_period(since, until)
    reached = dict(
        session.execute(
            select(IvrVisit.node, func.count(func.distinct(IvrVisit.session_id)))
            .join(IvrSession, IvrSession.id == IvrVisit.session_id)
            .where(period)
            .group_by(IvrVisit.node)
        ).all()
    )
    left = session.execute(
        select(IvrSession.node, func.count())
        .where(period, IvrSession.outcome == CallOutcome.ABANDONED)
        .group_by(IvrSession.node)
    ).all()
    rows = [
        NodeAbandonment(
            node=node,
            reached=reached.get(node, count),
            abandoned=count,
            rate=round(count / max(reached.get(node, count), 1), 4),
        )
        for node, count in left
    ]
    return sorted(rows, key=lambda r: r.abandoned, reverse=True)


def _reasons(session: Session, since: datetime, until: datetime) -> list[TransferReason]:
    rows = session.execute(
        select(IvrSession.transfer_queue, IvrSession.transfer_reason, func.count())
        .where(_in_period(since, until), IvrSession.outcome == CallOutcome.TRANSFERRED)
        .group_by(IvrSession.transfer_queue, IvrSession.transfer_reason)
    ).all()
    found = [TransferReason(queue=q, reason=r, calls=n) for q, r, n in rows]
    return sorted(found, key=lambda r: r.calls, reverse=True)
