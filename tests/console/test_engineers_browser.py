"""Handing a sick engineer's day to a colleague (交接) on the engineers' page, in headless
Chromium: the visit the colleague is free for goes over, the one they are booked over
stays and is named with the clashing order, and so does the one after their working
hours; the engineer cannot be made inactive while a visit ahead is still booked for
them. What an engineer does and when they work are saved on the roster; the booking
form offers who can go, saying who is off duty then."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from chromium import CHROMIUM, api_client, open_order, requires_chromium, sign_in

from kefu.core.clock import local_today
from kefu.demo.reference import DEMO_PASSWORD

pytestmark = requires_chromium


def _order_with_visit(api, day: str, window: tuple[str, str], engineer: int) -> dict:  # type: ignore[no-untyped-def]
    order = open_order(api, "fault", "家里宽带断网，光猫红灯")
    visit = {
        "visit_on": day,
        "from_time": window[0],
        "to_time": window[1],
        "address": "广州市天河区体育西路 101 号 1203 室",
        "engineer_id": engineer,
    }
    booked = api.post(f"/api/v1/work-orders/{order['id']}/appointments", json=visit)
    assert booked.status_code == 201, booked.text
    return dict(order)


def test_a_sick_engineers_day_is_handed_over(live_center: tuple[str, str], tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    base, _ = live_center
    api = api_client(base, "supervisor")
    day = (local_today() + timedelta(days=20)).isoformat()
    board = api.get("/api/v1/engineers/board", params={"day": day}).json()
    free = {r["engineer_id"]: r for r in board["rows"] if r["engineer_id"] and not r["visits"]}
    by_day = [e for e in _roster(api).values() if e["id"] in free and e["work_end"] == "17:30:00"]
    sick, colleague = (free[e["id"]] for e in by_day[:2])  # the day shift, both
    goes = _order_with_visit(api, day, ("09:00", "12:00"), sick["engineer_id"])
    stays = _order_with_visit(api, day, ("14:00", "16:00"), sick["engineer_id"])
    late = _order_with_visit(api, day, ("18:00", "20:00"), sick["engineer_id"])  # overtime
    clash = _order_with_visit(api, day, ("15:00", "18:00"), colleague["engineer_id"])
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
        sign_in(page, base, "supervisor", DEMO_PASSWORD, "/engineers")
        row = page.locator(f'tr[data-engineer="{sick["engineer_id"]}"]')
        row.locator("[data-hand-over]").click()
        form = page.locator("#handover-form")
        expect(form).to_be_visible()
        expect(form.locator("select[name=from]")).to_have_value(str(sick["engineer_id"]))
        form.locator("select[name=to_engineer_id]").select_option(str(colleague["engineer_id"]))
        form.locator("input[name=day]").fill(day)
        form.locator("button[type=submit]").click()
        result = page.locator("#handover-result")
        expect(result).to_contain_text(f"已将 1 个上门交接给{colleague['name']}")
        left = result.locator("li")
        expect(left).to_have_count(2)
        expect(left.first).to_contain_text(stays["number"])
        expect(left.first).to_contain_text(f"与工单{clash['number']}冲突")
        expect(left.last).to_contain_text(late["number"])
        expect(left.last).to_contain_text("不在其上班时间")
        page.screenshot(path=str(tmp_path / "handover.png"), full_page=True)

        row.locator("[data-active=false]").click()  # a visit is still booked for them
        expect(page.locator("#engineer-error")).to_contain_text("请先交接给其他工程师")
        # what the colleague does: ticked on the roster, saved at once
        page.goto(f"{base}/engineers")
        row = page.locator(f'tr[data-engineer="{colleague["engineer_id"]}"]')
        box = row.locator("input[data-skill=broadband]")
        wanted = not box.is_checked()
        with page.expect_response(lambda r: r.request.method == "PATCH") as saved:
            box.set_checked(wanted)
        assert saved.value.ok
        expect(page.locator("#engineer-error")).to_be_hidden()
        # when they work: saved once both ends are given
        hours = row.locator("td.engineer-hours")
        for end, time in (("work_start", "07:30"), ("work_end", "16:30")):  # each end saves
            with page.expect_response(lambda r: r.request.method == "PATCH") as saved:
                hours.locator(f"[data-hours={end}]").fill(time)
            assert saved.value.ok
        expect(hours).to_have_class("engineer-hours nowrap saved")
        page.goto(f"{base}/orders/{goes['id']}")
        expect(page.locator(".timeline")).to_contain_text(
            f"更换工程师 {sick['name']} → {colleague['name']}"
        )
        browser.close()
    went = api.get(f"/api/v1/work-orders/{goes['id']}/appointments").json()["items"][0]
    assert went["engineer_id"] == colleague["engineer_id"]
    roster = _roster(api)
    assert ("broadband" in roster[colleague["engineer_id"]]["skills"]) is wanted
    kept = roster[colleague["engineer_id"]]
    assert (kept["work_start"], kept["work_end"]) == ("07:30:00", "16:30:00")


def _roster(api) -> dict[int, dict]:  # type: ignore[no-untyped-def]
    return {e["id"]: e for e in api.get("/api/v1/engineers").json()["items"]}


def test_the_booking_form_offers_who_can_go(live_center: tuple[str, str]) -> None:
    from playwright.sync_api import expect, sync_playwright

    base, _ = live_center
    api = api_client(base, "supervisor")
    day = (local_today() + timedelta(days=21)).isoformat()
    board = api.get("/api/v1/engineers/board", params={"day": day}).json()
    busy = next(r for r in board["rows"] if r["engineer_id"] and not r["visits"])
    taken = _order_with_visit(api, day, ("09:00", "12:00"), busy["engineer_id"])
    order = open_order(api, "fault", "家里宽带断网，光猫红灯")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="zh-CN")
        sign_in(page, base, "supervisor", DEMO_PASSWORD, f"/orders/{order['id']}")
        form = page.locator("#visit-form")
        form.locator("input[name=from_time]").fill("10:00")
        form.locator("input[name=to_time]").fill("12:00")
        form.locator("input[name=visit_on]").fill(day)
        form.locator("input[name=visit_on]").dispatch_event("change")
        pick = form.locator("select[name=engineer_id]")
        booked = pick.locator(f'option[value="{busy["engineer_id"]}"]')
        expect(booked).to_contain_text(f"已约{taken['number']}")
        expect(booked).to_be_disabled()
        expect(form.locator("[data-offer-note]")).to_be_visible()
        first = pick.locator("option").first
        expect(first).not_to_contain_text("已约")  # the best first: free then
        expect(first).not_to_contain_text("不在班")  # and working then
        late = next(e for e in _roster(api).values() if e["work_start"] == "12:00:00")
        off_duty = pick.locator(f'option[value="{late["id"]}"]')
        expect(off_duty).to_contain_text("该时段不在班")  # offered, after those working
        expect(off_duty).to_be_enabled()
        expect(pick).to_have_value(str(first.get_attribute("value")))  # the best, picked
        # the dispatcher's own pick stays when the window changes (overtime agreed)
        pick.select_option(str(late["id"]))
        form.locator("input[name=from_time]").fill("09:00")
        form.locator("input[name=from_time]").dispatch_event("change")
        expect(off_duty).to_contain_text("该时段不在班")
        expect(pick).to_have_value(str(late["id"]))
        expect(pick.locator("option").last).to_have_attribute("value", "")  # by hand, last
        browser.close()
