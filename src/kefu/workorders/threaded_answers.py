"""Answers that go back the way the customer wrote: an order opened from a customer's SMS
or e-mail is answered in that message's thread, so the message counts as answered and the
inbox stops offering it. The contact domain keeps the messages and threads replies, and
it builds on work orders, so it registers how here instead of being imported."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from sqlalchemy.orm import Session

from kefu.core.rbac import Principal
from kefu.workorders.models import WorkOrder

AnswerChannel = Literal["sms", "email"]
# What is sent: the order's answer, or word of where it stands (进度告知) before it; a
# mail says which (an SMS carries the order's number either way).
AnswerPurpose = Literal["answer", "progress"]
# Sends the text as the reply to the order's message on the channel and returns True;
# False when the order came from no such message (nothing is sent then).
AnswerThreader = Callable[[Session, WorkOrder, str, Principal, AnswerChannel, AnswerPurpose], bool]
_threaders: list[AnswerThreader] = []


def register_answer_threader(threader: AnswerThreader) -> None:
    """Let the contact domain answer orders in their messages' threads (idempotent)."""
    if threader not in _threaders:
        _threaders.append(threader)


def answer_in_thread(
    session: Session,
    *,
    order: WorkOrder,
    text: str,
    by: Principal,
    channel: AnswerChannel,
    purpose: AnswerPurpose = "answer",
) -> bool:
    """Send the answer (or the word of progress) in reply to the customer's message the
    order came from on the channel; False when there is none (the caller sends it some
    other way, or refuses)."""
    return any(threader(session, order, text, by, channel, purpose) for threader in _threaders)


# Puts the customer's messages an order came from on another order too (a duplicate's,
# on the order it is merged into), so that order's answer reaches them in their thread.
ThreadMover = Callable[[Session, WorkOrder, WorkOrder], None]
_movers: list[ThreadMover] = []


def register_thread_mover(mover: ThreadMover) -> None:
    """Let the contact domain carry an order's messages to another order (idempotent)."""
    if mover not in _movers:
        _movers.append(mover)


def move_threads(session: Session, *, source: WorkOrder, target: WorkOrder) -> None:
    """The customer's messages ``source`` came from become ``target``'s as well."""
    for mover in _movers:
        mover(session, source, target)
