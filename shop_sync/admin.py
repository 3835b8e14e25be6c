"""Operator screens for TikTok Shop. Tokens are masked by the base; orders are read-only (the
platform owns them); the brand dictionary is edited here."""

from __future__ import annotations

from django.contrib import admin, messages

from core.admin import TenantListFilter, TenantOwnedAdmin
from core.exceptions import ApplicationError
from core.http import UpstreamError
from core.tenancy import tenant_scope
from shop_sync.models import Brand, DailyRollup, Order, OrderLine, Product, ShopConnection, ShopSyncState, Sku
from shop_sync.services import shop_token_refresh


class _ReadOnlyAdmin(TenantOwnedAdmin):
    """Rows the syncs write: shown, never edited (every field read-only, so no form field ever
    queries a related tenant-owned table)."""

    has_add_permission_default = False

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.concrete_fields]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ShopConnection)
class ShopConnectionAdmin(TenantOwnedAdmin):
    list_display = ("name", "shop_id", "region", "currency", "time_zone", "status", "access_token", "access_token_expires_at", "updated_at")
    list_filter = (TenantListFilter, "status", "region")
    search_fields = ("name", "shop_id", "seller_name")
    readonly_fields = ("shop_id", "cipher", "open_id", "granted_scopes", "connected_by", "created_at", "updated_at")
    actions = ["refresh_tokens"]
    has_add_permission_default = False  # shops are connected through OAuth, in the app

    @admin.action(description="Refresh tokens of selected shops")
    def refresh_tokens(self, request, queryset):
        refreshed = 0
        for shop in queryset.select_related("tenant"):
            with tenant_scope(shop.tenant):
                try:
                    shop_token_refresh(shop=shop)
                    refreshed += 1
                except (ApplicationError, UpstreamError) as exc:
                    self.message_user(request, f"{shop}: {exc}", messages.WARNING)
        self.message_user(request, f"Refreshed {refreshed} shop(s).", messages.SUCCESS)


@admin.register(Brand)
class BrandAdmin(TenantOwnedAdmin):
    list_display = ("name", "keywords", "is_active", "created_at")
    list_filter = (TenantListFilter, "is_active")
    search_fields = ("name",)


class _ReadOnlyInline(admin.TabularInline):
    """Child rows shown under their parent, never edited: the platform owns them."""

    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return self.model._base_manager.all()

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class OrderLineInline(_ReadOnlyInline):
    model = OrderLine
    fields = ("line_id", "product_name", "sku_name", "seller_sku", "brand", "currency", "sale_price", "original_price", "display_status")
    readonly_fields = fields


@admin.register(Order)
class OrderAdmin(_ReadOnlyAdmin):
    list_display = ("order_id", "shop", "status", "create_time", "update_time", "currency", "total_amount", "units", "brands")
    list_filter = (TenantListFilter, "status", "shop")
    list_select_related = ("shop", "tenant")
    search_fields = ("order_id", "buyer_user_id")
    date_hierarchy = "create_time"
    show_full_result_count = False  # a 370k-row count on every page load is not worth it
    inlines = [OrderLineInline]


class SkuInline(_ReadOnlyInline):
    model = Sku
    fields = ("sku_id", "seller_sku", "name", "currency", "sale_price", "inventory_quantity")
    readonly_fields = fields


@admin.register(Product)
class ProductAdmin(_ReadOnlyAdmin):
    list_display = ("title", "product_id", "shop", "status", "brand", "update_time")
    list_filter = (TenantListFilter, "status", "shop")
    list_select_related = ("shop", "tenant")
    search_fields = ("title", "product_id")
    inlines = [SkuInline]


@admin.register(ShopSyncState)
class ShopSyncStateAdmin(_ReadOnlyAdmin):
    list_display = ("shop", "last_full_sync_at", "last_incremental_sync_at", "watermark", "orders_count", "last_error")
    list_select_related = ("shop", "tenant")


@admin.register(DailyRollup)
class DailyRollupAdmin(_ReadOnlyAdmin):
    list_display = ("shop", "day", "brand", "currency", "orders", "units", "gmv", "cancelled_orders")
    list_filter = (TenantListFilter, "shop", "brand")
    list_select_related = ("shop", "tenant")
    date_hierarchy = "day"
