"""Knowledge, incidents and customer confirmation in headless Chromium: answering from the
library, a supervisor resolving the demo incident, and a service change confirmed on a
recorded call before it is carried out."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from chromium import CHROMIUM, api_client, open_order, requires_chromium
from test_orders_browser import _new_complaint, _sign_in

from kefu.core.clock import local_today

pytestmark = requires_chromium
CJK = re.compile(r"[\u4e00-\u9fff]")


def _write_article(page, base: str, title: str, body: str, **fields: str) -> None:  # type: ignore[no-untyped-def]
    """Write an article on the library's form (other inputs by name), and see it saved."""
    page.goto(f"{base}/knowledge/new")
    form = page.locator("#article-form")
    form.locator("input[name=title]").fill(title)
    form.locator("textarea[name=body]").fill(body)
    for name, value in fields.items():
        form.locator(f"input[name={name}]").fill(value)
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r".*/knowledge/\d+$"))


def test_an_agent_answers_from_the_knowledge_base(
    live_center: tuple[str, str], tmp_path: Path
) -> None:
    from playwright.sync_api import expect, sync_playwright

    base, number = live_center
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
        _sign_in(page, base, "supervisor")
        _write_article(
            page, base, "不明扣费退费答复口径", "您好，工单 {order_number} 的扣费已核实退还。"
        )
        expect(page.locator("h1")).to_contain_text("不明扣费退费答复口径")

        page.goto(f"{base}/knowledge?q=我被乱扣费了怎么退")
        first = page.locator(".kb-results li").first
        expect(first).to_contain_text("扣费")
        expect(first.locator("mark", has_text="扣费").first).to_be_visible()  # the word found
        page.screenshot(path=str(tmp_path / "knowledge-zh.png"), full_page=True)

        order_number = _new_complaint(page, base, number, "不明扣费")
        page.locator('form[data-order-action="dispatch"] select[name=team_id]').select_option(
            index=1
        )
        page.locator('form[data-order-action="dispatch"] button[type=submit]').click()
        expect(page.locator(".order-hero .status")).to_have_text("已派单")
        pick = page.locator(".kb-search")
        pick.fill("退费答复口径")
        suggestion = page.locator(".kb-suggestions li", has_text="不明扣费退费答复口径")
        expect(suggestion.locator("mark").first).to_be_visible()
        suggestion.click()
        reply = page.locator('form[data-order-action="reply"] textarea')
        expect(reply).to_have_value(f"您好，工单 {order_number} 的扣费已核实退还。")
        browser.close()


def test_a_supervisor_confirms_and_resolves_the_incident(
    live_center: tuple[str, str], tmp_path: Path
) -> None:
    from playwright.sync_api import expect, sync_playwright

    base, _ = live_center
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
        _sign_in(page, base, "supervisor")
        # In English the problem is named in English (it showed the stored Chinese title).
        page.goto(f"{base}/lang/en?next=/incidents")
        first = page.locator("tbody tr").first
        expect(first.locator("td").nth(2)).not_to_have_text(CJK)
        first.locator("a").click()
        expect(page.locator("#incident .subject-line")).not_to_have_text(CJK)
        page.goto(f"{base}/lang/zh-CN?next=/customers")
        page.click('nav a[data-nav="incidents"]')
        row = page.locator("tbody tr", has_text="待确认").first
        row.locator("a").click()
        page.wait_for_url(re.compile(r".*/incidents/\d+$"))
        status = page.locator("#incident .status")
        expect(status).to_have_text("待确认")
        confirm = page.locator('form[data-incident-action="confirm"]')
        confirm.locator("input[name=note]").fill("基站故障")
        confirm.locator("button[type=submit]").click()
        expect(status).to_have_text("已确认")
        # Every caller still waiting is told how it stands, in one text each.
        told = page.locator("#incident-progress")
        told.locator("textarea").fill("基站正在抢修，预计今天18:00前恢复。")
        told.locator("button[type=submit]").click()
        expect(told.locator(".told-callers")).to_contain_text("已短信告知")
        expect(told.locator("textarea")).to_have_value("")
        expect(status).to_have_text("已确认")
        # Another caller joins after the text: the page offers to send it to them alone.
        incident_id = int(page.url.rsplit("/", 1)[1])
        supervisor = api_client(base, "supervisor")
        first = supervisor.get(f"/api/v1/incidents/{incident_id}").json()["order_list"][0]
        code = supervisor.get(f"/api/v1/work-orders/{first['id']}").json()["category"]["code"]
        joined = open_order(api_client(base, "agent"), "complaint", "也没有信号", code=code)
        assert joined["incident_id"] == incident_id
        page.reload()
        expect(page.locator("#incident-news")).to_contain_text("基站正在抢修")
        late = page.locator("#incident-late")
        expect(late).to_contain_text("有 1 位待处理的来电客户在上次通报后加入")
        late.locator("button[type=submit]").click()
        expect(late.locator(".told-callers")).to_contain_text("已短信告知 1 位来电客户")
        expect(late.locator("button[type=submit]")).to_be_hidden()
        resolve = page.locator('form[data-incident-action="resolve"]')
        resolve.locator("textarea").fill("基站已修复，信号已恢复。")
        resolve.locator("button[type=submit]").click()
        expect(status).to_have_text("已解决")
        expect(page.locator("tbody .status").first).to_have_text("已归档")
        assert (
            page.locator("tbody .status", has_text="已归档").count()
            == page.locator("tbody tr").count()
        )
        page.screenshot(path=str(tmp_path / "incident-resolved-zh.png"), full_page=True)
        browser.close()


def test_a_service_change_waits_for_the_customers_confirmation(
    live_center: tuple[str, str], tmp_path: Path
) -> None:
    from playwright.sync_api import expect, sync_playwright

    base, number = live_center
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="en")
        _sign_in(page, base, "agent")
        page.goto(f"{base}/lang/en?next=/customers/lookup?phone={number}")
        page.click('[data-action="new-order"]')
        page.select_option("#order-form select[name=type]", "service_request")
        page.fill("#category-search", "restoration")
        page.locator("#category-list li:not([hidden])").first.click()
        page.fill("#order-form input[name=subject]", "Restore the number after payment")
        page.click("#order-form button[type=submit]")
        page.wait_for_url(re.compile(r".*/orders/\d+$"))
        page.locator('[data-simple-action="accept"]').click()
        status = page.locator(".order-hero .status")
        expect(status).to_have_text("Accepted")

        reply = page.locator('form[data-order-action="reply"]')
        reply.locator("textarea").fill("The number is restored.")
        reply.locator("button[type=submit]").click()
        expect(page.locator("#action-error")).to_contain_text("not confirmed")

        consent = page.locator("#consent")
        consent.locator("input[name=call_reference]").fill("REC-20261123-0001")
        consent.locator('[data-consent="verbal"]').click()
        expect(page.locator(".consent-ok")).to_contain_text("REC-20261123-0001")
        reply = page.locator('form[data-order-action="reply"]')
        reply.locator("textarea").fill("The number is restored.")
        reply.locator("button[type=submit]").click()
        expect(status).to_have_text("Replied")
        page.screenshot(path=str(tmp_path / "consent-en.png"), full_page=True)
        browser.close()


def test_a_promotion_past_its_last_day_leaves_the_search(live_center: tuple[str, str]) -> None:
    """A supervisor writes a promotion whose last day was yesterday: its page says not to
    quote it; a search no longer finds it until 含已过期 is ticked, and then marks it."""
    from playwright.sync_api import expect, sync_playwright

    base, _ = live_center
    yesterday = (local_today() - timedelta(days=1)).isoformat()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
        _sign_in(page, base, "supervisor")
        rules = "活动期间订购畅聊包半价，每号限一次。"
        _write_article(page, base, "元旦畅聊包半价活动", rules, valid_until=yesterday)
        expect(page.locator(".kb-expired-note")).to_contain_text(f"有效期至 {yesterday}")
        expect(page.locator("h1 .kb-expired")).to_have_text("已过期")

        page.goto(f"{base}/knowledge?q=畅聊包半价")
        expect(page.locator(".kb-results li", has_text="元旦畅聊包半价活动")).to_have_count(0)
        page.locator(".kb-search-form input[name=include_expired]").check()
        page.locator(".kb-search-form button[type=submit]").click()
        found = page.locator(".kb-results li", has_text="元旦畅聊包半价活动")
        expect(found.locator(".kb-expired")).to_have_text(f"已过期（有效期至 {yesterday}）")
        browser.close()
