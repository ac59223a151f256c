"""knowledge and case library, with Chinese full-text search

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22

SQLite: an FTS5 table over the segmented tokens, with the articles as external content
and triggers that keep it in step. PostgreSQL: a generated ``tsvector('simple')`` column
with a GIN index. The models do not describe either (see kefu.knowledge.models).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

SQLITE_SEARCH = (
    "CREATE VIRTUAL TABLE kb_articles_fts USING fts5("
    "search_tokens, content='kb_articles', content_rowid='id', tokenize='unicode61')",
    "CREATE TRIGGER kb_articles_fts_insert AFTER INSERT ON kb_articles BEGIN "
    "INSERT INTO kb_articles_fts(rowid, search_tokens) VALUES (new.id, new.search_tokens); END",
    "CREATE TRIGGER kb_articles_fts_delete AFTER DELETE ON kb_articles BEGIN "
    "INSERT INTO kb_articles_fts(kb_articles_fts, rowid, search_tokens) "
    "VALUES ('delete', old.id, old.search_tokens); END",
    "CREATE TRIGGER kb_articles_fts_update AFTER UPDATE OF search_tokens ON kb_articles BEGIN "
    "INSERT INTO kb_articles_fts(kb_articles_fts, rowid, search_tokens) "
    "VALUES ('delete', old.id, old.search_tokens); "
    "INSERT INTO kb_articles_fts(rowid, search_tokens) VALUES (new.id, new.search_tokens); END",
)
POSTGRES_SEARCH = (
    "ALTER TABLE kb_articles ADD COLUMN search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple', search_tokens)) STORED",
    "CREATE INDEX ix_kb_articles_search_vector ON kb_articles USING gin (search_vector)",
)


def upgrade() -> None:
    op.create_table(
        "kb_articles",
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("tags", sa.String(length=200), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=True),
        sa.Column("source_order_id", sa.Integer(), nullable=True),
        sa.Column("search_tokens", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["wo_categories.id"],
            name=op.f("fk_kb_articles_category_id_wo_categories"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["staff.id"], name=op.f("fk_kb_articles_created_by_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["source_order_id"],
            ["work_orders.id"],
            name=op.f("fk_kb_articles_source_order_id_work_orders"),
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["staff.id"], name=op.f("fk_kb_articles_updated_by_id_staff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_articles")),
        sa.UniqueConstraint("source_order_id", name=op.f("uq_kb_articles_source_order_id")),
    )
    with op.batch_alter_table("kb_articles", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_kb_articles_category_id"), ["category_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_kb_articles_kind"), ["kind"], unique=False)
        batch_op.create_index(batch_op.f("ix_kb_articles_status"), ["status"], unique=False)
    statements = POSTGRES_SEARCH if op.get_bind().dialect.name == "postgresql" else SQLITE_SEARCH
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS kb_articles_fts_{trigger}")
        op.execute("DROP TABLE IF EXISTS kb_articles_fts")
    op.drop_table("kb_articles")
