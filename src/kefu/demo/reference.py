"""Fixed reference data of the demo center: org tree, packages, skills, demo logins."""

from __future__ import annotations

from kefu.core.rbac import Role
from kefu.customers.enums import Brand

PROVINCE = ("GD", "广东省分公司", "Guangdong", "440000")
CITIES = [
    ("GZ", "广州分公司", "Guangzhou", "440100"),
    ("SZ", "深圳分公司", "Shenzhen", "440300"),
    ("FS", "佛山分公司", "Foshan", "440600"),
    ("DG", "东莞分公司", "Dongguan", "441900"),
    ("ZH", "珠海分公司", "Zhuhai", "440400"),
    ("ST", "汕头分公司", "Shantou", "440500"),
    ("HZ", "惠州分公司", "Huizhou", "441300"),
    ("JM", "江门分公司", "Jiangmen", "440700"),
]
TEAMS = [
    ("话务一班", "Calls team 1"),
    ("话务二班", "Calls team 2"),
    ("投诉处理班", "Complaints team"),
    ("集团客户班", "Enterprise team"),
]
SKILLS = [
    ("billing", "话费账单", "Billing"),
    ("broadband", "家庭宽带", "Home broadband"),
    ("roaming", "国际漫游", "Roaming"),
    ("5g", "5G 业务", "5G services"),
    ("complaint", "投诉处理", "Complaints"),
    ("enterprise", "集团业务", "Enterprise services"),
    ("english", "英语服务", "English service"),
]
# (code, name, English name, brand, monthly fee in fen)
PACKAGES = [
    ("GT-188", "全球通畅享 188 元套餐", "GoTone Enjoy 188", Brand.GOTONE, 18800),
    ("GT-288", "全球通尊享 288 元套餐", "GoTone Premium 288", Brand.GOTONE, 28800),
    ("GT-588", "全球通至尊 588 元套餐", "GoTone Supreme 588", Brand.GOTONE, 58800),
    ("MZ-39", "动感地带 39 元校园卡", "M-Zone Campus 39", Brand.MZONE, 3900),
    ("MZ-59", "动感地带 59 元潮玩卡", "M-Zone Play 59", Brand.MZONE, 5900),
    ("MZ-99", "动感地带 99 元 5G 卡", "M-Zone 5G 99", Brand.MZONE, 9900),
    ("EO-8", "神州行 8 元保号套餐", "EasyOwn Keep 8", Brand.EASYOWN, 800),
    ("EO-18", "神州行 18 元畅聊卡", "EasyOwn Talk 18", Brand.EASYOWN, 1800),
    ("EO-38", "神州行 38 元流量卡", "EasyOwn Data 38", Brand.EASYOWN, 3800),
]
# Share of subscribers per brand, and log-normal spend parameters (median fen, sigma).
BRAND_SHARE = [(Brand.GOTONE, 0.22), (Brand.MZONE, 0.28), (Brand.EASYOWN, 0.50)]
SPEND = {Brand.GOTONE: (19000, 0.55), Brand.MZONE: (6500, 0.45), Brand.EASYOWN: (3000, 0.6)}
PREFIXES = {
    Brand.GOTONE: ["139", "138", "137", "136", "135", "188", "187", "150"],
    Brand.MZONE: ["178", "198", "147", "157", "182", "195"],
    Brand.EASYOWN: ["134", "151", "152", "158", "159", "183", "184", "172"],
}
# Share of the staff by role (the rest are agents) and the demo logins.
ROLE_SHARE = [
    (Role.BACK_OFFICE, 0.12),
    (Role.TEAM_LEAD, 0.08),
    (Role.QA, 0.05),
    (Role.ACCOUNT_MANAGER, 0.12),
    (Role.SUPERVISOR, 0.04),
]
DEMO_PASSWORD = "kefu-demo-2026"
DEMO_LOGINS = [
    ("admin", "系统管理员", Role.ADMIN, "province"),
    ("supervisor", "值班主管 林静", Role.SUPERVISOR, "province"),
    ("agent", "话务员 陈晓", Role.AGENT, "city"),
    ("backoffice", "后台 黄磊", Role.BACK_OFFICE, "city"),
    ("manager", "客户经理 周敏", Role.ACCOUNT_MANAGER, "city"),
    ("auditor", "审计员 吴刚", Role.AUDITOR, "province"),
    # the telephony platform's account: `kefu users token pbx` gives the webhook's token
    ("pbx", "电话平台接口", Role.INTEGRATION, "province"),
]
# Logins made after the generated staff, from no random draw: the seed's stream, and
# so the demo it makes, stay as they were. The lead approves refunds within the lead's
# limit, and what the supervisor asks (四眼).
LATER_LOGINS = [("lead", "班组长 赵雪", Role.TEAM_LEAD, "city")]
# The province's network centre and its engineer, made once the orders are (no order is
# drawn for them): the branches ask the centre's part (协办), the engineer answers.
NETWORK_CENTRE = ("网络优化中心", "Network optimisation centre")
CENTRE_LOGIN = ("noc", "网优工程师 唐亮", Role.BACK_OFFICE, "province")
ALL_LOGINS = [*DEMO_LOGINS, *LATER_LOGINS, CENTRE_LOGIN]
DISTRICTS = {
    "GZ": ["天河区", "越秀区", "海珠区", "白云区", "番禺区"],
    "SZ": ["福田区", "南山区", "罗湖区", "宝安区", "龙岗区"],
    "FS": ["禅城区", "南海区", "顺德区"],
    "DG": ["南城街道", "东城街道", "长安镇", "虎门镇"],
    "ZH": ["香洲区", "金湾区", "斗门区"],
    "ST": ["金平区", "龙湖区", "澄海区"],
    "HZ": ["惠城区", "惠阳区"],
    "JM": ["蓬江区", "江海区"],
}
ROADS = [
    "中山路",
    "人民路",
    "建设路",
    "解放路",
    "东风路",
    "滨江路",
    "花园路",
    "学院路",
    "工业大道",
    "环城路",
    "新华路",
    "迎宾大道",
    "海滨路",
    "体育路",
    "文化路",
    "南湖路",
]
