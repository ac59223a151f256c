"""Identity documents a subscriber registers with (实名登记).

Four are 18 characters with the same ISO 7064 MOD 11-2 check character, so the kind can
be read off the number: the resident identity card (居民身份证), the residence permits of
Hong Kong, Macao and Taiwan residents (港澳台居民居住证, since 2018; heads 810000, 820000,
830000) and the foreigner's permanent residence card (外国人永久居留身份证, 2023 edition: a
9, the issuing province, the holder's nationality as an ISO 3166 numeric code).

Three carry a number of another shape, which says nothing of its kind, so the kind is
given with it: a foreigner's passport (护照), the Hong Kong and Macao residents' travel
permit (港澳居民来往内地通行证, 回乡证: H or M and 8 digits, 10 with the issue count) and the
Taiwan residents' (台湾居民来往大陆通行证, 台胞证: 8 digits, 10 on the older booklet). These
are checked by their shape only: they carry no check character.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from enum import StrEnum

from babel import Locale
from babel.core import get_global
from stdnum import exceptions as stdnum_errors
from stdnum.cn import ric

from kefu.errors import Unprocessable


class IdKind(StrEnum):
    """Which document an identity number belongs to."""

    RESIDENT = "resident"  # 居民身份证
    HONG_KONG_MACAO = "hong_kong_macao"  # 港澳居民居住证
    TAIWAN = "taiwan"  # 台湾居民居住证
    FOREIGN_PERMANENT = "foreign_permanent"  # 外国人永久居留身份证
    PASSPORT = "passport"  # 护照 (a foreigner's: a mainland resident registers by ID card)
    HOME_RETURN = "home_return"  # 港澳居民来往内地通行证 (回乡证)
    TAIWAN_TRAVEL = "taiwan_travel"  # 台湾居民来往大陆通行证 (台胞证)


# The documents whose 18-character number carries its kind, birth date and sex.
EIGHTEEN_CHARACTER_KINDS = frozenset(
    {IdKind.RESIDENT, IdKind.HONG_KONG_MACAO, IdKind.TAIWAN, IdKind.FOREIGN_PERMANENT}
)
# The others' numbers by their shape (upper case, no spaces); a passport's holds a digit.
DOCUMENT_SHAPES = {
    IdKind.PASSPORT: re.compile(r"(?=[A-Z]*[0-9])[A-Z0-9]{5,12}"),
    IdKind.HOME_RETURN: re.compile(r"[HM][0-9]{8}(?:[0-9]{2})?"),
    IdKind.TAIWAN_TRAVEL: re.compile(r"[0-9]{8}(?:[0-9]{2})?"),
}


# Who issues a passport: an ISO 3166 two-letter code, as Babel names the countries (not
# its groupings and placeholders: the EU, the UN, unknown).
NOT_COUNTRIES = frozenset({"EU", "EZ", "QO", "UN", "XA", "XB", "ZZ"})
COUNTRIES = frozenset(
    code
    for code in map(str, Locale.parse("en").territories)
    if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES
)


def _numeric_countries() -> dict[str, str]:
    """ISO 3166 numeric codes (``276``) by the countries' two letters (``DE``), from the
    CLDR territory aliases Babel ships: how a permanent residence card writes the holder's
    nationality (GB/T 2659 numbers the countries as ISO 3166 does)."""
    aliases = get_global("territory_aliases")
    return {
        code: found[0]
        for code, found in aliases.items()
        if code.isdigit() and len(found) == 1 and found[0] in COUNTRIES
    }


NUMERIC_COUNTRIES = _numeric_countries()


PERMIT_HEADS = {
    "810000": IdKind.HONG_KONG_MACAO,  # Hong Kong
    "820000": IdKind.HONG_KONG_MACAO,  # Macao
    "830000": IdKind.TAIWAN,
}
# The mainland's province-level codes by region (华北 11–15, 东北 21–23, 华东 31–37, 中南
# 41–46, 西南 50–54, 西北 61–65): who issues a permanent residence card, its 2nd and 3rd digits.
PROVINCE_RANGES = ((11, 15), (21, 23), (31, 37), (41, 46), (50, 54), (61, 65))
ISSUING_PROVINCES = frozenset(
    str(code) for low, high in PROVINCE_RANGES for code in range(low, high + 1)
)


def normalize_identity(
    raw: str, kind: IdKind | None = None, *, field: str = "id_number"
) -> tuple[str, IdKind]:
    """The canonical number and its document, or a 422 naming the problem. Without a kind
    the number must be one of the 18-character documents, whose kind it carries."""
    if kind is not None and kind not in EIGHTEEN_CHARACTER_KINDS:
        text = canonical_text(raw)
        if not DOCUMENT_SHAPES[kind].fullmatch(text):
            raise Unprocessable(f"id_number_{kind.value}", field=field)
        return text, kind
    number = normalize_id_number(raw, field=field)
    found = id_kind(number)
    if kind is not None and kind is not found:
        raise Unprocessable("id_kind_mismatch", field="id_kind")
    return number, found


def normalize_country(raw: str, *, field: str = "id_country") -> str:
    """A passport's issuing country as its ISO 3166 code (``us`` → ``US``), or a 422."""
    code = raw.strip().upper()
    if code not in COUNTRIES:
        raise Unprocessable("id_country_unknown", field=field)
    return code


def country_name(code: str, language: str) -> str:
    """A country's name in the page's language (美国, United States)."""
    locale = Locale.parse("zh_Hans_CN" if language == "zh-CN" else "en")
    return str(locale.territories.get(code, code))


def canonical_text(raw: str) -> str:
    """A document number as typed, in one form: full-width folded, upper case, no spaces."""
    return unicodedata.normalize("NFKC", raw).strip().upper().replace(" ", "")


def looks_like_document_number(text: str) -> bool:
    """Whether a search box entry that is no phone number could be a passport's or travel
    permit's number (by its shape: many countries number passports in digits alone)."""
    return any(shape.fullmatch(canonical_text(text)) for shape in DOCUMENT_SHAPES.values())


def normalize_id_number(raw: str, *, field: str = "id_number") -> str:
    """Return the canonical 18-character form or raise a 422 naming the problem."""
    text = canonical_text(raw)
    if len(text) != 18:
        raise Unprocessable("id_number_length", field=field)
    if text[:6] in PERMIT_HEADS or text[0] == "9":
        return _normalize_other(text, field)
    try:
        return str(ric.validate(text))
    except stdnum_errors.InvalidChecksum as exc:
        raise Unprocessable("id_number_checksum", field=field) from exc
    except stdnum_errors.ValidationError as exc:
        raise Unprocessable("id_number_invalid", field=field) from exc


def _normalize_other(text: str, field: str) -> str:
    """A residence permit or permanent residence card number, checked as stdnum checks a
    resident's: digits, a real birth date, the issuer, then the check character."""
    first17 = text[:17]
    issuer_known = text[:6] in PERMIT_HEADS or text[1:3] in ISSUING_PROVINCES
    if not first17.isdigit() or not issuer_known or _birth_date(text) is None:
        raise Unprocessable("id_number_invalid", field=field)
    if check_digit(first17) != text[17]:
        raise Unprocessable("id_number_checksum", field=field)
    return text


def _birth_date(number: str) -> date | None:
    """The birth date an identity number carries (the 7th to 14th digits), if it is one."""
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None
    return born if date(1900, 1, 1) <= born <= date.today() else None


def id_kind(number: str) -> IdKind:
    """Which document a valid 18-character identity number belongs to."""
    if number[0] == "9":
        return IdKind.FOREIGN_PERMANENT
    return PERMIT_HEADS.get(number[:6], IdKind.RESIDENT)


def nationality(number: str) -> str | None:
    """The holder's nationality a permanent residence card's number carries (its 4th to
    6th digits) as the country's two letters; None for other documents, or a code no
    country has (a stateless holder's)."""
    if len(number) != 18 or id_kind(number) is not IdKind.FOREIGN_PERMANENT:
        return None  # a travel permit's 8 digits may begin with a 9 too
    return NUMERIC_COUNTRIES.get(number[3:6])


def check_digit(first17: str) -> str:
    """The check character for the first 17 digits (the demo generator makes numbers)."""
    # stdnum ignores the last character it is given, so pass a placeholder check digit.
    return str(ric.calc_check_digit(first17 + "0"))
