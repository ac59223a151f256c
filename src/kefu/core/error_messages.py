"""The English message of every error code; Chinese comes from the catalog like every
other text. Templates use ``{name}`` parameters."""

from __future__ import annotations

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
    "id_number_length": (
        "An ID card, residence permit or permanent residence card number has 18 "
        "characters; for a passport or travel permit, choose the document."
    ),
    "id_number_checksum": "The identity number's check digit is wrong; please check it.",
    "id_number_invalid": (
        "This is not the number of a resident ID card, a residence permit or a permanent "
        "residence card."
    ),
    "id_number_passport": "A passport number is 5 to 12 letters and digits.",
    "id_number_home_return": (
        "A Home Return Permit number is H or M followed by 8 digits (10 with the issue count)."
    ),
    "id_number_taiwan_travel": (
        "A Taiwan residents' travel permit number is 8 digits (10 on the older booklet)."
    ),
    "id_number_needed": "Give the document's number with its kind.",
    "id_country_required": "Give the country that issued the passport (ISO code, e.g. US).",
    "id_country_unknown": "This is not a country's ISO code (two letters, e.g. US, GB).",
    "id_country_not_passport": (
        "Only a passport (its issuer) or a permanent residence card (its holder's "
        "nationality) is kept with a country."
    ),
    "batch_order_repeated": "An order is named twice in the batch.",
    "order_not_the_callers": "This order is not the caller's.",
    "merge_into_itself": "An order cannot be merged into itself.",
    "merge_into_finished": "Order {number} is closed or cancelled: merge into an open one.",
    "merge_passed_on": (
        "Order {number} was passed on by the regulator, a consumer body, the press or the "
        "leaders, who wait for its own answer: keep it, and merge the customer's other "
        "order into it."
    ),
    "merge_other_customer": (
        "Order {number} is another customer's: only the same customer's orders are merged."
    ),
    "order_number_invalid": "This is not a work-order number (e.g. WO20261206-000123).",
    "attachment_order_cancelled": "Order {number} is cancelled: attach the file to the order kept.",
    "attachment_empty": "The file is empty.",
    "attachment_too_large": "The file is larger than {limit}, the most an order takes.",
    "attachment_kind_refused": (
        "This kind of file is not taken: send an image (PNG, JPEG, GIF, WebP, HEIC), a PDF,"
        " a Word or Excel document, or audio (MP3, WAV, AMR, M4A)."
    ),
    "attachment_limit": "This order already keeps {max} files: withdraw one first.",
    "attachment_withdrawn": "{file_name} was withdrawn: its content is no longer kept.",
    "attachment_not_yours": "Only whoever sent the file, or a dispatcher, may withdraw it.",
    "attachment_not_found": "This order has no such file.",
    "message_file_not_found": "This message has no such file.",
    "id_country_mismatch": (
        "The permanent residence card's number gives the holder's nationality as {country}."
    ),
    "id_kind_mismatch": "This number belongs to another kind of document than the one chosen.",
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
    "urge_answered": (
        "Order {number} has been answered; if the answer did not help, reopen it rather "
        "than chase it."
    ),
    "urge_finished": "Order {number} is finished; reopen it, or open a new one.",
    "supervise_answered": "Order {number} has been answered: there is nobody left to press.",
    "supervise_finished": "Order {number} is finished: there is nobody left to press.",
    "supervise_answer_by_past": "The time the answer is wanted by has passed already.",
    "supervise_answer_by_far": "Ask for the answer within {days} days.",
    "invalid_query": "Give a phone number, an identity number or a name to search for.",
    "invalid_month": "Months are written YYYY-MM, from 2000-01 to 2099-12.",
    "internal_error": "Something went wrong on our side; it has been logged.",
    "database_unavailable": "The connection to the database was lost; please try again.",
    "database_slow": "The database did not answer in time; please try again.",
    "validation_too_long": "“{field}” may hold at most {max_length} characters.",
    "validation_too_short": "“{field}” needs at least {min_length} characters.",
    "validation_empty": "“{field}” must not be empty.",
    "validation_null": "“{field}” cannot be null: leave it out to keep it as it is.",
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
    "incident_nothing_told": "No progress text has gone to the incident's callers yet.",
    "article_not_found": "No such article.",
    "knowledge_drafts_forbidden": (
        "Only the people who keep the library see drafts and archived texts."
    ),
    "case_needs_closed_order": "Only a closed order can become a case.",
    "case_exists": "This order is already in the case library.",
    "article_ended": "“{title}” was in effect until {day}: it may not be quoted to a customer.",
    "consent_required": (
        "The customer has not confirmed this service change yet: "
        "send a code or record verbal consent first."
    ),
    "reply_sms_needs_mobile": (
        "The callback number is not a mobile number, so the answer cannot be texted."
    ),
    "reply_email_needs_message": (
        "This order was not opened from a customer's e-mail, so there is no mail to answer."
    ),
    "receipt_needs_mobile": (
        "The callback number is not a mobile number, so no text can tell the customer."
    ),
    "origin_ref_required": (
        "An order passed on by the regulator or a consumer body needs their reference number."
    ),
    "origin_ref_needs_origin": (
        "A reference number belongs to an order someone passed on: say who passed it on."
    ),
    "origin_due_needs_origin": (
        "A date to answer by belongs to an order someone passed on: say who passed it on."
    ),
    "origin_due_past": "The date to answer by has already passed.",
    "origin_order_finished": (
        "Order {number} is closed or cancelled: who passed it on stays as it was."
    ),
    "origin_triage_too_low": (
        "An order passed on by the regulator, a consumer body, the press or the company's "
        "leaders is handled at least as key."
    ),
    "appointment_order_finished": (
        "Order {number} is answered or finished: a visit is booked while it is handled."
    ),
    "appointment_text_needs_mobile": (
        "The callback number is not a mobile number, so the visit cannot be texted."
    ),
    "appointment_window_backwards": "The visit's window must end after it starts.",
    "appointment_window_too_long": "A visit's window can be at most {hours} hours.",
    "appointment_window_too_short": "A visit's window must be at least {minutes} minutes.",
    "appointment_in_past": "The visit's window has already begun: choose a later time.",
    "appointment_too_far": "A visit can be booked at most {days} days ahead.",
    "appointment_not_scheduled": (
        "This visit is no longer booked: it was made, missed, moved or called off."
    ),
    "appointment_not_found": "No such visit on this order.",
    "appointment_booked_meanwhile": (
        "Someone booked a visit on this order a moment ago: reload the page to see it."
    ),
    "refund_order_type": "Only a complaint or a fault report gives money back.",
    "refund_order_finished": (
        "Order {number} is answered or finished: a refund is asked while the order is handled."
    ),
    "refund_over_ceiling": (
        "A refund can be at most {yuan} yuan here; a larger one goes to finance."
    ),
    "refund_no_subscription": (
        "The order's number is no live subscriber of this operator: nothing can be credited to it."
    ),
    "refund_own_request": "A refund is approved by someone other than who asked for it.",
    "refund_beyond_limit": (
        "You may approve refunds of up to {yuan} yuan; this one needs a supervisor."
    ),
    "refund_not_yours": "Only who asked for this refund, or an approver, can withdraw it.",
    "refund_already_decided": "This refund has already been decided; reload the page to see how.",
    "reply_refund_awaiting": (
        "A refund on this order awaits its decision: decide it first, so the reply says "
        "what the customer gets."
    ),
    "refund_not_found": "No such refund on this order.",
    "refund_compensation_has_no_charge": (
        "A compensation names no charge or bill month: give only the amount."
    ),
    "refund_amount_required": "Give the amount of the compensation.",
    "refund_charge_required": "Give the charge in dispute.",
    "refund_bill_month_required": "Give the bill month of the charge.",
    "refund_double_is_twice": "A double refund is twice the charge: {yuan} yuan.",
    "refund_more_than_charge": "A refund cannot be more than the charge in dispute.",
    "refund_bill_month_ahead": "That bill month has not begun yet.",
    "incident_compensation_unresolved": (
        "Callers are compensated once the incident is resolved and its callers are known."
    ),
    "incident_compensation_asked": (
        "A compensation of this incident waits or was given already; it is asked once."
    ),
    "incident_compensation_nobody": (
        "No caller of this incident has a live number of this operator to credit."
    ),
    "incident_compensation_none_waiting": "No compensation of this incident waits for a decision.",
    "reply_sms_too_long": "An answer sent by SMS can be at most {max} characters.",
    "progress_order_not_open": (
        "Order {number} is no longer being handled: its reply tells the customer, or reopen it."
    ),
    "progress_needs_mobile": (
        "The order's callback number is not a mobile number: call the customer to tell them."
    ),
    "progress_email_needs_message": (
        "This order was not opened from a customer's e-mail that can be answered: text or "
        "call the customer instead."
    ),
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
    "drivers_too_few_responses": "{found} complete responses to go on; {needed} are needed.",
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
    "calendar_day_not_recorded": "The center has not recorded this day.",
    "notice_year_missing": "Say which year the notice is for: its title was not pasted.",
    "notice_year_differs": "The notice is for {named}, not {year}: check the year.",
    "notice_no_holidays": (
        "No holiday was found: paste the notice's lines such as "
        "“春节：2月15日至23日放假调休，共9天。”."
    ),
    "notice_holiday_without_days": "The notice's {name} gives no days off that can be read.",
    "notice_range_wrong": "{name}: {first} to {last} is not a holiday's days off.",
    "notice_count_mismatch": (
        "{name}: {first} to {last} is {counted} days, but the notice says {stated}; "
        "check the dates."
    ),
    "notice_day_without_month": "{name}: a day is written without its month.",
    "notice_day_invalid": "{name}: {day} is not a date.",
    "notice_day_outside_year": "{day} is outside {year}: check the year of the notice.",
    "notice_day_both": "{day} is given both as a day off and as a day worked.",
    "notice_replaces_recorded": (
        "The center recorded these days otherwise: {days}. Look at them, then record "
        "the notice again to replace them."
    ),
    "consent_already_given": "The customer has already confirmed.",
    "consent_code_limit": (
        "{codes} codes have been texted for this order in the last day; take the "
        "customer's consent on a recorded call instead."
    ),
    "first_response_after_resolution": "The first response cannot be due after the resolution.",
    "service_level_not_set": "The center has not set its own level here; the shipped one applies.",
    "intake_rules_not_set": "The center has not set its own rules; the server's settings apply.",
    "selfcare_code_wait": "Please wait {retry_after} seconds before asking for another code.",
    "selfcare_code_expired": "This code has expired or been used up; ask for a new one.",
    "selfcare_code_wrong": "The code is not right; {left} tries left.",
    "selfcare_not_signed_in": "Please sign in again with your mobile number.",
    "selfcare_message_empty": "Write your message first.",
    "selfcare_messages_limit": (
        "You have written {limit} messages today; call the hotline, or write again tomorrow."
    ),
    "selfcare_order_not_found": "You have no work order {number}.",
    "selfcare_not_chaseable": (
        "Work order {number} has been answered or closed; if it is not solved, write to us "
        "or call the hotline."
    ),
    "selfcare_chased_today": "You chased {number} within the last day; it is being handled.",
    "selfcare_no_visit": "No engineer's visit is booked on work order {number}.",
    "selfcare_move_day": "Pick a day from tomorrow to {days} days ahead.",
    "selfcare_move_asked": (
        "You have asked to move this visit already; we will call you to agree the new time."
    ),
    "selfcare_not_awaiting_rating": "Work order {number} does not wait for your rating.",
    "selfcare_rating_needs_note": "Tell us what is still wrong, so it can be handled again.",
    "notice_not_found": "No notice with this ID in your branches.",
    "notice_ends_before_start": "The work must end after it starts.",
    "notice_over": "The work is over by then; there is nothing to tell customers.",
    "notice_not_draft": "This notice has been sent or cancelled already.",
    "notice_cancelled": "This notice is cancelled already.",
    "selfcare_message_not_found": "You have no such message.",
    "selfcare_files_too_late": (
        "Files go with a message within an hour of writing it, while it waits for an answer; "
        "write a new message to send more."
    ),
    "selfcare_files_limit": "A message takes {max} files at most.",
    "selfcare_files_per_day": "You have sent {limit} files today; send more tomorrow.",
    "selfcare_survey_none": "There is no survey to answer just now.",
    "selfcare_survey_unanswered": "Please answer question {n}.",
    "selfcare_survey_answered": (
        "Thank you, you have answered this quarter's survey; the next opens on {day}."
    ),
    "engineer_not_found": "No such engineer on your roster.",
    "engineer_inactive": "{name} is no longer on the active roster: choose another engineer.",
    "engineer_busy": "{name} is booked for {number} at an overlapping time: choose another "
    "engineer or window.",
    "appointment_engineer_missing": "Choose an engineer from the roster, or name one.",
    "engineer_has_visits": "{name} still has {count} visits booked, the first for {number}: "
    "hand them over to a colleague first.",
    "handover_to_self": "Choose another engineer to take the visits.",
    "appointment_address_required": "Give the address: the order has no earlier visit and "
    "the customer no address on file.",
    "next_order_none": "Nothing waits in your queue: no order is dispatched to your team "
    "or to you and not yet started.",
    "next_order_no_team": "You are in no team, so no queue hands you orders: ask your team "
    "lead to put you in one.",
    "order_taken_in_turn": "Your team takes its orders in turn: press “Take the next order” "
    "for the most urgent one. To handle this one, ask your team lead to assign it to you.",
    "leave_order": "The leave must end on or after its first day.",
    "leave_too_long": "A leave is at most {days} days: for a longer absence, make the engineer "
    "inactive once their visits are handed over.",
    "day_off_past": "That day has gone by: a day off is set or cleared for today or a day ahead.",
    "engineer_hours_pair": "Give both ends of the working hours, or neither (any time).",
    "engineer_hours_order": "The working hours must end after they start.",
    "assist_order_finished": (
        "Order {number} is no longer being handled: another team's part is asked only while it is."
    ),
    "assist_already_open": (
        "{team} has not answered this order's earlier ask yet: add to it there, or wait for "
        "the answer."
    ),
    "assist_team_unknown": "No such team, or it no longer works.",
    "assist_own_team": "The order is with this team already: ask another team, or dispatch it.",
    "assist_team_out_of_reach": (
        "This team cannot see the order: ask a team of the order's unit or of a unit above it."
    ),
    "assist_not_your_team": "Only the people of the team asked can answer it.",
    "assist_team_answers": (
        "Your team was asked: answer it, and say there if it is not your team's part."
    ),
    "assist_already_ended": (
        "This ask has already been answered or taken back; reload the page to see how."
    ),
    "assist_not_found": "No such ask on this order.",
}
