"""The main console flow in headless Chromium, against a live server on each database."""

from __future__ import annotations

import re
from pathlib import Path

from chromium import CHROMIUM, requires_chromium

from kefu.demo.reference import DEMO_PASSWORD

pytestmark = requires_chromium


def _odd_format(e164: str) -> str:
    digits = e164.removeprefix("+86")
    return f"(+86) {digits[:3]}-{digits[3:7]} {digits[7:]}"


def test_agent_looks_up_a_caller_unmasks_and_switches_language(
    live_center: tuple[str, str], tmp_path: Path
) -> None:
    from playwright.sync_api import expect, sync_playwright

    base, number = live_center
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
        page.goto(f"{base}/")
        page.fill("input[name=username]", "agent")
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.click("#login-form button[type=submit]")
        page.wait_for_url("**/customers")

        page.fill("input[name=phone]", _odd_format(number))
        page.press("input[name=phone]", "Enter")
        page.wait_for_url("**/customers/*")
        name = page.locator('[data-unmask-target="name"]')
        expect(name).to_contain_text("**")
        expect(page.locator("h2", has_text="号码与套餐")).to_be_visible()
        expect(page.locator('[data-unmask-target="phone-0"]')).to_contain_text("****")
        # which document the customer holds shows while its number is masked, and after
        document = page.locator("dl.facts dd", has=page.locator('[data-unmask-target="id_number"]'))
        expect(document.locator(".chip")).to_have_text("居民身份证")
        expect(document.locator('[data-unmask-target="id_number"]')).to_contain_text("****")

        page.click('[data-action="open-unmask"]')
        page.fill("#unmask-form textarea[name=reason]", "来电人身份已核实，核对地址")
        page.click("#unmask-form button[type=submit]")
        expect(name).not_to_contain_text("**")
        expect(document.locator('[data-unmask-target="id_number"]')).not_to_contain_text("*")
        expect(document.locator(".chip")).to_have_text("居民身份证")
        expect(page.locator('[data-unmask-target="phone-0"]')).to_have_text(
            number.removeprefix("+86")
        )
        page.screenshot(path=str(tmp_path / "customer-360-zh.png"), full_page=True)

        page.click('[data-lang="en"]')
        expect(page.locator("h2", has_text="Numbers and packages")).to_be_visible()
        expect(page.locator(".sidebar nav")).to_contain_text("Customers")
        expect(document.locator(".chip")).to_have_text("Resident ID card")
        page.screenshot(path=str(tmp_path / "customer-360-en.png"), full_page=True)
        browser.close()


def test_admin_adds_a_staff_member_then_changes_their_role(
    live_center: tuple[str, str], tmp_path: Path
) -> None:
    from playwright.sync_api import expect, sync_playwright

    base, _ = live_center
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
        page.goto(f"{base}/")
        page.fill("input[name=username]", "admin")
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.click("#login-form button[type=submit]")
        page.wait_for_url("**/customers")

        page.click('.sidebar nav a[href="/staff"]')
        page.wait_for_url("**/staff")
        page.click('a[href="/staff/new"]')
        page.fill("#staff-form input[name=username]", "chen.jing")
        page.fill("#staff-form input[name=display_name]", "陈静")
        page.select_option("#staff-form select[name=role]", "agent")
        page.fill("#staff-form input[name=skills]", "billing:3, broadband:2")
        page.fill("#staff-form input[name=password]", "Kefu-new-2026")
        page.click("#staff-form button[type=submit]")
        page.wait_for_url(re.compile(r".*/staff/\d+$"))
        expect(page.locator("h1")).to_have_text("陈静")
        expect(page.locator("#staff-form input[name=skills]")).to_have_value(
            "billing:3, broadband:2"
        )

        page.select_option("#staff-form select[name=role]", "team_lead")
        page.click("#staff-form button[type=submit]")
        expect(page.locator("#toast")).to_be_visible()
        page.screenshot(path=str(tmp_path / "staff-form-zh.png"), full_page=True)

        page.goto(f"{base}/staff?q=chen.jing")
        row = page.locator("tbody tr", has_text="chen.jing")
        expect(row).to_have_count(1)
        page.reload()  # what the list shows comes from the database, not the form
        page.click("tbody tr >> text=陈静")
        expect(page.locator("#staff-form select[name=role]")).to_have_value("team_lead")
        browser.close()
