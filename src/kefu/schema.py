"""Every table of kefu, imported in one place for migrations and schema checks."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, MetaData

from kefu.analytics import models as analytics_models  # noqa: F401
from kefu.contact import models as contact_models  # noqa: F401
from kefu.core import (  # noqa: F401  (registers tables)
    audit,
    calendar_days,
    history,
    idempotency,
    outbox,
)
from kefu.core.base import Base
from kefu.customers import models as customer_models  # noqa: F401
from kefu.ivr import models as ivr_models  # noqa: F401
from kefu.knowledge import models as knowledge_models
from kefu.notices import models as notice_models  # noqa: F401
from kefu.org import models as org_models  # noqa: F401
from kefu.routing import models as routing_models  # noqa: F401
from kefu.selfcare import models as selfcare_models  # noqa: F401
from kefu.surveys import models as survey_models  # noqa: F401
from kefu.workorders import models as workorder_models  # noqa: F401

metadata: MetaData = Base.metadata


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """Leave the dialect-specific full-text objects (FTS5 tables, tsvector) out of schema
    comparison: the models do not describe them, migration 0006 makes them."""
    return not knowledge_models.is_search_object(name)


def schema_differences(engine: Engine) -> list[Any]:
    """Differences between the migrated database and the models (empty when they agree)."""
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_name": include_name}
        )
        return list(compare_metadata(context, metadata))
