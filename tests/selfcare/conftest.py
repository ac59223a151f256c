"""The self-service tests' center: a subscriber (张伟, 138 0013 8000) and another number's
(李娜), an agent, and the unit's supervisor, who holds an order no one was given and is
told by e-mail."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from factories import bearer, make_customer, make_org, make_staff
from kefu.core.rbac import Role
from kefu.workorders.models import Category
from kefu.workorders.taxonomy import ensure_default_categories


@pytest.fixture
def center(db: Session) -> dict[str, Any]:
    ensure_default_categories(db)
    org = make_org(db)
    make_customer(db, org.city, "+8613800138000", name="张伟")
    make_customer(db, org.city, "+8613900139000", name="李娜", id_number=None)
    make_staff(db, org.city, Role.SUPERVISOR, email="duty@example.cn")
    leaf = db.scalar(select(Category).where(Category.code == "billing.dispute.unknown"))
    found = {"agent": bearer(db, make_staff(db, org.city, Role.AGENT)), "leaf": leaf.id}
    db.commit()
    return found
