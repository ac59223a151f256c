"""The steps migrations share to give a center that has its SMS rules a newly shipped one:
just before its catch-all, unless it made its own rule for the keyword.

Migrations import nothing of kefu's live code, so that they do as they did when written;
this module belongs to them and is kept the same way: a change to how a later migration
adds rules is a new function here, never an edit of one an earlier migration uses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

RULES = sa.table(
    "contact_intake_rules",
    sa.column("channel", sa.String),
    sa.column("keyword", sa.String),
    sa.column("name", sa.String),
    sa.column("lookup", sa.String),
    sa.column("order_type", sa.String),
    sa.column("category_code", sa.String),
    sa.column("reply", sa.Text),
    sa.column("reply_en", sa.Text),
    sa.column("sort_order", sa.Integer),
    sa.column("active", sa.Boolean),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("updated_at", sa.DateTime(timezone=True)),
    sa.column("version", sa.Integer),
)


@dataclass(frozen=True)
class ShippedRule:
    """An SMS rule as kefu.contact.defaults said it when the migration was written."""

    keyword: str
    name: str
    lookup: str
    reply: str
    reply_en: str


def center_needs(connection: sa.Connection, keywords: Sequence[str]) -> bool:
    """True when the center has its rules (a new one gets the defaults instead) and made
    no rule of its own for any of ``keywords`` (it takes no half of a set)."""
    if not connection.execute(sa.text("SELECT COUNT(*) FROM contact_intake_rules")).scalar():
        return False
    own = sa.text(
        "SELECT COUNT(*) FROM contact_intake_rules WHERE channel = 'sms' AND keyword IN :keywords"
    ).bindparams(sa.bindparam("keywords", expanding=True))
    return not connection.execute(own, {"keywords": list(keywords)}).scalar()


def _place_before_catch_all(connection: sa.Connection, room: int) -> int:
    """Make ``room`` places just before the SMS catch-all (moving it and what follows
    down), or after every SMS rule without one; the first place made."""
    catch_all = connection.execute(
        sa.text(
            "SELECT MIN(sort_order) FROM contact_intake_rules "
            "WHERE channel = 'sms' AND keyword = '*'"
        )
    ).scalar()
    if catch_all is None:
        last = "SELECT MAX(sort_order) FROM contact_intake_rules WHERE channel = 'sms'"
        return int(connection.execute(sa.text(last)).scalar() or 0) + 1
    op.execute(
        sa.text(
            "UPDATE contact_intake_rules SET sort_order = sort_order + :n "
            "WHERE channel = 'sms' AND sort_order >= :place"
        ).bindparams(n=room, place=catch_all)
    )
    return int(catch_all)


def add_before_catch_all(
    connection: sa.Connection, rules: Sequence[ShippedRule], *, active: bool
) -> None:
    """Insert ``rules`` in order just before the center's SMS catch-all."""
    place = _place_before_catch_all(connection, len(rules))
    now = datetime.now(UTC)
    if connection.dialect.name == "sqlite":  # kefu keeps UTC without an offset there
        now = now.replace(tzinfo=None)
    rows = [
        {
            "channel": "sms",
            "keyword": rule.keyword,
            "name": rule.name,
            "lookup": rule.lookup,
            "order_type": "",
            "category_code": "",
            "reply": rule.reply,
            "reply_en": rule.reply_en,
            "sort_order": place + n,
            "active": active,
            "created_at": now,
            "updated_at": now,
            "version": 1,
        }
        for n, rule in enumerate(rules)
    ]
    op.bulk_insert(RULES, rows)


def remove_added(added: str) -> None:
    """Downgrade: delete the rules ``added`` (a query of their ids) selects; the messages
    they answered keep their answers, no longer naming the rule."""
    op.execute(
        f"UPDATE contact_interactions SET intake_rule_id = NULL WHERE intake_rule_id IN ({added})"
    )
    op.execute(f"DELETE FROM contact_intake_rules WHERE id IN ({added})")
