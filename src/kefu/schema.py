"""Every table of kefu, imported in one place for migrations and schema checks."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, MetaData

from kefu.core import audit, history, idempotency, outbox  # noqa: F401  (registers tables)
from kefu.core.base import Base
from kefu.customers import models as customer_models  # noqa: F401
from kefu.org import models as org_models  # noqa: F401
from kefu.workorders import models as workorder_models  # noqa: F401

metadata: MetaData = Base.metadata


def schema_differences(engine: Engine) -> list[Any]:
    """Differences between the migrated database and the models (empty when they agree)."""
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(context, metadata))
