"""Notice vocabularies."""

from __future__ import annotations

from enum import StrEnum


class NoticeKind(StrEnum):
    """What the planned work is: the customers' preparation differs."""

    CUTOVER = "cutover"  # 割接: the network moves to new equipment or routes
    UPGRADE = "upgrade"  # 系统升级: billing, business or self-service systems
    MAINTENANCE = "maintenance"  # 例行维护


class NoticeStatus(StrEnum):
    """Why: a notice is written, checked, then sent once; a work called off after its
    notice was sent is announced as called off to the same customers."""

    DRAFT = "draft"
    SENT = "sent"
    CANCELLED = "cancelled"


class Audience(StrEnum):
    """Who among the area's customers is told (通告制度: the big customers)."""

    ENTERPRISES = "enterprises"  # 集团客户: customers of an enterprise account
    HIGH_VALUE = "high_value"  # gold, diamond and supreme tiers
    BOTH = "both"
