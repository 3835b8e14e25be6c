"""The autopilot settings page and its services: schedules per ad account (local time in the
advertiser's zone), limits per TikTok direction with the cap checked against TikTok's minimum in
the advertiser's currency; admins change, others read, refusals name the field and change nothing."""

from __future__ import annotations

from datetime import time
from decimal import Decimal

import pytest
from django.urls import reverse

from autopilot.models import AccountSchedule, DirectionPolicy
from autopilot.services.settings import account_schedule_update, direction_policy_update
from core.exceptions import ApplicationError, NotFound
from core.models import Role
from tests.tiktok_ads.factories import make_advertiser
from tiktok_ads.models import AdAccount, Direction

URL = "/autopilot/settings/"


@pytest.fixture
def setup(tenant_a):
    advertiser = make_advertiser(tenant_a)
    advertiser.currency, advertiser.time_zone = "KZT", "Asia/Almaty"
    advertiser.save()
    account = AdAccount.objects.create(tenant=tenant_a, name="Almaty clinic", advertiser=advertiser)
    bare = AdAccount.objects.create(tenant=tenant_a, name="No TikTok")
    direction = Direction.objects.create(tenant=tenant_a, ad_account=account, name="Implants", platform="tiktok")
    instagram = Direction.objects.create(tenant=tenant_a, ad_account=account, name="Implants IG", platform="facebook")
    return {"account": account, "bare": bare, "direction": direction, "instagram": instagram}


def test_schedule_update_validates_the_time(tenant_a, setup):
    schedule = account_schedule_update(tenant=tenant_a, ad_account_id=setup["account"].pk, enabled=True, run_at="06:45")
    assert (schedule.enabled, schedule.run_at) == (True, time(6, 45))
    with pytest.raises(ApplicationError) as refused:
        account_schedule_update(tenant=tenant_a, ad_account_id=setup["account"].pk, enabled=False, run_at="25:00")
    assert refused.value.status == 400 and "run_at" in refused.value.extra["fields"]
    assert AccountSchedule.objects.for_tenant(tenant_a).get().enabled is True


def test_policy_cap_is_not_below_tiktoks_minimum_in_the_advertisers_currency(tenant_a, setup):
    with pytest.raises(ApplicationError) as refused:
        direction_policy_update(tenant=tenant_a, direction_id=setup["direction"].pk, max_daily_budget="2499.99")
    assert refused.value.status == 400 and list(refused.value.extra["fields"]) == ["max_daily_budget"]
    assert "2,500.00 KZT" in refused.value.message
    policy = direction_policy_update(
        tenant=tenant_a, direction_id=setup["direction"].pk, max_daily_budget="2500", max_raise_pct="30", target_cpl="1500.5"
    )
    assert (policy.max_daily_budget, policy.max_raise_pct, policy.target_cpl) == (Decimal("2500.00"), 30, Decimal("1500.50"))
    for field, value in (("max_raise_pct", "0"), ("max_raise_pct", "abc"), ("target_cpl", "-3")):
        with pytest.raises(ApplicationError) as refused:
            direction_policy_update(tenant=tenant_a, direction_id=setup["direction"].pk, **{field: value})
        assert list(refused.value.extra["fields"]) == [field]
    with pytest.raises(ApplicationError):
        direction_policy_update(tenant=tenant_a, direction_id=setup["instagram"].pk, max_raise_pct=10)
    assert DirectionPolicy.objects.for_tenant(tenant_a).get().max_raise_pct == 30


def test_another_tenants_rows_are_404(tenant_a, tenant_b, setup):
    with pytest.raises(NotFound):
        account_schedule_update(tenant=tenant_b, ad_account_id=setup["account"].pk, enabled=True, run_at="08:00")
    with pytest.raises(NotFound):
        direction_policy_update(tenant=tenant_b, direction_id=setup["direction"].pk, max_raise_pct=10)


def test_the_page_shows_schedules_with_time_zones_and_direction_limits(client, member_factory, tenant_a, setup):
    client.force_login(member_factory(tenant_a, Role.VIEWER))
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert reverse("autopilot:settings") == URL
    assert "Almaty clinic" in page and "Asia/Almaty" in page and "08:00" in page
    assert "No TikTok advertiser" in page
    assert "Implants" in page and "Implants IG" not in page and "at least 2500.00" in page
    assert 'name="run_at"' not in page  # viewers read only
    assert client.post(URL, {"form": "schedule", "ad_account": setup["account"].pk, "run_at": "09:00"}).status_code == 403


def test_admins_save_and_refusals_rerender_with_400(client, member_factory, tenant_a, setup):
    client.force_login(member_factory(tenant_a, Role.ADMIN))
    assert 'name="run_at"' in client.get(URL).content.decode()
    saved = client.post(URL, {"form": "schedule", "ad_account": setup["account"].pk, "run_at": "09:15", "enabled": "on"})
    assert saved.status_code == 302
    assert AccountSchedule.objects.for_tenant(tenant_a).get().run_at == time(9, 15)
    refused = client.post(URL, {"form": "policy", "direction": setup["direction"].pk, "max_daily_budget": "100", "max_raise_pct": "20"})
    assert refused.status_code == 400
    assert "max_daily_budget" in refused.content.decode()
    assert not DirectionPolicy.objects.for_tenant(tenant_a).exists()
    assert client.post(URL, {"form": "policy", "direction": 987654, "max_raise_pct": "20"}).status_code == 404


def test_another_tenants_admin_changes_nothing_through_the_page(client, member_factory, tenant_a, tenant_b, setup):
    client.force_login(member_factory(tenant_b, Role.ADMIN))
    page = client.get(URL).content.decode()
    assert "Almaty clinic" not in page and "Implants" not in page
    assert client.post(URL, {"form": "schedule", "ad_account": setup["account"].pk, "run_at": "09:00"}).status_code == 404
    assert client.post(URL, {"form": "policy", "direction": setup["direction"].pk, "max_raise_pct": "50"}).status_code == 404
    assert not AccountSchedule.objects.for_tenant(tenant_a).exists()
    assert not DirectionPolicy.objects.for_tenant(tenant_a).exists()
