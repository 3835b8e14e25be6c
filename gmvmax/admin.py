"""Operator screens for GMV Max: read-mostly (the platform owns the figures), with actions that
re-fetch: a campaign's rooms for the lookback window, the tenant's recent days. The fetches
themselves are sync runs (the Syncs page and the core admin show, resume and cancel them)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib import admin, messages

from core.admin import TenantListFilter, TenantOwnedAdmin
from core.models import Tenant
from core.tenancy import tenant_scope
from gmvmax import services
from gmvmax.models import CampaignDailyStat, FetchCoverage, GmvMaxCampaign, LiveRoom, RoomDailyStat


class _ReadOnlyAdmin(TenantOwnedAdmin):
    """Rows the syncs write: shown, never edited (every field read-only)."""

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.concrete_fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


def _lookback(advertiser) -> tuple:
    end = services.advertiser_today(advertiser)
    return end - timedelta(days=settings.GMVMAX_LOOKBACK_DAYS - 1), end


@admin.register(GmvMaxCampaign)
class GmvMaxCampaignAdmin(_ReadOnlyAdmin):
    list_display = ("name", "campaign_id", "promotion_type", "status", "advertiser", "store", "updated_at")
    list_filter = (TenantListFilter, "promotion_type", "status")
    search_fields = ("name", "campaign_id")
    list_select_related = ("advertiser", "store")
    actions = ["refetch_rooms", "refetch_stats"]

    @admin.action(description="Re-fetch live rooms of the lookback window (LIVE campaigns)")
    def refetch_rooms(self, request, queryset):
        queued = 0
        for campaign in queryset.select_related("advertiser", "tenant"):
            if not campaign.is_live:
                continue
            with tenant_scope(campaign.tenant):
                start, end = _lookback(campaign.advertiser)
                services.room_fetch_request(tenant=campaign.tenant, campaign=campaign, start=start, end=end)
                queued += 1
        self.message_user(request, f"Queued {queued} room fetch(es).", messages.SUCCESS)

    @admin.action(description="Re-fetch daily stats of the lookback window (whole tenant)")
    def refetch_stats(self, request, queryset):
        tenants = Tenant.objects.filter(pk__in=queryset.values_list("tenant_id", flat=True).distinct())
        parts = 0
        for tenant in tenants:
            with tenant_scope(tenant):
                today = services.timezone.localdate()
                # A day past the operator's today: each account's own today bounds it.
                start, end = today - timedelta(days=settings.GMVMAX_LOOKBACK_DAYS - 1), today + timedelta(days=1)
                run = services.backfill(tenant=tenant, start=start, end=end)
                parts += run.parts_total if run is not None else 0
        self.message_user(request, f"Queued {parts} stats backfill part(s).", messages.SUCCESS)


@admin.register(CampaignDailyStat)
class CampaignDailyStatAdmin(_ReadOnlyAdmin):
    list_display = ("campaign", "day", "cost", "gross_revenue", "orders", "fetched_at")
    list_filter = (TenantListFilter, "promotion_type")
    date_hierarchy = "day"
    list_select_related = ("campaign",)
    search_fields = ("campaign__campaign_id", "campaign__name")


@admin.register(LiveRoom)
class LiveRoomAdmin(_ReadOnlyAdmin):
    list_display = ("live_name", "room_id", "live_status", "launched_time", "duration", "campaign", "updated_at")
    list_filter = (TenantListFilter, "live_status")
    list_select_related = ("campaign",)
    search_fields = ("room_id", "live_name", "campaign__campaign_id")


@admin.register(RoomDailyStat)
class RoomDailyStatAdmin(_ReadOnlyAdmin):
    list_display = ("room", "day", "cost", "gross_revenue", "orders", "live_views")
    list_filter = (TenantListFilter,)
    list_select_related = ("room",)
    search_fields = ("room__room_id",)


@admin.register(FetchCoverage)
class FetchCoverageAdmin(_ReadOnlyAdmin):
    list_display = ("kind", "target", "start_date", "end_date", "fetched_at", "advertiser", "campaign")
    list_filter = (TenantListFilter, "kind")
    list_select_related = ("advertiser", "campaign")
    search_fields = ("target",)
