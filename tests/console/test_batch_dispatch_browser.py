"""A supervisor's batch dispatch in headless Chromium: two orders picked in the queue and
sent to a team in one go; one changed by someone else since the page was read is refused,
named with why, and the other is sent."""

from __future__ import annotations

import random
import re
from pathlib import Path

from chromium import CHROMIUM, api_client, requires_chromium, sign_in

from kefu.demo.reference import DEMO_PASSWORD

pytestmark = requires_chromium


def _urgent_complaint(api, category_id: int) -> dict:  # type: ignore[no-untyped-def]
    body = {
        "type": "complaint",
        "category_id": category_id,
        "contact_phone": f"139{random.randint(0, 99_999_999):08d}",
        "subject": "整栋楼无信号",
        "triage": "urgent",
        "triage_reason": "影响整栋楼",
    }
    made = api.post("/api/v1/work-orders", json=body)
    assert made.status_code == 201, made.text
    order: dict = made.json()
    return order


def test_a_supervisor_dispatches_picked_orders_in_one_go(
    live_center: tuple[str, str], tmp_path: Path
) -> None:
    from playwright.sync_api import expect, sync_playwright

    base, _ = live_center
    supervisor = api_client(base, "supervisor")
    nodes = [*supervisor.get("/api/v1/order-categories").json()]
    while nodes[0]["code"] != "network.coverage.indoor":
        nodes = [*nodes[1:], *nodes[0]["children"]]
    first, second = (_urgent_complaint(supervisor, nodes[0]["id"]) for _ in range(2))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
        sign_in(page, base, "supervisor", DEMO_PASSWORD, "/orders")
        page.click('[data-queue="dispatch"]')  # the orders waiting to be sent
        page.wait_for_url(f"{base}/orders?view=dispatch*")
        bar = page.locator("#batch-dispatch")
        expect(bar.locator(".batch-count")).to_have_text("已选 0 张")
        expect(bar.locator("button[type=submit]")).to_be_disabled()
        rows = [page.locator("tr", has_text=order["number"]) for order in (first, second)]
        for row in rows:
            row.locator("input[name=pick]").check()
        expect(page).to_have_url(re.compile(r".*/orders\?view=dispatch"))  # picking opens none
        expect(bar.locator(".batch-count")).to_have_text("已选 2 张")
        bar.locator("select[name=team_id]").select_option(index=1)
        team_id = int(bar.locator("select[name=team_id]").input_value())

        # Someone accepts the second order after the page was read: it is not sent.
        accepted = supervisor.post(
            f"/api/v1/work-orders/{second['id']}/accept",
            json={},
            headers={"If-Match": f'"{second["version"]}"'},
        )
        assert accepted.status_code == 200, accepted.text
        bar.locator("input[name=reason]").fill("早班批量派单")
        bar.locator("button[type=submit]").click()
        result = bar.locator(".batch-result")
        expect(result).to_contain_text("已派 1 张，1 张未派。")
        expect(result.locator("li")).to_contain_text(second["number"])
        expect(result.locator("li")).to_contain_text("记录已被他人修改")
        expect(rows[0].locator(".status")).to_have_text("已派单")
        expect(rows[0].locator("input[name=pick]")).to_be_disabled()
        expect(rows[1].locator("input[name=pick]")).to_be_checked()  # still picked, to retry
        page.screenshot(path=str(tmp_path / "batch-dispatch-zh.png"), full_page=True)
        browser.close()

    sent = supervisor.get(f"/api/v1/work-orders/{first['id']}").json()
    assert (sent["status"], sent["team"]["id"]) == ("dispatched", team_id)
    assert sent["events"][-1]["reason"] == "早班批量派单"
    kept = supervisor.get(f"/api/v1/work-orders/{second['id']}").json()
    assert (kept["status"], kept["team"]) == ("accepted", None)
