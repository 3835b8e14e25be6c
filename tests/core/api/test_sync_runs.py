"""/api/sync-runs/: list with filters, detail with progress and parts, resume and cancel."""

from datetime import UTC, datetime, timedelta

import pytest

from core import services
from core.models import Role, SyncRun, SyncRunPart, SyncState

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


class RecordingRunner:
    """Stands in for a part runner task: records what would be enqueued."""

    def __init__(self):
        self.calls: list[dict] = []

    def delay(self, **kwargs):
        self.calls.append(kwargs)


@pytest.fixture
def runner(monkeypatch):
    recorder = RecordingRunner()
    monkeypatch.setitem(services._part_runners, "orders_full", recorder)
    return recorder


def make_run(tenant, *, kind="orders_full", target="shop:1", state=SyncState.FAILED, **fields) -> SyncRun:
    return SyncRun.all_tenants.create(
        tenant=tenant, kind=kind, target=target, state=state, created_at=fields.pop("created_at", T0), **fields
    )


@pytest.fixture
def failed_run(tenant_a):
    run = make_run(
        tenant_a,
        label="Full order history",
        items_done=250,
        items_total=1000,
        pages_done=3,
        parts_total=2,
        parts_done=1,
        attempts=1,
        error="upstream 503",
        counters={"created": 240, "updated": 10},
        started_at=T0 + timedelta(seconds=20),
        finished_at=T0 + timedelta(seconds=120),
    )
    SyncRunPart.all_tenants.create(
        tenant=tenant_a,
        run=run,
        key="2026-01",
        position=0,
        state=SyncState.SUCCEEDED,
        seq=3,
        items_done=250,
        items_total=250,
        updated_at=T0 + timedelta(seconds=90),
    )
    SyncRunPart.all_tenants.create(
        tenant=tenant_a,
        run=run,
        key="2026-02",
        position=1,
        state=SyncState.FAILED,
        error="upstream 503",
        updated_at=T0 + timedelta(seconds=120),
    )
    return run


def test_detail_has_progress_figures_and_parts(tenant_a, failed_run, api_client_for):
    parts = list(SyncRunPart.all_tenants.filter(run=failed_run).order_by("position"))
    response = api_client_for(tenant_a, Role.VIEWER).get(f"/api/sync-runs/{failed_run.pk}/")
    assert response.status_code == 200
    assert response.json() == {
        "id": failed_run.pk,
        "kind": "orders_full",
        "target": "shop:1",
        "label": "Full order history",
        "state": "failed",
        "is_active": False,
        "items_done": 250,
        "items_total": 1000,
        "pages_done": 3,
        "parts_done": 1,
        "parts_total": 2,
        "percent": 25.0,
        "rate_per_second": 2.5,  # 250 items in the 100 s between start and finish
        "eta_seconds": None,
        "elapsed_seconds": 100.0,
        "counters": {"created": 240, "updated": 10},
        "attempts": 1,
        "error": "upstream 503",
        "created_at": "2026-03-01T08:00:00Z",
        "started_at": "2026-03-01T08:00:20Z",
        "finished_at": "2026-03-01T08:02:00Z",
        "parts": [
            {
                "id": parts[0].pk,
                "key": "2026-01",
                "position": 0,
                "state": "succeeded",
                "items_done": 250,
                "items_total": 250,
                "pages_done": 3,
                "error": "",
                "started_at": None,
                "updated_at": "2026-03-01T08:01:30Z",
            },
            {
                "id": parts[1].pk,
                "key": "2026-02",
                "position": 1,
                "state": "failed",
                "items_done": 0,
                "items_total": None,
                "pages_done": 0,
                "error": "upstream 503",
                "started_at": None,
                "updated_at": "2026-03-01T08:02:00Z",
            },
        ],
    }


def test_list_filters_by_kind_state_and_target(tenant_a, tenant_b, api_client_for):
    make_run(tenant_a, kind="orders_full", target="shop:1", state=SyncState.SUCCEEDED, created_at=T0)
    make_run(tenant_a, kind="orders_full", target="shop:2", state=SyncState.RUNNING, created_at=T0 + timedelta(hours=1))
    make_run(tenant_a, kind="gmv_max_days", target="advertiser:9", state=SyncState.FAILED, created_at=T0 + timedelta(hours=2))
    make_run(tenant_b, kind="orders_full", target="shop:1", state=SyncState.SUCCEEDED)
    api = api_client_for(tenant_a, Role.VIEWER)

    def targets(query: str) -> list[str]:
        response = api.get(f"/api/sync-runs/{query}")
        assert response.status_code == 200
        body = response.json()
        assert body["count"] == len(body["results"])
        return [row["target"] for row in body["results"]]

    assert targets("") == ["advertiser:9", "shop:2", "shop:1"]  # newest first, tenant A only
    assert targets("?kind=orders_full") == ["shop:2", "shop:1"]
    assert targets("?state=running") == ["shop:2"]
    assert targets("?target=shop:1") == ["shop:1"]
    assert targets("?kind=orders_full&state=failed") == []
    list_row = api.get("/api/sync-runs/?state=succeeded").json()["results"][0]
    assert list_row["percent"] == 100.0
    assert "parts" not in list_row


def test_unknown_state_filter_is_400(tenant_a, api_client_for):
    response = api_client_for(tenant_a, Role.VIEWER).get("/api/sync-runs/?state=exploded")
    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "code": "invalid",
            "message": "Some fields are invalid: state",
            "fields": {"state": ["Select a valid choice. exploded is not one of the available choices."]},
        }
    }


def test_list_query_count_does_not_grow_with_rows(tenant_a, api_client_for, django_assert_num_queries):
    api = api_client_for(tenant_a, Role.VIEWER)
    make_run(tenant_a, target="shop:0")
    api.get("/api/sync-runs/")  # first use writes last_used_at; measure steady state after it
    with django_assert_num_queries(3):  # key lookup, count, page
        api.get("/api/sync-runs/")
    for i in range(1, 20):
        make_run(tenant_a, target=f"shop:{i}")
    with django_assert_num_queries(3):
        assert api.get("/api/sync-runs/").json()["count"] == 20


def test_resume_requeues_unfinished_parts(tenant_a, failed_run, runner, api_client_for, django_capture_on_commit_callbacks):
    failed_part = SyncRunPart.all_tenants.get(run=failed_run, key="2026-02")
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client_for(tenant_a, Role.ADMIN).post(f"/api/sync-runs/{failed_run.pk}/resume/")
    assert response.status_code == 200
    body = response.json()
    assert (body["state"], body["attempts"], body["error"], body["finished_at"]) == ("running", 2, "", None)
    assert [(p["key"], p["state"]) for p in body["parts"]] == [("2026-01", "succeeded"), ("2026-02", "pending")]
    assert runner.calls == [{"tenant_id": tenant_a.pk, "part_id": failed_part.pk}]


def test_resume_of_a_finished_run_is_409_and_changes_nothing(tenant_a, runner, api_client_for):
    run = make_run(tenant_a, state=SyncState.SUCCEEDED, attempts=1)
    response = api_client_for(tenant_a, Role.ADMIN).post(f"/api/sync-runs/{run.pk}/resume/")
    assert response.status_code == 409
    assert response.json() == {"error": {"code": "not_resumable", "message": "A succeeded sync can't be resumed.", "fields": {}}}
    run.refresh_from_db()
    assert (run.state, run.attempts) == (SyncState.SUCCEEDED, 1)
    assert runner.calls == []


def test_resume_while_another_run_is_active_is_409_naming_it(tenant_a, failed_run, runner, api_client_for):
    active = make_run(tenant_a, state=SyncState.RUNNING)
    response = api_client_for(tenant_a, Role.ADMIN).post(f"/api/sync-runs/{failed_run.pk}/resume/")
    assert response.status_code == 409
    assert response.json() == {
        "error": {
            "code": "sync_running",
            "message": "A orders_full sync for shop:1 is already running.",
            "fields": {},
            "sync_run_id": active.pk,
        }
    }
    failed_run.refresh_from_db()
    assert failed_run.state == SyncState.FAILED


def test_cancel_an_active_run_then_again(tenant_a, api_client_for, session_api_client_for):
    run = make_run(tenant_a, state=SyncState.RUNNING, parts_total=1)
    SyncRunPart.all_tenants.create(tenant=tenant_a, run=run, key="main", state=SyncState.RUNNING)
    client, _ = session_api_client_for(tenant_a, Role.ADMIN)
    response = client.post(f"/api/sync-runs/{run.pk}/cancel/", **client.csrf_headers)
    assert response.status_code == 200
    assert response.json()["state"] == "cancelled"
    assert response.json()["parts"][0]["state"] == "cancelled"
    again = client.post(f"/api/sync-runs/{run.pk}/cancel/", **client.csrf_headers)
    assert again.status_code == 409
    assert again.json() == {"error": {"code": "not_active", "message": "This sync has already cancelled.", "fields": {}}}


@pytest.mark.parametrize("role", [Role.VIEWER, Role.ANALYST])
@pytest.mark.parametrize("verb", ["resume", "cancel"])
def test_resume_and_cancel_need_admin(tenant_a, failed_run, api_client_for, role, verb):
    response = api_client_for(tenant_a, role).post(f"/api/sync-runs/{failed_run.pk}/{verb}/")
    assert response.status_code == 403
    assert response.json() == {"error": {"code": "permission_denied", "message": "Your role does not allow this.", "fields": {}}}
    failed_run.refresh_from_db()
    assert failed_run.state == SyncState.FAILED


@pytest.mark.parametrize("method,path", [("get", ""), ("post", "resume/"), ("post", "cancel/")])
def test_another_tenants_run_is_404(tenant_a, tenant_b, failed_run, runner, api_client_for, method, path):
    response = getattr(api_client_for(tenant_b, Role.ADMIN), method)(f"/api/sync-runs/{failed_run.pk}/{path}")
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "Not found.", "fields": {}}}
    failed_run.refresh_from_db()
    assert (failed_run.state, failed_run.attempts) == (SyncState.FAILED, 1)
    assert runner.calls == []
