"""States of IVR flows and calls."""

from __future__ import annotations

from enum import StrEnum


class VersionStatus(StrEnum):
    """Why: a flow is edited as drafts; exactly one version answers calls; the ones before
    stay for roll-back and for reading old call logs."""

    DRAFT = "draft"
    PUBLISHED = "published"
    RETIRED = "retired"


class CallOutcome(StrEnum):
    """Why: containment and abandonment per node are counted from how IVR calls ended."""

    SELF_SERVICE = "self_service"  # hung up in the IVR after a successful self-service
    TRANSFERRED = "transferred"  # sent to an agent queue
    CALLBACK = "callback"  # took the callback offer
    HUNG_UP = "hung_up"  # the flow ended the call (goodbye) without a self-service success
    ABANDONED = "abandoned"  # the caller hung up in the middle of the flow
