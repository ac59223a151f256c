"""The shipped reply templates (统一答复口径) of the default taxonomy, by category code,
and its call scripts in English.

{order_number}, {customer_name} and {due} are filled from the order; every other blank
({amount}, {date} …) is the agent's to fill, and a reply with one left is refused.
"""

from __future__ import annotations

Reply = tuple[str, str]  # title, body

_CALL_BACK = "如仍有问题请回电 10086。"

DEFAULT_REPLIES: dict[str, tuple[Reply, ...]] = {
    "network.coverage.indoor": (
        (
            "已派单优化",
            "尊敬的{customer_name}：您反映的{address}室内信号问题已转网络优化部门处理，"
            "我们将在{due}前给您答复。工单号{order_number}。",
        ),
    ),
    "network.coverage.weak": (
        (
            "已派单测试",
            "尊敬的{customer_name}：您反映的{address}信号弱问题已转网络优化部门现场测试，"
            "我们将在{due}前答复处理结果。工单号{order_number}。",
        ),
    ),
    "network.coverage.rural": (
        (
            "纳入建设规划",
            "尊敬的{customer_name}：您反映的{address}无信号覆盖问题已提交网络建设部门评估，"
            "计划于{date}前完成站点建设。工单号{order_number}。",
        ),
    ),
    "network.calls.dropped": (
        (
            "已优化",
            "尊敬的{customer_name}：经测试，{address}附近基站已于{date}完成参数优化，"
            f"掉话问题已改善。{_CALL_BACK}工单号{{order_number}}。",
        ),
    ),
    "network.calls.noise": (
        (
            "已处理",
            "尊敬的{customer_name}：您反映的通话杂音/单通问题已处理，原因为{reason}。"
            f"{_CALL_BACK}工单号{{order_number}}。",
        ),
    ),
    "network.data.slow": (
        (
            "已派单优化",
            "尊敬的{customer_name}：您反映的{address}网速慢问题已转网络优化部门处理，"
            "我们将在{due}前答复。工单号{order_number}。",
        ),
    ),
    "network.data.none": (
        (
            "已恢复",
            "尊敬的{customer_name}：您的上网故障已处理，原因为{reason}。请重启手机后使用，"
            f"{_CALL_BACK}工单号{{order_number}}。",
        ),
    ),
    "billing.dispute.unknown": (
        (
            "核实后退费",
            "尊敬的{customer_name}：经核实，{month}的{item}费用属于误扣，"
            "已为您退还{refund}元至话费账户，到账时将短信通知您。给您带来不便，敬请谅解。",
        ),
        (
            "核实无误并解释",
            "尊敬的{customer_name}：经核实，{month}的{item}费用{amount}元为您{date}订购的业务"
            "正常产生，详单可在手机营业厅查询。如需退订请回复，我们将为您办理。",
        ),
    ),
    "billing.dispute.package": (
        (
            "核实后调整",
            "尊敬的{customer_name}：经核实，您{month}的套餐费用与办理时约定不符，"
            "已为您调整并退还差额{refund}元至话费账户，到账时将短信通知您。",
        ),
    ),
    "billing.dispute.roaming": (
        (
            "解释漫游计费",
            "尊敬的{customer_name}：经核实，您{month}的漫游费用{amount}元产生于{date}在{place}的"
            f"通话和上网，计费标准为{{rate}}。{_CALL_BACK}",
        ),
    ),
    "billing.payment.missing": (
        (
            "已补到账",
            "尊敬的{customer_name}：您{date}通过{channel}充值的{amount}元已核实并补充到账，"
            "请查询余额。给您带来不便，敬请谅解。",
        ),
    ),
    "billing.payment.invoice": (
        (
            "已重开发票",
            "尊敬的{customer_name}：您申请的{month}电子发票已重新开具，并发送至您的邮箱{email}。"
            "工单号{order_number}。",
        ),
    ),
    "billing.arrears.wrong": (
        (
            "已复机",
            "尊敬的{customer_name}：您的号码已于{time}恢复使用。缴费后系统通常在30分钟内自动复机，"
            "给您带来不便，敬请谅解。",
        ),
    ),
    "vas.sp.unconsented": (
        (
            "退订并退费",
            "尊敬的{customer_name}：已为您退订{item}，并退还相关费用{refund}元。"
            "如需屏蔽此类业务，可回复短信 0000 查询并退订。",
        ),
    ),
    "vas.sp.unsubscribe": (
        (
            "已退订",
            "尊敬的{customer_name}：已为您退订{item}，次月起不再收费。"
            "今后可发送短信 0000 到 10086 查询和退订业务。",
        ),
    ),
    "vas.content.quality": (
        (
            "已反馈整改",
            "尊敬的{customer_name}：您反映的{item}内容问题已反馈业务提供方整改，"
            "我们将在{due}前回复处理结果。工单号{order_number}。",
        ),
    ),
    "service.attitude.hotline": (
        (
            "致歉",
            "尊敬的{customer_name}：对您反映的服务态度问题我们深表歉意，已对相关人员进行教育"
            "并纳入考核。感谢您的监督。",
        ),
    ),
    "service.attitude.store": (
        (
            "致歉",
            "尊敬的{customer_name}：对{store}工作人员的服务态度问题我们深表歉意，"
            "营业厅已对相关人员进行教育并整改。感谢您的监督。",
        ),
    ),
    "service.process.waiting": (
        (
            "致歉并说明",
            "尊敬的{customer_name}：对您等候时间过长我们深表歉意。我们已在高峰时段增加服务人员，"
            "您也可以通过网上营业厅和手机营业厅办理业务。",
        ),
    ),
    "service.process.promise": (
        (
            "兑现承诺",
            "尊敬的{customer_name}：经核实，{date}工作人员承诺的{item}已为您办理完成。"
            "对未能按时兑现我们深表歉意。工单号{order_number}。",
        ),
    ),
    "marketing.promotion.terms": (
        (
            "解释活动规则",
            "尊敬的{customer_name}：您参加的{item}活动规则为：{terms}。"
            "如宣传与规则不符，我们将按宣传内容为您处理。",
        ),
    ),
    "marketing.promotion.gift": (
        (
            "已补发",
            "尊敬的{customer_name}：您参加{item}活动应得的{gift}已于{date}补发到账，请查收。"
            "给您带来不便，敬请谅解。",
        ),
    ),
    "marketing.harassment.calls": (
        (
            "已加入免打扰",
            "尊敬的{customer_name}：已将您的号码加入营销免打扰名单，三个工作日内生效。"
            "对打扰您我们深表歉意。",
        ),
    ),
    "number.status.suspend": (
        (
            "已停机",
            "尊敬的{customer_name}：您的号码已按您的申请于{time}办理停机。如需恢复，"
            "请携带身份证件到营业厅或拨打 10086 办理复机。",
        ),
    ),
    "number.status.restore": (
        ("已复机", "尊敬的{customer_name}：您的号码已于{time}恢复使用，感谢您的支持。"),
    ),
    "number.transfer.out": (
        (
            "已解除限制",
            "尊敬的{customer_name}：您号码的携出限制（{reason}）已解除，可发送短信 CXXZ 到 10086 "
            "重新查询携号转网资格。工单号{order_number}。",
        ),
    ),
    "number.realname.wrong": (
        (
            "已更正",
            f"尊敬的{{customer_name}}：您号码的实名登记信息已按您的证件更正完成。{_CALL_BACK}",
        ),
    ),
    "number.services.roaming": (
        (
            "已开通",
            "尊敬的{customer_name}：经您确认，您的国际漫游已于{time}开通。"
            "出行前请确认目的地资费，可发送 MY 到 10086 查询。",
        ),
    ),
    "broadband.install.delay": (
        (
            "已预约装机",
            "尊敬的{customer_name}：您的宽带装机已重新预约在{date}{time}，装维人员将提前与您联系。"
            "对装机延误我们深表歉意。工单号{order_number}。",
        ),
    ),
    "broadband.fault.down": (
        (
            "已修复",
            "尊敬的{customer_name}：您的宽带故障已修复，原因为{reason}。"
            f"{_CALL_BACK}工单号{{order_number}}。",
        ),
    ),
    "broadband.fault.slow": (
        (
            "已测速处理",
            "尊敬的{customer_name}：经上门测速，您的宽带速率为{speed}，处理结果：{result}。"
            "建议使用网线或 5G 频段 Wi-Fi 连接以获得更好体验。",
        ),
    ),
    "terminal.contract.quality": (
        (
            "已安排检测",
            "尊敬的{customer_name}：您的合约机已安排到{store}检测，符合三包条件的将为您维修或更换。"
            "工单号{order_number}。",
        ),
    ),
    "enterprise.line.down": (
        (
            "已恢复",
            "尊敬的{customer_name}：贵单位专线{line}已于{time}恢复，中断原因为{reason}。"
            "我们将加强维护，保障业务稳定。工单号{order_number}。",
        ),
    ),
}

# Each shipped call script in English, for agents working in English. The Chinese text
# is the key: several categories share one script.
ENGLISH_SCRIPTS: dict[str, str] = {
    "请客户说明问题发生的时间、地点（街道/楼宇/楼层）和手机型号，是否持续发生。": (
        "Ask when and where it happens (street, building, floor), which phone the customer "
        "uses, and whether it goes on."
    ),
    "核实机主身份后，请客户说明有疑问的费用名称、金额和账期，询问是否已查看详单。": (
        "Once the holder is verified, ask which charge is in question, its amount and billing "
        "month, and whether the customer has looked at the itemized bill."
    ),
    "请客户说明业务名称和首次扣费时间，询问是否曾回复短信或点击链接订购。": (
        "Ask for the service's name and when it was first charged, and whether the customer "
        "ever replied to a text or clicked a link to subscribe."
    ),
    "开通前须客户确认（短信验证码或录音同意）；核实欠费和信用额度。": (
        "The customer must confirm before it is opened (a texted code or recorded consent); "
        "check arrears and the credit limit."
    ),
    "核实机主身份和欠费情况后办理。": ("Verify the holder and check arrears, then carry it out."),
    "核实机主身份（服务密码或证件号码后四位）后办理。": (
        "Verify the holder (service password or the last four characters of the ID number), "
        "then carry it out."
    ),
    "核实机主身份，查询携出资格校验未通过的原因（欠费、合约、在网时长）。": (
        "Verify the holder and look up why the port-out check failed (arrears, a contract, "
        "time on the network)."
    ),
    "核实缴费记录，确认余额已大于零后为客户办理复机。": (
        "Check the payment record; once the balance is above zero, restore the line."
    ),
    "核实集团编号和专线编号，询问影响范围，按重要客户优先处理。": (
        "Confirm the enterprise and line numbers, ask what is affected, and handle it as a "
        "key customer."
    ),
    "记录受理时间和工号，安抚客户情绪，不评价被投诉人员。": (
        "Note the time of the call and the staff number; calm the customer and do not judge "
        "the colleague complained of."
    ),
    "记录有误的登记项，请客户持本人有效证件到营业厅核验更正。": (
        "Note which registration details are wrong; the customer brings a valid ID to a store "
        "to have them checked and corrected."
    ),
    "记录来电号码和时间，询问是否需要加入免打扰名单。": (
        "Note the calling number and time, and ask whether the customer wants to be on the "
        "do-not-disturb list."
    ),
    "记录等候的渠道（热线/营业厅）、时间和时长。": (
        "Note where the customer waited (hotline or store), when, and for how long."
    ),
    "记录营业厅名称、时间和人员特征。": (
        "Note the store, the time, and how the staff member can be recognised."
    ),
    "请客户提供充值时间、渠道、金额和交易流水号。": (
        "Ask for the top-up's time, channel, amount and transaction number."
    ),
    "请客户提供受理单号、装机地址和预约时间。": (
        "Ask for the application number, the installation address and the appointment time."
    ),
    "请客户说明业务名称、内容问题和发生时间。": (
        "Ask for the service's name, what is wrong with its content, and when it happened."
    ),
    "请客户说明发票抬头、税号、账期和接收邮箱。": (
        "Ask for the invoice title, tax number, billing month and the e-mail address to send it to."
    ),
    "请客户说明承诺的内容、时间、渠道和工作人员。": (
        "Ask what was promised, when, where, and by whom."
    ),
    "请客户说明机型、购机时间、合约编号和故障现象。": (
        "Ask for the phone model, when it was bought, the contract number and what goes wrong."
    ),
    "请客户说明活动名称、办理时间和应得的赠品或话费。": (
        "Ask for the promotion's name, when the customer joined it, and the gift or credit due."
    ),
    "请客户说明活动名称、参与渠道和时间，以及宣传时被告知的内容。": (
        "Ask for the promotion's name, where and when the customer joined it, and what they "
        "were told."
    ),
    "请客户说明签约速率、测速方式（有线/无线）和测速结果。": (
        "Ask for the contracted speed, how the speed was tested (cable or Wi-Fi), and the result."
    ),
    "请客户重启光猫和路由器，说明指示灯状态。": (
        "Ask the customer to restart the optical modem and the router, and to read out the "
        "indicator lights."
    ),
}
