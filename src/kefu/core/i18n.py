"""Translations: English message ids, Chinese from a Babel ``.po`` catalog shipped in the package.

The catalog is read with Babel at start-up (no compile step, nothing fetched). Error
codes map to English message templates in ``error_messages``.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any

from babel.messages.pofile import read_po

from kefu.core.error_messages import ERROR_MESSAGES

ZH = "zh-CN"
EN = "en"
SUPPORTED_LANGUAGES = (ZH, EN)


@lru_cache(maxsize=1)
def _zh_catalog() -> dict[str, str]:
    source = resources.files("kefu").joinpath("locale/zh_CN/LC_MESSAGES/messages.po")
    with source.open("rb") as handle:
        catalog = read_po(handle, locale="zh_CN")
    return {str(m.id): str(m.string) for m in catalog if m.id and m.string}


# Enumeration values are message ids too; English shows them with these labels.
ENGLISH_LABELS = {
    # the calendar page: months, weekdays and the holidays by the package's keys
    "month.1": "January",
    "month.2": "February",
    "month.3": "March",
    "month.4": "April",
    "month.5": "May",
    "month.6": "June",
    "month.7": "July",
    "month.8": "August",
    "month.9": "September",
    "month.10": "October",
    "month.11": "November",
    "month.12": "December",
    "weekday.Mon": "Mon",
    "weekday.Tue": "Tue",
    "weekday.Wed": "Wed",
    "weekday.Thu": "Thu",
    "weekday.Fri": "Fri",
    "weekday.Sat": "Sat",
    "weekday.Sun": "Sun",
    "holiday.new_years_day": "New Year's Day",
    "holiday.spring_festival": "Spring Festival",
    "holiday.tomb_sweeping_day": "Qingming Festival",
    "holiday.labour_day": "Labour Day",
    "holiday.dragon_boat_festival": "Dragon Boat Festival",
    "holiday.mid_autumn_festival": "Mid-Autumn Festival",
    "holiday.national_day": "National Day",
    "holiday.anti_fascist_70th_day": "Victory Day (70th anniversary)",
    "format.six_digits": "6 digits",
    "format.month": "a month as YYYY-MM, for example 2026-11",
    "format.username": (
        "a lowercase letter, then 1 to 63 lowercase letters, digits, “_”, “.” or “-”"
    ),
    "format.credit_code": "the 18-character unified social credit code",
    "format.contract_number": "4 to 40 letters, digits or “-”",
    "format.call_id": "1 to 128 letters, digits, “_”, “.”, “:”, “@” or “-”",
    "format.keypad": "up to 32 keypad keys: 0 to 9, “*” and “#”",
    "format.phone_digits": "a phone number: digits, spaces, “+”, “-” and brackets",
    "format.flow_code": "1 to 32 lowercase letters, digits, “_” or “-”",
    "format.code": "1 to 32 letters, digits, “_”, “.” or “-”",
    "format.segment_code": "a lowercase letter, then up to 31 lowercase letters, digits or “_”",
    "format.category_code": (
        "one to three parts of lowercase letters, digits or “_” joined by dots, "
        "for example billing.dispute"
    ),
    "agent_state.offline": "Offline",
    "agent_state.ready": "Ready",
    "agent_state.ringing": "Ringing",
    "agent_state.talking": "Talking",
    "agent_state.wrap_up": "Wrap-up",
    "agent_state.break": "On a break",
    "alert.no_agents": "Calls waiting, no agent signed in",
    "alert.long_wait": "Long wait",
    "alert.service_level_below_target": "Service level below 80%",
    "version_status.draft": "Draft",
    "version_status.published": "Published",
    "version_status.retired": "Retired",
    "ivr_kind.say": "Say",
    "ivr_kind.menu": "Menu",
    "ivr_kind.collect": "Collect digits",
    "ivr_kind.condition": "Condition",
    "ivr_kind.action": "Self-service",
    "ivr_kind.set": "Set variable",
    "ivr_kind.queue": "To an agent",
    "ivr_kind.callback": "Call-back offer",
    "ivr_kind.hangup": "Hang up",
    "construct.IMAG": "Image",
    "construct.EXPE": "Expectations",
    "construct.NET": "Network quality",
    "construct.TARIFF": "Tariffs and billing",
    "construct.HALL": "Business halls",
    "construct.HOTLINE": "Hotline service",
    "construct.VAL": "Perceived value",
    "construct.SAT": "Satisfaction",
    "construct.LOY": "Loyalty",
    "construct.COMP": "Complaint handling",
    "notice_kind.cutover": "Network cut-over",
    "notice_audience.enterprises": "Enterprise customers",
    "notice_audience.high_value": "Gold tier and above",
    "notice_audience.both": "Enterprise, and gold tier and above",
    "notice_status.draft": "Draft",
    "notice_status.sent": "Sent",
    "notice_status.cancelled": "Called off",
    "notice_kind.upgrade": "System upgrade",
    "notice_kind.maintenance": "Maintenance",
    "survey_channel.sms": "SMS",
    "survey_channel.ivr": "IVR after a call",
    "survey_channel.voice": "Return-visit calls",
    "survey_channel.web": "Web self-service",
    "survey_channel.email": "E-mail",
    "survey_channel.hall": "Business halls",
    "drivers.explain": (
        "Importance is a driver’s total effect on satisfaction (PLS path model on the survey "
        "answers); performance is its score on 0-100. A weak point matters more than average "
        "and performs below average: improve it first."
    ),
    "drivers.meta": (
        "{responses} responses · R² of satisfaction {r2} · {resamples} bootstrap resamples"
    ),
    "forecast.meta": (
        "Last week held out: error {model} against {naive} for “same half hour last week” · "
        "handle time {aht} s"
    ),
    "message_status.open": "Waiting",
    "message_status.ended": "Handled",
    "contact_channel.voice": "Call",
    "contact_channel.ivr": "IVR",
    "contact_channel.sms": "SMS",
    "contact_channel.email": "E-mail",
    "template_language.zh-CN": "In Chinese",
    "template_language.en": "In English",
    "id_kind.resident": "Resident ID card",
    "id_kind.hong_kong_macao": "Hong Kong/Macao residence permit",
    "id_kind.taiwan": "Taiwan residence permit",
    "id_kind.foreign_permanent": "Foreigner's permanent residence card",
    "id_kind.passport": "Passport",
    "id_kind.home_return": "Home Return Permit (Hong Kong/Macao)",
    "id_kind.taiwan_travel": "Mainland Travel Permit for Taiwan Residents",
    "contact_channel.web": "Web",
    "contact_direction.inbound": "In",
    "contact_direction.outbound": "Out",
    "contact_end.completed": "Served",
    "contact_end.self_service": "Self-service",
    "contact_end.abandoned": "Abandoned",
    "contact_end.callback": "Call-back asked",
    "contact_end.flow_ended": "Left the IVR",
    "contact_end.failed": "Failed",
    "agent": "Agent",
    "back_office": "Back office",
    "team_lead": "Team lead",
    "qa": "Quality",
    "account_manager": "Account manager",
    "supervisor": "Supervisor",
    "admin": "Administrator",
    "auditor": "Auditor",
    "integration": "Integration account",
    "normal": "Normal",
    "silver": "Silver",
    "gold": "Gold",
    "diamond": "Diamond",
    "supreme": "Supreme",
    "policy": "policy",
    "manual": "manual",
    "active": "Active",
    "frozen": "Frozen",
    "cancelled": "Cancelled",
    "suspended": "Suspended",
    "disabled": "Disabled",
    "male": "Male",
    "female": "Female",
    "unknown": "Unknown",
    "gotone": "GoTone",
    "mzone": "M-Zone",
    "easyown": "EasyOwn",
    "government": "Government",
    "finance": "Finance",
    "education": "Education",
    "healthcare": "Healthcare",
    "manufacturing": "Manufacturing",
    "retail": "Retail",
    "transport": "Transport",
    "energy": "Energy",
    "internet": "Internet",
    "other": "Other",
    "order_type.consultation": "Consultation",
    "order_type.service_request": "Service request",
    "order_type.complaint": "Complaint",
    "order_type.fault": "Fault report",
    "order_type.suggestion": "Suggestion",
    "channel.phone": "Phone",
    "channel.console": "Console",
    "channel.sms": "SMS",
    "channel.email": "E-mail",
    "channel.web": "Web",
    "selfcare_topic.question": "A question",
    "selfcare_topic.complaint": "A complaint",
    "selfcare_topic.suggestion": "A suggestion",
    "by_customer.web": "The customer, on the web",
    "by_customer.sms": "The customer, by SMS",
    "part_of_day.morning": "morning (9:00–12:00)",
    "part_of_day.afternoon": "afternoon (14:00–18:00)",
    "part_of_day.evening": "evening (18:00–20:00)",
    "channel.api": "API",
    "tab.passed_on": "Appeals",
    "bulletin.answered.in_time": "In time",
    "bulletin.answered.late": "Late",
    "bulletin.answered.open": "Not yet",
    "tab.on_site": "On-site",
    "tab.refunds": "Refunds",
    "tab.assists": "Help asked",
    "tab.supervised": "Supervised",
    "tab.all": "All in scope",
    "tab.with_closed": "With closed",
    "tab.repeat": "Repeats",
    "assist_status.open": "Awaiting answer",
    "assist_status.answered": "Answered",
    "assist_status.withdrawn": "Taken back",
    "assist_step.ask": "Help asked",
    "assist_step.answer": "Help given",
    "assist_step.withdraw": "Ask taken back",
    "assist_step.counted_again": "Time wanted counted again",
    "refund_status.requested": "Awaiting approval",
    "refund_status.approved": "Approved",
    "refund_status.credited": "Credited",
    "refund_status.rejected": "Not approved",
    "refund_status.withdrawn": "Withdrawn",
    "refund_status.failed": "Not credited",
    "refund_kind.refund": "Refund",
    "refund_kind.double_refund": "Double refund",
    "refund_kind.compensation": "Compensation",
    "engineer_skill.broadband": "Broadband",
    "engineer_skill.coverage": "Indoor coverage",
    "address_from.last_visit": "where the last visit went",
    "address_from.customer": "the customer's address on file",
    "appointment.scheduled": "Booked",
    "appointment.done": "Visited",
    "appointment.missed": "Missed",
    "appointment.rescheduled": "Moved",
    "appointment.cancelled": "Called off",
    "origin.customer": "The customer",
    "origin.regulator": "Regulator appeal (MIIT)",
    "origin.consumer_body": "Consumer association",
    "origin.media": "Press / online",
    "origin.executive": "Passed down by management",
    "triage.invalid": "Invalid",
    "triage.normal": "Normal",
    "triage.key": "Key",
    "triage.urgent": "Urgent",
    "outcome.satisfied": "Satisfied",
    "outcome.done": "Visit made",
    "outcome.missed_by_engineer": "The engineer did not come",
    "outcome.missed_by_customer": "The customer was out",
    "outcome.neutral": "Neutral",
    "outcome.dissatisfied": "Dissatisfied",
    "outcome.unreachable": "Not reached",
    "order_status.new": "New",
    "order_status.accepted": "Accepted",
    "order_status.dispatched": "Dispatched",
    "order_status.in_progress": "In progress",
    "order_status.replied": "Replied",
    "order_status.return_visit": "Awaiting return visit",
    "order_status.closed": "Closed",
    "order_status.returned": "Returned",
    "order_status.cancelled": "Cancelled as invalid",
    "order_status.waiting_customer": "Waiting on customer",
    "order_action.accept": "Accept",
    "order_action.dispatch": "Dispatch",
    "order_action.transfer": "Transfer",
    "order_action.escalate": "Escalate",
    "order_action.start": "Start",
    "order_action.reply": "Reply",
    "order_action.return": "Return",
    "order_action.close": "Close",
    "order_action.visit": "Return visit",
    "order_action.reopen": "Reopen",
    "order_action.cancel": "Cancel as invalid",
    "order_action.wait": "Wait on customer",
    "order_action.resume": "Resume",
    "incident_status.proposed": "Proposed",
    "incident_status.confirmed": "Confirmed",
    "incident_status.resolved": "Resolved",
    "incident_status.dismissed": "Dismissed",
    "order_action.incident_close": "Closed with incident",
    "kind.article": "Article",
    "kind.script": "Script",
    "kind.case": "Case",
    "article_status.draft": "Draft",
    "article_status.published": "Published",
    "article_status.archived": "Archived",
    "ivr_served.balance": "heard the balance",
    "ivr_served.package": "heard the plan",
    "ivr_served.order_status": "heard an order's progress",
    "ivr_served.open_service": "opened a service",
    "ivr_outcome.self_service": "Served themselves",
    "ivr_outcome.transferred": "Put through to an agent",
    "ivr_outcome.callback": "Call-back booked",
    "ivr_outcome.hung_up": "Ended by the flow",
    "ivr_outcome.abandoned": "Hung up mid-menu",
    "ivr_reason.agent_requested": "asked for an agent",
    "ivr_reason.fault_report": "fault report",
    "ivr_reason.vip_fast_path": "VIP line",
    "consent.sms_code": "SMS code",
    "consent.verbal": "Recorded verbal consent",
    "Period from": "From",
    "Period to": "To",
    "grain.day": "Day",
    "grain.week": "Week",
    "grain.month": "Month",
    "kpi.chart.hint": "Click a point to open that period's records for its group",
    "dimension.none": "Whole center",
    "dimension.org_unit": "Branch",
    "dimension.channel": "Channel",
    "dimension.queue": "Queue",
    "dimension.tier": "Tier",
    "dimension.brand": "Brand",
    "kpi.explain": (
        "Every figure opens the records it is counted from. Service level counts calls "
        "answered within their queue's goal against calls answered or abandoned after it; "
        "first-contact resolution counts answered calls of known customers who did not "
        "contact the center again within 7 days."
    ),
    "kpi.meta": "{first} to {last} · {subscribers} numbers in service",
    "kpi.drill.meta": "{shown} of {total} records",
    "kpi.offered": "Calls offered",
    "kpi.answered": "Calls answered",
    "kpi.abandoned": "Calls abandoned",
    "kpi.abandon_rate": "Abandon rate",
    "kpi.service_level": "Service level",
    "kpi.asa_seconds": "Average speed of answer (s)",
    "kpi.aht_seconds": "Average handle time (s)",
    "kpi.ivr_containment": "IVR containment",
    "kpi.first_contact_resolution": "First-contact resolution",
    "kpi.complaints": "Complaints",
    "kpi.complaints_per_10k": "Complaints per 10,000 subscribers",
    "kpi.repeat_complaint_rate": "Repeat-complaint rate",
    "kpi.appeal_rate": "Appeal rate (taken outside)",
    "kpi.appeals_per_million": "Appeals per million subscribers",
    "kpi.time_limit_compliance": "Time-limit compliance",
    "kpi.return_visit_satisfaction": "Return-visit satisfaction",
    "kpi.return_visit_self_share": "Return visits given by customers",
    "kpi.engineer_no_show_rate": "Engineer no-shows",
    "kpi.engineer_report_on_time": "Visits reported on time",
    "kpi.group.all": "All",
    "kpi.group.unknown": "Unknown",
    "kpi.column.period": "Period",
    "kpi.column.group": "Group",
    "kpi.column.total": "Total",
    "segment.high_value_keep": "Keep: high value",
    "segment.develop": "Develop: high value, seldom",
    "segment.win_back": "Win back: paid well, not lately",
    "segment.steady": "Steady: small and often",
    "segment.lapsing": "Lapsing: low value, not lately",
    "segment.general": "General",
    "value.column.msisdn": "Number",
    "value.column.name": "Name",
    "value.column.tier": "Tier",
    "value.column.org_unit": "Branch",
    "value.column.segment": "Segment",
    "value.column.recency": "Days since last payment",
    "value.column.frequency": "Payments in the year",
    "value.column.money": "Paid in the year (yuan)",
    "value.explain": (
        "Numbers in service clustered by K-Means on days since the last payment (R), "
        "payments in the year (F) and what they came to (M); the number of segments is "
        "chosen by silhouette. Click a row for its numbers."
    ),
    "value.meta": "Segmented {day} · {numbers} numbers · {k} segments",
    "members.meta": "{shown} of {total} shown",
    "churn.meta": "List of the week of {week} · {shown} of {total} shown",
    "model.meta": (
        "Trained on {train}, tested on the {rows} numbers of {test} over the next 4 weeks "
        "({leavers} left)"
    ),
    "bulletin.meta": "Period {first} to {last} · generated {generated}",
    "bulletin.drivers": (
        "PLS path model on this month's {responses} answered "
        "questionnaires; importance is the total effect on satisfaction."
    ),
    "bulletin.churn": "The list of the week of {week} holds {listed} numbers.",
    "alert_rule.service_level_low": "Service level under 80%",
    "alert_rule.abandon_rate_high": "Abandonment over 10%",
    "alert_rule.repeat_rate_high": "Repeat complaints over 15%",
    "alert_rule.time_limit_compliance_low": "Time-limit compliance under 90%",
    "alert_rule.complaint_spike": "Complaint spike",
    "alert_subject.center": "The whole center",
    "alert.line": "· {title} — {subject}: {value:.3g} (threshold {threshold:.3g})",
    "alert.mail.subject": "Service center alerts of {day}",
    "alert.value": "{value} against {threshold}",
    "alerts.meta": "{total} open",
    "churn.reason.tenure_months.high": "A long time on the network",
    "churn.reason.tenure_months.low": "New to the network",
    "churn.reason.spend_3m.high": "High spend in the last 3 months",
    "churn.reason.spend_3m.low": "Low spend in the last 3 months",
    "churn.reason.spend_trend.high": "Spend rising",
    "churn.reason.spend_trend.low": "Spend falling",
    "churn.reason.balance.high": "High balance",
    "churn.reason.balance.low": "Low balance",
    "churn.reason.days_since_payment.high": "Long since the last payment or top-up",
    "churn.reason.days_since_payment.low": "Paid or topped up recently",
    "churn.reason.payments_90d.high": "Many payments in 90 days",
    "churn.reason.payments_90d.low": "Few payments in 90 days",
    "churn.reason.complaints_90d.high": "Complaints in the last 90 days",
    "churn.reason.complaints_90d.low": "No recent complaints",
    "churn.reason.repeats_90d.high": "Repeat complaints in the last 90 days",
    "churn.reason.repeats_90d.low": "No repeat complaints",
    "churn.reason.dissatisfied_180d.high": "Dissatisfied at a return visit",
    "churn.reason.dissatisfied_180d.low": "No dissatisfied return visit",
    "churn.reason.contacts_30d.high": "Many contacts in the last 30 days",
    "churn.reason.contacts_30d.low": "Few contacts in the last 30 days",
    "churn.reason.tier_downgrades_180d.high": "Tier lowered in the last 180 days",
    "churn.reason.tier_downgrades_180d.low": "No tier lowered",
}


def gettext(language: str, message: str) -> str:
    """Translate an English message id into the language (English ids pass through)."""
    if language == ZH:
        return _zh_catalog().get(message, message)
    return ENGLISH_LABELS.get(message, message)


def one_of(language: str, choices: list[str]) -> str:
    """Choices quoted and joined as the language lists alternatives: 'a', 'b' or 'c';
    'a'、'b'或'c'."""
    quoted = [f"'{choice}'" for choice in choices]
    if len(quoted) < 2:
        return "".join(quoted)
    comma, either = ("、", "或") if language == ZH else (", ", " or ")
    return comma.join(quoted[:-1]) + either + quoted[-1]


def error_message(language: str, code: str, params: dict[str, Any]) -> str:
    """The caller-language message for an error code with its parameters filled in."""
    template = gettext(language, ERROR_MESSAGES.get(code, ERROR_MESSAGES["bad_request"]))
    # Parameters that are label ids (order_status.new) are shown in the caller's words.
    shown = {k: gettext(language, v) if isinstance(v, str) else v for k, v in params.items()}
    try:
        return template.format(**shown)
    except (KeyError, IndexError, ValueError):
        return template


def negotiate(accept_language: str | None, default: str = ZH) -> str:
    """Pick zh-CN or en from an Accept-Language header by quality, else the default."""
    if not accept_language:
        return default
    best, best_q = default, -1.0
    for part in accept_language.split(",")[:20]:
        tag, _, params = part.strip().partition(";")
        quality = _quality(params)
        language = _match(tag.strip().lower())
        if language and quality > best_q:
            best, best_q = language, quality
    return best


def _quality(params: str) -> float:
    name, _, value = params.strip().partition("=")
    if name.strip() != "q":
        return 1.0
    try:
        return float(value)
    except ValueError:
        return 0.0


def _match(tag: str) -> str | None:
    if tag.startswith("zh"):
        return ZH
    if tag.startswith("en"):
        return EN
    return None
