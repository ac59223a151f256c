"""Admins keep the category taxonomy: the tree, its scripts and reply templates."""

from __future__ import annotations

from collections import defaultdict

from pydantic import BaseModel
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from kefu.core import audit
from kefu.core.history import apply_changes
from kefu.core.rbac import Principal
from kefu.errors import Conflict, NotFound, Unprocessable
from kefu.workorders import repository
from kefu.workorders.category_schemas import (
    CategoryCreate,
    CategoryNode,
    CategoryUpdate,
    TemplateCreate,
    TemplateRead,
    TemplateUpdate,
)
from kefu.workorders.models import Category, ReplyTemplate

MAX_LEVEL = 3


def tree(session: Session, *, include_inactive: bool = False) -> list[CategoryNode]:
    """The whole taxonomy as nested nodes, with each category's templates."""
    rows = [c for c in repository.categories(session) if include_inactive or c.active]
    templates: dict[int, list[TemplateRead]] = defaultdict(list)
    for template in repository.templates(session, include_inactive=include_inactive):
        templates[template.category_id].append(TemplateRead.model_validate(template))
    children: dict[int | None, list[Category]] = defaultdict(list)
    for category in rows:
        children[category.parent_id].append(category)

    def node(category: Category) -> CategoryNode:
        return CategoryNode(
            id=category.id,
            code=category.code,
            name=category.name,
            name_en=category.name_en,
            level=category.level,
            script=category.script,
            script_en=category.script_en,
            changes_service=category.changes_service,
            active=category.active,
            version=category.version,
            templates=templates[category.id],
            children=[node(child) for child in children[category.id]],
        )

    return [node(top) for top in children[None]]


def create_category(session: Session, *, data: CategoryCreate, by: Principal) -> Category:
    """Add a category under a parent, at most three levels deep."""
    if repository.category_by_code(session, data.code) is not None:
        raise Conflict("duplicate", field="code")
    parent = repository.category(session, data.parent_id) if data.parent_id else None
    if data.parent_id and parent is None:
        raise NotFound("category_not_found", field="parent_id")
    level = parent.level + 1 if parent else 1
    if level > MAX_LEVEL:
        raise Unprocessable("category_too_deep", field="parent_id", max=MAX_LEVEL)
    category = Category(
        code=data.code,
        name=data.name,
        name_en=data.name_en,
        script=data.script,
        script_en=data.script_en,
        changes_service=data.changes_service,
        parent_id=parent.id if parent else None,
        level=level,
        sort_order=repository.last_sort_order(session, parent.id if parent else None) + 1,
    )
    session.add(category)
    session.flush()
    category.path = f"{parent.path if parent else '/'}{category.id}/"
    audit.record(
        session,
        actor=by,
        action="category.create",
        entity_type="category",
        entity_id=category.id,
        details=data.model_dump(mode="json"),
    )
    return category


def update_category(
    session: Session, *, category: Category, data: CategoryUpdate, by: Principal
) -> Category:
    """Rename, re-script or (de)activate a category; orders keep their category."""
    _change(session, category, data, by=by, action="category.update", entity_type="category")
    return category


def move_category(
    session: Session, *, category: Category, direction: str, by: Principal
) -> Category:
    """Swap a category with its neighbour among its siblings; they are numbered again
    from 0 in their new order, so equal places left by older versions are settled."""
    siblings = repository.siblings(session, category.parent_id)
    at = siblings.index(category)
    to = at - 1 if direction == "up" else at + 1
    if not 0 <= to < len(siblings):
        raise Unprocessable("category_first" if direction == "up" else "category_last")
    siblings[at], siblings[to] = siblings[to], siblings[at]
    for place, sibling in enumerate(siblings):
        if sibling.sort_order != place:
            sibling.sort_order = place
    flag_modified(category, "sort_order")  # its version moves even where its number stays
    session.flush()
    audit.record(
        session,
        actor=by,
        action="category.move",
        entity_type="category",
        entity_id=category.id,
        details={"place": [at + 1, to + 1], "of": len(siblings)},
    )
    return category


def add_template(
    session: Session, *, category: Category, data: TemplateCreate, by: Principal
) -> ReplyTemplate:
    """Add a reply template to a category."""
    template = ReplyTemplate(
        category_id=category.id, title=data.title, body=data.body, language=data.language
    )
    session.add(template)
    session.flush()
    audit.record(
        session,
        actor=by,
        action="template.create",
        entity_type="reply_template",
        entity_id=template.id,
        details={"category": category.code, "title": data.title, "language": data.language},
    )
    return template


def update_template(
    session: Session, *, template: ReplyTemplate, data: TemplateUpdate, by: Principal
) -> ReplyTemplate:
    """Reword or retire (bring back) a reply template; replies already sent keep their
    text."""
    _change(session, template, data, by=by, action="template.update", entity_type="reply_template")
    return template


def _change(
    session: Session,
    thing: Category | ReplyTemplate,
    data: BaseModel,
    *,
    by: Principal,
    action: str,
    entity_type: str,
) -> None:
    """Apply the fields a PATCH gave (a null leaves a field as it is); the changes, old
    and new, are audited."""
    values = {k: v for k, v in data.model_dump(exclude_unset=True).items() if v is not None}
    changes = apply_changes(thing, values)
    if changes:
        session.flush()
        audit.record(
            session,
            actor=by,
            action=action,
            entity_type=entity_type,
            entity_id=thing.id,
            details=changes,
        )
