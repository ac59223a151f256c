"""The queues and break reasons a center starts with; the default IVR flow transfers to
these queues."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kefu.org.models import Skill
from kefu.routing.models import BreakReason, Queue, QueueSkill

DEFAULT_QUEUES = (
    # code, name, English name, service-level seconds, callback after seconds
    ("general", "综合服务", "General service", 20, 120),
    ("vip", "VIP 专席", "VIP desk", 10, 60),
    ("fault", "故障受理", "Fault reports", 20, 180),
    ("english", "英语服务", "English service", 30, 180),
)
# queue code → (skill code, minimum level); set when the center has that skill
DEFAULT_QUEUE_SKILLS = (("english", "english", 2), ("fault", "broadband", 1))
DEFAULT_BREAK_REASONS = (
    ("rest", "小休", "Short rest"),
    ("lunch", "用餐", "Lunch"),
    ("training", "培训", "Training"),
    ("meeting", "班组会", "Team meeting"),
    ("coaching", "质检辅导", "Coaching"),
    ("missed", "未接来电", "Missed an offered call"),
)


def ensure_default_queues(session: Session) -> int:
    """Load the default queues into an empty table; returns how many were added."""
    if session.scalar(select(func.count()).select_from(Queue)):
        return 0
    for code, name, name_en, level, callback in DEFAULT_QUEUES:
        session.add(
            Queue(
                code=code,
                name=name,
                name_en=name_en,
                service_level_seconds=level,
                callback_after_seconds=callback,
            )
        )
    session.flush()
    _default_queue_skills(session)
    return len(DEFAULT_QUEUES)


def _default_queue_skills(session: Session) -> None:
    for queue_code, skill_code, level in DEFAULT_QUEUE_SKILLS:
        queue = session.scalar(select(Queue).where(Queue.code == queue_code))
        skill = session.scalar(select(Skill).where(Skill.code == skill_code))
        if queue is not None and skill is not None:
            session.add(QueueSkill(queue_id=queue.id, skill_id=skill.id, min_level=level))
    session.flush()


def ensure_default_break_reasons(session: Session) -> int:
    """Load the default break reasons into an empty table; returns how many were added."""
    if session.scalar(select(func.count()).select_from(BreakReason)):
        return 0
    for code, name, name_en in DEFAULT_BREAK_REASONS:
        session.add(BreakReason(code=code, name=name, name_en=name_en))
    session.flush()
    return len(DEFAULT_BREAK_REASONS)
