"""Survey vocabularies."""

from __future__ import annotations

from enum import StrEnum


class SurveyChannel(StrEnum):
    """Why: answers differ by how they were asked; the analysis can compare channels."""

    SMS = "sms"
    IVR = "ivr"  # after a call, the caller stays on the line and keys answers
    VOICE = "voice"  # an agent's outbound return visit
    WEB = "web"
    EMAIL = "email"
    HALL = "hall"  # the tablet in a business hall (营业厅)
