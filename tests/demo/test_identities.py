"""The demo's customers hold the documents a Guangdong operator sees, each a valid number."""

from __future__ import annotations

from collections import Counter
from datetime import date

from kefu.core.idnumber import (
    EIGHTEEN_CHARACTER_KINDS,
    IdKind,
    id_kind,
    nationality,
    normalize_country,
    normalize_identity,
)
from kefu.demo.identities import DOCUMENT_SHARE, FOREIGN, Identities
from kefu.demo.subscribers import resident_id


def test_most_hold_a_resident_card_and_some_a_permit_passport_or_permanent_card() -> None:
    identities = Identities(seed=3)
    drawn = []
    for n in range(20_000):
        birth = date(1960 + n % 40, 1 + n % 12, 1 + n % 28)
        resident = resident_id("440100", birth, n % 1000)
        drawn.append(identities.draw(resident, birth, int(resident[14:17]), "张伟"))
    kinds = Counter(identity.id_kind for identity in drawn)
    for kind, share in DOCUMENT_SHARE:
        assert abs(kinds[kind] / len(drawn) - share) < share / 2, kind
    for identity in drawn:
        # each number is valid for its document, and an 18-character one says which
        assert normalize_identity(identity.id_number, identity.id_kind) == (
            identity.id_number,
            identity.id_kind,
        )
        if identity.id_kind is IdKind.PASSPORT:  # kept with the country that issued it
            assert normalize_country(identity.id_country or "") == identity.id_country
        elif identity.id_kind is IdKind.FOREIGN_PERMANENT:  # its holder's nationality
            assert identity.id_country == nationality(identity.id_number)
            assert identity.id_country is not None
        else:
            assert identity.id_country is None
        if identity.id_kind in EIGHTEEN_CHARACTER_KINDS:
            assert id_kind(identity.id_number) is identity.id_kind
        if identity.id_kind in FOREIGN:
            # registered as the document has it, surname first in Latin capitals; answered
            # in English
            assert identity.name.isupper() and " " in identity.name and identity.name.isascii()
            assert identity.language == "en"
        else:
            assert identity.name == "张伟"
        if identity.id_kind in {IdKind.RESIDENT, IdKind.TAIWAN, IdKind.TAIWAN_TRAVEL}:
            assert identity.language == "zh-CN"
    assert {identity.id_number[:6] for identity in drawn} >= {"810000", "820000", "830000"}
    assert {identity.id_number[0] for identity in drawn} >= {"H", "M"}  # Home Return Permits
    foreigners = kinds[IdKind.FOREIGN_PERMANENT] + kinds[IdKind.PASSPORT]
    assert Counter(identity.language for identity in drawn)["en"] > foreigners


def test_the_same_seed_draws_the_same_documents() -> None:
    birth = date(1990, 3, 7)
    resident = resident_id("440100", birth, 123)

    def draws(seed: int) -> list:
        identities = Identities(seed)
        return [identities.draw(resident, birth, 123, "李娜") for _ in range(2_000)]

    assert draws(5) == draws(5) != draws(6)
