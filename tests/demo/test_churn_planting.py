"""The demo's leavers follow planted drivers, and the churn model trained on the demo finds
them: on SQLite and on PostgreSQL, and through the ``kefu churn`` commands."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from kefu.analytics.models import ChurnWarning, TrainedModel
from kefu.cli import app
from kefu.contact.models import Interaction
from kefu.core.db import make_engine, make_sessionmaker
from kefu.core.migrate import upgrade
from kefu.customers.enums import TIER_RANK, CustomerStatus
from kefu.customers.models import Customer, Payment, Subscription, TierChange
from kefu.demo.generator import GenerateOptions, generate
from kefu.ivr.journeys import journeys, recent_with_journeys
from kefu.ivr.models import IvrSession, IvrVisit
from kefu.ivr.stats import figures as ivr_figures
from kefu.workorders.models import WorkOrder

# The five strongest planted drivers per standard deviation on the demo (log-odds 0.66,
# 0.60, 0.45, 0.27 and 0.17). With a few hundred leavers a fit cannot order neighbours
# reliably (it put tenure, planted at 0.27, a hair above the balance), so its first three
# must come from these five; a driver not planted, or a weak one, must never.
STRONG = {"days_since_payment", "spend_trend", "balance", "tenure_months", "contacts_30d"}
OPTIONS = GenerateOptions(subscribers=5000, enterprises=5, staff=20, articles=0, surveys=0)


def _check(url: str) -> None:
    engine = make_engine(url)
    upgrade(engine)
    result = generate(engine, OPTIONS)
    assert result.counts["churned_numbers"] > 150  # two windows of about 2.5 % each
    assert result.counts["payments"] > 10 * result.counts["subscriptions"]
    with make_sessionmaker(engine)() as session:
        model = session.scalar(
            select(TrainedModel).where(TrainedModel.active, TrainedModel.kind == "churn")
        )
        assert model is not None
        report = json.loads(model.report)
        assert report["split"] == "time"
        assert report["metrics"]["auc"] > 0.68
        assert report["metrics"]["precision_at"][0]["lift"] > 3
        top = {row["feature"] for row in report["coefficients"][:3]}
        assert top <= STRONG, top
        listed = session.scalar(select(func.count()).select_from(ChurnWarning))
        assert listed == result.counts["churn_warnings"] > 0
        # No payment after a number was cancelled.
        late = session.scalar(
            select(func.count())
            .select_from(Payment)
            .join(Subscription, Subscription.id == Payment.subscription_id)
            .where(
                Subscription.closed_on.is_not(None),
                func.date(Payment.paid_at) > Subscription.closed_on,
            )
        )
        assert late == 0
        # Nor a call from it, or an order opened on it, after its last day (UTC times, a
        # day's margin for the zone).
        closed = {
            number: day
            for number, day in session.execute(
                select(Subscription.msisdn, Subscription.closed_on).where(
                    Subscription.closed_on.is_not(None)
                )
            )
        }
        calls = session.execute(select(Interaction.address, Interaction.offered_at))
        orders = session.execute(select(WorkOrder.contact_phone, WorkOrder.created_at))
        after = [
            (number, at)
            for number, at in [*calls, *orders]
            if number in closed and at.date() > closed[number] + timedelta(days=1)
        ]
        assert after == []
        _past_calls_went_through_the_ivr(session)
        _tier_history_is_a_chain_ending_at_the_tier_now(session)
    engine.dispose()


def _tier_history_is_a_chain_ending_at_the_tier_now(session: Session) -> None:
    """The monthly reviews changed some tiers both ways; each customer's changes link up
    (one ends where the next begins) and the last is the tier they hold now."""
    changes = session.execute(
        select(TierChange.customer_id, TierChange.from_tier, TierChange.to_tier).order_by(
            TierChange.customer_id, TierChange.changed_at
        )
    ).all()
    downgrades = [c for c in changes if TIER_RANK[c.to_tier] < TIER_RANK[c.from_tier]]
    assert len(downgrades) > 50 and len(changes) - len(downgrades) > 50
    last: dict[int, str] = {}
    for change in changes:
        if change.customer_id in last:
            assert change.from_tier == last[change.customer_id]
        last[change.customer_id] = change.to_tier
    held = {row.id: row.tier for row in session.execute(select(Customer.id, Customer.tier))}
    cancelled = set(
        session.scalars(select(Customer.id).where(Customer.status == CustomerStatus.CANCELLED))
    )
    assert all(held[c] == tier for c, tier in last.items() if c not in cancelled)


def test_planted_churn_is_found_on_sqlite(tmp_path: Path, settings_put_back: None) -> None:
    url = f"sqlite:///{tmp_path / 'churn.db'}"
    _check(url)
    runner = CliRunner()
    trained = runner.invoke(app, ["churn", "train", "--database-url", url])
    assert trained.exit_code == 0, trained.output
    assert "AUC" in trained.output and "time split" in trained.output
    scored = runner.invoke(app, ["churn", "score", "--database-url", url, "--week", "2026-11-18"])
    assert scored.exit_code == 0, scored.output
    assert "2026-11-16" in scored.output
    bad = runner.invoke(app, ["churn", "train", "--database-url", url, "--as-of", "2026-13-01"])
    assert bad.exit_code == 1 and "YYYY-MM-DD" in bad.output
    classified = runner.invoke(app, ["text", "train", "--database-url", url])
    assert classified.exit_code == 0 and "macro-F1" in classified.output, classified.output
    segmented = runner.invoke(app, ["value", "segment", "--database-url", url])
    assert segmented.exit_code == 0 and "segments" in segmented.output, segmented.output
    verified = runner.invoke(app, ["audit", "verify", "--database-url", url])
    assert verified.exit_code == 0


def test_planted_churn_is_found_on_postgresql(postgres_url: str) -> None:
    from conftest import fresh_postgres_database

    _check(fresh_postgres_database(postgres_url, "_churn"))


def _past_calls_went_through_the_ivr(session: Session) -> None:
    """Every past call has its IVR session: a self-served one says what was done, one put
    through says why; the 360 tells it (the journeys of a customer's calls)."""
    calls = session.execute(
        select(
            Interaction.id, Interaction.channel, Interaction.customer_id, Interaction.end_reason
        ).where(Interaction.channel.in_(["ivr", "voice"]))
    ).all()
    found = journeys(session, [c.id for c in calls])
    assert calls and set(found) == {c.id for c in calls}
    for call in calls:
        journey = found[call.id]
        if call.channel == "ivr" and call.end_reason == "abandoned":  # hung up in a menu
            assert journey.outcome == "abandoned" and not journey.served
        elif call.channel == "ivr":
            assert journey.outcome == "self_service" and journey.served
        else:
            assert journey.outcome == "transferred" and journey.transfer_reason
    _the_ivr_figures_count_where_callers_hung_up(session, [c.id for c in calls])
    caller = next(c.customer_id for c in calls if c.customer_id)
    recent = recent_with_journeys(session, caller, True)
    assert all("ivr" in row for row in recent if row["channel"] in ("ivr", "voice"))
    # The demo numbered its calls itself: a call after it takes the next number (on
    # PostgreSQL the id sequence was moved on).
    after = Interaction(channel="voice", status="ended", address="+8613800000000")
    session.add(after)
    session.flush()
    assert after.id > max(c.id for c in calls)
    version = session.scalar(select(IvrSession.flow_version_id).limit(1))
    live = IvrSession(
        call_id="after-the-demo", interaction_id=after.id, flow_version_id=version, node="greet"
    )
    session.add(live)
    session.flush()
    assert live.id > max(c.id for c in calls)  # sessions were numbered as their calls
    session.rollback()


def _the_ivr_figures_count_where_callers_hung_up(session: Session, call_ids: list[int]) -> None:
    """Every session has the nodes it passed, so abandonment by node has a base: some
    callers hang up in the menus, a few in each, most get further."""
    with_visits = set(session.scalars(select(IvrVisit.session_id).distinct()))
    sessions = set(session.scalars(select(IvrSession.id)))
    assert sessions == with_visits and len(sessions) == len(call_ids)
    ever = (datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC))
    counted = ivr_figures(session, since=ever[0], until=ever[1])
    by_node = {row.node: row for row in counted.abandonment_by_node}
    assert set(by_node) == {"main_menu", "package_menu", "progress_number"}
    assert by_node["main_menu"].reached == counted.calls  # every call meets the main menu
    assert all(0 < row.rate < 0.25 for row in by_node.values())
    assert counted.outcomes["abandoned"] == sum(row.abandoned for row in by_node.values())
