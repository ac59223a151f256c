"""Notices to big customers in headless Chromium: the demo's two notices are listed, the
order a told customer opened after the cut-over under it, and its page shows the notice; a
supervisor writes a cut-over notice for the area (times typed on the center's clock, a
wrong window refused), sends it after the confirmation naming its reach, and the 360 page
of a customer it was sent to shows it."""

from __future__ import annotations

from datetime import timedelta

from chromium import CHROMIUM, api_client, requires_chromium, sign_in

from kefu.core.clock import local_now
from kefu.demo.reference import DEMO_PASSWORD

pytestmark = requires_chromium


def test_a_supervisor_sends_a_cut_over_notice_and_the_360_shows_it(
    live_center: tuple[str, str],
) -> None:
    from playwright.sync_api import expect, sync_playwright

    base, _ = live_center
    starts = (local_now("Asia/Shanghai") + timedelta(days=1)).replace(hour=1, minute=0)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        # a browser on another continent: the times are still read on the center's clock
        page = browser.new_page(
            viewport={"width": 1366, "height": 900}, locale="zh-CN", timezone_id="Europe/London"
        )
        sign_in(page, base, "supervisor", DEMO_PASSWORD, "/notices")
        demo = page.locator("tr[data-notice]")
        expect(demo).to_have_count(2)  # the demo's cut-over, sent, and its upgrade, a draft
        # a customer told of the cut-over asked about it: under the notice, then its page
        after = demo.first.locator(".notice-orders")
        after.locator("summary").click()
        expect(after.locator("summary")).to_have_text("告知后客户工单：1 张")
        after.locator("a").click()
        expect(page.locator(".order-hero .notice-banner")).to_contain_text("核心网设备割接")
        page.goto(f"{base}/notices")
        page.click(".notice-new summary")  # folded away once there are notices
        page.fill("input[name=title]", "天河区核心网割接")
        page.fill("input[name=title_en]", "Tianhe core network cut-over")
        page.fill("input[name=starts_at]", starts.strftime("%Y-%m-%dT%H:%M"))
        page.fill("input[name=ends_at]", starts.replace(hour=0).strftime("%Y-%m-%dT%H:%M"))
        page.fill("textarea[name=body]", "届时移动数据业务中断约30分钟，请提前做好准备。")
        page.click("#notice-form button[type=submit]")
        expect(page.locator("#notice-error")).to_have_text("结束时间须晚于开始时间。")
        page.fill("input[name=ends_at]", starts.replace(hour=5).strftime("%Y-%m-%dT%H:%M"))
        page.click("#notice-form button[type=submit]")

        row = page.locator("tr[data-notice]", has_text="天河区核心网割接")
        expect(row).to_contain_text("草稿")
        expect(row).to_contain_text(f"{starts:%Y-%m-%d} 01:00 –")
        reach = row.locator("[data-reach]").inner_text()
        customers = int(reach.split(" 位客户")[0])
        assert customers > 0
        asked: list[str] = []
        page.on("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
        row.locator('[data-action="send"]').click()
        expect(page.locator("tr[data-notice]", has_text="天河区核心网割接")).to_contain_text(
            "已发送"
        )
        assert asked and f"{customers} 位客户" in asked[0]

        supervisor = api_client(base, "supervisor")
        listed = supervisor.get("/api/v1/notices").json()["items"]
        (notice,) = [n for n in listed if n["title"] == "天河区核心网割接"]
        assert notice["reach"]["customers"] == customers
        assert notice["title_en"] == "Tianhe core network cut-over"
        assert notice["orders_after"] == 0 and notice["sending"] is False
        told = _a_customer_told(supervisor, notice["id"])
        page.goto(f"{base}/customers/{told}")
        banner = page.locator(".notice-banner", has_text="天河区核心网割接")
        expect(banner).to_contain_text("网络割接")
        browser.close()


def _a_customer_told(client, notice_id: int) -> int:  # type: ignore[no-untyped-def]
    """The first customer the notice was sent to."""
    sent = client.get(f"/api/v1/notices/{notice_id}/recipients", params={"size": 1}).json()
    assert sent["total"] > 0 and "*" in sent["items"][0]["msisdn"]  # masked for a supervisor
    return int(sent["items"][0]["customer_id"])
