"""The queue's export in headless Chromium: a supervisor gives a reason and saves the
month's orders as Excel; a period that ends before it starts is refused at its field."""

from __future__ import annotations

import io
from pathlib import Path

from chromium import CHROMIUM, requires_chromium, sign_in
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
        browser.close()
