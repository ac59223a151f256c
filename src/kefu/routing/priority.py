"""Queue priority by customer value: 至尊 > 钻石 > 金 > 银 > 普通."""

from __future__ import annotations

from kefu.customers.enums import Tier

TIER_PRIORITY: dict[str, int] = {
    Tier.NORMAL: 0,
    Tier.SILVER: 1,
    Tier.GOLD: 2,
    Tier.DIAMOND: 3,
    Tier.SUPREME: 4,
}


def call_priority(tier: str | None, extra: int = 0) -> int:
    """A waiting call's priority: its tier's, plus what the flow adds (a VIP fast path)."""
    return TIER_PRIORITY.get(tier or "", 0) + extra
