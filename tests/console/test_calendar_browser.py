"""The calendar page: an admin is told next year's holidays are unknown, pastes the State
Council's notice, reads it, records it; a supervisor reads the year in English."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from chromium import CHROMIUM, requires_chromium, sign_in

from factories import NOTICE_2027
from kefu.console import policies
from kefu.demo.reference import DEMO_PASSWORD
from kefu.workorders import calendar_years

pytestmark = requires_chromium


@pytest.fixture(autouse=True)
def _early_december_2026(monkeypatch: pytest.MonkeyPatch) -> None:
    """The center's today is 8 December 2026, and 2027 is not in the package, whatever the
    machine's date and the installed release of chinesecalendar."""
    monkeypatch.setattr(policies, "local_today", lambda zone: date(2026, 12, 8))
    known = calendar_years.officially_known
    monkeypatch.setattr(calendar_years, "officially_known", lambda y: y < 2027 and known(y))


def test_an_admin_records_the_state_councils_notice(
    live_center: tuple[str, str], tmp_path: Path
) -> None:
    from playwright.sync_api import expect, sync_playwright

    base, _ = live_center
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
        sign_in(page, base, "admin", DEMO_PASSWORD, "/orders")
        gap = page.locator("#calendar-gap")
        expect(gap).to_contain_text("kefu 尚未收录2027年节假日安排")
        gap.locator("a").click()
        page.wait_for_url("**/orders/calendar?year=2027")
        expect(page.locator("#year-state")).to_have_attribute("data-announced", "false")
        expect(page.locator("#year-state")).to_contain_text("尚未收录")

        # A range that does not add up to the days it states is refused, by name.
        form = page.locator("#notice-form")
        form.locator("textarea").fill(NOTICE_2027.replace("共8天", "共9天"))
        form.locator('button[type="submit"]').click()
        expect(page.locator("#notice-error")).to_contain_text("春节：2027-02-05至2027-02-12共8天")
        expect(page.locator("#notice-preview")).to_be_hidden()

        form.locator("textarea").fill(NOTICE_2027)
        form.locator('button[type="submit"]').click()
        preview = page.locator("#notice-preview")
        expect(preview.locator("tbody tr")).to_have_count(7)
        expect(preview.locator("tbody tr").nth(1)).to_contain_text("2027-02-05 – 2027-02-12")
        expect(preview.locator('[data-role="worked"]')).to_contain_text("2027-02-20")
        expect(preview.locator('[data-role="changes"]')).to_contain_text("新增34天")
        page.screenshot(path=str(tmp_path / "calendar-notice-zh.png"), full_page=True)
        preview.locator('[data-action="record-notice"]').click()

        expect(page.locator("#year-state")).to_have_attribute("data-announced", "true")
        expect(page.locator('td[data-day="2027-02-08"]')).to_have_class("off holiday center")
        expect(page.locator('td[data-day="2027-02-20"]')).to_have_class("work swapped center")
        expect(page.locator("#holiday-list tbody tr")).to_have_count(7)
        expect(page.locator("#calendar-gap")).to_have_count(0)
        page.screenshot(path=str(tmp_path / "calendar-2027-zh.png"), full_page=True)

        # A day the notice recorded is forgotten: Saturday 20 February is off again.
        page.locator('#recorded-days tr[data-day="2027-02-20"] [data-action="forget-day"]').click()
        expect(page.locator('#recorded-days tr[data-day="2027-02-20"]')).to_have_count(0)
        expect(page.locator('td[data-day="2027-02-20"]')).to_have_class("off")
        page.goto(f"{base}/orders")
        expect(page.locator("#orders-table, .page-head h1").first).to_be_visible()
        expect(page.locator("#calendar-gap")).to_have_count(0)

        # A supervisor reads the year in English, without the forms.
        other = browser.new_page(viewport={"width": 1366, "height": 900}, locale="en-US")
        sign_in(other, base, "supervisor", DEMO_PASSWORD, "/orders")
        other.goto(f"{base}/lang/en?next=/orders/calendar?year=2027")
        expect(other.locator("h1")).to_have_text("Holidays and workdays")
        expect(other.locator("#holiday-list tbody tr").nth(1)).to_contain_text("Spring Festival")
        expect(other.locator("#year-state")).to_contain_text("Recorded by the center")
        expect(other.locator("#notice-form")).to_have_count(0)
        expect(other.locator("[data-action=forget-day]")).to_have_count(0)
        other.goto(f"{base}/orders/calendar?year=2026")
        expect(other.locator("#year-state")).to_contain_text("Official")
        other.screenshot(path=str(tmp_path / "calendar-2026-en.png"), full_page=True)
        browser.close()
