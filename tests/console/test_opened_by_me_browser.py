"""First-contact responsibility (首问负责) in headless Chromium: the agent opens a complaint,
a supervisor sends it to a back-office team, and the agent finds it under 我受理的 with
the team holding it; its page names the agent as who opened it. An account manager finds
their customer's complaint under 我的客户 (the agent's form said they would be told), its
page naming them. In English too."""

from __future__ import annotations

import re

import httpx
from chromium import CHROMIUM, api_client, open_order, requires_chromium, sign_in

from kefu.demo.reference import DEMO_PASSWORD
from kefu.workorders.enums import OrderStatus

# what a queue counts as open
OPEN = [s.value for s in OrderStatus if s not in (OrderStatus.CLOSED, OrderStatus.CANCELLED)]

pytestmark = requires_chromium


def _opened_and_sent(base: str) -> tuple[dict, str]:
    """A complaint the demo agent opened, sent to the back-office handler's team; the
    order and the team's name."""
    supervisor = api_client(base, "supervisor")
    staff = supervisor.get("/api/v1/staff", params={"q": "backoffice"}).json()["items"]
    team_id = next(s["team_id"] for s in staff if s["username"] == "backoffice")
    order = open_order(api_client(base, "agent"), "complaint", "宽带每晚断线，已报三次")
    sent = supervisor.post(
        f"/api/v1/work-orders/{order['id']}/dispatch",
        json={"team_id": team_id},
        headers={"If-Match": f'"{order["version"]}"'},
    )
    assert sent.status_code == 200, sent.text
    return dict(sent.json()), sent.json()["team"]["name"]


def test_an_agent_follows_the_orders_they_opened(live_center: tuple[str, str]) -> None:
    from playwright.sync_api import expect, sync_playwright

    base, _ = live_center
    order, team = _opened_and_sent(base)
    agent_name = api_client(base, "agent").get("/api/v1/auth/me").json()["display_name"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
        sign_in(page, base, "agent", DEMO_PASSWORD, "/orders")
        page.locator('[data-queue="opened"]').click()
        page.wait_for_url(f"{base}/orders?view=opened*")
        expect(page.locator('[data-queue="opened"]')).to_have_text("我受理的")
        row = page.locator("tr", has_text=order["number"])
        expect(row.locator(".handler")).to_have_text(team)
        expect(row.locator(".status")).to_have_text("已派单")
        row.locator("a", has_text=order["number"]).click()
        page.wait_for_url(f"{base}/orders/{order['id']}")
        expect(page.locator("#opened-by")).to_have_text(agent_name)
        page.goto(f"{base}/lang/en?next=/orders?view=opened")
        expect(page.locator('[data-queue="opened"]')).to_have_text("Opened by me")
        expect(page.locator("tr", has_text=order["number"]).locator(".status")).to_have_text(
            "Dispatched"
        )
        browser.close()


def _customer_of_the_demo_manager(url: str) -> int:
    """A demo customer of the agent's branch the account manager ``manager`` looks after
    themselves."""
    from sqlalchemy import select

    from kefu.core.db import make_engine
    from kefu.customers.models import Customer
    from kefu.org.models import Staff

    engine = make_engine(url)
    with engine.connect() as connection:
        manager = select(Staff.id).where(Staff.username == "manager").scalar_subquery()
        branch = select(Staff.org_unit_id).where(Staff.username == "agent").scalar_subquery()
        found = connection.scalar(
            select(Customer.id)
            .where(Customer.account_manager_id == manager, Customer.org_unit_id == branch)
            .limit(1)
        )
    engine.dispose()
    assert found is not None
    return int(found)


def _open_for(manager: httpx.Client) -> int:
    """How many open orders the manager's customers have, as the API counts them."""
    found = manager.get(
        "/api/v1/work-orders", params={"my_customers": "true", "status": OPEN, "size": 1}
    )
    assert found.status_code == 200, found.text
    return int(found.json()["total"])


def test_an_account_manager_follows_their_customers_orders(
    live_center_database: tuple[str, str, str],
) -> None:
    from playwright.sync_api import expect, sync_playwright

    base, _, url = live_center_database
    customer = _customer_of_the_demo_manager(url)
    manager_name = api_client(base, "manager").get("/api/v1/auth/me").json()["display_name"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
        # the agent opens the complaint from the form, told the manager will hear of it
        sign_in(page, base, "agent", DEMO_PASSWORD, "/orders/new")
        page.goto(f"{base}/orders/new?customer_id={customer}")
        page.fill("#order-form input[name=subject]", "晚高峰上网卡顿")
        page.fill("#category-search", "不明扣费")
        page.locator("#category-list li:not([hidden])", has_text="不明扣费").first.click()
        told = page.locator("#order-form .outlook-manager")
        expect(told).to_be_visible()
        expect(told).to_contain_text(f"该客户由{manager_name}负责")
        page.click("#order-form button[type=submit]")
        page.wait_for_url(re.compile(r".*/orders/\d+$"))
        number = page.locator("h1.mono").inner_text().split()[0]
        page.context.clear_cookies()
        sign_in(page, base, "manager", DEMO_PASSWORD, "/orders")
        tab = page.locator('[data-queue="clients"]')
        expect(tab).to_contain_text("我的客户")
        # the open orders of their customers, the complaint just opened among them
        expect(tab.locator(".count")).to_have_text(str(_open_for(api_client(base, "manager"))))
        tab.click()
        page.wait_for_url(f"{base}/orders?view=clients*")
        page.locator("tr", has_text=number).locator("a").first.click()
        page.wait_for_url(re.compile(r".*/orders/\d+$"))
        expect(page.locator("#account-manager")).to_contain_text(manager_name)
        page.goto(f"{base}/lang/en?next=/orders?view=clients")
        expect(page.locator('[data-queue="clients"]')).to_contain_text("My customers")
        expect(page.locator("tr", has_text=number)).to_be_visible()
        browser.close()
