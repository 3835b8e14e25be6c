"""Helpers for the TikTok Business API emulator's ads-management tests: a demo token with the
clock frozen at ``NOW``, and requests that make campaigns, ad groups and ads the way the product
sends them (lead generation by default)."""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import requests
from django.conf import settings

from sandbox.emulators.tiktok_business import data
from sandbox.emulators.tiktok_business.management import identities, instant_pages
from sandbox.emulators.tiktok_business.tokens import auth_code_issue
from sandbox.models import BusinessObject

EMULATOR = "tiktok-business"
KL = ZoneInfo("Asia/Kuala_Lumpur")
NOW = int(datetime(2026, 11, 18, 12, 0, tzinfo=KL).timestamp())
START = "2026-11-18 05:00:00"  # UTC, 13:00 in Kuala Lumpur

DEMO = data.fixture_get("demo")
MY, OUTLET, MY_LIVE, ID = DEMO.advertisers
LARGE_FIRST = data.fixture_get("large").advertisers[0]


def api(path: str) -> str:
    return f"{settings.SANDBOX_BASE_URL}/{EMULATOR}/open_api/v1.3/{path}"


def post(path: str, token: str, body: dict) -> dict:
    response = requests.post(api(path), json=body, headers={"Access-Token": token}, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def get(path: str, token: str, **params) -> dict:
    query = {key: json.dumps(value) if isinstance(value, list | dict) else value for key, value in params.items()}
    response = requests.get(api(path), params=query, headers={"Access-Token": token}, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def demo_token(sandbox) -> str:
    """A token of the demo fixture, with the emulator's clock frozen at ``NOW``."""
    sandbox.set_options(EMULATOR, clock_frozen_at=NOW)
    body = requests.post(
        api("oauth2/access_token/"),
        json={
            "app_id": settings.TIKTOK_BUSINESS_APP_ID,
            "secret": settings.TIKTOK_BUSINESS_APP_SECRET,
            "auth_code": auth_code_issue(fixture="demo"),
        },
        timeout=30,
    ).json()
    return body["data"]["access_token"]


def video(advertiser=MY, video_id: str = "v10033g50000sandboxvideo01") -> str:
    BusinessObject.objects.create(kind="video", advertiser_id=advertiser.advertiser_id, object_id=video_id, name="clip.mp4")
    return video_id


def campaign(token, advertiser=MY, **overrides) -> dict:
    body = {
        "advertiser_id": advertiser.advertiser_id,
        "campaign_name": "Leads MY 2026-11",
        "objective_type": "LEAD_GENERATION",
        "budget_mode": "BUDGET_MODE_INFINITE",
        **overrides,
    }
    return post("campaign/create/", token, body)


def adgroup_body(advertiser, campaign_id: str, **overrides) -> dict:
    return {
        "advertiser_id": advertiser.advertiser_id,
        "campaign_id": campaign_id,
        "adgroup_name": "IF form A",
        "promotion_type": "LEAD_GENERATION",
        "promotion_target_type": "INSTANT_PAGE",
        "placement_type": "PLACEMENT_TYPE_NORMAL",
        "placements": ["PLACEMENT_TIKTOK"],
        "location_ids": ["1733045"],
        "budget_mode": "BUDGET_MODE_DAY",
        "budget": 20,
        "schedule_type": "SCHEDULE_FROM_NOW",
        "schedule_start_time": START,
        "optimization_goal": "LEAD_GENERATION",
        "billing_event": "OCPM",
        "bid_type": "BID_TYPE_NO_BID",
        "pacing": "PACING_MODE_SMOOTH",
        **overrides,
    }


def adgroup(token, advertiser, campaign_id: str, **overrides) -> dict:
    return post("adgroup/create/", token, adgroup_body(advertiser, campaign_id, **overrides))


def published_page(advertiser=MY) -> int:
    return next(page["page_id"] for page in instant_pages(advertiser) if page["status"] == "PUBLISHED")


def creative(video_id: str, advertiser=MY, **overrides) -> dict:
    identity = identities(advertiser)[0]
    return {
        "ad_name": "v1",
        "ad_format": "SINGLE_VIDEO",
        "identity_type": identity["identity_type"],
        "identity_id": identity["identity_id"],
        "video_id": video_id,
        "ad_text": "Book a free trial lesson",
        "call_to_action": "SIGN_UP",
        "page_id": published_page(advertiser),
        **overrides,
    }


def lead_tree(token, advertiser=MY) -> tuple[str, str]:
    campaign_id = campaign(token, advertiser)["data"]["campaign_id"]
    adgroup_id = adgroup(token, advertiser, campaign_id)["data"]["adgroup_id"]
    return campaign_id, adgroup_id


def ad(token, adgroup_id: str, creatives: list[dict], advertiser=MY, **extra) -> dict:
    return post("ad/create/", token, {"advertiser_id": advertiser.advertiser_id, "adgroup_id": adgroup_id, "creatives": creatives, **extra})
