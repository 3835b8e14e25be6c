"""The demo tenant gets the sandbox's "demo" advertisers without a browser, once."""

from __future__ import annotations

from django.apps import apps

from core.management.commands.demo import demo_upstreams
from core.models import Tenant
from tiktok_ads.demo import demo_ads_management, demo_connect
from tiktok_ads.models import Ad, AdAccount, AdvertiserStore, BusinessConnection, Campaign, Lead


def test_demo_seed_connects_the_demo_tenant_once(db):
    demo = Tenant.objects.create(name="Demo Agency", slug="demo")
    other = Tenant.objects.create(name="Second Brand", slug="second-brand")

    with demo_upstreams() as upstreams:  # what manage.py demo hands the seeds
        apps.get_app_config("tiktok_ads").demo_seed(demo, upstreams=upstreams)
        apps.get_app_config("tiktok_ads").demo_seed(other, upstreams=upstreams)

    # The GMV Max account and the lead-generation account (two KZT advertisers, no stores).
    assert BusinessConnection.objects.for_tenant(demo).count() == 2
    assert AdAccount.objects.for_tenant(demo).get().advertiser.currency == "KZT"
    assert Lead.objects.for_tenant(demo).count() == 4
    assert all(lead.event_id for lead in Lead.objects.for_tenant(demo))
    assert Campaign.objects.for_tenant(demo).count() == 1 and Ad.objects.for_tenant(demo).count() == 1
    assert sorted(set(AdvertiserStore.objects.for_tenant(demo).values_list("shop_number", "name"))) == [
        (1, "Glow Corner MY"),
        (2, "Glow Corner Outlet"),
        (3, "Glow Corner ID"),
        (4, "Glow Corner ID Pop-up"),
    ]
    assert not BusinessConnection.objects.for_tenant(other).exists()
    assert demo_connect(demo) is False and demo_ads_management(demo) is False
    assert BusinessConnection.objects.for_tenant(demo).count() == 2


def test_demo_seed_skips_a_real_platform(db, settings):
    settings.TIKTOK_BUSINESS_API_BASE = "https://business-api.tiktok.com"
    demo = Tenant.objects.create(name="Demo Agency", slug="demo")

    assert demo_connect(demo) is False
    assert not BusinessConnection.objects.for_tenant(demo).exists()
