"""``POST /api/actions`` against the sandbox's Business API: the seed's TikTok actions on a
campaign, ad group and ad of a connected advertiser (Glow Corner MY, MYR), validated, idempotent
by ``request_id``, dry-run, every one audited in ``ActionRecord`` and mirrored on stored rows."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from core.models import Role
from sandbox.models import BusinessObject
from tests.tiktok_ads.helpers import connect_business
from tiktok_ads.client import BusinessApiClient
from tiktok_ads.models import ActionRecord, AdAccount, Advertiser, Campaign, Direction, DirectionAdGroup

EMULATOR = "tiktok-business"
NOW = int(datetime(2026, 11, 18, 12, 0, tzinfo=ZoneInfo("Asia/Kuala_Lumpur")).timestamp())


def _tree(client, advertiser_id: str, suffix: str = "1") -> dict:
    """A lead-generation campaign, ad group (MYR 25 a day) and ad, made the way launches make them."""
    campaign = client.campaign_create(
        advertiser_id,
        request_id=f"c-{suffix}",
        campaign_name="Leads MY",
        objective_type="LEAD_GENERATION",
        budget_mode="BUDGET_MODE_INFINITE",
    )
    adgroup = client.adgroup_create(
        advertiser_id,
        request_id=f"g-{suffix}",
        campaign_id=campaign["campaign_id"],
        adgroup_name="Form A",
        promotion_type="LEAD_GENERATION",
        promotion_target_type="INSTANT_PAGE",
        placement_type="PLACEMENT_TYPE_NORMAL",
        placements=["PLACEMENT_TIKTOK"],
        location_ids=["1733045"],
        budget_mode="BUDGET_MODE_DAY",
        budget=25,
        schedule_type="SCHEDULE_FROM_NOW",
        schedule_start_time="2026-11-18 04:00:00",
        optimization_goal="LEAD_GENERATION",
        billing_event="OCPM",
        pacing="PACING_MODE_SMOOTH",
    )
    video_id = f"v10033g50000clip{suffix}"
    BusinessObject.objects.create(kind="video", advertiser_id=advertiser_id, object_id=video_id)
    identity = client.identities(advertiser_id, "CUSTOMIZED_USER")[0]
    form = client.instant_pages(advertiser_id, status="PUBLISHED")[0]
    creative = {
        "ad_name": "Trial lesson",
        "ad_format": "SINGLE_VIDEO",
        "identity_type": "CUSTOMIZED_USER",
        "identity_id": identity["identity_id"],
        "video_id": video_id,
        "ad_text": "Book a free trial lesson",
        "call_to_action": "SIGN_UP",
        "page_id": form["page_id"],
    }
    (ad_id,) = client.ad_create(advertiser_id, adgroup["adgroup_id"], [creative], request_id=f"a-{suffix}")
    return {"campaign": str(campaign["campaign_id"]), "adgroup": str(adgroup["adgroup_id"]), "ad": str(ad_id)}


@pytest.fixture
def setup(sandbox, tenant_a):
    sandbox.set_options(EMULATOR, clock_frozen_at=NOW)
    connect_business(tenant_a)
    advertiser = Advertiser.objects.for_tenant(tenant_a).select_related("connection").get(name="Glow Corner MY")
    account = AdAccount.objects.create(tenant=tenant_a, name="Client One", advertiser=advertiser)
    client = BusinessApiClient.for_advertiser(advertiser)
    return account, client, _tree(client, advertiser.advertiser_id)


@pytest.fixture
def admin(tenant_a, api_client_for):
    return api_client_for(tenant_a, Role.ADMIN)


def _post(api, action, request_id, **params):
    dry_run = params.pop("dry_run", False)
    return api.post("/api/actions", {"request_id": request_id, "action": action, "params": params, "dry_run": dry_run}, format="json")


def _status(client, account, kind, object_id, advertiser_id=None) -> str:
    lister = getattr(client, {"campaign": "campaigns", "adgroup": "adgroups", "ad": "ads"}[kind])
    rows = lister(advertiser_id or account.advertiser.advertiser_id, filtering={f"{kind}_ids": [object_id], "primary_status": "STATUS_ALL"})
    return rows[0]["operation_status"]


def test_every_status_action_acts_audits_and_syncs_stored_rows(tenant_a, setup, admin):
    account, client, ids = setup
    direction = Direction.objects.create(
        tenant=tenant_a, ad_account=account, name="Trial", platform="tiktok", tiktok_objective="lead_generation"
    )
    campaign = Campaign.objects.create(
        tenant=tenant_a,
        advertiser=account.advertiser,
        direction=direction,
        campaign_id=ids["campaign"],
        name="Leads MY",
        objective_type="LEAD_GENERATION",
    )
    adgroup = DirectionAdGroup.objects.create(
        tenant=tenant_a, direction=direction, campaign=campaign, tiktok_adgroup_id=ids["adgroup"], adgroup_name="Form A", status="ENABLE"
    )
    steps = [
        ("TikTok.PauseCampaign", "campaign", "ENABLE", "DISABLE"),
        ("TikTok.ResumeCampaign", "campaign", "DISABLE", "ENABLE"),
        ("TikTok.PauseAdGroup", "adgroup", "ENABLE", "DISABLE"),
        ("TikTok.ResumeAdGroup", "adgroup", "DISABLE", "ENABLE"),
        ("TikTok.PauseAd", "ad", "ENABLE", "DISABLE"),
        ("TikTok.ResumeAd", "ad", "DISABLE", "ENABLE"),
    ]
    for number, (action, kind, before, after) in enumerate(steps):
        response = _post(admin, action, f"r-{number}", accountId=account.pk, **{f"{kind}_id": ids[kind]})
        assert response.status_code == 201, response.content
        body = response.json()
        assert (body["state"], body["replayed"], body["actor"]) == ("succeeded", False, "api key test key")
        assert body["diff"] == [{"object": f"{kind}:{ids[kind]}", "field": "operation_status", "before": before, "after": after}]
        assert _status(client, account, kind, ids[kind]) == after
        if action == "TikTok.PauseCampaign":
            campaign.refresh_from_db()
            assert campaign.status == "DISABLE"
        if action == "TikTok.PauseAdGroup":
            adgroup.refresh_from_db()
            assert adgroup.status == "DISABLE"
    records = list(ActionRecord.objects.for_tenant(tenant_a).order_by("id"))
    assert [record.action for record in records] == [step[0] for step in steps]
    assert records[4].upstream_response == {"data": {"ad_ids": [ids["ad"]], "status": "DISABLE"}}
    assert all(record.ad_account_id == account.pk and record.source == "api" for record in records)


def test_get_campaign_status_reads_only(tenant_a, setup, admin):
    account, _, ids = setup
    response = _post(admin, "TikTok.GetCampaignStatus", "s", ad_account_id=account.pk, campaign_id=int(ids["campaign"]))
    body = response.json()
    assert response.status_code == 201 and body["state"] == "succeeded" and body["diff"] == []
    assert (body["before"]["campaign_name"], body["before"]["operation_status"], body["before"]["objective_type"]) == (
        "Leads MY",
        "ENABLE",
        "LEAD_GENERATION",
    )
    assert body["upstream_response"] == {}


def test_update_budget_minimum_in_the_advertisers_currency(tenant_a, setup, admin):
    account, client, ids = setup
    refused = _post(admin, "TikTok.UpdateAdGroupBudget", "b1", accountId=account.pk, adgroup_id=ids["adgroup"], budget="19.99")
    assert refused.status_code == 400
    assert refused.json()["error"]["fields"] == {"params.budget": ["The daily budget must be at least 20.00 MYR for a TikTok ad group."]}
    assert not ActionRecord.objects.for_tenant(tenant_a).exists()  # refused: nothing stored, nothing sent
    response = _post(admin, "TikTok.UpdateAdGroupBudget", "b2", accountId=account.pk, adgroup_id=ids["adgroup"], budget=30)
    assert response.status_code == 201, response.content
    assert response.json()["diff"] == [{"object": f"adgroup:{ids['adgroup']}", "field": "budget", "before": "25.00", "after": "30.00"}]
    assert client.adgroups(account.advertiser.advertiser_id, filtering={"adgroup_ids": [ids["adgroup"]]})[0]["budget"] == 30.0


def test_dry_run_reads_but_never_writes(tenant_a, setup, admin):
    account, client, ids = setup
    response = _post(admin, "TikTok.PauseCampaign", "dry", accountId=account.pk, campaign_id=ids["campaign"], dry_run=True)
    assert response.status_code == 201
    assert (response.json()["state"], response.json()["diff"][0]["after"]) == ("dry_run", "DISABLE")
    assert _status(client, account, "campaign", ids["campaign"]) == "ENABLE"
    assert ActionRecord.objects.for_tenant(tenant_a).get().state == "dry_run"


def test_idempotency_by_request_id(tenant_a, setup, admin):
    account, client, ids = setup
    first = _post(admin, "TikTok.PauseCampaign", "same", accountId=account.pk, campaign_id=ids["campaign"])
    client.campaign_status_update(account.advertiser.advertiser_id, [ids["campaign"]], "ENABLE")  # someone resumes it on TikTok
    again = _post(admin, "TikTok.PauseCampaign", "same", ad_account_id=account.pk, campaign_id=int(ids["campaign"]))  # the same, by aliases
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["replayed"] is True and again.json()["diff"] == first.json()["diff"]
    assert _status(client, account, "campaign", ids["campaign"]) == "ENABLE"  # not acted again
    other = _post(admin, "TikTok.ResumeCampaign", "same", accountId=account.pk, campaign_id=ids["campaign"])
    assert other.status_code == 409 and "request_id" in other.json()["error"]["fields"]
    assert ActionRecord.objects.for_tenant(tenant_a).count() == 1
    missing = admin.post("/api/actions", {"action": "TikTok.PauseCampaign", "params": {}}, format="json")
    assert missing.status_code == 400 and "request_id" in missing.json()["error"]["fields"]


def test_refusals(tenant_a, tenant_b, setup, admin):
    account, client, ids = setup
    unknown = _post(admin, "TikTok.Explode", "u", accountId=account.pk)
    assert unknown.status_code == 400
    assert unknown.json()["error"]["valid_actions"][:2] == ["TikTok.GetCampaignStatus", "TikTok.PauseCampaign"]
    assert "TikTok.Direction.CreateAdGroupWithCreatives" in unknown.json()["error"]["message"]
    # A campaign of another advertiser of the same connection is not this ad account's.
    outlet = Advertiser.objects.for_tenant(tenant_a).get(name="Glow Corner Outlet")
    theirs = _tree(client, outlet.advertiser_id, suffix="outlet")
    not_ours = _post(admin, "TikTok.PauseCampaign", "n", accountId=account.pk, campaign_id=theirs["campaign"])
    assert not_ours.status_code == 404 and not_ours.json()["error"]["fields"] == {
        "params.campaign_id": ["No such campaign for this ad account."]
    }
    assert _post(admin, "TikTok.PauseAd", "n2", accountId=account.pk, ad_id="123456").status_code == 404
    foreign = AdAccount.objects.create(tenant=tenant_b, name="B")
    assert _post(admin, "TikTok.PauseCampaign", "f", accountId=foreign.pk, campaign_id=ids["campaign"]).status_code == 404
    bare = AdAccount.objects.create(tenant=tenant_a, name="No advertiser")
    assert (
        "tiktok_business_id"
        in _post(admin, "TikTok.PauseCampaign", "x", accountId=bare.pk, campaign_id=ids["campaign"]).json()["error"]["message"]
    )
    assert _post(admin, "TikTok.PauseCampaign", "y", accountId=account.pk).json()["error"]["fields"] == {
        "params.campaign_id": ["required: the TikTok campaign id (digits)."]
    }
    assert _post(admin, "TikTok.PauseCampaign", "z", campaign_id=ids["campaign"]).json()["error"]["fields"] == {
        "params.ad_account_id": ["required: the ad account (accountId) to act on."]
    }
    assert (
        _status(client, account, "campaign", ids["campaign"]) == "ENABLE"
        and _status(client, account, "campaign", theirs["campaign"], outlet.advertiser_id) == "ENABLE"
    )
    assert not ActionRecord.objects.for_tenant(tenant_a).exists()


def test_a_refusal_at_tiktok_is_audited_as_failed_and_a_502(tenant_a, setup, admin):
    account, client, ids = setup
    client.campaign_status_update(account.advertiser.advertiser_id, [ids["campaign"]], "DELETE")
    response = _post(admin, "TikTok.ResumeCampaign", "fail", accountId=account.pk, campaign_id=ids["campaign"])
    assert response.status_code == 502
    body = response.json()
    assert body["state"] == "failed" and f"The campaign {ids['campaign']} is deleted" in body["error"]
    assert body["upstream_response"]["code"] == 40002 and body["upstream_response"]["request_id"]
    assert body["diff"] == [{"object": f"campaign:{ids['campaign']}", "field": "operation_status", "before": "DELETE", "after": "ENABLE"}]
    assert ActionRecord.objects.for_tenant(tenant_a).get().state == "failed"
    assert _post(admin, "TikTok.ResumeCampaign", "fail", accountId=account.pk, campaign_id=ids["campaign"]).json()["replayed"] is True


def test_tiktok_down_is_a_503_audited(tenant_a, setup, admin, sandbox):
    account, _, ids = setup
    sandbox.set_faults(EMULATOR, status=503)
    response = _post(admin, "TikTok.PauseCampaign", "down", accountId=account.pk, campaign_id=ids["campaign"])
    sandbox.clear_faults()
    assert response.status_code == 503 and response.json()["state"] == "failed"
    assert "unavailable" in response.json()["error"]


def test_batch_of_actions(setup, admin):
    account, client, ids = setup
    response = admin.post(
        "/api/actions/",
        {
            "actions": [
                {
                    "request_id": "b-1",
                    "action": "TikTok.PauseCampaign",
                    "params": {"accountId": account.pk, "campaign_id": ids["campaign"]},
                },
                {"request_id": "b-2", "action": "TikTok.Nope", "params": {}},
            ]
        },
        format="json",
    )
    assert response.status_code == 200
    assert [(row["request_id"], row["status"]) for row in response.json()["results"]] == [("b-1", 201), ("b-2", 400)]
    assert _status(client, account, "campaign", ids["campaign"]) == "DISABLE"


def test_ad_account_identity_is_checked_on_the_sandbox(tenant_a, setup, admin, sandbox):
    account, client, _ = setup
    tt_user = client.identities(account.advertiser.advertiser_id, "TT_USER")[0]["identity_id"]
    url = f"/api/ad-accounts/{account.pk}"
    bare = AdAccount.objects.create(tenant=tenant_a, name="No advertiser")
    no_advertiser = admin.patch(f"/api/ad-accounts/{bare.pk}", {"tiktok_account_id": tt_user}, format="json")
    assert no_advertiser.status_code == 400 and "tiktok_business_id" in no_advertiser.json()["error"]["fields"]["tiktok_account_id"][0]
    wrong = admin.patch(url, {"tiktok_account_id": "nobody"}, format="json")
    assert wrong.status_code == 400
    assert wrong.json()["error"]["fields"]["tiktok_account_id"] == [
        f"nobody is not a TT_USER identity of advertiser {account.advertiser.advertiser_id}."
    ]
    ok = admin.patch(url, {"tiktok_account_id": tt_user}, format="json")
    assert ok.status_code == 200 and ok.json()["ad_account"]["tiktok_account_id"] == tt_user
    assert [(row["field"], row["action"], row["after"]) for row in ok.json()["changes"]] == [("tiktok_account_id", "connect", tt_user)]
    # TikTok down: a 503 with Retry-After, nothing changed.
    sandbox.set_faults(EMULATOR, status=503)
    down = admin.patch(url, {"tiktok_account_id": "another"}, format="json")
    sandbox.clear_faults()
    assert down.status_code == 503 and down.json()["error"]["code"] == "upstream_unavailable" and down["Retry-After"]
    account.refresh_from_db()
    assert account.tiktok_account_id == tt_user
    # Unlinking the advertiser disconnects the identity too; both are logged.
    gone = admin.patch(url, {"tiktok_business_id": None}, format="json").json()["changes"]
    assert {(row["field"], row["action"]) for row in gone} == {("tiktok_business_id", "disconnect"), ("tiktok_account_id", "disconnect")}


def test_create_adgroup_with_creatives_runs_the_builders_launch(sandbox, tenant_a, admin, django_capture_on_commit_callbacks):
    from tests.tiktok_ads.builder_helpers import builder_setup
    from tiktok_ads.models import Launch

    sandbox.set_options(EMULATOR, clock_frozen_at=NOW)
    account, direction, creatives = builder_setup(tenant_a, sandbox, videos=2)
    action = "TikTok.Direction.CreateAdGroupWithCreatives"
    # Without a campaign on the direction there is nothing to add an ad group to: refused, nothing stored.
    refused = _post(admin, action, "ag-0", accountId=account.pk, direction_id=direction.pk, creative_ids=[creatives[0].pk])
    assert refused.status_code == 400 and "has no TikTok campaign" in refused.json()["error"]["message"]
    with django_capture_on_commit_callbacks(execute=True):
        first = admin.post(
            "/api/tiktok-campaign-builder/manual-launch",
            {"direction_id": direction.pk, "creative_ids": [creatives[0].pk], "daily_budget": "30", "objective": "traffic"},
            format="json",
            HTTP_IDEMPOTENCY_KEY="base",
        )
    assert first.status_code in (200, 201, 202), first.content
    direction.refresh_from_db()
    assert direction.tiktok_campaign_id

    dry = _post(admin, action, "ag-dry", accountId=account.pk, direction_id=direction.pk, creative_ids=[creatives[1].pk], dry_run=True)
    assert dry.json()["state"] == "dry_run" and dry.json()["diff"][0]["field"] == "adgroups"
    assert Launch.objects.for_tenant(tenant_a).count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(
            admin, action, "ag-1", accountId=account.pk, direction_id=direction.pk, creative_ids=[creatives[1].pk], budget="40"
        )
    assert response.status_code == 201, response.content
    launch = Launch.objects.for_tenant(tenant_a).get(idempotency_key="action:ag-1")
    assert response.json()["upstream_response"]["launch_id"] == launch.pk and launch.requested_by == "api key test key"
    assert launch.state == "succeeded"
    new_group = DirectionAdGroup.objects.for_tenant(tenant_a).get(tiktok_adgroup_id=launch.result["adgroup_id"])
    assert (
        new_group.campaign.campaign_id == direction.tiktok_campaign_id
        and str(new_group.daily_budget) == "40.00"
        and new_group.ads_count == 1
    )
    assert DirectionAdGroup.objects.for_tenant(tenant_a).filter(direction=direction).count() == 2
    # Another TikTok direction of another account, or a facebook one, is refused.
    facebook = Direction.objects.create(tenant=tenant_a, ad_account=account, name="FB", platform="facebook")
    wrong = _post(admin, action, "ag-2", accountId=account.pk, direction_id=facebook.pk, creative_ids=[creatives[1].pk])
    assert wrong.status_code == 400 and "needs a TikTok one" in wrong.json()["error"]["message"]
