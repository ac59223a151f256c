"""Request body of a progress text to the customer (进度告知)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from kefu.core.types import Reason


class ProgressCreate(BaseModel):
    """Where the open order stands, in words for the customer: texted with its number."""

    model_config = ConfigDict(extra="forbid")

    text: Reason = Field(
        description="4 to 500 characters, as the customer is to read them (no template blanks)."
    )
