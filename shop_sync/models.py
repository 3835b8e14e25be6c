"""TikTok Shop: connected shops, their orders (one line per unit, as the platform sends them),
products and SKUs, brands, sync metadata and daily rollups.

Money is Decimal with its currency; times are stored in UTC and shown in the shop's time zone.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from core.fields import EncryptedTextField
from core.models import (
    ConnectionBase,
    ConnectionStatus,  # noqa: F401  (re-exported: the statuses of the model below)
    SyncRun,
    Tenant,
    TenantOwned,
)

MONEY = {"max_digits": 14, "decimal_places": 2}


class ShopConnection(ConnectionBase):
    """One authorized TikTok Shop. Tokens are encrypted at rest and never leave the server.
    Status, reason and who connected it come from ``ConnectionBase``."""

    shop_id = models.CharField(max_length=32)
    name = models.CharField(max_length=200)
    code = models.CharField(max_length=32, blank=True)
    region = models.CharField(max_length=8, blank=True)
    seller_type = models.CharField(max_length=32, blank=True)
    cipher = models.CharField(max_length=128)
    currency = models.CharField(max_length=3, blank=True)
    time_zone = models.CharField(max_length=64, default="UTC")
    open_id = models.CharField(max_length=64, blank=True)
    seller_name = models.CharField(max_length=200, blank=True)
    granted_scopes = models.JSONField(default=list, blank=True)
    access_token = EncryptedTextField()
    access_token_expires_at = models.DateTimeField()
    refresh_token = EncryptedTextField()
    refresh_token_expires_at = models.DateTimeField()

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["tenant", "shop_id"], name="shop_sync_shop_tenant_shop_id")]

    def __str__(self) -> str:
        return f"{self.name} ({self.region})"


class Brand(TenantOwned):
    """A tenant's brand dictionary entry: product names containing one of ``keywords`` (or the
    name itself) belong to it. Names that match nothing fall back to the rules, then "Other"."""

    name = models.CharField(max_length=100)
    keywords = models.JSONField(default=list, blank=True, help_text="Extra spellings, matched case-insensitively as whole words.")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["tenant", "name"], name="shop_sync_brand_tenant_name")]

    def __str__(self) -> str:
        return self.name


class Product(TenantOwned):
    shop = models.ForeignKey(ShopConnection, on_delete=models.CASCADE, related_name="products")
    product_id = models.CharField(max_length=32)
    title = models.CharField(max_length=500)
    status = models.CharField(max_length=32, blank=True)
    brand = models.CharField(max_length=100, blank=True, db_index=False)
    create_time = models.DateTimeField(null=True, blank=True)
    update_time = models.DateTimeField(null=True, blank=True)
    raw = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["title"]
        constraints = [models.UniqueConstraint(fields=["tenant", "shop", "product_id"], name="shop_sync_product_tenant_shop_pid")]

    def __str__(self) -> str:
        return self.title


class Sku(TenantOwned):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="skus")
    sku_id = models.CharField(max_length=32)
    seller_sku = models.CharField(max_length=100, blank=True)
    name = models.CharField(max_length=200, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    sale_price = models.DecimalField(null=True, blank=True, **MONEY)
    inventory_quantity = models.IntegerField(default=0)

    class Meta:
        ordering = ["seller_sku", "sku_id"]
        constraints = [models.UniqueConstraint(fields=["tenant", "product", "sku_id"], name="shop_sync_sku_tenant_product_sku")]

    def __str__(self) -> str:
        return self.seller_sku or self.sku_id


class Order(TenantOwned):
    """An order as last seen upstream. A stored order is only replaced by an equal or newer
    ``update_time`` (upserts carry that condition), so late pages never roll data back.

    ``content_hash`` (BLAKE2b of the order's JSON) tells an equal-``update_time`` copy that
    differs from one that doesn't, so a page read twice writes nothing the second time. The
    platform's JSON itself is not kept: nothing reads it, and at about 4 KB an order it was most
    of a full sync's database work.
    """

    # Every lookup by tenant goes through the (tenant, ...) indexes below: no index of the
    # foreign keys alone, which each full sync would otherwise maintain for 370,000 rows.
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+", db_index=False)
    shop = models.ForeignKey(ShopConnection, on_delete=models.CASCADE, related_name="orders", db_index=False)
    order_id = models.CharField(max_length=32)
    status = models.CharField(max_length=32)
    create_time = models.DateTimeField()
    update_time = models.DateTimeField()
    paid_time = models.DateTimeField(null=True, blank=True)
    currency = models.CharField(max_length=3)
    total_amount = models.DecimalField(**MONEY)
    sub_total = models.DecimalField(default=0, **MONEY)
    shipping_fee = models.DecimalField(default=0, **MONEY)
    seller_discount = models.DecimalField(default=0, **MONEY)
    platform_discount = models.DecimalField(default=0, **MONEY)
    tax = models.DecimalField(default=0, **MONEY)
    buyer_user_id = models.CharField(max_length=32, blank=True)
    recipient_region = models.CharField(max_length=8, blank=True)
    units = models.PositiveIntegerField(default=0, help_text="Line items: the platform sends one per unit.")
    brands = models.CharField(max_length=300, blank=True, help_text="Brands of the lines, comma-separated, for filtering.")
    content_hash = models.BinaryField(max_length=16, default=b"", blank=True, editable=False)
    synced_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-create_time", "-id"]
        constraints = [models.UniqueConstraint(fields=["tenant", "shop", "order_id"], name="shop_sync_order_tenant_shop_oid")]
        indexes = [
            models.Index(fields=["tenant", "-create_time"], name="shop_sync_order_t_created"),
            models.Index(fields=["tenant", "status", "-create_time"], name="shop_sync_order_t_status"),
            models.Index(fields=["tenant", "shop", "-update_time"], name="shop_sync_order_t_s_updated"),
            # Per-shop day ranges: rollups of the days a sync touched.
            models.Index(fields=["tenant", "shop", "-create_time"], name="shop_sync_order_t_s_created"),
            # The latest write of a tenant's orders: the version that cached order statistics follow.
            models.Index(fields=["tenant", "-synced_at"], name="shop_sync_order_t_synced"),
        ]

    def __str__(self) -> str:
        return self.order_id


class OrderLine(TenantOwned):
    # The unique (order, line_id, tenant) index serves lookups by order and by tenant.
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+", db_index=False)
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines", db_index=False)
    line_id = models.CharField(max_length=32)
    sku_id = models.CharField(max_length=32)
    product_id = models.CharField(max_length=32)
    product_name = models.CharField(max_length=500)
    sku_name = models.CharField(max_length=200, blank=True)
    seller_sku = models.CharField(max_length=100, blank=True)
    brand = models.CharField(max_length=100, blank=True)
    currency = models.CharField(max_length=3)
    sale_price = models.DecimalField(**MONEY)
    original_price = models.DecimalField(default=0, **MONEY)
    seller_discount = models.DecimalField(default=0, **MONEY)
    platform_discount = models.DecimalField(default=0, **MONEY)
    display_status = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["line_id"]
        constraints = [models.UniqueConstraint(fields=["tenant", "order", "line_id"], name="shop_sync_line_tenant_order_lid")]
        indexes = [models.Index(fields=["tenant", "product_id"], name="shop_sync_line_t_product")]

    def __str__(self) -> str:
        return f"{self.product_name} ({self.sku_name})"


class ShopSyncState(TenantOwned):
    """The seed's sync metadata, per shop: last full and incremental syncs, the watermark the
    next incremental sync starts from (minus five minutes), and counts."""

    shop = models.ForeignKey(ShopConnection, on_delete=models.CASCADE, related_name="+")
    last_full_sync_at = models.DateTimeField(null=True, blank=True)
    last_incremental_sync_at = models.DateTimeField(null=True, blank=True)
    watermark = models.DateTimeField(null=True, blank=True, help_text="Largest update_time seen by a finished sync.")
    orders_count = models.PositiveIntegerField(default=0)
    last_full_sync_orders = models.PositiveIntegerField(default=0)
    last_incremental_orders = models.PositiveIntegerField(default=0)
    last_full_run = models.ForeignKey(SyncRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    last_error = models.TextField(blank=True)
    status_rollups_ready = models.BooleanField(
        default=False, help_text="DailyStatusRollup rows of this shop match its orders (rebuilt once, then kept by every write)."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant", "shop"], name="shop_sync_state_tenant_shop")]

    def __str__(self) -> str:
        return f"sync state of {self.shop_id}"


class DailyRollup(TenantOwned):
    """Per shop, day (in the shop's time zone) and brand: the figures KPIs and trends read, so a
    dashboard never scans orders. ``brand`` "" is the whole shop."""

    shop = models.ForeignKey(ShopConnection, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    brand = models.CharField(max_length=100, blank=True)
    currency = models.CharField(max_length=3)
    orders = models.PositiveIntegerField(default=0)
    units = models.PositiveIntegerField(default=0)
    gmv = models.DecimalField(default=0, **MONEY)
    cancelled_orders = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-day"]
        constraints = [models.UniqueConstraint(fields=["tenant", "shop", "day", "brand"], name="shop_sync_rollup_tenant_shop_day_brand")]

    def __str__(self) -> str:
        return f"{self.shop_id} {self.day} {self.brand or 'all'}"


class DailyStatusRollup(TenantOwned):
    """Per shop, day (in the shop's time zone), status and currency: how many orders and the sum
    of their ``total_amount``. Order statistics and the status breakdown add these up instead of
    scanning orders when their filters are whole days, statuses and shops.

    Every page write adjusts the rows of the orders it inserts or replaces in the same statement
    (minus the stored version, plus the new one), so they always equal a scan of the orders;
    ``ShopSyncState.status_rollups_ready`` says a shop's rows were built from its orders.
    """

    shop = models.ForeignKey(ShopConnection, on_delete=models.CASCADE, related_name="+", db_index=False)
    day = models.DateField()
    status = models.CharField(max_length=32)
    currency = models.CharField(max_length=3)
    # Plain integers: a row passes through intermediate values while deltas are applied.
    orders = models.IntegerField(default=0)
    total_amount = models.DecimalField(max_digits=16, decimal_places=2, default=0)

    class Meta:
        ordering = ["-day", "status"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "shop", "day", "status", "currency"], name="shop_sync_statusrollup_key"),
        ]

    def __str__(self) -> str:
        return f"{self.shop_id} {self.day} {self.status} {self.currency}"
