"""What callers say: demo subjects and descriptions for work orders, by category.

Each category has a few titles and the phrases people use for it; a description joins an
opener, one or two of the category's phrases, a detail that fits the problem (an amount
for a charge, a place for the network) and what the caller wants, in the words of the
order's type (a request to suspend a number is not written up as a complaint). Some orders
also mention a neighbouring problem, and some phrases are shared between categories (slow
data on the phone and on broadband), so classifying the text is a real task, not a lookup.
"""

from __future__ import annotations

import random
from functools import cache

TITLES: dict[str, tuple[str, ...]] = {
    "network.coverage.indoor": ("家里没信号", "室内信号差", "进屋就没信号"),
    "network.coverage.weak": ("信号不稳定", "信号时有时无", "信号弱"),
    "network.coverage.rural": ("村里没有信号", "乡下无覆盖", "偏远地区没网络"),
    "network.calls.dropped": ("打电话老掉线", "通话中断", "频繁掉话"),
    "network.calls.noise": ("通话有杂音", "对方听不到我说话", "单通"),
    "network.data.slow": ("手机网速慢", "4G很卡", "上网慢"),
    "network.data.none": ("手机上不了网", "数据连接不上", "没有流量信号"),
    "billing.dispute.unknown": ("不明扣费", "话费被乱扣", "莫名其妙扣钱"),
    "billing.dispute.package": ("套餐费用不对", "资费与办理时说的不一样", "套餐多收钱"),
    "billing.dispute.roaming": ("漫游费太高", "出国回来话费暴涨", "漫游扣费有疑问"),
    "billing.payment.missing": ("充值没到账", "交了钱余额没变", "充值不到账"),
    "billing.payment.invoice": ("开不了发票", "发票抬头错了", "要补开发票"),
    "billing.arrears.wrong": ("交费后还是停机", "缴费了没复机", "充了钱还打不出去"),
    "vas.sp.unconsented": ("被订了增值业务", "没订购却扣费", "莫名开通会员"),
    "vas.sp.unsubscribe": ("业务退订不了", "退订失败", "回复短信也退不掉"),
    "vas.content.quality": ("彩铃内容有问题", "视频会员看不了", "订阅内容质量差"),
    "service.attitude.hotline": ("客服态度差", "热线人员不耐烦", "接线员挂我电话"),
    "service.attitude.store": ("营业厅服务差", "营业员态度恶劣", "厅里人员爱答不理"),
    "service.process.waiting": ("排队太久", "热线打不进去", "等了一个小时"),
    "service.process.promise": ("答应的没做到", "说好回电没回", "承诺未兑现"),
    "marketing.promotion.terms": ("活动规则看不懂", "优惠条件没说清楚", "活动有隐藏条款"),
    "marketing.promotion.gift": ("赠送话费没到", "礼品没收到", "活动奖励未发放"),
    "marketing.harassment.calls": ("营销电话骚扰", "天天收推销短信", "推销电话太多"),
    "number.status.suspend": ("要办停机", "手机丢了要停机", "申请报停"),
    "number.status.restore": ("要复机", "停机后开通", "恢复号码使用"),
    "number.transfer.out": ("携号转网办不了", "转网被拦", "携出条件不满足"),
    "number.realname.wrong": ("实名信息错了", "登记的名字不对", "身份证登记有误"),
    "number.services.roaming": ("要开国际漫游", "出国前开漫游", "开通港澳漫游"),
    "broadband.install.delay": ("宽带迟迟不来装", "装机超时", "宽带预约没人上门"),
    "broadband.fault.down": ("宽带断网", "家里宽带上不了网", "光猫红灯"),
    "broadband.fault.slow": ("宽带网速慢", "百兆宽带只有几兆", "晚上宽带很卡"),
    "terminal.contract.quality": ("合约机坏了", "合约手机质量问题", "买的合约机总死机"),
    "enterprise.line.down": ("专线中断", "公司专线断了", "企业专线故障"),
}

PHRASES: dict[str, tuple[str, ...]] = {
    "network.coverage.indoor": (
        "在家里客厅和卧室都没有信号，要走到阳台才能打电话",
        "住在小区高层，进电梯和屋里手机就显示无服务",
        "办公室在地下一层，一点信号都没有",
    ),
    "network.coverage.weak": (
        "手机信号一会儿满格一会儿一格，很不稳定",
        "最近一个月信号时好时坏，经常显示无服务",
        "同一个位置别人的手机信号好，我的信号很弱",
    ),
    "network.coverage.rural": (
        "老家在村里，附近没有基站，手机完全没信号",
        "去山区果园干活，那边移动没有覆盖",
        "镇上以外的地方都搜不到网络",
    ),
    "network.calls.dropped": (
        "打电话说几句就断了，一天要掉好几次",
        "开车路上通话经常中断，要重新拨打",
        "通话到一半自动挂断，对方以为我故意挂的",
    ),
    "network.calls.noise": (
        "打电话有很大的杂音，听不清对方说话",
        "接通后对方听不到我的声音，我能听到对方",
        "通话里有电流声和回音",
    ),
    "network.data.slow": (
        "手机流量网速特别慢，刷视频一直转圈",
        "4G信号满格但是网页打不开，网速只有几十K",
        "晚上用流量上网非常卡，微信图片发不出去",
    ),
    "network.data.none": (
        "手机数据开关打开了，但是完全上不了网",
        "流量还有很多，手机却连不上移动数据",
        "重启手机也没用，就是没有数据网络",
    ),
    "billing.dispute.unknown": (
        "这个月话费突然多扣了几十块，不知道是什么费用",
        "查详单看到一笔不认识的扣费，从来没用过这个",
        "余额莫名其妙少了，没有打电话也没上网",
    ),
    "billing.dispute.package": (
        "办理套餐时说每月五十八元，现在每月扣八十多",
        "套餐里说好的流量和通话分钟数不对",
        "营业员说的优惠价格和实际扣费不一样",
    ),
    "billing.dispute.roaming": (
        "去香港出差几天回来被扣了好几百漫游费",
        "出国前没开流量，回来发现有很高的国际漫游费用",
        "在省外用了流量，按漫游价格收费不合理",
    ),
    "billing.payment.missing": (
        "在手机上充值了一百元，钱扣了但话费余额没增加",
        "通过银行交了话费，一直没有到账",
        "充值卡充值成功的短信收到了，但余额没变",
    ),
    "billing.payment.invoice": (
        "需要开增值税发票报销，网上一直开不出来",
        "发票上的公司抬头写错了，要求重新开",
        "去年的话费发票丢了，想补打",
    ),
    "billing.arrears.wrong": (
        "欠费停机后已经交清了费用，手机还是打不出去",
        "缴费两个小时了号码还没有恢复",
        "充了钱但一直显示停机状态",
    ),
    "vas.sp.unconsented": (
        "没有订购过什么会员，每个月被扣十块钱信息费",
        "发现开通了一个视频彩铃业务，自己根本没办过",
        "家里老人的手机被开通了好几个增值业务",
    ),
    "vas.sp.unsubscribe": (
        "按短信提示回复退订，还是继续扣费",
        "在营业厅办了退订，下个月照样收费",
        "想退掉这个增值业务，但是找不到退订的方法",
    ),
    "vas.content.quality": (
        "订购的视频会员很多内容看不了",
        "彩铃播放的不是我选的歌",
        "手机报内容很久不更新，还在收费",
    ),
    "service.attitude.hotline": (
        "打客服热线，接线员语气很冲，很不耐烦",
        "话还没说完客服就把电话挂了",
        "热线工作人员推来推去，不给解决",
    ),
    "service.attitude.store": (
        "去营业厅办业务，营业员一直玩手机不理人",
        "营业厅工作人员说话难听，态度恶劣",
        "在营业厅问问题，工作人员很不耐烦",
    ),
    "service.process.waiting": (
        "打热线等了半个多小时都没有人接",
        "营业厅排队等了一个多小时才办上",
        "转人工一直提示坐席忙，打不进去",
    ),
    "service.process.promise": (
        "上次客服说三天内回电，到现在也没人联系",
        "说好退还的费用一直没有退",
        "工作人员答应上门处理，结果没人来",
    ),
    "marketing.promotion.terms": (
        "参加存话费送手机的活动，规则里有很多没说清楚的条件",
        "活动说送流量，办了才知道要绑定两年",
        "优惠活动到期后自动续费，当时没有告知",
    ),
    "marketing.promotion.gift": (
        "参加活动承诺赠送的话费一直没到账",
        "办理业务送的礼品到现在没收到",
        "积分兑换的流量包没有到账",
    ),
    "marketing.harassment.calls": (
        "每天都接到推销套餐的营销电话，很烦",
        "一直收到推广短信，已经回复退订了还在发",
        "工作时间经常被营销电话打扰",
    ),
    "number.status.suspend": (
        "手机丢了，要马上办理停机防止被盗用",
        "出国一年，想把号码先报停保号",
        "这个号码暂时不用，申请停机",
    ),
    "number.status.restore": (
        "手机找到了，要把之前停机的号码恢复",
        "回国了，要求恢复号码的使用",
        "之前报停的号码要重新开通",
    ),
    "number.transfer.out": (
        "申请携号转网，查询说不满足条件，不知道是什么原因",
        "转网授权码收不到，办不了携号转网",
        "说我有合约在身不能转网，但合约已经到期了",
    ),
    "number.realname.wrong": (
        "号码登记的名字不是我本人的",
        "实名登记的身份证号码有一位写错了",
        "要把号码的实名信息改成本人",
    ),
    "number.services.roaming": (
        "下周要去日本，需要开通国际漫游和流量包",
        "去澳门出差，想开通港澳台漫游",
        "出国前想了解漫游资费并开通",
    ),
    "broadband.install.delay": (
        "办了宽带一个星期了还没有人上门安装",
        "约好的装机时间师傅没有来",
        "新房装宽带说没有端口，一直拖着不装",
    ),
    "broadband.fault.down": (
        "家里宽带从昨天开始完全上不了网",
        "光猫上的灯一直闪红灯，连不上网络",
        "宽带经常断线，一天断好几次",
    ),
    "broadband.fault.slow": (
        "办的是三百兆宽带，测速只有二十兆",
        "一到晚上宽带网速就很慢，看视频卡",
        "家里宽带网速慢，打游戏延迟很高",
    ),
    "terminal.contract.quality": (
        "合约机用了两个月就经常死机重启",
        "买的合约手机屏幕出现问题，要求维修或更换",
        "合约机充不进电，售后说要自费",
    ),
    "enterprise.line.down": (
        "公司的互联网专线中断了，业务全部停了",
        "企业专线从上午开始断开，影响营业",
        "专线频繁中断，要求查明原因并赔偿",
    ),
}

# How an agent starts the description, by the order's type: a request to suspend a number
# is not written up as a complaint.
OPENERS: dict[str, tuple[str, ...]] = {
    "complaint": ("客户来电反映：", "客户来电称", "用户反映", "客户投诉", "客户表示", ""),
    "fault": ("客户来电报障：", "客户来电称", "用户反映", ""),
    "consultation": ("客户咨询：", "客户来电称", "客户来电询问，", ""),
    "service_request": ("客户来电申请：", "客户来电称", "客户要求办理：", ""),
    "suggestion": ("客户建议：", "客户来电称", "用户反映", ""),
}
# What the caller wants, by type.
WANTS: dict[str, tuple[str, ...]] = {
    "complaint": (
        "要求尽快处理。",
        "要求给个说法。",
        "希望尽快回复。",
        "请相关部门核实。",
        "要求上级处理。",
        "",
    ),
    "fault": ("要求尽快修复。", "希望尽快派人处理。", "请相关部门核实。", ""),
    "consultation": ("想了解是什么原因。", "请告知处理办法。", "咨询相关规定。", ""),
    "service_request": ("请尽快办理。", "已核对机主身份。", "需要客户确认后办理。", ""),
    "suggestion": ("建议改进。", "希望以后能改善。", ""),
}
# Details that fit some branches only: an amount for money, a place for the network.
MONEY = frozenset({"billing", "vas", "marketing"})
PLACED = frozenset({"network", "broadband", "enterprise"})
ONGOING = frozenset({"network", "broadband", "billing", "vas", "terminal", "enterprise"})
HANDSETS = frozenset({"network", "terminal"})
PLACES = ("天河路", "体育西", "科技园", "火车站", "人民医院", "万达广场", "工业园", "大学城")
NEIGHBOUR_SHARE = 0.15  # orders that also mention another problem
# Orders filed under a neighbouring category of the same branch (billing for billing,
# network for network): agents under time pressure do, and a model learns through it.
MISFILED_SHARE = 0.08
BRIEF_SHARE = 0.2  # orders with a title and a few words only


AMOUNTS = (8, 10, 15, 30, 50, 120, 300)


def complaint_text(
    rng: random.Random, code: str, kind: str = "complaint", *, amount: int | None = None
) -> tuple[str, str]:
    """A subject and description for an order of the category ``code`` and type ``kind``;
    a money detail names ``amount`` yuan (the same the answer will name), or one drawn."""
    if rng.random() < MISFILED_SHARE:
        branch = code.split(".")[0]
        code = rng.choice([c for c in PHRASES if c.startswith(branch + ".")])
    titles = TITLES.get(code)
    phrases = PHRASES.get(code)
    if not titles or not phrases:
        return "", ""
    openers = OPENERS.get(kind, OPENERS["complaint"])
    if rng.random() < BRIEF_SHARE:
        return rng.choice(titles), rng.choice(openers) + rng.choice(titles) + "。"
    said = rng.sample(phrases, k=1 if rng.random() < 0.6 else 2)
    if rng.random() < NEIGHBOUR_SHARE:
        other = rng.choice([c for c in PHRASES if c != code])
        said.append("另外" + rng.choice(PHRASES[other]))
    detail = _detail(rng, code.split(".")[0], kind, amount or rng.choice(AMOUNTS))
    wants = WANTS.get(kind, WANTS["complaint"])
    if kind == "complaint" and code.split(".")[0] in MONEY:
        wants = (*wants, "要求退还费用。")
    body = rng.choice(openers) + "，".join(said) + "。" + detail + rng.choice(wants)
    return rng.choice(titles), body


def _detail(rng: random.Random, branch: str, kind: str, amount: int) -> str:
    """One detail that fits the problem, or none."""
    choices = ["", "", "已经是第二次来电。"]
    if branch in MONEY:
        choices.append(f"金额约{amount}元。")
    if branch in PLACED:
        choices.append(f"地点在{rng.choice(PLACES)}附近。")
    if branch in ONGOING and kind != "service_request":
        choices.append(f"从{rng.randint(2, 20)}天前开始出现。")
    if branch in HANDSETS:
        choices.append("已经自行重启过手机。")
    if kind == "complaint":
        choices.append("客户情绪比较激动。")
    return rng.choice(choices)


# An order that came in writing is written up as such: the customer texted or wrote, and
# did not call.
_WRITTEN = {
    "sms": (("客户来电", "客户短信"), ("第二次来电", "第二次发短信")),
    "email": (("客户来电", "客户来信"), ("第二次来电", "第二次来信")),
    "web": (("客户来电", "客户在线"), ("第二次来电", "第二次在线反映")),
}
# What only the agent writes: how the caller sounded, what the agent checked or asks.
_AGENTS_OWN = ("客户情绪比较激动。", "请相关部门核实。", "已核对机主身份。", "需要客户确认后办理。")
_CHANNELS = ("phone", *_WRITTEN)


def as_written(description: str, channel: str) -> str:
    """The description as the agent writes it up for an order that came by ``channel``."""
    for said, written in _WRITTEN.get(channel, ()):
        description = description.replace(said, written)
    return description


def customer_words(description: str) -> str:
    """What the customer wrote, read back from the agent's description: without the
    agent's opening and the agent's own remarks."""
    words = description
    for opening in _openings():  # the longest first: 客户来电反映： before 客户来电
        if words.startswith(opening):
            words = words[len(opening) :]
            break
    for remark in _AGENTS_OWN:
        words = words.replace(remark, "")
    return words or description


@cache
def _openings() -> tuple[str, ...]:
    """Every way an agent opens a description, on every channel, the longest first."""
    written = {
        as_written(o, ch) for kind in OPENERS.values() for o in kind if o for ch in _CHANNELS
    }
    return tuple(sorted(written, key=len, reverse=True))
