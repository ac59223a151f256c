"""The queue's export in headless Chromium: a supervisor gives a reason and saves the
month's orders as Excel; a period that ends before it starts is refused at its field; from
the 督办 tab the export keeps the supervised orders only."""

from __future__ import annotations

import io
from pathlib import Path

from chromium import CHROMIUM, api_client, open_order, requires_chromium, sign_in
from openpyxl import load_workbook

from kefu.demo.reference import DEMO_PASSWORD

pytestmark = requires_chromium


def test_a_supervisor_exports_the_months_orders(
    live_center: tuple[str, str], tmp_path: Path
) -> None:
    from playwright.sync_api import expect, sync_playwright

    base, _ = live_center
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
        sign_in(page, base, "supervisor", DEMO_PASSWORD, "/orders")
        page.click('[data-action="open-export"]')
        dialog = page.locator("#export-dialog")
        expect(dialog).to_be_visible()
        # A period that ends before it starts: refused, the field marked, nothing saved.
        start = dialog.locator('[name="created_from"]').input_value()
        dialog.locator('[name="created_from"]').fill("2099-01-01")
        dialog.locator('[name="reason"]').fill("月度投诉处理通报")
        dialog.locator('button[type="submit"]').click()
        expect(dialog.locator("#export-error")).to_be_visible()
        expect(dialog.locator('[name="created_to"]')).to_have_attribute("aria-invalid", "true")
        page.screenshot(path=str(tmp_path / "export-refused-zh.png"), full_page=True)

        dialog.locator('[name="created_from"]').fill(start)
        with page.expect_download() as saving:
            dialog.locator('button[type="submit"]').click()
        saved = saving.value
        assert saved.suggested_filename.startswith("work-orders-")
        assert saved.suggested_filename.endswith(".xlsx")
        expect(dialog).to_be_hidden()
        sheet = load_workbook(io.BytesIO(Path(saved.path()).read_bytes())).active
        header, *rows = list(sheet.iter_rows(values_only=True))
        assert header[0] == "工单号" and rows, "the month's orders"
        assert all(str(row[0]).startswith("WO") for row in rows)

        # From the 督办 tab the dialog keeps the supervised orders only.
        pressed = open_order(api_client(base, "agent"), "complaint", "宽带反复断线，要求督办")
        boss = api_client(base, "supervisor")
        note = {"note": "客户第三次来电，请今天内回复"}
        assert boss.post(f"/api/v1/work-orders/{pressed['id']}/supervise", json=note).is_success
        page.goto(f"{base}/orders?view=supervised")
        page.click('[data-action="open-export"]')
        expect(dialog.locator('[name="supervised_only"]')).to_be_checked()
        dialog.locator('[name="reason"]').fill("督办工单周报")
        with page.expect_download() as saving:
            dialog.locator('button[type="submit"]').click()
        sheet = load_workbook(io.BytesIO(Path(saving.value.path()).read_bytes())).active
        header, *rows = list(sheet.iter_rows(values_only=True))
        pressed_times = header.index("督办次数")
        assert pressed["number"] in [row[0] for row in rows]
        assert all(int(row[pressed_times]) >= 1 for row in rows), "supervised ones only"
        browser.close()
