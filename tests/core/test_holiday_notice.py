"""Reading the State Council's holiday notice: the published notices of the years the
``chinesecalendar`` package knows read back to exactly its days, and any notice written
in the official style reads back to the days it was written from."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from chinese_calendar import constants
from hypothesis import given, settings
from hypothesis import strategies as st

from kefu.core.holiday_notice import HOLIDAY_NAMES, read_notice, worked_weekdays
from kefu.errors import Unprocessable

NOTICE_2024 = """国务院办公厅关于2024年部分节假日安排的通知
一、元旦：1月1日放假，与周末连休。
二、春节：2月10日至17日放假调休，共8天。2月4日（星期日）、2月18日（星期日）上班。鼓励各单位结合带薪年休假等制度落实，安排职工在除夕（2月9日）休息。
三、清明节：4月4日至6日放假调休，共3天。4月7日（星期日）上班。
四、劳动节：5月1日至5日放假调休，共5天。4月28日（星期日）、5月11日（星期六）上班。
五、端午节：6月10日放假，与周末连休。
六、中秋节：9月15日至17日放假调休，共3天。9月14日（星期六）上班。
七、国庆节：10月1日至7日放假调休，共7天。9月29日（星期日）、10月12日（星期六）上班。
"""

NOTICE_2025 = """国务院办公厅关于2025年部分节假日安排的通知
一、元旦：1月1日（周三）放假1天，不调休。
二、春节：1月28日（农历除夕、周二）至2月4日（农历正月初七、周二）放假调休，共8天。1月26日（周日）、2月8日（周六）上班。
三、清明节：4月4日（周五）至6日（周日）放假，共3天。
四、劳动节：5月1日（周四）至5日（周一）放假调休，共5天。4月27日（周日）上班。
五、端午节：5月31日（周六）至6月2日（周一）放假，共3天。
六、国庆节、中秋节：10月1日（周三）至8日（周三）放假调休，共8天。9月28日（周日）、10月11日（周六）上班。
"""

NOTICE_2026 = """国务院办公厅关于2026年部分节假日安排的通知
一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。2月14日（周六）、2月28日（周六）上班。
三、清明节：4月4日（周六）至6日（周一）放假，共3天。
四、劳动节：5月1日（周五）至5日（周二）放假调休，共5天。5月9日（周六）上班。
五、端午节：6月19日（周五）至21日（周日）放假，共3天。
六、中秋节：9月25日（周五）至27日（周日）放假，共3天。
七、国庆节：10月1日（周四）至7日（周三）放假调休，共7天。9月20日（周日）、10月10日（周六）上班。
"""


def _official(year: int) -> tuple[set[date], set[date]]:
    off = {d for d in constants.holidays if d.year == year}
    worked = {d for d in constants.workdays if d.year == year}
    return off, worked


def _read(text: str, year: int | None = None) -> tuple[set[date], set[date]]:
    days = read_notice(text, year).days()
    return {d for d, (w, _) in days.items() if not w}, {d for d, (w, _) in days.items() if w}


@pytest.mark.parametrize(
    ("year", "text"), [(2024, NOTICE_2024), (2025, NOTICE_2025), (2026, NOTICE_2026)]
)
def test_published_notices_read_back_to_the_official_calendar(year: int, text: str) -> None:
    assert _read(text) == _official(year)
    notice = read_notice(text)
    assert notice.year == year
    assert worked_weekdays(notice) == []


def test_the_names_and_stated_counts_are_kept() -> None:
    notice = read_notice(NOTICE_2026)
    spring = next(h for h in notice.holidays if h.name == "春节")
    assert (spring.first, spring.last, spring.stated_days) == (
        date(2026, 2, 15),
        date(2026, 2, 23),
        9,
    )
    assert [h.name for h in read_notice(NOTICE_2025).holidays][-1] == "国庆节"
    assert read_notice(NOTICE_2025).holidays[0].stated_days == 1  # "放假1天"
    assert notice.days()[date(2026, 2, 28)] == (True, "春节")


def test_advice_to_rest_on_new_years_eve_is_not_a_holiday() -> None:
    off, _ = _read(NOTICE_2024)
    assert date(2024, 2, 9) not in off


def test_a_new_year_that_starts_in_december_and_full_width_digits() -> None:
    text = (
        "关于２０１９年部分节假日安排的通知\n"
        "一、元旦：２０１８年１２月３０日至２０１９年１月１日放假调休，共３天。"
        "２０１８年１２月２９日（星期六）上班。\n"
        "二、春节：２月４日至１０日放假调休，共７天。"
    )
    notice = read_notice(text)
    assert notice.year == 2019
    off, worked = _read(text)
    assert {date(2018, 12, 30), date(2018, 12, 31), date(2019, 1, 1)} <= off
    assert worked == {date(2018, 12, 29)}
    assert date(2019, 2, 10) in off


def test_the_year_given_wins_over_a_notice_without_a_title() -> None:
    body = NOTICE_2026.split("\n", 1)[1]
    with pytest.raises(Unprocessable) as missing:
        read_notice(body)
    assert (missing.value.code, missing.value.field) == ("notice_year_missing", "year")
    assert _read(body, 2026) == _official(2026)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("通知：没有任何节日安排的文字。", "notice_no_holidays"),
        ("春节：2月5日至13日放假调休，共8天。", "notice_count_mismatch"),
        ("春节：2月12日至5日放假调休。", "notice_range_wrong"),
        ("春节：2月5日至4月5日放假调休。", "notice_range_wrong"),
        ("春节：2月30日放假。", "notice_day_invalid"),
        ("春节：5日至12日放假。", "notice_day_without_month"),
        ("春节：请各地区、各部门妥善安排。", "notice_holiday_without_days"),
        ("春节：2月5日至12日放假。2月6日（周六）上班。", "notice_day_both"),
        ("国庆节：2028年10月1日至7日放假。", "notice_day_outside_year"),
        ("关于2028年部分节假日安排的通知 春节：2月5日放假。", "notice_year_differs"),
    ],
)
def test_a_notice_that_does_not_add_up_is_refused(text: str, code: str) -> None:
    with pytest.raises(Unprocessable) as refused:
        read_notice(text, 2027)
    assert refused.value.code == code


def test_the_whole_notice_with_its_opening_and_signature_reads_the_same() -> None:
    body = NOTICE_2026.split("\n", 1)[1]
    opening = (
        "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：\n"
        "经国务院批准，现将2026年元旦、春节、清明节、劳动节、端午节、中秋节和国庆节"
        "放假调休日期的具体安排通知如下。\n"
    )
    closing = (
        "节假日期间，各地区、各部门要妥善安排好值班和安全、保卫等工作，遇有重大突发事件，"
        "要按规定及时报告并妥善处置，确保人民群众祥和平安度过节日假期。\n"
        "国务院办公厅\n2025年11月4日\n"
    )
    assert _read(opening + body + closing) == _official(2026)
    assert read_notice(opening + body + closing).year == 2026
    # Without the title or the opening, the signature's year is not taken for the notice's.
    with pytest.raises(Unprocessable) as missing:
        read_notice(body + closing)
    assert missing.value.code == "notice_year_missing"


def test_a_weekday_said_to_be_worked_is_pointed_out() -> None:
    notice = read_notice("春节：2月6日至12日放假，共7天。2月15日（周一）上班。", 2027)
    assert worked_weekdays(notice) == [date(2027, 2, 15)]


WEEKDAYS = "一二三四五六日"


@st.composite
def notices(draw: st.DrawFn) -> tuple[int, list[tuple[str, date, date]], list[date], str]:
    """A notice in one of the official styles, and the days it was written from."""
    year = draw(st.integers(2000, 2099))
    names = draw(st.lists(st.sampled_from(HOLIDAY_NAMES), min_size=1, max_size=7, unique=True))
    starts = sorted(
        draw(st.lists(st.integers(0, 330), min_size=len(names), max_size=len(names), unique=True))
    )
    holidays, worked, taken = [], [], set()
    for name, start in zip(names, starts, strict=True):
        first = date(year, 1, 1) + timedelta(start)
        length = draw(st.integers(1, 9))
        days = [first + timedelta(n) for n in range(length) if first + timedelta(n) not in taken]
        if len(days) < length or days[-1].year != year:
            continue
        taken.update(days)
        holidays.append((name, first, days[-1]))
        for offset in draw(st.lists(st.integers(1, 12), max_size=2, unique=True)):
            day = days[-1] + timedelta(offset)
            if day.year == year and day not in taken:
                taken.add(day)
                worked.append((name, day))
    style = draw(st.sampled_from(["周", "星期", None]))
    lines = [f"国务院办公厅关于{year}年部分节假日安排的通知"]
    for place, (name, first, last) in enumerate(holidays):
        said = {n for n, _ in worked if n == name}
        line = f"{'一二三四五六七八九'[place]}、{name}：{_day(first, style, first.year)}"
        if last != first:
            same_month = last.month == first.month
            end = f"{last.day}日" if same_month else f"{last.month}月{last.day}日"
            line += f"至{end}{_aside(last, style)}"
        line += f"放假调休，共{(last - first).days + 1}天。"
        if said:
            days = [d for n, d in worked if n == name]
            line += "、".join(_day(d, style, year) for d in days) + "上班。"
        lines.append(line)
    return year, holidays, [d for _, d in worked], "\n".join(lines)


def _aside(day: date, style: str | None) -> str:
    return f"（{style}{WEEKDAYS[day.weekday()]}）" if style else ""


def _day(day: date, style: str | None, year: int) -> str:
    return f"{day.month}月{day.day}日{_aside(day, style)}"


@settings(max_examples=150, deadline=None)
@given(notices())
def test_any_notice_in_the_official_style_reads_back(
    drawn: tuple[int, list[tuple[str, date, date]], list[date], str],
) -> None:
    year, holidays, worked, text = drawn
    if not holidays:
        with pytest.raises(Unprocessable):
            read_notice(text)
        return
    off_read, worked_read = _read(text)
    expected_off = {
        first + timedelta(n) for _, first, last in holidays for n in range((last - first).days + 1)
    }
    assert (off_read, worked_read) == (expected_off, set(worked))
    assert read_notice(text).year == year


@settings(max_examples=200, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from("0123456789年月日至放假上班共天（）()、：:。春节元旦国庆节 \n"),
        max_size=120,
    )
)
def test_any_text_is_read_or_refused_clearly(text: str) -> None:
    try:
        read_notice(text, 2027)
    except Unprocessable as refused:
        assert refused.code.startswith("notice_")
