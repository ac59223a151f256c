"""Translations: English message ids, Chinese from a Babel ``.po`` catalog shipped in the package.

The catalog is read with Babel at start-up (no compile step, nothing fetched). Error
codes map to English message templates here; templates use ``{name}`` parameters.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any

from babel.messages.pofile import read_po

ZH = "zh-CN"
EN = "en"
SUPPORTED_LANGUAGES = (ZH, EN)

ERROR_MESSAGES: dict[str, str] = {
    "bad_request": "The request could not be understood.",
    "not_authenticated": "Please sign in first.",
    "invalid_credentials": "Wrong user name or password.",
    "account_disabled": "This account is disabled.",
    "session_expired": "Your session has expired; please sign in again.",
    "invalid_token": "The API token is not valid.",
    "csrf_failed": "The security token of this form is missing or wrong; reload the page.",
    "forbidden": "You do not have the right to do this.",
    "missing_right": "This needs the right “{right}”.",
    "customer_out_of_scope": "This customer belongs to another branch ({org_unit}).",
    "org_unit_out_of_scope": "{org_unit} is outside the branches you manage.",
    "staff_out_of_scope": "This staff member belongs to a branch you do not manage.",
    "grant_beyond_scope": "Only someone who sees every branch can give this role.",
    "not_found": "Not found.",
    "route_not_found": "There is no such address.",
    "customer_not_found": "No customer with this ID.",
    "enterprise_not_found": "No enterprise customer with this ID.",
    "staff_not_found": "No staff member with this ID.",
    "org_unit_not_found": "No organization unit with this ID.",
    "team_not_found": "No team with this ID.",
    "skill_not_found": "No skill with this code.",
    "package_not_found": "No package with this code.",
    "subscriber_not_found": "{phone} is not a subscriber of this operator.",
    "method_not_allowed": "This method is not allowed here.",
    "no_hard_delete": "Customer records are never deleted; cancel or freeze the customer instead.",
    "conflict": "The record changed meanwhile; reload it and try again.",
    "stale_version": "Someone else changed this record (now version {current}); reload and retry.",
    "duplicate": "A record with this {field} already exists.",
    "precondition_failed": "The record changed meanwhile; reload it and try again.",
    "precondition_required": "Send the record's version in the If-Match header.",
    "payload_too_large": "The request body is larger than {limit} bytes.",
    "invalid_value": "A value is not valid.",
    "validation_error": "The value of “{field}” is not valid: {detail}.",
    "field_required": "“{field}” is required.",
    "invalid_json": "The request body is not valid JSON.",
    "too_many_requests": "Too many attempts; try again in {retry_after} seconds.",
    "phone_empty": "Enter a phone number.",
    "phone_bad_characters": "A phone number may only hold digits, spaces, +, - and brackets.",
    "phone_unparseable": "This is not a phone number.",
    "phone_not_chinese": "Only numbers in mainland China (+86) are served here.",
    "phone_invalid": "This is not a valid number in mainland China ({digits} digits given).",
    "id_number_length": "An ID card number has 18 characters.",
    "id_number_checksum": "The ID card number's check digit is wrong; please check it.",
    "id_number_invalid": "This is not a valid ID card number.",
    "reason_required": "Give a reason (at least {min} characters).",
    "idempotency_key_invalid": "The Idempotency-Key header is empty, too long or not printable.",
    "idempotency_key_reused": "This Idempotency-Key was already used with a different body.",
    "invalid_status_change": "A customer cannot go from {from_status} to {to_status}.",
    "number_in_use": "The number {phone} already belongs to an active subscription.",
    "org_parent_required": "A {level} unit needs a parent of level {parent_level}.",
    "team_outside_unit": "The team belongs to another organization unit.",
    "cannot_demote_self": "You cannot remove your own administrator rights or disable yourself.",
    "password_too_short": "A password needs at least {min} characters.",
    "export_too_large": "The export would have {rows} rows; narrow it to at most {limit}.",
    "order_not_found": "No such work order.",
    "contact_phone_required": "Give the number to call back (or the customer).",
    "order_out_of_scope": "This work order belongs to a branch you do not serve.",
    "category_not_found": "No such category.",
    "template_not_found": "No such reply template.",
    "category_not_leaf": "Choose a more precise category under “{category}”.",
    "reply_has_blanks": "Fill in the template's blanks before sending the reply: {blanks}.",
    "category_too_deep": "Categories have at most {max} levels.",
    "category_first": "It is already the first of its level.",
    "category_last": "It is already the last of its level.",
    "action_not_allowed": "This order is {status}; “{action}” is not possible now.",
    "dispatch_target_required": "Choose a team or a branch to send the order to.",
    "assignee_outside_target": "That person is not in the chosen team or branch.",
    "cannot_escalate_top": "The order is already at the top of the organization.",
    "invalid_query": "Give a phone number, an ID card number or a name to search for.",
    "invalid_month": "Months are written YYYY-MM, from 2000-01 to 2099-12.",
    "internal_error": "Something went wrong on our side; it has been logged.",
    "database_unavailable": "The connection to the database was lost; please try again.",
    "database_slow": "The database did not answer in time; please try again.",
    "validation_too_long": "“{field}” may hold at most {max_length} characters.",
    "validation_too_short": "“{field}” needs at least {min_length} characters.",
    "validation_empty": "“{field}” must not be empty.",
    "body_required": "Send the request's details as a JSON body.",
    "validation_too_many": "“{field}” may hold at most {max_length} items.",
    "validation_too_few": "“{field}” needs at least {min_length} items.",
    "validation_pattern": "“{field}” is not in the expected format.",
    "validation_pattern_hint": "“{field}” is not in the expected format: {hint}.",
    "validation_integer": "“{field}” must be a whole number.",
    "validation_minimum": "“{field}” must be at least {ge}.",
    "validation_maximum": "“{field}” must be at most {le}.",
    "validation_choice": "“{field}” must be one of: {expected}.",
    "validation_boolean": "“{field}” must be true or false.",
    "validation_date": "“{field}” must be a date written YYYY-MM-DD.",
    "contract_dates": "A contract cannot end before it starts.",
    "invalid_characters": "The request holds control characters that are not allowed.",
    "incident_not_found": "No such incident.",
    "incident_out_of_scope": "This incident belongs to a branch you do not serve.",
    "incident_not_allowed": "The incident is {status}; that is not possible now.",
    "article_not_found": "No such article.",
    "knowledge_drafts_forbidden": (
        "Only the people who keep the library see drafts and archived texts."
    ),
    "case_needs_closed_order": "Only a closed order can become a case.",
    "case_exists": "This order is already in the case library.",
    "consent_required": (
        "The customer has not confirmed this service change yet: "
        "send a code or record verbal consent first."
    ),
    "reply_sms_needs_mobile": (
        "The callback number is not a mobile number, so the answer cannot be texted."
    ),
    "receipt_needs_mobile": (
        "The callback number is not a mobile number, so no text can tell the customer."
    ),
    "reply_sms_too_long": "An answer sent by SMS can be at most {max} characters.",
    "consent_not_needed": (
        "This order opens or changes no service, so it needs no confirmation from the customer."
    ),
    "consent_code_too_soon": "A code was sent less than a minute ago; wait {seconds} seconds.",
    "consent_code_missing": "No code has been sent for this order yet.",
    "consent_code_wrong": "The code is not right; {left} tries left.",
    "consent_code_expired": "The code has expired; send a new one.",
    "consent_locked": "Too many wrong codes; send a new one.",
    "ivr_yaml": "Line {line}: this is not YAML kefu can read ({detail}).",
    "ivr_missing_key": "Line {line}: node '{node}' needs '{key}'.",
    "ivr_unknown_key": (
        "Line {line}: node '{node}' has '{key}', which this kind of node does not take."
    ),
    "ivr_unknown_kind": "Line {line}: node '{node}' has an unknown kind '{kind}'.",
    "ivr_unknown_target": (
        "Line {line}: node '{node}' goes to '{target}', which is no node of this flow."
    ),
    "ivr_unreachable": "Line {line}: no call can reach node '{node}'.",
    "ivr_unknown_queue": (
        "Line {line}: node '{node}' names queue '{queue}', which is no open queue."
    ),
    "ivr_no_exit": (
        "Line {line}: from node '{node}' the call can never reach a transfer or a hang-up (a "
        "loop with no exit)."
    ),
    "ivr_loop_without_input": (
        "Line {line}: node '{node}' is on a loop that never waits for a key, so a call could "
        "go round for ever."
    ),
    "ivr_bad_value": "Line {line}: node '{node}', '{key}' must be {detail}.",
    "ivr_bad_condition": (
        "Line {line}: node '{node}' has a condition '{test}' that kefu does not know or "
        "cannot read."
    ),
    "ivr_unknown_action": (
        "Line {line}: node '{node}' calls '{action}', which is no self-service action (known: "
        "{known})."
    ),
    "ivr_start_missing": "Line {line}: 'start' must name a node of the flow (found: {start}).",
    "ivr_flow_invalid": (
        "The flow has {count} problem(s); the first is on line {line}. See details."
    ),
    "ivr_flow_not_found": "No such IVR flow.",
    "ivr_version_not_found": "This flow has no such version.",
    "ivr_already_published": "This version is already the one answering calls.",
    "ivr_nothing_to_roll_back": "There is no earlier published version to go back to.",
    "ivr_call_not_found": "No IVR call with this id.",
    "ivr_call_ended": "This call has left the IVR.",
    "ivr_step_mismatch": "This input answers another step; the call is at step {expected}.",
    "interaction_not_found": "No such interaction.",
    "interaction_not_answered": "The contact has not been answered yet.",
    "unknown_wrap_up_code": "No active wrap-up code with this name.",
    "interaction_not_a_message": "Only a customer's SMS or e-mail can be answered this way.",
    "order_needs_a_message": "Only a customer's SMS or e-mail opens a work order this way.",
    "message_no_reply_address": "This message came from an address that cannot be answered.",
    "intake_lookup_sms_only": "Balance and package answers work for SMS rules only.",
    "intake_order_needs_category": (
        "A rule that opens an order needs both the order type and the category."
    ),
    "intake_rule_not_found": "No such SMS or e-mail rule.",
    "agent_state_not_allowed": "An agent cannot go from {state} to {to}.",
    "agent_state_not_settable": "An agent may only choose ready, break or offline.",
    "forecast_history_short": "A forecast needs at least {weeks} weeks of history.",
    "forecast_no_history": "There were no contacts in the history to forecast from.",
    "staffing_unreachable": "No staffing up to 10,000 agents meets this target.",
    "questionnaire_not_found": "No active questionnaire with this code.",
    "survey_item_unknown": "The questionnaire has no item “{item}”.",
    "survey_item_missing": "The item “{item}” must be answered.",
    "kpi_period_out_of_range": "Figures cover days from {first} to {last}.",
    "kpi_period_reversed": "The period ends before it begins.",
    "kpi_period_too_long": "A period is at most {days} days; export longer ones month by month.",
    "kpi_group_unknown": "That group does not exist for this grouping.",
    "value_run_missing": "Customers have not been segmented yet; run “kefu value segment”.",
    "classifier_missing": "No category classifier has been trained yet; run “kefu text train”.",
    "alert_not_found": "That alert does not exist.",
    "alert_already_acknowledged": "Someone has already acknowledged this alert.",
    "churn_model_missing": "No churn model has been trained yet; run “kefu churn train”.",
    "churn_list_not_yours": "Account managers see the warning list of their own customers only.",
    "survey_answer_out_of_scale": "Answers are whole numbers from {low} to {high}.",
    "survey_link_unknown": "The linked record does not exist.",
    "drivers_target_unknown": "The satisfaction model has no construct “{target}”.",
    "drivers_questionnaire_unfit": "This questionnaire does not ask every item of the model.",
    "drivers_too_few_responses": "{found} complete responses in this period; {needed} are needed.",
    "drivers_not_estimable": (
        "The answers of this period cannot be estimated (an item never varies)."
    ),
    "unknown_break_reason": "No active break reason with this code.",
    "agent_on_call": (
        "Finish the call first: answer or decline an offered call, hang up a call in talk."
    ),
    "wrap_up_pending": "Save the wrap-up of the last call first.",
    "agent_has_no_call": "You have no call in this state now.",
    "agent_has_no_callback": "You hold no call-back in talk to dial.",
    "callback_needs_number": "A call-back needs the caller's number.",
    "agent_call_changed": "Your call changed in the meantime; look again and retry.",
    "queue_not_found": "There is no open queue with this code.",
    "caller_not_a_customer": "The caller is not a known customer.",
    "timezone_required": "Give times with their time zone (for example +08:00).",
    "invalid_period": "The period must start before it ends and be at most a year.",
    "calendar_day_out_of_range": "Days from 2000 to 2100 can be recorded.",
    "consent_already_given": "The customer has already confirmed.",
    "consent_code_limit": (
        "{codes} codes have been texted for this order in the last day; take the "
        "customer's consent on a recorded call instead."
    ),
    "first_response_after_resolution": "The first response cannot be due after the resolution.",
    "service_level_not_set": "The center has not set its own level here; the shipped one applies.",
    "intake_rules_not_set": "The center has not set its own rules; the server's settings apply.",
}


@lru_cache(maxsize=1)
def _zh_catalog() -> dict[str, str]:
    source = resources.files("kefu").joinpath("locale/zh_CN/LC_MESSAGES/messages.po")
    with source.open("rb") as handle:
        catalog = read_po(handle, locale="zh_CN")
    return {str(m.id): str(m.string) for m in catalog if m.id and m.string}


# Enumeration values are message ids too; English shows them with these labels.
ENGLISH_LABELS = {
    "format.six_digits": "6 digits",
    "format.month": "a month as YYYY-MM, for example 2026-11",
    "format.username": (
        "a lowercase letter, then 1 to 63 lowercase letters, digits, “_”, “.” or “-”"
    ),
    "format.credit_code": "the 18-character unified social credit code",
    "format.contract_number": "4 to 40 letters, digits or “-”",
    "format.call_id": "1 to 128 letters, digits, “_”, “.”, “:”, “@” or “-”",
    "format.keypad": "up to 32 keypad keys: 0 to 9, “*” and “#”",
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
    "channel.api": "API",
    "triage.invalid": "Invalid",
    "triage.normal": "Normal",
    "triage.key": "Key",
    "triage.urgent": "Urgent",
    "outcome.satisfied": "Satisfied",
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
    "kpi.time_limit_compliance": "Time-limit compliance",
    "kpi.return_visit_satisfaction": "Return-visit satisfaction",
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
