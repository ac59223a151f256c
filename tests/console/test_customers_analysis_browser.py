"""Customer value and churn warning in headless Chromium: the segments' charts drew, a
segment opens its numbers; the churn list shows risk and reasons, and an account manager
sees only their own customers — on both databases, in Chinese and English."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import numpy as np
from chromium import CHROMIUM, requires_chromium
from sqlalchemy import select, update

from kefu.analytics import churn_service
from kefu.analytics.churn_features import FEATURES, Cutoff, build_features
from kefu.core.clock import local_today
from kefu.core.db import make_engine, make_sessionmaker
from kefu.customers.models import Customer, Subscription
from kefu.demo.reference import DEMO_PASSWORD
from kefu.org.models import Staff

pytestmark = requires_chromium


def _churn_list(url: str, tmp_path: Path) -> str:
    """A model trained on the served center's own features, labelled so that long
    silences since the last payment mean leaving; scored, and one customer given to the
    demo account manager. Returns that manager's name."""
    engine = make_engine(url)
    rng = np.random.default_rng(2)
    with make_sessionmaker(engine)() as session, session.begin():
        table = build_features(session, Cutoff(local_today()))
        days = table.values[:, FEATURES.index("days_since_payment")]
        label = (rng.random(len(days)) < 1 / (1 + np.exp(3 - days / 20))).astype(int)
        path = tmp_path / "table.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow([*FEATURES, "churned"])
            writer.writerows([*row, flag] for row, flag in zip(table.values, label, strict=True))
        manager = session.scalar(select(Staff).where(Staff.username == "manager"))
        assert manager is not None
        # Their one customer: the longest silent number of their own branch, among
        # customers with a single number (the list has a row per number; which customers
        # have two depends on the day the demo is generated).
        branch = dict(
            session.execute(
                select(Subscription.id, Subscription.customer_id)
                .join(Customer, Customer.id == Subscription.customer_id)
                .where(Customer.org_unit_id == manager.org_unit_id)
            ).all()
        )
        numbers = Counter(branch.values())
        ours = [
            i
            for i, sid in enumerate(table.ids)
            if int(sid) in branch and numbers[branch[int(sid)]] == 1
        ]
        chosen = branch[int(table.ids[max(ours, key=lambda i: days[i])])]
        session.execute(
            update(Customer)
            .where(Customer.account_manager_id == manager.id)
            .values(account_manager_id=None)
        )
        session.execute(
            update(Customer).where(Customer.id == chosen).values(account_manager_id=manager.id)
        )
        churn_service.train_on_file(session, path, label="churned")
        churn_service.score_week(session, local_today(), share=0.2)
        name = manager.display_name
    engine.dispose()
    return name


def _sign_in(page, base: str, username: str, english: bool = False) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_url("**/customers")
    if english:
        page.click('a[data-lang="en"]')
        page.wait_for_load_state()


def test_value_segments_and_the_churn_list(
    live_center_database: tuple[str, str, str], tmp_path: Path
) -> None:
    from playwright.sync_api import expect, sync_playwright

    base, _, url = live_center_database
    manager_name = _churn_list(url, tmp_path)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        _sign_in(page, base, "supervisor")
        page.goto(f"{base}/analysis/customers")
        expect(page.locator("#value-table tbody tr").first).to_be_visible()
        # Both charts drew their traces: a bar per segment, a bubble per segment.
        segments = page.locator("#value-table tbody tr").count()
        assert segments >= 4
        expect(page.locator("#value-sizes .bars .point")).to_have_count(segments)
        expect(page.locator("#value-map .scatterlayer .point")).to_have_count(segments)
        expect(page.locator("#value-meta")).to_contain_text("分群")
        page.locator("#value-table tbody tr").first.click()
        expect(page.locator("#members-table tbody tr").first).to_be_visible()
        assert "*" in page.locator("#members-table tbody tr td").first.inner_text()  # masked
        rows = page.locator("#churn-table tbody tr")
        expect(rows.first).to_be_visible()
        expect(rows.first.locator(".chip.reason").first).to_contain_text("久未缴费")
        expect(page.locator("#model-reliability .bars .point")).to_have_count(10)
        page.screenshot(path=str(tmp_path / "customers-zh.png"), full_page=True)
        # Only Plotly's own style injection is refused by the page's CSP.
        assert all("inline style" in e for e in errors), errors
        page.close()

        page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="en")
        _sign_in(page, base, "manager", english=True)
        page.click('[data-nav="analysis"]')
        page.wait_for_url("**/analysis/customers")
        expect(page.locator("#value-card")).to_have_count(0)  # no analytics.read
        rows = page.locator("#churn-table tbody tr")
        expect(rows).to_have_count(1)  # the one customer they manage
        expect(rows.first).to_contain_text(manager_name)
        expect(rows.first.locator(".chip.reason").first).to_contain_text("Long since")
        page.screenshot(path=str(tmp_path / "customers-manager-en.png"), full_page=True)
        browser.close()
