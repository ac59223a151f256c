"""Who the demo's customers are on paper. Most hold a resident ID card; a Guangdong
operator also serves Hong Kong and Macao residents living on the mainland, some from
Taiwan, and foreigners with permanent residence, who are registered under their names in
Latin letters, surname first, and are answered in English.

The draws come from a random stream of their own, so the rest of the demo is the one the
same seed always made.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from faker import Faker

from kefu.core.idnumber import IdKind, check_digit

# Share of customers by document other than the resident ID card.
DOCUMENT_SHARE = [
    (IdKind.HONG_KONG_MACAO, 0.012),
    (IdKind.TAIWAN, 0.002),
    (IdKind.FOREIGN_PERMANENT, 0.003),
]
PERMIT_HEAD = {IdKind.TAIWAN: "830000"}
MACAO_SHARE = 0.2  # of Hong Kong and Macao residents: the rest are from Hong Kong
ENGLISH_SHARE = {IdKind.HONG_KONG_MACAO: 0.15, IdKind.TAIWAN: 0.0, IdKind.FOREIGN_PERMANENT: 1.0}
# ISO 3166 numeric codes (the card's 4th to 6th digits): US, GB, AU, CA, DE, FR, NZ, SG.
NATIONALITIES = [840, 826, 36, 124, 276, 250, 554, 702]
GUANGDONG = "44"  # the issuing province of the demo's permanent residence cards


@dataclass(frozen=True)
class Identity:
    """A customer's document number, registered name and language."""

    id_number: str
    name: str
    language: str


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
            return Identity(resident_id, name, "zh-CN")
        english = self.rng.random() < ENGLISH_SHARE[kind]
        language = "en" if english else "zh-CN"
        tail = f"{birth:%Y%m%d}{sequence:03d}"
        if kind is IdKind.FOREIGN_PERMANENT:
            first17 = f"9{GUANGDONG}{self.rng.choice(NATIONALITIES):03d}{tail}"
            name = self._latin_name(male=sequence % 2 == 1)
            return Identity(first17 + check_digit(first17), name, language)
        macao = kind is IdKind.HONG_KONG_MACAO and self.rng.random() < MACAO_SHARE
        head = PERMIT_HEAD.get(kind, "820000" if macao else "810000")
        return Identity(f"{head}{tail}" + check_digit(f"{head}{tail}"), name, language)

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
