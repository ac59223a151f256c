"""An order's files in headless Chromium: an agent adds the customer's screenshot and
contract to the order, a page disguised as an image is refused and named, the screenshot
opens in a new tab, and the contract sent by mistake is withdrawn with the reason."""

from __future__ import annotations

from pathlib import Path

from chromium import CHROMIUM, api_client, open_order, requires_chromium, sign_in

from factories import png
from kefu.demo.reference import DEMO_PASSWORD

pytestmark = requires_chromium


def test_an_agent_keeps_the_customers_files_with_the_order(
    live_center: tuple[str, str], tmp_path: Path
) -> None:
    from playwright.sync_api import expect, sync_playwright

    base, _ = live_center
    agent = api_client(base, "agent")
    order = open_order(agent, "complaint", "不明扣费，客户有账单截图", "billing.dispute.unknown")
    names = ("账单截图.png", "合同.pdf", "bill.png")
    screenshot, contract, disguised = (tmp_path / name for name in names)
    screenshot.write_bytes(png(4, 4))
    contract.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n")
    disguised.write_text("<html><script>alert(1)</script></html>")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
        sign_in(page, base, "agent", DEMO_PASSWORD, f"/orders/{order['id']}")
        card = page.locator("#attachments")
        expect(card.locator(".empty")).to_have_text("暂无附件。")
        card.locator("input[name=note]").fill("客户微信发来的材料")
        with page.expect_event("load"):  # each file sent, then the page shows them
            card.locator("input[type=file]").set_input_files([screenshot, contract, disguised])
        files = card.locator(".attachment")
        expect(files).to_have_count(2)
        expect(files.nth(0).locator(".file-name")).to_have_text("账单截图.png")
        expect(files.nth(0)).to_contain_text("客户微信发来的材料")
        expect(card.locator("#attachment-error")).to_contain_text("bill.png: 不接受这种文件")
        expect(page.locator(".timeline")).to_contain_text("添加附件: 合同.pdf")

        with page.expect_popup() as opened:  # an image opens in a tab of its own
            files.nth(0).locator("a.file-name").click()
        image = opened.value
        image.wait_for_load_state()
        assert image.url.endswith("/content?inline=true")
        image.close()

        files.nth(1).locator("summary").click()
        files.nth(1).locator("input[name=reason]").fill("客户发错了合同")
        with page.expect_event("load"):
            files.nth(1).locator("button[type=submit]").click()
        expect(files.nth(1)).to_have_class("attachment withdrawn")
        expect(files.nth(1)).to_contain_text("客户发错了合同")
        expect(files.nth(1).locator("a")).to_have_count(0)  # nothing left to open
        expect(card.locator("h2 .muted")).to_have_text("1")
        page.screenshot(path=str(tmp_path / "attachments-zh.png"), full_page=True)
        browser.close()

    listed = agent.get(f"/api/v1/work-orders/{order['id']}/attachments").json()["items"]
    assert [a["file_name"] for a in listed] == ["账单截图.png", "合同.pdf"]
    assert listed[1]["withdrawn_reason"] == "客户发错了合同" and listed[1]["content_url"] is None
