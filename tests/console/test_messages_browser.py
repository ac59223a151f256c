"""Customers' messages in headless Chromium on each database: an SMS with markup in it
arrives through the gateway webhook, the inbox lists it, the page shows the markup as text
(no script runs, no element is injected), and the answer sent from the page is threaded
under it."""

from __future__ import annotations

from pathlib import Path

from chromium import CHROMIUM, api_client, requires_chromium, sign_in

from kefu.demo.reference import DEMO_PASSWORD

pytestmark = requires_chromium
HOSTILE = '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>我的宽带断了'


def test_hostile_sms_is_shown_as_text_and_answered_from_the_inbox(
    live_center: tuple[str, str], tmp_path: Path
) -> None:
    from playwright.sync_api import expect, sync_playwright

    base, number = live_center
    pbx = api_client(base, "pbx")
    sent = pbx.post(
        "/api/v1/sms/inbound",
        json={"from": number, "to": "10086", "text": HOSTILE, "message_id": "browser-sms-1"},
    )
    assert sent.status_code == 201, sent.text
    message_id = sent.json()["interaction_id"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        sign_in(page, base, "supervisor", DEMO_PASSWORD, "/messages")
        row = page.locator(f'#message-list tr[data-href="/messages/{message_id}"]')
        expect(row).to_contain_text("<script>window.pwned=2</script>")
        expect(page.locator("#message-list")).to_contain_text("<script>alert('x')</script>")
        page.screenshot(path=str(tmp_path / "messages-inbox-zh.png"), full_page=True)

        row.locator("a").click()
        expect(page.locator("#message-body")).to_have_text(HOSTILE)
        assert page.locator("#message-body img, #message-body script").count() == 0
        assert page.evaluate("window.pwned") is None and dialogs == []
        answer = "您好，已为您登记宽带故障，维护人员今天联系您。"
        page.fill("#reply-form textarea[name=text]", answer)
        page.click("#reply-form button[type=submit]")
        expect(page.locator("#message-thread")).to_contain_text("维护人员今天联系您")
        expect(page.locator("#message .status")).to_have_text("已处理")
        page.screenshot(path=str(tmp_path / "message-answered-zh.png"), full_page=True)

        page.click('[data-lang="en"]')
        expect(page.locator("#message-thread")).to_contain_text("Agent reply")
        page.goto(f"{base}/messages?view=all")
        expect(page.locator("h1")).to_have_text("Messages")
        page.screenshot(path=str(tmp_path / "messages-all-en.png"), full_page=True)
        browser.close()
    thread = pbx.get(f"/api/v1/messages/{message_id}")
    assert thread.status_code == 403  # the gateway account takes messages in, reads none
