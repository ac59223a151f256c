"""interactions, queues and IVR flows, sessions and visits

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "contact_wrapup_codes",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("name_en", sa.String(length=100), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_wrapup_codes")),
        sa.UniqueConstraint("code", name=op.f("uq_contact_wrapup_codes_code")),
    )
    op.create_table(
        "ivr_flows",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("numbers", sa.String(length=200), nullable=False),
        sa.Column("published_number", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ivr_flows")),
        sa.UniqueConstraint("code", name=op.f("uq_ivr_flows_code")),
    )
    op.create_table(
        "routing_queues",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("name_en", sa.String(length=100), nullable=False),
        sa.Column("service_level_seconds", sa.Integer(), nullable=False),
        sa.Column("callback_after_seconds", sa.Integer(), nullable=False),
        sa.Column("dedicated_ring_seconds", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_routing_queues")),
        sa.UniqueConstraint("code", name=op.f("uq_routing_queues_code")),
    )
    op.create_table(
        "routing_queue_skills",
        sa.Column("queue_id", sa.Integer(), nullable=False),
        sa.Column("skill_id", sa.Integer(), nullable=False),
        sa.Column("min_level", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "min_level BETWEEN 1 AND 5", name=op.f("ck_routing_queue_skills_min_level_range")
        ),
        sa.ForeignKeyConstraint(
            ["queue_id"],
            ["routing_queues.id"],
            name=op.f("fk_routing_queue_skills_queue_id_routing_queues"),
        ),
        sa.ForeignKeyConstraint(
            ["skill_id"], ["skills.id"], name=op.f("fk_routing_queue_skills_skill_id_skills")
        ),
        sa.PrimaryKeyConstraint("queue_id", "skill_id", name=op.f("pk_routing_queue_skills")),
    )
    op.create_table(
        "ivr_flow_versions",
        sa.Column("flow_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("note", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["staff.id"], name=op.f("fk_ivr_flow_versions_created_by_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["flow_id"], ["ivr_flows.id"], name=op.f("fk_ivr_flow_versions_flow_id_ivr_flows")
        ),
        sa.ForeignKeyConstraint(
            ["published_by_id"],
            ["staff.id"],
            name=op.f("fk_ivr_flow_versions_published_by_id_staff"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ivr_flow_versions")),
        sa.UniqueConstraint("flow_id", "number", name=op.f("uq_ivr_flow_versions_flow_id_number")),
    )
    with op.batch_alter_table("ivr_flow_versions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ivr_flow_versions_flow_id"), ["flow_id"], unique=False)

    op.create_table(
        "contact_interactions",
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("direction", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("end_reason", sa.String(length=16), nullable=True),
        sa.Column("channel_ref", sa.String(length=200), nullable=True),
        sa.Column("address", sa.String(length=254), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("queue_id", sa.Integer(), nullable=True),
        sa.Column("agent_id", sa.Integer(), nullable=True),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("offered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("queued_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("wrap_up_code", sa.String(length=32), nullable=True),
        sa.Column("wrap_up_note", sa.Text(), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agent_id"], ["staff.id"], name=op.f("fk_contact_interactions_agent_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_contact_interactions_customer_id_customers"),
        ),
        sa.ForeignKeyConstraint(
            ["queue_id"],
            ["routing_queues.id"],
            name=op.f("fk_contact_interactions_queue_id_routing_queues"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_interactions")),
        sa.UniqueConstraint("channel_ref", name="uq_contact_interactions_channel_ref"),
    )
    with op.batch_alter_table("contact_interactions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contact_interactions_agent_id"), ["agent_id"], unique=False
        )
        batch_op.create_index(
            "ix_contact_interactions_customer_offered", ["customer_id", "offered_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_contact_interactions_offered_at"), ["offered_at"], unique=False
        )
        batch_op.create_index(
            "ix_contact_interactions_queue_status", ["queue_id", "status"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_contact_interactions_status"), ["status"], unique=False
        )

    op.create_table(
        "contact_interaction_orders",
        sa.Column("interaction_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["interaction_id"],
            ["contact_interactions.id"],
            name=op.f("fk_contact_interaction_orders_interaction_id_contact_interactions"),
        ),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["work_orders.id"],
            name=op.f("fk_contact_interaction_orders_order_id_work_orders"),
        ),
        sa.PrimaryKeyConstraint(
            "interaction_id", "order_id", name=op.f("pk_contact_interaction_orders")
        ),
    )
    op.create_table(
        "ivr_sessions",
        sa.Column("call_id", sa.String(length=128), nullable=False),
        sa.Column("interaction_id", sa.Integer(), nullable=False),
        sa.Column("flow_version_id", sa.Integer(), nullable=False),
        sa.Column("node", sa.String(length=64), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("self_service_ok", sa.Boolean(), nullable=False),
        sa.Column("transfer_queue", sa.String(length=32), nullable=False),
        sa.Column("transfer_reason", sa.String(length=64), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["flow_version_id"],
            ["ivr_flow_versions.id"],
            name=op.f("fk_ivr_sessions_flow_version_id_ivr_flow_versions"),
        ),
        sa.ForeignKeyConstraint(
            ["interaction_id"],
            ["contact_interactions.id"],
            name=op.f("fk_ivr_sessions_interaction_id_contact_interactions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ivr_sessions")),
        sa.UniqueConstraint("call_id", name=op.f("uq_ivr_sessions_call_id")),
    )
    with op.batch_alter_table("ivr_sessions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ivr_sessions_interaction_id"), ["interaction_id"], unique=False
        )
        batch_op.create_index("ix_ivr_sessions_started", ["started_at"], unique=False)

    op.create_table(
        "ivr_visits",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("node", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("left_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("result", sa.String(length=32), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"], ["ivr_sessions.id"], name=op.f("fk_ivr_visits_session_id_ivr_sessions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ivr_visits")),
    )
    with op.batch_alter_table("ivr_visits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ivr_visits_session_id"), ["session_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("ivr_visits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ivr_visits_session_id"))

    op.drop_table("ivr_visits")
    with op.batch_alter_table("ivr_sessions", schema=None) as batch_op:
        batch_op.drop_index("ix_ivr_sessions_started")
        batch_op.drop_index(batch_op.f("ix_ivr_sessions_interaction_id"))

    op.drop_table("ivr_sessions")
    op.drop_table("contact_interaction_orders")
    with op.batch_alter_table("contact_interactions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_interactions_status"))
        batch_op.drop_index("ix_contact_interactions_queue_status")
        batch_op.drop_index(batch_op.f("ix_contact_interactions_offered_at"))
        batch_op.drop_index("ix_contact_interactions_customer_offered")
        batch_op.drop_index(batch_op.f("ix_contact_interactions_agent_id"))

    op.drop_table("contact_interactions")
    with op.batch_alter_table("ivr_flow_versions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ivr_flow_versions_flow_id"))

    op.drop_table("ivr_flow_versions")
    op.drop_table("routing_queue_skills")
    op.drop_table("routing_queues")
    op.drop_table("ivr_flows")
    op.drop_table("contact_wrapup_codes")
