"""What an existing center is given of the taxonomy content shipped after it was made:
call scripts (and their English), and reply templates in Chinese and English, only where
the center has not made the category its own. Every upgrade runs it; a second run adds
nothing."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from kefu.core import audit
from kefu.workorders.models import Category, ReplyTemplate
from kefu.workorders.taxonomy import (
    DEFAULT_TREE,
    SHIPPED_REPLIES,
    Node,
    all_nodes,
    shipped_replies,
)
from kefu.workorders.taxonomy_replies import DEFAULT_REPLIES, ENGLISH_SCRIPTS
from kefu.workorders.taxonomy_replies_en import ENGLISH_REPLIES


@dataclass(frozen=True)
class ShippedContent:
    """What an existing center was given of the content shipped after it was made."""

    scripts: tuple[str, ...] = ()  # codes of categories given a call script
    replies: tuple[str, ...] = ()  # "code:language" of categories given reply templates

    def __bool__(self) -> bool:
        return bool(self.scripts or self.replies)


def complete_shipped_content(session: Session) -> ShippedContent:
    """Give the shipped categories of an existing center the scripts and replies shipped
    since (English scripts, scripts for leaves that had none, reply templates in Chinese
    and in English).

    Only where the center has not made the category its own, so that running it again
    (every upgrade does) changes nothing: an English script goes to a category whose
    Chinese script is still the shipped one, or which was never edited and has none;
    reply templates go to a category that has never had any (retired ones count), and the
    English ones to a category that has none in English and still offers the shipped
    Chinese ones (a category whose replies were retired or reworded answers in its own
    words, which no shipped translation matches).
    Audited as the upgrade's own change.
    """
    shipped = {node.code: node for node in all_nodes(DEFAULT_TREE)}
    categories = session.scalars(select(Category).where(Category.code.in_(shipped))).all()
    templates = _TemplatesHeld.read(session)
    edited = _edited_category_ids(session)
    scripts, replies = [], []
    for category in categories:
        node = shipped[category.code]
        if _give_script(category, node, edited=category.id in edited):
            scripts.append(category.code)
        if missing := templates.missing(category.id, node.code):
            session.add_all(shipped_replies(category.id, node.code, missing))
            replies += [f"{category.code}:{language}" for language in missing]
    given = ShippedContent(tuple(scripts), tuple(replies))
    if given:
        session.flush()
        audit.record(
            session,
            actor=None,
            actor_name="kefu db upgrade",
            action="category.shipped_content",
            entity_type="category",
            details={"scripts": given.scripts, "replies": given.replies},
        )
    return given


@dataclass(frozen=True)
class _TemplatesHeld:
    """The reply templates a center holds: the languages of each category's, and the
    bodies still offered."""

    languages: set[tuple[int, str]]
    offered: set[tuple[int, str]]

    @classmethod
    def read(cls, session: Session) -> _TemplatesHeld:
        rows = session.execute(
            select(
                ReplyTemplate.category_id,
                ReplyTemplate.language,
                ReplyTemplate.body,
                ReplyTemplate.active,
            )
        ).all()
        return cls({(c, lang) for c, lang, _, _ in rows}, {(c, b) for c, _, b, on in rows if on})

    def missing(self, category_id: int, code: str) -> tuple[str, ...]:
        """The languages whose shipped replies the category should be given now."""
        chinese = DEFAULT_REPLIES.get(code, ())
        if not chinese:
            return ()
        if (category_id, "zh-CN") not in self.languages:
            return tuple(SHIPPED_REPLIES)  # never had any: all of them
        keeps = all((category_id, body) in self.offered for _, body in chinese)
        english = (category_id, "en") not in self.languages and ENGLISH_REPLIES.get(code)
        return ("en",) if keeps and english else ()


def _edited_category_ids(session: Session) -> set[int]:
    """Categories an admin has edited, as the audit log tells (every edit is there)."""
    ids = session.scalars(
        select(audit.AuditLog.entity_id).where(
            audit.AuditLog.entity_type == "category", audit.AuditLog.action == "category.update"
        )
    )
    return {int(each) for each in ids if each and each.isdigit()}


def _give_script(category: Category, node: Node, *, edited: bool) -> bool:
    english = ENGLISH_SCRIPTS.get(node.script, "")
    if not english or category.script_en:
        return False
    if category.script == node.script:
        category.script_en = english
        return True
    if not category.script and not edited:  # shipped without one, and left so
        category.script, category.script_en = node.script, english
        return True
    return False
