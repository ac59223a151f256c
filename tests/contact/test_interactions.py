"""Interactions: a customer's contacts on every channel, masked numbers, wrap-up with
If-Match, scope."""

from __future__ import annotations

from sqlalchemy.orm import Session

from factories import bearer, make_customer, make_org, make_staff
from kefu.contact import service
from kefu.contact.defaults import ensure_default_wrap_up_codes
from kefu.contact.enums import ContactChannel, InteractionStatus
from kefu.core.audit import AuditLog
from kefu.core.rbac import Role


def _call(db: Session, customer_id: int, status: InteractionStatus) -> int:
    contact = service.open_interaction(
        db,
        channel=ContactChannel.VOICE,
        status=status,
        address="+8613800138000",
        customer_id=customer_id,
        channel_ref=f"call:{status}",
    )
    db.commit()
    return contact.id


def test_contacts_are_listed_masked_and_wrapped_up_once(client, db: Session) -> None:
    ensure_default_wrap_up_codes(db)
    org = make_org(db)
    customer = make_customer(db, org.city)
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    waiting = _call(db, customer.id, InteractionStatus.QUEUED)
    talked = _call(db, customer.id, InteractionStatus.TALKING)

    page = client.get(f"/api/v1/customers/{customer.id}/interactions", headers=agent).json()
    assert page["total"] == 2
    assert {i["address"] for i in page["items"]} == {"138****8000"}

    url = f"/api/v1/interactions/{waiting}/wrap-up"
    early = client.post(url, json={"code": "solved.first"}, headers=agent | {"If-Match": '"1"'})
    assert early.status_code == 409 and early.json()["error"]["code"] == "interaction_not_answered"

    url = f"/api/v1/interactions/{talked}/wrap-up"
    assert client.post(url, json={"code": "solved.first"}, headers=agent).status_code == 428
    unknown = client.post(url, json={"code": "nope"}, headers=agent | {"If-Match": '"1"'})
    assert unknown.status_code == 422
    done = client.post(
        url, json={"code": "solved.first", "note": "已解释"}, headers=agent | {"If-Match": '"1"'}
    )
    assert done.status_code == 200
    assert done.json()["status"] == "ended" and done.json()["end_reason"] == "completed"
    stale = client.post(url, json={"code": "nuisance"}, headers=agent | {"If-Match": '"1"'})
    assert stale.status_code == 409
    assert db.query(AuditLog).filter(AuditLog.action == "interaction.wrap_up").count() == 1


def test_another_branch_cannot_read_the_contacts(client, db: Session) -> None:
    org = make_org(db)
    customer = make_customer(db, org.city)
    contact = _call(db, customer.id, InteractionStatus.QUEUED)
    outsider = bearer(db, make_staff(db, org.other_city, Role.AGENT))
    assert client.get(f"/api/v1/interactions/{contact}", headers=outsider).status_code == 403
    listing = client.get(f"/api/v1/customers/{customer.id}/interactions", headers=outsider)
    assert listing.status_code == 403
