"""Category suggestions while an order is typed, and the classifier's report."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from kefu.analytics import model_store, text_classes
from kefu.analytics.deps import CanAnalyze
from kefu.core.rbac import Principal, Right
from kefu.core.web import DbSession
from kefu.errors import NotFound
from kefu.org.deps import require
from kefu.workorders.category_tree import category_tree
from kefu.workorders.schemas import CategoryBrief
from kefu.workorders.views import category_brief

router = APIRouter(prefix="/api/v1/analytics/category-suggestions", tags=["analytics"])
CanTypeOrders = Annotated[Principal, Depends(require(Right.ORDER_WRITE))]


class SuggestRequest(BaseModel):
    text: str = Field(max_length=4000)  # the subject and description typed so far


class SuggestionRead(BaseModel):
    category: CategoryBrief
    confidence: float  # the model's probability, 0 to 1


class SuggestionsRead(BaseModel):
    model_id: int | None  # none: no classifier trained yet (no suggestions, no error)
    suggestions: list[SuggestionRead]


class ClassifierRead(BaseModel):
    model_id: int
    report: dict[str, object]  # orders, categories, macro-F1, accuracy, top-3, per category


@router.post("", response_model=SuggestionsRead)
def suggest(data: SuggestRequest, principal: CanTypeOrders, session: DbSession) -> SuggestionsRead:
    """The three likeliest categories for the words so far, with confidence; only active
    categories are offered."""
    found = text_classes.active(session)
    if found is None:
        return SuggestionsRead(model_id=None, suggestions=[])
    model_id, model = found
    guesses = text_classes.suggest(model, data.text)
    tree = category_tree(session)
    return SuggestionsRead(
        model_id=model_id,
        suggestions=[
            SuggestionRead(
                category=category_brief(session, g.category_id),
                confidence=round(g.confidence, 4),
            )
            for g in guesses
            if (node := tree.get(g.category_id)) is not None and node.active
        ],
    )


@router.get("/model", response_model=ClassifierRead)
def classifier(principal: CanAnalyze, session: DbSession) -> ClassifierRead:
    """The classifier in use and its held-out evaluation."""
    row = model_store.active(session, text_classes.KIND)
    if row is None:
        raise NotFound("classifier_missing")
    return ClassifierRead(model_id=row.id, report=json.loads(row.report))
