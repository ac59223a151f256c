"""A field engineer's report by text (HD 回单): "HD WO20261208-000123 完成" when the visit
was made, "HD WO20261208-000123 不在" when nobody was at home; the order number may be
left out when the engineer has one visit of today under way. The visit closes at once
(``kefu.workorders.engineer_reports``) and the reply says so; a report that cannot close
it is answered with why, so the engineer can send it again right. A text from a number
that is no roster engineer's is left to an agent, like any text no rule answers.
"""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from kefu.contact.models import Interaction
from kefu.contact.replies import WHOLE_REPLY
from kefu.contact.service import link_order
from kefu.errors import Conflict
from kefu.workorders import appointments
from kefu.workorders.engineer_reports import (
    NotReportable,
    Report,
    close_reported,
    engineer_texting,
    visit_to_report,
)
from kefu.workorders.numbering import NUMBER_IN_TEXT, order_number_among

# Nobody at home is looked for first: "客户不在，未完成" is a visit nobody met, while
# "未完成" alone is a visit made and a fault still open (the holder reads the words).
_NOBODY = ("不在", "无人", "没人", "未遇", "未见", "联系不上", "ABSENT", "NOBODY", "OUT")
_MADE = ("完成", "完工", "修复", "修好", "已上门", "已处理", "DONE", "OK", "MADE")
_DIGIT = re.compile(r"(?<![0-9A-Z])([12])(?![0-9A-Z])")  # 1 made, 2 nobody at home

_HOW = (
    "回单格式：HD 工单号 完成，或 HD 工单号 不在（客户不在家）。",
    "To report a visit, reply HD, the order number and DONE, or ABSENT when nobody was in.",
)
_REFUSED = {
    "not_yours": (
        "工单 {number} 没有派给您的待上门预约，请核对工单号。",
        "Work order {number} has no visit booked for you; please check the number.",
    ),
    "name_the_order": (
        "请写明工单号，如 HD WO20261208-000123 完成。",
        "Please name the order: HD WO20261208-000123 DONE.",
    ),
    "not_yet": (
        "工单 {number} 的上门在 {window}，当天才能回单。",
        "The visit of work order {number} is on {window}; report it on the day.",
    ),
    "window_not_begun": (
        "工单 {number} 的上门时段 {window} 尚未开始，开始后才能回报客户不在。",
        "The window of work order {number}, {window}, has not begun yet.",
    ),
    "closed": (
        "工单 {number} 的这次上门已结单，无需再回单。",
        "The visit of work order {number} is already closed.",
    ),
}
_OUTCOME = {
    True: ("上门已完成", "visit made"),
    False: ("客户不在，已告知客户改约", "nobody at home"),
}


def report_in(text: str) -> Report | None:
    """What the text says of the visit; None when it says neither, or both digits."""
    said = NUMBER_IN_TEXT.sub(" ", text.upper())
    words = " ".join(NUMBER_IN_TEXT.sub(" ", text).split()).strip(" :：,，")  # the note kept
    if any(_said(word, said) for word in _NOBODY):
        return Report(made=False, words=words)
    if any(_said(word, said) for word in _MADE):
        return Report(made=True, words=words)
    digits = set(_DIGIT.findall(said))
    if len(digits) == 1:
        return Report(made=digits == {"1"}, words=words)
    return None


def _said(word: str, text: str) -> bool:
    """A Chinese word anywhere; an English one as a whole word (OUT is not in ABOUT)."""
    if word.isascii():
        return re.search(rf"(?<![A-Z0-9]){word}(?![A-Z0-9])", text) is not None
    return word in text


def reported_by_text(
    session: Session, message: Interaction, *, keyword: str, zone: str
) -> dict[str, str] | None:
    """Close the visit the engineer reports; the reply's ``{order_number}`` and
    ``{visit_outcome}``, or the whole reply saying why not. None: no engineer sent it."""
    engineer = engineer_texting(session, message.address)
    if engineer is None:
        return None
    english = message.language == "en"
    rest = message.body.strip()[len(keyword) :]
    report = report_in(rest)
    if report is None:
        return {WHOLE_REPLY: _HOW[english]}
    named = order_number_among(rest)
    try:
        order, visit = visit_to_report(session, engineer, named, zone)
    except NotReportable as refused:
        return {WHOLE_REPLY: _REFUSED[refused.code][english].format(number=named, window="")}
    try:
        close_reported(
            session, engineer=engineer, order=order, visit=visit, report=report, zone=zone
        )
    except NotReportable as refused:
        window = appointments.window_text(visit.starts_at, visit.ends_at, zone, english=english)
        said = _REFUSED[refused.code][english].format(number=order.number, window=window)
        return {WHOLE_REPLY: said}
    except Conflict:  # closed from the console a moment before
        return {WHOLE_REPLY: _REFUSED["closed"][english].format(number=order.number)}
    link_order(session, interaction=message, order_id=order.id)
    return {"order_number": order.number, "visit_outcome": _OUTCOME[report.made][english]}
