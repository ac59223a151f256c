"""Removing personal data from free text (for the case library and anything shared
beyond the people who handled the order).

Patterns are applied longest first, so an 18-digit ID number is not mistaken for a
phone number followed by digits. Any other run of seven or more digits (account numbers,
broadband accounts, card numbers) goes too: in a case, no number needs to survive.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_NOT_DIGIT_BEFORE, _NOT_DIGIT_AFTER = r"(?<![\dA-Za-z])", r"(?![\dA-Za-z])"
PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[邮箱]"),
    (re.compile(_NOT_DIGIT_BEFORE + r"\d{17}[\dXx]" + _NOT_DIGIT_AFTER), "[证件号]"),
    (re.compile(_NOT_DIGIT_BEFORE + r"\d{15}" + _NOT_DIGIT_AFTER), "[证件号]"),
    (
        re.compile(
            r"(?:(?:\+|00)?86[\s-]?)?"
            + _NOT_DIGIT_BEFORE
            + r"1[3-9]\d(?:[\s-]?\d{4}){2}"
            + _NOT_DIGIT_AFTER
        ),
        "[手机号]",
    ),
    (re.compile(_NOT_DIGIT_BEFORE + r"0\d{2,3}[\s-]?\d{7,8}" + _NOT_DIGIT_AFTER), "[电话]"),
    (re.compile(r"\d(?:[\s-]?\d){6,}"), "[号码]"),
)
HONORIFICS = ("先生", "女士", "小姐", "老师", "师傅")
_REPEATED_CUSTOMER = re.compile("(?:客户){2,}")


def redact(text: str, *, names: Iterable[str] = ()) -> str:
    """The text with numbers, e-mail addresses and the given people's names replaced."""
    for pattern, placeholder in PATTERNS:
        text = pattern.sub(placeholder, text)
    for name in sorted({n.strip() for n in names if n and n.strip()}, key=len, reverse=True):
        # 张伟先生 / 张先生: the name or the surname with an honorific names the person too
        for honorific in HONORIFICS:
            text = text.replace(name + honorific, "客户").replace(name[0] + honorific, "客户")
        text = text.replace(name, "客户")
    # "客户王小红称…" reads "客户称…", not "客户客户称…"
    return _REPEATED_CUSTOMER.sub("客户", text)
