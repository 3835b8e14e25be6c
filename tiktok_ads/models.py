"""TikTok Business (Marketing) API: the advertiser authorizations a tenant holds, the advertisers
they reach and those advertisers' TikTok Shop stores (numbered per tenant: the seed's
``shopNumber``). GMV Max and the ads features read them through ``tiktok_ads.selectors``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from core.fields import EncryptedTextField
from core.models import TenantOwned


class ConnectionStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    NEEDS_REAUTH = "needs_reauth", "Needs re-authorization"
    DISCONNECTED = "disconnected", "Disconnected"


class BusinessConnection(TenantOwned):
    """One Business API authorization (auth_code → long-lived access token). One token can
    reach several advertisers; a tenant can hold several authorizations."""

    access_token = EncryptedTextField()
    scope = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=16, choices=ConnectionStatus.choices, default=ConnectionStatus.ACTIVE)
    status_reason = models.CharField(max_length=300, blank=True)
    connected_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"Business API authorization #{self.pk}"


class OAuthState(TenantOwned):
    """The ``state`` of an advertiser authorization in flight: the callback must bring it back unused."""

    state = models.CharField(max_length=64)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant", "state"], name="tiktok_ads_oauthstate_tenant_state")]

    def __str__(self) -> str:
        return f"state {self.state[:6]}…"


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
