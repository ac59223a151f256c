"""Migrations build the models' schema; the audit log is a tamper-evident chain."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from kefu.core import audit
from kefu.schema import metadata, schema_differences


def test_migrations_equal_the_models(engine: Engine) -> None:
    assert schema_differences(engine) == []


def _bare(sql: str) -> str:
    """SQL without spacing, brackets, quotes and the casts PostgreSQL writes back."""
    kept = "".join(ch for ch in sql.lower() if ch not in ' ()"')
    return kept.replace("::text", "").replace("<>", "!=")


def _index_definitions(engine: Engine) -> dict[str, str]:
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            rows = conn.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'index'"))
        else:
            rows = conn.execute(text("SELECT indexname, indexdef FROM pg_indexes"))
        return {name: sql or "" for name, sql in rows}


def test_partial_indexes_keep_their_conditions(engine: Engine) -> None:
    # Alembic's comparison looks at an index's columns, not at its WHERE.
    made = _index_definitions(engine)
    partial = [
        (index.name, str(index.dialect_options[engine.dialect.name]["where"]))
        for table in metadata.tables.values()
        for index in table.indexes
        if index.dialect_options[engine.dialect.name]["where"] is not None
    ]
    assert len(partial) >= 6  # the work orders' four among them
    for name, condition in partial:
        assert f"where{_bare(condition)}" in _bare(made[str(name)]), name


def _write_rows(db: Session, count: int) -> None:
    for n in range(count):
        audit.record(
            db,
            actor=None,
            actor_name="tester",
            action="test.write",
            entity_type="thing",
            entity_id=n,
            reason="because",
            details={"n": n},
        )
    audit.append_pending(db)  # what commit does


def test_an_intact_chain_verifies(db: Session) -> None:
    _write_rows(db, 5)
    report = audit.verify(db)
    assert report.ok and report.rows >= 5


def test_rows_join_the_chain_at_commit_and_vanish_with_a_rollback(
    session_factory,
) -> None:
    first, second = session_factory(), session_factory()
    audit.record(first, actor=None, actor_name="a", action="test.first")
    audit.record(second, actor=None, actor_name="b", action="test.second")
    audit.record(first, actor=None, actor_name="a", action="test.undone")
    first.rollback()
    second.commit()
    audit.record(first, actor=None, actor_name="a", action="test.third")
    first.commit()
    with session_factory() as reader:
        rows = reader.scalars(
            text("SELECT action FROM audit_log WHERE action LIKE 'test.%' ORDER BY seq")
        ).all()
        assert rows == ["test.second", "test.third"]
        assert audit.verify(reader).ok
    first.close()
    second.close()


def test_a_changed_row_is_found(db: Session, engine: Engine) -> None:
    if engine.dialect.name == "postgresql":
        pytest.skip("PostgreSQL refuses the change itself (see the trigger test)")
    _write_rows(db, 4)
    db.execute(text("UPDATE audit_log SET reason = 'edited' WHERE seq = 2"))
    report = audit.verify(db)
    assert any("row 2 was altered" in problem for problem in report.problems)


def test_a_removed_row_is_found(db: Session, engine: Engine) -> None:
    if engine.dialect.name == "postgresql":
        pytest.skip("PostgreSQL refuses the deletion itself (see the trigger test)")
    _write_rows(db, 4)
    db.execute(text("DELETE FROM audit_log WHERE seq = 3"))
    report = audit.verify(db)
    assert any("3..3 are missing" in problem for problem in report.problems)


def test_a_cut_tail_is_found_with_the_noted_head(db: Session, engine: Engine) -> None:
    _write_rows(db, 3)
    head = audit.verify(db)
    report = audit.verify(db, expect_head=(head.head_seq + 2, "f" * 64))
    assert not report.ok


def test_postgresql_refuses_updates_and_deletes(db: Session, engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL only")
    _write_rows(db, 1)
    for statement in ("UPDATE audit_log SET reason = 'x'", "DELETE FROM audit_log"):
        nested = db.begin_nested()
        with pytest.raises(DBAPIError):
            db.execute(text(statement))
        nested.rollback()
