"""Approved refunds credited through an operator's billing system over HTTP
(``KEFU_BILLING_CREDIT_URL``), against a local stand-in that answers as told: the credit
is posted with the refund's reference as its idempotency key and the token; an error or
an unreadable answer leaves the refund approved and the job to be tried again with the
same reference; billing's own reference is kept once it credits; a number billing does
not know is marked failed. kefu's own balances are not touched."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from factories import (
    bearer,
    complain,
    make_categories,
    make_customer,
    make_org,
    make_staff,
    run_jobs_texting_to,
)
from kefu.billing import credits  # noqa: F401  (registers the credit's job)
from kefu.core.outbox import Job, JobStatus
from kefu.core.rbac import Role
from kefu.customers.models import Subscription
from kefu.workorders.refunds import CREDIT


class Billing:
    """A billing system's credit endpoint: answers from a script, keeps what it was sent."""

    def __init__(self) -> None:
        self.answers: list[tuple[int, object]] = []
        self.received: list[dict[str, Any]] = []
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # the standard library's name
                length = int(self.headers["Content-Length"])
                stand_in.received.append(
                    {
                        "path": self.path,
                        "key": self.headers.get("Idempotency-Key"),
                        "auth": self.headers.get("Authorization"),
                        "body": json.loads(self.rfile.read(length)),
                    }
                )
                status, body = stand_in.answers.pop(0)
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:  # quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/credits"


@pytest.fixture
def billing(monkeypatch: pytest.MonkeyPatch) -> Iterator[Billing]:
    stand_in = Billing()
    thread = threading.Thread(target=stand_in.server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("KEFU_BILLING_CREDIT_URL", stand_in.url)
    monkeypatch.setenv("KEFU_BILLING_CREDIT_TOKEN", "boss-secret")
    yield stand_in
    stand_in.server.shutdown()
    stand_in.server.server_close()


@pytest.fixture
def approved(client, db: Session) -> Iterator[Any]:
    """Ask and approve a refund of 30.00 on a complaint of a live number: the order, the
    refund and who reads it."""
    org = make_org(db)
    cats = make_categories(db)
    make_customer(db, org.city)
    agent = bearer(db, make_staff(db, org.city, Role.AGENT))
    lead = bearer(db, make_staff(db, org.city, Role.TEAM_LEAD))
    order = complain(client, agent, cats.unknown_charge.id)

    url = f"/api/v1/work-orders/{order['id']}/refunds"
    body = {"kind": "compensation", "amount_fen": 3000, "reason": "致歉补偿话费"}
    refund = client.post(url, json=body, headers=agent).json()
    decided = client.post(f"{url}/{refund['id']}/approve", json={}, headers=lead)
    assert decided.status_code == 200, decided.text

    def now() -> dict:
        """The refund as it stands."""
        listed = client.get(url, headers=lead).json()["items"]
        return next(r for r in listed if r["id"] == refund["id"])

    yield order, refund, now


def _due_now(db: Session) -> None:
    """The backoff has passed: the credit's job is due again."""
    db.expire_all()
    for job in db.scalars(select(Job).where(Job.kind == CREDIT, Job.status == JobStatus.PENDING)):
        job.run_at = datetime.now(UTC) - timedelta(seconds=1)
    db.commit()


def test_a_refund_is_credited_by_the_operators_billing_once_it_answers(
    client, db: Session, approved, billing: Billing, session_factory, tmp_path: Path, monkeypatch
) -> None:
    order, refund, now = approved
    billing.answers = [(503, {"error": "busy"}), (200, {}), (200, {"reference": "BOSS-0077"})]
    sms = tmp_path / "sms.jsonl"
    assert run_jobs_texting_to(session_factory, sms, monkeypatch) == []  # 503: tried later
    assert now()["status"] == "approved"
    _due_now(db)
    run_jobs_texting_to(session_factory, sms, monkeypatch)  # 200 without a reference
    assert now()["status"] == "approved"
    _due_now(db)
    texts = run_jobs_texting_to(session_factory, sms, monkeypatch)
    credited = now()
    assert (credited["status"], credited["billing_ref"]) == ("credited", "BOSS-0077")
    assert [t["text"] for t in texts] == [
        f"【{order['number']}】您的补偿30.00元已存入话费账户，请查收。"
    ]
    assert len(billing.received) == 3  # the same credit each time, known by its reference
    for sent in billing.received:
        assert sent["path"] == "/credits"
        assert (sent["key"], sent["auth"]) == (f"RF{refund['id']}", "Bearer boss-secret")
        assert sent["body"] == {
            "msisdn": "+8613800138000",
            "amount_fen": 3000,
            "reference": f"RF{refund['id']}",
        }
    balance = db.scalar(
        select(Subscription.balance_fen).where(Subscription.msisdn == "+8613800138000")
    )
    assert balance == 5230  # the operator's billing keeps the money, not kefu


def test_a_number_billing_does_not_know_is_marked_failed(
    client, db: Session, approved, billing: Billing, session_factory, tmp_path: Path, monkeypatch
) -> None:
    _, _, now = approved
    billing.answers = [(404, {"error": "no such subscriber"})]
    assert run_jobs_texting_to(session_factory, tmp_path / "sms.jsonl", monkeypatch) == []
    failed = now()
    assert (failed["status"], failed["billing_ref"]) == ("failed", "")
