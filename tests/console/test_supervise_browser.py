"""Supervising an order (督办) in headless Chromium: the supervisor presses the holder of
a complaint from its page; the order shows it is supervised, at the top priority, with
the supervisor's words on its timeline; the supervisor's queue marks the row; in English
the order says so too, with the time asked; the 督办 tab lists it first; and the queue
of all orders, with every tab, fits a 1280 px laptop. An agent's page
of the same order offers no such form."""

from __future__ import annotations

from datetime import timedelta

import httpx
from chromium import CHROMIUM, api_client, open_order, requires_chromium, sign_in
from test_orders_browser import _spare_width

from kefu.core.clock import local_today
from kefu.demo.reference import DEMO_PASSWORD

pytestmark = requires_chromium

NOTE = "媒体已关注此事，请今天17:00前联系客户并回复处理结果"


def test_a_supervisor_presses_the_holder_from_the_orders_page(
    live_center: tuple[str, str],
) -> None:
    from playwright.sync_api import expect, sync_playwright

    base, subscriber = live_center
    tomorrow = (local_today("Asia/Shanghai") + timedelta(days=1)).isoformat()
    agent = api_client(base, "agent")
    order = open_order(agent, "complaint", "宽带三天修不好，要投诉到工信部", phone=subscriber)
    _every_tab_counting(agent, order)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
        sign_in(page, base, "agent", DEMO_PASSWORD, f"/orders/{order['id']}")
        expect(page.locator("#urge-form")).to_be_visible()
        expect(page.locator("#supervise-form")).to_have_count(0)
        page.context.clear_cookies()

        sign_in(page, base, "supervisor", DEMO_PASSWORD, f"/orders/{order['id']}")
        form = page.locator("#supervise-form")
        form.locator("input[name=note]").fill(NOTE)
        # typed on the center's clock, whatever the browser's own zone
        form.locator("input[name=answer_by]").fill(f"{tomorrow}T17:00")
        form.locator("button[type=submit]").click()
        wanted = f"{tomorrow[5:]} 17:00"
        expect(page.locator("#supervise-count")).to_have_text(f"督办 1 次 · {wanted} 前答复")
        step = page.locator(".timeline li", has_text="督办").first
        expect(step).to_contain_text(NOTE)
        expect(step).to_contain_text(f"要求于 {tomorrow} 17:00 前答复")
        # the 督办 tab: the orders owed an answer by a time first (this one, and the
        # demo's first), then those asked for none
        page.goto(f"{base}/orders?view=all")
        page.locator("nav.tabs a[data-queue=supervised]").click()
        # the month's supervisions, this one among them, not yet due
        expect(page.locator("#supervision-month")).to_contain_text("本月督办")
        row = page.locator("tbody tr", has_text=order["number"])
        expect(row.locator(".supervised")).to_have_text(f"督办 1 次 · {wanted} 前答复")
        owed = [" 前答复" in chip for chip in page.locator("tbody .supervised").all_inner_texts()]
        assert owed == sorted(owed, reverse=True) and owed[:2] == [True, True], owed
        page.goto(f"{base}/lang/en?next=/orders/{order['id']}")
        expect(page.locator("#supervise-count")).to_have_text(f"Supervised ×1 · answer by {wanted}")
        expect(page.locator(".timeline li", has_text="Supervised (督办)").first).to_be_visible()
        # On a 1280 px laptop the English queue of all orders, the supervised row at its
        # top, fits its card: the time left showed only after a sideways scroll before.
        page.set_viewport_size({"width": 1260, "height": 900})
        page.goto(f"{base}/orders?view=all")
        expect(page.locator("tbody tr").first).to_contain_text("Supervised ×1")
        assert _spare_width(page) >= 0, f"the queue is {-_spare_width(page)} px too wide"
        # every queue's tab in view, the 督办 one too, and the toggle at the end
        hidden = page.evaluate(
            "() => { const t = document.querySelector('nav.tabs');"
            " return t.scrollWidth - t.clientWidth; }"
        )
        assert hidden <= 0, f"the tabs run {hidden} px past the page"
        expect(page.locator("nav.tabs a[data-queue=supervised]")).to_contain_text("Supervised")
        browser.close()
    detail = api_client(base, "supervisor").get(f"/api/v1/work-orders/{order['id']}").json()
    assert (detail["supervise_count"], detail["priority"]) == (1, 4)


def _every_tab_counting(agent: httpx.Client, order: dict) -> None:
    """A refund to approve and an ask of the network centre on the order: the
    supervisor's tabs then show every count, as on a busy day."""
    money = {"kind": "compensation", "amount_fen": 3000, "reason": "宽带多日不通，按规赔付"}
    asked = agent.post(f"/api/v1/work-orders/{order['id']}/refunds", json=money)
    assert asked.status_code == 201, asked.text
    centre = next(t for t in agent.get("/api/v1/org/teams").json() if t["name"] == "网络优化中心")
    question = {"team_id": centre["id"], "question": "请核查该小区光缆是否中断"}
    helped = agent.post(f"/api/v1/work-orders/{order['id']}/assists", json=question)
    assert helped.status_code == 201, helped.text
