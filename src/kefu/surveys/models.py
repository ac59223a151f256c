"""Tables of the survey domain: questionnaires, their items, responses and answers.

Answers are one row per item so item means by segment are plain SQL, and a response
may leave out the items that do not apply (the complaint items, for one).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from kefu.core.base import Base, IdMixin, TimestampMixin, VersionedMixin, utcnow
from kefu.surveys.enums import SurveyChannel


class Questionnaire(IdMixin, TimestampMixin, VersionedMixin, Base):
    """A survey as asked: its items on one answer scale."""

    __tablename__ = "survey_questionnaires"
    __table_args__ = (UniqueConstraint("code", name="uq_survey_questionnaires_code"),)

    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    scale_min: Mapped[int] = mapped_column(SmallInteger, default=1)
    scale_max: Mapped[int] = mapped_column(SmallInteger, default=10)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class SurveyItem(IdMixin, Base):
    """One question; ``block`` is the construct it measures (NET, HOTLINE, SAT ...)."""

    __tablename__ = "survey_items"
    __table_args__ = (
        UniqueConstraint("questionnaire_id", "code", name="uq_survey_items_questionnaire_code"),
    )

    questionnaire_id: Mapped[int] = mapped_column(ForeignKey("survey_questionnaires.id"))
    code: Mapped[str] = mapped_column(String(20))
    block: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(String(300))
    text_en: Mapped[str] = mapped_column(String(300))
    required: Mapped[bool] = mapped_column(Boolean, default=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class SurveyResponse(IdMixin, Base):
    """One person's answers, tied to who they are and what they were asked about."""

    __tablename__ = "survey_responses"
    __table_args__ = (
        Index("ix_survey_responses_questionnaire_answered", "questionnaire_id", "answered_at"),
        # a gateway retrying the same delivery must not count an answer twice
        UniqueConstraint("channel_ref", name="uq_survey_responses_channel_ref"),
    )

    questionnaire_id: Mapped[int] = mapped_column(ForeignKey("survey_questionnaires.id"))
    channel: Mapped[SurveyChannel] = mapped_column(String(8))
    channel_ref: Mapped[str | None] = mapped_column(String(200))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    work_order_id: Mapped[int | None] = mapped_column(ForeignKey("work_orders.id"), index=True)
    interaction_id: Mapped[int | None] = mapped_column(ForeignKey("contact_interactions.id"))
    answered_at: Mapped[datetime] = mapped_column(default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SurveyAnswer(Base):
    """One item's answer on the questionnaire's scale."""

    __tablename__ = "survey_answers"
    __table_args__ = (CheckConstraint("value BETWEEN 0 AND 100", name="value_range"),)

    response_id: Mapped[int] = mapped_column(ForeignKey("survey_responses.id"), primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("survey_items.id"), primary_key=True)
    value: Mapped[int] = mapped_column(SmallInteger)
