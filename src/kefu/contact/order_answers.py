"""An order's answer mailed to the customer who wrote in: a reply threaded to their
e-mail (``In-Reply-To`` its Message-ID), kept as an outbound contact like any other reply,
which serves the message. Registered with work orders at start-up."""

from __future__ import annotations

from sqlalchemy.orm import Session

from kefu.contact import replies
from kefu.contact.enums import ContactChannel
from kefu.contact.message_orders import messages_of_order
from kefu.contact.models import Interaction
from kefu.core.rbac import Principal
from kefu.workorders.models import WorkOrder


def mail_order_answer(session: Session, order: WorkOrder, text: str, by: Principal) -> bool:
    """Answer the latest e-mail the order was opened from; False when it came from none
    that can be answered."""
    mails = [
        m
        for m in messages_of_order(session, order.id)
        if m.channel == ContactChannel.EMAIL and replies.reachable(m)
    ]
    if not mails:
        return False
    message = mails[-1]
    replies.answer(session, message=message, text=answer_mail(order, text, message), by=by)
    return True


def answer_mail(order: WorkOrder, text: str, message: Interaction) -> str:
    """The mail's body: the order's number, so a later call can name it, then the answer;
    in English when the customer wrote in English."""
    if message.language == "en":
        return (
            f"Hello,\n\nAbout what you wrote to us (work order {order.number}), "
            f"our answer is:\n\n{text}\n\n"
            "If anything is unclear, reply to this e-mail or call our hotline."
        )
    return (
        f"您好：\n\n关于您来信反映的问题（工单号 {order.number}），答复如下：\n\n{text}\n\n"
        "如有疑问，请直接回复本邮件或致电客服热线。"
    )
