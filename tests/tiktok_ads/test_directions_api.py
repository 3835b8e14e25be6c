"""The seed's ``/api/directions`` and ``/api/ad-accounts``: platforms (both, instagram, legacy
rows), TikTok fields and budgets in the advertiser's currency, the unique rule, tenant scoping,
and the ad-account change log."""

from __future__ import annotations

import pytest

from core.models import Role
from tests.tiktok_ads.factories import make_advertiser
from tiktok_ads.models import AdAccount, AdAccountChange, Direction


@pytest.fixture
def admin(tenant_a, api_client_for):
    return api_client_for(tenant_a, Role.ADMIN)


def _account(tenant, name="Client One", currency=None, advertiser_id="7001"):
    advertiser = None
    if currency:
        advertiser = make_advertiser(
            tenant, advertiser_id=advertiser_id, name=f"Adv {currency}", store_id=f"s{advertiser_id}", shop_number=int(advertiser_id) % 100
        )
        advertiser.currency = currency
        advertiser.save()
    return AdAccount.objects.create(tenant=tenant, name=name, advertiser=advertiser)


def _tiktok(account, **extra):
    return {"name": "Trial lessons", "accountId": account.pk, "platform": "tiktok", "tiktok_objective": "lead_generation", **extra}


def test_create_both_makes_two_rows_with_their_own_settings(tenant_a, admin):
    account = _account(tenant_a)
    response = admin.post(
        "/api/directions",
        {
            "name": "Trial lessons",
            "accountId": account.pk,
            "platform": "both",
            "tiktok_objective": "conversions",
            "tiktok_daily_budget": "2500",
            "tiktok_target_cpl_kzt": "800",
            "tiktok_adgroup_mode": "use_existing",
            "tiktok_pixel_id": "PX1",
            "facebook_default_settings": {"cities": ["Almaty"]},
            "default_settings": {"age_min": 18},
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    rows = {row["platform"]: row for row in response.json()["directions"]}
    assert set(rows) == {"facebook", "tiktok"}
    assert rows["facebook"]["default_settings"] == {"cities": ["Almaty"]}
    assert rows["tiktok"]["default_settings"] == {"age_min": 18}  # shared fallback
    assert rows["tiktok"]["tiktok_objective"] == "conversions"
    assert rows["tiktok"]["tiktok_daily_budget"] == "2500.00"
    assert rows["tiktok"]["tiktok_target_cpl_kzt"] == rows["tiktok"]["tiktok_target_cpl"] == "800.00"
    assert rows["tiktok"]["tiktok_adgroup_mode"] == "use_existing"
    assert rows["tiktok"]["tiktok_pixel_id"] == "PX1"
    assert rows["facebook"]["tiktok_objective"] is None and rows["facebook"]["tiktok_daily_budget"] is None
    assert rows["facebook"]["ui_platform"] == "instagram"
    stored = Direction.objects.for_tenant(tenant_a).filter(name="Trial lessons")
    assert sorted(stored.values_list("platform", flat=True)) == ["facebook", "tiktok"]
    assert stored.get(platform="facebook").tiktok_objective == ""


def test_both_is_all_or_nothing_and_unique_per_platform(tenant_a, admin):
    account = _account(tenant_a)
    Direction.objects.create(tenant=tenant_a, ad_account=account, name="Trial lessons", platform="tiktok", tiktok_objective="traffic")
    response = admin.post("/api/directions/", _tiktok(account, platform="both"), format="json")
    assert response.status_code == 409
    assert "already has a tiktok direction named 'Trial lessons'" in response.json()["error"]["message"]
    assert Direction.objects.for_tenant(tenant_a).count() == 1  # the facebook row wasn't made either
    # The same name on another platform or another account is fine.
    assert (
        admin.post(
            "/api/directions", {"name": "Trial lessons", "accountId": account.pk, "platform": "instagram"}, format="json"
        ).status_code
        == 201
    )
    other = _account(tenant_a, name="Client Two")
    assert admin.post("/api/directions", _tiktok(other), format="json").status_code == 201


def test_legacy_row_without_platform_reads_as_facebook(tenant_a, admin):
    account = _account(tenant_a)
    legacy = Direction.objects.create(tenant=tenant_a, ad_account=account, name="Old", platform="")
    Direction.objects.create(tenant=tenant_a, ad_account=account, name="New TT", platform="tiktok", tiktok_objective="traffic")
    for platform in ("facebook", "instagram"):
        body = admin.get(f"/api/directions?platform={platform}&userAccountId=whatever").json()
        assert [(row["id"], row["platform"], row["ui_platform"]) for row in body["directions"]] == [(legacy.pk, "facebook", "instagram")]
    assert [row["name"] for row in admin.get("/api/directions?platform=tiktok").json()["directions"]] == ["New TT"]
    assert len(admin.get("/api/directions").json()["directions"]) == 2
    # A facebook direction of the same name collides with the legacy row.
    response = admin.post("/api/directions", {"name": "Old", "accountId": account.pk, "platform": "facebook"}, format="json")
    assert response.status_code == 409
    bad = admin.get("/api/directions?platform=myspace")
    assert bad.status_code == 400 and bad.json()["error"]["fields"] == {"platform": ["platform must be facebook, instagram or tiktok."]}


def test_account_filter_and_cross_tenant_404(tenant_a, tenant_b, admin, api_client_for):
    mine, theirs = _account(tenant_a), _account(tenant_b, name="B account")
    other_mine = _account(tenant_a, name="Client Two")
    Direction.objects.create(tenant=tenant_a, ad_account=mine, name="A", platform="facebook")
    Direction.objects.create(tenant=tenant_a, ad_account=other_mine, name="B", platform="facebook")
    theirs_direction = Direction.objects.create(tenant=tenant_b, ad_account=theirs, name="X", platform="tiktok")
    assert [row["name"] for row in admin.get(f"/api/directions?accountId={mine.pk}").json()["directions"]] == ["A"]
    assert admin.get(f"/api/directions?accountId={theirs.pk}").status_code == 404
    response = admin.post("/api/directions", _tiktok(theirs), format="json")
    assert response.status_code == 404 and response.json()["error"]["fields"] == {"accountId": ["Unknown ad account."]}
    assert admin.patch(f"/api/directions/{theirs_direction.pk}", {"name": "Mine now"}, format="json").status_code == 404
    assert admin.delete(f"/api/directions/{theirs_direction.pk}/").status_code == 404
    assert admin.get(f"/api/ad-accounts/{theirs.pk}").status_code == 404
    assert admin.patch(f"/api/ad-accounts/{theirs.pk}", {"autopilot_tiktok": True}, format="json").status_code == 404
    assert Direction.objects.for_tenant(tenant_b).get().name == "X"
    viewer = api_client_for(tenant_a, Role.VIEWER)
    assert viewer.post("/api/directions", _tiktok(mine), format="json").status_code == 403


@pytest.mark.parametrize(
    ("currency", "low", "ok", "message"),
    [
        ("KZT", "2499.99", "2500", "The daily budget must be at least 2,500.00 KZT for a TikTok ad group."),
        ("IDR", "199999", "200000", "The daily budget must be at least 200,000.00 IDR for a TikTok ad group."),
        ("USD", "19.99", "20", "The daily budget must be at least 20.00 USD for a TikTok ad group."),
        (None, "2000", "2500", "The daily budget must be at least 2,500.00 KZT for a TikTok ad group."),  # no advertiser: the seed's KZT
    ],
)
def test_budget_minimum_in_the_advertisers_currency(tenant_a, admin, currency, low, ok, message):
    account = _account(tenant_a, currency=currency)
    response = admin.post("/api/directions", _tiktok(account, tiktok_daily_budget=low), format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"tiktok_daily_budget": [message]}
    assert not Direction.objects.for_tenant(tenant_a).exists()
    assert admin.post("/api/directions", _tiktok(account, tiktok_daily_budget=ok), format="json").status_code == 201


def test_bad_inputs_name_their_field(tenant_a, admin):
    account = _account(tenant_a)
    cases = [
        ({"tiktok_objective": "reach"}, "tiktok_objective", "Unknown objective 'reach': use traffic, conversions or lead_generation."),
        ({"tiktok_objective": ""}, "tiktok_objective", "Required for a TikTok direction: traffic, conversions or lead_generation."),
        ({"tiktok_adgroup_mode": "sometimes"}, "tiktok_adgroup_mode", "Unknown mode 'sometimes': use use_existing or create_new."),
        ({"platform": "snapchat"}, "platform", "Unknown platform 'snapchat': use facebook, instagram, tiktok or both."),
        ({"name": "  "}, "name", "Required."),
        ({"tiktok_daily_budget": "lots"}, "tiktok_daily_budget", "Enter a number."),
        ({"tiktok_target_cpl_kzt": "-5"}, "tiktok_target_cpl_kzt", "Must be a positive number."),
        ({"default_settings": [1]}, "default_settings", "Must be a JSON object."),
    ]
    for extra, field, message in cases:
        response = admin.post("/api/directions", _tiktok(account, **extra), format="json")
        assert response.status_code == 400, extra
        assert response.json()["error"]["fields"][field] == [message]
    missing = admin.post("/api/directions", {"name": "x", "platform": "tiktok"}, format="json")
    assert missing.status_code == 400 and "ad_account" in missing.json()["error"]["fields"]
    assert admin.post("/api/directions", _tiktok(account, ad_account_id=999999, accountId=None), format="json").status_code == 400
    assert not Direction.objects.for_tenant(tenant_a).exists()


def test_patch_and_delete(tenant_a, admin):
    account = _account(tenant_a, currency="USD")
    created = admin.post("/api/directions", _tiktok(account, tiktok_daily_budget="50"), format="json").json()["direction"]
    url = f"/api/directions/{created['id']}"
    response = admin.patch(url, {"tiktok_daily_budget": "19", "name": "Renamed"}, format="json")
    assert response.status_code == 400 and "20.00 USD" in response.json()["error"]["fields"]["tiktok_daily_budget"][0]
    assert Direction.objects.for_tenant(tenant_a).get().name == "Trial lessons"
    response = admin.patch(
        url + "/", {"tiktok_daily_budget": "25.50", "name": "Renamed", "tiktok_default_settings": {"x": 1}}, format="json"
    )
    assert response.status_code == 200
    body = response.json()["direction"]
    assert (body["name"], body["tiktok_daily_budget"], body["default_settings"]) == ("Renamed", "25.50", {"x": 1})
    assert admin.patch(url, {"platform": "facebook"}, format="json").json()["error"]["fields"]["platform"]
    facebook = admin.post("/api/directions", {"name": "FB", "accountId": account.pk}, format="json").json()["direction"]
    refused = admin.patch(f"/api/directions/{facebook['id']}", {"tiktok_objective": "traffic"}, format="json")
    assert refused.status_code == 400 and refused.json()["error"]["fields"] == {
        "tiktok_objective": ["TikTok fields apply to TikTok directions only."]
    }
    assert admin.delete(url).json() == {"success": True, "id": created["id"]}
    assert list(Direction.objects.for_tenant(tenant_a).values_list("name", flat=True)) == ["FB"]
    assert admin.get(url).status_code == 404


def test_ad_account_create_patch_and_change_log(tenant_a, admin, api_client_for):
    advertiser = make_advertiser(tenant_a, advertiser_id="7001")
    response = admin.post("/api/ad-accounts", {"name": "Client One"}, format="json")
    assert response.status_code == 201
    account_id = response.json()["ad_account"]["id"]
    url = f"/api/ad-accounts/{account_id}"

    response = admin.patch(url, {"tiktok_business_id": "7001", "autopilot_tiktok": True}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["ad_account"]["tiktok_business_id"] == "7001" and body["ad_account"]["currency"] == "MYR"
    assert body["ad_account"]["autopilot_tiktok"] is True
    changes = {(row["field"], row["action"], row["before"], row["after"], row["actor"]) for row in body["changes"]}
    assert changes == {
        ("tiktok_business_id", "connect", "", "7001", "api key test key"),
        ("autopilot_tiktok", "update", "false", "true", "api key test key"),
    }

    unknown = admin.patch(url, {"tiktok_business_id": "9999"}, format="json")
    assert unknown.status_code == 400 and "tiktok_business_id" in unknown.json()["error"]["fields"]
    assert admin.patch(url, {"autopilot_tiktok": "yes"}, format="json").json()["error"]["fields"] == {
        "autopilot_tiktok": ["must be true or false."]
    }
    assert admin.patch(url, {"autopilot_tiktok": True}, format="json").json()["changes"] == []  # nothing changed, nothing logged

    response = admin.patch(url, {"tiktok_business_id": None}, format="json")
    assert response.json()["ad_account"]["tiktok_business_id"] is None
    assert [(row["field"], row["action"], row["before"], row["after"]) for row in response.json()["changes"]] == [
        ("tiktok_business_id", "disconnect", "7001", "")
    ]
    assert AdAccountChange.objects.for_tenant(tenant_a).count() == 3
    detail = admin.get(url + "/").json()
    assert sorted((row["field"], row["action"]) for row in detail["changes"]) == [
        ("autopilot_tiktok", "update"),
        ("tiktok_business_id", "connect"),
        ("tiktok_business_id", "disconnect"),
    ]
    listing = admin.get("/api/ad-accounts").json()["ad_accounts"]
    assert [row["name"] for row in listing] == ["Client One"]
    assert advertiser.pk  # still there: disconnecting only unlinks
    viewer = api_client_for(tenant_a, Role.VIEWER)
    assert viewer.patch(url, {"autopilot_tiktok": False}, format="json").status_code == 403
    assert admin.post("/api/ad-accounts", {"name": "Client One"}, format="json").status_code == 409
