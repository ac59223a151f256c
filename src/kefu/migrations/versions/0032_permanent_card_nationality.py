"""a permanent residence card is kept with its holder's nationality, read off its number

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from babel import Locale
from babel.core import get_global

revision = "0032"
down_revision = "0031"
branch_labels = None
depends_on = None

CARDS = sa.text(
    "SELECT id, id_number FROM customers WHERE id_kind = 'foreign_permanent' AND id_country IS NULL"
)
SET_COUNTRY = sa.text("UPDATE customers SET id_country = :country WHERE id = :id")


# Groupings and placeholders, no nationality (999 is ZZ, unknown); as kefu.core.idnumber.
NOT_COUNTRIES = frozenset({"EU", "EZ", "QO", "UN", "XA", "XB", "ZZ"})


def _numeric_countries() -> dict[str, str]:
    """ISO 3166 numeric codes by two letters, as CLDR aliases them (the card's 4th to 6th
    digits are the holder's nationality, GB/T 2659 numbering as ISO 3166 does)."""
    aliases = get_global("territory_aliases")
    named = {str(code) for code in Locale.parse("en").territories} - NOT_COUNTRIES
    return {
        code: found[0]
        for code, found in aliases.items()
        if code.isdigit() and len(found) == 1 and len(found[0]) == 2 and found[0] in named
    }


def upgrade() -> None:
    countries = _numeric_countries()
    connection = op.get_bind()
    found = [
        {"id": row.id, "country": countries[row.id_number[3:6]]}
        for row in connection.execute(CARDS)
        if row.id_number[3:6] in countries
    ]
    if found:
        connection.execute(SET_COUNTRY, found)


def downgrade() -> None:
    op.execute("UPDATE customers SET id_country = NULL WHERE id_kind = 'foreign_permanent'")
