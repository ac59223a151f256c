"""The center's intake rules: when a complaint is a repeat, and when a burst of them is
an emergency.

Without a row of the center's, the server's settings apply (``KEFU_REPEAT_WINDOW_DAYS``
and the rest, ``kefu.config``); an admin sets the center's own in the console or the
API, and removing it brings the settings back. Every way an order comes in (console,
API, a call, the IVR, a message) follows the same rules.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from kefu.config import get_settings
from kefu.core.kept import kept_value
from kefu.core.rbac import Principal
from kefu.workorders.incident_watch import IncidentRule
from kefu.workorders.models import IntakeRules
from kefu.workorders.service_levels import audit_change, drop_row, own_row

CENTER = "center"  # the one row's key


@dataclass(frozen=True)
class RepeatRule:
    """Same number + same category branch within the window makes a complaint a repeat."""

    window_days: int = 30
    category_level: int = 2


@dataclass(frozen=True)
class CenterRules:
    """The rules in force."""

    repeat: RepeatRule
    incidents: IncidentRule


def server_rules() -> CenterRules:
    """The rules of the server's settings."""
    settings = get_settings()
    return CenterRules(
        RepeatRule(settings.repeat_window_days, settings.repeat_category_level),
        IncidentRule(
            settings.incident_threshold,
            settings.incident_window_minutes,
            settings.incident_category_level,
        ),
    )


def center_rules(session: Session) -> CenterRules:
    """The rules new orders follow now (read at most every few seconds per process)."""
    return kept_value(session, "wo_intake_rules", _read_rules, (IntakeRules,))


def _read_rules(session: Session) -> CenterRules:
    return rules_from(rules_row(session))


def rules_from(row: IntakeRules | None) -> CenterRules:
    """The rules a center's row sets; without one, the server's settings."""
    if row is None:
        return server_rules()
    return CenterRules(
        RepeatRule(row.repeat_window_days, row.repeat_category_level),
        IncidentRule(
            row.incident_threshold, row.incident_window_minutes, row.incident_category_level
        ),
    )


def set_rules(
    session: Session,
    *,
    repeat: RepeatRule,
    incidents: IncidentRule,
    version: int | None,
    by: Principal,
) -> IntakeRules:
    """Set the center's rules; changing rules it has set needs If-Match."""
    row = own_row(session, IntakeRules(scope=CENTER), version)
    row.repeat_window_days, row.repeat_category_level = repeat.window_days, repeat.category_level
    row.incident_threshold = incidents.threshold
    row.incident_window_minutes = incidents.window_minutes
    row.incident_category_level = incidents.category_level
    row.updated_by_id = by.staff_id
    session.flush()
    details = {"repeat": vars(repeat), "incidents": vars(incidents)}
    audit_change(session, by, "service_level.intake_rules", CENTER, details)
    return row


def reset_rules(session: Session, *, version: int | None, by: Principal) -> None:
    """Drop the center's rules: the server's settings apply again."""
    row = rules_row(session)
    drop_row(session, row, version, field="rules", missing="intake_rules_not_set")
    audit_change(session, by, "service_level.intake_rules_reset", CENTER, {})


def rules_row(session: Session) -> IntakeRules | None:
    """The center's own row, if it has set its rules."""
    return session.get(IntakeRules, CENTER)
