"""Who may read the center's analysis."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from kefu.core.rbac import Principal, Right
from kefu.org.deps import require

CanAnalyze = Annotated[Principal, Depends(require(Right.ANALYTICS_READ))]
