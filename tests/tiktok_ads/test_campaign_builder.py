"""The seed's campaign builder against the Business API sandbox: launches as jobs with steps,
idempotency, resume after a failure half-way, use_existing ad groups, and the read endpoints."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.models import ApiCallLog, Role
from tests.tiktok_ads.builder_helpers import builder_setup, video_creative
from tiktok_ads.client import BusinessApiClient
from tiktok_ads.models import (
    Ad,
    AdGroupMode,
    Campaign,
    Creative,
    Direction,
    DirectionAdGroup,
    Launch,
    LaunchStep,
    MediaType,
    Platform,
)

API = "/api/tiktok-campaign-builder"


@pytest.fixture
def owner(tenant_a, api_client_for):
    return api_client_for(tenant_a, Role.ADMIN)


def launch(client, body, key=None, path="manual-launch", capture=None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    with capture(execute=True):
        return client.post(f"{API}/{path}", body, format="json", **headers)


def upstream_campaigns(advertiser):
    return BusinessApiClient.for_advertiser(advertiser).campaigns(advertiser.advertiser_id)


# --- Validation: nothing stored, nothing sent -----------------------------------------------


def test_manual_launch_refusals_name_the_problem(sandbox, tenant_a, tenant_b, owner, django_capture_on_commit_callbacks):
    account, direction, creatives = builder_setup(tenant_a, sandbox)
    facebook = Direction.objects.create(tenant=tenant_a, ad_account=account, name="Trial lessons", platform=Platform.FACEBOOK)
    image = Creative.objects.create(
        tenant=tenant_a, ad_account=account, title="Banner", media_type=MediaType.IMAGE, media_url="https://cdn.example.com/b.png"
    )
    good = {"direction_id": direction.pk, "creative_ids": [creatives[0].pk], "daily_budget": "50", "objective": "traffic"}

    def post(**changes):
        return launch(owner, {**good, **changes}, capture=django_capture_on_commit_callbacks)

    answer = post(direction_id=facebook.pk)
    assert answer.status_code == 400 and "is a facebook direction" in answer.json()["error"]["message"]
    answer = post(creative_ids=[image.pk])
    assert answer.status_code == 400 and f"Creative {image.pk} (Banner) is an image" in answer.json()["error"]["message"]
    answer = post(daily_budget="19.99")
    assert answer.status_code == 400
    assert answer.json()["error"]["message"] == "The daily budget must be at least 20.00 MYR for a TikTok ad group."
    assert answer.json()["error"]["minimum"] == "20.00"
    answer = post(objective="reach")
    assert answer.status_code == 400 and "traffic, conversions or lead_generation" in answer.json()["error"]["message"]
    answer = post(objective="lead_generation")
    assert answer.status_code == 400 and "instant form" in answer.json()["error"]["message"]
    other_account, other_direction, _ = builder_setup(tenant_b, sandbox, videos=0)
    assert post(direction_id=other_direction.pk).status_code == 404
    other_creative = Creative.objects.create(tenant=tenant_a, ad_account=account, title="x", media_type=MediaType.VIDEO)
    assert "no TikTok video and no media URL" in post(creative_ids=[other_creative.pk]).json()["error"]["message"]
    assert Launch.objects.for_tenant(tenant_a).count() == 0
    assert upstream_campaigns(account.advertiser) == []


def test_kzt_minimum_is_the_seeds_2500():
    from tiktok_ads.services import budget_checked

    with pytest.raises(Exception) as refused:
        budget_checked("2499", "KZT")
    assert "2,500.00 KZT" in refused.value.message
    assert budget_checked("2500", "KZT") == Decimal("2500.00")


# --- Launch: campaign → ad group → ads, idempotent ------------------------------------------


def test_manual_launch_create_new_runs_steps_and_stores_the_mapping(sandbox, tenant_a, owner, django_capture_on_commit_callbacks):
    account, direction, creatives = builder_setup(tenant_a, sandbox)
    body = {"direction_id": direction.pk, "creative_ids": [c.pk for c in creatives], "daily_budget": "50", "objective": "traffic"}

    with django_capture_on_commit_callbacks(execute=True):
        answer = owner.post(
            f"{API}/manual-launch", body, format="json", HTTP_IDEMPOTENCY_KEY="launch-1", HTTP_X_CORRELATION_ID="corr-launch-1"
        )

    assert answer.status_code == 202, answer.content
    assert answer.json()["correlation_id"] == "corr-launch-1"
    creates = ApiCallLog.objects.for_tenant(tenant_a).filter(endpoint__contains="/create/")
    assert creates.count() == 3 and set(creates.values_list("correlation_id", flat=True)) == {"corr-launch-1"}
    launch_id = answer.json()["id"]
    assert answer.json()["status_url"] == f"{API}/launches/{launch_id}"
    status = owner.get(f"{API}/launches/{launch_id}")
    assert status.status_code == 200
    data = status.json()
    assert data["state"] == "succeeded", data
    assert [step["name"] for step in data["steps"]] == [
        f"upload_video:{creatives[0].pk}",
        f"upload_video:{creatives[1].pk}",
        "create_campaign",
        "create_adgroup",
        "create_ads:1",
    ]
    assert all(step["state"] == "succeeded" for step in data["steps"])
    campaign = Campaign.objects.for_tenant(tenant_a).get()
    direction.refresh_from_db()
    assert direction.tiktok_campaign_id == campaign.campaign_id == data["result"]["campaign_id"]
    adgroup = DirectionAdGroup.objects.for_tenant(tenant_a).get()
    assert adgroup.ads_count == 2 and adgroup.daily_budget == Decimal("50.00") and adgroup.campaign == campaign
    assert sorted(Ad.objects.for_tenant(tenant_a).values_list("ad_id", flat=True)) == sorted(data["result"]["ad_ids"])
    assert all(Creative.objects.for_tenant(tenant_a).get(pk=c.pk).tiktok_video_id for c in creatives)
    assert [row["campaign_id"] for row in upstream_campaigns(account.advertiser)] == [campaign.campaign_id]

    # The same key and body: the same launch, nothing new upstream.
    again = launch(owner, body, key="launch-1", capture=django_capture_on_commit_callbacks)
    assert again.status_code == 200 and again.json()["id"] == launch_id
    assert Launch.objects.for_tenant(tenant_a).count() == 1
    assert len(upstream_campaigns(account.advertiser)) == 1
    # The same key, another body: 409.
    conflict = launch(owner, {**body, "daily_budget": "60"}, key="launch-1", capture=django_capture_on_commit_callbacks)
    assert conflict.status_code == 409


def test_failure_half_way_resumes_without_a_second_campaign(
    sandbox, tenant_a, owner, django_capture_on_commit_callbacks, settings, monkeypatch
):
    settings.UPSTREAM_MAX_ATTEMPTS = 1
    account, direction, creatives = builder_setup(tenant_a, sandbox, videos=1)
    body = {"direction_id": direction.pk, "creative_ids": [creatives[0].pk], "daily_budget": "25", "objective": "traffic"}
    original = BusinessApiClient.adgroup_create

    def failing_once(self, *args, **kwargs):
        # The sandbox answers the ad group create with a 503 (its fault mechanism), once.
        sandbox.set_faults("tiktok-business", status=503, times=1)
        monkeypatch.setattr(BusinessApiClient, "adgroup_create", original)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(BusinessApiClient, "adgroup_create", failing_once)
    answer = launch(owner, body, key="resume-me", capture=django_capture_on_commit_callbacks)
    launch_id = answer.json()["id"]
    failed = owner.get(f"{API}/launches/{launch_id}").json()
    assert failed["state"] == "failed" and failed["error"].startswith("create_adgroup:")
    assert [step["state"] for step in failed["steps"]] == ["succeeded", "succeeded", "failed", "pending"]
    assert failed["resume_url"] == f"{API}/launches/{launch_id}/resume"

    with django_capture_on_commit_callbacks(execute=True):
        resumed = owner.post(f"{API}/launches/{launch_id}/resume")
    assert resumed.status_code in (200, 202)
    done = owner.get(f"{API}/launches/{launch_id}").json()
    assert done["state"] == "succeeded", done
    assert len(upstream_campaigns(account.advertiser)) == 1
    assert Campaign.objects.for_tenant(tenant_a).count() == 1
    assert DirectionAdGroup.objects.for_tenant(tenant_a).count() == 1
    steps = {step.name: step for step in LaunchStep.objects.for_tenant(tenant_a).filter(launch_id=launch_id)}
    assert steps["create_campaign"].attempts == 1 and steps["create_adgroup"].attempts == 2


def test_use_existing_enables_a_paused_adgroup_with_room(sandbox, tenant_a, owner, django_capture_on_commit_callbacks):
    account, direction, creatives = builder_setup(tenant_a, sandbox, videos=2)
    first = launch(
        owner,
        {"direction_id": direction.pk, "creative_ids": [creatives[0].pk], "daily_budget": "30", "objective": "traffic"},
        key="first",
        capture=django_capture_on_commit_callbacks,
    ).json()
    adgroup = DirectionAdGroup.objects.for_tenant(tenant_a).get()
    client = BusinessApiClient.for_advertiser(account.advertiser)
    client.adgroup_status_update(account.advertiser.advertiser_id, [adgroup.tiktok_adgroup_id], "DISABLE")
    DirectionAdGroup.objects.for_tenant(tenant_a).filter(pk=adgroup.pk).update(status="DISABLE")
    full = DirectionAdGroup.objects.create(
        tenant=tenant_a, direction=direction, tiktok_adgroup_id="999", adgroup_name="Full", status="DISABLE", ads_count=50
    )
    Direction.objects.for_tenant(tenant_a).filter(pk=direction.pk).update(tiktok_adgroup_mode=AdGroupMode.USE_EXISTING)

    answer = launch(
        owner,
        {"direction_id": direction.pk, "creative_ids": [creatives[1].pk], "daily_budget": "30", "objective": "traffic"},
        key="second",
        capture=django_capture_on_commit_callbacks,
    )
    data = owner.get(answer.json()["status_url"]).json()
    assert data["state"] == "succeeded", data
    assert [step["name"] for step in data["steps"]][-3:] == ["pick_adgroup", "enable_adgroup", "create_ads:1"]
    assert data["result"]["used_existing_adgroup"] is True and data["result"]["adgroup_id"] == adgroup.tiktok_adgroup_id
    adgroup.refresh_from_db()
    full.refresh_from_db()
    assert (adgroup.status, adgroup.ads_count) == ("ENABLE", 2) and adgroup.last_used_at is not None
    assert full.ads_count == 50 and full.status == "DISABLE"
    live = client.adgroups(account.advertiser.advertiser_id, filtering={"adgroup_ids": [adgroup.tiktok_adgroup_id]})
    assert live[0]["operation_status"] == "ENABLE"
    assert len(upstream_campaigns(account.advertiser)) == 1 and first["id"] != answer.json()["id"]

    # No paused ad group left with room: a new ad group in the direction's campaign, said so.
    third_creative = video_creative(tenant_a, account, direction, 3, sandbox)
    answer = launch(
        owner,
        {"direction_id": direction.pk, "creative_ids": [third_creative.pk], "daily_budget": "30", "objective": "traffic"},
        key="third",
        capture=django_capture_on_commit_callbacks,
    )
    data = owner.get(answer.json()["status_url"]).json()
    assert data["state"] == "succeeded" and "new ad group was created" in data["result"]["note"]
    assert DirectionAdGroup.objects.for_tenant(tenant_a).count() == 3
    assert len(upstream_campaigns(account.advertiser)) == 1


def test_auto_launch_takes_creatives_not_running_yet(sandbox, tenant_a, owner, django_capture_on_commit_callbacks):
    account, direction, creatives = builder_setup(tenant_a, sandbox, videos=3)
    answer = launch(
        owner, {"direction_id": direction.pk, "limit": 2}, key="auto-1", path="auto-launch", capture=django_capture_on_commit_callbacks
    )
    assert answer.status_code == 202
    data = owner.get(answer.json()["status_url"]).json()
    assert data["state"] == "succeeded"
    assert sorted(Ad.objects.for_tenant(tenant_a).values_list("creative_id", flat=True)) == [creatives[0].pk, creatives[1].pk]
    answer = launch(
        owner, {"direction_id": direction.pk, "limit": 2}, key="auto-2", path="auto-launch", capture=django_capture_on_commit_callbacks
    )
    assert sorted(Ad.objects.for_tenant(tenant_a).values_list("creative_id", flat=True)) == [c.pk for c in creatives]
    nothing = launch(owner, {"direction_id": direction.pk}, key="auto-3", path="auto-launch", capture=django_capture_on_commit_callbacks)
    assert nothing.status_code == 400 and "no ready video creative" in nothing.json()["error"]["message"]


def test_campaigns_pause_resume_and_create_campaign(sandbox, tenant_a, tenant_b, owner, api_client_for, django_capture_on_commit_callbacks):
    account, direction, _ = builder_setup(tenant_a, sandbox, videos=0)
    answer = launch(
        owner,
        {"direction_id": direction.pk, "objective": "traffic", "name": "Spring"},
        key="cc",
        path="create-campaign/",
        capture=django_capture_on_commit_callbacks,
    )
    assert answer.status_code == 202
    data = owner.get(answer.json()["status_url"]).json()
    assert [step["name"] for step in data["steps"]] == ["create_campaign"] and data["state"] == "succeeded"
    campaign = Campaign.objects.for_tenant(tenant_a).get()
    assert campaign.name == "Spring" and campaign.objective_type == "TRAFFIC"

    listing = owner.get(f"{API}/campaigns?platform=tiktok&direction_id={direction.pk}").json()
    assert [(row["campaign_id"], row["status"], row["live"]) for row in listing["campaigns"]] == [(campaign.campaign_id, "ENABLE", True)]
    assert owner.get(f"{API}/campaigns?platform=facebook").json()["campaigns"] == []

    paused = owner.post(f"{API}/pause-campaign", {"campaign_id": campaign.campaign_id}, format="json")
    assert paused.status_code == 200 and paused.json()["status"] == "DISABLE"
    live = owner.get(f"{API}/campaigns/?accountId={account.pk}").json()["campaigns"][0]
    assert live["status"] == "DISABLE" and live["stored_status"] == "DISABLE"
    resumed = owner.post(f"{API}/resume-campaign/", {"campaign_id": campaign.campaign_id}, format="json")
    assert resumed.json()["status"] == "ENABLE"
    other = api_client_for(tenant_b, Role.ADMIN)
    assert other.post(f"{API}/pause-campaign", {"campaign_id": campaign.campaign_id}, format="json").status_code == 404
    assert other.get(f"{API}/campaigns?accountId={account.pk}").status_code == 404


def test_available_creatives_and_advertiser_info(sandbox, tenant_a, owner):
    account, direction, creatives = builder_setup(tenant_a, sandbox, videos=2)
    Creative.objects.for_tenant(tenant_a).filter(pk=creatives[1].pk).update(tiktok_video_id="v_1", media_url="")
    Creative.objects.create(
        tenant=tenant_a, ad_account=account, title="Banner", media_type=MediaType.IMAGE, media_url="https://cdn.example.com/b.png"
    )
    rows = owner.get(f"{API}/available-creatives?accountId={account.pk}").json()["creatives"]
    assert [(row["id"], row["needs_upload"]) for row in rows] == [(creatives[1].pk, False), (creatives[0].pk, True)]

    info = owner.get(f"{API}/advertiser-info/?accountId={account.pk}").json()
    assert info["name"] == "Glow Corner MY" and info["currency"] == "MYR"
    assert info["min_daily_budget"] == "20.00" and info["min_campaign_budget"] == "50.00"
    assert info["timezone"]


def test_report_splits_long_ranges(sandbox, tenant_a, owner, django_capture_on_commit_callbacks):
    account, direction, creatives = builder_setup(tenant_a, sandbox, videos=1)
    launch(
        owner,
        {"direction_id": direction.pk, "creative_ids": [creatives[0].pk], "daily_budget": "50", "objective": "traffic"},
        key="r",
        capture=django_capture_on_commit_callbacks,
    )
    report = owner.get(f"{API}/report?accountId={account.pk}&date_from=2026-10-01&date_to=2026-11-30")
    assert report.status_code == 200, report.content
    body = report.json()
    assert body["calls"] == 3 and body["level"] == "campaign"
    for row in body["rows"]:
        assert set(row) >= {"spend", "impressions", "clicks", "ctr", "cpc", "leads", "cost_per_lead", "date"}
    bad = owner.get(f"{API}/report?accountId={account.pk}&level=adgroup")
    assert bad.status_code == 400


def test_create_adgroup_kind_for_the_actions_api_and_the_sweep(sandbox, tenant_a, owner, django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.utils import timezone

    from tiktok_ads.models import LaunchKind
    from tiktok_ads.services import launch_start, launches_sweep

    account, direction, creatives = builder_setup(tenant_a, sandbox, videos=2)
    launch(
        owner,
        {"direction_id": direction.pk, "creative_ids": [creatives[0].pk], "daily_budget": "30", "objective": "traffic"},
        key="base",
        capture=django_capture_on_commit_callbacks,
    )
    direction.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        started = launch_start(
            tenant=tenant_a,
            kind=LaunchKind.CREATE_ADGROUP,
            ad_account=account,
            direction=direction,
            params={"creative_ids": [creatives[1].pk], "daily_budget": "40", "objective": "traffic"},
            idempotency_key="action-req-1",
            requested_by="actions",
        )
    started.refresh_from_db()
    assert started.state == "succeeded" and [s.name for s in LaunchStep.objects.for_tenant(tenant_a).filter(launch=started)][-2:] == [
        "create_adgroup",
        "create_ads:1",
    ]
    new_group = DirectionAdGroup.objects.for_tenant(tenant_a).get(tiktok_adgroup_id=started.result["adgroup_id"])
    assert new_group.campaign.campaign_id == direction.tiktok_campaign_id and new_group.daily_budget == Decimal("40.00") and new_group.ads_count == 1
    assert len(upstream_campaigns(account.advertiser)) == 1

    # A launch whose worker died mid-way is taken over by the beat's sweep.
    Launch.objects.for_tenant(tenant_a).filter(pk=started.pk).update(state="running", started_at=timezone.now() - timedelta(hours=1))
    LaunchStep.objects.for_tenant(tenant_a).filter(launch=started, name="create_ads:1").update(state="pending")
    assert launches_sweep() == 1
    started.refresh_from_db()
    assert started.state == "succeeded" and started.attempts == 2
    assert Ad.objects.for_tenant(tenant_a).filter(launch=started).count() == 1  # the same ad, not a second one
