"""Operator screens for TikTok Business API connections. Tokens are only shown masked; the
advertisers and stores come from the platform, so they are shown read-only, and nothing here is
deleted (shop numbers must never change or be reused): operators refresh or disconnect."""

from __future__ import annotations

from django.contrib import admin, messages

from core.admin import TenantListFilter, TenantOwnedAdmin, admin_tenant_ids
from core.exceptions import ApplicationError
from core.fields import mask_secret
from core.tenancy import tenant_scope
from tiktok_ads.models import ActionRecord, AdAccount, AdAccountChange, Advertiser, AdvertiserStore, BusinessConnection, Direction
from tiktok_ads.services import advertisers_refresh, connection_disconnect


class _NoDeleteAdmin(TenantOwnedAdmin):
    """Deleting would cascade into the advertisers, their stores (a shop number could then be
    handed out again) and the GMV Max reports stored for them: disconnect instead."""

    def has_delete_permission(self, request, obj=None):
        return False


class _ReadOnlyAdmin(TenantOwnedAdmin):
    has_add_permission_default = False

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.concrete_fields]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(BusinessConnection)
class BusinessConnectionAdmin(_NoDeleteAdmin):
    list_display = ("__str__", "status", "access_token", "status_reason", "connected_by", "created_at", "updated_at")
    list_filter = (TenantListFilter, "status")
    # Nothing is edited here: the token comes from OAuth and is only shown masked, the tenant
    # never changes, the status follows the platform's answers and the services (the actions).
    exclude = ("access_token",)
    readonly_fields = ("tenant", "token", "status", "status_reason", "scope", "connected_by", "created_at", "updated_at")
    actions = ["refresh_advertisers", "disconnect"]
    has_add_permission_default = False  # connections are made through OAuth, in the app

    def _manageable(self, request, queryset):
        # Staff act only where they are admin or owner, even among the rows they can see.
        rows = queryset.select_related("tenant")
        return rows if request.user.is_superuser else rows.filter(tenant_id__in=admin_tenant_ids(request, manage=True))

    @admin.display(description="access token")
    def token(self, obj) -> str:
        return mask_secret(obj.access_token) or "(none)"

    @admin.action(description="Refresh advertisers and stores of selected connections", permissions=["change"])
    def refresh_advertisers(self, request, queryset):
        refreshed = 0
        for connection in self._manageable(request, queryset):
            with tenant_scope(connection.tenant):
                try:
                    advertisers_refresh(connection=connection)
                    refreshed += 1
                except ApplicationError as exc:
                    self.message_user(request, f"{connection}: {exc.message}", messages.WARNING)
        self.message_user(request, f"Refreshed {refreshed} connection(s).", messages.SUCCESS)

    @admin.action(description="Disconnect selected connections (forget the token; reports and shop numbers stay)", permissions=["change"])
    def disconnect(self, request, queryset):
        connections = list(self._manageable(request, queryset))
        for connection in connections:
            with tenant_scope(connection.tenant):
                connection_disconnect(connection=connection)
        self.message_user(request, f"Disconnected {len(connections)} connection(s).", messages.SUCCESS)


@admin.register(Advertiser)
class AdvertiserAdmin(_NoDeleteAdmin, _ReadOnlyAdmin):
    list_display = ("name", "advertiser_id", "currency", "time_zone", "is_active", "connection", "updated_at")
    list_filter = (TenantListFilter, "is_active", "currency")
    search_fields = ("name", "advertiser_id")


@admin.register(AdvertiserStore)
class AdvertiserStoreAdmin(_NoDeleteAdmin, _ReadOnlyAdmin):
    list_display = ("shop_number", "name", "store_id", "advertiser", "is_gmv_max_available", "created_at")
    list_filter = (TenantListFilter, "is_gmv_max_available")
    search_fields = ("name", "store_id")


# --- Ads management: ad accounts and directions are edited in the app (their services validate
# budgets, uniqueness and identities and log changes); here they are edited by operators only for
# plain fields. Actions and ad-account changes are the audit trail: read-only.


@admin.register(AdAccount)
class AdAccountAdmin(TenantOwnedAdmin):
    list_display = ("name", "advertiser", "tiktok_account_id", "autopilot_tiktok", "is_active", "updated_at")
    list_filter = (TenantListFilter, "autopilot_tiktok", "is_active")
    search_fields = ("name", "tiktok_account_id", "advertiser__advertiser_id")
    # The TikTok link changes through the app (PATCH /api/ad-accounts), which logs each change.
    readonly_fields = ("advertiser", "tiktok_account_id", "created_at", "updated_at")


@admin.register(Direction)
class DirectionAdmin(TenantOwnedAdmin):
    list_display = ("name", "ad_account", "platform", "tiktok_objective", "tiktok_daily_budget", "tiktok_adgroup_mode", "is_active")
    list_filter = (TenantListFilter, "platform", "tiktok_objective", "is_active")
    search_fields = ("name", "tiktok_campaign_id")
    # Budgets are checked against the currency's minimum in the app; the platform never changes.
    readonly_fields = ("ad_account", "platform", "tiktok_daily_budget", "created_at", "updated_at")


@admin.register(ActionRecord)
class ActionRecordAdmin(_ReadOnlyAdmin):
    list_display = ("created_at", "action", "ad_account", "state", "dry_run", "actor", "source", "request_id")
    list_filter = (TenantListFilter, "state", "action", "source")
    search_fields = ("request_id", "actor")

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AdAccountChange)
class AdAccountChangeAdmin(_ReadOnlyAdmin):
    list_display = ("created_at", "ad_account", "field", "action", "before", "after", "actor")
    list_filter = (TenantListFilter, "field", "action")

    def has_delete_permission(self, request, obj=None):
        return False
