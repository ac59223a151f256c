"""What the survey API reads and writes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, Field

from kefu.core.types import RefId
from kefu.surveys.enums import SurveyChannel

# A score on any questionnaire's scale; the service checks the questionnaire's own range.
Score = Annotated[int, Field(ge=0, le=1000)]


class ItemRead(BaseModel):
    code: str
    block: str
    text: str
    text_en: str
    required: bool


class QuestionnaireRead(BaseModel):
    code: str
    name: str
    name_en: str
    scale_min: int
    scale_max: int
    active: bool
    items: list[ItemRead]


class ResponseCreate(BaseModel):
    """One person's answers by item code; items that do not apply are left out."""

    questionnaire: str = Field(min_length=1, max_length=40)
    channel: SurveyChannel
    channel_ref: str | None = Field(default=None, min_length=1, max_length=200)
    customer_id: RefId | None = None
    work_order_id: RefId | None = None
    interaction_id: RefId | None = None
    answered_at: AwareDatetime | None = None  # with its offset: kefu stores UTC
    answers: dict[str, Score] = Field(min_length=1, max_length=200)


class ResponseRead(BaseModel):
    id: int
    questionnaire: str
    channel: SurveyChannel
    customer_id: int | None
    work_order_id: int | None
    interaction_id: int | None
    answered_at: datetime
    answers: dict[str, int]
