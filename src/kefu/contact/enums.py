"""States and kinds of an interaction."""

from __future__ import annotations

from enum import StrEnum


class ContactChannel(StrEnum):
    """Why: every contact is one record whatever it came through.

    A call that enters through the IVR is ``ivr`` while it stays there; once it is put in an
    agent queue it becomes ``voice``. So a finished ``ivr`` contact is a call the IVR served
    (self-service or abandoned there), the split the center reports as 自助 / 人工.
    """

    VOICE = "voice"
    IVR = "ivr"
    SMS = "sms"
    EMAIL = "email"
    WEB = "web"


# A customer's own written contacts: texts, mails and messages left on the self-service
# web page (kefu.selfcare), all answered from the agents' inbox.
MESSAGE_CHANNELS = frozenset({ContactChannel.SMS, ContactChannel.EMAIL, ContactChannel.WEB})


class Direction(StrEnum):
    """Why: inbound demand and outbound return visits are counted apart."""

    INBOUND = "inbound"
    OUTBOUND = "outbound"


class InteractionStatus(StrEnum):
    """Why: where a contact is now; live queue figures count by it."""

    IVR = "ivr"  # in self-service
    QUEUED = "queued"  # waiting for an agent
    RINGING = "ringing"  # offered to an agent
    TALKING = "talking"
    WRAP_UP = "wrap_up"  # the agent finishes the notes
    ENDED = "ended"
    OPEN = "open"  # a message waiting to be read (SMS, e-mail, web)


class EndReason(StrEnum):
    """Why: how a contact ended drives containment, abandonment and answer rates."""

    COMPLETED = "completed"  # served by an agent
    SELF_SERVICE = "self_service"  # ended in the IVR after a successful self-service
    ABANDONED = "abandoned"  # the caller hung up before being served
    CALLBACK = "callback"  # the caller asked to be called back
    FLOW_ENDED = "flow_ended"  # the IVR said goodbye without a self-service success
    FAILED = "failed"  # the line dropped or the flow broke


LIVE_STATUSES = frozenset(
    {
        InteractionStatus.IVR,
        InteractionStatus.QUEUED,
        InteractionStatus.RINGING,
        InteractionStatus.TALKING,
        InteractionStatus.WRAP_UP,
    }
)
