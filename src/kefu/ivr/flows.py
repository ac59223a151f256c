"""Flow versions: save a draft (checked), publish one, roll back to the one before.

Publishing retires the version that answered until now; rolling back publishes the most
recent retired version again. Both bump the flow's version, so two supervisors cannot
publish over each other unseen (If-Match).
"""

from __future__ import annotations

from importlib import resources

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kefu.core import audit
from kefu.core.base import utcnow
from kefu.core.rbac import Principal
from kefu.errors import Conflict, NotFound
from kefu.ivr.actions import ACTION_NAMES
from kefu.ivr.enums import VersionStatus
from kefu.ivr.flow import FlowInvalid, parse
from kefu.ivr.graph import Problem
from kefu.ivr.models import IvrFlow, IvrFlowVersion
from kefu.ivr.nodes import Flow
from kefu.routing.models import Queue

DEFAULT_FLOW = "hotline"


def checked_against_center(session: Session, source: str) -> Flow:
    """Parse and check a flow, and check that every queue it names exists and is open."""
    checked = parse(source, actions=ACTION_NAMES)
    known = set(session.scalars(select(Queue.code).where(Queue.active)))
    problems = [
        Problem(node.line, "ivr_unknown_queue", {"node": node.id, "queue": named})
        for node in checked.nodes.values()
        for named in (node.queue, node.args.get("queue", ""))
        if named and named not in known
    ]
    if problems:
        raise FlowInvalid(problems)
    return checked


def flow_by_code(session: Session, code: str) -> IvrFlow:
    """A flow by its code, or 404."""
    flow = session.scalar(select(IvrFlow).where(IvrFlow.code == code))
    if flow is None:
        raise NotFound("ivr_flow_not_found", field="code")
    return flow


def versions(session: Session, flow_id: int) -> list[IvrFlowVersion]:
    """A flow's versions, newest first."""
    query = select(IvrFlowVersion).where(IvrFlowVersion.flow_id == flow_id)
    return list(session.scalars(query.order_by(IvrFlowVersion.number.desc())))


def version(session: Session, flow: IvrFlow, number: int) -> IvrFlowVersion:
    """One version of a flow, or 404."""
    found = session.scalar(
        select(IvrFlowVersion).where(
            IvrFlowVersion.flow_id == flow.id, IvrFlowVersion.number == number
        )
    )
    if found is None:
        raise NotFound("ivr_version_not_found", field="number")
    return found


def save_draft(
    session: Session, *, code: str, source: str, note: str, by: Principal | None
) -> IvrFlowVersion:
    """Check the YAML (``FlowInvalid`` lists every problem by line) and keep it as a draft;
    a new code makes a new flow."""
    checked = checked_against_center(session, source)
    flow = session.scalar(select(IvrFlow).where(IvrFlow.code == code))
    if flow is None:
        flow = IvrFlow(code=code, name=checked.name or code, numbers=" ".join(checked.numbers))
        session.add(flow)
        session.flush()
    last = session.scalar(
        select(func.max(IvrFlowVersion.number)).where(IvrFlowVersion.flow_id == flow.id)
    )
    draft = IvrFlowVersion(
        flow_id=flow.id,
        number=(last or 0) + 1,
        status=VersionStatus.DRAFT,
        source=source,
        note=note,
        created_by_id=by.staff_id if by else None,
    )
    session.add(draft)
    session.flush()
    _audit(session, by, "ivr.flow.draft", flow, draft.number)
    return draft


def publish(session: Session, *, flow: IvrFlow, number: int, by: Principal | None) -> IvrFlow:
    """Make a version the one that answers calls; the one before is retired."""
    chosen = version(session, flow, number)
    if chosen.status == VersionStatus.PUBLISHED:
        raise Conflict("ivr_already_published")
    # still valid with today's actions and queues
    checked = checked_against_center(session, chosen.source)
    if flow.published_number is not None:
        version(session, flow, flow.published_number).status = VersionStatus.RETIRED
    chosen.status = VersionStatus.PUBLISHED
    chosen.published_at = utcnow()
    chosen.published_by_id = by.staff_id if by else None
    flow.published_number = number
    flow.name = checked.name or flow.name
    flow.numbers = " ".join(checked.numbers)
    session.flush()
    _audit(session, by, "ivr.flow.publish", flow, number)
    return flow


def roll_back(session: Session, *, flow: IvrFlow, by: Principal | None) -> IvrFlow:
    """Publish again the version that answered before the current one."""
    retired = [
        v
        for v in versions(session, flow.id)
        if v.status == VersionStatus.RETIRED and v.number != flow.published_number
    ]
    if not retired:
        raise Conflict("ivr_nothing_to_roll_back")
    latest = max(retired, key=lambda v: v.published_at or v.created_at)
    return publish(session, flow=flow, number=latest.number, by=by)


def _audit(session: Session, by: Principal | None, action: str, flow: IvrFlow, number: int) -> None:
    audit.record(
        session,
        actor=by,
        actor_name=None if by else "kefu",
        action=action,
        entity_type="ivr_flow",
        entity_id=flow.id,
        details={"code": flow.code, "version": number},
    )


def default_source() -> str:
    """The shipped hotline flow (shaped like 10086)."""
    return resources.files("kefu.ivr").joinpath("flows/hotline.yaml").read_text(encoding="utf-8")


def ensure_default_flow(session: Session) -> bool:
    """Load and publish the shipped flow when there is no flow yet."""
    if session.scalar(select(func.count()).select_from(IvrFlow)):
        return False
    draft = save_draft(session, code=DEFAULT_FLOW, source=default_source(), note="kefu", by=None)
    flow = session.get(IvrFlow, draft.flow_id)
    assert flow is not None
    publish(session, flow=flow, number=draft.number, by=None)
    return True


def all_flows(session: Session) -> list[IvrFlow]:
    """Every flow, by code."""
    return list(session.scalars(select(IvrFlow).order_by(IvrFlow.code)))
