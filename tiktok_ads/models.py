"""TikTok Business (Marketing) API: the advertiser authorizations a tenant holds, the advertisers
they reach and those advertisers' TikTok Shop stores (numbered per tenant: the seed's
``shopNumber``). GMV Max and the ads features read them through ``tiktok_ads.selectors``."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from core.fields import EncryptedTextField
from core.models import (
    ConnectionBase,
    ConnectionStatus,  # noqa: F401  (re-exported: the statuses of the model below)
    TenantOwned,
)


class BusinessConnection(ConnectionBase):
    """One Business API authorization (auth_code → long-lived access token). One token can
    reach several advertisers; a tenant can hold several authorizations. Status, reason and
    who connected it come from ``ConnectionBase``."""

    access_token = EncryptedTextField()
    scope = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"Business API authorization #{self.pk}"


class Advertiser(TenantOwned):
    """An ad account reached through a connection. Reports come in its own time zone."""

    connection = models.ForeignKey(BusinessConnection, on_delete=models.CASCADE, related_name="advertisers")
    advertiser_id = models.CharField(max_length=32)
    name = models.CharField(max_length=200)
    currency = models.CharField(max_length=3, blank=True)
    time_zone = models.CharField(max_length=64, default="UTC", help_text="IANA name, e.g. Asia/Kuala_Lumpur")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["tenant", "advertiser_id"], name="tiktok_ads_advertiser_tenant_advertiser_id")]

    def __str__(self) -> str:
        return f"{self.name} ({self.advertiser_id})"


class AdvertiserStore(TenantOwned):
    """A TikTok Shop store an advertiser can run GMV Max for. ``shop_number`` is the tenant's
    stable 1, 2, … numbering the seed's ``shopNumber`` parameter refers to."""

    advertiser = models.ForeignKey(Advertiser, on_delete=models.CASCADE, related_name="stores")
    store_id = models.CharField(max_length=32)
    name = models.CharField(max_length=200, blank=True)
    is_gmv_max_available = models.BooleanField(default=True)
    shop_number = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["shop_number", "id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "advertiser", "store_id"], name="tiktok_ads_store_tenant_advertiser_store"),
            models.UniqueConstraint(fields=["tenant", "shop_number", "advertiser"], name="tiktok_ads_store_tenant_number_advertiser"),
        ]

    def __str__(self) -> str:
        return f"Shop {self.shop_number}: {self.name or self.store_id}"
