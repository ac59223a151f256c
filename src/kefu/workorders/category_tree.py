"""The category taxonomy as plain data, kept for a few seconds per database.

Creating an order read its category, its children, its ancestors (for repeat control,
the incident rule and the answer's breadcrumb) in five statements while it held the write
lock; the whole tree is a few hundred rows read in one and kept (``kefu.core.kept``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from sqlalchemy import select
from sqlalchemy.orm import Session

from kefu.core.kept import kept_value
from kefu.workorders.models import Category


@dataclass(frozen=True)
class CategoryNode:
    """One category as it was when the tree was read."""

    id: int
    code: str
    parent_id: int | None
    level: int
    path: str  # ids from the root: /3/17/52/
    name: str
    name_en: str
    active: bool
    is_leaf: bool  # no active subcategory: orders are filed here
    changes_service: bool  # its service requests wait for the customer's confirmation

    @property
    def path_ids(self) -> list[int]:
        """Ids from the root to this category."""
        return [int(i) for i in self.path.strip("/").split("/") if i]


@dataclass(frozen=True)
class CategoryTree:
    """Every category by id."""

    nodes: Mapping[int, CategoryNode]

    def get(self, category_id: int) -> CategoryNode | None:
        """The category, or None when there is none with that id."""
        return self.nodes.get(category_id)

    def chain(self, node: CategoryNode) -> list[CategoryNode]:
        """The category's ancestors from the root, and itself."""
        return [self.nodes[i] for i in node.path_ids if i in self.nodes]

    def in_use(self, node: CategoryNode) -> bool:
        """Whether the category and every category above it are in use: retiring a
        branch retires everything under it."""
        return all(n.active for n in self.chain(node))

    def leaf_in_use(self, code: str) -> CategoryNode | None:
        """The category with this code when new orders may be filed under it (a leaf,
        in use): what a rule naming a category by its code files orders under."""
        node = next((n for n in self.nodes.values() if n.code == code), None)
        return node if node is not None and node.is_leaf and self.in_use(node) else None

    def ancestor(self, node: CategoryNode, level: int) -> CategoryNode:
        """The ancestor at ``level`` (1 is the root; lower counts as 1), or the category
        itself when shallower: the branch repeat control and the incident rule compare."""
        ids = node.path_ids
        found = self.nodes.get(ids[max(1, min(level, len(ids))) - 1]) if ids else None
        return found or node


def category_tree(session: Session) -> CategoryTree:
    """The taxonomy as it is now (read at most every few seconds per process)."""
    return kept_value(session, "wo_categories", _read_tree, (Category,))


def _read_tree(session: Session) -> CategoryTree:
    rows = session.execute(
        select(
            Category.id,
            Category.code,
            Category.parent_id,
            Category.level,
            Category.path,
            Category.name,
            Category.name_en,
            Category.active,
            Category.changes_service,
        )
    ).all()
    parents = {row.parent_id for row in rows if row.active and row.parent_id is not None}
    nodes = {
        row.id: CategoryNode(
            id=row.id,
            code=row.code,
            parent_id=row.parent_id,
            level=row.level,
            path=row.path,
            name=row.name,
            name_en=row.name_en,
            active=row.active,
            is_leaf=row.id not in parents,
            changes_service=row.changes_service,
        )
        for row in rows
    }
    return CategoryTree(MappingProxyType(nodes))
