"""Enumerations of the knowledge domain."""

from __future__ import annotations

from enum import StrEnum


class ArticleKind(StrEnum):
    """Why: agents look for an answer (article), what to say (script) or a precedent (case)."""

    ARTICLE = "article"  # 知识
    SCRIPT = "script"  # 话术
    CASE = "case"  # 案例: a closed order, personal data removed


class ArticleStatus(StrEnum):
    """Why: only reviewed text reaches agents; outdated text is archived, never deleted."""

    DRAFT = "draft"
    PUBLISHED = "published"
    ARCHIVED = "archived"
