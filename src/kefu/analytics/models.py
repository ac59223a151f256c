"""Tables of the analysis domain: trained models and their validation reports.

A model is kept with the report it was judged by, so the figures an account manager
sees can always be traced to the data and the score they came from. The artifact is a
joblib pickle written by kefu itself; it is only ever read back from kefu's own
database, whose writers can change anything anyway, so it is no new trust boundary.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from kefu.core.base import Base, IdMixin, utcnow


class TrainedModel(IdMixin, Base):
    """One training of one kind of model (churn, complaint text); one active per kind."""

    __tablename__ = "analysis_models"
    __table_args__ = (
        Index(
            "uq_analysis_models_active_kind",
            "kind",
            unique=True,
            sqlite_where=text("active"),
            postgresql_where=text("active"),
        ),
    )

    kind: Mapped[str] = mapped_column(String(32), index=True)
    trained_at: Mapped[datetime] = mapped_column(default=utcnow)
    trained_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=False)
    report: Mapped[str] = mapped_column(Text, default="{}")  # JSON: data, metrics, settings
    artifact: Mapped[bytes] = mapped_column(LargeBinary)


class ChurnWarning(IdMixin, Base):
    """One number on a week's churn warning list, with the reasons behind its score.

    Only the riskiest numbers of a scoring are kept: the list is what account managers
    work through in a week, and keeping every number's score would add a million rows a
    week for nothing anyone reads.
    """

    __tablename__ = "churn_warnings"
    __table_args__ = (
        UniqueConstraint("week", "subscription_id", name="uq_churn_warnings_week_subscription"),
        Index("ix_churn_warnings_week_manager", "week", "account_manager_id"),
    )

    week: Mapped[date] = mapped_column(Date)  # the Monday the list is for
    model_id: Mapped[int] = mapped_column(ForeignKey("analysis_models.id"))
    subscription_id: Mapped[int] = mapped_column(ForeignKey("subscriptions.id"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    account_manager_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    probability: Mapped[float] = mapped_column(Float)
    reasons: Mapped[str] = mapped_column(Text, default="[]")  # JSON: [[feature, share], ...]


class ValueSegment(Base):
    """A number's RFM figures and value segment in one segmentation run (a ``rfm`` model).

    Kept per run so a segment's members can be listed, paged and exported exactly as they
    were counted, and compared with the next run.
    """

    __tablename__ = "value_segments"
    __table_args__ = (Index("ix_value_segments_model_segment", "model_id", "segment"),)

    model_id: Mapped[int] = mapped_column(ForeignKey("analysis_models.id"), primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("subscriptions.id"), primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    segment: Mapped[str] = mapped_column(String(32))
    recency_days: Mapped[float] = mapped_column(Float)
    frequency: Mapped[int] = mapped_column(Integer)
    monetary_fen: Mapped[int] = mapped_column(BigInteger)


class Alert(IdMixin, Base):
    """An early warning raised by a rule: a figure past its threshold, or a complaint
    category spiking. One per rule, subject and day, so a re-check never repeats it."""

    __tablename__ = "analysis_alerts"
    __table_args__ = (
        UniqueConstraint("rule", "subject", "day", name="uq_analysis_alerts_rule_subject_day"),
        Index("ix_analysis_alerts_open", "acknowledged_at", "raised_at"),
    )

    rule: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(100))  # "center", "queue:3", "category:12"
    day: Mapped[date] = mapped_column(Date)  # the local day the figures are of
    value: Mapped[float] = mapped_column(Float)
    threshold: Mapped[float] = mapped_column(Float)
    detail: Mapped[str] = mapped_column(Text, default="{}")  # JSON: what the rule saw
    raised_at: Mapped[datetime] = mapped_column(default=utcnow)
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    acknowledged_at: Mapped[datetime | None]
    note: Mapped[str] = mapped_column(Text, default="")
