"""``POST /api/brain/run-tiktok`` and ``GET /api/brain/runs/<id>``: 202 with the run and its
status URL, 400/404/409 with the field named, analysts and above may start, viewers read."""

from __future__ import annotations

import pytest

from autopilot.models import BrainRun, RunState
from core.models import Role
from tests.autopilot.brain_helpers import build_world, fake_evaluate, fast_retries, pinned_clock  # noqa: F401
from tiktok_ads.models import AdAccount


@pytest.fixture
def world(sandbox, tenant_a, pinned_clock, fake_evaluate, fast_retries):  # noqa: F811
    return build_world(sandbox, tenant_a)


def test_start_answers_202_with_the_run_and_the_status_url(world, api_client_for, django_capture_on_commit_callbacks):
    client = api_client_for(world.tenant, Role.ANALYST)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/brain/run-tiktok", {"accountId": world.account.pk}, format="json")
    assert response.status_code == 202, response.content
    body = response.json()
    run = BrainRun.objects.for_tenant(world.tenant).get()
    assert body["success"] is True
    assert (body["run"]["id"], body["run"]["ad_account_id"], body["run"]["mode"], body["run"]["trigger"]) == (
        run.pk,
        world.account.pk,
        "report_only",
        "manual",
    )
    assert body["run"]["status_url"] == f"/api/brain/runs/{run.pk}"
    status = api_client_for(world.tenant, Role.VIEWER).get(body["run"]["status_url"])
    assert status.status_code == 200
    answer = status.json()["run"]
    assert answer["state"] == RunState.SUCCEEDED
    assert answer["progress"] == {"state": "succeeded", "items_done": 5, "items_total": 5, "percent": 100.0, "error": ""}
    assert answer["stats"]["collected"] == 12


def test_ad_account_id_is_accepted_too_and_a_second_start_is_409(world, api_client_for):
    client = api_client_for(world.tenant, Role.ANALYST)
    first = client.post("/api/brain/run-tiktok/", {"ad_account_id": world.account.pk}, format="json")
    assert first.status_code == 202
    second = client.post("/api/brain/run-tiktok", {"ad_account_id": world.account.pk}, format="json")
    assert second.status_code == 409
    assert second.json()["error"]["code"] == "run_active"
    assert second.json()["error"]["run_id"] == first.json()["run"]["id"]


def test_bad_requests_name_the_field(world, api_client_for, tenant_b):
    client = api_client_for(world.tenant, Role.ANALYST)
    missing = client.post("/api/brain/run-tiktok", {}, format="json")
    assert missing.status_code == 400 and "accountId" in missing.json()["error"]["fields"]
    unknown = client.post("/api/brain/run-tiktok", {"accountId": 987654}, format="json")
    assert unknown.status_code == 404 and "accountId" in unknown.json()["error"]["fields"]
    bare = AdAccount.objects.create(tenant=world.tenant, name="No TikTok")
    no_advertiser = client.post("/api/brain/run-tiktok", {"accountId": bare.pk}, format="json")
    assert no_advertiser.status_code == 400 and no_advertiser.json()["error"]["code"] == "no_advertiser"
    other = api_client_for(tenant_b, Role.ADMIN).post("/api/brain/run-tiktok", {"accountId": world.account.pk}, format="json")
    assert other.status_code == 404
    assert BrainRun.objects.for_tenant(world.tenant).count() == 0


def test_viewers_may_not_start_and_other_tenants_runs_are_404(world, api_client_for, tenant_b):
    viewer = api_client_for(world.tenant, Role.VIEWER)
    assert viewer.post("/api/brain/run-tiktok", {"accountId": world.account.pk}, format="json").status_code == 403
    run = (
        api_client_for(world.tenant, Role.ANALYST)
        .post("/api/brain/run-tiktok", {"accountId": world.account.pk}, format="json")
        .json()["run"]
    )
    assert api_client_for(tenant_b, Role.ADMIN).get(f"/api/brain/runs/{run['id']}").status_code == 404
    assert viewer.get("/api/brain/runs/999999").status_code == 404
