"""Agent states of the ACD."""

from __future__ import annotations

from enum import StrEnum


class AgentState(StrEnum):
    """Why: the ACD offers calls only to ready agents, and the wallboard and occupancy
    figures count agents by state."""

    OFFLINE = "offline"
    READY = "ready"
    RINGING = "ringing"  # a call is offered, not yet answered
    TALKING = "talking"
    WRAP_UP = "wrap_up"  # the call ended; the agent finishes the notes
    BREAK = "break"  # not ready, with a reason code (lunch, training, missed call …)


# States an agent may move itself between (the ACD alone moves to ringing and talking).
SELF_SET = frozenset({AgentState.OFFLINE, AgentState.READY, AgentState.BREAK})
# Signed in: counted as staffed on the wallboard.
STAFFED = frozenset(set(AgentState) - {AgentState.OFFLINE})
MISSED_CALL_REASON = "missed"  # the break an agent is put on when an offered call rings out
