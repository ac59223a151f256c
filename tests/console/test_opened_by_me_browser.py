"""First-contact responsibility (首问负责) in headless Chromium: the agent opens a complaint,
a supervisor sends it to a back-office team, and the agent finds it under 我受理的 with
the team holding it; its page names the agent as who opened it. In English too."""

from __future__ import annotations

from chromium import CHROMIUM, api_client, open_order, requires_chromium, sign_in

from kefu.demo.reference import DEMO_PASSWORD

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
