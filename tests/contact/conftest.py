"""A center taking texts: the shipped categories and SMS rules, a subscriber (138 0013
8000), the gateway's token and an agent's."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from factories import bearer, make_customer, make_org, make_staff
from kefu.contact.defaults import ensure_default_intake_rules
from kefu.core.rbac import Role
from kefu.workorders.models import Category
from kefu.workorders.taxonomy import ensure_default_categories


@pytest.fixture
def sms_desk(db: Session) -> dict[str, Any]:
    ensure_default_categories(db)
    ensure_default_intake_rules(db)
    org = make_org(db)
    make_customer(db, org.city, "+8613800138000")
    leaf = db.scalar(select(Category).where(Category.code == "billing.dispute.unknown"))
    found = {
        "gateway": bearer(db, make_staff(db, org.province, Role.INTEGRATION)),
        "agent": bearer(db, make_staff(db, org.city, Role.AGENT)),
        "leaf": leaf.id,
    }
    db.commit()
    return found
