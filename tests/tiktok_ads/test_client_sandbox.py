"""The client against the sandbox's foundation faults: what is retried recovers, what isn't
fails with the right type, and a rejected token marks the connection."""

from __future__ import annotations

from datetime import date

import pytest

from core.http import AuthExpired, UpstreamUnavailable
from core.models import ApiCallLog
from tests.tiktok_ads.helpers import connect_business
from tiktok_ads.client import BusinessApiClient
from tiktok_ads.models import Advertiser, AdvertiserStore, ConnectionStatus

EMULATOR = "tiktok-business"


@pytest.fixture
def advertiser(sandbox, tenant_a):
    connect_business(tenant_a)
    return Advertiser.objects.for_tenant(tenant_a).select_related("connection").get(name="Glow Corner MY")


@pytest.mark.parametrize(
    "fault",
    [{"malformed": True}, {"status": 429, "retry_after": 1}, {"status": 503}, {"status": 500}],
    ids=["malformed", "rate-limited", "gateway-503", "system-error"],
)
def test_transient_faults_are_retried(sandbox, advertiser, tenant_a, upstream_sleeps, fault):
    sandbox.set_faults(EMULATOR, **fault, times=1)
    client = BusinessApiClient.for_advertiser(advertiser, sleep=upstream_sleeps)

    stores = client.gmv_max_stores(advertiser.advertiser_id)

    assert [store["store_name"] for store in stores] == ["Glow Corner MY"]
    assert client.last_call.attempts == 2
    if "retry_after" in fault:
        assert upstream_sleeps == [1.0]


def test_an_expired_token_fault_marks_the_connection(sandbox, advertiser, tenant_a):
    sandbox.set_faults(EMULATOR, expired_token=True, times=1)

    with pytest.raises(AuthExpired):
        BusinessApiClient.for_advertiser(advertiser).gmv_max_campaigns(advertiser.advertiser_id)

    advertiser.connection.refresh_from_db()
    assert advertiser.connection.status == ConnectionStatus.NEEDS_REAUTH
    assert ApiCallLog.objects.for_tenant(tenant_a).filter(outcome="auth_expired").count() == 1


def test_latency_beyond_the_read_timeout_is_unavailable(sandbox, advertiser, upstream_sleeps):
    sandbox.set_faults(EMULATOR, latency_ms=5000)
    client = BusinessApiClient.for_advertiser(advertiser, sleep=upstream_sleeps, timeout=(1, 2), max_attempts=2)

    with pytest.raises(UpstreamUnavailable):
        client.gmv_max_stores(advertiser.advertiser_id)

    assert client.last_call.attempts == 2


def test_report_pages_from_the_sandbox(sandbox, advertiser):
    sandbox.set_options(EMULATOR, clock_frozen_at=1_795_000_000)  # 2026-11-18 in Kuala Lumpur
    client = BusinessApiClient.for_advertiser(advertiser)
    store_id = AdvertiserStore.objects.for_tenant(advertiser.tenant_id).get(advertiser=advertiser).store_id

    pages = list(
        client.gmv_max_report_pages(
            advertiser_id=advertiser.advertiser_id,
            store_ids=[store_id],
            start_date=date(2026, 8, 18),
            end_date=date(2026, 11, 18),
            dimensions=["stat_time_day", "campaign_id"],
            metrics=["cost", "orders"],
            promotion_type="PRODUCT_GMV_MAX",
            page_size=100,
        )
    )

    rows = [row for page in pages for row in page]
    assert len(pages) == -(-len(rows) // 100) and all(len(page) == 100 for page in pages[:-1])
    assert len({(row["dimensions"]["stat_time_day"], row["dimensions"]["campaign_id"]) for row in rows}) == len(rows)
    assert rows[0]["dimensions"]["stat_time_day"] == "2026-08-18 00:00:00"
