"""Who may record survey answers, and who may read them (those who read the analysis)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from kefu.core.rbac import Principal, Right
from kefu.org.deps import require

CanRecordSurveys = Annotated[Principal, Depends(require(Right.SURVEY_WRITE))]
CanReadSurveys = Annotated[Principal, Depends(require(Right.ANALYTICS_READ))]
