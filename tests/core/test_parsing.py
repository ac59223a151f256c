"""Phone numbers, ID card numbers and masking."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kefu.core.idnumber import (
    IdKind,
    check_digit,
    id_kind,
    looks_like_document_number,
    nationality,
    normalize_country,
    normalize_id_number,
    normalize_identity,
)
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
    assert mask_name("SMITH JOHN") == "SMITH **"  # as a residence card prints it
    assert mask_name("John Smith") == "Smith **"  # as people write it
    assert mask_name("Li") == "L**"
    assert mask_name("O'NEILL MARY ANN") == "O'NEILL **"


@given(
    head=st.sampled_from(["810000", "820000", "830000"]),
    birth=st.dates(min_value=date(1930, 1, 1), max_value=date(2010, 12, 31)),
    seq=st.integers(0, 999),
)
def test_hong_kong_macao_and_taiwan_residence_permits_are_accepted(head, birth, seq) -> None:
    """A Hong Kong resident living in Shenzhen registers with a 港澳居民居住证: stdnum knows
    no 81/82/83 region and refused them as invalid ID cards."""
    first17 = f"{head}{birth:%Y%m%d}{seq:03d}"
    number = first17 + check_digit(first17)
    assert normalize_id_number(number.lower()) == number
    assert id_kind(number) == (IdKind.TAIWAN if head == "830000" else IdKind.HONG_KONG_MACAO)


@given(
    province=st.sampled_from(["11", "31", "44", "65"]),
    country_code=st.integers(1, 999),
    birth=st.dates(min_value=date(1930, 1, 1), max_value=date(2010, 12, 31)),
    seq=st.integers(0, 999),
)
def test_foreigners_permanent_residence_cards_are_accepted(
    province, country_code, birth, seq
) -> None:
    first17 = f"9{province}{country_code:03d}{birth:%Y%m%d}{seq:03d}"
    number = first17 + check_digit(first17)
    assert normalize_id_number(number) == number
    assert id_kind(number) == IdKind.FOREIGN_PERMANENT
    # the holder's nationality, where the code is a country's (ISO 3166 numeric)
    read = nationality(number)
    assert read is None or normalize_country(read) == read


@pytest.mark.parametrize(
    ("code", "country"), [("840", "US"), ("276", "DE"), ("036", "AU"), ("410", "KR"), ("999", None)]
)
def test_a_permanent_residence_card_says_its_holders_nationality(
    code: str, country: str | None
) -> None:
    first17 = f"944{code}19800101123"
    assert nationality(first17 + check_digit(first17)) == country
    resident = "44010419900307123"
    assert nationality(resident + check_digit(resident)) is None  # a resident's says none
    assert nationality("94427600") is None  # a Taiwan resident's travel permit


@pytest.mark.parametrize(
    ("first17", "code"),
    [
        ("81000019851301123", "id_number_invalid"),  # no 13th month
        ("83000021000101123", "id_number_invalid"),  # born in 2100
        ("99984019800101123", "id_number_invalid"),  # 99: no issuing province
        ("9448401980010112A", "id_number_invalid"),
    ],
)
def test_other_identity_numbers_say_what_is_wrong(first17: str, code: str) -> None:
    with pytest.raises(Unprocessable) as caught:
        normalize_id_number(first17 + check_digit(first17.replace("A", "0")))
    assert caught.value.code == code


def test_a_permits_wrong_check_digit_is_refused() -> None:
    first17 = "82000019900307123"
    wrong = "0" if check_digit(first17) != "0" else "1"
    with pytest.raises(Unprocessable) as caught:
        normalize_id_number(first17 + wrong)
    assert caught.value.code == "id_number_checksum"


@given(st.text(max_size=24))
def test_any_text_is_an_identity_number_or_a_clear_error(raw: str) -> None:
    try:
        number = normalize_id_number(raw)
    except Unprocessable as exc:
        assert exc.code in {"id_number_length", "id_number_invalid", "id_number_checksum"}
    else:
        assert len(number) == 18 and id_kind(number) in IdKind


def test_a_resident_id_card_is_of_its_kind() -> None:
    assert id_kind("44010419900307123X") == IdKind.RESIDENT


@pytest.mark.parametrize(
    ("raw", "kind", "number"),
    [
        ("e12345678", IdKind.PASSPORT, "E12345678"),  # a Chinese passport's shape
        ("５３３３８０００６", IdKind.PASSPORT, "533380006"),  # full-width, as an IME types it
        ("C01X 00T47", IdKind.PASSPORT, "C01X00T47"),
        ("H12345678", IdKind.HOME_RETURN, "H12345678"),
        ("m1234567801", IdKind.HOME_RETURN, "M1234567801"),  # with the issue count
        ("12345678", IdKind.TAIWAN_TRAVEL, "12345678"),
        ("0123456789", IdKind.TAIWAN_TRAVEL, "0123456789"),  # the older booklet
    ],
)
def test_passports_and_travel_permits_are_taken_with_their_kind(
    raw: str, kind: IdKind, number: str
) -> None:
    """A foreigner registers a number by passport, a Hong Kong resident by 回乡证: the
    number says nothing of its kind, so the kind comes with it."""
    assert normalize_identity(raw, kind) == (number, kind)


@pytest.mark.parametrize(
    ("raw", "kind", "code"),
    [
        ("ABCDEFGH", IdKind.PASSPORT, "id_number_passport"),  # no digit
        ("E123", IdKind.PASSPORT, "id_number_passport"),  # too short
        ("E12345678901234", IdKind.PASSPORT, "id_number_passport"),
        ("E123-45678", IdKind.PASSPORT, "id_number_passport"),
        ("K12345678", IdKind.HOME_RETURN, "id_number_home_return"),
        ("H123456789", IdKind.HOME_RETURN, "id_number_home_return"),  # 9 digits
        ("1234567", IdKind.TAIWAN_TRAVEL, "id_number_taiwan_travel"),
        ("A1234567", IdKind.TAIWAN_TRAVEL, "id_number_taiwan_travel"),
        ("E12345678", None, "id_number_length"),  # an 18-character document was meant
        ("440104199003071239", IdKind.HONG_KONG_MACAO, "id_kind_mismatch"),
    ],
)
def test_a_document_number_of_the_wrong_shape_says_what_is_wrong(
    raw: str, kind: IdKind | None, code: str
) -> None:
    with pytest.raises(Unprocessable) as caught:
        normalize_identity(raw, kind)
    assert caught.value.code == code


def test_an_18_character_number_given_with_its_kind_is_checked_as_before() -> None:
    resident = "440104199003071239"
    assert normalize_identity(resident, IdKind.RESIDENT) == (resident, IdKind.RESIDENT)
    assert normalize_identity(resident) == (resident, IdKind.RESIDENT)
    with pytest.raises(Unprocessable) as caught:
        normalize_identity("440104199003071230", IdKind.RESIDENT)
    assert caught.value.code == "id_number_checksum"


@given(kind=st.sampled_from(list(IdKind)), raw=st.text(max_size=24))
def test_any_text_with_any_kind_is_a_number_of_that_kind_or_a_clear_error(
    kind: IdKind, raw: str
) -> None:
    try:
        number, found = normalize_identity(raw, kind)
    except Unprocessable as exc:
        assert exc.code in {
            "id_number_length",
            "id_number_invalid",
            "id_number_checksum",
            "id_kind_mismatch",
            f"id_number_{kind.value}",
        }
    else:
        assert found is kind and number == number.strip().upper() and " " not in number
        assert normalize_identity(number, kind) == (number, kind)  # its one form


@pytest.mark.parametrize(
    ("entry", "document"),
    [
        ("E12345678", True),
        ("h12345678", True),
        ("53338000", True),  # a Taiwan resident's permit, or a passport's digits
        ("107185703", True),  # a British passport's 9 digits
        ("0201234", True),  # or a mistyped phone number: the search tells which
        ("1234", False),
        ("张伟", False),
        ("E12", False),
    ],
)
def test_a_search_entry_is_taken_for_a_document_number_when_it_has_the_shape_of_one(
    entry: str, document: bool
) -> None:
    assert looks_like_document_number(entry) is document
