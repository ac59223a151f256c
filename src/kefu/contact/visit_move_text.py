"""A customer moving the engineer's visit by SMS (GY 改约): "GY 12月9日下午", "gy 明天晚上",
"GY WO20261206-000123 周六上午". The text names a day and a part of it, for the order whose
visit is booked (the one named, or the sender's only one) — or whose visit the customer
missed lately (the engineer found them out): it is booked again from that one. When the
visit's roster engineer is free then, it is moved at once and the reply says to when
(``kefu.workorders.self_moves``); otherwise the ask goes on the order as on the web
(``kefu.workorders.visit_moves``), and whoever holds the order rebooks it with them.
Anything less clear — no day, no part, two of either, a day outside the next two weeks,
several visits and none named — is left to an agent: a customer's words are never
guessed into a promise.
"""

from __future__ import annotations

import re
from calendar import monthrange
from datetime import date, timedelta

from sqlalchemy.orm import Session

from kefu.contact.models import Interaction
from kefu.contact.order_status import orders_of
from kefu.contact.replies import WHOLE_REPLY
from kefu.contact.service import link_order
from kefu.core.clock import local_today
from kefu.core.masking import subscriber_name
from kefu.workorders import appointments, self_moves, visit_moves
from kefu.workorders.enums import PartOfDay
from kefu.workorders.models import WorkOrder
from kefu.workorders.numbering import NUMBER_IN_TEXT, order_number_among
from kefu.workorders.visit_moves import PART_WORDS, MoveAsked

DAYS_AHEAD = 14
_PARTS = (
    (PartOfDay.MORNING, ("上午", "早上", "早晨", "MORNING", "AM")),
    (PartOfDay.AFTERNOON, ("下午", "中午", "AFTERNOON", "PM")),
    (PartOfDay.EVENING, ("晚上", "傍晚", "晚间", "夜里", "EVENING", "NIGHT")),
)
_RELATIVE = (("大后天", 3), ("后天", 2), ("明天", 1), ("明日", 1), ("TOMORROW", 1))
_WEEKDAYS = "一二三四五六日天"  # 日 and 天 both name Sunday
_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_MONTH_DAY = re.compile(
    r"(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?"  # 12月9日
    r"|(?<!\d)(\d{1,2})\s*[-/.]\s*(\d{1,2})(?!\d)"  # 12-9, 12/09, 12.9
)
_DAY_ONLY = re.compile(r"(?<![\d月/.-])(\d{1,2})\s*[日号]")
_WEEKDAY = re.compile(r"(下)?(?:周|星期|礼拜)([一二三四五六日天])")
_MONTH_NAMES = "|".join(_MONTHS)
_ENGLISH = re.compile(  # 9 Dec, 9 December, Dec 9 (between anything but Latin letters, digits)
    rf"(?<![A-Z0-9])(\d{{1,2}})\s*({_MONTH_NAMES})[A-Z]*(?![A-Z0-9])"
    rf"|(?<![A-Z0-9])({_MONTH_NAMES})[A-Z]*\s*(\d{{1,2}})(?![A-Z0-9])"
)


def when_asked(text: str, today: date) -> tuple[date, PartOfDay] | None:
    """The one day and part of it a text asks for; None unless exactly one of each."""
    said = NUMBER_IN_TEXT.sub(" ", text.upper())
    parts = {part for part, words in _PARTS if any(_said(word, said) for word in words)}
    days = _days(said, today)
    if len(parts) != 1 or len(days) != 1:
        return None
    return days.pop(), parts.pop()


def _said(word: str, text: str) -> bool:
    """A Chinese word anywhere; an English one as a whole word ("AM" is not in "CAME",
    and is in "谢谢AM": Chinese characters around it count as spaces)."""
    if word.isascii():
        return re.search(rf"(?<![A-Z0-9]){word}(?![A-Z0-9])", text) is not None
    return word in text


def _days(said: str, today: date) -> set[date]:
    found: set[date] = set()
    for word, ahead in _RELATIVE:
        if word in said:
            found.add(today + timedelta(days=ahead))
            said = said.replace(word, " ")  # 后天 is inside 大后天
    for match in _WEEKDAY.finditer(said):
        found.add(_weekday(today, _WEEKDAYS.index(match[2]), next_week=bool(match[1])))
    for match in _MONTH_DAY.finditer(said):
        month, day = (match[1], match[2]) if match[1] else (match[3], match[4])
        found.update(_dated(today, int(month), int(day)))
    for match in _ENGLISH.finditer(said):
        day, month = (match[1], match[2]) if match[1] else (match[4], match[3])
        found.update(_dated(today, _MONTHS.index(month[:3]) + 1, int(day)))
    if not found:
        for match in _DAY_ONLY.finditer(said):
            found.update(_day_of_month(today, int(match[1])))
    return found


def _weekday(today: date, index: int, *, next_week: bool) -> date:
    """周六: the next Saturday after today; 下周六: Saturday of next week (Monday first)."""
    weekday = min(index, 6)  # 日 and 天 are both Sunday
    if next_week:
        monday = today - timedelta(days=today.weekday()) + timedelta(days=7)
        return monday + timedelta(days=weekday)
    return today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)


def _dated(today: date, month: int, day: int) -> set[date]:
    """The next such day from today (this year, or the next); none for a day no calendar
    has."""
    for year in (today.year, today.year + 1):
        if 1 <= month <= 12 and 1 <= day <= monthrange(year, month)[1]:
            candidate = date(year, month, day)
            if candidate > today:
                return {candidate}
    return set()


def _day_of_month(today: date, day: int) -> set[date]:
    """9号: the 9th of this month if still to come, else of the next."""
    month_after = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    for first in (today.replace(day=1), month_after):
        if 1 <= day <= monthrange(first.year, first.month)[1]:
            candidate = first.replace(day=day)
            if candidate > today:
                return {candidate}
    return set()


def moved_by_text(
    session: Session, message: Interaction, *, keyword: str, zone: str
) -> dict[str, str] | None:
    """Record the move a text asks on the sender's visit; the reply's ``{order_number}``,
    ``{visit_day}`` and ``{visit_part}``. None (an agent reads it) when the text or the
    visit is not clear."""
    rest = message.body.strip()[len(keyword) :]
    today = local_today(zone)
    asked = when_asked(rest, today)
    if asked is None or not today < asked[0] <= today + timedelta(days=DAYS_AHEAD):
        return None
    order = _order_with_visit(session, message, rest)
    visit = appointments.visit_to_move(session, order.id) if order else None
    if order is None or visit is None or visit_moves.moves_asked(session, [visit]):
        return None
    move = MoveAsked(*asked)
    link_order(session, interaction=message, order_id=order.id)  # the order lists the text
    moved = self_moves.move_if_free(
        session,
        order=order,
        visit=visit,
        asked=move,
        zone=zone,
        customer=subscriber_name(message.address),
    )
    if moved is not None:  # the engineer was free: moved now, the reply says to when
        said = appointments.visit_text(order, moved, zone, message.language, moved=True)
        return {"order_number": order.number, WHOLE_REPLY: said}
    visit_moves.record_ask(
        session,
        order=order,
        visit=visit,
        asked=move,
        note=rest.strip(" :：,，"),
        customer=subscriber_name(message.address),
        via="sms",
    )
    english = message.language == "en"
    zh, en = PART_WORDS[move.part]
    return {
        "order_number": order.number,
        "visit_day": f"{move.day:%d %b}" if english else f"{move.day:%m月%d日}",
        "visit_part": en if english else zh,
    }


def _order_with_visit(session: Session, message: Interaction, rest: str) -> WorkOrder | None:
    """The order the text names, or the sender's only order with a visit booked (or to
    book again)."""
    named = order_number_among(rest)
    mine = orders_of(message.address, message.customer_id)
    if named is not None:
        return session.scalar(mine.where(WorkOrder.number == named))
    ids = list(session.scalars(mine.with_only_columns(WorkOrder.id)))
    found = set(appointments.booked_windows(session, ids)) | set(
        appointments.rebookable(session, ids)
    )
    if len(found) != 1:
        return None
    return session.get(WorkOrder, found.pop())
