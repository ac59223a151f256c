"""Personal data never survives redaction, whatever text surrounds it."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from kefu.core.redact import redact

# Text around the secrets: Chinese, letters and punctuation, but no digits of its own
# (a digit next to a number makes it a different number).
surrounding = st.text(
    alphabet=st.sampled_from("客户反映家中无信号，已处理。abcXYZ ()-:@_"), max_size=30
)
mobiles = st.from_regex(r"1[3-9]\d{9}", fullmatch=True)
separators = st.sampled_from(["", " ", "-"])


@given(surrounding, mobiles, separators, surrounding)
def test_a_mobile_number_never_survives(before: str, number: str, sep: str, after: str) -> None:
    written = f"{number[:3]}{sep}{number[3:7]}{sep}{number[7:]}"
    cleaned = redact(f"{before}{written}{after}")
    assert number not in cleaned.replace(" ", "").replace("-", "")
    assert number[3:7] + sep + number[7:] not in cleaned


@given(surrounding, st.from_regex(r"\d{17}[\dX]", fullmatch=True), surrounding)
def test_an_id_number_never_survives(before: str, number: str, after: str) -> None:
    cleaned = redact(before + number + after)
    assert number not in cleaned and number[:6] not in cleaned


@given(surrounding, st.sampled_from(["张伟", "欧阳娜娜", "李"]), surrounding)
def test_the_named_person_never_survives(before: str, name: str, after: str) -> None:
    assert name not in redact(f"{before}{name}{after}", names=[name])


def test_amounts_and_dates_stay() -> None:
    assert redact("2026年10月扣费 120 元") == "2026年10月扣费 120 元"


def test_a_name_after_the_word_customer_is_not_doubled() -> None:
    # "客户王小红" became "客户客户" in the case library
    assert redact("客户王小红称多扣 10 元", names=["王小红"]) == "客户称多扣 10 元"
    assert redact("王小红您好，王女士已确认", names=["王小红"]) == "客户您好，客户已确认"
