"""``GET /api/autopilot/executions`` and ``/api/autopilot/reports``: filtered by platform and
account, paginated, 400 naming a bad filter, another tenant's account a 404."""

from __future__ import annotations

import pytest

from autopilot.models import BrainRun, CampaignReport, ProposedAction
from core.models import Role
from tests.autopilot.factories import account_with_direction, make_run


@pytest.fixture
def rows(tenant_a, tenant_b):
    account, _ = account_with_direction(tenant_a)
    other, _ = account_with_direction(tenant_a, name="Client Two")
    tiktok = make_run(tenant_a, account)
    ProposedAction.objects.create(
        tenant=tenant_a,
        run=tiktok,
        position=1,
        action="TikTok.PauseAd",
        params={"ad_account_id": str(account.pk), "ad_id": "2001"},
        rule="pause_failing_ad",
        reason="r",
        diff=[{"object": "ad:2001", "field": "operation_status", "before": "ENABLE", "after": "DISABLE"}],
        request_id=f"autopilot:{tiktok.pk}:1",
    )
    facebook = BrainRun.objects.create(tenant=tenant_a, platform="facebook", ad_account=account, state="succeeded")
    elsewhere = make_run(tenant_a, other)
    CampaignReport.objects.create(tenant=tenant_a, run=tiktok, platform="tiktok", ad_account=account, report_text="<b>tt</b>")
    CampaignReport.objects.create(tenant=tenant_a, platform="facebook", ad_account=account, report_text="fb")
    theirs, _ = account_with_direction(tenant_b, name="Theirs")
    make_run(tenant_b, theirs)
    return {"account": account, "tiktok": tiktok, "facebook": facebook, "elsewhere": elsewhere, "theirs": theirs}


def test_executions_filtered_by_platform_and_account(tenant_a, api_client_for, rows):
    api = api_client_for(tenant_a, Role.VIEWER)
    everything = api.get("/api/autopilot/executions").json()
    assert everything["count"] == 3
    tiktok = api.get("/api/autopilot/executions", {"platform": "tiktok", "accountId": rows["account"].pk, "userAccountId": "x"}).json()
    assert [row["id"] for row in tiktok["results"]] == [rows["tiktok"].pk]
    (run,) = tiktok["results"]
    assert run["action_counts"]["proposed"] == 1 and run["actions"][0]["diff"][0]["after"] == "DISABLE"
    assert run["actions"][0]["request_id"] == f"autopilot:{rows['tiktok'].pk}:1"
    for name in ("facebook", "instagram"):
        assert [row["id"] for row in api.get(f"/api/autopilot/executions?platform={name}").json()["results"]] == [rows["facebook"].pk]
    assert api.get("/api/autopilot/executions/?page_size=1").json()["next"]


def test_reports_filtered_and_paginated(tenant_a, api_client_for, rows):
    api = api_client_for(tenant_a, Role.VIEWER)
    body = api.get("/api/autopilot/reports", {"platform": "tiktok", "telegramId": "123"}).json()
    assert [(row["platform"], row["report_text"], row["run_id"]) for row in body["results"]] == [("tiktok", "<b>tt</b>", rows["tiktok"].pk)]
    assert [row["report_text"] for row in api.get("/api/autopilot/reports?platform=facebook").json()["results"]] == ["fb"]


@pytest.mark.parametrize("path", ["/api/autopilot/executions", "/api/autopilot/reports"])
def test_bad_filters_and_another_tenants_account(tenant_a, api_client_for, rows, path):
    api = api_client_for(tenant_a, Role.VIEWER)
    bad = api.get(path, {"platform": "myspace"})
    assert bad.status_code == 400 and bad.json()["error"]["fields"] == {"platform": ["must be facebook, instagram or tiktok."]}
    bad = api.get(path, {"accountId": "abc"})
    assert bad.status_code == 400 and "accountId" in bad.json()["error"]["fields"]
    assert api.get(path, {"accountId": rows["theirs"].pk}).status_code == 404
