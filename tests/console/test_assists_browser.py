"""Another team's part (协办) in headless Chromium: back office asks the province's network
centre from the order's page and keeps the order; the centre's engineer finds it under 协办,
its count as the API counts the team's asks, and answers on the order's page; the holder
reads the answer, in English too. The holder's queue rows say the order waits for the
centre; the branch's team lead follows the branch's orders' asks, each row naming its team."""

from __future__ import annotations

from chromium import CHROMIUM, api_client, open_order, requires_chromium, sign_in

from kefu.demo.reference import DEMO_PASSWORD

pytestmark = requires_chromium

QUESTION = "客户家中室内无信号，请核查小区基站（GZ-1024）近期告警"
ANSWER = "已核查：GZ-1024 传输闪断，已修复，请回访客户确认"


def test_back_office_asks_the_network_centre_which_answers(live_center: tuple[str, str]) -> None:
    from playwright.sync_api import expect, sync_playwright

    base, _ = live_center
    order = open_order(
        api_client(base, "agent"), "complaint", "家里没信号", "network.coverage.indoor"
    )
    centre = api_client(base, "noc")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
        sign_in(page, base, "backoffice", DEMO_PASSWORD, f"/orders/{order['id']}")
        card = page.locator("#assists")
        card.locator("summary", has_text="请其他班组协办").click()
        card.locator("select[name=team_id]").select_option(label="网络优化中心")
        card.locator("select[name=due_hours]").select_option("4")
        card.locator("textarea[name=question]").fill(QUESTION)
        card.locator("button", has_text="发送协办请求").click()
        asked = page.locator("#assists [data-assist]")
        expect(asked.locator(".assist-status")).to_have_text("待答复")
        expect(asked.locator(".assist-team")).to_have_text("网络优化中心")
        expect(asked.locator(".assist-question")).to_have_text(QUESTION)
        expect(page.locator(".timeline li", has_text="请求协办").first).to_contain_text(
            "网络优化中心"
        )
        # the centre is asked already: the picker no longer offers it (it would be a 409)
        offered = card.locator("select[name=team_id] option")
        expect(offered.first).to_be_attached()
        expect(offered.filter(has_text="网络优化中心")).to_have_count(0)
        # the holder's rows say what the order waits for, whichever queue lists it
        page.goto(f"{base}/orders?view=all")
        waits = page.locator("tr", has_text=order["number"]).locator(".assist-due")
        expect(waits).to_contain_text("网络优化中心 · 协办")
        expect(waits).to_have_attribute("title", "等待该班组协办")
        # the branch's team lead follows the asks of the branch's orders, the province's
        # centre's too, each row naming the team asked
        page.context.clear_cookies()
        sign_in(page, base, "lead", DEMO_PASSWORD, "/orders")
        watched = api_client(base, "lead").get("/api/v1/assists?in_scope=true").json()
        assert order["number"] in [a["order_number"] for a in watched["items"]]
        tab = page.locator('[data-queue="assists"]')
        expect(tab.locator(".count")).to_have_text(str(len(watched["items"])))
        tab.click()
        page.wait_for_url(f"{base}/orders?view=assists*")
        chip = page.locator("tr", has_text=order["number"]).locator(".assist-due")
        expect(chip).to_contain_text("网络优化中心 · 协办")
        # the centre's engineer: the tab counts the team's asks, the new one among them
        page.context.clear_cookies()
        sign_in(page, base, "noc", DEMO_PASSWORD, "/orders")
        tab = page.locator('[data-queue="assists"]')
        waiting = centre.get("/api/v1/assists").json()["items"]
        assert order["number"] in [a["order_number"] for a in waiting]
        expect(tab.locator(".count")).to_have_text(str(len(waiting)))
        tab.click()
        page.wait_for_url(f"{base}/orders?view=assists*")
        row = page.locator("tr", has_text=order["number"])
        expect(row.locator(".assist-due")).to_contain_text("前答复")
        # in English the centre's queue tabs still fit 1,366 px (one more tab)
        page.goto(f"{base}/lang/en?next=/orders?view=assists")
        expect(tab).to_contain_text("Help asked")
        assert page.locator(".tabs").evaluate("t => t.scrollWidth <= t.clientWidth")
        page.goto(f"{base}/lang/zh-CN?next=/orders?view=assists")
        row.locator("a", has_text=order["number"]).click()
        page.wait_for_url(f"{base}/orders/{order['id']}")
        mine = page.locator("#assists [data-assist] .assist-answer-form")
        expect(page.locator("#assists summary", has_text="撤回")).to_have_count(0)
        mine.locator("textarea").fill(ANSWER)
        mine.locator("button").click()
        expect(page.locator("#assists .assist-status")).to_have_text("已答复")
        expect(page.locator("#assists .assist-answer")).to_have_text(ANSWER)
        # the holder reads it, in English
        page.context.clear_cookies()
        sign_in(page, base, "backoffice", DEMO_PASSWORD, "/orders")
        page.goto(f"{base}/lang/en?next=/orders/{order['id']}")
        expect(page.locator("#assists h2")).to_have_text("Help from other teams")
        expect(page.locator("#assists .assist-status")).to_have_text("Answered")
        expect(page.locator("#assists .assist-team")).to_have_text("Network optimisation centre")
        expect(page.locator(".timeline li", has_text="Help given")).to_contain_text(ANSWER)
        browser.close()
