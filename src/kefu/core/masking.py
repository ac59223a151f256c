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


def subscriber_name(msisdn: str) -> str:
    """How a subscriber acting themselves (on the web, by text) is named in the audit log:
    the number masked, as the log's readers need not hold the right to see numbers."""
    return f"subscriber {mask_phone(msisdn)}"


def mask_id_number(value: str) -> str:
    """Keep the first character and the last two: ``4***************1X``."""
    if len(value) <= 3:
        return "*" * len(value)
    return f"{value[0]}{'*' * (len(value) - 3)}{value[-2:]}"


def surname(name: str) -> str:
    """A person's surname: ``张``, ``欧阳``. A name in Latin letters is in capitals with the
    surname first as a passport or residence card prints it (``SMITH JOHN``), else
    written as people write it, surname last (``John Smith``)."""
    name = name.strip()
    words = name.split()
    if words and name.isascii():
        return words[0] if len(words) == 1 or name.isupper() else words[-1]
    return name[:2] if name[:2] in COMPOUND_SURNAMES else name[:1]


def mask_name(name: str) -> str:
    """Surname followed by ``**``: ``张三`` → ``张**``, ``SMITH JOHN`` → ``SMITH **``,
    ``John Smith`` → ``Smith **``. Enterprises are not masked here."""
    if not name:
        return name
    if name.isascii() and len(name.split()) > 1:
        return f"{surname(name)} **"
    name = name.strip()  # one word, even in Latin letters, keeps only its first character
    return f"{name[:2] if name[:2] in COMPOUND_SURNAMES else name[:1]}**"


def mask_email(email: str) -> str:
    """Keep the first character of the local part and the domain."""
    local, _, domain = email.partition("@")
    if not domain:
        return "***"
    return f"{local[:1]}***@{domain}"


def mask_address(address: str) -> str:
    """Keep the first six characters (province and city), hide the rest."""
    return address[:6] + "****" if len(address) > 6 else "****"
