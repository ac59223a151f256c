"""Request and response shapes of the category tree, its call scripts and reply
templates (分类与回复模板)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from kefu.core.types import Name, NoteText, RefId, ShortText
from kefu.workorders.schemas import ReplyText

CategoryCode = Annotated[
    str, StringConstraints(max_length=64, pattern=r"^[a-z0-9_]+(\.[a-z0-9_]+){0,2}$")
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


TemplateLanguage = Literal["zh-CN", "en"]


class TemplateRead(BaseModel):
    """A unified reply template."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    body: str
    language: TemplateLanguage
    active: bool = Field(description="Offered on orders; a retired template is kept")
    version: int


class CategoryNode(BaseModel):
    """A category with its children, templates and script."""

    id: int
    code: str
    name: str
    name_en: str
    level: int
    script: str
    script_en: str = Field(description="The call script in English; empty when none is kept")
    changes_service: bool = Field(
        description="Its service requests open or change a service: the customer confirms first"
    )
    active: bool
    version: int
    templates: list[TemplateRead]
    children: list[CategoryNode]


class CategoryCreate(_Strict):
    """A new category under a parent (none: a new top level)."""

    code: CategoryCode
    name: Name
    name_en: ShortText = ""
    parent_id: RefId | None = None
    script: NoteText = ""
    script_en: NoteText = ""
    changes_service: bool = True


class CategoryUpdate(_Strict):
    """Changes to a category; deactivating hides it from new orders."""

    name: Name | None = None
    name_en: ShortText | None = None
    script: NoteText | None = None
    script_en: NoteText | None = None
    changes_service: bool | None = None
    active: bool | None = None


class CategoryMove(_Strict):
    """A category one place up or down among its siblings (the order agents see)."""

    direction: Literal["up", "down"]


class TemplateCreate(_Strict):
    """A reply template for a category."""

    title: Name
    body: ReplyText
    language: TemplateLanguage = Field(
        default="zh-CN", description="The customers it answers: offered first to them."
    )


class TemplateUpdate(_Strict):
    """Changes to a reply template; retiring it stops offering it on orders."""

    title: Name | None = None
    body: ReplyText | None = None
    active: bool | None = None
