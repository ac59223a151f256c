"""The taxonomy page in headless Chromium: an admin adds a category with its call script
and a reply template, rewords and retires them; agents meet the result where they work."""

from __future__ import annotations

import re
from pathlib import Path

from chromium import CHROMIUM, requires_chromium, sign_in

from kefu.demo.reference import DEMO_PASSWORD

pytestmark = requires_chromium


def test_an_admin_keeps_a_category_and_its_replies(
    live_center: tuple[str, str], tmp_path: Path
) -> None:
    from playwright.sync_api import expect, sync_playwright

    base, _ = live_center
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
        sign_in(page, base, "admin", DEMO_PASSWORD, "/customers")
        page.goto(f"{base}/orders")
        page.click('a[href="/orders/categories"]')
        expect(page.locator("h1")).to_have_text("分类与回复模板")
        page.fill("#category-filter", "费用争议")
        visible = page.locator("#category-tree li:not([hidden])")
        expect(visible.first).to_contain_text("费用争议")
        visible.first.locator("a").click()
        expect(page.locator(".category-title")).to_contain_text("费用争议")

        # A new leaf under 费用争议, with what the agent asks.
        new = page.locator("form.category-new[data-parent]:not([data-parent=''])")
        new.locator('[name="code"]').fill("billing.dispute.data_pack")
        new.locator('[name="name"]').fill("流量包费用争议")
        new.locator('[name="name_en"]').fill("Data pack charges")
        new.locator('[name="script"]').fill("请客户说明流量包名称和订购时间。")
        # A dispute opens or changes no service: its requests need no confirmation.
        expect(new.locator('[name="changes_service"]')).to_be_checked()
        new.locator('[name="changes_service"]').uncheck()
        new.locator('button[type="submit"]').click()
        page.wait_for_url(re.compile(r".*/orders/categories\?id=\d+$"))
        expect(page.locator(".category-title")).to_contain_text("流量包费用争议")
        expect(page.locator('#category-form [name="changes_service"]')).not_to_be_checked()
        expect(page.locator(".trail")).to_contain_text("计费账务 › 费用争议")
        siblings = page.locator("#category-tree li.level-3").filter(has_text="流量包费用争议")
        expect(siblings.locator("xpath=following-sibling::li[1]")).to_have_class(
            re.compile("level-[12]")
        )  # the newest leaf comes last in its branch
        expect(page.locator('[data-move="down"]')).to_be_disabled()
        # Changed in another tab meanwhile: the move is refused, and the last stays last.
        page.evaluate("""async () => {
          const form = document.getElementById("category-form");
          await api("PATCH", `/api/v1/order-categories/${form.dataset.id}`,
            { script_en: "Ask which data pack." }, { "If-Match": `"${form.dataset.version}"` });
        }""")
        page.locator('[data-move="up"]').click()
        expect(page.locator("#category-form .form-error")).to_be_visible()
        expect(page.locator('[data-move="up"]')).to_be_enabled()
        expect(page.locator('[data-move="down"]')).to_be_disabled()
        page.reload()
        page.locator('[data-move="up"]').click()  # one place up: before 漫游费用
        expect(siblings.locator("xpath=following-sibling::li[1]")).to_contain_text("漫游费用")
        leaf_id = page.url.rsplit("=", 1)[1]

        # A code already taken is refused in the page's language.
        page.locator(".add-top summary").click()
        top = page.locator("form.category-new[data-parent='']")
        top.locator('[name="code"]').fill("billing")
        top.locator('[name="name"]').fill("计费")
        top.locator('button[type="submit"]').click()
        expect(top.locator(".form-error")).to_contain_text("已存在相同 code 的记录")
        assert page.url.endswith(f"id={leaf_id}")

        page.locator(".add-template summary").click()
        template = page.locator("form.template-new")
        template.locator('[name="title"]').fill("退还流量包费用")
        template.locator('[name="body"]').fill(
            "尊敬的{customer_name}：已为您退还{amount}元流量包费用。"
        )
        template.locator('button[type="submit"]').click()
        saved = page.locator("form.template-form")
        expect(saved).to_have_count(1)
        expect(saved.locator('[name="title"]')).to_have_value("退还流量包费用")
        expect(saved.locator(".chip")).to_have_text("中文答复")  # the form's default
        saved.locator('[name="title"]').fill("核实后退还流量包费用")
        saved.locator('button[type="submit"]').click()
        expect(saved.locator('[name="title"]')).to_have_value("核实后退还流量包费用")
        expect(saved).to_have_attribute("data-version", "2")
        saved.locator('[name="body"]').fill("  ")
        saved.locator('button[type="submit"]').click()
        # The refusal names the field by its label, marks it and puts the cursor there.
        expect(saved.locator(".form-error")).to_have_text("“正文”不能为空。")
        expect(saved.locator('[name="body"]')).to_have_attribute("aria-invalid", "true")
        expect(saved.locator('[name="body"]')).to_be_focused()
        page.screenshot(path=str(tmp_path / "taxonomy-zh.png"), full_page=True)

        # The agent finds it in the new-order picker with its script, and its template on
        # an order filed under it.
        agent = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
        sign_in(agent, base, "agent", DEMO_PASSWORD, "/customers")
        agent.goto(f"{base}/orders/new")
        agent.fill("#category-search", "流量包")
        picked = agent.locator("#category-list li:not([hidden])")
        expect(picked).to_have_count(1)
        picked.click()
        expect(agent.locator("#category-script")).to_have_text("请客户说明流量包名称和订购时间。")
        # As a service request it asks no confirmation; one that opens roaming does.
        agent.select_option("#order-form select[name=type]", "service_request")
        agent.fill("#order-form input[name=contact_phone]", "138 0013 8000")
        consent = agent.locator("#order-form .outlook-consent")
        expect(agent.locator("#order-form .outlook-limits")).to_contain_text("如现在建单")
        expect(consent).to_be_hidden()
        agent.fill("#category-search", "国际漫游")
        agent.locator("#category-list li:not([hidden])").first.click()
        expect(consent).to_be_visible()
        expect(consent).to_contain_text("须客户确认后方可办理")
        agent.goto(f"{base}/orders/categories?id={leaf_id}")
        expect(agent.locator("#category-form")).to_have_count(0)  # reads, does not edit
        expect(agent.locator(".facts")).to_contain_text("不变更业务，无需客户确认即可办理")
        read = agent.locator(".template-read h3")
        expect(read).to_contain_text("核实后退还流量包费用")
        expect(read.locator(".chip")).to_have_text("中文答复")  # whom it answers

        # Retired, the branch leaves the picker and is greyed in the admin's tree.
        page.reload()
        page.locator('#category-form [data-action="toggle"]').click()
        expect(page.locator(".category-title .chip", has_text="已停用")).to_be_visible()
        expect(page.locator("#category-tree li.retired")).to_contain_text("流量包费用争议")
        agent.goto(f"{base}/orders/new")
        agent.fill("#category-search", "流量包")
        expect(agent.locator("#category-list li:not([hidden])")).to_have_count(0)

        page.goto(f"{base}/lang/en?next=/orders/categories?id={leaf_id}")
        expect(page.locator(".category-title")).to_contain_text("Data pack charges")
        expect(page.locator(".trail")).to_contain_text("Billing › Disputed charges")
        english = "Ask for the data pack's name and when it was ordered."
        page.locator('#category-form [name="script_en"]').fill(english)
        page.locator('#category-form button[type="submit"]').click()
        expect(page.locator('#category-form [name="script_en"]')).to_have_value(english)
        page.locator('#category-form [data-action="toggle"]').click()
        expect(page.locator('#category-form [data-action="toggle"]')).to_have_text("Retire")
        agent.goto(f"{base}/lang/en?next=/orders/categories?id={leaf_id}")
        expect(agent.locator("dd.pre")).to_have_text(english)  # read in the page's language
        page.screenshot(path=str(tmp_path / "taxonomy-en.png"), full_page=True)
        browser.close()
