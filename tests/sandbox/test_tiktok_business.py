"""The TikTok Business API v1.3 emulator: OAuth, tokens, advertisers, GMV Max stores, campaigns
and the report with its rules, paging and deterministic data (rooms across midnight, ONGOING
rooms on the clock's day, the zero-cost shop), through real HTTP calls on the in-process bridge."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
import requests
from django.conf import settings

from sandbox.emulators.tiktok_business import data
from sandbox.emulators.tiktok_business.tokens import auth_code_issue

EMULATOR = "tiktok-business"
KL = ZoneInfo("Asia/Kuala_Lumpur")
# 2026-11-18 12:00 in Kuala Lumpur (11:00 in Jakarta).
NOW = int(datetime(2026, 11, 18, 12, 0, tzinfo=KL).timestamp())
TODAY = date(2026, 11, 18)
ROOM_METRICS = list(data.ROOM_METRICS)
CAMPAIGN_METRICS = ["cost", "net_cost", "orders", "cost_per_order", "gross_revenue", "roi"]

DEMO = data.fixture_get("demo")
MY, OUTLET, MY_LIVE, ID = DEMO.advertisers
MY_STORE = MY.stores[0].store_id


def api(path: str) -> str:
    return f"{settings.SANDBOX_BASE_URL}/{EMULATOR}/open_api/v1.3/{path}"


def control(method: str, path: str, payload: dict | None = None) -> dict:
    response = requests.request(method, f"{settings.SANDBOX_BASE_URL}/_control/{EMULATOR}/{path}", json=payload, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def exchange(code: str, *, app_id: str | None = None, secret: str | None = None) -> dict:
    body = {
        "app_id": app_id or settings.TIKTOK_BUSINESS_APP_ID,
        "secret": secret or settings.TIKTOK_BUSINESS_APP_SECRET,
        "auth_code": code,
    }
    return requests.post(api("oauth2/access_token/"), json=body, timeout=30).json()


def get(path: str, token: str | None, **params) -> dict:
    query = {key: json.dumps(value) if isinstance(value, list | dict) else value for key, value in params.items()}
    headers = {"Access-Token": token} if token is not None else {}
    response = requests.get(api(path), params=query, headers=headers, timeout=30)
    assert response.status_code == 200
    return response.json()


@pytest.fixture
def clock(sandbox):
    sandbox.set_options(EMULATOR, clock_frozen_at=NOW)
    return NOW


@pytest.fixture
def token(sandbox, clock) -> str:
    return exchange(auth_code_issue(fixture="demo"))["data"]["access_token"]


def report(token: str, advertiser=MY, **overrides) -> dict:
    params = {
        "advertiser_id": advertiser.advertiser_id,
        "store_ids": [advertiser.stores[0].store_id],
        "start_date": (TODAY - timedelta(days=6)).isoformat(),
        "end_date": TODAY.isoformat(),
        "dimensions": ["stat_time_day", "campaign_id"],
        "metrics": CAMPAIGN_METRICS,
        "gmv_max_promotion_type": "LIVE_GMV_MAX",
        "page_size": 1000,
    }
    params.update(overrides)
    return get("gmv_max/report/get/", token, **{key: value for key, value in params.items() if value is not None})


def live_campaigns(advertiser=MY):
    return [campaign for campaign in advertiser.campaigns if campaign.is_live]


def all_room_rows(token, campaign, start, end, advertiser=MY) -> list[dict]:
    rows, page = [], 1
    while True:
        body = report(
            token,
            advertiser,
            start_date=start.isoformat(),
            end_date=end.isoformat(),
            dimensions=["room_id", "stat_time_day"],
            metrics=ROOM_METRICS,
            filtering={"campaign_ids": [campaign.campaign_id]},
            page=page,
        )
        assert body["code"] == 0, body
        rows += body["data"]["list"]
        if page >= body["data"]["page_info"]["total_page"]:
            return rows
        page += 1


# --- OAuth and tokens ---------------------------------------------------------------------


def test_auth_code_exchange_returns_a_token_for_the_fixture_advertisers(sandbox, clock):
    body = exchange(auth_code_issue(fixture="demo"))

    assert body["code"] == 0 and body["message"] == "OK" and body["request_id"]
    assert body["data"]["advertiser_ids"] == [advertiser.advertiser_id for advertiser in DEMO.advertisers]
    assert body["data"]["scope"]
    assert body["data"]["access_token"].startswith("act.")


def test_auth_codes_are_single_use(sandbox, clock):
    code = auth_code_issue(fixture="demo")

    assert exchange(code)["code"] == 0
    again = exchange(code)

    assert again["code"] == 40110
    assert "already been used" in again["message"]


def test_auth_codes_expire_after_ten_minutes(sandbox, clock):
    fresh, stale = auth_code_issue(fixture="demo"), auth_code_issue(fixture="demo")
    control("POST", "clock", {"advance_seconds": 599})
    assert exchange(fresh)["code"] == 0

    control("POST", "clock", {"advance_seconds": 2})

    assert exchange(stale)["code"] == 40110


def test_tampered_codes_and_bad_app_credentials_are_refused(sandbox, clock):
    code = auth_code_issue(fixture="demo")
    kind, body, signature = code.split(".")

    assert exchange(f"{kind}.{body}.{'0' * len(signature)}")["code"] == 40110
    assert exchange(code, secret="wrong-secret")["code"] == 40101
    assert exchange(code, app_id="123")["code"] == 40101
    # Refused attempts don't use the code up.
    assert exchange(code)["code"] == 0


def test_missing_exchange_parameters_are_named(sandbox, clock):
    body = requests.post(api("oauth2/access_token/"), json={"app_id": settings.TIKTOK_BUSINESS_APP_ID, "secret": "x"}, timeout=30).json()

    assert body["code"] == 40002
    assert body["message"].startswith("auth_code:")


def test_token_errors(sandbox, token):
    assert get("gmv_max/store/list/", None, advertiser_id=MY.advertiser_id)["code"] == 40104
    assert get("gmv_max/store/list/", "", advertiser_id=MY.advertiser_id)["code"] == 40104
    assert get("gmv_max/store/list/", "act.bogus.token", advertiser_id=MY.advertiser_id)["code"] == 40105
    assert get("gmv_max/store/list/", token[:-1] + ("0" if token[-1] != "0" else "1"), advertiser_id=MY.advertiser_id)["code"] == 40105
    assert get("gmv_max/store/list/", token, advertiser_id=MY.advertiser_id)["code"] == 0


def test_revoking_a_fixture_revokes_its_tokens_only_until_reauthorized(sandbox, token):
    large_token = exchange(auth_code_issue(fixture="large"))["data"]["access_token"]

    control("POST", "tokens/revoke", {"fixture": "demo"})

    refused = get("gmv_max/store/list/", token, advertiser_id=MY.advertiser_id)
    assert refused["code"] == 40105 and refused["data"] == {}
    large_advertiser = data.fixture_get("large").advertisers[0]
    assert get("gmv_max/store/list/", large_token, advertiser_id=large_advertiser.advertiser_id)["code"] == 0
    new_token = exchange(auth_code_issue(fixture="demo"))["data"]["access_token"]
    assert get("gmv_max/store/list/", new_token, advertiser_id=MY.advertiser_id)["code"] == 0


def test_revoking_one_token(sandbox, token):
    other = exchange(auth_code_issue(fixture="demo"))["data"]["access_token"]

    control("POST", "tokens/revoke", {"access_token": token})

    assert get("gmv_max/store/list/", token, advertiser_id=MY.advertiser_id)["code"] == 40105
    assert get("gmv_max/store/list/", other, advertiser_id=MY.advertiser_id)["code"] == 0


# --- Faults in the platform's shapes ------------------------------------------------------


def test_faults_use_the_platform_codes(sandbox, token):
    sandbox.set_faults(EMULATOR, expired_token=True, times=1)
    assert get("gmv_max/store/list/", token, advertiser_id=MY.advertiser_id)["code"] == 40105

    sandbox.set_faults(EMULATOR, status=429, retry_after=3, times=1)
    response = requests.get(
        api("gmv_max/store/list/"), params={"advertiser_id": MY.advertiser_id}, headers={"Access-Token": token}, timeout=30
    )
    assert response.status_code == 200
    assert response.json()["code"] == 40100
    assert "QPS" in response.json()["message"]
    assert response.headers["Retry-After"] == "3"

    sandbox.set_faults(EMULATOR, status=500, times=1)
    response = requests.get(
        api("gmv_max/store/list/"), params={"advertiser_id": MY.advertiser_id}, headers={"Access-Token": token}, timeout=30
    )
    assert response.status_code == 500
    assert response.json()["code"] == 50000 and response.json()["message"] == "System error."

    assert get("gmv_max/store/list/", token, advertiser_id=MY.advertiser_id)["code"] == 0


# --- Advertisers, stores, campaigns -------------------------------------------------------


def test_advertiser_get_lists_the_token_advertisers(sandbox, token):
    body = get("oauth2/advertiser/get/", token, app_id=settings.TIKTOK_BUSINESS_APP_ID, secret=settings.TIKTOK_BUSINESS_APP_SECRET)

    assert body["data"]["list"] == [{"advertiser_id": a.advertiser_id, "advertiser_name": a.name} for a in DEMO.advertisers]
    wrong = get("oauth2/advertiser/get/", token, app_id=settings.TIKTOK_BUSINESS_APP_ID, secret="nope")
    assert wrong["code"] == 40101


def test_advertiser_info(sandbox, token):
    body = get("advertiser/info/", token, advertiser_ids=[MY.advertiser_id, ID.advertiser_id])

    first, second = body["data"]["list"]
    assert (first["advertiser_id"], first["name"], first["currency"], first["display_timezone"], first["timezone"]) == (
        MY.advertiser_id,
        "Glow Corner MY",
        "MYR",
        "Asia/Kuala_Lumpur",
        "Etc/GMT-8",
    )
    assert (second["currency"], second["display_timezone"]) == ("IDR", "Asia/Jakarta")
    assert get("advertiser/info/", token, advertiser_ids=["1234"])["code"] == 40001
    missing = get("advertiser/info/", token)
    assert missing["code"] == 40002 and missing["message"].startswith("advertiser_ids:")


def test_store_list_and_shared_stores(sandbox, token):
    stores = {a.name: get("gmv_max/store/list/", token, advertiser_id=a.advertiser_id)["data"]["store_list"] for a in DEMO.advertisers}

    assert [store["store_name"] for store in stores["Glow Corner MY"]] == ["Glow Corner MY"]
    assert stores["Glow Corner MY"][0]["store_id"] == stores["Glow Corner MY Live"][0]["store_id"]
    assert [(s["store_name"], s["is_gmv_max_available"]) for s in stores["Glow Corner ID"]] == [
        ("Glow Corner ID", True),
        ("Glow Corner ID Pop-up", False),
    ]
    assert get("gmv_max/store/list/", token, advertiser_id="999")["code"] == 40001
    assert get("gmv_max/store/list/", token)["message"] == "advertiser_id: Missing data for required field."


def test_campaign_get_filters_by_promotion_type_and_pages(sandbox, token):
    live = get(
        "gmv_max/campaign/get/", token, advertiser_id=MY.advertiser_id, filtering={"gmv_max_promotion_types": ["LIVE_GMV_MAX"]}, page_size=3
    )

    info = live["data"]["page_info"]
    assert info == {"page": 1, "page_size": 3, "total_number": 4, "total_page": 2}
    second = get(
        "gmv_max/campaign/get/",
        token,
        advertiser_id=MY.advertiser_id,
        filtering={"gmv_max_promotion_types": ["LIVE_GMV_MAX"]},
        page_size=3,
        page=2,
    )
    ids = [row["campaign_id"] for row in live["data"]["list"] + second["data"]["list"]]
    assert ids == sorted(campaign.campaign_id for campaign in live_campaigns())
    row = live["data"]["list"][0]
    assert isinstance(row["campaign_id"], str) and row["advertiser_id"] == MY.advertiser_id and row["store_id"] == MY_STORE
    assert row["gmv_max_promotion_type"] == "LIVE_GMV_MAX" and row["operation_status"] in ("ENABLE", "DISABLE")
    assert len(row["create_time"]) == 19 and len(row["modify_time"]) == 19
    both = get("gmv_max/campaign/get/", token, advertiser_id=MY.advertiser_id, page_size=100)
    assert both["data"]["page_info"]["total_number"] == 8
    assert get("gmv_max/campaign/get/", token, advertiser_id=MY.advertiser_id, page_size=101)["code"] == 40002


def test_campaign_get_filters_by_campaign_ids_given_as_a_list(sandbox, token):
    wanted = sorted(campaign.campaign_id for campaign in MY.campaigns)[:2]

    found = get("gmv_max/campaign/get/", token, advertiser_id=MY.advertiser_id, filtering={"campaign_ids": wanted})
    refused = get("gmv_max/campaign/get/", token, advertiser_id=MY.advertiser_id, filtering={"campaign_ids": wanted[0]})

    assert [row["campaign_id"] for row in found["data"]["list"]] == wanted
    campaign = DEMO.campaign(wanted[0])
    first, _ = campaign.span(MY, TODAY)
    created = datetime.combine(first - timedelta(days=1), datetime.min.time(), tzinfo=KL).replace(hour=3)
    assert found["data"]["list"][0]["create_time"] == created.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%d %H:%M:%S")
    assert (refused["code"], refused["message"]) == (40002, "filtering.campaign_ids: Must be a list of IDs.")


def test_python_repr_and_repeated_list_parameters_are_tolerated(sandbox, token):
    by_json = report(token)
    query = {
        "advertiser_id": MY.advertiser_id,
        "store_ids": str([MY_STORE]),
        "start_date": (TODAY - timedelta(days=6)).isoformat(),
        "end_date": TODAY.isoformat(),
        "dimensions": str(["stat_time_day", "campaign_id"]),
        "metrics": str(CAMPAIGN_METRICS),
        "gmv_max_promotion_type": "LIVE_GMV_MAX",
        "page_size": 1000,
    }
    by_repr = requests.get(api("gmv_max/report/get/"), params=query, headers={"Access-Token": token}, timeout=30).json()
    repeated = requests.get(
        api("gmv_max/report/get/"),
        params={**query, "metrics": CAMPAIGN_METRICS, "dimensions": ["stat_time_day", "campaign_id"]},
        headers={"Access-Token": token},
        timeout=30,
    ).json()

    assert by_json["code"] == by_repr["code"] == repeated["code"] == 0
    assert by_json["data"] == by_repr["data"] == repeated["data"]


# --- Report rules -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["advertiser_id", "store_ids", "start_date", "end_date", "dimensions", "metrics", "gmv_max_promotion_type"]
)
def test_report_required_parameters(sandbox, token, name):
    body = report(token, **{name: None})

    assert body["code"] == 40002
    assert body["message"].startswith(f"{name}:")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"start_date": "2026-13-01"}, "start_date: Not a valid date"),
        ({"end_date": "18/11/2026"}, "end_date: Not a valid date"),
        ({"start_date": "2026-11-18", "end_date": "2026-11-17"}, "start_date: The start date must not be later than the end date."),
        ({"start_date": "2026-08-17", "end_date": "2026-11-18"}, "cannot exceed 93 days"),
        ({"dimensions": ["campaign_id", "room_id", "stat_time_day", "stat_time_hour"]}, "dimensions: The dimension grouping"),
        ({"dimensions": ["stat_time_day", "stat_time_day"]}, "dimensions: The dimension grouping"),
        ({"metrics": ["cost", "clicks"]}, "metrics: one or more value of the param is not acceptable, correct is [cost, net_cost"),
        ({"gmv_max_promotion_type": "LIVE"}, "gmv_max_promotion_type: Must be one of"),
        ({"page_size": 1001}, "page_size: Must be between 1 and 1000."),
        ({"page": 0}, "page: Must be at least 1."),
        ({"store_ids": "not-a-list"}, "store_ids: Invalid value"),
        ({"dimensions": ["room_id", "stat_time_day"], "gmv_max_promotion_type": "PRODUCT_GMV_MAX"}, "room_id is only supported"),
    ],
)
def test_report_invalid_parameters(sandbox, token, overrides, message):
    body = report(token, **overrides)

    assert body["code"] == 40002
    assert message in body["message"]


def test_the_93_day_limit_includes_both_ends(sandbox, token):
    assert report(token, start_date="2026-08-18", end_date="2026-11-18")["code"] == 0
    assert report(token, start_date="2026-08-17", end_date="2026-11-18")["code"] == 40002


def test_livestream_metrics_need_exactly_one_campaign(sandbox, token):
    first, second = live_campaigns()[:2]
    rooms = {"dimensions": ["room_id", "stat_time_day"], "metrics": ROOM_METRICS}

    unfiltered = report(token, **rooms)
    two = report(token, **rooms, filtering={"campaign_ids": [first.campaign_id, second.campaign_id]})
    one = report(token, **rooms, filtering={"campaign_ids": [first.campaign_id]})
    campaign_level = report(token, metrics=["cost", "live_name"], filtering={"campaign_ids": [first.campaign_id]})

    for refused in (unfiltered, two):
        assert refused["code"] == 40002
        assert (
            "live_name, live_status, live_launched_time, live_duration are only supported when filtering.campaign_ids contains exactly one campaign ID"
            in refused["message"]
        )
    assert one["code"] == 0
    assert campaign_level["code"] == 40002 and "only supported with room_id in dimensions" in campaign_level["message"]
    # Room figures without the livestream metrics work across campaigns.
    assert report(token, dimensions=["campaign_id", "room_id"], metrics=["cost", "orders"])["code"] == 0


def test_a_store_of_another_advertiser_is_no_permission(sandbox, token):
    body = report(token, store_ids=[ID.stores[0].store_id])

    assert body["code"] == 40001


# --- Report data --------------------------------------------------------------------------


def test_campaign_day_rows_are_strings_and_match_the_data_module(sandbox, token):
    body = report(token)

    rows = body["data"]["list"]
    assert rows and body["data"]["page_info"]["total_number"] == len(rows)
    for row in rows:
        assert list(row["dimensions"]) == ["stat_time_day", "campaign_id"]
        assert row["dimensions"]["stat_time_day"].endswith(" 00:00:00")
        assert all(isinstance(value, str) for value in row["metrics"].values())
        assert list(row["metrics"]) == CAMPAIGN_METRICS
        day = date.fromisoformat(row["dimensions"]["stat_time_day"][:10])
        expected = data.campaign_day("demo", MY.advertiser_id, row["dimensions"]["campaign_id"], day, now=NOW)
        assert row["metrics"] == {name: expected[name] for name in CAMPAIGN_METRICS}
    keys = [(row["dimensions"]["stat_time_day"], row["dimensions"]["campaign_id"]) for row in rows]
    assert keys == sorted(keys)
    assert {row["dimensions"]["campaign_id"] for row in rows} <= {campaign.campaign_id for campaign in live_campaigns()}


def test_roi_and_cost_per_order_are_derived_from_the_row(sandbox, token):
    for row in report(token)["data"]["list"]:
        metrics = row["metrics"]
        cost, revenue, orders = Decimal(metrics["cost"]), Decimal(metrics["gross_revenue"]), int(metrics["orders"])
        if cost:
            assert metrics["roi"] == str((revenue / cost).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP"))
        if orders:
            assert metrics["cost_per_order"] == str((cost / orders).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP"))
        else:
            assert metrics["cost_per_order"] == "-"


def test_paging_is_stable_and_complete(sandbox, token):
    start = (TODAY - timedelta(days=29)).isoformat()
    whole = report(token, start_date=start, gmv_max_promotion_type="PRODUCT_GMV_MAX")["data"]
    pages, page = [], 1
    while True:
        part = report(token, start_date=start, gmv_max_promotion_type="PRODUCT_GMV_MAX", page_size=7, page=page)["data"]
        pages += part["list"]
        assert part["page_info"]["total_number"] == whole["page_info"]["total_number"]
        if page == part["page_info"]["total_page"]:
            break
        page += 1

    assert pages == whole["list"]
    assert len(pages) == whole["page_info"]["total_number"] > 7
    beyond = report(token, start_date=start, gmv_max_promotion_type="PRODUCT_GMV_MAX", page_size=7, page=page + 1)["data"]
    assert beyond["list"] == []


def test_data_is_deterministic(sandbox, token):
    assert report(token)["data"] == report(token)["data"]


def test_product_rows_carry_product_metrics(sandbox, token):
    body = report(token, gmv_max_promotion_type="PRODUCT_GMV_MAX", metrics=["cost", "product_impressions", "product_clicks", "live_views"])

    row = body["data"]["list"][0]
    assert int(row["metrics"]["product_impressions"]) > int(row["metrics"]["product_clicks"]) > 0
    assert row["metrics"]["live_views"] == "-"


def test_no_rows_before_the_data_window_or_after_today(sandbox, token):
    first_day = TODAY - timedelta(days=MY.days - 1)

    before = report(token, start_date=(first_day - timedelta(days=10)).isoformat(), end_date=(first_day - timedelta(days=1)).isoformat())
    future = report(token, start_date=(TODAY + timedelta(days=1)).isoformat(), end_date=(TODAY + timedelta(days=5)).isoformat())

    assert before["data"]["list"] == [] and future["data"]["list"] == []
    assert future["data"]["page_info"] == {"page": 1, "page_size": 1000, "total_number": 0, "total_page": 0}


def test_live_campaign_days_are_the_sum_of_their_rooms(sandbox, token):
    start = TODAY - timedelta(days=13)
    campaign_rows = report(token, start_date=start.isoformat())["data"]["list"]
    checked = 0
    for campaign in live_campaigns():
        rooms = all_room_rows(token, campaign, start, TODAY)
        for row in (r for r in campaign_rows if r["dimensions"]["campaign_id"] == campaign.campaign_id):
            day_rooms = [room for room in rooms if room["dimensions"]["stat_time_day"] == row["dimensions"]["stat_time_day"]]
            for name in ("cost", "gross_revenue", "net_cost"):
                assert Decimal(row["metrics"][name]) == sum((Decimal(room["metrics"][name]) for room in day_rooms), Decimal("0"))
            assert int(row["metrics"]["orders"]) == sum(int(room["metrics"]["orders"]) for room in day_rooms)
            checked += bool(day_rooms)
    assert checked > 10


def test_rooms_spanning_midnight_have_two_day_rows_with_one_launched_time(sandbox, token):
    start = TODAY - timedelta(days=59)
    found = []
    for campaign in live_campaigns():
        rows = all_room_rows(token, campaign, start, TODAY - timedelta(days=1))
        by_room: dict[str, list[dict]] = {}
        for row in rows:
            by_room.setdefault(row["dimensions"]["room_id"], []).append(row)
        found += [room_rows for room_rows in by_room.values() if len(room_rows) == 2]

    assert found, "the demo fixture has rooms across midnight"
    for first, second in found:
        day_one, day_two = (date.fromisoformat(row["dimensions"]["stat_time_day"][:10]) for row in (first, second))
        assert day_two == day_one + timedelta(days=1)
        assert first["metrics"]["live_launched_time"] == second["metrics"]["live_launched_time"]
        assert first["metrics"]["live_duration"] == second["metrics"]["live_duration"]
        assert first["metrics"]["live_name"] == second["metrics"]["live_name"]


def _live_room_on(day: date):
    """A room of the MY advertiser launched on ``day`` and over by midnight."""
    for campaign in live_campaigns():
        context = data.Context(DEMO, MY, NOW)
        for room in context.rooms_launched(campaign, day):
            if room.ends.date() == day:
                return campaign, room
    raise AssertionError("no room")


def test_a_room_live_at_the_clock_is_ongoing_with_the_figures_so_far(sandbox, token):
    day = TODAY - timedelta(days=3)
    campaign, room = _live_room_on(day)
    halfway = room.launched + timedelta(seconds=room.duration // 2)
    control("POST", "clock", {"frozen_at": int(halfway.replace(tzinfo=KL).timestamp())})

    at_halfway = all_room_rows(token, campaign, day, day)
    control("POST", "clock", {"frozen_at": NOW})
    later = all_room_rows(token, campaign, day, day)
    ongoing = [row for row in at_halfway if row["dimensions"]["room_id"] == room.room_id]
    ended = [row for row in later if row["dimensions"]["room_id"] == room.room_id]

    assert len(ongoing) == len(ended) == 1
    assert ongoing[0]["metrics"]["live_status"] == "ONGOING"
    assert ended[0]["metrics"]["live_status"] == "END"
    minutes = room.duration // 2 // 60
    assert ongoing[0]["metrics"]["live_duration"] == (f"{minutes // 60}h {minutes % 60}m" if minutes >= 60 else f"{minutes}m")
    expected_cost = room.totals["cost"] * (room.duration // 2) // room.duration
    assert Decimal(ongoing[0]["metrics"]["cost"]) == Decimal(expected_cost) / 100
    assert Decimal(ongoing[0]["metrics"]["cost"]) < Decimal(ended[0]["metrics"]["cost"]) == Decimal(room.totals["cost"]) / 100
    # Rooms launched later that day don't exist yet at the halfway clock.
    launched_later = {r.room_id for r in data.Context(DEMO, MY, NOW).rooms_launched(campaign, day) if r.launched > halfway}
    assert not launched_later & {row["dimensions"]["room_id"] for row in at_halfway}
    assert launched_later <= {row["dimensions"]["room_id"] for row in later}


def test_ongoing_rooms_only_today(sandbox, token):
    statuses = {}
    for campaign in live_campaigns():
        for row in all_room_rows(token, campaign, TODAY - timedelta(days=30), TODAY):
            statuses.setdefault(row["metrics"]["live_status"], set()).add(row["dimensions"]["stat_time_day"][:10])

    assert statuses.get("ONGOING", set()) <= {TODAY.isoformat()}
    # A clock late in the evening finds a room live today in the demo data.
    evening = int(datetime(2026, 11, 18, 21, 30, tzinfo=KL).timestamp())
    live_now = [
        (campaign, room)
        for advertiser in (MY, MY_LIVE)
        for campaign in live_campaigns(advertiser)
        for room in data.Context(DEMO, advertiser, evening).rooms_launched(campaign, TODAY)
        if room.ends > datetime(2026, 11, 18, 21, 30)
    ]
    assert live_now
    advertiser = MY if live_now[0][0].advertiser_id == MY.advertiser_id else MY_LIVE
    control("POST", "clock", {"frozen_at": evening})
    rows = all_room_rows(token, live_now[0][0], TODAY, TODAY, advertiser=advertiser)
    assert {row["metrics"]["live_status"] for row in rows if row["dimensions"]["room_id"] == live_now[0][1].room_id} == {"ONGOING"}


def test_rooms_without_launched_time_and_old_rooms_without_status(sandbox, token):
    launched, statuses = [], []
    start = TODAY - timedelta(days=MY.days - 1)
    for campaign in live_campaigns():
        for chunk_start in (start, start + timedelta(days=60)):
            rows = all_room_rows(token, campaign, chunk_start, min(chunk_start + timedelta(days=59), TODAY))
            launched += [row["metrics"]["live_launched_time"] for row in rows]
            statuses += [(row["dimensions"]["stat_time_day"][:10], row["metrics"]["live_status"]) for row in rows]

    assert "-" in launched
    assert all(value == "-" or len(value) == 19 for value in launched)
    blank_days = [day for day, status in statuses if status == ""]
    assert blank_days and all(date.fromisoformat(day) < TODAY - timedelta(days=60) for day in blank_days)


def test_the_zero_cost_shop_reports_zero_every_day(sandbox, token):
    for promotion_type in ("PRODUCT_GMV_MAX", "LIVE_GMV_MAX"):
        body = report(token, OUTLET, gmv_max_promotion_type=promotion_type, start_date=(TODAY - timedelta(days=29)).isoformat())
        rows = body["data"]["list"]
        assert len({row["dimensions"]["stat_time_day"] for row in rows}) == 30
        for row in rows:
            assert row["metrics"]["cost"] == "0.00"
            assert row["metrics"]["roi"] == "0.00"
            assert row["metrics"]["cost_per_order"] == "-"


def test_grouped_rows_are_the_sums_of_the_day_rows(sandbox, token):
    days = report(token)["data"]["list"]
    by_campaign = report(token, dimensions=["campaign_id"])["data"]["list"]
    by_day = report(token, dimensions=["stat_time_day"])["data"]["list"]

    for row in by_campaign:
        part = [d for d in days if d["dimensions"]["campaign_id"] == row["dimensions"]["campaign_id"]]
        assert Decimal(row["metrics"]["cost"]) == sum(Decimal(d["metrics"]["cost"]) for d in part)
    for row in by_day:
        part = [d for d in days if d["dimensions"]["stat_time_day"] == row["dimensions"]["stat_time_day"]]
        assert int(row["metrics"]["orders"]) == sum(int(d["metrics"]["orders"]) for d in part)
    assert len(by_day) == 7


def test_hourly_room_rows_add_up_to_the_daily_ones(sandbox, token):
    campaign = live_campaigns()[0]
    start = TODAY - timedelta(days=6)
    common = {"start_date": start.isoformat(), "filtering": {"campaign_ids": [campaign.campaign_id]}, "metrics": ["cost", "orders"]}

    daily = report(token, dimensions=["room_id", "stat_time_day"], **common)["data"]["list"]
    hourly = report(token, dimensions=["room_id", "stat_time_hour"], **common)["data"]["list"]
    rooms = report(token, dimensions=["room_id"], **common)["data"]["list"]

    assert daily
    assert all(row["dimensions"]["stat_time_hour"].endswith(":00:00") for row in hourly)
    assert sum(Decimal(row["metrics"]["cost"]) for row in hourly) == sum(Decimal(row["metrics"]["cost"]) for row in daily)
    assert sum(Decimal(row["metrics"]["cost"]) for row in rooms) == sum(Decimal(row["metrics"]["cost"]) for row in daily)
    assert len(rooms) == len({row["dimensions"]["room_id"] for row in daily})


def test_rooms_for_matches_the_api(sandbox, token):
    campaign = live_campaigns()[1]
    start = TODAY - timedelta(days=20)

    assert all_room_rows(token, campaign, start, TODAY) == data.rooms_for(
        "demo", MY.advertiser_id, campaign.campaign_id, start, TODAY, now=NOW
    )


def test_room_totals_match_the_room_grouping_of_the_api(sandbox, token):
    campaign = live_campaigns()[1]
    start = TODAY - timedelta(days=20)

    grouped = report(
        token,
        start_date=start.isoformat(),
        dimensions=["room_id"],
        metrics=ROOM_METRICS,
        filtering={"campaign_ids": [campaign.campaign_id]},
    )["data"]["list"]

    totals = data.room_totals("demo", MY.advertiser_id, campaign.campaign_id, start, TODAY, now=NOW)
    assert grouped and len(grouped) == len(totals)
    for row in grouped:
        expected = totals[row["dimensions"]["room_id"]]
        assert row["metrics"] == {name: expected[name] for name in ROOM_METRICS}


def test_today_follows_each_advertiser_time_zone(sandbox, token):
    # 00:30 in Kuala Lumpur is 23:30 of the day before in Jakarta.
    control("POST", "clock", {"frozen_at": int(datetime(2026, 11, 19, 0, 30, tzinfo=KL).timestamp())})
    window = {
        "start_date": "2026-11-17",
        "end_date": "2026-11-19",
        "dimensions": ["stat_time_day"],
        "gmv_max_promotion_type": "PRODUCT_GMV_MAX",
    }

    my_days = [row["dimensions"]["stat_time_day"] for row in report(token, MY, **window)["data"]["list"]]
    id_days = [row["dimensions"]["stat_time_day"] for row in report(token, ID, **window)["data"]["list"]]

    assert my_days[-1] == "2026-11-19 00:00:00"
    assert id_days[-1] == "2026-11-18 00:00:00"
    assert data.today_for(ID, int(datetime(2026, 11, 19, 0, 30, tzinfo=KL).timestamp())) == date(2026, 11, 18)


def test_today_accrues_with_the_clock(sandbox, token):
    campaign = next(c for c in MY.campaigns if not c.is_live and c.stop_days == 0)
    morning = data.campaign_day("demo", MY.advertiser_id, campaign.campaign_id, TODAY, now=NOW - 3 * 3600)
    noon = data.campaign_day("demo", MY.advertiser_id, campaign.campaign_id, TODAY, now=NOW)
    tomorrow = data.campaign_day("demo", MY.advertiser_id, campaign.campaign_id, TODAY, now=NOW + 86_400)

    assert Decimal(morning["cost"]) < Decimal(noon["cost"]) < Decimal(tomorrow["cost"])
    yesterday_then = data.campaign_day("demo", MY.advertiser_id, campaign.campaign_id, TODAY - timedelta(days=1), now=NOW)
    yesterday_later = data.campaign_day("demo", MY.advertiser_id, campaign.campaign_id, TODAY - timedelta(days=1), now=NOW + 3600)
    assert yesterday_then == yesterday_later


# --- Authorize page -----------------------------------------------------------------------


def test_authorize_page_lists_fixtures_and_redirects_with_the_code(sandbox, clock):
    url = f"{settings.SANDBOX_BASE_URL}/{EMULATOR}/portal/auth"
    query = {"app_id": settings.TIKTOK_BUSINESS_APP_ID, "state": "s-123", "redirect_uri": "http://testserver/ads/oauth/callback/"}

    page = requests.get(url, params=query, timeout=30)
    approved = requests.post(url, data={**query, "fixture": "large"}, allow_redirects=False, timeout=30)

    assert page.status_code == 200
    assert "Glow Corner MY" in page.text and "Siam Beauty" in page.text
    assert approved.status_code == 302
    location = urlsplit(approved.headers["Location"])
    assert location.path == "/ads/oauth/callback/"
    params = {key: values[0] for key, values in parse_qs(location.query).items()}
    assert params["state"] == "s-123" and params["auth_code"] == params["code"]
    body = exchange(params["auth_code"])
    assert body["data"]["advertiser_ids"] == [a.advertiser_id for a in data.fixture_get("large").advertisers]


def test_authorize_page_refuses_unknown_apps_and_missing_choice(sandbox, clock):
    url = f"{settings.SANDBOX_BASE_URL}/{EMULATOR}/portal/auth"

    unknown = requests.get(url, params={"app_id": "nope", "state": "s"}, timeout=30)
    no_choice = requests.post(url, data={"app_id": settings.TIKTOK_BUSINESS_APP_ID, "state": "s"}, allow_redirects=False, timeout=30)

    assert unknown.status_code == 400 and "is not registered" in unknown.text
    assert no_choice.status_code == 400 and "Choose an account" in no_choice.text


# --- Large fixture ------------------------------------------------------------------------


def test_large_fixture_shape_and_paging(sandbox, clock):
    large = data.fixture_get("large")
    token = exchange(auth_code_issue(fixture="large"))["data"]["access_token"]
    advertiser = large.advertisers[3]

    body = report(
        token,
        advertiser,
        start_date=(TODAY - timedelta(days=92)).isoformat(),
        gmv_max_promotion_type="PRODUCT_GMV_MAX",
        page=2,
    )

    assert len(large.advertisers) == 20
    assert {len(a.campaigns) for a in large.advertisers} == {50}
    assert {a.days for a in large.advertisers} == {365}
    context = data.Context(large, advertiser, NOW)
    expected = sum(1 for c in advertiser.campaigns if not c.is_live for d in range(93) if context.active(c, TODAY - timedelta(days=d)))
    assert body["code"] == 0
    assert body["data"]["page_info"]["total_number"] == expected > 2000
    assert len(body["data"]["list"]) == 1000


def test_control_lists_fixtures(sandbox):
    listing = control("GET", "fixtures")

    assert [a["name"] for a in listing["demo"]] == ["Glow Corner MY", "Glow Corner Outlet", "Glow Corner MY Live", "Glow Corner ID"]
    assert len(listing["large"]) == 20


def test_the_qps_option_answers_the_rate_limit_code(sandbox, token):
    sandbox.set_options(EMULATOR, qps=2)

    codes = [get("gmv_max/store/list/", token, advertiser_id=MY.advertiser_id)["code"] for _ in range(6)]

    assert codes[:2] == [0, 0]
    assert 40100 in codes[2:]
