"""Change history: every change to customer and staff records keeps the old and new values."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, Session, mapped_column

from kefu.core.base import Base, utcnow
from kefu.core.rbac import Principal


class ChangeHistory(Base):
    """Why: records are never overwritten without trace; old values stay answerable."""

    __tablename__ = "change_history"
    __table_args__ = (Index("ix_change_history_entity", "entity_type", "entity_id", "changed_at"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    entity_type: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[int] = mapped_column(BigInteger)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None]
    reason: Mapped[str | None] = mapped_column(String(500))
    changes: Mapped[str] = mapped_column(Text)

    def change_map(self) -> dict[str, list[Any]]:
        """The changes as ``{field: [old, new]}``."""
        return dict(json.loads(self.changes))


def apply_changes(obj: object, values: dict[str, Any]) -> dict[str, list[Any]]:
    """Set attributes that differ and return ``{field: [old, new]}`` for those only."""
    changed: dict[str, list[Any]] = {}
    for name, new in values.items():
        old = getattr(obj, name)
        if old != new:
            setattr(obj, name, new)
            changed[name] = [old, new]
    return changed


def record_changes(
    session: Session,
    *,
    entity_type: str,
    entity_id: int,
    changes: dict[str, list[Any]],
    actor: Principal | None,
    reason: str | None = None,
) -> ChangeHistory | None:
    """Store one history row for a set of field changes (nothing when nothing changed)."""
    if not changes:
        return None
    row = ChangeHistory(
        entity_type=entity_type,
        entity_id=entity_id,
        actor_id=actor.staff_id if actor else None,
        reason=reason,
        changes=json.dumps(changes, ensure_ascii=False, default=str),
    )
    session.add(row)
    return row
