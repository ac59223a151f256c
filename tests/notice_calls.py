"""Test helpers of notices to big customers: an area with customers to tell, and the
notice API's calls."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from factories import bearer, make_customer, make_group, make_org, make_staff
from kefu.core.base import utcnow
from kefu.core.rbac import Role
from kefu.customers.enums import (
    CustomerStatus,
    Tier,
)


def make_area(db: Session) -> dict[str, Any]:
    """A city with big customers to tell (a gold one, an enterprise's served in English),
    others not to tell, a supervisor and an agent there and a supervisor elsewhere."""
    org = make_org(db)
    group = make_group(db, org.city.id, "广州某物流有限公司")
    people = {
        "gold": make_customer(db, org.city, "+8613800138001", tier=Tier.GOLD),
        "staff_of_group": make_customer(
            db, org.city, "+8613800138002", enterprise=group, email=None, language="en"
        ),
        "plain": make_customer(db, org.city, "+8613800138003"),
        "gold_elsewhere": make_customer(db, org.other_city, "+8613800138004", tier=Tier.GOLD),
        "gold_frozen": make_customer(
            db, org.city, "+8613800138005", tier=Tier.DIAMOND, status=CustomerStatus.FROZEN
        ),
    }
    found = {
        "unit": org.city.id,
        "other_unit": org.other_city.id,
        "group": group.id,
        "supervisor": bearer(db, make_staff(db, org.city, Role.SUPERVISOR)),
        "agent": bearer(db, make_staff(db, org.city, Role.AGENT)),
        "other_supervisor": bearer(db, make_staff(db, org.other_city, Role.SUPERVISOR)),
        **{name: customer.id for name, customer in people.items()},
    }
    db.commit()
    return found


def notice_body(area: dict, **changes: Any) -> dict[str, Any]:
    starts = utcnow() + timedelta(days=1)
    return {
        "kind": "cutover",
        "title": "天河区核心网割接",
        "body": "届时移动数据业务中断约30分钟，请提前做好准备。",
        "body_en": "Mobile data will stop for about 30 minutes; please prepare.",
        "org_unit_id": area["unit"],
        "audience": "both",
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=4)).isoformat(),
        **changes,
    }


def write_notice(client: Any, area: dict, **changes: Any) -> dict[str, Any]:
    made = client.post(
        "/api/v1/notices", json=notice_body(area, **changes), headers=area["supervisor"]
    )
    assert made.status_code == 201, made.text
    return dict(made.json())


def act_on(client: Any, area: dict, notice: dict, action: str, body: dict | None = None):  # type: ignore[no-untyped-def]
    headers = area["supervisor"] | {"If-Match": f'"{notice["version"]}"'}
    return client.post(f"/api/v1/notices/{notice['id']}/{action}", json=body, headers=headers)
