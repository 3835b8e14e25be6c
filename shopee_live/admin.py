"""Operator screens for Shopee Live: studios, accounts and hosts. Tokens are masked by the base
(encrypted fields); accounts are connected in the app (OAuth, QR login), not added here."""

from __future__ import annotations

from django.contrib import admin, messages

from core.admin import TenantListFilter, TenantOwnedAdmin
from core.exceptions import ApplicationError
from core.http import UpstreamError
from core.tenancy import tenant_scope
from shopee_live.models import Host, ShopeeAccount, Studio
from shopee_live.services import account_token_refresh


@admin.register(Studio)
class StudioAdmin(TenantOwnedAdmin):
    list_display = ("name", "tenant", "created_at")
    search_fields = ("name",)


@admin.register(ShopeeAccount)
class ShopeeAccountAdmin(TenantOwnedAdmin):
    list_display = (
        "name",
        "studio",
        "region",
        "currency",
        "user_id",
        "status",
        "access_token",
        "access_token_expires_at",
        "web_session_expires_at",
        "last_synced_at",
    )
    list_filter = (TenantListFilter, "status", "region")
    search_fields = ("name", "user_id", "shop_id")
    # The studio is moved in the app; a tenant-owned choice list can't be built outside a tenant.
    readonly_fields = ("studio", "user_id", "shop_id", "region", "currency", "connected_by", "created_at", "updated_at", "last_synced_at")
    actions = ["refresh_tokens"]
    has_add_permission_default = False  # accounts are connected through OAuth or a QR login, in the app

    @admin.action(description="Refresh Open Platform tokens of selected accounts")
    def refresh_tokens(self, request, queryset):
        refreshed = 0
        for account in queryset.select_related("tenant"):
            with tenant_scope(account.tenant):
                try:
                    if account_token_refresh(account=account) is not None:
                        refreshed += 1
                    else:
                        self.message_user(request, f"{account}: Shopee refused the refresh token; re-authorize it.", messages.WARNING)
                except (ApplicationError, UpstreamError) as exc:
                    self.message_user(request, f"{account}: {exc}", messages.WARNING)
        self.message_user(request, f"Refreshed {refreshed} account(s).", messages.SUCCESS)


@admin.register(Host)
class HostAdmin(TenantOwnedAdmin):
    list_display = ("name", "studio", "streamer_id", "follower_count", "created_at")
    search_fields = ("name", "streamer_id")
    readonly_fields = ("studio", "streamer_id", "created_at")
    has_add_permission_default = False  # hosts come with the sessions they stream
