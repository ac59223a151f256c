"""Customer value: RFM read exactly from payments (both databases), k chosen by silhouette,
segments named by their profile, members listed and exported within scope and masked."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from factories import bearer, make_customer, make_org, make_staff
from kefu.analytics import rfm_service
from kefu.analytics.churn_features import Cutoff
from kefu.analytics.rfm import RfmDataError, profile_code, rfm_table, segment
from kefu.core.audit import AuditLog
from kefu.core.rbac import Role
from kefu.customers.models import Payment, Subscription

CUT = Cutoff(date(2026, 10, 5))
US = timedelta(microseconds=1)
# Four planted profiles: (recency days, payments a year, yuan a year).
PROFILES = {
    "high_value_keep": (8, 24, 6000),
    "win_back": (200, 6, 5000),
    "steady": (10, 30, 500),
    "lapsing": (250, 2, 100),
}


def _planted(rng: np.random.Generator, per: int) -> tuple[np.ndarray, list[str]]:
    rows, truth = [], []
    for code, (r, f, m) in PROFILES.items():
        rows.append(
            np.column_stack(
                (
                    rng.normal(r, r * 0.1, per),
                    np.maximum(1, rng.normal(f, f * 0.1, per)).round(),
                    rng.normal(m * 100, m * 10, per),
                )
            )
        )
        truth += [code] * per
    return np.vstack(rows), truth


def test_k_is_chosen_by_silhouette_and_segments_are_named_by_profile() -> None:
    rfm, truth = _planted(np.random.default_rng(5), 300)
    found = segment(rfm)
    assert found.k == 4
    assert max(found.silhouettes, key=found.silhouettes.__getitem__) == 4
    assert found.labels == truth  # every number lands in its planted profile's segment
    sizes = {s.code: s.size for s in found.segments}
    assert sizes == dict.fromkeys(PROFILES, 300)


def test_profile_names() -> None:
    means = np.array([50.0, 10.0, 1000.0])
    assert profile_code(np.array([10, 20, 3000]), means) == "high_value_keep"
    assert profile_code(np.array([10, 2, 3000]), means) == "develop"
    assert profile_code(np.array([200, 20, 3000]), means) == "win_back"
    assert profile_code(np.array([10, 20, 100]), means) == "steady"
    assert profile_code(np.array([200, 2, 100]), means) == "lapsing"
    assert profile_code(np.array([10, 2, 100]), means) == "general"


def test_too_few_numbers_are_refused() -> None:
    with pytest.raises(RfmDataError, match="at least"):
        segment(np.ones((10, 3)))


def _pay(db: Session, sid: int, at, fen: int) -> None:  # type: ignore[no-untyped-def]
    db.add(
        Payment(subscription_id=sid, paid_at=at, amount_fen=fen, channel="app", balance_after_fen=0)
    )


def test_rfm_is_read_exactly_from_payments(db: Session) -> None:
    org = make_org(db)
    customer = make_customer(db, org.city, "+8613700000001")
    sid = db.scalar(select(Subscription.id).where(Subscription.customer_id == customer.id))
    assert sid is not None
    midnight = CUT.instant
    _pay(db, sid, midnight - timedelta(days=365) - US, 99_999)  # a microsecond too early
    _pay(db, sid, midnight - timedelta(days=365), 1_000)  # the first inside the year
    _pay(db, sid, midnight - timedelta(days=3, hours=12), 2_500)  # the last before midnight
    _pay(db, sid, midnight, 77_777)  # at midnight: after the cut-off
    silent = make_customer(db, org.city, "+8613700000002")  # no payment: not segmented
    db.flush()
    table = rfm_table(db, CUT)
    assert list(table.subscription_ids) == [sid]
    assert list(table.customer_ids) == [customer.id] and silent.id not in table.customer_ids
    assert list(table.org_unit_ids) == [org.city.id]
    recency, frequency, money = table.rfm[0]
    assert recency == pytest.approx(3.5)
    assert frequency == 2 and money == 3_500


def _world(db: Session, rng: np.random.Generator) -> tuple[object, list[int]]:
    """Eighty numbers in four planted profiles over two branches."""
    org = make_org(db)
    ids = []
    n = 0
    for r, f, m in PROFILES.values():
        for _ in range(20):
            n += 1
            unit = org.city if n % 2 else org.other_city
            name = "=HYPERLINK(1)" if n == 1 else f"客户{n}"
            customer = make_customer(db, unit, f"+86137{n:08d}", name=name)
            sid = db.scalar(select(Subscription.id).where(Subscription.customer_id == customer.id))
            assert sid is not None
            last = CUT.instant - timedelta(days=float(rng.normal(r, r * 0.05)))
            for k in range(f):
                _pay(db, sid, last - timedelta(days=k * (300 / f)), m * 100 // f)
            ids.append(sid)
    db.flush()
    return org, ids


def test_segments_members_and_exports_within_scope(client: TestClient, db: Session) -> None:
    org, _ = _world(db, np.random.default_rng(9))
    supervisor = make_staff(db, org.hq, Role.SUPERVISOR)  # type: ignore[attr-defined]
    lead = make_staff(db, org.city, Role.TEAM_LEAD)  # type: ignore[attr-defined]
    before = client.get("/api/v1/analytics/value", headers=bearer(db, supervisor))
    assert before.json() == {"run": None, "segments": []}
    missing = client.get("/api/v1/analytics/value/members", headers=bearer(db, supervisor))
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "value_run_missing"

    run = rfm_service.run_segmentation(db, as_of=CUT.day)
    assert run.report["k"] == 4 and run.report["numbers"] == 80
    db.commit()

    whole = client.get("/api/v1/analytics/value", headers=bearer(db, supervisor)).json()
    assert whole["run"]["k"] == 4 and len(whole["run"]["silhouettes"]) == 5  # k = 4..8
    sizes = {s["code"]: s["size"] for s in whole["segments"]}
    assert sizes == dict.fromkeys(PROFILES, 20)
    top = whole["segments"][0]  # the highest-paying first
    assert top["code"] == "high_value_keep" and top["label"] == "高价值保持"
    assert top["monetary_yuan"] == pytest.approx(6000, rel=0.01)
    assert sum(s["share"] for s in whole["segments"]) == pytest.approx(1.0)

    branch = client.get("/api/v1/analytics/value", headers=bearer(db, lead)).json()
    assert sum(s["size"] for s in branch["segments"]) == 40  # the lead's branch only
    members = client.get(
        "/api/v1/analytics/value/members",
        params={"segment": "lapsing", "limit": 5},
        headers={**bearer(db, lead), "Accept-Language": "en"},
    ).json()
    assert members["total"] == 10
    assert all("*" in m["msisdn"] for m in members["items"])  # no pii.view: masked
    assert members["items"][0]["segment_label"].startswith("Lapsing")

    exported = client.post(
        "/api/v1/analytics/value/export",
        json={"segment": "high_value_keep", "format": "csv", "reason": "关怀活动"},
        headers=bearer(db, supervisor),
    )
    assert exported.status_code == 200, exported.text
    lines = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert lines[0][0] == "号码" and len(lines) == 21
    assert all(not cell.startswith(("=", "+", "@")) for line in lines for cell in line)
    row = db.scalar(select(AuditLog).where(AuditLog.action == "value.export"))
    assert row is not None and row.reason == "关怀活动"
    bad = client.get(
        "/api/v1/analytics/value/members",
        params={"segment": "DROP TABLE"},
        headers=bearer(db, supervisor),
    )
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "segment"
