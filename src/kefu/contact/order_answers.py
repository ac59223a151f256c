"""An order's answer sent in the thread of the customer's message it came from: a reply
to their SMS or their message on the self-service page (texted, and shown there), or to
their e-mail (``In-Reply-To`` its Message-ID), kept as an outbound
contact like any reply written on the message's page, which serves the message.
A merged duplicate's messages become the order kept's. Registered with work orders at
start-up."""

from __future__ import annotations

from sqlalchemy.orm import Session

from kefu.contact import replies
from kefu.contact.enums import ContactChannel
from kefu.contact.message_orders import messages_of_order
from kefu.contact.models import Interaction
from kefu.contact.service import link_order
from kefu.core.rbac import Principal
from kefu.workorders.models import WorkOrder
from kefu.workorders.service import sms_answer
from kefu.workorders.threaded_answers import AnswerChannel, AnswerPurpose

# An answer that greets the customer itself gets no second greeting from the mail.
GREETINGS = ("尊敬的", "您好", "你好", "Dear", "Hello", "Hi ")


def answer_order_in_thread(
    session: Session,
    order: WorkOrder,
    text: str,
    by: Principal,
    channel: AnswerChannel,
    purpose: AnswerPurpose,
) -> bool:
    """Answer the latest message on the channel the order came from (or tell where the
    order stands, for a ``progress`` purpose); False when there is none (an SMS counts
    only from the order's callback number, where the text goes)."""
    message = _latest_message(session, order, ContactChannel(channel))
    if message is None:
        return False
    if message.channel in replies.TEXTED_CHANNELS:
        body = sms_answer(order, text)
    elif purpose == "progress":
        body = progress_mail(order, text, message)
    else:
        body = answer_mail(order, text, message)
    replies.answer(session, message=message, text=body, by=by)
    return True


def _latest_message(
    session: Session, order: WorkOrder, channel: ContactChannel
) -> Interaction | None:
    return answerable_message(messages_of_order(session, order.id), order, channel)


def answerable_message(
    messages: list[Interaction], order: WorkOrder, channel: ContactChannel
) -> Interaction | None:
    """Of an order's messages, the latest on the channel an answer can go back to (an SMS
    only from the order's callback number, where the text goes; a message left on the
    self-service page is answered by SMS too, and its answer shows on the page)."""
    same_way = replies.TEXTED_CHANNELS if channel == ContactChannel.SMS else {channel}
    found = [
        m
        for m in messages
        if m.channel in same_way
        and replies.reachable(m)
        and (channel != ContactChannel.SMS or m.address == order.contact_phone)
    ]
    return found[-1] if found else None


def answer_mail(order: WorkOrder, text: str, message: Interaction) -> str:
    """The mail's body: the answer with the order's number, so a later call can name it
    (before an answer that does not greet the customer, after one that does); in English
    when the customer wrote in English."""
    english = message.language == "en"
    if text.startswith(GREETINGS):  # the unified replies open with 尊敬的…: number after
        if english:
            return (
                f"{text}\n\nWork order {order.number}. "
                "If anything is unclear, reply to this e-mail or call our hotline."
            )
        return f"{text}\n\n工单号：{order.number}。如有疑问，请直接回复本邮件或致电客服热线。"
    if english:
        return (
            f"Hello,\n\nAbout what you wrote to us (work order {order.number}), "
            f"our answer is:\n\n{text}\n\n"
            "If anything is unclear, reply to this e-mail or call our hotline."
        )
    return (
        f"您好：\n\n关于您来信反映的问题（工单号 {order.number}），答复如下：\n\n{text}\n\n"
        "如有疑问，请直接回复本邮件或致电客服热线。"
    )


def progress_mail(order: WorkOrder, text: str, message: Interaction) -> str:
    """The mail's body telling where the order stands: not its answer, which follows; in
    English when the customer wrote in English."""
    if message.language == "en":
        return (
            f"Hello,\n\nAbout what you wrote to us (work order {order.number}), "
            f"where it stands now:\n\n{text}\n\n"
            "We will write again with our answer. If anything is unclear, reply to this "
            "e-mail or call our hotline."
        )
    return (
        f"您好：\n\n关于您来信反映的问题（工单号 {order.number}），目前的处理进展是：\n\n"
        f"{text}\n\n处理完毕后我们会再答复您。如有疑问，请直接回复本邮件或致电客服热线。"
    )


def move_messages(session: Session, source: WorkOrder, target: WorkOrder) -> None:
    """The customer's messages ``source`` came from are ``target``'s too: a duplicate
    merged into the order kept, whose answer then goes back in their thread."""
    for message in messages_of_order(session, source.id):
        link_order(session, interaction=message, order_id=target.id)
