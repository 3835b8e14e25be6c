"""``make run``'s demo data: after tiktok_ads connects the demo tenant's advertisers, the GMV Max
demo hook stores their recent days from the in-process sandbox, so the table has figures."""

from __future__ import annotations

import pytest
from django.apps import apps

from core.management.commands.demo import demo_upstreams
from core.models import Tenant
from gmvmax.models import CampaignDailyStat, CoverageKind, FetchCoverage, GmvMaxCampaign

pytestmark = pytest.mark.django_db


def test_demo_seed_stores_the_demo_tenants_recent_days(settings):
    demo = Tenant.objects.create(name="Demo Agency", slug="demo", time_zone="Asia/Kuala_Lumpur")
    other = Tenant.objects.create(name="Second Brand", slug="second-brand")
    with demo_upstreams() as upstreams:  # what manage.py demo hands the seeds
        for tenant in (demo, other):
            apps.get_app_config("tiktok_ads").demo_seed(tenant, upstreams=upstreams)
            apps.get_app_config("gmvmax").demo_seed(tenant, upstreams=upstreams)

    assert GmvMaxCampaign.objects.for_tenant(demo).count() == 32  # 4 advertisers × 8 campaigns
    days = CampaignDailyStat.objects.for_tenant(demo).values_list("day", flat=True).distinct().count()
    assert days >= 59  # the last 60 days of every account (time zones may differ by a day)
    coverage = FetchCoverage.objects.for_tenant(demo)
    # The 4 GMV Max ad accounts and the 2 lead-generation ones (no campaigns, still covered).
    assert coverage.count() == 6 and set(coverage.values_list("kind", flat=True)) == {CoverageKind.CAMPAIGN_STATS}
    assert all((row.end_date - row.start_date).days == 59 for row in coverage)
    assert not CampaignDailyStat.objects.for_tenant(other).exists()
