"""Rows of tiktok_ads for tests that don't need the sandbox: a connection with one advertiser and
its store, tokens given in clear (stored encrypted)."""

from __future__ import annotations

from tiktok_ads.models import Advertiser, AdvertiserStore, BusinessConnection


def make_connection(tenant, *, access_token="act.test-token-0001.sig", status="active") -> BusinessConnection:
    return BusinessConnection.objects.create(tenant=tenant, access_token=access_token, scope=[1, 2], status=status)


def make_advertiser(tenant, *, connection=None, advertiser_id="7001", name="Test Advertiser", store_id="5001", shop_number=1) -> Advertiser:
    connection = connection or make_connection(tenant)
    advertiser = Advertiser.objects.create(
        tenant=tenant, connection=connection, advertiser_id=advertiser_id, name=name, currency="MYR", time_zone="Asia/Kuala_Lumpur"
    )
    AdvertiserStore.objects.create(
        tenant=tenant, advertiser=advertiser, store_id=store_id, name=f"Store {store_id}", shop_number=shop_number
    )
    return advertiser
