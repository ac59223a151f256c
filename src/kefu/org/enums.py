"""Enumerations of the organization domain."""

from __future__ import annotations

from enum import StrEnum


class OrgLevel(StrEnum):
    """Why: complaints escalate branch → province → HQ, so the level is part of the rules."""

    HQ = "hq"
    PROVINCE = "province"
    CITY = "city"


PARENT_LEVEL: dict[OrgLevel, OrgLevel | None] = {
    OrgLevel.HQ: None,
    OrgLevel.PROVINCE: OrgLevel.HQ,
    OrgLevel.CITY: OrgLevel.PROVINCE,
}


class Language(StrEnum):
    """Why: staff read Chinese; integrators and some staff prefer English."""

    ZH_CN = "zh-CN"
    EN = "en"
