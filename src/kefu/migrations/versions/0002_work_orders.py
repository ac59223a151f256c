"""work orders: categories, templates, orders, events, links, return visits

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 22:02:09.376848
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "wo_categories",
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(length=255), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("name_en", sa.String(length=100), nullable=False),
        sa.Column("script", sa.Text(), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["wo_categories.id"],
            name=op.f("fk_wo_categories_parent_id_wo_categories"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wo_categories")),
        sa.UniqueConstraint("code", name=op.f("uq_wo_categories_code")),
    )
    with op.batch_alter_table("wo_categories", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_wo_categories_parent_id"), ["parent_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_wo_categories_path"), ["path"], unique=False)

    op.create_table(
        "wo_daily_counters",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_wo_daily_counters")),
    )
    op.create_table(
        "wo_reply_templates",
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["wo_categories.id"],
            name=op.f("fk_wo_reply_templates_category_id_wo_categories"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wo_reply_templates")),
    )
    with op.batch_alter_table("wo_reply_templates", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_wo_reply_templates_category_id"), ["category_id"], unique=False
        )

    op.create_table(
        "work_orders",
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("type", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("contact_phone", sa.String(length=20), nullable=False),
        sa.Column("contact_name", sa.String(length=100), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("triage", sa.String(length=16), nullable=True),
        sa.Column("triage_reason", sa.String(length=500), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("is_repeat", sa.Boolean(), nullable=False),
        sa.Column("org_unit_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("reply", sa.Text(), nullable=False),
        sa.Column("replied_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignee_id"], ["staff.id"], name=op.f("fk_work_orders_assignee_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["wo_categories.id"],
            name=op.f("fk_work_orders_category_id_wo_categories"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["staff.id"], name=op.f("fk_work_orders_created_by_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_work_orders_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["org_unit_id"], ["org_units.id"], name=op.f("fk_work_orders_org_unit_id_org_units")
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_work_orders_team_id_teams")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_work_orders")),
        sa.UniqueConstraint("number", name=op.f("uq_work_orders_number")),
    )
    with op.batch_alter_table("work_orders", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_work_orders_assignee_id"), ["assignee_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_work_orders_category_id"), ["category_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_work_orders_customer_id"), ["customer_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_work_orders_is_repeat"), ["is_repeat"], unique=False)
        batch_op.create_index("ix_work_orders_org_status", ["org_unit_id", "status"], unique=False)
        batch_op.create_index(
            "ix_work_orders_phone_created", ["contact_phone", "created_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_work_orders_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_work_orders_team_id"), ["team_id"], unique=False)
        batch_op.create_index("ix_work_orders_type_created", ["type", "created_at"], unique=False)

    op.create_table(
        "wo_events",
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("from_status", sa.String(length=20), nullable=False),
        sa.Column("to_status", sa.String(length=20), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["staff.id"], name=op.f("fk_wo_events_actor_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["work_orders.id"], name=op.f("fk_wo_events_order_id_work_orders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wo_events")),
    )
    with op.batch_alter_table("wo_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_wo_events_order_id"), ["order_id"], unique=False)

    op.create_table(
        "wo_links",
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("linked_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["linked_id"], ["work_orders.id"], name=op.f("fk_wo_links_linked_id_work_orders")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["work_orders.id"], name=op.f("fk_wo_links_order_id_work_orders")
        ),
        sa.PrimaryKeyConstraint("order_id", "linked_id", name=op.f("pk_wo_links")),
    )
    op.create_table(
        "wo_return_visits",
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("visitor_id", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"], ["work_orders.id"], name=op.f("fk_wo_return_visits_order_id_work_orders")
        ),
        sa.ForeignKeyConstraint(
            ["visitor_id"], ["staff.id"], name=op.f("fk_wo_return_visits_visitor_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wo_return_visits")),
    )
    with op.batch_alter_table("wo_return_visits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_wo_return_visits_due_at"), ["due_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_wo_return_visits_order_id"), ["order_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("wo_return_visits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wo_return_visits_order_id"))
        batch_op.drop_index(batch_op.f("ix_wo_return_visits_due_at"))

    op.drop_table("wo_return_visits")
    op.drop_table("wo_links")
    with op.batch_alter_table("wo_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wo_events_order_id"))

    op.drop_table("wo_events")
    with op.batch_alter_table("work_orders", schema=None) as batch_op:
        batch_op.drop_index("ix_work_orders_type_created")
        batch_op.drop_index(batch_op.f("ix_work_orders_team_id"))
        batch_op.drop_index(batch_op.f("ix_work_orders_status"))
        batch_op.drop_index("ix_work_orders_phone_created")
        batch_op.drop_index("ix_work_orders_org_status")
        batch_op.drop_index(batch_op.f("ix_work_orders_is_repeat"))
        batch_op.drop_index(batch_op.f("ix_work_orders_customer_id"))
        batch_op.drop_index(batch_op.f("ix_work_orders_category_id"))
        batch_op.drop_index(batch_op.f("ix_work_orders_assignee_id"))

    op.drop_table("work_orders")
    with op.batch_alter_table("wo_reply_templates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wo_reply_templates_category_id"))

    op.drop_table("wo_reply_templates")
    op.drop_table("wo_daily_counters")
    with op.batch_alter_table("wo_categories", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wo_categories_path"))
        batch_op.drop_index(batch_op.f("ix_wo_categories_parent_id"))

    op.drop_table("wo_categories")
