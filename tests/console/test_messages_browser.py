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


def test_an_agent_opens_a_work_order_from_a_customers_sms(
    live_center: tuple[str, str], tmp_path: Path
) -> None:
    """The message page's 建工单 opens the new-order form with the sender, channel and
    words filled in; the order made is linked to the message and listed under it."""
    from playwright.sync_api import expect, sync_playwright

    base, number = live_center
    text = (
        "家里宽带从昨晚开始断网，光猫红灯一直闪，重启了好几次也没用，"
        "麻烦尽快安排上门维修。我明天上午在家，下午要上班，请上午来，谢谢！"
    )
    sent = api_client(base, "pbx").post(
        "/api/v1/sms/inbound",
        json={"from": number, "to": "10086", "text": text, "message_id": "browser-sms-order"},
    )
    assert sent.status_code == 201, sent.text
    message_id = sent.json()["interaction_id"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
        sign_in(page, base, "agent", DEMO_PASSWORD, "/messages")
        page.goto(f"{base}/messages/{message_id}")
        expect(page.locator("#message-orders")).to_have_count(0)
        page.click("#order-from-message")
        expect(page.locator("h1")).to_have_text("新建工单")
        form = page.locator("#order-form")
        expect(page.locator("#message-channel")).to_contain_text("短信")
        expect(form.locator('[name="description"]')).to_have_value(text)
        expect(form.locator('[name="subject"]')).to_have_value(text[:59] + "…")
        form.locator('[name="subject"]').fill("宽带断网，光猫红灯闪")
        form.locator('[name="type"]').select_option("fault")
        page.fill("#category-search", "宽带")
        page.locator("#category-list li:not([hidden])", has_text="无法上网").first.click()
        page.screenshot(path=str(tmp_path / "order-from-sms-zh.png"), full_page=True)
        form.locator('button[type="submit"]').click()
        page.wait_for_url(lambda url: "/orders/" in url and "/new" not in url)
        expect(page.locator("#order")).to_contain_text("宽带断网，光猫红灯闪")
        expect(page.locator("#order")).to_contain_text("短信")
        expect(page.locator("#order-messages a")).to_have_attribute(
            "href", f"/messages/{message_id}"
        )  # the order leads back to the message it came from

        page.goto(f"{base}/messages/{message_id}")
        listed = page.locator("#message-orders li")
        expect(listed).to_have_count(1)
        expect(listed).to_contain_text("宽带断网，光猫红灯闪")
        expect(listed.locator(".status")).to_have_text("新建")
        expect(page.locator("#message .status")).to_have_text("待回复")  # still to answer
        # The answer tells the customer the order's number, quoted where the cursor is.
        answer = page.locator("#reply-form textarea[name=text]")
        answer.fill("您好，已为您登记报修，工单号：。")
        answer.evaluate(
            "(box) => box.setSelectionRange(box.value.length - 1, box.value.length - 1)"
        )
        listed.locator("[data-quote]").click()
        number = listed.locator("a.mono").inner_text()
        expect(answer).to_have_value(f"您好，已为您登记报修，工单号：{number}。")
        page.click("#reply-form button[type=submit]")
        expect(page.locator("#message-thread")).to_contain_text(number)
        expect(listed.locator("[data-quote]")).to_have_count(0)  # answered: nothing to quote
        browser.close()


def test_an_order_from_an_email_is_answered_in_the_customers_thread(
    live_center: tuple[str, str], tmp_path: Path
) -> None:
    """The demo's e-mail asking for an invoice becomes an order; word of where it stands
    goes by mail (chosen for an order that came by mail), then its answer, written on the
    order, goes back by mail in the customer's thread and serves the message."""
    from playwright.sync_api import expect, sync_playwright

    base, _ = live_center
    waiting = api_client(base, "agent").get("/api/v1/messages", params={"channel": "email"})
    (mail,) = [m for m in waiting.json()["items"] if m["subject"] == "发票开具申请"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
        sign_in(page, base, "agent", DEMO_PASSWORD, "/messages")
        page.goto(f"{base}/messages/{mail['id']}")
        page.click("#order-from-message")
        form = page.locator("#order-form")
        form.locator('[name="type"]').select_option("service_request")
        page.fill("#category-search", "发票")
        page.locator("#category-list li:not([hidden])").first.click()
        form.locator('[name="contact_phone"]').fill("13800138000")
        form.locator('button[type="submit"]').click()
        page.wait_for_url(lambda url: "/orders/" in url and "/new" not in url)
        status = page.locator(".order-hero .status")
        page.click('[data-simple-action="accept"]')
        expect(status).to_have_text("已受理")

        progress = page.locator("#progress-form")
        expect(progress.locator('input[value="email"]')).to_be_checked()
        progress.locator("textarea").fill("发票正在开具，预计明天发送至您的邮箱。")
        progress.locator("button[type=submit]").click()
        expect(page.locator(".timeline .chip", has_text="已邮件告知客户")).to_be_visible()
        expect(status).to_have_text("已受理")

        reply = page.locator('form[data-order-action="reply"]')
        box = reply.locator('input[name="send_email"]')
        expect(box).to_be_checked()  # the order came by mail
        expect(reply.locator(".mail-answer")).to_contain_text("@example.cn")
        reply.locator("textarea").fill("10 月份话费发票已开具，已发送至您的邮箱，请查收。")
        page.screenshot(path=str(tmp_path / "order-mail-answer-zh.png"), full_page=True)
        reply.locator("button[type=submit]").click()
        expect(status).to_have_text("已答复")
        expect(page.locator(".timeline .chip", has_text="已邮件答复客户")).to_be_visible()
        number = page.locator(".order-hero h1").inner_text().split()[0]
        order_url = page.url

        page.click("#order-messages a")
        expect(page.locator("#message-thread")).to_contain_text(number)
        expect(page.locator("#message-thread")).to_contain_text("话费发票已开具")
        expect(page.locator("#message .status")).to_have_text("已处理")
        page.click('[data-lang="en"]')
        page.goto(order_url)
        expect(page.locator(".timeline .chip", has_text="E-mailed to the customer")).to_be_visible()
        page.screenshot(path=str(tmp_path / "order-mail-answered-en.png"), full_page=True)
        browser.close()


def test_an_emailed_screenshot_goes_onto_the_order_opened_from_the_email(
    live_center: tuple[str, str], tmp_path: Path
) -> None:
    """The demo's e-mail about an unknown charge brings a screenshot of the bill: the
    agent opens it from the message, opens a complaint from the e-mail, and finds the
    screenshot on the order, marked as the customer's e-mail's."""
    from playwright.sync_api import expect, sync_playwright

    base, _ = live_center
    waiting = api_client(base, "agent").get("/api/v1/messages", params={"channel": "email"})
    (mail,) = [m for m in waiting.json()["items"] if m["subject"].startswith("账单里有一笔")]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
        sign_in(page, base, "agent", DEMO_PASSWORD, f"/messages/{mail['id']}")
        files = page.locator("#message-files .attachment")
        expect(files).to_have_count(1)
        expect(files.locator(".file-name")).to_have_text("11月账单截图.png")
        with page.expect_popup() as opened:
            files.locator("a.file-name").click()
        shown = opened.value
        shown.wait_for_load_state()
        assert shown.url.endswith("/content?inline=true")
        shown.close()

        page.click("#order-from-message")
        form = page.locator("#order-form")
        page.fill("#category-search", "不明扣费")
        page.locator("#category-list li:not([hidden])").first.click()
        form.locator('[name="subject"]').fill("不明扣费 15 元（视频会员）")
        form.locator('button[type="submit"]').click()
        page.wait_for_url(lambda url: "/orders/" in url and "/new" not in url)
        card = page.locator("#attachments")
        expect(card.locator(".attachment")).to_have_count(1)
        expect(card.locator(".file-name")).to_have_text("11月账单截图.png")
        expect(card.locator(".chip")).to_have_text("来自客户邮件")
        expect(page.locator(".timeline")).to_contain_text("添加附件: 11月账单截图.png")
        page.screenshot(path=str(tmp_path / "order-emailed-file-zh.png"), full_page=True)
        browser.close()
