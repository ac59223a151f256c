"""Validated field types shared by request schemas.

Every string has a length bound that the column can hold on both databases, and no
string may carry a NUL character (PostgreSQL refuses it in text). Integers that reach
the database fit a 32-bit column.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, TypeVar

from fastapi import Path
from pydantic import AfterValidator, Field, StringConstraints
from pydantic_core import PydanticCustomError

INT32_MAX = 2**31 - 1
_Value = TypeVar("_Value")


def _no_control_characters(value: str) -> str:
    if any(ord(ch) < 32 and ch not in "\t\n\r" for ch in value):
        raise ValueError("control characters are not allowed")
    return value


Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=100),
    AfterValidator(_no_control_characters),
]
# A name that may be left out (another language's, say): as long as a name may be.
OptionalName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=100),
    AfterValidator(_no_control_characters),
]
ShortText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=200),
    AfterValidator(_no_control_characters),
]
LongText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=300),
    AfterValidator(_no_control_characters),
]
NoteText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=4000),
    AfterValidator(_no_control_characters),
]
# Another system's number for a record (an appeal's 申诉编号, a recording's reference).
ReferenceText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=64),
    AfterValidator(_no_control_characters),
]
Code = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.\-]{1,32}$")]
Reason = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=4, max_length=500),
    AfterValidator(_no_control_characters),
]
# What one team asks another, or answers (协办): a few words at least, a page at most.
Explanation = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=4, max_length=1000),
    AfterValidator(_no_control_characters),
]
RefId = Annotated[int, Field(ge=1, le=INT32_MAX)]
# A day a center can have records on; beyond these, date arithmetic in the center's zone
# overflows (0001-01-01 less eight hours), which was a 500.
RecordDate = Annotated[date, Field(ge=date(2000, 1, 1), le=date(2099, 12, 31))]
Fen = Annotated[int, Field(ge=-(10**12), le=10**12)]
PathId = Annotated[int, Path(ge=1, le=INT32_MAX)]


def _refuse_null(value: _Value | None) -> _Value | None:
    if value is None:
        raise PydanticCustomError("null_refused", "null is refused: leave the field out")
    return value


# On a change's field the record always has: left out, it keeps its value; sent as null,
# a clear 422 (it used to reach the database, or the search index, as None: a 500).
NotNull = AfterValidator(_refuse_null)
