"""An account manager corrects a customer's record in headless Chromium: a customer who
registers again by passport, and a new e-mail address; only what changed is sent, a
refused field is marked, and the 360 page shows the record as saved."""

from __future__ import annotations

from pathlib import Path

from chromium import CHROMIUM, api_client, requires_chromium, sign_in

from kefu.demo.reference import DEMO_PASSWORD

pytestmark = requires_chromium


def test_an_account_manager_registers_a_customers_passport_from_the_edit_form(
    live_center: tuple[str, str], tmp_path: Path
) -> None:
    from playwright.sync_api import expect, sync_playwright

    base, _ = live_center
    manager = api_client(base, "manager")
    # a resident of the manager's branch no other browser test looks at
    residents = [
        hit
        for surname in "林郭何罗"
        for hit in manager.get("/api/v1/customers", params={"q": surname}).json()["items"]
        if hit["id_kind"] == "resident"
    ]
    customer = residents[-1]
    before = manager.get(f"/api/v1/customers/{customer['id']}").json()["profile"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
        sign_in(page, base, "manager", DEMO_PASSWORD, f"/customers/{customer['id']}")
        page.click('[data-action="edit-customer"]')
        page.wait_for_url(f"**/customers/{customer['id']}/edit")
        form = page.locator("#customer-form")
        expect(form.locator("input[name=name]")).to_have_value(before["name"])  # not masked
        expect(form.locator(".id-country")).to_be_hidden()  # a resident card has none

        # Nothing changed, or no reason: told so, nothing sent.
        form.locator("button[type=submit]").click()
        expect(page.locator("#customer-error")).to_have_text("没有修改任何内容。")
        form.locator("select[name=id_kind]").select_option("passport")
        expect(form.locator(".id-country")).to_be_visible()
        form.locator("input[name=id_number]").fill("E 1234 5678")
        form.locator("input[name=email]").fill("lin.new@example.cn")
        form.locator("button[type=submit]").click()
        expect(page.locator("#customer-error")).to_have_text("请填写修改原因。")
        expect(form.locator("input[name=reason]")).to_have_attribute("aria-invalid", "true")

        # A passport without its issuing country: the API's refusal marks the field.
        form.locator("input[name=reason]").fill("客户改用护照重新实名登记")
        form.locator("button[type=submit]").click()
        refusal = "请填写护照签发国家（ISO 代码，如 US）。"
        expect(page.locator("#customer-error")).to_have_text(refusal)
        expect(form.locator("input[name=id_country]")).to_have_attribute("aria-invalid", "true")
        page.screenshot(path=str(tmp_path / "customer-edit-refused-zh.png"), full_page=True)

        form.locator("input[name=id_country]").fill("gb")
        form.locator("button[type=submit]").click()
        page.wait_for_url(f"**/customers/{customer['id']}")
        document = page.locator("dd", has=page.locator('[data-unmask-target="id_number"]'))
        expect(document.locator(".chip")).to_have_text("护照 · 英国")
        expect(document).to_contain_text("E12345678")
        expect(page.locator('[data-unmask-target="email"]')).to_have_text("lin.new@example.cn")
        page.screenshot(path=str(tmp_path / "customer-edited-zh.png"), full_page=True)
        browser.close()

    after = manager.get(f"/api/v1/customers/{customer['id']}").json()["profile"]
    assert (after["id_number"], after["id_kind"], after["id_country"]) == (
        "E12345678",
        "passport",
        "GB",
    )
    assert after["version"] == before["version"] + 1  # one write for both changes
    assert (after["name"], after["address"]) == (before["name"], before["address"])
    history = manager.get(f"/api/v1/customers/{customer['id']}/history").json()
    (change,) = [row for row in history if row["reason"] == "客户改用护照重新实名登记"]
    assert set(change["changes"]) == {"id_number", "id_kind", "id_country", "email"}
