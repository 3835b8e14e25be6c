"""Ads management on the TikTok Business API emulator: campaigns, ad groups, ads, identities,
instant pages, the advertiser's info, and unknown paths, through real HTTP calls on the
in-process bridge. Objects are ``sandbox.models.BusinessObject`` rows."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import requests
from django.conf import settings

from sandbox.emulators.tiktok_business import data
from sandbox.emulators.tiktok_business.management import identities, instant_pages
from sandbox.emulators.tiktok_business.tokens import auth_code_issue
from sandbox.models import BusinessObject
from tests.sandbox.tiktok_business_objects import (
    EMULATOR,
    ID,
    LARGE_FIRST,
    MY,
    NOW,
    OUTLET,
    ad,
    adgroup,
    api,
    campaign,
    creative,
    demo_token,
    get,
    lead_tree,
    post,
    published_page,
    video,
)

# --- Campaigns ----------------------------------------------------------------------------


@pytest.fixture
def token(sandbox, db) -> str:
    return demo_token(sandbox)


def test_campaign_create_returns_the_object_and_get_lists_it(token):
    body = campaign(token, request_id="918273645501")

    assert body["code"] == 0 and body["message"] == "OK"
    created = body["data"]
    assert len(created["campaign_id"]) == 19
    assert created["campaign_name"] == "Leads MY 2026-11"
    assert created["objective_type"] == "LEAD_GENERATION"
    assert created["budget_mode"] == "BUDGET_MODE_INFINITE"
    assert created["operation_status"] == "ENABLE"
    assert created["create_time"] == "2026-11-18 04:00:00"
    listed = get("campaign/get/", token, advertiser_id=MY.advertiser_id, page_size=1000)["data"]
    assert listed["list"] == [created]
    assert listed["page_info"] == {"page": 1, "page_size": 1000, "total_number": 1, "total_page": 1}


def test_campaign_create_with_the_same_request_id_creates_one_campaign(token):
    first = campaign(token, request_id="r-1")["data"]
    again = campaign(token, request_id="r-1", campaign_name="Other name")["data"]
    other = campaign(token, request_id="r-2")["data"]

    assert again == first
    assert other["campaign_id"] != first["campaign_id"]
    assert BusinessObject.objects.filter(kind="campaign").count() == 2


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"campaign_name": ""}, "campaign_name: Missing data for required field."),
        ({"campaign_name": "x" * 513}, "campaign_name: Length must be at most 512"),
        ({"campaign_name": "广" * 257}, "campaign_name: Length must be at most 512"),
        ({"objective_type": "SALES"}, "objective_type: Must be one of TRAFFIC"),
        ({"objective_type": "CONVERSIONS"}, "objective_type: CONVERSIONS is no longer supported; use WEB_CONVERSIONS."),
        ({"budget_mode": "INFINITE"}, "budget_mode: Must be one of BUDGET_MODE_INFINITE"),
        ({"budget_mode": "BUDGET_MODE_DAY"}, "budget: Missing data for required field."),
        ({"budget_mode": "BUDGET_MODE_DAY", "budget": 49.99}, "budget: Budget must be at least 50.00 MYR."),
        ({"budget_mode": "BUDGET_MODE_TOTAL", "budget": "abc"}, "budget: Not a valid number."),
    ],
)
def test_campaign_create_refuses_bad_fields_naming_them(token, overrides, message):
    body = campaign(token, **overrides)

    assert body["code"] == 40002
    assert body["message"].startswith(message)
    assert not BusinessObject.objects.exists()


def test_campaign_minimum_budget_follows_the_currency_ratio(token):
    assert campaign(token, ID, budget_mode="BUDGET_MODE_DAY", budget=499_999)["message"] == "budget: Budget must be at least 500000.00 IDR."
    assert campaign(token, ID, budget_mode="BUDGET_MODE_DAY", budget=500_000)["data"]["budget"] == 500_000


def test_an_advertiser_the_token_does_not_reach_is_40001(token):
    body = campaign(token, LARGE_FIRST)

    assert body["code"] == 40001
    assert LARGE_FIRST.advertiser_id in body["message"]
    assert get("campaign/get/", token, advertiser_id=LARGE_FIRST.advertiser_id)["code"] == 40001


def test_campaign_get_filters_pages_and_projects_fields(token):
    ids = [
        campaign(token, campaign_name=f"C{n}", objective_type="TRAFFIC" if n % 2 else "LEAD_GENERATION")["data"]["campaign_id"]
        for n in range(5)
    ]
    other = campaign(token, OUTLET)["data"]["campaign_id"]

    traffic = get(
        "campaign/get/",
        token,
        advertiser_id=MY.advertiser_id,
        filtering={"objective_type": "TRAFFIC"},
        fields=["campaign_id", "campaign_name"],
    )
    assert sorted(row["campaign_id"] for row in traffic["data"]["list"]) == sorted([ids[1], ids[3]])
    assert all(set(row) == {"campaign_id", "campaign_name"} for row in traffic["data"]["list"])
    by_id = get("campaign/get/", token, advertiser_id=MY.advertiser_id, filtering={"campaign_ids": [ids[0], other]})
    assert [row["campaign_id"] for row in by_id["data"]["list"]] == [ids[0]]
    page2 = get("campaign/get/", token, advertiser_id=MY.advertiser_id, page=2, page_size=2)["data"]
    assert len(page2["list"]) == 2 and page2["page_info"] == {"page": 2, "page_size": 2, "total_number": 5, "total_page": 3}
    assert get("campaign/get/", token, advertiser_id=MY.advertiser_id, page_size=1001)["code"] == 40002
    assert get("campaign/get/", token, advertiser_id=MY.advertiser_id, fields=["nope"])["message"] == "fields: nope is not a valid field."


def test_campaign_update_changes_name_and_budget_above_the_minimum(token):
    campaign_id = campaign(token, budget_mode="BUDGET_MODE_DAY", budget=100)["data"]["campaign_id"]

    updated = post(
        "campaign/update/", token, {"advertiser_id": MY.advertiser_id, "campaign_id": campaign_id, "campaign_name": "Renamed", "budget": 80}
    )
    assert updated["code"] == 0 and updated["data"]["campaign_name"] == "Renamed" and updated["data"]["budget"] == 80
    low = post("campaign/update/", token, {"advertiser_id": MY.advertiser_id, "campaign_id": campaign_id, "budget": 10})
    assert (low["code"], low["message"]) == (40002, "budget: Budget must be at least 50.00 MYR.")
    missing = post("campaign/update/", token, {"advertiser_id": MY.advertiser_id, "campaign_id": "1800000000000000000", "budget": 80})
    assert (missing["code"], missing["message"]) == (40007, "The campaign 1800000000000000000 does not exist.")


def test_campaign_status_update_and_a_deleted_campaign_never_changes_again(token):
    campaign_id, adgroup_id = lead_tree(token)
    body = {"advertiser_id": MY.advertiser_id, "campaign_ids": [campaign_id]}

    disabled = post("campaign/status/update/", token, {**body, "operation_status": "DISABLE"})
    assert disabled["data"] == {
        "campaign_ids": [campaign_id],
        "status": "DISABLE",
        "campaign_list": [{"campaign_id": campaign_id, "status": "DISABLE", "postback_window_mode": None}],
    }
    rows = get("adgroup/get/", token, advertiser_id=MY.advertiser_id)["data"]["list"]
    assert rows[0]["secondary_status"] == "ADGROUP_STATUS_CAMPAIGN_DISABLE"
    assert post("campaign/status/update/", token, {**body, "operation_status": "DELETE"})["code"] == 0
    again = post("campaign/status/update/", token, {**body, "operation_status": "ENABLE"})
    assert (again["code"], again["message"]) == (40002, f"campaign_ids: The campaign {campaign_id} is deleted; its status can't change.")
    assert post("campaign/update/", token, {**body, "campaign_id": campaign_id, "campaign_name": "x"})["code"] == 40002
    # Hidden by default, listed with STATUS_ALL; its ad group went with it.
    assert get("campaign/get/", token, advertiser_id=MY.advertiser_id)["data"]["list"] == []
    everything = get("campaign/get/", token, advertiser_id=MY.advertiser_id, filtering={"primary_status": "STATUS_ALL"})["data"]["list"]
    assert [(row["campaign_id"], row["operation_status"], row["secondary_status"]) for row in everything] == [
        (campaign_id, "DELETE", "CAMPAIGN_STATUS_DELETE")
    ]
    assert BusinessObject.objects.get(kind="adgroup", object_id=adgroup_id).status == "DELETE"


def test_status_update_takes_1_to_20_ids(token):
    body = {"advertiser_id": MY.advertiser_id, "operation_status": "DISABLE"}
    assert post("campaign/status/update/", token, {**body, "campaign_ids": []})["code"] == 40002
    many = post("campaign/status/update/", token, {**body, "campaign_ids": [str(1800000000000000000 + n) for n in range(21)]})
    assert (many["code"], many["message"]) == (40002, "campaign_ids: Length must be between 1 and 20.")
    bad = post("campaign/status/update/", token, {**body, "campaign_ids": ["1800000000000000000"], "operation_status": "PAUSE"})
    assert bad["message"] == "operation_status: Must be one of ENABLE, DISABLE, DELETE."


# --- Ad groups ----------------------------------------------------------------------------


def test_adgroup_create_for_a_lead_campaign(token):
    campaign_id = campaign(token)["data"]["campaign_id"]

    body = adgroup(token, MY, campaign_id, request_id="ag-1", operation_status="DISABLE")
    assert body["code"] == 0, body
    created = body["data"]
    assert created["campaign_id"] == campaign_id and len(created["adgroup_id"]) == 19
    assert created["budget"] == 20 and created["operation_status"] == "DISABLE"
    assert created["schedule_end_time"] == "2036-11-18 05:00:00"
    assert adgroup(token, MY, campaign_id, request_id="ag-1")["data"] == created
    assert BusinessObject.objects.filter(kind="adgroup").count() == 1
    listed = get("adgroup/get/", token, advertiser_id=MY.advertiser_id, filtering={"campaign_ids": [campaign_id]})["data"]["list"]
    assert listed == [created]


def test_adgroup_operation_status_defaults_to_enable(token):
    campaign_id = campaign(token)["data"]["campaign_id"]
    assert adgroup(token, MY, campaign_id)["data"]["operation_status"] == "ENABLE"


@pytest.mark.parametrize(
    ("objective", "overrides", "message"),
    [
        ("LEAD_GENERATION", {"budget": 19.99}, "budget: Budget must be at least 20.00 MYR."),
        ("LEAD_GENERATION", {"promotion_type": "WEBSITE"}, "promotion_type: WEBSITE is not supported with objective LEAD_GENERATION"),
        ("LEAD_GENERATION", {"optimization_goal": "CLICK"}, "optimization_goal: CLICK is not supported with objective LEAD_GENERATION"),
        ("LEAD_GENERATION", {"billing_event": "CPC"}, "billing_event: CPC is not supported with optimization_goal LEAD_GENERATION"),
        (
            "TRAFFIC",
            {"promotion_type": "WEBSITE", "optimization_goal": "CLICK", "billing_event": "OCPM"},
            "billing_event: OCPM is not supported",
        ),
        (
            "WEB_CONVERSIONS",
            {"promotion_type": "WEBSITE", "optimization_goal": "CONVERT", "billing_event": "OCPM"},
            "pixel_id: Missing data",
        ),
        ("LEAD_GENERATION", {"location_ids": []}, "location_ids: Missing data for required field."),
        ("LEAD_GENERATION", {"schedule_type": "SCHEDULE_START_END"}, "schedule_end_time: Missing data for required field."),
        ("LEAD_GENERATION", {"schedule_start_time": "2026-11-17 15:59:59"}, "schedule_start_time: Must be at most 12 hours in the past."),
        ("LEAD_GENERATION", {"schedule_start_time": "2026-11-18"}, "schedule_start_time: Must be a time in the format"),
        ("LEAD_GENERATION", {"adgroup_name": ""}, "adgroup_name: Missing data for required field."),
        (
            "LEAD_GENERATION",
            {
                "budget_mode": "BUDGET_MODE_TOTAL",
                "budget": 99.99,
                "schedule_type": "SCHEDULE_START_END",
                "schedule_end_time": "2026-11-23 05:00:00",
            },
            "budget: Budget must be at least 100.00 MYR.",
        ),
    ],
)
def test_adgroup_create_refuses_what_the_platform_refuses(token, objective, overrides, message):
    campaign_id = campaign(token, objective_type=objective)["data"]["campaign_id"]

    body = adgroup(token, MY, campaign_id, **overrides)
    assert body["code"] == 40002, body
    assert body["message"].startswith(message), body["message"]
    assert not BusinessObject.objects.filter(kind="adgroup").exists()


def test_adgroup_combinations_of_the_product_objectives_pass(token):
    traffic = campaign(token, objective_type="TRAFFIC")["data"]["campaign_id"]
    conversions = campaign(token, objective_type="WEB_CONVERSIONS")["data"]["campaign_id"]
    website = {"promotion_type": "WEBSITE", "promotion_target_type": None}

    assert adgroup(token, MY, traffic, **website, optimization_goal="CLICK", billing_event="CPC")["code"] == 0
    assert adgroup(token, MY, traffic, **website, optimization_goal="TRAFFIC_LANDING_PAGE_VIEW", billing_event="OCPM")["code"] == 0
    body = adgroup(token, MY, conversions, **website, optimization_goal="CONVERT", billing_event="OCPM", pixel_id="7300000000000000999")
    assert body["code"] == 0 and body["data"]["pixel_id"] == "7300000000000000999"


def test_adgroup_under_a_missing_or_deleted_campaign(token):
    missing = adgroup(token, MY, "1800000000000000000")
    assert (missing["code"], missing["message"]) == (40007, "The campaign 1800000000000000000 does not exist.")
    campaign_id = campaign(token)["data"]["campaign_id"]
    post("campaign/status/update/", token, {"advertiser_id": MY.advertiser_id, "campaign_ids": [campaign_id], "operation_status": "DELETE"})
    deleted = adgroup(token, MY, campaign_id)
    assert (deleted["code"], deleted["message"]) == (40002, f"campaign_id: The campaign {campaign_id} is deleted.")


def test_adgroup_minimum_in_kzt_comes_from_the_setting(token, settings):
    settings.TIKTOK_MIN_DAILY_BUDGET_KZT = 2500
    from sandbox.emulators.tiktok_business import validation

    assert validation.minimum("KZT", level="adgroup") == 2500
    assert validation.minimum("KZT", level="campaign") == 6250
    assert validation.minimum("IDR", level="adgroup") == 200_000


def test_adgroup_update_budget_and_immutable_fields(token):
    _campaign_id, adgroup_id = lead_tree(token)
    body = {"advertiser_id": MY.advertiser_id, "adgroup_id": adgroup_id}

    updated = post("adgroup/update/", token, {**body, "budget": 35.5, "adgroup_name": "Form A, wider"})
    assert updated["code"] == 0 and updated["data"]["budget"] == 35.5 and updated["data"]["adgroup_name"] == "Form A, wider"
    assert post("adgroup/update/", token, {**body, "budget": 5})["message"] == "budget: Budget must be at least 20.00 MYR."
    assert post("adgroup/update/", token, {**body, "placements": ["PLACEMENT_PANGLE"]})["message"] == (
        "placements: Can't be changed after the ad group is created."
    )
    # Sending the unchanged value is fine.
    assert post("adgroup/update/", token, {**body, "placements": ["PLACEMENT_TIKTOK"]})["code"] == 0


def test_adgroup_budget_update_in_one_batch(token):
    campaign_id, first = lead_tree(token)
    second = adgroup(token, MY, campaign_id)["data"]["adgroup_id"]

    body = post(
        "adgroup/budget/update/",
        token,
        {"advertiser_id": MY.advertiser_id, "budget": [{"adgroup_id": first, "budget": 40}, {"adgroup_id": second, "budget": 50}]},
    )
    assert body["code"] == 0 and body["data"] == {"adgroup_ids": [first, second]}
    budgets = {row["adgroup_id"]: row["budget"] for row in get("adgroup/get/", token, advertiser_id=MY.advertiser_id)["data"]["list"]}
    assert budgets == {first: 40, second: 50}
    low = post(
        "adgroup/budget/update/",
        token,
        {"advertiser_id": MY.advertiser_id, "budget": [{"adgroup_id": first, "budget": 60}, {"adgroup_id": second, "budget": 1}]},
    )
    assert (low["code"], low["message"]) == (40002, "budget: Budget must be at least 20.00 MYR.")
    assert BusinessObject.objects.get(object_id=first).data["budget"] == 40  # nothing changed


def test_adgroup_status_update_with_partial_success(token):
    _campaign_id, adgroup_id = lead_tree(token)
    body = {"advertiser_id": MY.advertiser_id, "operation_status": "DISABLE"}

    assert post("adgroup/status/update/", token, {**body, "adgroup_ids": [adgroup_id]})["data"] == {
        "adgroup_ids": [adgroup_id],
        "status": "DISABLE",
    }
    partial = post(
        "adgroup/status/update/", token, {**body, "adgroup_ids": [adgroup_id, "1800000000000000000"], "allow_partial_success": True}
    )
    assert partial["data"] == {
        "adgroup_ids": [adgroup_id],
        "status": "DISABLE",
        "error_list": [{"adgroup_id": "1800000000000000000", "error_message": "The ad group 1800000000000000000 does not exist."}],
    }
    assert post("adgroup/status/update/", token, {**body, "adgroup_ids": [adgroup_id, "1800000000000000000"]})["code"] == 40007


# --- Ads ----------------------------------------------------------------------------------


def test_ad_create_answers_ad_ids_and_creatives_and_ad_get_has_page_id_as_an_integer(token):
    _campaign_id, adgroup_id = lead_tree(token)
    video_id = video()

    body = ad(token, adgroup_id, [creative(video_id), creative(video_id, ad_name="v2", operation_status="DISABLE")], request_id="ad-1")
    assert body["code"] == 0, body
    ad_ids = body["data"]["ad_ids"]
    assert len(ad_ids) == 2 and [row["ad_id"] for row in body["data"]["creatives"]] == ad_ids
    response = requests.get(
        api("ad/get/"),
        params={"advertiser_id": MY.advertiser_id, "filtering": json.dumps({"adgroup_ids": [adgroup_id]})},
        headers={"Access-Token": token},
        timeout=30,
    )
    assert f'"page_id": {published_page()}' in response.text or f'"page_id":{published_page()}' in response.text
    rows = {row["ad_id"]: row for row in response.json()["data"]["list"]}
    assert rows[ad_ids[0]]["page_id"] == published_page() and rows[ad_ids[0]]["operation_status"] == "ENABLE"
    assert rows[ad_ids[1]]["ad_name"] == "v2" and rows[ad_ids[1]]["operation_status"] == "DISABLE"
    again = ad(token, adgroup_id, [creative(video_id)], request_id="ad-1")
    assert again["data"]["ad_ids"] == ad_ids
    assert BusinessObject.objects.filter(kind="ad").count() == 2


@pytest.mark.parametrize(
    ("overrides", "code", "message"),
    [
        ({"ad_format": "SINGLE_IMAGE"}, 40002, "creatives[0].ad_format: LEAD_GENERATION ad groups placed on TikTok take SINGLE_VIDEO only"),
        ({"ad_format": "CAROUSEL_ADS"}, 40002, "creatives[0].ad_format:"),
        ({"video_id": "v10033g50000unknown"}, 40053, "creatives[0].video_id: The video v10033g50000unknown does not exist"),
        ({"ad_text": ""}, 40002, "creatives[0].ad_text: Length must be between 1 and 100 characters."),
        ({"ad_text": "x" * 101}, 40002, "creatives[0].ad_text: Length must be between 1 and 100 characters."),
        ({"page_id": None}, 40002, "creatives[0].page_id: Missing data for required field"),
        ({"page_id": 7600000000000000000}, 40002, "creatives[0].page_id: 7600000000000000000 is not an instant page of this advertiser."),
        ({"identity_id": "7000000000000000000"}, 40002, "creatives[0].identity_id: 7000000000000000000 is not a CUSTOMIZED_USER identity"),
    ],
)
def test_ad_create_refuses_bad_creatives(token, overrides, code, message):
    _campaign_id, adgroup_id = lead_tree(token)
    body = ad(token, adgroup_id, [{**creative(video()), **overrides}])

    assert body["code"] == code, body
    assert body["message"].startswith(message), body["message"]
    assert not BusinessObject.objects.filter(kind="ad").exists()


def test_ad_create_refuses_an_unpublished_form_and_another_advertisers_video(token):
    _campaign_id, adgroup_id = lead_tree(token)
    draft = next(page["page_id"] for page in instant_pages(MY) if page["status"] == "EDITED")
    video(OUTLET, "v10033g50000outletclip")

    assert (
        ad(token, adgroup_id, [creative(video(), page_id=draft)])["message"]
        == f"creatives[0].page_id: The instant page {draft} is not published."
    )
    assert ad(token, adgroup_id, [creative("v10033g50000outletclip")])["code"] == 40053


def test_ad_create_takes_at_most_20_creatives_and_50_ads_per_adgroup(token):
    _campaign_id, adgroup_id = lead_tree(token)
    video_id = video()

    assert ad(token, adgroup_id, [creative(video_id)] * 21)["message"] == "creatives: At most 20 creatives per call."
    assert ad(token, adgroup_id, [creative(video_id)] * 20)["code"] == 0
    assert ad(token, adgroup_id, [creative(video_id)] * 20)["code"] == 0
    first_ids = ad(token, adgroup_id, [creative(video_id)] * 10)["data"]["ad_ids"]
    full = ad(token, adgroup_id, [creative(video_id)])
    assert full["code"] == 40502 and full["message"].startswith("ad limit reached")
    # A deleted ad frees its place.
    post("ad/status/update/", token, {"advertiser_id": MY.advertiser_id, "ad_ids": first_ids[:1], "operation_status": "DELETE"})
    assert ad(token, adgroup_id, [creative(video_id)])["code"] == 0


def test_ad_create_under_a_deleted_adgroup_or_campaign(token):
    campaign_id, adgroup_id = lead_tree(token)
    video_id = video()
    post("adgroup/status/update/", token, {"advertiser_id": MY.advertiser_id, "adgroup_ids": [adgroup_id], "operation_status": "DELETE"})

    assert ad(token, adgroup_id, [creative(video_id)])["message"] == f"adgroup_id: The ad group {adgroup_id} is deleted."
    missing = ad(token, "1800000000000000000", [creative(video_id)])
    assert (missing["code"], missing["message"]) == (40007, "The ad group 1800000000000000000 does not exist.")


def test_website_ads_need_a_landing_page(token):
    traffic = campaign(token, objective_type="TRAFFIC")["data"]["campaign_id"]
    adgroup_id = adgroup(token, MY, traffic, promotion_type="WEBSITE", optimization_goal="CLICK", billing_event="CPC")["data"]["adgroup_id"]
    video_id = video()

    assert (
        ad(token, adgroup_id, [creative(video_id, page_id=None)])["message"]
        == "creatives[0].landing_page_url: Missing data for required field."
    )
    body = ad(token, adgroup_id, [creative(video_id, page_id=None, landing_page_url="https://glow.example/?ad=__CID__")])
    assert body["code"] == 0 and body["data"]["creatives"][0]["page_id"] is None


def test_ad_update_and_status_update(token):
    _campaign_id, adgroup_id = lead_tree(token)
    ad_id = ad(token, adgroup_id, [creative(video())])["data"]["ad_ids"][0]
    body = {"advertiser_id": MY.advertiser_id, "adgroup_id": adgroup_id}

    updated = post("ad/update/", token, {**body, "creatives": [{"ad_id": ad_id, "ad_text": "New text", "ad_name": "v1b"}]})
    assert updated["code"] == 0 and updated["data"]["ad_ids"] == [ad_id]
    row = get("ad/get/", token, advertiser_id=MY.advertiser_id, filtering={"ad_ids": [ad_id]})["data"]["list"][0]
    assert (row["ad_text"], row["ad_name"], row["video_id"]) == ("New text", "v1b", "v10033g50000sandboxvideo01")
    assert post("ad/update/", token, {**body, "creatives": [{"ad_id": ad_id, "ad_text": ""}]})["code"] == 40002
    status = {"advertiser_id": MY.advertiser_id, "ad_ids": [ad_id]}
    assert post("ad/status/update/", token, {**status, "operation_status": "DISABLE"})["data"] == {"ad_ids": [ad_id], "status": "DISABLE"}
    assert post("ad/status/update/", token, {**status, "operation_status": "DELETE"})["code"] == 0
    assert post("ad/status/update/", token, {**status, "operation_status": "ENABLE"})["code"] == 40002
    assert post("ad/update/", token, {**body, "creatives": [{"ad_id": ad_id, "ad_text": "x"}]})["code"] == 40002
    assert get("ad/get/", token, advertiser_id=MY.advertiser_id)["data"]["list"] == []


# --- Identities, instant pages, advertiser info ------------------------------------------


def test_identity_get_has_one_custom_and_one_tiktok_identity_per_advertiser(token):
    body = get("identity/get/", token, advertiser_id=MY.advertiser_id)
    rows = body["data"]["identity_list"]

    assert [row["identity_type"] for row in rows] == ["CUSTOMIZED_USER", "TT_USER"]
    assert rows == identities(MY) and rows[0]["display_name"] == "Glow Corner MY"
    assert all(len(row["identity_id"]) == 19 and row["available_status"] == "AVAILABLE" for row in rows)
    assert identities(OUTLET)[0]["identity_id"] != rows[0]["identity_id"]
    only = get("identity/get/", token, advertiser_id=MY.advertiser_id, identity_type="TT_USER")["data"]["identity_list"]
    assert only == rows[1:]
    assert get("identity/get/", token, advertiser_id=MY.advertiser_id, identity_type="X")["code"] == 40002


def test_page_get_lists_the_lead_forms(token):
    body = get("page/get/", token, advertiser_id=MY.advertiser_id, page_size=100)
    rows = body["data"]["list"]

    assert [(row["title"], row["status"]) for row in rows] == [
        ("Free trial lesson", "EDITED"),
        ("Call me back", "PUBLISHED"),
        ("Price list request", "PUBLISHED"),
    ]
    assert all(isinstance(row["page_id"], int) and len(str(row["page_id"])) == 19 for row in rows)
    assert body["data"]["page_info"] == {"page": 1, "page_size": 100, "total_number": 3, "total_page": 1}
    published = get("page/get/", token, advertiser_id=MY.advertiser_id, page_status="PUBLISHED")["data"]["list"]
    assert [row["page_id"] for row in published] == [row["page_id"] for row in rows[1:]]
    assert get("page/get/", token, advertiser_id=MY.advertiser_id, business_type="STORE_FRONT")["data"]["list"] == []
    assert get("page/get/", token, advertiser_id=MY.advertiser_id, page_size=101)["code"] == 40002


def test_advertiser_info_has_balance_status_and_company(token):
    row = get("advertiser/info/", token, advertiser_ids=[MY.advertiser_id])["data"]["list"][0]

    assert row["balance"] == MY.balance and isinstance(row["balance"], float)
    assert row["status"] == "STATUS_ENABLE" and row["role"] == "ROLE_ADVERTISER"
    assert (row["display_timezone"], row["timezone"], row["currency"], row["country"]) == ("Asia/Kuala_Lumpur", "Etc/GMT-8", "MYR", "MY")
    assert row["company"] and isinstance(row["create_time"], int) and row["name"] == "Glow Corner MY"


# --- Unknown paths ------------------------------------------------------------------------


def test_unknown_paths_answer_the_json_envelope(token):
    unknown = requests.get(api("campaign/copy/"), headers={"Access-Token": token}, timeout=30)
    assert unknown.status_code == 200 and unknown.headers["Content-Type"].startswith("application/json")
    assert unknown.json()["code"] == 40008 and unknown.json()["message"] == "API not implemented: /open_api/v1.3/campaign/copy/"

    no_slash = requests.post(api("campaign/create"), json={}, headers={"Access-Token": token}, timeout=30)
    assert no_slash.status_code == 404 and no_slash.json()["code"] == 40008
    other_version = requests.get(f"{settings.SANDBOX_BASE_URL}/{EMULATOR}/open_api/v1.2/campaign/get/", timeout=30)
    assert other_version.json()["code"] == 40008
    # Real routes still win over the catch-all.
    assert get("campaign/get/", token, advertiser_id=MY.advertiser_id)["code"] == 0


def test_the_clock_drives_create_times(token, sandbox):
    sandbox.set_options(EMULATOR, clock_frozen_at=NOW + 86_400)
    created = campaign(token)["data"]
    assert created["create_time"] == datetime.fromtimestamp(NOW + 86_400, tz=UTC).strftime("%Y-%m-%d %H:%M:%S")


# --- The leads fixture (KZT) --------------------------------------------------------------


def test_the_leads_fixture_has_two_kzt_accounts_with_kzt_minimums(sandbox, db, settings):
    settings.TIKTOK_MIN_DAILY_BUDGET_KZT = 2500
    sandbox.set_options(EMULATOR, clock_frozen_at=NOW)
    body = requests.post(
        api("oauth2/access_token/"),
        json={
            "app_id": settings.TIKTOK_BUSINESS_APP_ID,
            "secret": settings.TIKTOK_BUSINESS_APP_SECRET,
            "auth_code": auth_code_issue(fixture="leads"),
        },
        timeout=30,
    ).json()
    leads_token = body["data"]["access_token"]
    school, clinic = data.fixture_get("leads").advertisers

    info = get("advertiser/info/", leads_token, advertiser_ids=[school.advertiser_id, clinic.advertiser_id])["data"]["list"]
    assert [(row["name"], row["currency"], row["display_timezone"], row["timezone"], row["country"]) for row in info] == [
        ("Almaty English School", "KZT", "Asia/Almaty", "Etc/GMT-5", "KZ"),
        ("Astana Dental Clinic", "KZT", "Asia/Almaty", "Etc/GMT-5", "KZ"),
    ]
    assert get("gmv_max/store/list/", leads_token, advertiser_id=school.advertiser_id)["data"] == {"store_list": []}
    assert (
        campaign(leads_token, school, budget_mode="BUDGET_MODE_DAY", budget=6000)["message"]
        == "budget: Budget must be at least 6250.00 KZT."
    )
    campaign_id = campaign(leads_token, school)["data"]["campaign_id"]
    low = adgroup(leads_token, school, campaign_id, budget=2499)
    assert (low["code"], low["message"]) == (40002, "budget: Budget must be at least 2500.00 KZT.")
    assert adgroup(leads_token, school, campaign_id, budget=2500)["code"] == 0
    # The demo token does not reach the leads accounts.
    assert campaign(demo_token(sandbox), school)["code"] == 40001
