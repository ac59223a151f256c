"""What the field engineers' tests share: a branch's dispatcher, an agent and another
branch's dispatcher, with the indoor-coverage category visits are booked on."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session

from factories import bearer, make_categories, make_org, make_staff
from kefu.core.rbac import Role


@pytest.fixture
def crew(db: Session) -> dict[str, Any]:
    org = make_org(db)
    found = {
        "unit": org.city.id,
        "other_unit": org.other_city.id,
        "indoor": make_categories(db).indoor.id,
        "agent": bearer(db, make_staff(db, org.city, Role.AGENT)),
        "lead": bearer(db, make_staff(db, org.city, Role.TEAM_LEAD)),
        "other_lead": bearer(db, make_staff(db, org.other_city, Role.TEAM_LEAD)),
    }
    db.commit()
    return found
