"""An engineer's visit booked on a broadband fault (上门处理), in headless Chromium: a
window that ends before it starts is refused at its field; the visit is booked and
texted, moved to the afternoon (改约), and made; the card and the timeline say so; booked
again, the order is in the 上门预约 queue with its window."""

from __future__ import annotations

import random
from datetime import timedelta
from pathlib import Path

from chromium import CHROMIUM, api_client, requires_chromium, sign_in

from kefu.core.clock import local_today
from kefu.demo.reference import DEMO_PASSWORD

pytestmark = requires_chromium


def _broadband_fault(api) -> dict:  # type: ignore[no-untyped-def]
    nodes = [*api.get("/api/v1/order-categories").json()]
    while nodes[0]["children"]:
        nodes = [*nodes[0]["children"], *nodes[1:]]
    body = {
        "type": "fault",
        "category_id": nodes[0]["id"],
        "contact_phone": f"139{random.randint(0, 99_999_999):08d}",
        "subject": "家里宽带断网，光猫红灯",
    }
    made = api.post("/api/v1/work-orders", json=body)
    assert made.status_code == 201, made.text
    order: dict = made.json()
    return order


def _fill(form, day: str, window: tuple[str, str], engineer: str) -> None:  # type: ignore[no-untyped-def]
    """The booking form's day, window, the customer's address and the engineer."""
    form.locator("input[name=visit_on]").fill(day)
    form.locator("input[name=from_time]").fill(window[0])
    form.locator("input[name=to_time]").fill(window[1])
    form.locator("input[name=address]").fill("广州市天河区体育西路 101 号 1203 室")
    form.locator("input[name=engineer]").fill(engineer)


def test_a_visit_is_booked_moved_and_made(live_center: tuple[str, str], tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    base, _ = live_center
    order = _broadband_fault(api_client(base, "supervisor"))
    day = (local_today() + timedelta(days=1)).isoformat()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
        sign_in(page, base, "supervisor", DEMO_PASSWORD, f"/orders/{order['id']}")
        card = page.locator("#appointments")
        form = card.locator("#visit-form")
        expect(form).to_be_visible()  # no visit yet: the booking form is open
        _fill(form, day, ("12:00", "09:00"), "张工")
        form.locator("input[name=engineer_phone]").fill("139 0000 1234")
        expect(form.locator("input[name=text_customer]")).to_be_checked()  # a mobile
        form.locator("button[type=submit]").click()
        expect(page.locator("#appointment-error")).to_contain_text("结束时间须晚于开始时间")
        expect(form.locator("input[name=to_time]")).to_have_attribute("aria-invalid", "true")
        form.locator("input[name=from_time]").fill("09:00")
        form.locator("input[name=to_time]").fill("12:00")
        form.locator("button[type=submit]").click()
        booked = card.locator(".visit-scheduled")
        expect(booked).to_contain_text(f"{day} 09:00–12:00")
        expect(booked).to_contain_text("已短信告知客户")

        card.locator(".book-visit > summary").click()  # 改约: to the afternoon
        _fill(form, day, ("14:00", "18:00"), "李工")
        form.locator("input[name=text_customer]").uncheck()
        form.locator("button[type=submit]").click()
        expect(card.locator(".visit-scheduled")).to_contain_text("14:00–18:00")
        expect(card.locator(".visit-rescheduled")).to_contain_text("已改约")

        made = card.locator(".visit-scheduled form[data-visit=done]")
        made.locator("summary").click()
        made.locator("input[name=note]").fill("更换光猫，已恢复上网")
        made.locator("button[type=submit]").click()
        expect(card.locator(".visit-done")).to_contain_text("更换光猫，已恢复上网")
        timeline = page.locator(".timeline")
        expect(timeline.locator("li.event-appointment")).to_have_count(3)
        expect(timeline).to_contain_text("改约上门")
        page.screenshot(path=str(tmp_path / "visits.png"), full_page=True)

        # Booked again for tomorrow evening: the 上门预约 queue lists it with its window.
        card.locator(".book-visit > summary").click()
        _fill(form, day, ("18:00", "20:00"), "李工")
        form.locator("button[type=submit]").click()
        expect(card.locator(".visit-scheduled")).to_contain_text("18:00–20:00")
        page.goto(f"{base}/orders?view=on_site")
        row = page.locator("tbody tr", has_text=order["number"])
        expect(row.locator(".visit-window")).to_contain_text(f"{day[5:]} 18:00–20:00")
        browser.close()
