"""Resident identity card numbers (居民身份证号码): validated with the ISO 7064 check digit."""

from __future__ import annotations

import unicodedata

from stdnum import exceptions as stdnum_errors
from stdnum.cn import ric

from kefu.errors import Unprocessable


def normalize_id_number(raw: str, *, field: str = "id_number") -> str:
    """Return the canonical 18-character form or raise a 422 naming the problem."""
    text = unicodedata.normalize("NFKC", raw).strip().upper().replace(" ", "")
    if len(text) != 18:
        raise Unprocessable("id_number_length", field=field)
    try:
        return str(ric.validate(text))
    except stdnum_errors.InvalidChecksum as exc:
        raise Unprocessable("id_number_checksum", field=field) from exc
    except stdnum_errors.ValidationError as exc:
        raise Unprocessable("id_number_invalid", field=field) from exc


def check_digit(first17: str) -> str:
    """The check character for the first 17 digits (used by the demo generator)."""
    # stdnum ignores the last character it is given, so pass a placeholder check digit.
    return str(ric.calc_check_digit(first17 + "0"))
