"""The wrap-up codes a center starts with (what a contact was about)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kefu.contact.models import WrapUpCode

DEFAULT_WRAP_UP_CODES = (
    ("inquiry.bill", "话费账单咨询", "Bill question"),
    ("inquiry.package", "套餐业务咨询", "Package question"),
    ("request.change", "业务办理", "Service change"),
    ("complaint.new", "新投诉已建单", "Complaint registered"),
    ("complaint.follow", "投诉进度跟进", "Complaint follow-up"),
    ("fault.report", "故障申告", "Fault report"),
    ("solved.first", "一次解决", "Solved on first contact"),
    ("transfer.other", "转其他部门", "Passed to another team"),
    ("nuisance", "骚扰/无效来电", "Nuisance or silent call"),
)


def ensure_default_wrap_up_codes(session: Session) -> int:
    """Load the default codes into an empty table; returns how many were added."""
    if session.scalar(select(func.count()).select_from(WrapUpCode)):
        return 0
    for order, (code, name, name_en) in enumerate(DEFAULT_WRAP_UP_CODES):
        session.add(WrapUpCode(code=code, name=name, name_en=name_en, sort_order=order))
    session.flush()
    return len(DEFAULT_WRAP_UP_CODES)
