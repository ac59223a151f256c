"""Who the demo's customers are on paper. Most hold a resident ID card; a Guangdong
operator also serves Hong Kong and Macao residents (with a residence permit, or only
their Home Return Permit), some from Taiwan (likewise), and foreigners, most by passport
and a few with permanent residence, who are registered under their names in Latin
letters, surname first, and are answered in English.

The draws come from a random stream of their own, so the rest of the demo is the one the
same seed always made.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from faker import Faker

from kefu.core.idnumber import IdKind, check_digit, nationality

# Share of customers by document other than the resident ID card.
DOCUMENT_SHARE = [
    (IdKind.HONG_KONG_MACAO, 0.008),
    (IdKind.HOME_RETURN, 0.005),
    (IdKind.TAIWAN, 0.001),
    (IdKind.TAIWAN_TRAVEL, 0.001),
    (IdKind.FOREIGN_PERMANENT, 0.001),
    (IdKind.PASSPORT, 0.004),
]
PERMIT_HEAD = {IdKind.TAIWAN: "830000"}
MACAO_SHARE = 0.2  # of Hong Kong and Macao residents: the rest are from Hong Kong
FOREIGN = frozenset({IdKind.FOREIGN_PERMANENT, IdKind.PASSPORT})
HONG_KONG_ENGLISH_SHARE = 0.15  # every foreigner speaks English here, no one from Taiwan
# ISO 3166 numeric codes (the card's 4th to 6th digits): US, GB, AU, CA, DE, FR, NZ, SG.
NATIONALITIES = [840, 826, 36, 124, 276, 250, 554, 702]
# Each of those countries' two-letter code (a passport's issuer), and how its passports
# are numbered: L a letter, D a digit.
PASSPORTS = {
    840: ("US", "LDDDDDDDD"),
    826: ("GB", "DDDDDDDDD"),
    36: ("AU", "LLDDDDDDD"),
    124: ("CA", "LLDDDDDD"),
    276: ("DE", "LLLLDDDDD"),
    250: ("FR", "DDLLDDDDD"),
    554: ("NZ", "LLDDDDDD"),
    702: ("SG", "LDDDDDDDL"),
}
GUANGDONG = "44"  # the issuing province of the demo's permanent residence cards


@dataclass(frozen=True)
class Identity:
    """A customer's document number, registered name and language."""

    id_number: str
    id_kind: IdKind
    name: str
    language: str
    id_country: str | None = None  # a passport's issuer, a permanent card's nationality


class Identities:
    """Draws each customer's document, given what the resident ID card would have been."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed + 59)
        self.fake = Faker("en_US")
        self.fake.seed_instance(seed)

    def draw(self, resident_id: str, birth: date, sequence: int, name: str) -> Identity:
        """``resident_id``, ``name`` in Chinese: what most customers hold and are called."""
        kind = self._kind()
        if kind is IdKind.RESIDENT:
            return Identity(resident_id, kind, name, "zh-CN")
        if kind in FOREIGN:
            name = self._latin_name(male=sequence % 2 == 1)
        english = kind in FOREIGN or (
            kind in {IdKind.HONG_KONG_MACAO, IdKind.HOME_RETURN}
            and self.rng.random() < HONG_KONG_ENGLISH_SHARE
        )
        language = "en" if english else "zh-CN"
        if kind is IdKind.PASSPORT:
            country, shape = PASSPORTS[self.rng.choice(NATIONALITIES)]
            number = "".join(self._character(c) for c in shape)
            return Identity(number, kind, name, language, country)
        number = self._number(kind, f"{birth:%Y%m%d}{sequence:03d}")
        held = nationality(number) if kind is IdKind.FOREIGN_PERMANENT else None
        return Identity(number, kind, name, language, held)

    def _number(self, kind: IdKind, tail: str) -> str:
        """The number of a document other than a passport; ``tail`` the birth date and
        sequence an 18-character one carries."""
        if kind is IdKind.HOME_RETURN:
            return ("M" if self.rng.random() < MACAO_SHARE else "H") + self._digits(8)
        if kind is IdKind.TAIWAN_TRAVEL:
            return self._digits(8)
        if kind is IdKind.FOREIGN_PERMANENT:
            first17 = f"9{GUANGDONG}{self.rng.choice(NATIONALITIES):03d}{tail}"
        else:
            macao = kind is IdKind.HONG_KONG_MACAO and self.rng.random() < MACAO_SHARE
            first17 = PERMIT_HEAD.get(kind, "820000" if macao else "810000") + tail
        return first17 + check_digit(first17)

    def _character(self, shape: str) -> str:
        return self.rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ" if shape == "L" else "0123456789")

    def _digits(self, count: int) -> str:
        return "".join(self._character("D") for _ in range(count))

    def _latin_name(self, *, male: bool) -> str:
        """As the card has it: surname first, in capitals (the sequence's parity is the
        holder's sex, as on a resident's card)."""
        given = self.fake.first_name_male() if male else self.fake.first_name_female()
        return f"{self.fake.last_name()} {given}".upper()

    def _kind(self) -> IdKind:
        draw = self.rng.random()
        for kind, share in DOCUMENT_SHARE:
            if draw < share:
                return kind
            draw -= share
        return IdKind.RESIDENT
