"""An engineer's day off (轮休, 请假) in headless Chromium: the dispatcher marks it on the
day's board; the engineer shows off that day, the visit still booked for them is counted
and the hand-over opens for them and that day; the booking form says they are off that
day, and the roster lists it ahead; the day is given back, in English."""

from __future__ import annotations

from datetime import timedelta

from chromium import CHROMIUM, api_client, open_order, requires_chromium, sign_in

from kefu.core.clock import local_today
from kefu.demo.reference import DEMO_PASSWORD

pytestmark = requires_chromium


def _free_engineer_booked(api, free_on: str, visit_on: str) -> tuple[dict, dict]:  # type: ignore[no-untyped-def]
    """An engineer of the board free all ``free_on``, booked for a visit on ``visit_on``
    (09:00–11:00): their board row, and the order."""
    board = api.get("/api/v1/engineers/board", params={"day": free_on}).json()
    free = next(r for r in board["rows"] if r["engineer_id"] and not r["visits"])
    order = open_order(api, "fault", "家里宽带断网，光猫红灯")
    visit = {
        "visit_on": visit_on,
        "from_time": "09:00",
        "to_time": "11:00",
        "address": "广州市天河区体育西路 101 号 1203 室",
        "engineer_id": free["engineer_id"],
    }
    assert api.post(f"/api/v1/work-orders/{order['id']}/appointments", json=visit).is_success
    return free, order


def test_a_dispatcher_marks_an_engineers_day_off(live_center: tuple[str, str]) -> None:
    from playwright.sync_api import expect, sync_playwright

    base, _ = live_center
    api = api_client(base, "supervisor")
    day = (local_today() + timedelta(days=10)).isoformat()  # the roster looks 14 ahead
    off, _ = _free_engineer_booked(api, day, day)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
        sign_in(page, base, "supervisor", DEMO_PASSWORD, "/engineers")
        page.goto(f"{base}/engineers?day={day}")
        row = page.locator(f'tr[data-engineer-row="{off["engineer_id"]}"]')
        expect(row.locator(".day-off")).to_be_hidden()
        row.locator("[data-day-off]").click()
        expect(row.locator(".day-off")).to_have_text("休息")
        expect(row.locator("[data-day-off]")).to_have_text("取消休息")
        # the visit booked that day stays with them, counted; the hand-over opens for it
        expect(page.locator("#board-status")).to_contain_text(f"{off['name']}当日仍有 1 个上门预约")
        form = page.locator("#handover-form")
        expect(form).to_be_visible()
        expect(form.locator("select[name=from]")).to_have_value(str(off["engineer_id"]))
        expect(form.locator("input[name=day]")).to_have_value(day)
        # the roster lists it among their days off ahead, once the page is read again,
        # and the board marks the visit still to hand over
        page.reload()
        expect(row.locator(".still-booked")).to_have_text("1 个上门待移交")
        listed = page.locator(f'tr[data-engineer="{off["engineer_id"]}"] .days-off-ahead')
        expect(listed).to_contain_text("休息日：")  # with the demo's own rest day
        expect(listed.locator(f'a[href="/engineers?day={day}"]')).to_have_text(day[5:])
        # the booking form offers them last that day, saying why
        order = open_order(api, "fault", "宽带时断时续")
        page.goto(f"{base}/orders/{order['id']}")
        visit_form = page.locator("#visit-form")
        visit_form.locator("input[name=from_time]").fill("14:00")
        visit_form.locator("input[name=to_time]").fill("16:00")
        visit_form.locator("input[name=visit_on]").fill(day)
        visit_form.locator("input[name=visit_on]").dispatch_event("change")
        offered = visit_form.locator(f'option[value="{off["engineer_id"]}"]')
        expect(offered).to_contain_text("当日休息")
        expect(visit_form.locator("select[name=engineer_id] option").first).not_to_contain_text(
            "当日休息"
        )
        # given back, in English; it holds after a reload
        page.goto(f"{base}/lang/en?next=/engineers?day={day}")
        row = page.locator(f'tr[data-engineer-row="{off["engineer_id"]}"]')
        expect(row.locator(".day-off")).to_have_text("Day off")
        expect(row.locator(".still-booked")).to_have_text("1 visit to hand over")
        row.locator("[data-day-off]").click()
        expect(row.locator("[data-day-off]")).to_have_text("Off this day")
        page.reload()
        expect(row.locator(".day-off")).to_be_hidden()
        # the English roster, its time fields in 12-hour form, fits 1366 px: a row's two
        # buttons go one above the other rather than past the card's edge
        roster = page.locator(".card:has(> table.roster)")
        spare = roster.evaluate("card => card.clientWidth - card.scrollWidth")
        assert spare >= 0, f"the roster runs {-spare} px past its card"
        browser.close()
    board = api.get("/api/v1/engineers/board", params={"day": day}).json()
    assert not next(r for r in board["rows"] if r["engineer_id"] == off["engineer_id"])["day_off"]


def test_a_leave_over_days_and_its_visits_handed_over(live_center: tuple[str, str]) -> None:
    from playwright.sync_api import expect, sync_playwright

    base, _ = live_center
    api = api_client(base, "supervisor")
    first, last = (local_today() + timedelta(days=n) for n in (8, 11))
    off, booked = _free_engineer_booked(api, str(first), str(first + timedelta(days=1)))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
        sign_in(page, base, "supervisor", DEMO_PASSWORD, "/engineers")
        page.locator("#leave summary").click()
        form = page.locator("#leave-form")
        form.locator("select[name=engineer]").select_option(str(off["engineer_id"]))
        form.locator("input[name=reason]").fill("年假")
        form.locator("input[name=first_day]").fill(str(first))
        form.locator("input[name=last_day]").fill(str(last))
        form.locator("button[type=submit]").click()
        result = page.locator("#leave-result")
        expect(result).to_contain_text(f"已登记{off['name']}于 {first} 至 {last} 请假（共 4 天）")
        expect(result).to_contain_text("期间仍有 1 个上门预约")
        # the hand-over opens for the leave's days, a colleague of the branch chosen
        handover = page.locator("#handover-form")
        expect(handover.locator("select[name=from]")).to_have_value(str(off["engineer_id"]))
        expect(handover.locator("input[name=day]")).to_have_value(str(first))
        expect(handover.locator("input[name=until]")).to_have_value(str(last))
        handover.locator("button[type=submit]").click()
        expect(page.locator("#handover-result")).to_contain_text("已将 1 个上门交接给")
        page.reload()
        listed = page.locator(f'tr[data-engineer="{off["engineer_id"]}"] .days-off-ahead')
        for day in (first + timedelta(days=n) for n in range(4)):  # beside the demo's rest day
            expect(listed.locator(f'a[href="/engineers?day={day}"]')).to_have_count(1)
        browser.close()
    went = api.get(f"/api/v1/work-orders/{booked['id']}/appointments").json()["items"][0]
    assert went["engineer_id"] != off["engineer_id"]
