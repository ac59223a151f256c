"""What a center starts with: wrap-up codes (what a contact was about) and the SMS and
e-mail intake rules."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kefu.contact.enums import ContactChannel
from kefu.contact.models import IntakeRule, WrapUpCode

DEFAULT_WRAP_UP_CODES = (
    ("inquiry.bill", "话费账单咨询", "Bill question"),
    ("inquiry.package", "套餐业务咨询", "Package question"),
    ("request.change", "业务办理", "Service change"),
    ("complaint.new", "新投诉已建单", "Complaint registered"),
    ("complaint.follow", "投诉进度跟进", "Complaint follow-up"),
    ("fault.report", "故障申告", "Fault report"),
    ("solved.first", "一次解决", "Solved on first contact"),
    ("transfer.other", "转其他部门", "Passed to another team"),
    ("nuisance", "骚扰/无效来电", "Nuisance or silent call"),
    ("callback.reached", "回拨已联系", "Called back: reached"),
    ("callback.no_answer", "回拨未接通", "Called back: no answer"),
)


def ensure_default_wrap_up_codes(session: Session) -> int:
    """Load the default codes into an empty table; returns how many were added."""
    if session.scalar(select(func.count()).select_from(WrapUpCode)):
        return 0
    for order, (code, name, name_en) in enumerate(DEFAULT_WRAP_UP_CODES):
        session.add(WrapUpCode(code=code, name=name, name_en=name_en, sort_order=order))
    session.flush()
    return len(DEFAULT_WRAP_UP_CODES)


@dataclass(frozen=True)
class _Rule:
    channel: ContactChannel
    keyword: str
    name: str
    reply: str
    reply_en: str
    lookup: str = ""
    order_type: str = ""
    category_code: str = ""


_HELP = (
    "您好，短信回复 YE 查余额，TC 查套餐，ZD 查账单，CX 查工单进度，CB+工单号 催办，"
    "GY+日期+时段 改约上门，KF+说明 反映不明扣费，GZ+说明 申告故障。其他问题客服人员会尽快回复您。"
)
_HELP_EN = (
    "Hello. Reply YE for your balance, TC for your package, ZD for your bills, CX for your "
    "work orders, CB and "
    "an order number to chase it, GY with a day and part of it to move an engineer's visit, "
    "KF plus a note about an unknown charge, GZ plus a note to report a fault. An agent "
    "will answer anything else soon."
)
BILL_RULE_REPLY = "您近期的账单：{bills}。更多账单可登录网上客服查看。"
BILL_RULE_REPLY_EN = "Your recent bills: {bills}. See more on the web self-service page."
ORDER_STATUS_RULE_REPLY = "您的工单进度：{orders}。如需催办，请回复 CB+工单号。"
ORDER_STATUS_RULE_REPLY_EN = "Your work orders: {orders}. To chase one, reply CB and its number."
CHASE_RULE_REPLY = "已为您催办工单 {order_number}（{order_status}），处理人员将尽快与您联系。"
CHASE_RULE_REPLY_EN = (
    "We have chased work order {order_number} ({order_status}) for you; its handler will "
    "contact you soon."
)
MOVE_VISIT_RULE_REPLY = (
    "已收到您的改约申请：工单 {order_number} 的上门希望改到 {visit_day}{visit_part}，"
    "工作人员将致电与您确认新的时间。"
)
MOVE_VISIT_RULE_REPLY_EN = (
    "We have your request to move the visit of work order {order_number} to {visit_day}, "
    "{visit_part}; we will call you to agree the new time."
)
# 装维回单: field engineers texting what came of a visit (kefu.contact.engineer_report_text);
# a text from any other number is left to an agent.
ENGINEER_REPORT_RULE_REPLY = "已记录：工单 {order_number} {visit_outcome}。感谢回单。"
ENGINEER_REPORT_RULE_REPLY_EN = "Recorded: work order {order_number}, {visit_outcome}. Thank you."
# 短信回访: the answers to the invitation texted when a complaint is closed for its return
# visit (kefu.contact.sms_return_visits); deactivating them stops the invitations.
RATING_RULES = (
    _Rule(
        ContactChannel.SMS,
        "1",
        "短信回访：满意",
        "感谢您的评价，祝您生活愉快！",
        "Thank you for your rating.",
        lookup="rating",
    ),
    _Rule(
        ContactChannel.SMS,
        "2",
        "短信回访：一般",
        "感谢您的评价，我们会继续改进服务。",
        "Thank you; we will keep improving.",
        lookup="rating",
    ),
    _Rule(
        ContactChannel.SMS,
        "3",
        "短信回访：不满意",
        "抱歉未能让您满意，工单 {order_number} 已重新处理，我们会尽快与您联系。",
        "We are sorry. Work order {order_number} is being handled again; we will contact you soon.",
        lookup="rating",
    ),
)
DEFAULT_INTAKE_RULES = (
    _Rule(
        ContactChannel.SMS,
        "YE",
        "余额查询",
        "尊敬的客户，您的账户余额 {balance} 元，本月已产生费用 {month_charges} 元。",
        "Your balance is CNY {balance}; charges this month so far CNY {month_charges}.",
        lookup="balance",
    ),
    _Rule(
        ContactChannel.SMS,
        "TC",
        "套餐查询",
        "您当前的套餐为 {package}，月费 {monthly_fee} 元。",
        "Your package is {package}, CNY {monthly_fee} a month.",
        lookup="package",
    ),
    _Rule(ContactChannel.SMS, "ZD", "账单查询", BILL_RULE_REPLY, BILL_RULE_REPLY_EN, lookup="bill"),
    _Rule(
        ContactChannel.SMS,
        "CX",
        "工单进度查询",
        ORDER_STATUS_RULE_REPLY,
        ORDER_STATUS_RULE_REPLY_EN,
        lookup="orders",
    ),
    _Rule(
        ContactChannel.SMS, "CB", "短信催办", CHASE_RULE_REPLY, CHASE_RULE_REPLY_EN, lookup="chase"
    ),
    _Rule(
        ContactChannel.SMS,
        "GY",
        "短信改约上门",
        MOVE_VISIT_RULE_REPLY,
        MOVE_VISIT_RULE_REPLY_EN,
        lookup="move_visit",
    ),
    _Rule(
        ContactChannel.SMS,
        "HD",
        "装维短信回单",
        ENGINEER_REPORT_RULE_REPLY,
        ENGINEER_REPORT_RULE_REPLY_EN,
        lookup="engineer_report",
    ),
    *RATING_RULES,
    _Rule(
        ContactChannel.SMS,
        "KF",
        "短信投诉不明扣费",
        "您反映的扣费问题已受理，工单号 {order_number}，我们将在规定时限内联系您。",
        "Your charge complaint is registered as {order_number}; we will call you in time.",
        order_type="complaint",
        category_code="billing.dispute.unknown",
    ),
    _Rule(
        ContactChannel.SMS,
        "GZ",
        "短信故障申告",
        "您申告的故障已受理，工单号 {order_number}，维护人员将尽快处理。",
        "Your fault report is registered as {order_number}; our engineers will act soon.",
        order_type="fault",
        category_code="network.coverage.weak",
    ),
    _Rule(ContactChannel.SMS, "*", "其他短信（人工回复）", _HELP, _HELP_EN),
    _Rule(
        ContactChannel.EMAIL,
        "*",
        "邮件受理回执",
        "您好，我们已收到您的邮件，客服人员将在一个工作日内回复。请勿直接回复本回执。",
        "Thank you for your e-mail. An agent will answer within one working day.",
    ),
)


def ensure_default_intake_rules(session: Session) -> int:
    """Load the default SMS and e-mail rules into an empty table; returns how many."""
    if session.scalar(select(func.count()).select_from(IntakeRule)):
        return 0
    for order, rule in enumerate(DEFAULT_INTAKE_RULES):
        session.add(IntakeRule(sort_order=order * 10, **asdict(rule)))
    session.flush()
    return len(DEFAULT_INTAKE_RULES)
