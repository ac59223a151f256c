"""Taking the next order (取下一单) in headless Chromium: the back-office handler, in a
team, presses the button on their team's queue and lands on the most urgent order waiting
there, started in their name; with nothing left waiting they are told so, in English.
Their team lead reads on the team queue who took the next and who picked."""

from __future__ import annotations

from chromium import CHROMIUM, api_client, open_order, requires_chromium, sign_in

from kefu.demo.reference import DEMO_PASSWORD

pytestmark = requires_chromium


def _waiting_for_the_team(base: str) -> dict:
    """An urgent order sent to the back-office handler's team, not to anyone in it."""
    supervisor = api_client(base, "supervisor")
    staff = supervisor.get("/api/v1/staff", params={"q": "backoffice"}).json()["items"]
    team_id = next(s["team_id"] for s in staff if s["username"] == "backoffice")
    order = open_order(supervisor, "complaint", "话费被多扣了二十元")
    url = f"/api/v1/work-orders/{order['id']}"
    triaged = supervisor.post(
        f"{url}/triage",
        json={"triage": "urgent", "reason": "客户称要向工信部申诉"},
        headers={"If-Match": f'"{order["version"]}"'},
    )
    assert triaged.status_code == 200, triaged.text
    sent = supervisor.post(
        f"{url}/dispatch",
        json={"team_id": team_id},
        headers={"If-Match": f'"{triaged.json()["version"]}"'},
    )
    assert sent.status_code == 200, sent.text
    return dict(sent.json())


def test_a_handler_takes_the_next_order_of_their_team(live_center: tuple[str, str]) -> None:
    from playwright.sync_api import expect, sync_playwright

    base, _ = live_center
    handler = api_client(base, "backoffice")
    while handler.post("/api/v1/work-orders/next").status_code == 200:
        pass  # whatever the demo left waiting for them is taken first
    order = _waiting_for_the_team(base)
    handler_name = handler.get("/api/v1/auth/me").json()["display_name"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
        sign_in(page, base, "backoffice", DEMO_PASSWORD, "/orders")
        page.goto(f"{base}/orders?view=team")
        take = page.locator('[data-action="take-next"]')
        expect(take).to_have_text("取下一单")
        take.click()
        page.wait_for_url(f"{base}/orders/{order['id']}")
        expect(page.locator(".order-hero .status")).to_have_text("处理中")
        expect(page.locator(".timeline")).to_contain_text("取下一单")
        # nothing else waits: said so, in English
        page.goto(f"{base}/lang/en?next=/orders?view=mine")
        page.locator('[data-action="take-next"]').click()
        expect(page.locator("#take-next-error")).to_contain_text("Nothing waits in your queue")
        # the team lead reads who took the next and who picked from the list
        lead = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
        sign_in(lead, base, "lead", DEMO_PASSWORD, "/orders")
        lead.goto(f"{base}/orders?view=team")
        starts = lead.locator("#team-starts")
        expect(starts.locator("h2")).to_have_text("近30天开始处理的工单")
        mine = starts.locator("li", has_text=handler_name)
        expect(mine).to_contain_text("取下一单")
        browser.close()
