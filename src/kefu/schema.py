"""Every table of kefu, imported in one place for migrations and schema checks."""

from __future__ import annotations

from sqlalchemy import MetaData

from kefu.core import audit, history, idempotency  # noqa: F401  (registers tables)
from kefu.core.base import Base
from kefu.customers import models as customer_models  # noqa: F401
from kefu.org import models as org_models  # noqa: F401
from kefu.workorders import models as workorder_models  # noqa: F401

metadata: MetaData = Base.metadata
