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
from kefu.workorders.taxonomy_replies_en import ENGLISH_REPLIES
from kefu.workorders.templates import PLACEHOLDER

ZONE = ZoneInfo("Asia/Shanghai")
FALLBACK = "您好，您反映的问题已按统一口径处理完毕，如仍有疑问请回电 10086。"
FALLBACK_EN = "Your report has been dealt with. If anything is still unclear, call 10086."
PLACES = ("天河路", "体育西", "科技园", "火车站", "人民医院", "万达广场", "工业园", "大学城")
PLACES_EN = ("Tianhe Road", "Tiyu Xi", "the Science Park", "the railway station", "Wanda Plaza")

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


# The same blanks for a customer answered in English.
BY_BRANCH_EN: dict[str, dict[str, tuple[str, ...]]] = {
    "item": {
        "billing": ("the caller ring tone fee", "the caller ID fee", "the 5 GB data pack"),
        "vas": ("the video ring tone membership", "the mobile news service", "a games pack"),
        "service": ("a refund of the fee", "a call back to explain", "a home visit"),
        "marketing": ("the top-up bonus data offer", "the broadband bundle", "points rewards"),
    },
    "reason": {
        "network": ("a transmission fault at a nearby base station", "a cell setting"),
        "broadband": ("a damaged fibre into the building", "a faulty splitter", "an old modem"),
        "enterprise": ("road works that cut a fibre", "an equipment fault at the hub"),
        "number": ("a contract term still running", "an unpaid balance on the number"),
    },
}
ANY_EN: dict[str, tuple[str, ...]] = {
    "channel": ("WeChat Pay", "Alipay", "the China Mobile app", "bank direct debit"),
    "email": ("j***@gmail.com", "s***@outlook.com"),
    "gift": ("100 yuan of credit", "a 10 GB data pack", "Bluetooth earphones"),
    "line": ("ZX-GZ-0312", "ZX-FS-0087", "ZX-GZ-1145"),
    "place": ("Hong Kong", "Macao", "Japan", "Thailand"),
    "rate": ("25 yuan a day, unlimited", "0.29 yuan per MB"),
    "reason": ("a system fault",),
    "item": ("the service",),
    "result": ("the modem was replaced and the speed is back to normal", "the port was reset"),
    "speed": ("286 Mbps", "95 Mbps", "498 Mbps"),
    "store": ("the Tianhe Road shop", "the Tiyu Xi shop", "the Science Park shop"),
    "terms": ("24 months in service with no move to a cheaper plan", "bonus data lapses monthly"),
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
    language: str = "zh-CN",
) -> str:
    """The answer an agent gave to the order ``number`` of the category ``code``, in the
    customer's language; ``name``: how it addresses them (张先生); a sum in it is
    ``amount`` yuan, the one the caller named."""
    english = language == "en"
    shipped = (ENGLISH_REPLIES if english else DEFAULT_REPLIES).get(code)
    if not shipped:
        return FALLBACK_EN if english else FALLBACK
    _title, body = rng.choice(shipped)
    branch = code.split(".")[0]
    known = _known(number=number, name=name, replied=replied, due=due, english=english)
    by_branch, anywhere = (BY_BRANCH_EN, ANY_EN) if english else (BY_BRANCH, ANY)

    def fill(match: re.Match[str]) -> str:
        blank = match.group(1)
        if blank in ("amount", "refund"):  # the demo's refunds give back what was named
            return str(amount)
        if blank == "address":  # a place is drawn only where a reply names one
            return f"around {rng.choice(PLACES_EN)}" if english else f"{rng.choice(PLACES)}一带"
        if blank in known:
            return known[blank]
        choices = by_branch.get(blank, {}).get(branch) or anywhere.get(blank)
        return rng.choice(choices or (("done",) if english else ("已处理",)))

    return PLACEHOLDER.sub(fill, body)


def _known(
    *, number: str, name: str, replied: datetime, due: datetime | None, english: bool
) -> dict[str, str]:
    """The blanks the order itself fills, in the reply's language."""
    earlier = replied.date()
    if english:
        return {
            "order_number": number,
            "customer_name": name or "customer",
            "due": f"{(due or replied):%d %b %H:%M}",
            "date": f"{earlier:%d %b}",
            "month": f"{earlier:%B}",
            "time": f"{replied:%H:%M}",
        }
    return {
        "order_number": number,
        "customer_name": name or "客户",
        "due": f"{(due or replied):%m月%d日%H:%M}",
        "date": f"{earlier.month}月{earlier.day}日",
        "month": f"{earlier.month}月",
        "time": f"{replied:%H:%M}",
    }


def order_answer(
    rng: random.Random,
    code: str,
    number: str,
    name: str,
    replied: datetime | None,
    due: DueTimes,
    amount: int,
    language: str,
) -> str:
    """The order's answer, if it was given: its category's unified reply, filled in, in
    the customer's language."""
    if replied is None:
        return ""
    resolve_by = due.resolution.astimezone(ZONE) if due.resolution else None
    return demo_reply(
        rng,
        code,
        number=number,
        name=name,
        replied=replied,
        due=resolve_by,
        amount=amount,
        language=language,
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
