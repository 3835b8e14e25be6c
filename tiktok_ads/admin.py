"""Operator screens for TikTok Business API connections. Tokens are masked by the base; the
advertisers and stores come from the platform, so they are shown read-only (shop numbers must
never change)."""

from __future__ import annotations

from django.contrib import admin, messages

from core.admin import TenantListFilter, TenantOwnedAdmin
from core.exceptions import ApplicationError
from core.tenancy import tenant_scope
from tiktok_ads.models import Advertiser, AdvertiserStore, BusinessConnection, OAuthState
from tiktok_ads.services import advertisers_refresh


class _ReadOnlyAdmin(TenantOwnedAdmin):
    has_add_permission_default = False

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.concrete_fields]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(BusinessConnection)
class BusinessConnectionAdmin(TenantOwnedAdmin):
    list_display = ("__str__", "status", "access_token", "status_reason", "connected_by", "created_at", "updated_at")
    list_filter = (TenantListFilter, "status")
    readonly_fields = ("scope", "connected_by", "created_at", "updated_at")
    actions = ["refresh_advertisers"]
    has_add_permission_default = False  # connections are made through OAuth, in the app

    @admin.action(description="Refresh advertisers and stores of selected connections")
    def refresh_advertisers(self, request, queryset):
        refreshed = 0
        for connection in queryset.select_related("tenant"):
            with tenant_scope(connection.tenant):
                try:
                    advertisers_refresh(connection=connection)
                    refreshed += 1
                except ApplicationError as exc:
                    self.message_user(request, f"{connection}: {exc.message}", messages.WARNING)
        self.message_user(request, f"Refreshed {refreshed} connection(s).", messages.SUCCESS)


@admin.register(Advertiser)
class AdvertiserAdmin(_ReadOnlyAdmin):
    list_display = ("name", "advertiser_id", "currency", "time_zone", "is_active", "connection", "updated_at")
    list_filter = (TenantListFilter, "is_active", "currency")
    search_fields = ("name", "advertiser_id")


@admin.register(AdvertiserStore)
class AdvertiserStoreAdmin(_ReadOnlyAdmin):
    list_display = ("shop_number", "name", "store_id", "advertiser", "is_gmv_max_available", "created_at")
    list_filter = (TenantListFilter, "is_gmv_max_available")
    search_fields = ("name", "store_id")


@admin.register(OAuthState)
class OAuthStateAdmin(_ReadOnlyAdmin):
    list_display = ("__str__", "created_by", "created_at", "used_at")
    list_filter = (TenantListFilter,)
    exclude = ("state",)  # a state in flight is a credential of the callback: shown only abbreviated

    def get_readonly_fields(self, request, obj=None):
        return [name for name in super().get_readonly_fields(request, obj) if name != "state"]
