"""Reading the State Council's yearly holiday notice (国务院办公厅关于部分节假日安排的通知).

Every November the notice gives next year's holidays and the weekend days worked in
exchange (调休), in a fixed style::

    二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。
    2月14日（周六）、2月28日（周六）上班。

The ``chinesecalendar`` package learns them only with its next release; until then the
center records them as its own calendar days. Pasting the notice saves typing twenty
dates by hand and mistyping one: a range that does not add up to the days the notice
states is refused.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from kefu.errors import Unprocessable

# The notice's names, and the keys the ``chinesecalendar`` package knows them by.
HOLIDAY_KEYS = {
    "元旦": "new_years_day",
    "春节": "spring_festival",
    "清明节": "tomb_sweeping_day",
    "劳动节": "labour_day",
    "端午节": "dragon_boat_festival",
    "中秋节": "mid_autumn_festival",
    "国庆节": "national_day",
}
HOLIDAY_NAMES = tuple(HOLIDAY_KEYS)
WORKED_SUFFIX = "调休上班"  # "春节调休上班": a day worked in exchange for 春节


def holiday_key(name: str) -> str | None:
    """The key of a holiday named as the notice names it, as a recorded day's note
    ("春节", "春节调休上班") or as the package's key; None for any other note."""
    if name in HOLIDAY_KEYS.values():
        return name
    return HOLIDAY_KEYS.get(name.removesuffix(WORKED_SUFFIX))


_NAME = "|".join(HOLIDAY_NAMES)
# A section's heading: "二、春节：" (the number optional), or "国庆节、中秋节：".
_HEADING = re.compile(rf"(?:[一二三四五六七八九十]+、)?((?:{_NAME})(?:、(?:{_NAME}))*):")
_DATE = re.compile(r"(?:(\d{4})年)?(?:(\d{1,2})月)?(\d{1,2})日")
_ASIDE = re.compile(r"\([^()]*\)")  # "(农历腊月二十八、周日)": what the day is, not a day
_STATED = re.compile(r"(?:共|放假)(\d{1,2})天")
_SENTENCE_END = re.compile(r"[。;\n]")
LONGEST_HOLIDAY = 15  # days: no holiday has run longer; a longer range is a typo


@dataclass(frozen=True)
class NoticeHoliday:
    """One holiday of the notice: its name and its days off, first to last."""

    name: str
    first: date
    last: date
    stated_days: int | None  # "共8天", when the notice says

    @property
    def days(self) -> list[date]:
        """Every day off, in order."""
        return [self.first + timedelta(n) for n in range((self.last - self.first).days + 1)]


@dataclass(frozen=True)
class NoticeWorkday:
    """A day worked in exchange for a holiday (usually a Saturday or Sunday)."""

    day: date
    name: str


@dataclass(frozen=True)
class Notice:
    """What a year's notice decides."""

    year: int
    holidays: tuple[NoticeHoliday, ...]
    workdays: tuple[NoticeWorkday, ...]

    def days(self) -> dict[date, tuple[bool, str]]:
        """Every day the notice names: whether it is worked, and the holiday's name."""
        named = {d: (False, h.name) for h in self.holidays for d in h.days}
        return named | {w.day: (True, w.name) for w in self.workdays}


def _refused(code: str, **params: Any) -> Unprocessable:
    return Unprocessable(code, field="text", **params)


def notice_year(text: str) -> int | None:
    """The year a notice is about, from its title ("关于2027年部分节假日安排的通知") or its
    opening ("现将2027年元旦、春节……"); None when neither was pasted (a date in its
    signature is the year before)."""
    plain = _normalized(text)
    found = re.search(r"(\d{4})年(?:部分)?节假日", plain) or re.search(r"现将(\d{4})年", plain)
    return int(found[1]) if found else None


def read_notice(text: str, year: int | None = None) -> Notice:
    """The holidays and worked days of a notice, for the year given or the one it names.

    Only sentences that give days off (放假) or days worked (上班) count: a notice's
    advice ("鼓励……在除夕休息") names days that are neither.
    """
    plain = _normalized(text)
    named = notice_year(text)
    if year is not None and named is not None and year != named:
        raise Unprocessable("notice_year_differs", field="year", year=year, named=named)
    year = year or named
    if year is None:
        raise Unprocessable("notice_year_missing", field="year")
    headings = list(_HEADING.finditer(plain))
    if not headings:
        raise _refused("notice_no_holidays")
    holidays: list[NoticeHoliday] = []
    workdays: list[NoticeWorkday] = []
    for place, heading in enumerate(headings):
        end = headings[place + 1].start() if place + 1 < len(headings) else len(plain)
        name = heading[1].split("、")[0]
        section = plain[heading.end() : end]
        found_off = False
        for sentence in _SENTENCE_END.split(section):
            if "放假" in sentence:
                holidays.append(_days_off(sentence, name, year))
                found_off = True
            elif "上班" in sentence:
                before = _ASIDE.sub("", sentence.split("上班")[0])
                workdays += [NoticeWorkday(d, name) for d in _dates(before, year, name)]
        if not found_off:
            raise _refused("notice_holiday_without_days", name=name)
    notice = Notice(year, tuple(holidays), tuple(workdays))
    _check_days(notice)
    return notice


def _normalized(text: str) -> str:
    """Full-width digits, brackets and colons made plain; spaces and line ends kept only
    as sentence ends."""
    plain = unicodedata.normalize("NFKC", text)
    return re.sub(r"[ \t\u3000]+", "", plain)


def _days_off(sentence: str, name: str, year: int) -> NoticeHoliday:
    """ "1月28日(…)至2月4日(…)放假调休,共8天" as a holiday."""
    before, _, after = sentence.partition("放假")
    dates = _dates(_ASIDE.sub("", before), year, name)
    if not 1 <= len(dates) <= 2 or (len(dates) == 2 and "至" not in before):
        raise _refused("notice_holiday_without_days", name=name)
    first, last = dates[0], dates[-1]
    if last < first or (last - first).days >= LONGEST_HOLIDAY:
        raise _refused("notice_range_wrong", name=name, first=first, last=last)
    stated = _STATED.search("放假" + after)
    holiday = NoticeHoliday(name, first, last, int(stated[1]) if stated else None)
    if holiday.stated_days is not None and holiday.stated_days != len(holiday.days):
        raise _refused(
            "notice_count_mismatch",
            name=name,
            first=first,
            last=last,
            counted=len(holiday.days),
            stated=holiday.stated_days,
        )
    return holiday


def _dates(part: str, year: int, name: str) -> list[date]:
    """The dates written in a part of a sentence; a date without its month or year takes
    the one before it ("2月15日至23日"), the first takes the notice's year."""
    found: list[date] = []
    month: int | None = None
    for match in _DATE.finditer(part):
        year = int(match[1]) if match[1] else year
        month = int(match[2]) if match[2] else month
        if month is None:
            raise _refused("notice_day_without_month", name=name)
        try:
            found.append(date(year, month, int(match[3])))
        except ValueError:
            raise _refused("notice_day_invalid", name=name, day=match[0]) from None
    return found


def _check_days(notice: Notice) -> None:
    """Every day within the notice's year (元旦 may start the December before), and none
    both off and worked."""
    earliest, latest = date(notice.year - 1, 12, 1), date(notice.year, 12, 31)
    off = {d for h in notice.holidays for d in h.days}
    for day in sorted(off | {w.day for w in notice.workdays}):
        if not earliest <= day <= latest:
            raise _refused("notice_day_outside_year", day=day, year=notice.year)
        if day in off and any(w.day == day for w in notice.workdays):
            raise _refused("notice_day_both", day=day)


def worked_weekdays(notice: Notice) -> list[date]:
    """Days the notice says are worked that are Monday to Friday anyway: worth a look,
    since a swapped workday is a Saturday or a Sunday."""
    return [w.day for w in notice.workdays if w.day.weekday() < 5]
