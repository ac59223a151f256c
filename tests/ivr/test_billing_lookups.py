"""Balance and package self-service through an operator's billing system over HTTP
(``KEFU_BILLING_LOOKUP_URL``), against a local stand-in that answers as told, on both
databases: the IVR and a text's reply speak billing's figures, not kefu's; a number
billing does not know is "not found"; when billing errs, answers nonsense or is too slow,
the caller hears that the account cannot be looked up now and reaches an agent, and a
text waits in the inbox for one."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
import time_machine
from sqlalchemy import select
from sqlalchemy.orm import Session

from factories import bearer, ensure_hotline, make_customer, make_org, make_ready_agent, make_staff
from kefu.config import Settings
from kefu.contact.defaults import ensure_default_intake_rules
from kefu.core.outbox import Job
from kefu.core.rbac import Role
from kefu.workorders.taxonomy import ensure_default_categories

DAYTIME = "2026-11-23T10:00:00+08:00"  # a Monday morning: agents are on
CALLER = "+8613800138000"  # kefu's own data says 52.30 yuan


class Boss:
    """A billing system's lookups: answers per path from a script, keeps what it was asked."""

    def __init__(self) -> None:
        self.answers: dict[str, tuple[int, object]] = {}
        self.slow_seconds = 0.0
        self.asked: list[dict[str, Any]] = []
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # the standard library's name
                url = urlparse(self.path)
                stand_in.asked.append(
                    {
                        "path": url.path,
                        "msisdn": parse_qs(url.query).get("msisdn", [""])[0],
                        "auth": self.headers.get("Authorization"),
                    }
                )
                time.sleep(stand_in.slow_seconds)
                status, body = stand_in.answers.get(url.path, (404, {}))
                data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:  # kefu stopped waiting
                    pass

            def log_message(self, *args: object) -> None:  # quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/boss/"


@pytest.fixture
def boss() -> Iterator[Boss]:
    stand_in = Boss()
    thread = threading.Thread(target=stand_in.server.serve_forever, daemon=True)
    thread.start()
    yield stand_in
    stand_in.server.shutdown()


@pytest.fixture(name="settings")
def settings_with_boss(settings: Settings, boss: Boss) -> Settings:
    return settings.model_copy(
        update={"billing_lookup_url": boss.url, "billing_lookup_token": "boss-secret"}
    )


@pytest.fixture
def center(db: Session) -> dict:
    ensure_hotline(db)
    ensure_default_categories(db)
    ensure_default_intake_rules(db)
    org = make_org(db)
    make_customer(db, org.city, CALLER, language="zh-CN")
    make_ready_agent(db, org.city)
    center = {"pbx": bearer(db, make_staff(db, org.province, Role.INTEGRATION))}
    db.commit()
    return center


def _call(client, center: dict, call_id: str, keys: list[str]) -> dict:
    answer = client.post(
        "/api/v1/ivr/calls",
        json={"call_id": call_id, "caller": "138-0013-8000", "dialled": "10086"},
        headers=center["pbx"],
    ).json()
    for digits in keys:
        answer = client.post(
            f"/api/v1/ivr/calls/{call_id}/input",
            json={"step": answer["step"], "digits": digits},
            headers=center["pbx"],
        ).json()
    return answer


@time_machine.travel(DAYTIME, tick=False)
def test_the_caller_hears_billings_balance_and_package(client, center, boss: Boss) -> None:
    boss.answers["/boss/balance"] = (200, {"balance_fen": 8880, "month_charges_fen": 1200})
    boss.answers["/boss/package"] = (
        200,
        {"name": "畅享套餐 128元", "name_en": "Enjoy 128", "monthly_fee_fen": 12800},
    )
    heard = _call(client, center, "b-1", ["1"])
    assert heard["prompts"][0]["text"] == "您的账户余额为88.80元，本月已产生费用12.00元。"
    package = _call(client, center, "b-2", ["2", "1"])
    assert package["prompts"][0]["text"].startswith("您当前的套餐是畅享套餐 128元，月费128.00元")
    assert [(a["path"], a["msisdn"], a["auth"]) for a in boss.asked] == [
        ("/boss/balance", CALLER, "Bearer boss-secret"),
        ("/boss/package", CALLER, "Bearer boss-secret"),
    ]


@time_machine.travel(DAYTIME, tick=False)
def test_a_number_billing_does_not_know_is_not_found(client, center, boss: Boss) -> None:
    boss.answers["/boss/balance"] = (404, {"error": "no such subscriber"})
    transfer = _call(client, center, "b-3", ["1"])
    assert transfer["action"] == "transfer"
    assert transfer["prompts"][0]["text"].startswith("未查到您的号码信息")


@pytest.mark.parametrize(
    "trouble",
    ["error", "nonsense", "too slow"],
)
@time_machine.travel(DAYTIME, tick=False)
def test_billing_in_trouble_is_told_as_such_and_an_agent_takes_the_call(
    client, center, boss: Boss, trouble: str
) -> None:
    boss.answers["/boss/balance"] = {
        "error": (503, {"error": "maintenance"}),
        "nonsense": (200, {"balance": "88.80"}),
        "too slow": (200, {"balance_fen": 8880, "month_charges_fen": 0}),
    }[trouble]
    boss.slow_seconds = 2.5 if trouble == "too slow" else 0.0
    transfer = _call(client, center, "b-4", ["1"])
    assert transfer["action"] == "transfer"
    assert transfer["prompts"][0]["text"] == "账户信息暂时无法查询，为您转接人工服务。"


def _sms(client, center: dict, text: str, message_id: str) -> dict:
    body = {"from": "138 0013 8000", "to": "10086", "text": text, "message_id": message_id}
    answer = client.post("/api/v1/sms/inbound", json=body, headers=center["pbx"])
    assert answer.status_code == 201, answer.text
    return answer.json()


def _texts(db: Session) -> list[str]:
    jobs = db.scalars(select(Job).where(Job.kind == "notify.sms").order_by(Job.id))
    return [json.loads(job.payload)["text"] for job in jobs]


def test_a_texted_balance_comes_from_billing_or_waits_for_an_agent(
    client, db: Session, center, boss: Boss
) -> None:
    boss.answers["/boss/balance"] = (200, {"balance_fen": 8880, "month_charges_fen": 1200})
    answered = _sms(client, center, "YE", "gw-b1")
    assert answered["auto_replied"]
    assert _texts(db) == ["尊敬的客户，您的账户余额 88.80 元，本月已产生费用 12.00 元。"]

    boss.answers["/boss/balance"] = (500, "<html>Internal Server Error</html>")
    waiting = _sms(client, center, "YE", "gw-b2")
    assert waiting["status"] == "open" and not waiting["auto_replied"]
    assert len(_texts(db)) == 1  # no reply with a made-up balance


def test_the_self_service_page_shows_billings_figures_and_bills(client, center, boss: Boss) -> None:
    """The web page asks billing too: balance, package and the last bill months, with the
    token; nonsense in the bills is "cannot be looked up now", no figure made up."""
    from factories import self_sign_in

    boss.answers["/boss/balance"] = (200, {"balance_fen": 8880, "month_charges_fen": 1200})
    boss.answers["/boss/package"] = (
        200,
        {"name": "畅享套餐 128元", "name_en": "Unlimited 128", "monthly_fee_fen": 12800},
    )
    bills = [{"month": "2026-11", "amount_fen": 12800}, {"month": "2026-10", "amount_fen": 13550}]
    boss.answers["/boss/bills"] = (200, {"bills": bills})
    self_sign_in(client)
    page = client.get("/api/v1/self/overview").json()
    assert page["balance"] == {"balance_fen": 8880, "month_charges_fen": 1200}
    assert page["package"]["name"] == "畅享套餐 128元" and page["bills"] == bills
    assert {"path": "/boss/bills", "msisdn": CALLER, "auth": "Bearer boss-secret"} in boss.asked
    boss.answers["/boss/bills"] = (200, {"bills": [{"month": "November", "amount_fen": 1}]})
    down = client.get("/api/v1/self/overview").json()
    assert down["billing_down"] is True and down["balance"] is None and down["bills"] == []
