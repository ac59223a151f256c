"""Taking the next order (取下一单) in headless Chromium: the back-office handler, in a
team, presses the button on their team's queue and lands on the most urgent order waiting
there, started in their name; with nothing left waiting they are told so, in English.
Their team lead reads on the team queue who took the next and who picked, and makes
taking in turn (按序取单) the team's rule: the handler then finds no start on an order of
the pool, only the way to the next."""

from __future__ import annotations

from datetime import date, timedelta

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


def _ours_alone_waiting(base: str) -> dict:
    """The demo's orders waiting for the back-office handler are taken first, so the
    urgent one sent to their team is the only one left in the pool."""
    handler = api_client(base, "backoffice")
    while handler.post("/api/v1/work-orders/next").status_code == 200:
        pass
    return _waiting_for_the_team(base)


def test_a_handler_takes_the_next_order_of_their_team(live_center: tuple[str, str]) -> None:
    from playwright.sync_api import expect, sync_playwright

    base, _ = live_center
    order = _ours_alone_waiting(base)
    handler_name = api_client(base, "backoffice").get("/api/v1/auth/me").json()["display_name"]
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
        # done with one, the next is taken from the order's page; nothing else waits
        page.locator('#order-actions [data-action="take-next"]').click()
        expect(page.locator("#take-next-error")).to_contain_text("队列中暂无待处理工单")
        # and said so in English on the queue
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


def test_a_lead_makes_the_team_take_in_turn(live_center: tuple[str, str]) -> None:
    from playwright.sync_api import expect, sync_playwright

    base, _ = live_center
    order = _ours_alone_waiting(base)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        lead = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
        sign_in(lead, base, "lead", DEMO_PASSWORD, "/orders")
        lead.goto(f"{base}/orders?view=team")
        rule = lead.locator("form.team-taking")
        expect(rule).to_contain_text("按序取单")
        rule.locator("input[name=in_turn]").check()
        expect(rule.locator(".saved")).to_be_visible()
        page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
        sign_in(page, base, "backoffice", DEMO_PASSWORD, "/orders")
        page.goto(f"{base}/orders/{order['id']}")
        actions = page.locator("#order-actions")
        expect(actions.locator(".in-turn-note")).to_contain_text("本班组按序取单")
        expect(actions.locator('[data-simple-action="start"]')).to_have_count(0)
        expect(actions.locator('[data-order-action="reply"]')).to_have_count(0)
        page.goto(f"{base}/orders?view=team")
        expect(page.locator(".in-turn-note")).to_contain_text("请点“取下一单”")
        page.locator('[data-action="take-next"]').click()
        page.wait_for_url(f"{base}/orders/{order['id']}")
        expect(page.locator(".order-hero .status")).to_have_text("处理中")
        booked = api_client(base, "lead").post(  # its visit's window shows in the queue
            f"/api/v1/work-orders/{order['id']}/appointments",
            json={
                "visit_on": str(date.today() + timedelta(days=1)),
                "from_time": "14:00",
                "to_time": "18:00",
                "address": "广州市天河区体育西路100号",
                "engineer": "张志强",
                "engineer_phone": "13920013301",
            },
        )
        assert booked.status_code == 201, booked.text
        # the lead lets the team pick again, and it holds after a reload (in English)
        lead.goto(f"{base}/lang/en?next=/orders?view=team")
        box = lead.locator("form.team-taking input[name=in_turn]")
        expect(box).to_be_checked()
        box.uncheck()
        saved = lead.locator("form.team-taking .saved")
        expect(saved).to_be_visible()  # the PUT answered before the page is read again
        expect(saved).to_have_text("Rule saved")
        lead.reload()
        expect(lead.locator("form.team-taking")).to_contain_text("Handlers take orders in turn")
        expect(lead.locator("form.team-taking input[name=in_turn]")).not_to_be_checked()
        # the English team queue, with its batch column and visit windows, fits a narrow
        # screen: a booked visit's window goes under its name rather than widen the column
        # (at 1260 px the queue ran 20 px under the card's edge before)
        lead.set_viewport_size({"width": 1260, "height": 900})
        window = lead.locator("table.orders .visit-window .when").first
        expect(window).to_be_visible()
        widths = lead.evaluate(
            "() => { const t = document.querySelector('table.orders');"
            " return [t.scrollWidth, t.parentElement.clientWidth]; }"
        )
        assert widths[0] <= widths[1], widths
        box = window.bounding_box()
        assert box and box["height"] < 20, box  # the window itself on one line
        browser.close()
