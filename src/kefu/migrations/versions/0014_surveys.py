"""survey questionnaires, items, responses and answers

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "survey_questionnaires",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("name_en", sa.String(length=100), nullable=False),
        sa.Column("scale_min", sa.SmallInteger(), nullable=False),
        sa.Column("scale_max", sa.SmallInteger(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_questionnaires")),
        sa.UniqueConstraint("code", name="uq_survey_questionnaires_code"),
    )
    op.create_table(
        "survey_items",
        sa.Column("questionnaire_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("block", sa.String(length=20), nullable=False),
        sa.Column("text", sa.String(length=300), nullable=False),
        sa.Column("text_en", sa.String(length=300), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["questionnaire_id"],
            ["survey_questionnaires.id"],
            name=op.f("fk_survey_items_questionnaire_id_survey_questionnaires"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_items")),
        sa.UniqueConstraint("questionnaire_id", "code", name="uq_survey_items_questionnaire_code"),
    )
    op.create_table(
        "survey_responses",
        sa.Column("questionnaire_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("channel_ref", sa.String(length=200), nullable=True),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("work_order_id", sa.Integer(), nullable=True),
        sa.Column("interaction_id", sa.Integer(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_survey_responses_customer_id_customers"),
        ),
        sa.ForeignKeyConstraint(
            ["interaction_id"],
            ["contact_interactions.id"],
            name=op.f("fk_survey_responses_interaction_id_contact_interactions"),
        ),
        sa.ForeignKeyConstraint(
            ["questionnaire_id"],
            ["survey_questionnaires.id"],
            name=op.f("fk_survey_responses_questionnaire_id_survey_questionnaires"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["staff.id"], name=op.f("fk_survey_responses_recorded_by_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["work_order_id"],
            ["work_orders.id"],
            name=op.f("fk_survey_responses_work_order_id_work_orders"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_responses")),
        sa.UniqueConstraint("channel_ref", name="uq_survey_responses_channel_ref"),
    )
    with op.batch_alter_table("survey_responses", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_survey_responses_customer_id"), ["customer_id"], unique=False
        )
        batch_op.create_index(
            "ix_survey_responses_questionnaire_answered",
            ["questionnaire_id", "answered_at"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_survey_responses_work_order_id"), ["work_order_id"], unique=False
        )

    op.create_table(
        "survey_answers",
        sa.Column("response_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.SmallInteger(), nullable=False),
        sa.CheckConstraint("value BETWEEN 0 AND 100", name=op.f("ck_survey_answers_value_range")),
        sa.ForeignKeyConstraint(
            ["item_id"], ["survey_items.id"], name=op.f("fk_survey_answers_item_id_survey_items")
        ),
        sa.ForeignKeyConstraint(
            ["response_id"],
            ["survey_responses.id"],
            name=op.f("fk_survey_answers_response_id_survey_responses"),
        ),
        sa.PrimaryKeyConstraint("response_id", "item_id", name=op.f("pk_survey_answers")),
    )


def downgrade() -> None:
    op.drop_table("survey_answers")
    with op.batch_alter_table("survey_responses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_survey_responses_work_order_id"))
        batch_op.drop_index("ix_survey_responses_questionnaire_answered")
        batch_op.drop_index(batch_op.f("ix_survey_responses_customer_id"))

    op.drop_table("survey_responses")
    op.drop_table("survey_items")
    op.drop_table("survey_questionnaires")
