"""The IVR flow page in headless Chromium on each database: the hotline drawn as a graph,
a broken edit named by line as it is typed, the fixed YAML saved as a draft, published,
then rolled back."""

from __future__ import annotations

from pathlib import Path

from chromium import CHROMIUM, requires_chromium, sign_in

from kefu.demo.reference import DEMO_PASSWORD
from kefu.ivr.flows import default_source
from kefu.ivr.service import checked_flow

pytestmark = requires_chromium


def test_a_flow_is_drawn_checked_while_typed_published_and_rolled_back(
    live_center: tuple[str, str], tmp_path: Path
) -> None:
    from playwright.sync_api import expect, sync_playwright

    base, _ = live_center
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page(viewport={"width": 1440, "height": 1100}, locale="zh-CN")
        sign_in(page, base, "supervisor", DEMO_PASSWORD, "/ivr")
        page.locator('#flow-list a[href="/ivr/hotline"]').click()
        shipped = len(checked_flow(default_source()).nodes)  # every node of the flow drawn
        expect(page.locator("#flow-graph g.node")).to_have_count(shipped)
        expect(page.locator("#flow-graph g.node.start")).to_contain_text("greet")
        page.screenshot(path=str(tmp_path / "ivr-flow-zh.png"), full_page=True)

        source = page.locator("#flow-source")
        original = source.input_value()
        broken = original.replace("    next: by_value", "    next: by_valu", 1)
        source.fill(broken)
        line = broken.splitlines().index("    next: by_valu") + 1
        unknown = page.locator("#flow-problems li").filter(has_text="“by_valu”")
        expect(unknown).to_contain_text(f"L{line}", timeout=5000)
        expect(page.locator("#flow-check-state")).to_contain_text("问题")
        page.screenshot(path=str(tmp_path / "ivr-flow-problem-zh.png"), full_page=True)

        edited = original.replace("欢迎致电客服热线。", "欢迎致电客服热线，通话可能被录音。")
        source.fill(edited)
        expect(page.locator("#flow-ok")).to_be_visible(timeout=5000)
        page.fill("#flow-save input[name=note]", "欢迎语增加录音提示")
        page.click("#flow-save button[type=submit]")
        page.wait_for_url("**/ivr/hotline?v=2")
        expect(page.locator("#flow-versions")).to_contain_text("欢迎语增加录音提示")
        page.click('[data-flow-action="publish"]')
        page.wait_for_url("**/ivr/hotline")
        expect(page.locator("#flow .meta")).to_contain_text("已发布: v2")
        expect(page.locator("#flow-source")).to_have_value(edited)
        page.click('[data-flow-action="rollback"]')
        page.wait_for_url("**/ivr/hotline")
        expect(page.locator("#flow .meta")).to_contain_text("已发布: v1")
        page.click('[data-lang="en"]')
        expect(page.locator("#flow-versions")).to_contain_text("Retired")
        page.screenshot(path=str(tmp_path / "ivr-flow-en.png"), full_page=True)
        browser.close()
