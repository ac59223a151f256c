"""Phone numbers, ID card numbers and masking."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kefu.core.idnumber import check_digit, normalize_id_number
from kefu.core.masking import mask_id_number, mask_name, mask_phone
from kefu.core.phone import normalize_phone
from kefu.errors import Unprocessable

PREFIXES = ["134", "138", "139", "150", "178", "188", "198"]


def _formats(digits: str) -> list[str]:
    a, b, c = digits[:3], digits[3:7], digits[7:]
    return [
        digits,
        f"+86{digits}",
        f"0086{digits}",
        f"86{digits}",
        f"+86 {a} {b} {c}",
        f"{a}-{b}-{c}",
        f"(+86) {a}-{b}-{c}",
        f"(0086){a} {b}{c}",
        f" {a} {b} {c} ",
        f"+86-{a}-{b}-{c}",
        "".join(chr(ord(ch) + 0xFEE0) for ch in digits),
    ]


@given(prefix=st.sampled_from(PREFIXES), rest=st.integers(0, 10**8 - 1))
def test_every_written_form_gives_the_same_number(prefix: str, rest: int) -> None:
    digits = f"{prefix}{rest:08d}"
    assert {normalize_phone(form) for form in _formats(digits)} == {f"+86{digits}"}


@given(st.text(max_size=40))
def test_any_text_is_a_number_or_a_clear_error(raw: str) -> None:
    try:
        assert normalize_phone(raw).startswith("+86")
    except Unprocessable as exc:
        assert exc.code.startswith("phone_")


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", "phone_empty"),
        ("138abc00000", "phone_bad_characters"),
        ("+1 212 555 0100", "phone_not_chinese"),
        ("1380013", "phone_invalid"),
    ],
)
def test_invalid_numbers_say_why(raw: str, code: str) -> None:
    with pytest.raises(Unprocessable) as caught:
        normalize_phone(raw)
    assert caught.value.code == code


@given(
    region=st.sampled_from(["440100", "110101", "440300"]),
    birth=st.dates(min_value=date(1980, 1, 1), max_value=date(2010, 12, 31)),
    seq=st.integers(0, 999),
)
def test_id_numbers_with_a_correct_check_digit_are_accepted(region, birth, seq) -> None:
    first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
    number = first17 + check_digit(first17)
    assert normalize_id_number(number.lower()) == number


def test_a_wrong_check_digit_is_refused() -> None:
    first17 = "44010419900307123"
    wrong = "0" if check_digit(first17) != "0" else "1"
    with pytest.raises(Unprocessable) as caught:
        normalize_id_number(first17 + wrong)
    assert caught.value.code == "id_number_checksum"


def test_masks() -> None:
    assert mask_phone("+8613812341234") == "138****1234"
    assert mask_id_number("44010419900307123X") == "4" + "*" * 15 + "3X"
    assert mask_name("张伟") == "张**"
    assert mask_name("欧阳娜娜") == "欧阳**"
