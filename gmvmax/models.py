"""GMV Max reports stored per tenant: campaigns, their daily figures, live rooms (fetched on
demand, one campaign and range at a time) and the coverage rows that say what was fetched when.

Money is ``Decimal`` in the advertiser's currency; days are the advertiser's local days (the
Business API reports in the ad account's time zone).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from core.models import TenantOwned

MONEY = {"max_digits": 18, "decimal_places": 2, "default": 0}


class PromotionType(models.TextChoices):
    PRODUCT = "PRODUCT_GMV_MAX", "PRODUCT GMV MAX"
    LIVE = "LIVE_GMV_MAX", "LIVE GMV MAX"


class GmvMaxCampaign(TenantOwned):
    advertiser = models.ForeignKey("tiktok_ads.Advertiser", on_delete=models.CASCADE, related_name="gmvmax_campaigns")
    store = models.ForeignKey(
        "tiktok_ads.AdvertiserStore", null=True, blank=True, on_delete=models.SET_NULL, related_name="gmvmax_campaigns"
    )
    campaign_id = models.CharField(max_length=32)
    name = models.CharField(max_length=300, blank=True)
    promotion_type = models.CharField(max_length=16, choices=PromotionType.choices)
    status = models.CharField(max_length=40, blank=True)
    platform_created_at = models.DateTimeField(
        null=True, blank=True, help_text="The platform's create_time: no figures exist before it (backfills start there)."
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["tenant", "campaign_id"], name="gmvmax_campaign_tenant_campaign_id")]

    def __str__(self) -> str:
        return f"{self.name or self.campaign_id} ({self.campaign_id})"

    @property
    def is_live(self) -> bool:
        return self.promotion_type == PromotionType.LIVE


class CampaignDailyStat(TenantOwned):
    """One ``["stat_time_day","campaign_id"]`` report row. ``promotion_type`` and ``store`` are
    copied from the campaign so the campaign table is one index-only grouped scan."""

    campaign = models.ForeignKey(GmvMaxCampaign, on_delete=models.CASCADE, related_name="daily_stats")
    promotion_type = models.CharField(max_length=16, choices=PromotionType.choices)
    store = models.ForeignKey("tiktok_ads.AdvertiserStore", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    day = models.DateField()
    cost = models.DecimalField(**MONEY)
    net_cost = models.DecimalField(**MONEY)
    gross_revenue = models.DecimalField(**MONEY)
    orders = models.PositiveIntegerField(default=0)
    live_views = models.PositiveBigIntegerField(default=0)
    ten_second_live_views = models.PositiveBigIntegerField(default=0)
    live_follows = models.PositiveBigIntegerField(default=0)
    product_impressions = models.PositiveBigIntegerField(default=0)
    product_clicks = models.PositiveBigIntegerField(default=0)
    fetched_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["day", "id"]
        constraints = [models.UniqueConstraint(fields=["tenant", "campaign", "day"], name="gmvmax_campaignday_tenant_campaign_day")]
        indexes = [
            # The campaign table: filter tenant + promotion type + day range, group by campaign,
            # never touching the heap (store filtered and figures summed from the index).
            models.Index(
                fields=["tenant", "promotion_type", "day"],
                include=["campaign", "store", "cost", "gross_revenue", "orders", "live_views", "ten_second_live_views", "live_follows"],
                name="gmvmax_campaignday_report",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.day}"


class LiveRoom(TenantOwned):
    """A livestream session of a LIVE GMV MAX campaign."""

    campaign = models.ForeignKey(GmvMaxCampaign, on_delete=models.CASCADE, related_name="rooms")
    room_id = models.CharField(max_length=40)
    live_name = models.CharField(max_length=300, blank=True)
    live_status = models.CharField(max_length=16, blank=True, help_text="ONGOING, END, or empty for older rooms.")
    launched_time = models.DateTimeField(null=True, blank=True, help_text="live_launched_time, read in the ad account's zone.")
    duration = models.CharField(max_length=40, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-launched_time", "room_id"]
        constraints = [models.UniqueConstraint(fields=["tenant", "campaign", "room_id"], name="gmvmax_room_tenant_campaign_room")]

    def __str__(self) -> str:
        return f"{self.live_name or 'Room'} ({self.room_id})"


class RoomDailyStat(TenantOwned):
    """One ``["room_id","stat_time_day"]`` row: a room spanning midnight has two."""

    room = models.ForeignKey(LiveRoom, on_delete=models.CASCADE, related_name="daily_stats")
    campaign = models.ForeignKey(GmvMaxCampaign, on_delete=models.CASCADE, related_name="room_daily_stats")
    day = models.DateField()
    cost = models.DecimalField(**MONEY)
    net_cost = models.DecimalField(**MONEY)
    gross_revenue = models.DecimalField(**MONEY)
    orders = models.PositiveIntegerField(default=0)
    live_views = models.PositiveBigIntegerField(default=0)
    ten_second_live_views = models.PositiveBigIntegerField(default=0)
    live_follows = models.PositiveBigIntegerField(default=0)

    class Meta:
        ordering = ["day", "id"]
        constraints = [models.UniqueConstraint(fields=["tenant", "room", "day"], name="gmvmax_roomday_tenant_room_day")]
        indexes = [models.Index(fields=["tenant", "campaign", "day"], name="gmvmax_roomday_campaign_day")]

    def __str__(self) -> str:
        return f"{self.room_id} {self.day}"


class RunKind(models.TextChoices):
    """The ``core.SyncRun`` kinds of GMV Max: they show on the Syncs page and in /api/sync-runs/."""

    ROOM_FETCH = "gmvmax.room_fetch", "GMV Max live rooms"
    STATS_BACKFILL = "gmvmax.stats_backfill", "GMV Max campaign stats backfill"


class CoverageKind(models.TextChoices):
    CAMPAIGN_STATS = "campaign_stats", "Campaign daily stats"
    ROOMS = "rooms", "Live rooms of a campaign"


class FetchCoverage(TenantOwned):
    """What was fetched from the Business API: which days of which advertiser's campaign stats
    (``target`` 'advertiser:<pk>') or of which campaign's rooms ('campaign:<pk>'), and when.

    Written in the transaction that stores the figures, so a row always means "these days are
    stored as the platform reported them at ``fetched_at``". The campaign table reads it to find
    the days of a range never fetched; the rooms table to know a list is complete and fresh.
    The jobs themselves are ``core.SyncRun``s (kinds ``gmvmax.*``).
    """

    kind = models.CharField(max_length=20, choices=CoverageKind.choices)
    target = models.CharField(max_length=60, help_text="core.targets: 'advertiser:<pk>' for stats, 'campaign:<pk>' for rooms.")
    advertiser = models.ForeignKey("tiktok_ads.Advertiser", on_delete=models.CASCADE, related_name="gmvmax_coverage")
    campaign = models.ForeignKey(GmvMaxCampaign, null=True, blank=True, on_delete=models.CASCADE, related_name="coverage")
    start_date = models.DateField()
    end_date = models.DateField()
    fetched_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-fetched_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "kind", "target", "start_date", "end_date"], name="gmvmax_coverage_tenant_target_range"
            )
        ]
        # The campaign table's "which days are missing": by advertiser, ranges overlapping a range.
        indexes = [models.Index(fields=["tenant", "kind", "advertiser", "end_date"], name="gmvmax_coverage_advertiser")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.target} {self.start_date}…{self.end_date} @ {self.fetched_at:%Y-%m-%d %H:%M}"
