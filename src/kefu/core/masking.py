"""Masking of personal data for viewers without the right to see it."""

from __future__ import annotations

# Two-character surnames common enough that masking after one character would leak.
COMPOUND_SURNAMES = frozenset(
    [
        "欧阳",
        "司马",
        "诸葛",
        "上官",
        "东方",
        "皇甫",
        "尉迟",
        "公孙",
        "慕容",
        "长孙",
        "宇文",
        "司徒",
        "夏侯",
        "令狐",
        "端木",
        "独孤",
        "南宫",
        "西门",
    ]
)


def mask_phone(e164_or_national: str) -> str:
    """``+8613812345678`` → ``138****1234``: keep the prefix and the last four digits."""
    digits = e164_or_national.removeprefix("+86").lstrip("+")
    if len(digits) <= 7:
        return "*" * len(digits)
    return f"{digits[:3]}{'*' * (len(digits) - 7)}{digits[-4:]}"


def mask_id_number(value: str) -> str:
    """Keep the first character and the last two: ``4***************1X``."""
    if len(value) <= 3:
        return "*" * len(value)
    return f"{value[0]}{'*' * (len(value) - 3)}{value[-2:]}"


def mask_name(name: str) -> str:
    """Surname followed by ``**``: ``张三`` → ``张**``; a name in Latin letters, as a
    foreigner's is registered (``SMITH JOHN``, surname first), keeps its first word:
    ``SMITH **``. Enterprises are not masked here."""
    if not name:
        return name
    first, _, rest = name.strip().partition(" ")
    if rest and first.isascii():
        return f"{first} **"
    surname = name[:2] if name[:2] in COMPOUND_SURNAMES else name[0]
    return f"{surname}**"


def mask_email(email: str) -> str:
    """Keep the first character of the local part and the domain."""
    local, _, domain = email.partition("@")
    if not domain:
        return "***"
    return f"{local[:1]}***@{domain}"


def mask_address(address: str) -> str:
    """Keep the first six characters (province and city), hide the rest."""
    return address[:6] + "****" if len(address) > 6 else "****"
