"""Expected figures computed from the sandbox's pure data functions (what the platform reports),
independently of the product's code."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sandbox.emulators.tiktok_business import data

FIXTURE = "demo"


def dec(value) -> Decimal:
    return Decimal("0") if value in (None, "", "-") else Decimal(value)


def roi(gmv: Decimal, cost: Decimal) -> Decimal:
    return (gmv / cost).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) if cost else Decimal("0.00")


def campaign_totals(advertiser_id: str, campaign_id: str, start: date, end: date, now: int) -> dict | None:
    totals = {"cost": Decimal("0"), "gmv": Decimal("0"), "orders": 0}
    seen = False
    day = start
    while day <= end:
        metrics = data.campaign_day(FIXTURE, advertiser_id, campaign_id, day, now=now)
        if metrics is not None:
            seen = True
            totals["cost"] += dec(metrics["cost"])
            totals["gmv"] += dec(metrics["gross_revenue"])
            totals["orders"] += int(dec(metrics["orders"]))
        day += timedelta(days=1)
    if not seen:
        return None
    totals["roi"] = roi(totals["gmv"], totals["cost"])
    return totals


def sessions(advertiser_id: str, campaign_id: str, start: date, end: date, now: int) -> list[dict]:
    """The seed's aggregation done by hand on the platform's room-day rows."""
    grouped: dict[str, dict] = {}
    days_of: dict[str, list[str]] = defaultdict(list)
    for row in data.rooms_for(FIXTURE, advertiser_id, campaign_id, start, end, now=now):
        room_id, metrics = row["dimensions"]["room_id"], row["metrics"]
        days_of[room_id].append(row["dimensions"]["stat_time_day"])
        room = grouped.setdefault(
            room_id,
            {
                "roomId": room_id,
                "liveName": metrics["live_name"],
                "liveStatus": metrics["live_status"],
                "liveDuration": metrics["live_duration"],
                "launched": [],
                "cost": Decimal("0"),
                "gmv": Decimal("0"),
                "orders": 0,
            },
        )
        if metrics["live_launched_time"] not in ("", "-"):
            room["launched"].append(metrics["live_launched_time"])
        room["cost"] += dec(metrics["cost"])
        room["gmv"] += dec(metrics["gross_revenue"])
        room["orders"] += int(dec(metrics["orders"]))
    result = []
    for room_id, room in grouped.items():
        launched = min(room.pop("launched")) if room["launched"] else min(days_of[room_id])[:10] + " 00:00:00"
        result.append({**room, "launchedTime": launched, "roi": roi(room["gmv"], room["cost"]), "days": len(days_of[room_id])})
    result.sort(key=lambda s: (s["launchedTime"], s["roomId"]), reverse=True)
    return result


def live_campaigns(advertiser_id: str) -> list[str]:
    advertiser = data.fixture_get(FIXTURE).advertiser(advertiser_id)
    return [c.campaign_id for c in advertiser.campaigns if c.promotion_type == data.LIVE]
