"""Reads the autopilot's brain runs make: which of this product's creatives and directions an ad
and an ad group belong to, the TikTok leads stored per ad group, and (cross-tenant, for the daily
batch) the ad accounts a brain run can work on."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db.models import Count
from django.db.models.functions import Coalesce

from core.models import Tenant
from tiktok_ads.models import Ad, AdAccount, DirectionAdGroup, Lead, Platform


def ad_links(tenant: Tenant, ad_ids: Iterable[str]) -> dict[str, tuple[int | None, int | None]]:
    """``{ad_id: (creative pk, direction pk)}`` for the ads this product launched (others are absent)."""
    ids = {str(ad_id) for ad_id in ad_ids if ad_id}
    if not ids:
        return {}
    rows = Ad.objects.for_tenant(tenant).filter(ad_id__in=ids).values_list("ad_id", "creative_id", "adgroup__direction_id")
    return {ad_id: (creative_id, direction_id) for ad_id, creative_id, direction_id in rows}


def adgroup_direction_ids(tenant: Tenant, adgroup_ids: Iterable[str]) -> dict[str, int]:
    """``{tiktok adgroup_id: direction pk}`` for the ad groups a direction launched."""
    ids = {str(value) for value in adgroup_ids if value}
    if not ids:
        return {}
    rows = DirectionAdGroup.objects.for_tenant(tenant).filter(tiktok_adgroup_id__in=ids).values_list("tiktok_adgroup_id", "direction_id")
    return dict(rows)


def tiktok_leads_by_adgroup(tenant: Tenant, *, advertiser_pk: int, start: datetime, end: datetime) -> dict[str, int]:
    """How many TikTok leads are stored per ad group, submitted (or, without a submission time,
    received) in ``[start, end)``."""
    rows = (
        Lead.objects.for_tenant(tenant)
        .filter(platform=Platform.TIKTOK, advertiser_id=advertiser_pk)
        .exclude(adgroup_id="")
        .annotate(at=Coalesce("submitted_at", "received_at"))
        .filter(at__gte=start, at__lt=end)
        .values("adgroup_id")
        .annotate(n=Count("id"))
        .values_list("adgroup_id", "n")
    )
    return dict(rows)


def brain_ad_accounts():
    """Cross-tenant on purpose (the daily batch): every active ad account on an active TikTok
    advertiser, with its advertiser (time zone, currency) loaded."""
    return (
        AdAccount.all_tenants.select_related("advertiser")
        .filter(is_active=True, advertiser__isnull=False, advertiser__is_active=True)
        .order_by("tenant_id", "id")
    )
