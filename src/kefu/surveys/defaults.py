"""The shipped questionnaire: the telecom satisfaction survey (ECSI shaped, seed 003).

Item codes match the satisfaction model in ``kefu.analytics.ecsi`` (``net1`` is the first
network-quality item), so stored answers feed the driver analysis as they are.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from kefu.surveys.models import Questionnaire, SurveyItem

ECSI_CODE = "ecsi-telecom"

# (code, block, Chinese, English); complaint items apply only to those who complained
ECSI_ITEMS: tuple[tuple[str, str, str, str], ...] = (
    ("imag1", "IMAG", "该运营商是值得信赖的", "The operator can be trusted"),
    ("imag2", "IMAG", "该运营商实力雄厚、稳定可靠", "The operator is strong and stable"),
    (
        "imag3",
        "IMAG",
        "该运营商关心客户、承担社会责任",
        "The operator cares about customers and society",
    ),
    (
        "imag4",
        "IMAG",
        "该运营商技术领先、不断创新",
        "The operator leads in technology and innovates",
    ),
    ("expe1", "EXPE", "入网前对整体服务质量的期望", "Before joining: expected overall quality"),
    (
        "expe2",
        "EXPE",
        "入网前对满足个人需求程度的期望",
        "Before joining: expected fit to your needs",
    ),
    ("expe3", "EXPE", "入网前对服务可靠性的期望", "Before joining: expected reliability"),
    ("net1", "NET", "通话质量清晰稳定", "Calls are clear and stable"),
    ("net2", "NET", "室内外信号覆盖好", "Coverage is good indoors and out"),
    ("net3", "NET", "上网速度快", "Mobile data is fast"),
    ("net4", "NET", "很少掉线或无法接通", "Calls rarely drop or fail"),
    ("tariff1", "TARIFF", "资费水平合理", "Prices are reasonable"),
    ("tariff2", "TARIFF", "套餐选择适合自己", "The package suits you"),
    ("tariff3", "TARIFF", "账单清楚、扣费透明", "Bills are clear and charges transparent"),
    ("hall1", "HALL", "营业厅排队等候时间短", "Short waits in the business hall"),
    ("hall2", "HALL", "营业员业务熟练、态度好", "Hall staff are skilled and friendly"),
    ("hall3", "HALL", "营业厅一次办结业务", "The hall gets things done in one visit"),
    ("hotline1", "HOTLINE", "热线容易接通人工", "The hotline reaches an agent easily"),
    ("hotline2", "HOTLINE", "客服代表专业、解答准确", "Agents are knowledgeable and accurate"),
    ("hotline3", "HOTLINE", "问题一次解决", "Problems are solved at the first contact"),
    ("hotline4", "HOTLINE", "自助语音菜单简单好用", "The self-service menu is easy to use"),
    ("val1", "VAL", "相对价格，服务质量物有所值", "The quality is worth the price"),
    ("val2", "VAL", "相对质量，价格合理", "The price is fair for the quality"),
    ("val3", "VAL", "与其他运营商相比更划算", "Better value than other operators"),
    ("sat1", "SAT", "总体而言，您对该运营商的满意程度", "Overall, how satisfied are you"),
    ("sat2", "SAT", "与您的期望相比，满意程度", "Compared with your expectations"),
    ("sat3", "SAT", "与理想中的运营商相比，满意程度", "Compared with an ideal operator"),
    ("comp1", "COMP", "如您投诉过：对投诉处理过程的满意程度", "If you complained: the handling"),
    ("comp2", "COMP", "如您投诉过：对投诉处理结果的满意程度", "If you complained: the outcome"),
    ("loy1", "LOY", "您会继续使用该运营商的服务", "You will stay with the operator"),
    ("loy2", "LOY", "您会向亲友推荐该运营商", "You would recommend the operator"),
    (
        "loy3",
        "LOY",
        "即使价格上涨一些，您也不会更换",
        "You would stay even if prices rose a little",
    ),
)


def ecsi_questionnaire(session: Session) -> Questionnaire:
    """The shipped questionnaire (created if missing)."""
    ensure_ecsi_questionnaire(session)
    found = session.scalar(select(Questionnaire).where(Questionnaire.code == ECSI_CODE))
    assert found is not None
    return found


def ensure_ecsi_questionnaire(session: Session) -> bool:
    """Create the shipped questionnaire unless it exists; True when created."""
    if session.scalar(select(Questionnaire.id).where(Questionnaire.code == ECSI_CODE)):
        return False
    questionnaire = Questionnaire(
        code=ECSI_CODE,
        name="客户满意度调查（电信 ECSI）",
        name_en="Customer satisfaction (telecom ECSI)",
    )
    session.add(questionnaire)
    session.flush()
    session.add_all(
        SurveyItem(
            questionnaire_id=questionnaire.id,
            code=code,
            block=block,
            text=text,
            text_en=text_en,
            required=block != "COMP",
            sort_order=n,
        )
        for n, (code, block, text, text_en) in enumerate(ECSI_ITEMS)
    )
    session.flush()
    return True
