"""Creative metric days recorded as a collector stored them: the legacy Facebook collector's
rows (platform facebook, USD), imports, the demo. Upserts by (platform, ad, day), like a
collector's re-fetch of a revised day."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from autopilot.errors import AutopilotError
from autopilot.models import CreativeMetricDay, Platform
from core.errors import CoreError
from core.exceptions import ApplicationError
from core.models import Tenant

FIGURES = ("spend", "impressions", "clicks", "reach", "conversions", "leads", "results", "video_views")
LINKS = ("ad_account_id", "advertiser_id", "creative_id", "direction_id")
TEXTS = ("campaign_id", "adgroup_id", "ad_name", "objective_type", "currency")


def creative_metric_days_record(*, tenant: Tenant, platform: str, rows: list[dict]) -> int:
    """Store ``rows`` (each ``creative_key``, ``day`` and any figures, links and texts) for
    ``platform``; a row of an ad and day already stored replaces its figures. Returns the count."""
    if platform not in Platform.values:
        raise ApplicationError(
            "platform must be facebook or tiktok.",
            code=AutopilotError.INVALID_PLATFORM,
            extra={"fields": {"platform": ["Unknown platform."]}},
        )
    with transaction.atomic():
        for row in rows:
            if not row.get("creative_key") or not row.get("day"):
                raise ApplicationError(
                    "Every row needs creative_key and day.",
                    code=CoreError.INVALID,
                    extra={"fields": {"rows": ["creative_key and day are required."]}},
                )
            values = {name: row[name] for name in (*FIGURES, *LINKS, *TEXTS) if name in row}
            if "spend" in values:
                values["spend"] = Decimal(values["spend"])
            if "currency" in values:
                values["currency"] = (values["currency"] or "").upper()
            CreativeMetricDay.objects.for_tenant(tenant).update_or_create(
                tenant=tenant, platform=platform, creative_key=str(row["creative_key"]), day=row["day"], defaults=values
            )
    return len(rows)
