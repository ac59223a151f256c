"""Who may take calls and who may watch the queues."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from kefu.core.rbac import Principal, Right
from kefu.org.deps import require

CanTakeCalls = Annotated[Principal, Depends(require(Right.CALLS_TAKE))]
CanMonitor = Annotated[Principal, Depends(require(Right.QUEUES_MONITOR))]
