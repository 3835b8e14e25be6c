"""Reads of the campaign builder: stored campaigns, launchable creatives, launches."""

from __future__ import annotations

from django.db.models import Q

from core.exceptions import NotFound
from tiktok_ads.models import AdAccount, Campaign, Creative, CreativeStatus, Direction, Launch, LaunchStep, MediaType, Platform


def campaigns_stored(
    *, tenant, ad_account: AdAccount | None = None, direction: Direction | None = None, platform: str | None = None
) -> list[Campaign]:
    """The tenant's stored campaigns (all TikTok), newest first, of an ad account or direction."""
    if platform not in (None, Platform.TIKTOK):
        return []
    rows = Campaign.objects.for_tenant(tenant).select_related("advertiser__connection", "direction__ad_account")
    if direction is not None:
        rows = rows.filter(direction=direction)
    elif ad_account is not None:
        rows = rows.filter(Q(direction__ad_account=ad_account) | Q(direction__isnull=True, advertiser=ad_account.advertiser_id))
    return list(rows.order_by("-created_at", "-pk"))


def creatives_for_builder(*, tenant, ad_account: AdAccount, direction: Direction | None = None) -> list[Creative]:
    """The ad account's creatives (every type: the page shows the ones TikTok can't run, disabled)."""
    rows = Creative.objects.for_tenant(tenant).filter(ad_account=ad_account)
    if direction is not None:
        rows = rows.filter(Q(direction=direction) | Q(direction__isnull=True))
    return list(rows.order_by("-created_at", "-pk"))


def creatives_available(*, tenant, ad_account: AdAccount, direction: Direction | None = None) -> list[Creative]:
    """Video creatives that are READY with a ``tiktok_video_id`` or a ``media_url`` to upload."""
    return [
        creative
        for creative in creatives_for_builder(tenant=tenant, ad_account=ad_account, direction=direction)
        if creative.media_type == MediaType.VIDEO
        and creative.status == CreativeStatus.READY
        and (creative.tiktok_video_id or creative.media_url)
    ]


def launch_get(*, tenant, pk) -> Launch:
    try:
        return Launch.objects.for_tenant(tenant).select_related("direction", "ad_account").get(pk=int(pk))
    except (TypeError, ValueError, Launch.DoesNotExist):
        raise NotFound(f"No launch {pk}.") from None


def launch_steps(launch: Launch) -> list:
    return list(LaunchStep.objects.for_tenant(launch.tenant_id).filter(launch=launch).order_by("position"))


def tiktok_directions(*, tenant, ad_account: AdAccount | None = None) -> list[Direction]:
    rows = Direction.objects.for_tenant(tenant).filter(platform=Platform.TIKTOK, is_active=True).select_related("ad_account__advertiser")
    if ad_account is not None:
        rows = rows.filter(ad_account=ad_account)
    return list(rows.order_by("name", "pk"))


def ad_accounts_with_advertiser(*, tenant) -> list[AdAccount]:
    return list(
        AdAccount.objects.for_tenant(tenant)
        .filter(is_active=True, advertiser__isnull=False)
        .select_related("advertiser")
        .order_by("name", "pk")
    )


def campaign_get(*, tenant, pk) -> Campaign:
    try:
        return Campaign.objects.for_tenant(tenant).select_related("advertiser__connection", "direction").get(pk=int(pk))
    except (TypeError, ValueError, Campaign.DoesNotExist):
        raise NotFound(f"No campaign {pk}.") from None
