"""acd agents, waiting calls, break reasons

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("contact_interactions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("wrapped_up_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(
            "ix_contact_interactions_queue_queued", ["queue_id", "queued_at"], unique=False
        )

    op.create_table(
        "routing_break_reasons",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("name_en", sa.String(length=100), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_routing_break_reasons")),
        sa.UniqueConstraint("code", name=op.f("uq_routing_break_reasons_code")),
    )
    op.create_table(
        "routing_agent_events",
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("from_state", sa.String(length=8), nullable=False),
        sa.Column("to_state", sa.String(length=8), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("interaction_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["interaction_id"],
            ["contact_interactions.id"],
            name=op.f("fk_routing_agent_events_interaction_id_contact_interactions"),
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_routing_agent_events_staff_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_routing_agent_events")),
    )
    with op.batch_alter_table("routing_agent_events", schema=None) as batch_op:
        batch_op.create_index("ix_routing_agent_events_staff_at", ["staff_id", "at"], unique=False)

    op.create_table(
        "routing_agents",
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=8), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=False),
        sa.Column("state_since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("idle_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("interaction_id", sa.Integer(), nullable=True),
        sa.Column("offer_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["interaction_id"],
            ["contact_interactions.id"],
            name=op.f("fk_routing_agents_interaction_id_contact_interactions"),
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"], ["staff.id"], name=op.f("fk_routing_agents_staff_id_staff")
        ),
        sa.PrimaryKeyConstraint("staff_id", name=op.f("pk_routing_agents")),
    )
    with op.batch_alter_table("routing_agents", schema=None) as batch_op:
        batch_op.create_index("ix_routing_agents_state_idle", ["state", "idle_since"], unique=False)

    op.create_table(
        "routing_waiting_calls",
        sa.Column("interaction_id", sa.Integer(), nullable=False),
        sa.Column("queue_id", sa.Integer(), nullable=False),
        sa.Column("route_key", sa.Float(), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("queued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("dedicated_agent_id", sa.Integer(), nullable=True),
        sa.Column("dedicated_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("offered_to", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["dedicated_agent_id"],
            ["staff.id"],
            name=op.f("fk_routing_waiting_calls_dedicated_agent_id_staff"),
        ),
        sa.ForeignKeyConstraint(
            ["interaction_id"],
            ["contact_interactions.id"],
            name=op.f("fk_routing_waiting_calls_interaction_id_contact_interactions"),
        ),
        sa.ForeignKeyConstraint(
            ["offered_to"], ["staff.id"], name=op.f("fk_routing_waiting_calls_offered_to_staff")
        ),
        sa.ForeignKeyConstraint(
            ["queue_id"],
            ["routing_queues.id"],
            name=op.f("fk_routing_waiting_calls_queue_id_routing_queues"),
        ),
        sa.PrimaryKeyConstraint("interaction_id", name=op.f("pk_routing_waiting_calls")),
    )
    with op.batch_alter_table("routing_waiting_calls", schema=None) as batch_op:
        batch_op.create_index(
            "ix_routing_waiting_calls_dedicated", ["dedicated_agent_id"], unique=False
        )
        batch_op.create_index(
            "ix_routing_waiting_calls_queue_key", ["queue_id", "route_key"], unique=False
        )

    op.create_table(
        "routing_agent_queues",
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("queue_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["queue_id"],
            ["routing_queues.id"],
            name=op.f("fk_routing_agent_queues_queue_id_routing_queues"),
        ),
        sa.ForeignKeyConstraint(
            ["staff_id"],
            ["routing_agents.staff_id"],
            name=op.f("fk_routing_agent_queues_staff_id_routing_agents"),
        ),
        sa.PrimaryKeyConstraint("staff_id", "queue_id", name=op.f("pk_routing_agent_queues")),
    )
    with op.batch_alter_table("routing_agent_queues", schema=None) as batch_op:
        batch_op.create_index(
            "ix_routing_agent_queues_queue", ["queue_id", "staff_id"], unique=False
        )

    with op.batch_alter_table("routing_queues", schema=None) as batch_op:
        # existing queues get the default head start per priority point
        batch_op.add_column(
            sa.Column("priority_step_seconds", sa.Integer(), nullable=False, server_default="30")
        )
    with op.batch_alter_table("routing_queues", schema=None) as batch_op:
        batch_op.alter_column("priority_step_seconds", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("contact_interactions", schema=None) as batch_op:
        batch_op.drop_index("ix_contact_interactions_queue_queued")
        batch_op.drop_column("wrapped_up_at")

    with op.batch_alter_table("routing_queues", schema=None) as batch_op:
        batch_op.drop_column("priority_step_seconds")

    with op.batch_alter_table("routing_agent_queues", schema=None) as batch_op:
        batch_op.drop_index("ix_routing_agent_queues_queue")

    op.drop_table("routing_agent_queues")
    with op.batch_alter_table("routing_waiting_calls", schema=None) as batch_op:
        batch_op.drop_index("ix_routing_waiting_calls_queue_key")
        batch_op.drop_index("ix_routing_waiting_calls_dedicated")

    op.drop_table("routing_waiting_calls")
    with op.batch_alter_table("routing_agents", schema=None) as batch_op:
        batch_op.drop_index("ix_routing_agents_state_idle")

    op.drop_table("routing_agents")
    with op.batch_alter_table("routing_agent_events", schema=None) as batch_op:
        batch_op.drop_index("ix_routing_agent_events_staff_at")

    op.drop_table("routing_agent_events")
    op.drop_table("routing_break_reasons")
