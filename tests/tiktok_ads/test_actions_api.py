"""``POST /api/actions``: the seed's TikTok actions against an advertiser's objects, validated,
idempotent by ``request_id``, dry-run, every one audited in ``ActionRecord``."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest
import responses
from django.conf import settings

from core.models import Role
from tests.tiktok_ads.factories import make_advertiser
from tiktok_ads.models import ActionRecord, AdAccount, Campaign, Direction, DirectionAdGroup

API = settings.TIKTOK_BUSINESS_API_BASE + "/open_api/v1.3/"


class FakeAdvertiser:
    """The advertiser's campaigns, ad groups and ads as TikTok answers ``*/get/`` and the status
    and budget writes (what the sandbox's management endpoints emulate)."""

    def __init__(self, advertiser_id: str):
        self.advertiser_id = advertiser_id
        self.objects = {
            "campaign": {
                "1801": {
                    "campaign_id": "1801",
                    "campaign_name": "Trial lessons",
                    "operation_status": "ENABLE",
                    "objective_type": "LEAD_GENERATION",
                    "budget_mode": "BUDGET_MODE_INFINITE",
                    "budget": 0,
                }
            },
            "adgroup": {"1802": {"adgroup_id": "1802", "campaign_id": "1801", "operation_status": "ENABLE", "budget": 3000.0}},
            "ad": {"1803": {"ad_id": "1803", "adgroup_id": "1802", "operation_status": "DISABLE"}},
        }
        self.writes: list[tuple[str, dict]] = []

    def install(self, mock: responses.RequestsMock) -> None:
        for kind in ("campaign", "adgroup", "ad"):
            mock.add_callback(responses.GET, f"{API}{kind}/get/", callback=self._get(kind))
            mock.add_callback(responses.POST, f"{API}{kind}/status/update/", callback=self._status(kind))
        mock.add_callback(responses.POST, f"{API}adgroup/budget/update/", callback=self._budget)

    @staticmethod
    def _ok(data):
        return 200, {"Content-Type": "application/json"}, json.dumps({"code": 0, "message": "OK", "request_id": "req-1", "data": data})

    def _get(self, kind):
        def callback(request):
            query = {key: values[0] for key, values in parse_qs(urlsplit(request.url).query).items()}
            wanted = json.loads(query.get("filtering", "{}")).get(f"{kind}_ids", [])
            rows = (
                [row for key, row in self.objects[kind].items() if not wanted or key in wanted]
                if query["advertiser_id"] == self.advertiser_id
                else []
            )
            return self._ok({"list": rows, "page_info": {"page": 1, "total_page": 1, "total_number": len(rows)}})

        return callback

    def _status(self, kind):
        def callback(request):
            body = json.loads(request.body)
            self.writes.append((f"{kind}/status", body))
            for object_id in body[f"{kind}_ids"]:
                self.objects[kind][object_id]["operation_status"] = body["operation_status"]
            return self._ok({f"{kind}_ids": body[f"{kind}_ids"], "status": body["operation_status"]})

        return callback

    def _budget(self, request):
        body = json.loads(request.body)
        self.writes.append(("adgroup/budget", body))
        for row in body["budget"]:
            self.objects["adgroup"][row["adgroup_id"]]["budget"] = row["budget"]
        return self._ok({})


@pytest.fixture
def tiktok():
    fake = FakeAdvertiser("7001")
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        fake.install(mock)
        yield fake


@pytest.fixture
def account(tenant_a):
    advertiser = make_advertiser(tenant_a, advertiser_id="7001")
    advertiser.currency = "KZT"
    advertiser.save()
    return AdAccount.objects.create(tenant=tenant_a, name="Client One", advertiser=advertiser)


@pytest.fixture
def admin(tenant_a, api_client_for):
    return api_client_for(tenant_a, Role.ADMIN)


def _post(client, action, request_id, **params):
    dry_run = params.pop("dry_run", False)
    return client.post("/api/actions", {"request_id": request_id, "action": action, "params": params, "dry_run": dry_run}, format="json")


@pytest.mark.parametrize(
    ("action", "kind", "object_id", "before", "after"),
    [
        ("TikTok.PauseCampaign", "campaign", "1801", "ENABLE", "DISABLE"),
        ("TikTok.ResumeAd", "ad", "1803", "DISABLE", "ENABLE"),
        ("TikTok.PauseAdGroup", "adgroup", "1802", "ENABLE", "DISABLE"),
    ],
)
def test_status_actions_act_audit_and_sync_stored_rows(tenant_a, account, admin, tiktok, action, kind, object_id, before, after):
    direction = Direction.objects.create(tenant=tenant_a, ad_account=account, name="D", platform="tiktok", tiktok_objective="traffic")
    campaign = Campaign.objects.create(
        tenant=tenant_a,
        advertiser=account.advertiser,
        direction=direction,
        campaign_id="1801",
        name="Trial lessons",
        objective_type="LEAD_GENERATION",
    )
    adgroup = DirectionAdGroup.objects.create(
        tenant=tenant_a, direction=direction, campaign=campaign, tiktok_adgroup_id="1802", adgroup_name="AG", status="ENABLE"
    )
    response = _post(admin, action, f"r-{kind}", accountId=account.pk, **{f"{kind}_id": object_id})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "succeeded" and body["replayed"] is False
    assert body["diff"] == [{"object": f"{kind}:{object_id}", "field": "operation_status", "before": before, "after": after}]
    assert body["actor"] == "api key test key"
    assert tiktok.objects[kind][object_id]["operation_status"] == after
    assert tiktok.writes == [(f"{kind}/status", {"advertiser_id": "7001", f"{kind}_ids": [object_id], "operation_status": after})]
    record = ActionRecord.objects.for_tenant(tenant_a).get()
    assert (record.action, record.before, record.after, record.ad_account_id) == (
        action,
        {"operation_status": before},
        {"operation_status": after},
        account.pk,
    )
    assert record.upstream_response["data"]["status"] == after
    if kind == "campaign":
        campaign.refresh_from_db()
        assert campaign.status == "DISABLE"
    if kind == "adgroup":
        adgroup.refresh_from_db()
        assert adgroup.status == "DISABLE"


def test_resume_campaign_pause_ad_and_get_status(account, admin, tiktok):
    tiktok.objects["campaign"]["1801"]["operation_status"] = "DISABLE"
    assert _post(admin, "TikTok.ResumeCampaign", "a", ad_account_id=account.pk, campaign_id="1801").json()["diff"][0]["after"] == "ENABLE"
    tiktok.objects["ad"]["1803"]["operation_status"] = "ENABLE"
    assert _post(admin, "TikTok.PauseAd", "b", ad_account_id=account.pk, ad_id=1803).json()["diff"][0]["after"] == "DISABLE"
    assert _post(admin, "TikTok.ResumeAdGroup", "c", ad_account_id=account.pk, adgroup_id="1802").json()["diff"] == []  # already on
    status = _post(admin, "TikTok.GetCampaignStatus", "d", ad_account_id=account.pk, campaign_id="1801").json()
    assert status["state"] == "succeeded" and status["diff"] == []
    assert status["before"] == {
        "campaign_name": "Trial lessons",
        "operation_status": "ENABLE",
        "objective_type": "LEAD_GENERATION",
        "budget_mode": "BUDGET_MODE_INFINITE",
        "budget": 0,
    }
    assert [write[0] for write in tiktok.writes] == ["campaign/status", "ad/status", "adgroup/status"]


def test_update_budget_checks_the_minimum_in_the_advertisers_currency(tenant_a, account, admin, tiktok):
    refused = _post(admin, "TikTok.UpdateAdGroupBudget", "b1", accountId=account.pk, adgroup_id="1802", budget=2499)
    assert refused.status_code == 400
    assert refused.json()["error"]["fields"] == {"params.budget": ["The daily budget must be at least 2,500.00 KZT for a TikTok ad group."]}
    account.advertiser.currency = "IDR"
    account.advertiser.save()
    assert (
        "200,000.00 IDR"
        in _post(admin, "TikTok.UpdateAdGroupBudget", "b2", accountId=account.pk, adgroup_id="1802", budget="150000").json()["error"][
            "message"
        ]
    )
    assert tiktok.writes == [] and not ActionRecord.objects.for_tenant(tenant_a).exists()  # refused: nothing upstream, nothing stored
    response = _post(admin, "TikTok.UpdateAdGroupBudget", "b3", accountId=account.pk, adgroup_id="1802", budget="250000")
    assert response.status_code == 201
    assert response.json()["diff"] == [{"object": "adgroup:1802", "field": "budget", "before": "3000.0", "after": "250000.00"}]
    assert tiktok.writes == [("adgroup/budget", {"advertiser_id": "7001", "budget": [{"adgroup_id": "1802", "budget": 250000.0}]})]


def test_dry_run_reads_but_never_writes(tenant_a, account, admin, tiktok):
    response = _post(admin, "TikTok.UpdateAdGroupBudget", "dry", accountId=account.pk, adgroup_id="1802", budget="5000", dry_run=True)
    assert response.status_code == 201
    assert response.json()["state"] == "dry_run"
    assert response.json()["diff"] == [{"object": "adgroup:1802", "field": "budget", "before": "3000.0", "after": "5000.00"}]
    assert tiktok.writes == [] and tiktok.objects["adgroup"]["1802"]["budget"] == 3000.0
    assert ActionRecord.objects.for_tenant(tenant_a).get().state == "dry_run"


def test_idempotency_by_request_id(tenant_a, account, admin, tiktok):
    first = _post(admin, "TikTok.PauseCampaign", "same", accountId=account.pk, campaign_id="1801")
    again = _post(admin, "TikTok.PauseCampaign", "same", ad_account_id=account.pk, campaign_id=1801)  # the same, by its aliases
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["replayed"] is True and again.json()["diff"] == first.json()["diff"]
    assert len(tiktok.writes) == 1
    other = _post(admin, "TikTok.ResumeCampaign", "same", accountId=account.pk, campaign_id="1801")
    assert other.status_code == 409 and "request_id" in other.json()["error"]["fields"]
    assert len(tiktok.writes) == 1 and ActionRecord.objects.for_tenant(tenant_a).count() == 1
    missing = admin.post("/api/actions", {"action": "TikTok.PauseCampaign", "params": {}}, format="json")
    assert missing.status_code == 400 and "request_id" in missing.json()["error"]["fields"]


def test_refusals(tenant_a, tenant_b, account, admin, tiktok):
    unknown = _post(admin, "TikTok.Explode", "u", accountId=account.pk)
    assert unknown.status_code == 400
    assert unknown.json()["error"]["valid_actions"][:2] == ["TikTok.GetCampaignStatus", "TikTok.PauseCampaign"]
    assert "TikTok.Direction.CreateAdGroupWithCreatives" in unknown.json()["error"]["message"]
    not_ours = _post(admin, "TikTok.PauseCampaign", "n", accountId=account.pk, campaign_id="9999")
    assert not_ours.status_code == 404 and not_ours.json()["error"]["fields"] == {
        "params.campaign_id": ["No such campaign for this ad account."]
    }
    foreign = AdAccount.objects.create(tenant=tenant_b, name="B", advertiser=None)
    assert _post(admin, "TikTok.PauseCampaign", "f", accountId=foreign.pk, campaign_id="1801").status_code == 404
    bare = AdAccount.objects.create(tenant=tenant_a, name="No advertiser")
    assert (
        "tiktok_business_id" in _post(admin, "TikTok.PauseCampaign", "x", accountId=bare.pk, campaign_id="1801").json()["error"]["message"]
    )
    assert _post(admin, "TikTok.PauseCampaign", "y", accountId=account.pk).json()["error"]["fields"] == {
        "params.campaign_id": ["required: the TikTok campaign id (digits)."]
    }
    assert tiktok.writes == [] and not ActionRecord.objects.for_tenant(tenant_a).exists()


def test_upstream_failure_is_audited_and_a_502(tenant_a, account, admin, tiktok):
    with responses.RequestsMock() as mock:
        mock.add(
            responses.GET,
            f"{API}campaign/get/",
            json={"code": 0, "message": "OK", "data": {"list": [tiktok.objects["campaign"]["1801"]], "page_info": {"total_page": 1}}},
        )
        mock.add(
            responses.POST,
            f"{API}campaign/status/update/",
            json={"code": 40002, "message": "campaign_ids: campaign is deleted", "request_id": "up-9"},
        )
        response = _post(admin, "TikTok.PauseCampaign", "fail", accountId=account.pk, campaign_id="1801")
    assert response.status_code == 502
    body = response.json()
    assert body["state"] == "failed" and "campaign is deleted" in body["error"]
    assert body["upstream_response"]["request_id"] == "up-9"
    assert ActionRecord.objects.for_tenant(tenant_a).get().state == "failed"
    assert _post(admin, "TikTok.PauseCampaign", "fail", accountId=account.pk, campaign_id="1801").json()["replayed"] is True


def test_create_adgroup_with_creatives_without_the_builder_is_501(tenant_a, account, admin, tiktok):
    direction = Direction.objects.create(tenant=tenant_a, ad_account=account, name="D", platform="tiktok", tiktok_objective="traffic")
    response = _post(
        admin, "TikTok.Direction.CreateAdGroupWithCreatives", "c", accountId=account.pk, direction_id=direction.pk, creative_ids=[1]
    )
    assert response.status_code == 501 and response.json()["error"]["code"] == "not_implemented"


def test_batch_of_actions(account, admin, tiktok):
    response = admin.post(
        "/api/actions/",
        {
            "actions": [
                {"request_id": "b-1", "action": "TikTok.PauseCampaign", "params": {"accountId": account.pk, "campaign_id": "1801"}},
                {"request_id": "b-2", "action": "TikTok.Nope", "params": {}},
            ]
        },
        format="json",
    )
    assert response.status_code == 200
    results = response.json()["results"]
    assert [(row["request_id"], row["status"]) for row in results] == [("b-1", 201), ("b-2", 400)]
    assert len(tiktok.writes) == 1
