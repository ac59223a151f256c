"""The service-figures dashboard in headless Chromium on each database: the tiles, the
chart and the table are drawn from the demo's past calls, a figure opens the records it
counts (from the table and from a chart point), a filter narrows the figures and stays
for the next visit, and the English page says the same in English."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from chromium import CHROMIUM, requires_chromium, sign_in

from kefu.demo.reference import DEMO_PASSWORD

pytestmark = requires_chromium


# true once the page has not scrolled for one animation frame
STILL = """() => new Promise((done) => {
  const y = window.scrollY;
  requestAnimationFrame(() => requestAnimationFrame(() => done(window.scrollY === y)));
})"""


def _day_of(shown: str) -> str:
    """The day of a time as the console shows it, on the center's clock
    (``2026-11-03 14:05:09``, whatever the browser's zone)."""
    return datetime.strptime(shown, "%Y-%m-%d %H:%M:%S").date().isoformat()


def test_a_supervisor_reads_the_service_figures_and_opens_the_records_behind_one(
    live_center: tuple[str, str], tmp_path: Path
) -> None:
    from playwright.sync_api import expect, sync_playwright

    base, _ = live_center
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        # a browser set to another zone still lists each day's records on the center's
        # clock (New York is twelve or thirteen hours behind Beijing)
        page = browser.new_page(
            viewport={"width": 1440, "height": 1300},
            locale="zh-CN",
            timezone_id="America/New_York",
        )
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        sign_in(page, base, "supervisor", DEMO_PASSWORD, "/analysis/kpis")
        expect(page.locator("#kpis[data-ready=true]")).to_be_attached(timeout=30_000)
        tiles = page.locator(".kpi-tile")
        expect(tiles).to_have_count(16)
        expect(tiles.first).to_contain_text("呼入人工量")
        expect(tiles.filter(has_text="百万用户申诉率")).to_have_count(1)
        # the share of return visits customers gave themselves (by text, on the web)
        expect(tiles.filter(has_text="客户自助回访占比").locator("strong")).to_contain_text("%")
        expect(tiles.filter(has_text="工程师爽约率")).to_have_count(1)  # engineers' no-shows
        expect(tiles.filter(has_text="回单及时率")).to_have_count(1)  # reported on time
        assert int(tiles.first.locator("strong").inner_text().replace(",", "")) > 20
        expect(page.locator("#kpi-chart .scatterlayer .trace")).to_have_count(1)

        page.select_option("select[name=dimension]", "tier")
        page.click("#kpi-form button[type=submit]")
        expect(page.locator("#kpi-table tbody tr").first).to_contain_text("钻石卡")
        expect(page.locator("#kpi-table tbody tr.total")).to_contain_text("合计")
        assert page.locator("#kpi-chart .scatterlayer .trace").count() >= 4
        # the service level of all tiers opens the calls it was counted from (a single
        # tier of a 300-subscriber demo may have had no calls in the period)
        page.locator("#kpi-table tbody tr.total").locator("button").nth(4).click()
        expect(page.locator("#drill")).to_be_visible()
        expect(page.locator("#drill-title")).to_have_text("服务水平")
        expect(page.locator("#drill-table tbody tr").first).to_be_visible()
        assert page.locator("#drill-table tbody tr").count() <= 50  # one page
        numbers = page.locator("#drill-table tbody tr td:nth-child(3)").all_inner_texts()
        assert all("****" in n for n in numbers)  # a supervisor sees numbers masked

        # a chart point opens that day's records of that tier
        point = page.locator("#kpi-chart .scatterlayer path.point").last
        point.scroll_into_view_if_needed()
        page.wait_for_function(STILL)  # the drill panel scrolled smoothly; let it settle
        box = point.bounding_box()
        assert box is not None
        # Plotly finds the point under the pointer as it moves, then takes the click
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, steps=4)
        expect(page.locator("#kpi-chart .hoverlayer .hovertext").first).to_be_attached()
        page.mouse.down()
        page.mouse.up()
        one_day = re.compile(r"^服务水平 · \d{4}-\d{2}-\d{2}$")
        expect(page.locator("#drill-title")).to_have_text(one_day)
        day = page.locator("#drill-title").inner_text()[-10:]
        times = page.locator("#drill-table tbody tr td:nth-child(2)").all_inner_texts()
        assert times and all(_day_of(t) == day for t in times), (day, times)

        # a filter narrows every figure, and the address holds the whole view
        whole = page.locator(".kpi-tile").first.locator("strong").inner_text()
        page.select_option("select[name=brand]", "gotone")
        expect(page).to_have_url(re.compile(r"brand=gotone"))
        expect(page.locator(".kpi-tile").first.locator("strong")).not_to_have_text(whole)
        assert "dimension=tier" in page.url
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(tmp_path / "kpis-zh.png"), full_page=True)

        # the next visit starts from the same grouping and filters
        page.goto(f"{base}/analysis/kpis")
        expect(page.locator("#kpis[data-ready=true]")).to_be_attached(timeout=30_000)
        expect(page.locator("select[name=dimension]")).to_have_value("tier")
        expect(page.locator("select[name=brand]")).to_have_value("gotone")
        page.click("#kpi-clear")
        expect(page.locator(".kpi-tile").first.locator("strong")).to_have_text(whole)

        page.click('[data-lang="en"]')
        expect(page.locator("#kpis[data-ready=true]")).to_be_attached(timeout=30_000)
        expect(page.locator(".kpi-tile").first).to_contain_text("Calls offered")
        page.screenshot(path=str(tmp_path / "kpis-en.png"), full_page=True)
        browser.close()
    # Plotly's map style injection is the only thing the content policy refuses
    assert all("inline style" in e for e in errors), errors


def test_an_early_warning_is_shown_and_acknowledged(
    live_center_database: tuple[str, str, str], tmp_path: Path
) -> None:
    from playwright.sync_api import expect, sync_playwright

    from kefu.analytics.models import Alert
    from kefu.core.clock import local_today
    from kefu.core.db import make_engine, make_sessionmaker

    base, _, url = live_center_database
    engine = make_engine(url)
    with make_sessionmaker(engine)() as session, session.begin():
        session.add(
            Alert(
                rule="service_level_low",
                subject="center",
                day=local_today(),
                value=0.62,
                threshold=0.8,
                detail="{}",
            )
        )
    engine.dispose()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
        sign_in(page, base, "supervisor", DEMO_PASSWORD, "/analysis/kpis")
        card = page.locator("#alerts-card")
        expect(card).to_be_visible()
        item = card.locator("li").first
        expect(item).to_contain_text("服务水平低于 80%")
        expect(item).to_contain_text("62.0%")
        page.screenshot(path=str(tmp_path / "alerts-zh.png"))
        item.locator("button").click()
        expect(card).to_be_hidden()
        browser.close()
