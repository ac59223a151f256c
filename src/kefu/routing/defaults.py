"""The queues a center starts with; the default IVR flow transfers to them."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kefu.routing.models import Queue

DEFAULT_QUEUES = (
    # code, name, English name, service-level seconds, callback after seconds
    ("general", "综合服务", "General service", 20, 120),
    ("vip", "VIP 专席", "VIP desk", 10, 60),
    ("fault", "故障受理", "Fault reports", 20, 180),
    ("english", "英语服务", "English service", 30, 180),
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
    return len(DEFAULT_QUEUES)
