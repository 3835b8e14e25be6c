"""``report/integrated/get/`` (BASIC, AUCTION) on the TikTok Business API emulator: ad rows are
``auction_report.ad_day`` for the days an ad delivered, higher levels are exact sums of their
ads, and the request rules (levels, dimensions, 30 days, filtering, page size)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from sandbox.emulators.tiktok_business.auction_report import PERFORMANCE_METRICS, ad_day, ad_totals, metrics_of, totals_sum
from tests.sandbox.tiktok_business_objects import EMULATOR, MY, NOW, OUTLET, ad, adgroup, campaign, creative, demo_token, get, post, video

TODAY = date(2026, 11, 18)  # NOW in Kuala Lumpur
DAY = 86_400
METRICS = list(PERFORMANCE_METRICS)


@pytest.fixture
def token(sandbox, db) -> str:
    return demo_token(sandbox)


@pytest.fixture
def tree(token, sandbox):
    """Made three days ago: a lead campaign (ad group A: ads a1, a2; ad group B: ad b1) and a
    traffic campaign (ad t1). a2 was disabled two days ago; b1 was created disabled."""
    sandbox.set_options(EMULATOR, clock_frozen_at=NOW - 3 * DAY)
    start = "2026-11-15 05:00:00"
    video_id = video()
    lead = campaign(token)["data"]["campaign_id"]
    group_a = adgroup(token, MY, lead, schedule_start_time=start)["data"]["adgroup_id"]
    group_b = adgroup(token, MY, lead, schedule_start_time=start, adgroup_name="IF form B")["data"]["adgroup_id"]
    a1, a2 = ad(token, group_a, [creative(video_id, ad_name="a1"), creative(video_id, ad_name="a2")])["data"]["ad_ids"]
    (b1,) = ad(token, group_b, [creative(video_id, ad_name="b1", operation_status="DISABLE")])["data"]["ad_ids"]
    traffic = campaign(token, objective_type="TRAFFIC", campaign_name="Traffic")["data"]["campaign_id"]
    group_t = adgroup(
        token, MY, traffic, schedule_start_time=start, promotion_type="WEBSITE", optimization_goal="CLICK", billing_event="CPC"
    )["data"]["adgroup_id"]
    (t1,) = ad(token, group_t, [creative(video_id, ad_name="t1", page_id=None, landing_page_url="https://glow.example/")])["data"]["ad_ids"]
    sandbox.set_options(EMULATOR, clock_frozen_at=NOW - 2 * DAY)
    post("ad/status/update/", token, {"advertiser_id": MY.advertiser_id, "ad_ids": [a2], "operation_status": "DISABLE"})
    sandbox.set_options(EMULATOR, clock_frozen_at=NOW)
    return {
        "lead": lead,
        "traffic": traffic,
        "group_a": group_a,
        "group_b": group_b,
        "group_t": group_t,
        "a1": a1,
        "a2": a2,
        "b1": b1,
        "t1": t1,
    }


def report(token, advertiser=MY, **params) -> dict:
    query = {
        "advertiser_id": advertiser.advertiser_id,
        "report_type": "BASIC",
        "service_type": "AUCTION",
        "data_level": "AUCTION_AD",
        "dimensions": ["ad_id", "stat_time_day"],
        "metrics": METRICS,
        "start_date": (TODAY - timedelta(days=6)).isoformat(),
        "end_date": TODAY.isoformat(),
        "page_size": 1000,
        **params,
    }
    return get("report/integrated/get/", token, **{key: value for key, value in query.items() if value is not None})


def days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def test_ad_rows_are_ad_day_for_the_days_each_ad_delivered(token, tree):
    body = report(token)
    assert body["code"] == 0, body
    rows = {(row["dimensions"]["ad_id"], row["dimensions"]["stat_time_day"]): row["metrics"] for row in body["data"]["list"]}

    expected = {}
    for ad_id in (tree["a1"], tree["a2"], tree["b1"], tree["t1"]):
        for day in days(TODAY - timedelta(days=6), TODAY):
            values = ad_day(ad_id, day)
            if values is not None:
                expected[(ad_id, f"{day.isoformat()} 00:00:00")] = values
    assert rows == expected
    # a1 and t1 from their creation day to today; a2 only on its creation day; b1 never.
    assert sorted(day for ad_id, day in rows if ad_id == tree["a1"]) == [f"2026-11-{d} 00:00:00" for d in (15, 16, 17, 18)]
    assert sorted(day for ad_id, day in rows if ad_id == tree["a2"]) == ["2026-11-15 00:00:00"]
    assert not [key for key in rows if key[0] == tree["b1"]]
    assert body["data"]["page_info"]["total_number"] == 9


def test_ad_day_is_the_seeded_figures_as_strings(token, tree):
    totals = ad_totals(tree["a1"], TODAY, currency="MYR", objective="LEAD_GENERATION")
    values = ad_day(tree["a1"], TODAY)

    assert values["spend"] == f"{totals['spend'] // 100}.{totals['spend'] % 100:02d}"
    assert values["impressions"] == str(totals["impressions"])
    assert values["onsite_form"] == values["result"] == values["conversion"] == str(totals["onsite_form"])
    traffic = ad_day(tree["t1"], TODAY)
    assert traffic["result"] == traffic["clicks"] and traffic["onsite_form"] == "0" and traffic["cost_per_onsite_form"] == "0.00"


@pytest.mark.parametrize(
    ("level", "dimension", "members"),
    [
        ("AUCTION_ADGROUP", "adgroup_id", {"group_a": ("a1", "a2"), "group_t": ("t1",)}),
        ("AUCTION_CAMPAIGN", "campaign_id", {"lead": ("a1", "a2", "b1"), "traffic": ("t1",)}),
    ],
)
def test_higher_levels_are_exact_sums_of_their_ads(token, tree, level, dimension, members):
    body = report(token, data_level=level, dimensions=[dimension, "stat_time_day"])
    rows = {(row["dimensions"][dimension], row["dimensions"]["stat_time_day"]): row["metrics"] for row in body["data"]["list"]}

    expected = {}
    for parent, ads in members.items():
        for day in days(TODAY - timedelta(days=6), TODAY):
            objective = "TRAFFIC" if parent in ("traffic", "group_t") else "LEAD_GENERATION"
            parts = [ad_totals(tree[name], day, currency="MYR", objective=objective) for name in ads if ad_day(tree[name], day) is not None]
            if parts:
                expected[(tree[parent], f"{day.isoformat()} 00:00:00")] = metrics_of(totals_sum(parts))
    assert rows == {key: {name: value[name] for name in METRICS} for key, value in expected.items()}


def test_the_advertiser_total_is_the_sum_of_the_campaign_totals(token, tree):
    campaigns = report(
        token, data_level="AUCTION_CAMPAIGN", dimensions=["campaign_id"], metrics=["spend", "impressions", "clicks", "onsite_form"]
    )
    advertiser = report(
        token, data_level="AUCTION_ADVERTISER", dimensions=["advertiser_id"], metrics=["spend", "impressions", "clicks", "onsite_form"]
    )
    by_day = report(token, data_level="AUCTION_ADVERTISER", dimensions=["stat_time_day"], metrics=["spend"])

    (total,) = advertiser["data"]["list"]
    assert total["dimensions"] == {"advertiser_id": MY.advertiser_id}
    for name in ("impressions", "clicks", "onsite_form"):
        assert int(total["metrics"][name]) == sum(int(row["metrics"][name]) for row in campaigns["data"]["list"])
    cents = sum(int(row["metrics"]["spend"].replace(".", "")) for row in campaigns["data"]["list"])
    assert (
        int(total["metrics"]["spend"].replace(".", ""))
        == cents
        == sum(int(row["metrics"]["spend"].replace(".", "")) for row in by_day["data"]["list"])
    )
    assert [row["dimensions"]["stat_time_day"] for row in by_day["data"]["list"]] == [f"2026-11-{d} 00:00:00" for d in (15, 16, 17, 18)]


def test_attribute_metrics_and_filtering(token, tree):
    body = report(
        token,
        dimensions=["ad_id"],
        metrics=["ad_name", "adgroup_name", "campaign_name", "campaign_id", "adgroup_id", "spend"],
        filtering=[{"field_name": "campaign_ids", "filter_type": "IN", "filter_value": f'["{tree["traffic"]}"]'}],
    )
    (row,) = body["data"]["list"]
    assert row["dimensions"] == {"ad_id": tree["t1"]}
    assert {name: row["metrics"][name] for name in ("ad_name", "adgroup_name", "campaign_name", "campaign_id", "adgroup_id")} == {
        "ad_name": "t1",
        "adgroup_name": "IF form A",
        "campaign_name": "Traffic",
        "campaign_id": tree["traffic"],
        "adgroup_id": tree["group_t"],
    }
    campaign_row = report(token, data_level="AUCTION_CAMPAIGN", dimensions=["campaign_id"], metrics=["campaign_name", "ad_name"])["data"][
        "list"
    ][0]
    assert campaign_row["metrics"]["ad_name"] == "-"
    by_ads = report(
        token,
        dimensions=["ad_id"],
        metrics=["spend"],
        filtering=[{"field_name": "ad_ids", "filter_type": "IN", "filter_value": [tree["a1"], tree["b1"]]}],
    )
    assert [row["dimensions"]["ad_id"] for row in by_ads["data"]["list"]] == [tree["a1"]]


def test_lifetime_and_paging(token, tree):
    lifetime = report(token, dimensions=["ad_id"], metrics=["impressions"], query_lifetime="true", start_date=None, end_date=None)
    impressions = {row["dimensions"]["ad_id"]: int(row["metrics"]["impressions"]) for row in lifetime["data"]["list"]}
    assert impressions[tree["a1"]] == sum(
        ad_totals(tree["a1"], day, currency="MYR", objective="LEAD_GENERATION")["impressions"] for day in days(date(2026, 11, 15), TODAY)
    )
    first = report(token, page_size=4)["data"]
    second = report(token, page_size=4, page=3)["data"]
    assert len(first["list"]) == 4 and len(second["list"]) == 1
    assert first["page_info"] == {"page": 1, "page_size": 4, "total_number": 9, "total_page": 3}


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"start_date": "2026-10-19"}, "end_date: The range from start_date to end_date is at most 30 days"),
        ({"start_date": "2026-11-19"}, "end_date: Must not be before start_date."),
        ({"start_date": None}, "start_date: Missing data for required field."),
        ({"page_size": 1001}, "page_size: Must be between 1 and 1000."),
        ({"data_level": "AUCTION_CREATIVE"}, "data_level: Must be one of"),
        ({"report_type": "AUDIENCE"}, "report_type: The sandbox reports BASIC only."),
        ({"dimensions": ["campaign_id", "stat_time_day"]}, 'dimensions: ["campaign_id", "stat_time_day"] is not supported at AUCTION_AD'),
        ({"order_field": "spend"}, "order_field: The sandbox does not sort reports"),
        ({"dimensions": ["ad_id", "stat_time_hour"]}, 'dimensions: ["ad_id", "stat_time_hour"] is not supported at AUCTION_AD'),
        ({"metrics": ["spend", "leads"]}, "metrics: one or more value of the param is not acceptable: leads."),
        (
            {"filtering": [{"field_name": "ad_ids", "filter_type": "IN", "filter_value": "not json"}]},
            "filtering.filter_value: Must be a JSON array string.",
        ),
        ({"filtering": [{"field_name": "ad_status", "filter_type": "IN", "filter_value": "[]"}]}, "filtering.field_name: Must be one of"),
    ],
)
def test_report_refuses_bad_requests(token, tree, params, message):
    body = report(token, **params)

    assert body["code"] == 40002, body
    assert body["message"].startswith(message), body["message"]


def test_thirty_days_is_allowed_and_other_advertisers_see_nothing(token, tree):
    assert report(token, start_date="2026-10-20")["code"] == 0
    assert report(token, OUTLET)["data"]["list"] == []
