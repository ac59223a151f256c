"""Phone number parsing: every common written form in, E.164 out.

Agents type numbers as callers say them: ``138 1234 5678``, ``+86-138…``, ``0086 138…``,
``(+86)138…``, full-width digits and brackets. All give the same E.164 string. Input
with letters or other stray characters is refused rather than silently dropped.
"""

from __future__ import annotations

import re
import unicodedata

import phonenumbers

from kefu.errors import Unprocessable

_ALLOWED = re.compile(r"^[0-9+\-\s().]+$")
MAX_INPUT_LENGTH = 32


def normalize_phone(raw: str, *, field: str = "phone") -> str:
    """Return the E.164 form of a Chinese phone number or raise a 422 that says why."""
    text = unicodedata.normalize("NFKC", raw).strip()
    if not text:
        raise Unprocessable("phone_empty", field=field)
    if len(text) > MAX_INPUT_LENGTH or not _ALLOWED.match(text):
        raise Unprocessable("phone_bad_characters", field=field)
    digits = re.sub(r"\D", "", text)
    if text.lstrip().startswith("+") or digits.startswith("00"):
        parse_text = "+" + digits.removeprefix("00") if digits.startswith("00") else text
    elif len(digits) == 13 and digits.startswith("86"):
        parse_text = "+" + digits
    else:
        parse_text = digits
    try:
        number = phonenumbers.parse(parse_text, "CN")
    except phonenumbers.NumberParseException as exc:
        raise Unprocessable("phone_unparseable", field=field) from exc
    if number.country_code != 86:
        raise Unprocessable("phone_not_chinese", field=field)
    if not phonenumbers.is_valid_number(number):
        raise Unprocessable("phone_invalid", field=field, digits=len(digits))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def is_mobile(e164: str) -> bool:
    """True for a mainland mobile number in E.164 form."""
    return e164.startswith("+861") and len(e164) == 14


def national(e164: str) -> str:
    """The national digits (``+8613812345678`` → ``13812345678``)."""
    return e164.removeprefix("+86")
