"""The shipped default category taxonomy of a mobile operator, in three levels.

Admins edit the categories afterwards (the taxonomy page, or the API); this tree is only
what a new center starts with (``ensure_default_categories`` loads it into an empty
table). Leaves carry the call script (受理脚本); their unified reply templates are in
``taxonomy_replies`` (and in English, ``taxonomy_replies_en``). A center made by an
earlier version gets what was shipped since, where it has not made the category its own
(``shipped_content``).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kefu.workorders.models import Category, ReplyTemplate
from kefu.workorders.taxonomy_replies import DEFAULT_REPLIES, ENGLISH_SCRIPTS
from kefu.workorders.taxonomy_replies_en import ENGLISH_REPLIES


@dataclass(frozen=True)
class Node:
    """One category of the default tree."""

    code: str
    name: str
    name_en: str
    children: tuple[Node, ...] = ()
    script: str = ""


def _leaf(code: str, name: str, name_en: str, script: str) -> Node:
    return Node(code, name, name_en, (), script)


# Shipped problems whose service requests change no service (an invoice reissued): the
# customer is not asked to confirm them. Migration 0026 marks them in existing centers.
NO_SERVICE_CHANGE = frozenset({"billing.payment.invoice"})

ASK_TIME_PLACE = "请客户说明问题发生的时间、地点（街道/楼宇/楼层）和手机型号，是否持续发生。"
ASK_BILL = "核实机主身份后，请客户说明有疑问的费用名称、金额和账期，询问是否已查看详单。"
ASK_CONSENT = "请客户说明业务名称和首次扣费时间，询问是否曾回复短信或点击链接订购。"

DEFAULT_TREE: tuple[Node, ...] = (
    Node(
        "network",
        "网络质量",
        "Network quality",
        (
            Node(
                "network.coverage",
                "信号覆盖",
                "Coverage",
                (
                    _leaf(
                        "network.coverage.indoor",
                        "室内无信号",
                        "No indoor signal",
                        ASK_TIME_PLACE,
                    ),
                    _leaf(
                        "network.coverage.weak",
                        "信号弱/不稳定",
                        "Weak or unstable signal",
                        ASK_TIME_PLACE,
                    ),
                    _leaf(
                        "network.coverage.rural",
                        "农村/偏远地区无覆盖",
                        "No rural coverage",
                        ASK_TIME_PLACE,
                    ),
                ),
            ),
            Node(
                "network.calls",
                "通话质量",
                "Call quality",
                (
                    _leaf("network.calls.dropped", "掉话", "Dropped calls", ASK_TIME_PLACE),
                    _leaf(
                        "network.calls.noise", "杂音/单通", "Noise or one-way audio", ASK_TIME_PLACE
                    ),
                ),
            ),
            Node(
                "network.data",
                "上网质量",
                "Mobile data",
                (
                    _leaf("network.data.slow", "网速慢", "Slow data", ASK_TIME_PLACE),
                    _leaf("network.data.none", "无法上网", "No data connection", ASK_TIME_PLACE),
                ),
            ),
        ),
    ),
    Node(
        "billing",
        "计费账务",
        "Billing",
        (
            Node(
                "billing.dispute",
                "费用争议",
                "Disputed charges",
                (
                    _leaf(
                        "billing.dispute.unknown",
                        "不明扣费",
                        "Unknown deduction",
                        ASK_BILL,
                    ),
                    _leaf(
                        "billing.dispute.package",
                        "套餐费用与约定不符",
                        "Package fee not as agreed",
                        ASK_BILL,
                    ),
                    _leaf("billing.dispute.roaming", "漫游费用", "Roaming charges", ASK_BILL),
                ),
            ),
            Node(
                "billing.payment",
                "缴费充值",
                "Payments and top-ups",
                (
                    _leaf(
                        "billing.payment.missing",
                        "充值未到账",
                        "Top-up not credited",
                        "请客户提供充值时间、渠道、金额和交易流水号。",
                    ),
                    _leaf(
                        "billing.payment.invoice",
                        "发票问题",
                        "Invoices",
                        "请客户说明发票抬头、税号、账期和接收邮箱。",
                    ),
                ),
            ),
            Node(
                "billing.arrears",
                "欠费停机",
                "Arrears and suspension",
                (
                    _leaf(
                        "billing.arrears.wrong",
                        "缴费后未复机",
                        "Not restored after payment",
                        "核实缴费记录，确认余额已大于零后为客户办理复机。",
                    ),
                ),
            ),
        ),
    ),
    Node(
        "vas",
        "增值业务",
        "Value-added services",
        (
            Node(
                "vas.sp",
                "SP业务",
                "SP subscriptions",
                (
                    _leaf(
                        "vas.sp.unconsented",
                        "未经同意订购",
                        "Subscribed without consent",
                        ASK_CONSENT,
                    ),
                    _leaf("vas.sp.unsubscribe", "无法退订", "Cannot unsubscribe", ASK_CONSENT),
                ),
            ),
            Node(
                "vas.content",
                "内容与资讯业务",
                "Content services",
                (
                    _leaf(
                        "vas.content.quality",
                        "内容质量",
                        "Content quality",
                        "请客户说明业务名称、内容问题和发生时间。",
                    ),
                ),
            ),
        ),
    ),
    Node(
        "service",
        "服务质量",
        "Service",
        (
            Node(
                "service.attitude",
                "服务态度",
                "Attitude",
                (
                    _leaf(
                        "service.attitude.hotline",
                        "热线人员态度",
                        "Hotline staff attitude",
                        "记录受理时间和工号，安抚客户情绪，不评价被投诉人员。",
                    ),
                    _leaf(
                        "service.attitude.store",
                        "营业厅人员态度",
                        "Store staff attitude",
                        "记录营业厅名称、时间和人员特征。",
                    ),
                ),
            ),
            Node(
                "service.process",
                "服务流程",
                "Process",
                (
                    _leaf(
                        "service.process.waiting",
                        "等候时间过长",
                        "Long waiting time",
                        "记录等候的渠道（热线/营业厅）、时间和时长。",
                    ),
                    _leaf(
                        "service.process.promise",
                        "承诺未兑现",
                        "Promise not kept",
                        "请客户说明承诺的内容、时间、渠道和工作人员。",
                    ),
                ),
            ),
        ),
    ),
    Node(
        "marketing",
        "营销活动",
        "Marketing",
        (
            Node(
                "marketing.promotion",
                "促销规则",
                "Promotion rules",
                (
                    _leaf(
                        "marketing.promotion.terms",
                        "活动规则不清",
                        "Unclear promotion terms",
                        "请客户说明活动名称、参与渠道和时间，以及宣传时被告知的内容。",
                    ),
                    _leaf(
                        "marketing.promotion.gift",
                        "赠品/话费未到账",
                        "Gift or credit not received",
                        "请客户说明活动名称、办理时间和应得的赠品或话费。",
                    ),
                ),
            ),
            Node(
                "marketing.harassment",
                "营销骚扰",
                "Unwanted marketing",
                (
                    _leaf(
                        "marketing.harassment.calls",
                        "营销电话/短信骚扰",
                        "Marketing calls or SMS",
                        "记录来电号码和时间，询问是否需要加入免打扰名单。",
                    ),
                ),
            ),
        ),
    ),
    Node(
        "number",
        "号码业务",
        "Numbers",
        (
            Node(
                "number.status",
                "停复机",
                "Suspension and restoration",
                (
                    _leaf(
                        "number.status.suspend",
                        "申请停机",
                        "Suspension request",
                        "核实机主身份（服务密码或证件号码后四位）后办理。",
                    ),
                    _leaf(
                        "number.status.restore",
                        "申请复机",
                        "Restoration request",
                        "核实机主身份和欠费情况后办理。",
                    ),
                ),
            ),
            Node(
                "number.transfer",
                "携号转网",
                "Number portability",
                (
                    _leaf(
                        "number.transfer.out",
                        "携出受阻",
                        "Port-out blocked",
                        "核实机主身份，查询携出资格校验未通过的原因（欠费、合约、在网时长）。",
                    ),
                ),
            ),
            Node(
                "number.realname",
                "实名登记",
                "Real-name registration",
                (
                    _leaf(
                        "number.realname.wrong",
                        "登记信息有误",
                        "Wrong registration details",
                        "记录有误的登记项，请客户持本人有效证件到营业厅核验更正。",
                    ),
                ),
            ),
            Node(
                "number.services",
                "业务开通变更",
                "Service changes",
                (
                    _leaf(
                        "number.services.roaming",
                        "开通国际漫游",
                        "Open international roaming",
                        "开通前须客户确认（短信验证码或录音同意）；核实欠费和信用额度。",
                    ),
                ),
            ),
        ),
    ),
    Node(
        "broadband",
        "家庭宽带",
        "Home broadband",
        (
            Node(
                "broadband.install",
                "装机",
                "Installation",
                (
                    _leaf(
                        "broadband.install.delay",
                        "装机超时",
                        "Installation late",
                        "请客户提供受理单号、装机地址和预约时间。",
                    ),
                ),
            ),
            Node(
                "broadband.fault",
                "宽带故障",
                "Broadband faults",
                (
                    _leaf(
                        "broadband.fault.down",
                        "无法上网",
                        "No connection",
                        "请客户重启光猫和路由器，说明指示灯状态。",
                    ),
                    _leaf(
                        "broadband.fault.slow",
                        "网速慢",
                        "Slow broadband",
                        "请客户说明签约速率、测速方式（有线/无线）和测速结果。",
                    ),
                ),
            ),
        ),
    ),
    Node(
        "terminal",
        "终端设备",
        "Devices",
        (
            Node(
                "terminal.contract",
                "合约机",
                "Contract phones",
                (
                    _leaf(
                        "terminal.contract.quality",
                        "合约机质量问题",
                        "Contract phone defects",
                        "请客户说明机型、购机时间、合约编号和故障现象。",
                    ),
                ),
            ),
        ),
    ),
    Node(
        "enterprise",
        "集团业务",
        "Enterprise services",
        (
            Node(
                "enterprise.line",
                "集团专线",
                "Dedicated lines",
                (
                    _leaf(
                        "enterprise.line.down",
                        "专线中断",
                        "Line down",
                        "核实集团编号和专线编号，询问影响范围，按重要客户优先处理。",
                    ),
                ),
            ),
        ),
    ),
)


def ensure_default_categories(session: Session) -> int:
    """Load the default tree into an empty category table; returns how many were added."""
    if session.scalar(select(func.count()).select_from(Category)):
        return 0
    added = 0
    for order, node in enumerate(DEFAULT_TREE):
        added += _add(session, node, parent=None, sort_order=order)
    return added


def _add(session: Session, node: Node, *, parent: Category | None, sort_order: int) -> int:
    category = Category(
        code=node.code,
        parent_id=parent.id if parent else None,
        level=parent.level + 1 if parent else 1,
        name=node.name,
        name_en=node.name_en,
        script=node.script,
        script_en=ENGLISH_SCRIPTS.get(node.script, ""),
        sort_order=sort_order,
        changes_service=node.code not in NO_SERVICE_CHANGE,
    )
    session.add(category)
    session.flush()
    category.path = f"{parent.path if parent else '/'}{category.id}/"
    session.add_all(shipped_replies(category.id, node.code))
    return 1 + sum(
        _add(session, child, parent=category, sort_order=index)
        for index, child in enumerate(node.children)
    )


SHIPPED_REPLIES = {"zh-CN": DEFAULT_REPLIES, "en": ENGLISH_REPLIES}


def shipped_replies(
    category_id: int, code: str, languages: tuple[str, ...] = tuple(SHIPPED_REPLIES)
) -> list[ReplyTemplate]:
    """The reply templates shipped for a category's code, in the languages asked (none
    for most branches)."""
    return [
        ReplyTemplate(category_id=category_id, title=title, body=body, language=language)
        for language in languages
        for title, body in SHIPPED_REPLIES[language].get(code, ())
    ]


def all_nodes(nodes: tuple[Node, ...]) -> list[Node]:
    """Every node of the trees, each before its children."""
    return [each for node in nodes for each in (node, *all_nodes(node.children))]
