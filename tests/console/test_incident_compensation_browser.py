"""An incident's callers compensated (故障补偿), in headless Chromium: once the demo's
proposed incident is confirmed and resolved, the supervisor asks a compensation for every
caller (one over the ceiling refused at its field) and cannot approve it; the team lead
approves them together; once the billing system credited them the incident and each
caller's order say so, in Chinese and in English."""

from __future__ import annotations

from pathlib import Path

import pytest
from chromium import CHROMIUM, api_client, requires_chromium, sign_in

from factories import run_jobs_texting_to
from kefu.billing import credits  # noqa: F401  (registers the credit's job)
from kefu.core.db import make_engine, make_sessionmaker

pytestmark = requires_chromium


def _resolved_incident(base: str) -> dict:
    """The demo's proposed incident, confirmed and resolved by the supervisor."""
    api = api_client(base, "supervisor")
    (proposed,) = api.get("/api/v1/incidents", params={"status": "proposed"}).json()["items"]
    url = f"/api/v1/incidents/{proposed['id']}"
    for step, body in (("confirm", {"note": "基站掉站"}), ("resolve", {"reply": "基站已修复。"})):
        version = api.get(url).json()["version"]
        done = api.post(f"{url}/{step}", json=body, headers={"If-Match": f'"{version}"'})
        assert done.status_code == 200, done.text
    incident: dict = api.get(url).json()
    return incident


def test_the_callers_are_compensated_together(
    live_center_database: tuple[str, str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from playwright.sync_api import expect, sync_playwright

    base, _number, database_url = live_center_database
    incident = _resolved_incident(base)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
        sign_in(page, base, "supervisor", "kefu-demo-2026", f"/incidents/{incident['id']}")
        card = page.locator("#compensation")
        card.locator(".book-visit > summary").click()
        form = card.locator("#compensation-form")
        form.locator("input[name=amount_fen]").fill("2500")
        form.locator("input[name=reason]").fill("基站中断约3小时，按规定补偿")
        page.evaluate(
            "document.querySelector('#compensation-form input[name=amount_fen]').max = ''"
        )
        form.locator("button[type=submit]").click()
        expect(page.locator("#compensation-error")).to_contain_text("2000.00")
        expect(form.locator("input[name=amount_fen]")).to_have_attribute("aria-invalid", "true")
        form.locator("input[name=amount_fen]").fill("10")
        form.locator("button[type=submit]").click()
        expect(card.locator(".compensation-counts")).to_contain_text("待审批")
        expect(card).to_contain_text("您申请的补偿须由他人审批")  # the asker approves nothing
        expect(card.locator("form[data-compensation-step]")).to_have_count(0)
        callers = api_client(base, "supervisor").get(f"/api/v1/incidents/{incident['id']}")
        shown = callers.json()["compensation"]
        assert shown["callers"] == shown["awaiting"] >= 1
        n = shown["callers"]

        page.context.clear_cookies()
        sign_in(page, base, "lead", "kefu-demo-2026", f"/incidents/{incident['id']}")
        approve = card.locator("form[data-compensation-step=approve]")
        approve.locator("summary").click()
        expect(approve.locator("button[type=submit]")).to_have_text(
            f"全部批准 {n} 笔，共 ¥{10 * n:,.2f}"
        )
        approve.locator("input[name=note]").fill("同意")
        approve.locator("button[type=submit]").click()
        expect(card.locator(".compensation-counts")).to_contain_text(f"已批准 {n}")
        expect(card).to_contain_text("班组长 赵雪 审批")

        engine = make_engine(database_url)
        try:
            run_jobs_texting_to(make_sessionmaker(engine), tmp_path / "sms.jsonl", monkeypatch)
        finally:
            engine.dispose()
        page.reload()
        expect(card.locator(".compensation-counts")).to_have_text(f"已到账 {n} · ¥{10 * n:,.2f}")
        page.screenshot(path=str(tmp_path / "compensated-zh.png"), full_page=True)
        api = api_client(base, "lead")
        given = next(
            o
            for o in incident["order_list"]
            if api.get(f"/api/v1/work-orders/{o['id']}/refunds").json()["items"]
        )
        page.goto(f"{base}/orders/{given['id']}")
        expect(page.locator("#refunds .refund-credited")).to_contain_text("赔付")

        page.goto(f"{base}/lang/en?next=/incidents/{incident['id']}")
        expect(card.locator(".compensation-counts")).to_have_text(f"Credited {n} · ¥{10 * n:,.2f}")
        expect(card).to_contain_text(f"for each of {n} callers")
        page.screenshot(path=str(tmp_path / "compensated-en.png"), full_page=True)
        browser.close()
