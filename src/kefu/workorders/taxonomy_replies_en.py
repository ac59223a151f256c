"""The shipped reply templates in English, for customers who speak it: the same answers
as ``taxonomy_replies`` (each code, each reply, in the same order), with the same
blanks, so an English answer says what the Chinese one says."""

from __future__ import annotations

from kefu.workorders.taxonomy_replies import Reply

_CALL_BACK = "If the problem continues, please call 10086."

ENGLISH_REPLIES: dict[str, tuple[Reply, ...]] = {
    "network.coverage.indoor": (
        (
            "Passed to network optimisation",
            "Dear {customer_name}, the indoor signal problem you reported at {address} has "
            "been passed to our network optimisation team. We will answer you by {due}. "
            "Work order {order_number}.",
        ),
    ),
    "network.coverage.weak": (
        (
            "Site test arranged",
            "Dear {customer_name}, our network optimisation team will test the weak signal "
            "you reported at {address} on site. We will tell you the result by {due}. "
            "Work order {order_number}.",
        ),
    ),
    "network.coverage.rural": (
        (
            "In the build plan",
            "Dear {customer_name}, the missing coverage you reported at {address} has been "
            "passed to our network planning team; a new site is planned to be built by {date}. "
            "Work order {order_number}.",
        ),
    ),
    "network.calls.dropped": (
        (
            "Optimised",
            "Dear {customer_name}, after testing, the base station near {address} was tuned "
            f"on {{date}} and calls should no longer drop. {_CALL_BACK} "
            "Work order {order_number}.",
        ),
    ),
    "network.calls.noise": (
        (
            "Fixed",
            "Dear {customer_name}, the noise or one-way audio on your calls has been fixed; "
            f"the cause was {{reason}}. {_CALL_BACK} Work order {{order_number}}.",
        ),
    ),
    "network.data.slow": (
        (
            "Passed to network optimisation",
            "Dear {customer_name}, the slow mobile data you reported at {address} has been "
            "passed to our network optimisation team. We will answer you by {due}. "
            "Work order {order_number}.",
        ),
    ),
    "network.data.none": (
        (
            "Restored",
            "Dear {customer_name}, your mobile data has been restored; the cause was "
            f"{{reason}}. Please restart your phone. {_CALL_BACK} Work order {{order_number}}.",
        ),
    ),
    "billing.dispute.unknown": (
        (
            "Refunded after checking",
            "Dear {customer_name}, we checked the {item} charge in {month}: it was taken in "
            "error, and {refund} yuan is refunded to your phone account; we will text you "
            "when it arrives. We apologise for the trouble.",
        ),
        (
            "Checked and explained",
            "Dear {customer_name}, we checked the {item} charge of {amount} yuan in {month}: "
            "it comes from a service you subscribed to on {date}. The itemised bill is in the "
            "mobile app. Reply to this message if you want it cancelled and we will do so.",
        ),
    ),
    "billing.dispute.package": (
        (
            "Adjusted after checking",
            "Dear {customer_name}, we checked your plan's charges for {month}: they did not "
            "match what you were promised. We have corrected them, and the difference of "
            "{refund} yuan is refunded to your phone account; we will text you when it "
            "arrives.",
        ),
    ),
    "billing.dispute.roaming": (
        (
            "Roaming charges explained",
            "Dear {customer_name}, we checked your roaming charges of {amount} yuan in "
            "{month}: they come from calls and data in {place} on {date}, charged at {rate}. "
            f"{_CALL_BACK}",
        ),
    ),
    "billing.payment.missing": (
        (
            "Credited",
            "Dear {customer_name}, your top-up of {amount} yuan through {channel} on {date} "
            "has been checked and credited; please check your balance. We apologise for the "
            "trouble.",
        ),
    ),
    "billing.payment.invoice": (
        (
            "Invoice issued again",
            "Dear {customer_name}, the e-invoice for {month} you asked for has been issued "
            "again and sent to {email}. Work order {order_number}.",
        ),
    ),
    "billing.arrears.wrong": (
        (
            "Line restored",
            "Dear {customer_name}, your number was restored at {time}. After a payment the "
            "line is usually restored within 30 minutes; we apologise for the trouble.",
        ),
    ),
    "vas.sp.unconsented": (
        (
            "Cancelled and refunded",
            "Dear {customer_name}, we have cancelled {item} and refunded its charges of "
            "{refund} yuan. To block such services, text 0000 to see and cancel your "
            "subscriptions.",
        ),
    ),
    "vas.sp.unsubscribe": (
        (
            "Cancelled",
            "Dear {customer_name}, we have cancelled {item}; it will not be charged from next "
            "month. You can text 0000 to 10086 at any time to see and cancel services.",
        ),
    ),
    "vas.content.quality": (
        (
            "Passed to the provider",
            "Dear {customer_name}, the problem with the content of {item} has been passed to "
            "its provider to put right. We will tell you the outcome by {due}. "
            "Work order {order_number}.",
        ),
    ),
    "service.attitude.hotline": (
        (
            "Apology",
            "Dear {customer_name}, we sincerely apologise for the service you received. The "
            "staff member has been spoken to and it counts in their assessment. Thank you for "
            "telling us.",
        ),
    ),
    "service.attitude.store": (
        (
            "Apology",
            "Dear {customer_name}, we sincerely apologise for how you were treated at {store}. "
            "The store has spoken to the staff member and put it right. Thank you for telling "
            "us.",
        ),
    ),
    "service.process.waiting": (
        (
            "Apology and explanation",
            "Dear {customer_name}, we apologise for your long wait. We have added staff at "
            "busy times, and you can also use our website or mobile app for most services.",
        ),
    ),
    "service.process.promise": (
        (
            "Promise kept",
            "Dear {customer_name}, we checked: the {item} our staff promised you on {date} has "
            "now been done. We apologise that it was late. Work order {order_number}.",
        ),
    ),
    "marketing.promotion.terms": (
        (
            "Promotion rules explained",
            "Dear {customer_name}, the rules of the {item} promotion you joined are: {terms}. "
            "If what you were told differs from them, we will honour what you were told.",
        ),
    ),
    "marketing.promotion.gift": (
        (
            "Sent again",
            "Dear {customer_name}, the {gift} due to you from the {item} promotion was sent "
            "on {date}; please check. We apologise for the trouble.",
        ),
    ),
    "marketing.harassment.calls": (
        (
            "Added to do-not-disturb",
            "Dear {customer_name}, your number has been added to our marketing do-not-disturb "
            "list; it takes effect within three working days. We apologise for disturbing you.",
        ),
    ),
    "number.status.suspend": (
        (
            "Line suspended",
            "Dear {customer_name}, your number was suspended at {time}, as you asked. To "
            "restore it, bring your ID to a store or call 10086.",
        ),
    ),
    "number.status.restore": (
        (
            "Line restored",
            "Dear {customer_name}, your number was restored at {time}. Thank you.",
        ),
    ),
    "number.transfer.out": (
        (
            "Restriction lifted",
            "Dear {customer_name}, the restriction on porting your number out ({reason}) has "
            "been lifted; text CXXZ to 10086 to check again. Work order {order_number}.",
        ),
    ),
    "number.realname.wrong": (
        (
            "Corrected",
            "Dear {customer_name}, the registration details of your number have been "
            f"corrected to match your ID. {_CALL_BACK}",
        ),
    ),
    "number.services.roaming": (
        (
            "Roaming opened",
            "Dear {customer_name}, as you confirmed, international roaming was opened on your "
            "number at {time}. Before you travel, check the rates for your destination: text "
            "MY to 10086.",
        ),
    ),
    "broadband.install.delay": (
        (
            "Installation booked",
            "Dear {customer_name}, your broadband installation is now booked for {date} "
            "{time}; the engineer will call you beforehand. We apologise for the delay. "
            "Work order {order_number}.",
        ),
    ),
    "broadband.fault.down": (
        (
            "Repaired",
            "Dear {customer_name}, your broadband fault has been repaired; the cause was "
            f"{{reason}}. {_CALL_BACK} Work order {{order_number}}.",
        ),
    ),
    "broadband.fault.slow": (
        (
            "Speed tested",
            "Dear {customer_name}, our engineer measured your broadband at {speed}; what was "
            "done: {result}. For the best speed, use a cable or the 5 GHz Wi-Fi band.",
        ),
    ),
    "terminal.contract.quality": (
        (
            "Inspection arranged",
            "Dear {customer_name}, your contract phone will be inspected at {store}; if the "
            "warranty covers it, it will be repaired or replaced. Work order {order_number}.",
        ),
    ),
    "enterprise.line.down": (
        (
            "Restored",
            "Dear {customer_name}, your dedicated line {line} was restored at {time}; the "
            "outage was caused by {reason}. We will step up maintenance to keep your service "
            "stable. Work order {order_number}.",
        ),
    ),
}
