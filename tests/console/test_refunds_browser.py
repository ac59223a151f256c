"""A refund on a billing complaint (退费审批), in headless Chromium: the agent asks for a
double refund (the amount follows the charge), after one over the ceiling is refused at
its field; the agent cannot approve it; the supervisor finds it in the 退费审批 queue,
approves it, and once the billing system credited it the card and the timeline say so,
in Chinese and in English."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from chromium import CHROMIUM, api_client, requires_chromium, sign_in

from factories import run_jobs_texting_to
from kefu.billing import credits  # noqa: F401  (registers the credit's job)
from kefu.core.clock import local_today
from kefu.core.db import make_engine, make_sessionmaker

pytestmark = requires_chromium


def _billing_complaint(api, number: str) -> dict:  # type: ignore[no-untyped-def]
    nodes = [*api.get("/api/v1/order-categories").json()]
    leaf = None
    while nodes:
        node = nodes.pop()
        nodes.extend(node["children"])
        if node["code"] == "vas.sp.unconsented":
            leaf = node
    assert leaf is not None
    customer = api.get("/api/v1/customers/lookup", params={"phone": number}).json()
    body = {
        "type": "complaint",
        "category_id": leaf["id"],
        "customer_id": customer["profile"]["id"],  # on the 360 page's open orders
        "contact_phone": number,
        "subject": "未经同意开通彩铃，要求退费",
    }
    made = api.post("/api/v1/work-orders", json=body)
    assert made.status_code == 201, made.text
    order: dict = made.json()
    return order


def _credit(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The worker's pass: the credit, then its text (to a file gateway)."""
    engine = make_engine(database_url)
    try:
        run_jobs_texting_to(make_sessionmaker(engine), tmp_path / "sms.jsonl", monkeypatch)
    finally:
        engine.dispose()


def test_a_double_refund_is_asked_approved_and_credited(
    live_center_database: tuple[str, str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from playwright.sync_api import expect, sync_playwright

    base, number, database_url = live_center_database
    order = _billing_complaint(api_client(base, "agent"), number)
    last_month = f"{local_today().replace(day=1) - timedelta(days=1):%Y-%m}"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
        sign_in(page, base, "agent", "kefu-demo-2026", f"/orders/{order['id']}")
        card = page.locator("#refunds")
        card.locator(".book-visit > summary").click()
        form = card.locator("#refund-form")
        form.locator("select[name=kind]").select_option("compensation")
        expect(form.locator("input[name=charge_fen]")).to_be_hidden()  # no charge to name
        form.locator("input[name=amount_fen]").fill("3000")
        form.locator("input[name=reason]").fill("客户要求高额赔偿")
        form.locator("button[type=submit]").click()
        expect(page.locator("#refund-error")).to_contain_text("单笔退费最多 2000.00 元")
        expect(form.locator("input[name=amount_fen]")).to_have_attribute("aria-invalid", "true")

        form.locator("select[name=kind]").select_option("double_refund")
        form.locator("input[name=bill_month]").fill(last_month)
        form.locator("input[name=charge_fen]").fill("15")
        expect(form.locator("input[name=amount_fen]")).to_have_value("30.00")  # twice over
        form.locator("input[name=reason]").fill("核实为未经客户同意订购彩铃，按规定双倍返还")
        form.locator("button[type=submit]").click()
        asked = card.locator(".refund-requested")
        expect(asked).to_contain_text("¥30.00")
        expect(asked).to_contain_text("双倍返还")
        expect(asked.locator("form[data-refund-step=approve]")).to_have_count(0)  # no right
        page.screenshot(path=str(tmp_path / "refund-asked.png"), full_page=True)

        page.context.clear_cookies()
        sign_in(page, base, "supervisor", "kefu-demo-2026", "/orders")
        page.goto(f"{base}/orders?view=refunds")
        row = page.locator("tbody tr", has_text=order["number"])
        expect(row.locator(".refund-waiting")).to_have_text("退费 ¥30.00 待批")  # at a glance
        row.locator("a").first.click()
        approve = card.locator(".refund-requested form[data-refund-step=approve]")
        approve.locator("summary").click()
        approve.locator("input[name=note]").fill("核实无误")
        approve.locator("button[type=submit]").click()
        expect(card.locator(".refund-approved")).to_contain_text("核实无误")

        # The supervisor takes the refund list (退费明细) from the tab: audited, by the day asked.
        page.goto(f"{base}/orders?view=refunds")
        page.locator('[data-action="open-export"]').click()
        dialog = page.locator("#export-dialog")
        expect(dialog.locator("#export-title")).to_have_text("导出退费明细")
        dialog.locator("select[name=format]").select_option("csv")
        dialog.locator("select[name=status]").select_option("approved")
        dialog.locator("textarea[name=reason]").fill("月度退费对账")
        with page.expect_download() as saving:
            dialog.locator('button[type="submit"]').click()
        saved = saving.value
        assert saved.suggested_filename.startswith("refunds-")
        listed = Path(saved.path()).read_text(encoding="utf-8-sig")
        assert order["number"] in listed and "双倍返还" in listed and "已批准" in listed
        page.goto(f"{base}/orders/{order['id']}")

        _credit(database_url, tmp_path, monkeypatch)
        page.reload()
        credited = card.locator(".refund-credited")
        expect(credited).to_contain_text("已存入话费账户")
        expect(card.locator("#refund-totals")).to_contain_text("已到账 ¥30.00")
        timeline = page.locator(".timeline li.event-refund")
        expect(timeline).to_have_count(3)
        expect(timeline.first).to_contain_text("双倍返还 · 已到账")
        page.screenshot(path=str(tmp_path / "refund-credited-zh.png"), full_page=True)

        # "Where is my refund?": the 360 page answers it on the customer's open order.
        page.goto(f"{base}/customers/lookup?phone={number}")
        expect(page.locator(".refund-given")).to_have_text(["已退 ¥30.00"])

        page.goto(f"{base}/lang/en?next=/orders/{order['id']}")
        expect(credited).to_contain_text("Credited to the account")
        expect(timeline.first).to_contain_text("Double refund · Credited")
        page.screenshot(path=str(tmp_path / "refund-credited-en.png"), full_page=True)
        browser.close()
