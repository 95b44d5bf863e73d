"""Store standards the two sample stores and every store of a simulated chain share."""

from __future__ import annotations

from forecasting.stores import OrderingStandard

SPECIAL_HOURS: dict[str, tuple[int, int]] = {
    "Christmas Eve": (420, 780),
    "Midsummer Eve": (420, 1080),
    "New Year's Day": (600, 1080),
    "Easter Monday": (600, 1260),
    "12-31": (420, 1080),
}
"""Shorter hours on the eves and New Year's Day, in minutes after midnight."""
CLOSED_ON = ("Good Friday", "Easter Sunday", "Midsummer Day", "Christmas Day")
"""Holidays the stores are closed on."""

ORDERING = OrderingStandard(
    service_level=0.95,
    service_levels={"christmas ham": 0.98, "bread": 0.9},
    order_days=("mon", "wed", "fri"),
)
"""Order days and service levels (higher for Christmas ham, lower for bread)."""
