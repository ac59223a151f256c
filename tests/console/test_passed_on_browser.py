"""A regulator's appeal (工信部申诉) keyed in by the back office, in headless Chromium: who
passed it on, their reference and their date are asked for once the origin is chosen;
the intake outlook shows it handled as key; without the reference it is refused at the
field; the order page and its queue (越级与交办) say who passed it on, and it cannot be
triaged below key; an order already open is marked passed on from its page."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from chromium import CHROMIUM, api_client, requires_chromium, sign_in

from kefu.core.clock import local_today
from kefu.demo.reference import DEMO_PASSWORD

pytestmark = requires_chromium
REFERENCE = "12300-2026-0088123"


def test_the_back_office_keys_in_a_regulators_appeal(
    live_center: tuple[str, str], tmp_path: Path
) -> None:
    from playwright.sync_api import expect, sync_playwright

    base, number = live_center
    due_on = local_today() + timedelta(days=3)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
        sign_in(page, base, "supervisor", DEMO_PASSWORD, "/orders/new")
        form = page.locator("#order-form")
        fields = page.locator("#passed-on")
        expect(fields).to_be_hidden()  # the customer's own order asks for none of it
        form.locator("input[name=contact_phone]").fill("139 1234 5678")
        page.fill("#category-search", "不明扣费")
        page.locator("#category-list li:not([hidden])").first.click()
        outlook = form.locator(".intake-outlook .outlook-limits")
        expect(outlook).to_contain_text("优先级 1")
        form.locator("select[name=origin]").select_option("regulator")
        expect(fields).to_be_visible()
        expect(outlook).to_contain_text("优先级 2")  # handled as key, before it exists
        form.locator("input[name=subject]").fill("用户向工信部申诉：连续三个月不明扣费未退还")
        form.locator("input[name=origin_due_on]").fill(due_on.isoformat())
        form.locator("button[type=submit]").click()
        error = page.locator("#order-error")
        expect(error).to_contain_text("申诉编号")
        expect(form.locator("input[name=origin_ref]")).to_be_focused()
        form.locator("input[name=origin_ref]").fill(REFERENCE)
        form.locator("button[type=submit]").click()
        page.wait_for_url(re.compile(r".*/orders/\d+$"))
        order_number = page.locator("h1.mono").inner_text().split()[0]
        expect(page.locator("#passed-on")).to_have_text("工信部申诉")
        facts = page.locator("#passed-on-facts")
        expect(facts).to_contain_text(REFERENCE)
        expect(facts).to_contain_text(f"要求答复日期 {due_on.isoformat()}")
        expect(page.locator("h1 .chip.triage-key")).to_have_text("重点")
        triage = page.locator("select[name=triage]")
        expect(triage.locator("option[value=normal]")).to_be_disabled()
        expect(triage.locator("option[value=urgent]")).to_be_enabled()
        page.screenshot(path=str(tmp_path / "appeal.png"))

        page.goto(f"{base}/orders?view=passed_on")
        row = page.locator("tr", has_text=order_number)
        expect(row.locator(".chip.passed-on")).to_have_text("工信部申诉")
        page.goto(f"{base}/orders?view=repeat")
        expect(page.locator("#appeal-rate .label")).to_have_text("本月越级投诉率")

        # The customer who went to the consumer association: the 360 page says so first.
        api = api_client(base, "supervisor")
        customer = api.get("/api/v1/customers/lookup", params={"phone": number}).json()
        assert customer["flags"]["appealed_outside"] is False
        body = {
            "type": "complaint",
            "category_id": customer_category(api),
            "customer_id": customer["profile"]["id"],
            "subject": "消协转来：宽带迁移拖延",
            "origin": "consumer_body",
            "origin_ref": "12315-2026120600123",
        }
        assert api.post("/api/v1/work-orders", json=body).status_code == 201
        page.goto(f"{base}/customers/lookup?phone={number}")
        expect(page.locator("#appealed-outside")).to_have_text("曾越级投诉")
        expect(page.locator(".work-items .chip.passed-on")).to_have_text("消协转办")

        # An order already open, which the customer then took to the ministry: marked so.
        plain = body | {"subject": "话费多扣", "origin": "customer", "origin_ref": ""}
        opened = api.post("/api/v1/work-orders", json=plain).json()
        page.goto(f"{base}/orders/{opened['id']}")
        marking = page.locator("#passed-on-form")
        marking.locator("summary").click()
        marking.locator("select[name=origin]").select_option("regulator")
        marking.locator("input[name=origin_ref]").fill("12300-2026-0077001")
        marking.locator("input[name=reason]").fill("工信部申诉转来，指向本工单")
        marking.locator("button[type=submit]").click()
        expect(page.locator("#passed-on")).to_have_text("工信部申诉")
        expect(page.locator(".timeline li.event-origin")).to_contain_text("12300-2026-0077001")
        expect(page.locator("h1 .chip.triage-key")).to_have_text("重点")
        browser.close()


def customer_category(api) -> int:  # type: ignore[no-untyped-def]
    """A leaf category's id (the first of the shipped tree)."""
    node = api.get("/api/v1/order-categories").json()[0]
    while node["children"]:
        node = node["children"][0]
    return int(node["id"])
