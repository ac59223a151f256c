"""What the demo's agents answered: each answered order's reply is its category's shipped
unified reply (统一答复口径) with every blank filled as an agent would, so the order pages,
the exports and the case library read like a working center's, never "{amount}元"."""

from __future__ import annotations

import json
import random
import re
from datetime import datetime
from zoneinfo import ZoneInfo

from kefu.workorders.limits import DueTimes
from kefu.workorders.taxonomy_replies import DEFAULT_REPLIES
from kefu.workorders.templates import PLACEHOLDER

ZONE = ZoneInfo("Asia/Shanghai")
FALLBACK = "您好，您反映的问题已按统一口径处理完毕，如仍有疑问请回电 10086。"
PLACES = ("天河路", "体育西", "科技园", "火车站", "人民医院", "万达广场", "工业园", "大学城")

# Blanks whose words depend on the problem's branch (what was deducted, why it broke).
BY_BRANCH: dict[str, dict[str, tuple[str, ...]]] = {
    "item": {
        "billing": ("彩铃功能费", "来电显示功能费", "5GB 流量包"),
        "vas": ("视频彩铃会员", "手机报", "游戏点播包"),
        "service": ("费用退还", "回电说明", "上门处理"),
        "marketing": ("存话费送流量", "宽带融合优惠", "积分兑换"),
    },
    "reason": {
        "network": ("附近基站传输故障", "基站参数配置不当", "小区线路改造"),
        "broadband": ("入户光缆受损", "分光器故障", "光猫老化"),
        "enterprise": ("市政施工挖断光缆", "汇聚机房设备故障"),
        "number": ("合约期未满", "号码有未结清费用"),
    },
}
# Blanks with the same kind of answer in every branch.
ANY: dict[str, tuple[str, ...]] = {
    "channel": ("微信", "支付宝", "中国移动 APP", "银行代扣"),
    "email": ("zhang***@163.com", "li***@qq.com", "wang***@139.com"),
    "gift": ("100 元话费", "10GB 流量包", "蓝牙耳机"),
    "line": ("ZX-GZ-0312", "ZX-FS-0087", "ZX-GZ-1145"),
    "place": ("香港", "澳门", "日本", "泰国"),
    "rate": ("每天 25 元不限量", "0.29 元/MB"),
    "reason": ("系统故障",),
    "item": ("相关业务",),
    "result": ("已更换光猫，速率恢复正常", "已调整端口速率"),
    "speed": ("286Mbps", "95Mbps", "498Mbps"),
    "store": ("天河路营业厅", "体育西营业厅", "科技园营业厅"),
    "terms": ("需在网满 24 个月，期间不可变更为低档套餐", "赠送流量当月有效，不可转赠"),
}


def demo_reply(
    rng: random.Random,
    code: str,
    *,
    number: str,
    name: str,
    replied: datetime,
    due: datetime | None,
    amount: int,
) -> str:
    """The answer an agent gave to the order ``number`` of the category ``code``; a sum
    in it is ``amount`` yuan, the one the caller named."""
    shipped = DEFAULT_REPLIES.get(code)
    if not shipped:
        return FALLBACK
    _title, body = rng.choice(shipped)
    branch = code.split(".")[0]

    def fill(match: re.Match[str]) -> str:
        blank = match.group(1)
        if blank == "amount":
            return str(amount)
        return _value(rng, blank, branch, number=number, name=name, replied=replied, due=due)

    return PLACEHOLDER.sub(fill, body)


def _value(
    rng: random.Random,
    blank: str,
    branch: str,
    *,
    number: str,
    name: str,
    replied: datetime,
    due: datetime | None,
) -> str:
    earlier = replied.date()
    known = {
        "order_number": number,
        "customer_name": name or "客户",
        "due": f"{(due or replied):%m月%d日%H:%M}",
        "date": f"{earlier.month}月{earlier.day}日",
        "month": f"{earlier.month}月",
        "time": f"{replied:%H:%M}",
        "address": f"{rng.choice(PLACES)}一带",
    }
    if blank in known:
        return known[blank]
    choices = BY_BRANCH.get(blank, {}).get(branch) or ANY.get(blank) or ("已处理",)
    return rng.choice(choices)


def order_answer(
    rng: random.Random,
    code: str,
    number: str,
    name: str,
    replied: datetime | None,
    due: DueTimes,
    amount: int,
) -> str:
    """The order's answer, if it was given: its category's unified reply, filled in."""
    if replied is None:
        return ""
    resolve_by = due.resolution.astimezone(ZONE) if due.resolution else None
    return demo_reply(
        rng, code, number=number, name=name, replied=replied, due=resolve_by, amount=amount
    )


def reply_step(answer: str, channel: str) -> str:
    """The reply step's details as the console writes them: an order that came by SMS had
    its answer texted back, one that came by e-mail mailed back."""
    details: dict[str, object] = {"reply": answer}
    if channel == "sms":
        details["texted"] = True
    if channel == "email":
        details["emailed"] = True
    return json.dumps(details, ensure_ascii=False)
