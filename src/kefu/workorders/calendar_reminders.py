"""A weekly mail to those who keep the center's rules while the year ahead's holidays are
unknown to kefu.

Why: the queues and the Time limits page say so, but only to whoever opens them; the
State Council's notice comes out in November and nobody owns pasting it. From 45 days
before the year (``calendar_years.WARN_DAYS_AHEAD``) until it is recorded, each of them
gets one mail a week, once whatever the number of workers (the week is in the message id).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from kefu.core.clock import local_today
from kefu.core.i18n import gettext
from kefu.core.outbox import queued_once
from kefu.core.rbac import Right, Role, rights_for
from kefu.notify import links
from kefu.notify.tasks import notify_staff
from kefu.org.models import Staff
from kefu.workorders.calendar_years import unannounced_year

SUBJECT = "kefu: the holidays of {year} are not recorded"
BODY = (
    "kefu does not know the holidays of {year}: limits in working time count Monday to "
    "Friday, so Spring Festival and the other holidays would count as working days. Once "
    "the State Council's notice is out, paste it on the console: Work orders › Time "
    "limits › Holidays and workdays."
)


def remind_unannounced(session: Session, zone: str, today: date | None = None) -> int:
    """Queue this week's reminder to each active keeper of the rules with an address, if
    one is due (``today``: the center's, by default); how many were queued."""
    today = today or local_today(zone)
    year = unannounced_year(session, today)
    if year is None:
        return 0
    week = today.isocalendar()
    queued = 0
    for staff in _keepers(session):
        message_id = f"calendar-gap-{year}-{week.year}w{week.week:02d}-{staff.id}"
        if queued_once(session, message_id):
            continue
        language = str(staff.language)
        notify_staff(
            session,
            staff_id=staff.id,
            subject=gettext(language, SUBJECT).format(year=year),
            body=gettext(language, BODY).format(year=year),
            link=links.CALENDAR,
            message_id=message_id,
        )
        queued += 1
    return queued


def _keepers(session: Session) -> Sequence[Staff]:
    roles = [role for role in Role if Right.POLICY_WRITE in rights_for(role)]
    return session.scalars(
        select(Staff).where(
            Staff.role.in_(roles),
            Staff.active.is_(True),
            Staff.email.is_not(None),
            Staff.email != "",
        )
    ).all()
