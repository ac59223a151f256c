"""Churn warning: features read exactly as of a cut-off (both databases), a model that
finds planted drivers and is calibrated, training on any table with a label, the weekly
list with reasons, and who may read whose list."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from factories import bearer, make_categories, make_customer, make_org, make_staff
from kefu.analytics import churn_service
from kefu.analytics.churn import ChurnDataError, train
from kefu.analytics.churn_features import FEATURES, Cutoff, FeatureTable, build_features
from kefu.analytics.models import ChurnWarning, TrainedModel
from kefu.contact.enums import ContactChannel, Direction, InteractionStatus
from kefu.contact.models import Interaction
from kefu.core.rbac import Role
from kefu.customers.enums import Tier, TierSource
from kefu.customers.models import MonthlySpend, Payment, Subscription, TierChange
from kefu.org.models import OrgUnit as OrgUnitModel
from kefu.workorders.enums import OrderStatus, OrderType
from kefu.workorders.models import ReturnVisit, WorkOrder

ZONE = ZoneInfo("Asia/Shanghai")
CUT = Cutoff(date(2026, 10, 5))  # midnight of 5 October in Beijing: 4 October 16:00 UTC
US = timedelta(microseconds=1)


def _planted(rng: np.random.Generator, rows: int) -> FeatureTable:
    """A table whose leavers follow a known logistic model over three of five columns."""
    values = rng.normal(size=(rows, 5))
    logit = -3.5 + 1.4 * values[:, 0] - 0.9 * values[:, 1] + 0.5 * values[:, 2]
    label = (rng.random(rows) < 1 / (1 + np.exp(-logit))).astype(np.int8)
    return FeatureTable(np.arange(rows), ("a", "b", "c", "d", "e"), values, label)


def test_the_model_finds_planted_drivers_and_is_calibrated() -> None:
    rng = np.random.default_rng(7)
    earlier, later = _planted(rng, 20_000), _planted(rng, 20_000)
    model, report = train(earlier, later)
    assert report["split"] == "time"
    oracle = 1.4 * later.values[:, 0] - 0.9 * later.values[:, 1] + 0.5 * later.values[:, 2]
    from sklearn.metrics import roc_auc_score

    best = roc_auc_score(later.label, oracle)
    assert report["metrics"]["auc"] > best - 0.01  # as good as knowing the true model
    ranked = [c["feature"] for c in report["coefficients"]]
    assert ranked[:3] == ["a", "b", "c"]
    signs = {c["feature"]: c["per_sd"] > 0 for c in report["coefficients"]}
    assert signs["a"] and not signs["b"] and signs["c"]
    # Calibrated: in each tenth of the score the predicted rate is near the observed one.
    for row in report["metrics"]["reliability"]:
        assert abs(row["predicted"] - row["observed"]) < 0.03
    top = report["metrics"]["precision_at"][0]
    assert top["precision"] > 3 * report["metrics"]["base_rate"]
    # Reasons: a number high on "a" and low on "b" is told exactly that.
    reasons = model.reasons(np.array([[2.0, -2.0, 0.0, 0.0, 0.0]]))[0]
    assert [(name, direction) for name, _, direction in reasons[:2]] == [
        ("a", "high"),
        ("b", "low"),
    ]
    assert sum(share for _, share, _ in reasons) == pytest.approx(1.0, abs=0.01)


def test_too_few_leavers_or_no_label_is_refused() -> None:
    rng = np.random.default_rng(1)
    table = _planted(rng, 200)
    none_left = FeatureTable(table.ids, table.columns, table.values, np.zeros(200, np.int8))
    with pytest.raises(ChurnDataError, match="leavers"):
        train(none_left)
    with pytest.raises(ChurnDataError, match="label"):
        train(FeatureTable(table.ids, table.columns, table.values, None))


def test_a_small_center_with_few_leavers_is_calibrated_without_complaint() -> None:
    """Twelve leavers in the training rows leave three to calibrate on: the calibration's
    folds follow (five folds warned that a class had too few members, then fitted on
    folds with no leaver at all)."""
    import warnings

    rng = np.random.default_rng(3)
    earlier, later = _planted(rng, 400), _planted(rng, 400)
    label = np.zeros(400, np.int8)
    label[rng.choice(400, size=12, replace=False)] = 1  # the first window: 12 leavers
    earlier = FeatureTable(earlier.ids, earlier.columns, earlier.values, label)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model, report = train(earlier, later)
    assert report["split"] == "time" and report["train"]["leavers"] == 12
    assert 0 <= model.probability(later.values[:5]).min() <= 1


def _write_csv(path: Path, table: FeatureTable, periods: list[str] | None) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["客户", *(["月份"] if periods else []), *table.columns, "left"])
        for i, row in enumerate(table.values):
            period = [periods[i]] if periods else []
            writer.writerow([f"C{i}", *period, *row, int(table.label[i])])  # type: ignore[index]


def test_training_works_on_any_table_with_a_label(db: Session, tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    table = _planted(rng, 6_000)
    path = tmp_path / "operator.csv"
    _write_csv(path, table, ["2026-08"] * 3_000 + ["2026-09"] * 3_000)
    first = churn_service.train_on_file(
        db, path, label="left", id_column="客户", period_column="月份"
    )
    assert first.report["split"] == "time"
    assert first.report["columns"] == list(table.columns)
    assert first.report["test"]["rows"] == 3_000
    with pytest.raises(ChurnDataError, match="not a number"):  # an undeclared text column
        churn_service.train_on_file(db, path, label="left", id_column="客户")
    plain = tmp_path / "plain.csv"
    _write_csv(plain, table, None)
    second = churn_service.train_on_file(db, plain, label="left", id_column="客户")
    assert second.report["split"] == "holdout"
    active = db.scalars(select(TrainedModel).where(TrainedModel.active)).all()
    assert [m.id for m in active] == [second.model_id]  # one model in use at a time
    bad = tmp_path / "bad.csv"
    bad.write_text("x,left\nabc,1\n", encoding="utf-8")
    with pytest.raises(ChurnDataError, match="not a number"):
        churn_service.train_on_file(db, bad, label="left")
    with pytest.raises(ChurnDataError, match="no column"):
        churn_service.train_on_file(db, path, label="churned")


def _utc(local: datetime) -> datetime:
    return local.astimezone(UTC)


def _number_with_history(db: Session) -> tuple[int, int]:
    """One number whose every feature is known by hand at ``CUT``, with rows placed a
    microsecond either side of each window's edge."""
    org = make_org(db)
    customer = make_customer(db, org.city, "+8613900000001", tier=Tier.GOLD)
    sid = db.scalar(select(Subscription.id).where(Subscription.customer_id == customer.id))
    assert sid is not None
    db.execute(
        Subscription.__table__.update()
        .where(Subscription.id == sid)
        .values(opened_on=date(2025, 10, 5), closed_on=date(2026, 10, 20))
    )
    midnight = CUT.instant
    leaf = make_categories(db).unknown_charge
    agent = make_staff(db, org.city)
    # Spend: July-September (last three) 300 yuan in all; April-June 600; October ignored.
    for month, fen in ((202604, 20000), (202605, 20000), (202606, 20000), (202607, 10000)):
        db.add(MonthlySpend(subscription_id=sid, month=month, amount_fen=fen))
    for month, fen in ((202608, 10000), (202609, 10000), (202610, 99999), (202603, 77777)):
        db.add(MonthlySpend(subscription_id=sid, month=month, amount_fen=fen))
    pays = (
        (midnight - timedelta(days=90) - US, 5000, 100),  # just outside the 90 days
        (midnight - timedelta(days=90), 5000, 200),  # just inside
        (midnight - timedelta(days=10), 5000, 4321),  # the last before the cut-off
        (midnight, 5000, 9999),  # at the cut-off: after it
    )
    for at, amount, after in pays:
        db.add(
            Payment(
                subscription_id=sid,
                paid_at=at,
                amount_fen=amount,
                channel="app",
                balance_after_fen=after,
            )
        )
    for n, (at, repeat, status) in enumerate(
        (
            (midnight - timedelta(days=90), False, OrderStatus.CLOSED),  # inside
            (midnight - timedelta(days=30), True, OrderStatus.CLOSED),  # a repeat
            (midnight - timedelta(days=20), False, OrderStatus.CANCELLED),  # not a complaint
            (midnight - timedelta(days=90) - US, False, OrderStatus.CLOSED),  # outside
            (midnight, True, OrderStatus.NEW),  # after
        )
    ):
        order = WorkOrder(
            number=f"WO-CHURN-{n}",
            type=OrderType.COMPLAINT,
            status=status,
            channel="phone",
            customer_id=customer.id,
            contact_phone="+8613900000001",
            subject="投诉",
            category_id=leaf.id,
            created_by_id=agent.id,
            is_repeat=repeat,
            org_unit_id=org.city.id,
            created_at=at,
        )
        db.add(order)
        db.flush()
        db.add(
            ReturnVisit(
                order_id=order.id,
                due_at=at,
                done_at=at + timedelta(days=1),
                outcome="dissatisfied",
            )
        )
    for at in (midnight - timedelta(days=30), midnight - US, midnight - timedelta(days=30) - US):
        db.add(
            Interaction(
                channel=ContactChannel.VOICE,
                direction=Direction.INBOUND,
                status=InteractionStatus.ENDED,
                customer_id=customer.id,
                offered_at=at,
            )
        )
    for at, before, after in (
        (midnight - timedelta(days=100), Tier.DIAMOND, Tier.GOLD),  # down
        (midnight - timedelta(days=50), Tier.GOLD, Tier.SUPREME),  # up: not counted
        (midnight - timedelta(days=181), Tier.SUPREME, Tier.GOLD),  # too early
    ):
        db.add(
            TierChange(
                customer_id=customer.id,
                from_tier=before,
                to_tier=after,
                source=TierSource.POLICY,
                changed_at=at,
            )
        )
    db.flush()
    return sid, customer.id


def test_features_are_read_exactly_as_of_the_cut_off(db: Session) -> None:
    sid, _ = _number_with_history(db)
    table = build_features(db, CUT, with_label=True)
    assert list(table.ids) == [sid]
    got = dict(zip(FEATURES, table.values[0], strict=True))
    assert got["tenure_months"] == pytest.approx(365 / 30.4375)
    assert got["spend_3m"] == pytest.approx(100.0)  # 300 yuan over three months
    assert got["spend_trend"] == pytest.approx(np.log((30000 + 300) / (60000 + 300)))
    assert got["balance"] == pytest.approx(43.21)  # after the last payment before midnight
    assert got["days_since_payment"] == pytest.approx(10.0)
    assert got["payments_90d"] == 2
    assert got["complaints_90d"] == 2  # the cancelled one and the ones outside left out
    assert got["repeats_90d"] == 1
    # Visits done a day after each order: -89 d, -29 d, -19 d (all inside 180 days), the
    # one a microsecond before -90 d is done at -89 d too; the one at midnight is after.
    assert got["dissatisfied_180d"] == 4
    assert got["contacts_30d"] == 2
    assert got["tier_downgrades_180d"] == 1


def test_the_label_and_who_is_in_service(db: Session) -> None:
    sid, _ = _number_with_history(db)
    inside = build_features(db, CUT, with_label=True)
    assert inside.label is not None and list(inside.label) == [1]  # 20 Oct < 5 Oct + 28 d
    short = build_features(db, Cutoff(CUT.day, horizon_days=15), with_label=True)
    assert short.label is not None and list(short.label) == [0]  # 20 Oct is day 15: outside
    gone = build_features(db, Cutoff(date(2026, 10, 21)))
    assert sid not in gone.ids  # cancelled on the 20th, no longer in service on the 21st
    new = build_features(db, Cutoff(date(2025, 10, 5)))
    assert sid not in new.ids  # opened that very day: not yet in service at its midnight


def _model_that_fears_complaints(db: Session, tmp_path: Path) -> None:
    """The model in use: trained from a file on kefu's columns, where leavers complain."""
    rng = np.random.default_rng(11)
    # Around the factories' numbers (long tenure, never paid, no spend), so only the
    # complaints set one number apart from another.
    usual = np.array([138.0, 0, 0, 0, 365.0, 0, 0, 0, 0, 0, 0])
    values = usual + rng.normal(size=(4_000, len(FEATURES)))
    complaints = FEATURES.index("complaints_90d")
    values[:, complaints] = rng.poisson(0.3, 4_000)
    label = (rng.random(4_000) < 1 / (1 + np.exp(3.5 - 1.5 * values[:, complaints]))).astype(int)
    path = tmp_path / "kefu.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([*FEATURES, "churned"])
        writer.writerows([*row, flag] for row, flag in zip(values, label, strict=True))
    churn_service.train_on_file(db, path, label="churned")


def _complaints(db: Session, customer_id: int, unit_id: int, count: int, at: datetime) -> None:
    leaf = make_categories(db).unknown_charge
    agent = make_staff(db, db.get(OrgUnitModel, unit_id))  # type: ignore[arg-type]
    for n in range(count):
        db.add(
            WorkOrder(
                number=f"WO-{customer_id}-{n}",
                type=OrderType.COMPLAINT,
                status=OrderStatus.CLOSED,
                channel="phone",
                category_id=leaf.id,
                customer_id=customer_id,
                contact_phone="",
                subject="投诉",
                created_by_id=agent.id,
                org_unit_id=unit_id,
                created_at=at - timedelta(days=n + 1),
            )
        )
    db.flush()


def test_the_weekly_list_ranks_and_explains_and_stays_with_its_owner(
    client: TestClient, db: Session, tmp_path: Path
) -> None:
    org = make_org(db)
    mine = make_staff(db, org.city, Role.ACCOUNT_MANAGER)
    theirs = make_staff(db, org.city, Role.ACCOUNT_MANAGER)
    lead = make_staff(db, org.other_city, Role.TEAM_LEAD)
    supervisor = make_staff(db, org.hq, Role.SUPERVISOR)
    _model_that_fears_complaints(db, tmp_path)
    week = date(2026, 10, 7)  # a Wednesday: the list is for Monday the 5th
    angry = make_customer(db, org.city, "+8613900000011", account_manager_id=mine.id)
    calm = make_customer(db, org.city, "+8613900000012", account_manager_id=mine.id)
    other = make_customer(db, org.other_city, "+8613900000013", account_manager_id=theirs.id)
    stray = make_customer(db, org.city, "+8613900000014")  # no account manager, no complaint
    _complaints(db, angry.id, org.city.id, 3, CUT.instant)
    _complaints(db, other.id, org.other_city.id, 2, CUT.instant)
    # The riskiest share of the center, and every manager's riskiest whatever their rank.
    assert churn_service.score_week(db, week, share=0.001) == 3
    listed = db.scalars(select(ChurnWarning.customer_id)).all()
    assert stray.id not in listed and {angry.id, calm.id, other.id} == set(listed)
    kept = churn_service.score_week(db, week, share=1.0)
    assert kept == 4  # scoring again replaces the week's list
    assert db.scalar(select(func.count()).select_from(ChurnWarning)) == 4

    own = client.get("/api/v1/analytics/churn/watchlist", headers=bearer(db, mine))
    assert own.status_code == 200, own.text
    body = own.json()
    assert body["week"] == "2026-10-05" and body["total"] == 2
    assert [i["customer_id"] for i in body["items"]] == [angry.id, calm.id]  # riskiest first
    top = body["items"][0]
    assert top["msisdn"].replace(" ", "") == "13900000011"  # managers see their customers
    assert top["name"] == angry.name
    assert top["reasons"][0]["feature"] == "complaints_90d"
    assert top["reasons"][0]["direction"] == "high"
    assert top["reasons"][0]["label"] == "近90天有投诉"
    assert 0 < top["probability"] < 1

    refused = client.get(
        "/api/v1/analytics/churn/watchlist",
        params={"account_manager_id": theirs.id},
        headers={**bearer(db, mine), "Accept-Language": "en"},
    )
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "churn_list_not_yours"
    assert "own customers" in refused.json()["error"]["message"]

    everyone = client.get("/api/v1/analytics/churn/watchlist", headers=bearer(db, supervisor))
    assert everyone.json()["total"] == 4
    assert everyone.json()["items"][0]["name"].endswith("**")  # without pii.view: masked

    branch = client.get("/api/v1/analytics/churn/watchlist", headers=bearer(db, lead))
    items = branch.json()["items"]
    assert [i["customer_id"] for i in items] == [other.id]  # the lead's own branch only
    assert "*" in items[0]["msisdn"] and items[0]["name"].endswith("**")  # masked

    model = client.get("/api/v1/analytics/churn/model", headers=bearer(db, supervisor))
    assert model.status_code == 200 and model.json()["report"]["split"] == "holdout"
    agent = make_staff(db, org.city, Role.AGENT)
    assert (
        client.get("/api/v1/analytics/churn/watchlist", headers=bearer(db, agent)).status_code
        == 403
    )


def test_no_model_yet_is_a_clear_404(client: TestClient, db: Session) -> None:
    org = make_org(db)
    supervisor = make_staff(db, org.hq, Role.SUPERVISOR)
    found = client.get("/api/v1/analytics/churn/model", headers=bearer(db, supervisor))
    assert found.status_code == 404
    assert found.json()["error"]["code"] == "churn_model_missing"
    empty = client.get("/api/v1/analytics/churn/watchlist", headers=bearer(db, supervisor))
    assert empty.json() == {"week": None, "total": 0, "items": []}
    with pytest.raises(ChurnDataError, match="no churn model"):
        churn_service.score_week(db, date(2026, 10, 5))
