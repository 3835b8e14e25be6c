"""Directions pages (tabs, create with "both", edit, delete, the live budget check), the action
log, and the workspace's TikTok switch: off hides the TikTok tab, nav entry and pages (404) while
the API keeps working."""

from __future__ import annotations

import pytest

from core.models import Role
from tests.tiktok_ads.factories import make_advertiser
from tiktok_ads.models import ActionRecord, AdAccount, AdAccountChange, Direction, TikTokAdsSettings


@pytest.fixture
def account(tenant_a):
    advertiser = make_advertiser(tenant_a, advertiser_id="7001")
    advertiser.currency = "IDR"
    advertiser.save()
    return AdAccount.objects.create(tenant=tenant_a, name="Client One", advertiser=advertiser)


def test_tabs_create_both_edit_and_delete(tenant_a, account, web_client_for):
    client, _ = web_client_for(tenant_a, Role.ADMIN)
    Direction.objects.create(tenant=tenant_a, ad_account=account, name="Legacy one", platform="")
    page = client.get("/ads/directions/").content.decode()
    assert 'data-tab="instagram"' in page and 'data-tab="tiktok"' in page and "Legacy one" in page

    form = {
        "name": "Trial lessons",
        "ad_account": str(account.pk),
        "platform": "both",
        "tiktok_objective": "lead_generation",
        "tiktok_daily_budget": "150000",
        "tiktok_adgroup_mode": "create_new",
        "is_active": "on",
    }
    refused = client.post("/ads/directions/new/", form)
    assert refused.status_code == 400
    assert "The daily budget must be at least 200,000.00 IDR for a TikTok ad group." in refused.content.decode()
    assert not Direction.objects.for_tenant(tenant_a).filter(name="Trial lessons").exists()

    created = client.post("/ads/directions/new/", {**form, "tiktok_daily_budget": "250000"})
    assert created.status_code == 302 and created["Location"] == "/ads/directions/?platform=tiktok"
    rows = Direction.objects.for_tenant(tenant_a).filter(name="Trial lessons")
    assert sorted(rows.values_list("platform", flat=True)) == ["facebook", "tiktok"]
    tiktok_row = rows.get(platform="tiktok")
    tab = client.get("/ads/directions/?platform=tiktok").content.decode()
    assert "Trial lessons" in tab and "Legacy one" not in tab and "Lead generation" in tab

    edited = client.post(
        f"/ads/directions/{tiktok_row.pk}/",
        {
            "name": "Trial lessons",
            "tiktok_objective": "traffic",
            "tiktok_daily_budget": "300000",
            "tiktok_adgroup_mode": "use_existing",
            "is_active": "on",
        },
    )
    assert edited.status_code == 302
    tiktok_row.refresh_from_db()
    assert (tiktok_row.tiktok_objective, str(tiktok_row.tiktok_daily_budget), tiktok_row.tiktok_adgroup_mode) == (
        "traffic",
        "300000.00",
        "use_existing",
    )
    assert client.post(f"/ads/directions/{tiktok_row.pk}/delete/").status_code == 302
    assert not Direction.objects.for_tenant(tenant_a).filter(pk=tiktok_row.pk).exists()


def test_live_budget_check(tenant_a, account, web_client_for):
    client, _ = web_client_for(tenant_a, Role.VIEWER)
    low = client.get("/ads/directions/budget-check/", {"ad_account": account.pk, "tiktok_daily_budget": "1000"}, HTTP_HX_REQUEST="true")
    assert "at least 200,000.00 IDR" in low.content.decode()
    ok = client.get("/ads/directions/budget-check/", {"ad_account": account.pk, "tiktok_daily_budget": "200000"}).content.decode()
    assert "200,000.00 IDR a day is within TikTok&#x27;s limits." in ok


def test_roles_and_tenant_scoping(tenant_a, tenant_b, account, web_client_for):
    theirs = AdAccount.objects.create(tenant=tenant_b, name="B")
    their_direction = Direction.objects.create(tenant=tenant_b, ad_account=theirs, name="X", platform="tiktok")
    viewer, _ = web_client_for(tenant_a, Role.VIEWER)
    assert viewer.get("/ads/directions/new/").status_code == 403
    assert "New direction" not in viewer.get("/ads/directions/").content.decode()
    admin, _ = web_client_for(tenant_a, Role.ADMIN, username="a-admin")
    assert admin.get(f"/ads/directions/{their_direction.pk}/").status_code == 404
    assert admin.post(f"/ads/directions/{their_direction.pk}/delete/").status_code == 404
    assert admin.get("/ads/directions/budget-check/", {"ad_account": theirs.pk, "tiktok_daily_budget": "1"}).status_code == 404
    assert Direction.objects.for_tenant(tenant_b).count() == 1


def test_action_log_filters(tenant_a, account, web_client_for):
    ActionRecord.objects.create(
        tenant=tenant_a,
        request_id="r1",
        action="TikTok.PauseCampaign",
        params={"campaign_id": "1801"},
        ad_account=account,
        state="succeeded",
        before={"operation_status": "ENABLE"},
        after={"operation_status": "DISABLE"},
        actor="ana",
        upstream_response={"data": {"status": "DISABLE"}},
    )
    ActionRecord.objects.create(
        tenant=tenant_a,
        request_id="r2",
        action="TikTok.UpdateAdGroupBudget",
        params={"adgroup_id": "1802"},
        ad_account=account,
        state="dry_run",
        dry_run=True,
        before={"budget": "3000"},
        after={"budget": "5000.00"},
        actor="api key ops",
    )
    client, _ = web_client_for(tenant_a, Role.VIEWER)
    page = client.get("/ads/actions/").content.decode()
    assert 'data-request-id="r1"' in page and 'data-request-id="r2"' in page
    assert "campaign:1801" in page and "ENABLE → <strong>DISABLE</strong>" in page
    only = client.get("/ads/actions/", {"state": "dry_run"}).content.decode()
    assert 'data-request-id="r2"' in only and 'data-request-id="r1"' not in only
    by_action = client.get("/ads/actions/", {"action": "TikTok.PauseCampaign", "account": account.pk}).content.decode()
    assert 'data-request-id="r1"' in by_action and 'data-request-id="r2"' not in by_action
    assert client.get("/ads/actions/", {"state": "exploded"}).status_code == 400


def test_switching_tiktok_off_hides_its_pages_but_not_the_api(tenant_a, account, web_client_for, api_client_for):
    admin, _ = web_client_for(tenant_a, Role.ADMIN)
    assert 'href="/ads/actions/"' in admin.get("/ads/").content.decode()
    assert admin.post("/ads/settings/", {}).status_code == 302  # the box unticked: off
    assert TikTokAdsSettings.objects.for_tenant(tenant_a).get().show_tiktok is False
    page = admin.get("/ads/directions/").content.decode()
    assert 'data-tab="tiktok"' not in page and 'href="/ads/actions/"' not in page
    tiktok_pages = ("/ads/campaign-builder/", "/ads/campaigns/", "/ads/leads/", "/ads/leads/export.csv")
    for url in ("/ads/directions/?platform=tiktok", "/ads/actions/", "/ads/directions/budget-check/", *tiktok_pages):
        assert admin.get(url).status_code == 404, url
    api = api_client_for(tenant_a, Role.ADMIN)
    assert (
        api.post(
            "/api/directions", {"name": "T", "accountId": account.pk, "platform": "tiktok", "tiktok_objective": "traffic"}, format="json"
        ).status_code
        == 201
    )
    assert admin.post("/ads/settings/", {"show_tiktok": "on"}).status_code == 302
    assert 'data-tab="tiktok"' in admin.get("/ads/directions/").content.decode()
    viewer, _ = web_client_for(tenant_a, Role.VIEWER, username="a-viewer")
    assert viewer.post("/ads/settings/", {}).status_code == 403


def test_ad_account_form_on_the_ad_accounts_page(tenant_a, account, web_client_for):
    admin, _ = web_client_for(tenant_a, Role.ADMIN)
    response = admin.post("/ads/ad-accounts/new/", {"name": "Client Two", "tiktok_business_id": "7001", "autopilot_tiktok": "on"})
    assert response.status_code == 302
    created = AdAccount.objects.for_tenant(tenant_a).get(name="Client Two")
    assert created.advertiser_id == account.advertiser_id and created.autopilot_tiktok
    assert {(c.field, c.action) for c in AdAccountChange.objects.for_tenant(tenant_a).filter(ad_account=created)} == {
        ("tiktok_business_id", "connect"),
        ("autopilot_tiktok", "update"),
    }
    page = admin.get("/ads/").content.decode()
    assert f'data-ad-account="{created.pk}"' in page
    duplicate = admin.post("/ads/ad-accounts/new/", {"name": "Client Two"}, follow=True)
    assert "already exists" in duplicate.content.decode()
