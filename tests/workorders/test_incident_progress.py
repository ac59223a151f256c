"""Every caller of an incident told how it stands at once (突发事件进展通报): a progress
text on each order still being handled, its landline callers named to call, once per
Idempotency-Key; only for a confirmed incident, only by who manages incidents."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from factories import bearer, complain, make_categories, make_org, make_staff, texts_sent
from kefu.core.audit import AuditLog
from kefu.core.rbac import Role

SAID = "您所在小区基站正在抢修，预计今天18:00前恢复，恢复后我们会短信告知您。"


def test_every_caller_waiting_on_a_confirmed_incident_is_told_at_once(client, db: Session) -> None:
    org = make_org(db)
    cats = make_categories(db)
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    supervisor = bearer(db, make_staff(db, org.city, Role.SUPERVISOR))
    mobiles = [
        complain(client, agent, cats.indoor.id, f"1380013{n:04d}", subject=f"小区没有信号 {n}")
        for n in range(5)  # the fifth in the hour makes the incident
    ]
    landline = complain(client, agent, cats.indoor.id, "010-6234-5678", subject="座机打不出")
    incident_id = mobiles[-1]["incident_id"]
    assert incident_id is not None and landline["incident_id"] == incident_id
    url = f"/api/v1/incidents/{incident_id}"
    incident = client.get(url, headers=supervisor).json()

    proposed = client.post(f"{url}/progress", json={"text": SAID}, headers=supervisor)
    assert (proposed.status_code, proposed.json()["error"]["code"]) == (
        409,
        "incident_not_allowed",
    )
    confirmed = client.post(
        f"{url}/confirm",
        json={"note": "基站故障"},
        headers=supervisor | {"If-Match": f'"{incident["version"]}"'},
    )
    assert confirmed.status_code == 200, confirmed.text
    assert client.post(f"{url}/progress", json={"text": SAID}, headers=agent).status_code == 403
    blanks = client.post(f"{url}/progress", json={"text": "预计{due}恢复"}, headers=supervisor)
    assert (blanks.status_code, blanks.json()["error"]["field"]) == (422, "text")

    def news() -> str | None:
        check = {"type": "complaint", "category_id": cats.indoor.id, "contact_phone": "13900139000"}
        outlook = client.post("/api/v1/work-orders/intake-check", json=check, headers=agent)
        assert outlook.json()["incident"]["id"] == incident_id
        return outlook.json()["incident"]["news"]

    assert news() is None
    before = len(texts_sent(db))
    key = supervisor | {"Idempotency-Key": "inc-p-1"}
    told = client.post(f"{url}/progress", json={"text": SAID}, headers=key)
    assert told.status_code == 201, told.text
    assert told.json() == {"texted": 5, "to_call": [landline["number"]]}
    again = client.post(f"{url}/progress", json={"text": SAID}, headers=key)
    assert again.json() == told.json()
    sent = texts_sent(db)[before:]
    assert sorted(t["to"] for t in sent) == sorted(f"+86138001300{n:02d}" for n in range(5))
    assert {t["text"] for t in sent} == {f"【{o['number']}】{SAID}" for o in mobiles}
    for order in mobiles:
        step = client.get(f"/api/v1/work-orders/{order['id']}", headers=agent).json()["events"][-1]
        assert (step["kind"], step["reason"]) == ("progress", SAID)
        assert step["details"] == {"texted": True, "incident": incident["number"]}
    kept = client.get(f"/api/v1/work-orders/{landline['id']}", headers=agent).json()
    assert "progress" not in {e["kind"] for e in kept["events"]}
    audited = db.scalar(
        select(func.count()).where(
            AuditLog.action == "incident.progress", AuditLog.entity_id == str(incident_id)
        )
    )
    assert audited == 1
    # An agent taking another caller's order is shown what they were all told.
    assert news() == SAID
    assert client.get(url, headers=supervisor).json()["version"] == confirmed.json()["version"]
    page = client.get(f"/orders/{mobiles[0]['id']}", headers=agent).text
    assert f"随突发事件 {incident['number']} 通报全部来电客户" in page
    assert (
        'id="incident-progress"' in client.get(f"/incidents/{incident_id}", headers=supervisor).text
    )


def test_callers_who_joined_after_the_last_text_are_sent_it_once(client, db: Session) -> None:
    """Five callers are told; two more join (one on a landline), and the incident says
    so; sending them the last text texts the mobile one alone, on their order, and then
    nobody is left. The agents' news is still the text and time all were told."""
    org = make_org(db)
    cats = make_categories(db)
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    supervisor = bearer(db, make_staff(db, org.city, Role.SUPERVISOR))
    first = [
        complain(client, agent, cats.indoor.id, f"1380013{n:04d}", subject="小区没有信号")
        for n in range(5)
    ]
    url = f"/api/v1/incidents/{first[-1]['incident_id']}"
    version = client.get(url, headers=supervisor).json()["version"]
    confirm = supervisor | {"If-Match": f'"{version}"'}
    assert client.post(f"{url}/confirm", json={}, headers=confirm).status_code == 200
    none_yet = client.post(f"{url}/progress/late", headers=supervisor)
    assert (none_yet.status_code, none_yet.json()["error"]["code"]) == (
        409,
        "incident_nothing_told",
    )
    assert (
        client.post(f"{url}/progress", json={"text": SAID}, headers=supervisor).status_code == 201
    )
    told_at = client.get(url, headers=supervisor).json()["news_at"]

    joined = complain(client, agent, cats.indoor.id, "13900139000", subject="也没信号")
    landline = complain(client, agent, cats.indoor.id, "020-8888-6666", subject="座机打不出")
    read = client.get(url, headers=supervisor).json()
    assert (read["news"], read["news_at"], read["late_callers"]) == (SAID, told_at, 1)
    assert client.post(f"{url}/progress/late", headers=agent).status_code == 403

    before = len(texts_sent(db))
    key = supervisor | {"Idempotency-Key": "late-1"}
    sent = client.post(f"{url}/progress/late", headers=key)
    assert sent.status_code == 201, sent.text
    assert sent.json() == {"texted": 1, "to_call": [landline["number"]]}
    assert client.post(f"{url}/progress/late", headers=key).json() == sent.json()  # replayed
    assert [(t["to"], t["text"]) for t in texts_sent(db)[before:]] == [
        ("+8613900139000", f"【{joined['number']}】{SAID}")
    ]
    step = client.get(f"/api/v1/work-orders/{joined['id']}", headers=agent).json()["events"][-1]
    assert (step["kind"], step["reason"], step["details"]["late"]) == ("progress", SAID, True)
    read = client.get(url, headers=supervisor).json()
    assert (read["news_at"], read["late_callers"]) == (told_at, 0)  # the news is not new
    again = client.post(f"{url}/progress/late", headers=supervisor)
    assert again.json() == {"texted": 0, "to_call": [landline["number"]]}
    assert len(texts_sent(db)) == before + 1
    audited = db.scalar(select(func.count()).where(AuditLog.action == "incident.progress_late"))
    assert audited == 2
    page = client.get(f"/orders/{joined['id']}", headers=agent).text
    assert "补发突发事件" in page
